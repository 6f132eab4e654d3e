// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.Intrinsics;
using TokenLabeling.Consensus.Kernels;
using TokenLabeling.Consensus.Kernels.Common;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Kernels;

/// <summary>Every vector path of every kernel against its scalar reference, over lane-boundary task counts and class counts.</summary>
[Trait("Category", "Kernels")]
public sealed class ConsensusKernelsTests
{
    private static readonly int[] s_classCounts = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17];

    public static TheoryData<KernelPath, int> PathsAndClassCounts()
    {
        var data = new TheoryData<KernelPath, int>();
        foreach (var path in KernelPaths.Supported.Append(KernelPath.Auto))
        {
            foreach (var k in s_classCounts)
            {
                data.Add(path, k);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndClassCounts))]
    public void CountVotes_AllLengths_MatchScalar(KernelPath path, int k)
    {
        foreach (var taskCount in TestLengths.Standard)
        {
            var (_, labels, offsets) = RandomTasks(taskCount, k, 8, seed: taskCount);
            var expected = new int[taskCount * k];
            var actual = new int[taskCount * k];
            ConsensusKernels.CountVotes(labels, offsets, k, expected, KernelPath.Scalar);
            ConsensusKernels.CountVotes(labels, offsets, k, actual, path);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndClassCounts))]
    public void TallyWeightedVotes_AllLengths_MatchScalarExactly(KernelPath path, int k)
    {
        foreach (var taskCount in TestLengths.Standard)
        {
            var (workers, labels, offsets) = RandomTasks(taskCount, k, 8, seed: taskCount);
            var rng = new Random(taskCount);
            var weights = Enumerable.Range(0, 13).Select(_ => rng.NextDouble() * 3).ToArray();
            var expected = new double[taskCount * k];
            var actual = new double[taskCount * k];
            ConsensusKernels.TallyWeightedVotes(labels, workers, weights, offsets, k, expected, KernelPath.Scalar);
            ConsensusKernels.TallyWeightedVotes(labels, workers, weights, offsets, k, actual, path);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndClassCounts))]
    public void DawidSkeneStep_AllLengths_MatchScalar(KernelPath path, int k)
    {
        foreach (var taskCount in TestLengths.Standard)
        {
            foreach (var withGold in new[] { false, true })
            {
                var (workers, labels, offsets) = RandomTasks(taskCount, k, 9, seed: taskCount);
                var rng = new Random(taskCount + 7);
                var codes = workers.Zip(labels, (w, l) => (w * k) + l).ToArray();
                var rows = Enumerable.Range(0, 13 * k * k).Select(_ => Math.Log(rng.NextDouble() + 1e-3)).ToArray();
                if (k > 1)
                {
                    rows[0] = double.NegativeInfinity; // an impossible answer must not produce NaN while another class stays possible
                }
                var logPriors = Enumerable.Range(0, k).Select(_ => Math.Log(rng.NextDouble() + 0.1)).ToArray();
                var gold = withGold ? Enumerable.Range(0, taskCount).Select(_ => rng.Next(-1, k)).ToArray() : [];

                var expectedPost = new double[taskCount * k];
                var expectedStats = Enumerable.Range(0, rows.Length).Select(i => i * 0.5).ToArray(); // accumulates onto existing values
                var expectedPrior = new double[k];
                var actualPost = new double[taskCount * k];
                var actualStats = expectedStats.ToArray();
                var actualPrior = new double[k];
                var expectedLl = ConsensusKernels.DawidSkeneStep(codes, offsets, rows, logPriors, gold, k, expectedPost, expectedStats, expectedPrior, KernelPath.Scalar);
                var actualLl = ConsensusKernels.DawidSkeneStep(codes, offsets, rows, logPriors, gold, k, actualPost, actualStats, actualPrior, path);

                if (expectedLl != actualLl)
                {
                    // A gold class the task's labels call impossible makes both −∞; otherwise compare within tolerance.
                    Tolerance.Equal(expectedLl, actualLl, 1e-12, 1e-9, $"log-likelihood, {taskCount} tasks");
                }
                Tolerance.Equal(expectedPost, actualPost, 1e-12, 1e-14);
                Tolerance.Equal(expectedStats, actualStats, 1e-12, 1e-12);
                Tolerance.Equal(expectedPrior, actualPrior, 1e-12, 1e-12);
                Assert.DoesNotContain(actualPost, double.IsNaN);
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndClassCounts))]
    public void DawidSkeneStep_TasksWithManyUnlikelyLabels_MatchScalar(KernelPath path, int k)
    {
        // 0..400 labels per task with probabilities down to 1e-12: products far below the double range must take the log-space route.
        var rng = new Random(k);
        var offsets = new int[41];
        var codes = new List<int>();
        for (var t = 0; t < 40; t++)
        {
            var n = t * 10;
            for (var i = 0; i < n; i++)
            {
                codes.Add(rng.Next(5 * k));
            }

            offsets[t + 1] = codes.Count;
        }

        var rows = Enumerable.Range(0, 5 * k * k).Select(_ => -rng.NextDouble() * 27.6).ToArray();
        var logPriors = Enumerable.Repeat(-Math.Log(k), k).ToArray();
        var expectedPost = new double[40 * k];
        var actualPost = new double[40 * k];
        var expectedLl = ConsensusKernels.DawidSkeneStep(codes.ToArray(), offsets, rows, logPriors, default, k, expectedPost, default, default, KernelPath.Scalar);
        var actualLl = ConsensusKernels.DawidSkeneStep(codes.ToArray(), offsets, rows, logPriors, default, k, actualPost, default, default, path);
        Tolerance.Equal(expectedLl, actualLl, 1e-12, 1e-9, "log-likelihood");
        Tolerance.Equal(expectedPost, actualPost, 1e-9, 1e-14);
        Assert.DoesNotContain(actualPost, double.IsNaN);
    }

    [Theory]
    [MemberData(nameof(PathsAndClassCounts))]
    public void DawidSkeneStep_WithoutOutputs_ReturnsTheSameLogLikelihood(KernelPath path, int k)
    {
        var (workers, labels, offsets) = RandomTasks(257, k, 6, seed: 3);
        var codes = workers.Zip(labels, (w, l) => (w * k) + l).ToArray();
        var rows = Enumerable.Range(0, 13 * k * k).Select(i => -0.01 * (i % 17)).ToArray();
        var logPriors = Enumerable.Repeat(-Math.Log(k), k).ToArray();
        var full = ConsensusKernels.DawidSkeneStep(codes, offsets, rows, logPriors, default, k, new double[257 * k], new double[rows.Length], new double[k], path);
        var bare = ConsensusKernels.DawidSkeneStep(codes, offsets, rows, logPriors, default, k, default, default, default, path);
        Assert.Equal(full, bare);
    }

    [Theory]
    [MemberData(nameof(PathsAndClassCounts))]
    public void ConfusionLogProbabilities_AllWorkerCounts_MatchScalar(KernelPath path, int k)
    {
        foreach (var workers in new[] { 0, 1, 2, 3, 7, 16, 33 })
        {
            var rng = new Random(workers);
            var stats = Enumerable.Range(0, workers * k * k).Select(_ => rng.Next(4) == 0 ? 0 : rng.NextDouble() * 10).ToArray();
            if (workers > 0)
            {
                for (var l = 0; l < k; l++)
                {
                    stats[l * k] = 0; // a whole column of zeros: uniform
                }
            }

            foreach (var alpha in new[] { 0.0, 0.5 })
            {
                var expected = new double[stats.Length];
                var actual = new double[stats.Length];
                ConsensusKernels.ConfusionLogProbabilities(stats, k, alpha, 1.0 / (k * 1000.0), expected, KernelPath.Scalar);
                ConsensusKernels.ConfusionLogProbabilities(stats, k, alpha, 1.0 / (k * 1000.0), actual, path);
                Tolerance.Equal(expected, actual, 1e-13, 1e-13);
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndClassCounts))]
    public void ConfusionProbabilities_AllWorkerCounts_MatchScalarAndTheLogKernel(KernelPath path, int k)
    {
        var resolved = ConsensusKernels.ResolveRowPath(path, k, sizeof(double));
        foreach (var workers in new[] { 0, 1, 2, 3, 7, 16, 33 })
        {
            var rng = new Random(workers + 100);
            var stats = Enumerable.Range(0, workers * k * k).Select(_ => rng.Next(4) == 0 ? 0 : rng.NextDouble() * 10).ToArray();
            if (workers > 0)
            {
                for (var l = 0; l < k; l++)
                {
                    stats[l * k] = 0; // a whole column of zeros: uniform
                }
            }

            foreach (var alpha in new[] { 0.0, 0.5 })
            {
                var floor = 1.0 / (k * 1000.0);
                var expected = new double[stats.Length];
                var actual = new double[stats.Length];
                var log = new double[stats.Length];
                ConsensusKernels.ConfusionProbabilitiesScalar(stats, k, alpha, floor, expected);
                ConsensusKernels.ConfusionProbabilitiesUnchecked(stats, k, alpha, floor, actual, resolved);
                ConsensusKernels.ConfusionLogProbabilities(stats, k, alpha, floor, log, KernelPath.Scalar);
                Tolerance.Equal(expected, actual, 1e-15, 1e-15);
                Tolerance.Equal(log.Select(Math.Exp).ToArray(), actual, 1e-14, 1e-15);
            }
        }
    }

    [Fact]
    public void ConfusionProbabilities_HandComputed()
    {
        // As ConfusionLogProbabilities_HandComputed, in the linear domain; the floor 0.3 lifts 0.25 to 0.3.
        double[] stats = [3, 0, 1, 0];
        var p = new double[4];
        ConsensusKernels.ConfusionProbabilitiesScalar(stats, 2, 0, 1e-10, p);
        Assert.Equal([0.75, 0.5, 0.25, 0.5], p);
        ConsensusKernels.ConfusionProbabilitiesScalar(stats, 2, 0, 0.3, p);
        Assert.Equal([0.75, 0.5, 0.3, 0.5], p);
    }

    /// <summary>The supported vector paths whose lane count of doubles equals K (2, 4 or 8): where a task fits one register.</summary>
    public static TheoryData<KernelPath, int> OneRegisterPaths()
    {
        var data = new TheoryData<KernelPath, int>();
        foreach (var path in KernelPaths.Supported.Where(p => p != KernelPath.Scalar))
        {
            data.Add(path, ConsensusKernels.LaneCount(path, sizeof(double)));
        }

        if (data.Count == 0)
        {
            data.Add(KernelPath.Scalar, 0); // no vector path here: the test then checks that the aggregators cannot take this form
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OneRegisterPaths))]
    public void DawidSkeneStep_LinearRowsOnly_MatchScalarWithLogRows(KernelPath resolved, int k)
    {
        // The aggregators' form: only exp(rows) is passed on the one-task-per-register path; gold tasks and tasks whose product leaves the
        // linear range take their logs from those rows. 0..177 labels per task, probabilities down to 1e-12.
        if (resolved == KernelPath.Scalar)
        {
            Assert.Equal(KernelPath.Scalar, ConsensusKernels.ResolveRowPath(KernelPath.Auto, 2, sizeof(double)));
            return;
        }


        var rng = new Random(k + 11);
        var offsets = new int[61];
        var codes = new List<int>();
        for (var t = 0; t < 60; t++)
        {
            var n = t % 3 == 0 ? t * 3 : t % 7;
            for (var i = 0; i < n; i++)
            {
                codes.Add(rng.Next(5 * k));
            }

            offsets[t + 1] = codes.Count;
        }

        var rows = Enumerable.Range(0, 5 * k * k).Select(_ => -rng.NextDouble() * 27.6).ToArray();
        var linear = rows.Select(Math.Exp).ToArray();
        var logPriors = Enumerable.Range(0, k).Select(_ => Math.Log(rng.NextDouble() + 0.1)).ToArray();
        var gold = Enumerable.Range(0, 60).Select(t => t % 5 == 0 ? rng.Next(k) : -1).ToArray();
        var expectedPost = new double[60 * k];
        var expectedStats = new double[rows.Length];
        var expectedPrior = new double[k];
        var actualPost = new double[60 * k];
        var actualStats = new double[rows.Length];
        var actualPrior = new double[k];
        var expectedLl = ConsensusKernels.DawidSkeneStep(codes.ToArray(), offsets, rows, logPriors, gold, k, expectedPost, expectedStats, expectedPrior, KernelPath.Scalar);
        var actualLl = ConsensusKernels.DawidSkeneStepUnchecked(codes.ToArray(), offsets, default, linear, logPriors, gold, k, actualPost, actualStats, actualPrior, resolved);
        Tolerance.Equal(expectedLl, actualLl, 1e-12, 1e-9, "log-likelihood");
        Tolerance.Equal(expectedPost, actualPost, 1e-9, 1e-14);
        Tolerance.Equal(expectedStats, actualStats, 1e-9, 1e-12);
        Tolerance.Equal(expectedPrior, actualPrior, 1e-9, 1e-12);
        Assert.DoesNotContain(actualPost, double.IsNaN);
    }

    [Fact]
    public void ConfusionLogProbabilities_HandComputed()
    {
        // One worker, K = 2, statistics [l, c]: answered 0 on class 0 three times, 1 on class 0 once; class 1 never seen.
        double[] stats = [3, 0, 1, 0];
        var log = new double[4];
        ConsensusKernels.ConfusionLogProbabilities(stats, 2, 0, 1e-10, log, KernelPath.Scalar);
        Tolerance.Equal(Math.Log(0.75), log[0]);
        Tolerance.Equal(Math.Log(0.25), log[2]);
        Tolerance.Equal(Math.Log(0.5), log[1]);
        Tolerance.Equal(Math.Log(0.5), log[3]);

        // With pseudo-count 1: (3 + 1) / (4 + 2) and (1 + 1) / (4 + 2).
        ConsensusKernels.ConfusionLogProbabilities(stats, 2, 1, 1e-10, log, KernelPath.Scalar);
        Tolerance.Equal(Math.Log(4.0 / 6), log[0]);
        Tolerance.Equal(Math.Log(2.0 / 6), log[2]);
    }

    [Fact]
    public void DawidSkeneStep_HandComputed()
    {
        // One task, two labels (codes 0 and 1), K = 2. Rows: code 0 = log(0.9, 0.2), code 1 = log(0.8, 0.3); priors (0.5, 0.5).
        // Joint: class 0: 0.5 * 0.9 * 0.8 = 0.36; class 1: 0.5 * 0.2 * 0.3 = 0.03. LL = log 0.39, posterior (0.36, 0.03) / 0.39.
        double[] rows = [Math.Log(0.9), Math.Log(0.2), Math.Log(0.8), Math.Log(0.3)];
        double[] priors = [Math.Log(0.5), Math.Log(0.5)];
        foreach (var path in KernelPaths.Supported)
        {
            var post = new double[2];
            var stats = new double[4];
            var prior = new double[2];
            var ll = ConsensusKernels.DawidSkeneStep([0, 1], [0, 2], rows, priors, default, 2, post, stats, prior, path);
            Tolerance.Equal(Math.Log(0.39), ll, 1e-14, 1e-14);
            Tolerance.Equal(0.36 / 0.39, post[0], 1e-14, 1e-14);
            Tolerance.Equal(0.03 / 0.39, post[1], 1e-14, 1e-14);
            Tolerance.Equal(post, stats.AsSpan(0, 2));
            Tolerance.Equal(post, stats.AsSpan(2, 2));
            Tolerance.Equal(post, prior);
        }
    }

    [Fact]
    public void CountVotes_HandComputed()
    {
        // Task 0: 2, 0, 2; task 1: none; task 2: 1.
        var counts = new int[9];
        foreach (var path in KernelPaths.Supported)
        {
            ConsensusKernels.CountVotes([2, 0, 2, 1], [0, 3, 3, 4], 3, counts, path);
            Assert.Equal([1, 0, 2, 0, 0, 0, 0, 1, 0], counts);
        }
    }

    [Fact]
    public void VectorExp_MatchesMathExp()
    {
        var rng = new Random(1);
        var xs = new List<double> { 0, -1e-300, -1e-10, -0.34657359027997264, -0.5, -1, -700, -707.9, -708, -708.5, -745, -1000, double.NegativeInfinity };
        xs.AddRange(Enumerable.Range(0, 4000).Select(_ => -rng.NextDouble() * 710));
        foreach (var x in xs)
        {
            var actual = Vector256DoubleOperator.ExpNonPositive(Vector256.Create(x)).GetElement(0);
            var actual128 = Vector128DoubleOperator.ExpNonPositive(Vector128.Create(x)).GetElement(0);
            var actual512 = Vector512DoubleOperator.ExpNonPositive(Vector512.Create(x)).GetElement(0);
            var expected = x < ExpConstants.Lowest ? 0 : Math.Exp(x);
            Tolerance.Equal(expected, actual, 1e-15, 0, $"exp({x:R})");
            Assert.Equal(actual, actual128);
            Assert.Equal(actual, actual512);
        }
    }

    [Fact]
    public void Kernels_RejectBadInput()
    {
        var counts = new int[8];
        Assert.Throws<ArgumentException>(() => ConsensusKernels.CountVotes([0, 5], [0, 2], 4, counts));
        Assert.Throws<ArgumentException>(() => ConsensusKernels.CountVotes([0, 1], [0, 3], 4, counts));
        Assert.Throws<ArgumentException>(() => ConsensusKernels.CountVotes([0, 1], [2, 1], 4, counts));
        Assert.Throws<ArgumentException>(() => ConsensusKernels.CountVotes([0, 1], [0, 1, 2, 2], 4, new int[11]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsensusKernels.CountVotes([0, 1], [0, 2], 0, counts));
        Assert.Throws<ArgumentException>(() => ConsensusKernels.TallyWeightedVotes([0], [0], [double.NaN], [0, 1], 2, new double[2]));
        Assert.Throws<ArgumentException>(() => ConsensusKernels.TallyWeightedVotes([0], [1], [1.0], [0, 1], 2, new double[2]));
        Assert.Throws<ArgumentException>(() => ConsensusKernels.DawidSkeneStep([4], [0, 1], new double[8], new double[2], default, 2, default, default, default));
        Assert.Throws<ArgumentException>(() => ConsensusKernels.DawidSkeneStep([0], [0, 1], [double.NaN, 0], new double[2], default, 2, default, default, default));
        Assert.Throws<ArgumentException>(() => ConsensusKernels.DawidSkeneStep([0], [0, 1], new double[2], new double[2], [2], 2, default, default, default));
        Assert.Throws<ArgumentException>(() => ConsensusKernels.DawidSkeneStep([0], [0, 1], new double[2], new double[2], default, 2, default, new double[3], default));
        Assert.Throws<ArgumentException>(() => ConsensusKernels.ConfusionLogProbabilities([1, 2, 3], 2, 0, 1e-10, new double[3]));
        Assert.Throws<ArgumentException>(() => ConsensusKernels.ConfusionLogProbabilities([1, -2, 3, 4], 2, 0, 1e-10, new double[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsensusKernels.ConfusionLogProbabilities([1, 2, 3, 4], 2, -1, 1e-10, new double[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsensusKernels.ConfusionLogProbabilities([1, 2, 3, 4], 2, 0, 0.9, new double[4]));
    }

    [Fact]
    public void ForcingAnUnsupportedPathThrows()
    {
        foreach (var path in new[] { KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512 })
        {
            if (!KernelPaths.IsSupported(path))
            {
                Assert.Throws<PlatformNotSupportedException>(() => ConsensusKernels.CountVotes([0], [0, 1], 1, new int[1], path));
            }
        }
    }

    /// <summary>Random tasks with 0..maxPerTask labels from 13 workers.</summary>
    internal static (int[] Workers, int[] Labels, int[] Offsets) RandomTasks(int taskCount, int k, int maxPerTask, int seed)
    {
        var rng = new Random(seed);
        var offsets = new int[taskCount + 1];
        var workers = new List<int>();
        var labels = new List<int>();
        for (var t = 0; t < taskCount; t++)
        {
            var n = rng.Next(maxPerTask + 1);
            for (var i = 0; i < n; i++)
            {
                workers.Add(rng.Next(13));
                labels.Add(rng.Next(k));
            }

            offsets[t + 1] = labels.Count;
        }

        return ([.. workers], [.. labels], offsets);
    }
}
