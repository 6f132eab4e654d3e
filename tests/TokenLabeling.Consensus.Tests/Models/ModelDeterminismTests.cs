// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Models;

namespace TokenLabeling.Consensus.Tests.Models;

/// <summary>
/// The models that split their passes into task ranges run those ranges on whatever cores are free, in any order. Their sums are
/// added in range order, so repeated runs must agree bit for bit however the ranges were scheduled.
/// </summary>
public class ModelDeterminismTests
{
    public static TheoryData<string> Models => ["wawa", "glad", "mace", "kos"];

    [Theory]
    [MemberData(nameof(Models))]
    public void RepeatedRunsOnASetOfSeveralTaskRangesAgreeBitForBit(string model)
    {
        // 30,000 tasks × 5 labels = 150,000 labels: several ranges of about 32k labels each.
        var set = Crowd(30_000, 400, model == "kos" ? 2 : 4, seed: 7);
        var aggregator = ModelAccuracyTests.Create(model);
        var first = aggregator.Aggregate(set);
        for (var run = 0; run < 3; run++)
        {
            var again = aggregator.Aggregate(set);
            Assert.Equal(first.Labels.ToArray(), again.Labels.ToArray());
            Assert.True(first.Posteriors.SequenceEqual(again.Posteriors), $"{model}: posteriors differ between runs");
            Assert.True(first.WorkerSkills.SequenceEqual(again.WorkerSkills), $"{model}: worker skills differ between runs");
        }
    }

    private static AnnotationSet Crowd(int taskCount, int workerCount, int classes, int seed)
    {
        var random = new Random(seed);
        var accuracy = Enumerable.Range(0, workerCount).Select(_ => 0.5 + (0.45 * random.NextDouble())).ToArray();
        var tasks = new List<int>();
        var workers = new List<int>();
        var labels = new List<int>();
        for (var t = 0; t < taskCount; t++)
        {
            var truth = random.Next(classes);
            for (var j = 0; j < 5; j++)
            {
                var w = random.Next(workerCount);
                tasks.Add(t);
                workers.Add(w);
                labels.Add(random.NextDouble() < accuracy[w] ? truth : random.Next(classes));
            }
        }

        return AnnotationSet.FromIndices(tasks.ToArray(), workers.ToArray(), labels.ToArray(), new AnnotationSetOptions { ClassCount = classes });
    }
}
