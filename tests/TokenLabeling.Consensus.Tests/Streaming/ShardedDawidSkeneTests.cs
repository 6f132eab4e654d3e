// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TokenLabeling.Consensus.Streaming;
using TokenLabeling.Consensus.Tests.Models;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Streaming;

public class ShardedDawidSkeneTests
{
    [Fact]
    public void StatisticsOfOneTaskByHand()
    {
        // One task, labels 0, 0, 1 from workers 0, 1, 2, posterior (2/3, 1/3).
        var set = AnnotationSet.FromIndices([0, 0, 0], [0, 1, 2], [0, 0, 1], new AnnotationSetOptions { ClassCount = 2 });
        var stats = DawidSkeneStatistics.FromPosteriors(set, [2.0 / 3, 1.0 / 3]);
        Tolerance.Equal([2.0 / 3, 1.0 / 3], stats.ClassCounts);

        // Worker 0 answered 0: cells [c=0, l=0] += 2/3 and [c=1, l=0] += 1/3. Worker 2 answered 1.
        Tolerance.Equal(
            [2.0 / 3, 0, 1.0 / 3, 0, 2.0 / 3, 0, 1.0 / 3, 0, 0, 2.0 / 3, 0, 1.0 / 3],
            stats.ConfusionCounts);
        Assert.Equal(1, stats.TaskCount);
        Assert.Equal(3, stats.LabelCount);

        // M-step with smoothing 1: worker 2, true class 0 row: (0 + 1, 2/3 + 1) / (2/3 + 2) = (3/8, 5/8).
        var model = stats.ToModel(1.0);
        Tolerance.Equal([3.0 / 8, 5.0 / 8], model.ConfusionMatrices.Slice(8, 2));
        Tolerance.Equal([(2.0 / 3 + 1) / 3, (1.0 / 3 + 1) / 3], model.ClassPriors);
    }

    [Fact]
    public void MergePadsMissingWorkersAndAddsCounts()
    {
        var a = DawidSkeneStatistics.FromPosteriors(AnnotationSet.FromIndices([0], [0], [1], new AnnotationSetOptions { ClassCount = 2 }), [0.25, 0.75]);
        var b = DawidSkeneStatistics.FromPosteriors(AnnotationSet.FromIndices([0], [1], [0], new AnnotationSetOptions { ClassCount = 2 }, workerCount: 2), [1, 0]);
        var merged = a.Merge(b);
        Assert.Equal(2, merged.WorkerCount);
        Tolerance.Equal([1.25, 0.75], merged.ClassCounts);
        Tolerance.Equal([0, 0.25, 0, 0.75, 1, 0, 0, 0], merged.ConfusionCounts);
        Assert.Equal(2, merged.TaskCount);
        Assert.Throws<ArgumentException>(() => a.Merge(DawidSkeneStatistics.Empty(3)));
        Assert.Same(a, DawidSkeneStatistics.Merge([a]));
    }

    [Property(MaxTest = 40)]
    public Property ShardAndMergeEqualsTheSinglePass(PositiveInt seed, PositiveInt shards)
    {
        var shardCount = 1 + (shards.Get % 4);
        var set = StreamingTestSets.RandomCrowd(seed.Get, tasks: 60, workers: 9, classes: 3, perTask: 5);
        var random = new Random(seed.Get + 1);
        var assignment = Enumerable.Range(0, set.TaskCount).Select(_ => random.Next(shardCount)).ToArray();
        var (parts, maps) = StreamingTestSets.SplitByTask(set, assignment, shardCount);

        // One E-step under a common model: the merged shard statistics are the whole set's statistics.
        var model = ShardedDawidSkene.MajorityStatistics(set, null).ToModel();
        var whole = model.Expect(set, null, out var wholeLikelihood);
        var merged = DawidSkeneStatistics.Merge(parts.Select(p => model.Expect(p, null, out _)));
        var sameStep = Close(whole.ClassCounts, merged.ClassCounts, 1e-12) && Close(whole.ConfusionCounts, merged.ConfusionCounts, 1e-12);

        // A whole EM fit: the sharded fit gives the single-machine posteriors to 1e-9.
        var options = new ShardedDawidSkeneOptions { MaxIterations = 50, Tolerance = 0, Parallel = shardCount % 2 == 0 };
        var single = ShardedDawidSkene.Fit([set], options: options);
        var sharded = ShardedDawidSkene.Fit(parts, options: options);
        var expected = new double[set.TaskCount * 3];
        single.Model.Posteriors(set, expected);
        var sameFit = true;
        for (var s = 0; s < shardCount; s++)
        {
            var actual = new double[parts[s].TaskCount * 3];
            sharded.Model.Posteriors(parts[s], actual);
            for (var local = 0; local < maps[s].Length; local++)
            {
                sameFit &= Close(expected.AsSpan(maps[s][local] * 3, 3), actual.AsSpan(local * 3, 3), 1e-9);
            }
        }

        return (sameStep && sameFit && Math.Abs(single.LogLikelihoodTrace[^1] - sharded.LogLikelihoodTrace[^1]) <= 1e-9 * Math.Abs(single.LogLikelihoodTrace[^1]))
            .Label($"shards={shardCount} step={sameStep} fit={sameFit} ll={wholeLikelihood}");
    }

    [Theory]
    [MemberData(nameof(DatasetData.Available), MemberType = typeof(DatasetData))]
    public void BatchFitReachesTheReferenceDawidSkeneAccuracy(string dataset)
    {
        // REFERENCE.md, "Reference accuracy", column "ds (100 it)".
        var reference = new Dictionary<string, double>
        {
            ["bluebirds"] = 0.8981, ["snow_rte"] = 0.9275, ["snow_temp"] = 0.9416, ["snow_wsd"] = 0.9944,
            ["zheng_s4_Dog"] = 0.8426, ["zhou_web"] = 0.8281, ["zencrowd_us"] = 0.8211, ["zheng_d_sentiment"] = 0.9600,
        };
        var (set, gold) = ModelDatasets.Load(dataset);
        var fit = ShardedDawidSkene.Fit([set], options: new ShardedDawidSkeneOptions { MaxIterations = 100, Tolerance = 0 });
        var accuracy = gold.Accuracy(fit.Model.ToResult(set).Labels);
        Assert.True(accuracy >= reference[dataset] - 0.005, $"{dataset}: {accuracy:F4} against ds (100 it) {reference[dataset]:F4}");
    }

    [Fact]
    public void MismatchedShardsAreRejectedByIndex()
    {
        var two = AnnotationSet.FromIndices([0], [0], [1], new AnnotationSetOptions { ClassCount = 2 });
        var three = AnnotationSet.FromIndices([0], [0], [2], new AnnotationSetOptions { ClassCount = 3 });
        var error = Assert.Throws<ArgumentException>(() => ShardedDawidSkene.Fit([two, three]));
        Assert.Contains("Shard 1", error.Message);
        Assert.Throws<ArgumentException>(() => ShardedDawidSkene.Fit([]));
    }

    private static bool Close(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double relative)
    {
        if (expected.Length != actual.Length)
        {
            return false;
        }

        for (var i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(expected[i] - actual[i]) > relative * Math.Max(1, Math.Abs(expected[i])))
            {
                return false;
            }
        }

        return true;
    }
}
