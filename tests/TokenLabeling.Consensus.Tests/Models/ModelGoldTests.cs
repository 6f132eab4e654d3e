// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Models;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Models;

public class ModelGoldTests
{
    public static TheoryData<string> Models => ["wawa", "zbs", "glad", "mace", "mmsr", "kos"];

    [Theory]
    [MemberData(nameof(Models))]
    public void GoldTasksKeepTheirKnownAnswerEvenAgainstTheCrowd(string model)
    {
        // Task 0: everyone says 1, gold says 0. Tasks 1-8: no gold; five workers agree on t % 2 except two slips (worker 2 on
        // task 5, worker 3 on task 6).
        var tasks = new List<int> { 0, 0, 0, 0, 0 };
        var workers = new List<int> { 0, 1, 2, 3, 4 };
        var labels = new List<int> { 1, 1, 1, 1, 1 };
        for (var t = 1; t <= 8; t++)
        {
            for (var w = 0; w < 5; w++)
            {
                tasks.Add(t);
                workers.Add(w);
                labels.Add((w == 2 && t == 5) || (w == 3 && t == 6) ? 1 - (t % 2) : t % 2);
            }
        }

        var set = AnnotationSet.FromIndices(tasks.ToArray(), workers.ToArray(), labels.ToArray(), new AnnotationSetOptions { ClassCount = 2 });
        var gold = new GoldLabels([0, -1, -1, -1, -1, -1, -1, -1, -1], 2);
        var result = ModelAccuracyTests.Create(model).Aggregate(set, gold);
        Assert.Equal(0, result.Labels[0]);
        Assert.Equal([1.0, 0.0], result.GetPosterior(0).ToArray());
        for (var t = 1; t <= 8; t++)
        {
            Assert.Equal(t % 2, result.Labels[t]);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void GoldThatDoesNotFitTheSetIsRejected(string model)
    {
        var set = AnnotationSet.FromIndices([0, 1], [0, 0], [1, 0], new AnnotationSetOptions { ClassCount = 2 });
        var aggregator = ModelAccuracyTests.Create(model);
        Assert.Throws<ArgumentException>(() => aggregator.Aggregate(set, new GoldLabels([0], 2)));
        Assert.Throws<ArgumentException>(() => aggregator.Aggregate(set, new GoldLabels([0, 1], 3)));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void CancellationStopsTheRun(string model)
    {
        var set = AnnotationSet.FromIndices([0, 1], [0, 0], [1, 0], new AnnotationSetOptions { ClassCount = 2 });
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => ModelAccuracyTests.Create(model).Aggregate(set, cancellationToken: cts.Token));
    }

    [Fact]
    public void WorkerGoldAccuracyCountsOnlyGoldTasks()
    {
        // Gold: task 0 = 1, task 2 = 0, task 1 unknown. Worker 0: right on 0, wrong on 2. Worker 1: right on 0 twice (duplicate).
        // Worker 2 answered only task 1.
        var set = AnnotationSet.FromIndices([0, 0, 0, 1, 2], [0, 1, 1, 2, 0], [1, 1, 1, 0, 1], new AnnotationSetOptions { ClassCount = 2 });
        var accuracy = WorkerGoldAccuracy.Compute(set, new GoldLabels([1, -1, 0], 2));
        Assert.Equal([2, 2, 0], accuracy.Answered.ToArray());
        Assert.Equal([1, 2, 0], accuracy.Correct.ToArray());
        Assert.Equal(0.5, accuracy.GetAccuracy(0));
        Assert.Equal(1.0, accuracy.GetAccuracy(1));
        Assert.False(accuracy.TryGetAccuracy(2, out _));
        var error = Assert.Throws<InvalidOperationException>(() => accuracy.GetAccuracy(2));
        Assert.Contains("Worker index 2", error.Message);
    }

    [DatasetFact("bluebirds")]
    public void GoldOnHalfTheTasksDoesNotHurtTheOtherHalf()
    {
        var (set, gold) = ModelDatasets.Load("bluebirds");
        var half = gold.Labels.ToArray();
        var rest = gold.Labels.ToArray();
        for (var t = 0; t < half.Length; t++)
        {
            if (t % 2 == 1)
            {
                half[t] = -1;
            }
            else
            {
                rest[t] = -1;
            }
        }

        var known = new GoldLabels(half, set.ClassCount);
        var evaluation = new GoldLabels(rest, set.ClassCount);
        foreach (var model in new[] { "wawa", "zbs", "glad", "mace", "mmsr", "kos" })
        {
            var aggregator = ModelAccuracyTests.Create(model);
            var without = evaluation.Accuracy(aggregator.Aggregate(set).Labels);
            var with = evaluation.Accuracy(aggregator.Aggregate(set, known).Labels);
            Assert.True(with >= without - 0.02, $"{model}: {with:F3} with gold on half the tasks, {without:F3} without");
        }
    }
}
