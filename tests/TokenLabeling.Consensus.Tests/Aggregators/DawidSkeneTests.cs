// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Aggregators;
using TokenLabeling.Consensus.Kernels;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Aggregators;

public sealed class DawidSkeneTests
{
    [Fact]
    public void OneIteration_HandComputed()
    {
        // Two tasks, two workers, K = 2. Task 0: both say 0. Task 1: worker 0 says 0, worker 1 says 1.
        // Majority-vote shares: task 0 (1, 0), task 1 (0.5, 0.5). Priors: (1.5, 0.5) / 2 = (0.75, 0.25).
        // Worker 0 answered 0 on both: column c=0 gets 1 + 0.5, column c=1 gets 0.5 -> θ0[c=0] = (1, 0), θ0[c=1] = (1, 0).
        // Worker 1: answered 0 on task 0 (1, 0) and 1 on task 1 (0.5, 0.5) -> θ1[c=0] = (1/1.5, 0.5/1.5), θ1[c=1] = (0, 1).
        // E-step, task 1 (w0 says 0, w1 says 1): class 0: 0.75 · 1 · (1/3) = 0.25; class 1: 0.25 · 1 · 1 = 0.25 -> (0.5, 0.5).
        // Task 0 (both 0): class 0: 0.75 · 1 · (2/3) = 0.5; class 1: 0.25 · 1 · 0 -> floored at 1e-10 -> ~ (1, 0).
        var set = AnnotationSet.FromIndices([0, 0, 1, 1], [0, 1, 0, 1], [0, 0, 0, 1]);
        var r = new DawidSkene(new DawidSkeneOptions { MaxIterations = 1 }).Aggregate(set);
        Tolerance.Equal([0.5, 0.5], r.GetPosterior(1), 1e-9, 1e-9);
        Tolerance.Equal(1, r.GetPosterior(0)[0], 1e-9, 1e-9);
        Tolerance.Equal([0.75, 0.25], r.ClassPriors);
        Tolerance.Equal(Math.Log(0.5 + 0.25e-10) + Math.Log(0.5), r.LogLikelihoodTrace[0], 1e-9, 1e-9);
        Assert.Equal(1, r.Iterations);
        Assert.False(r.Converged);
        Tolerance.Equal([2.0 / 3, 1.0 / 3], r.GetConfusionMatrix(1).Slice(0, 2), 1e-9, 1e-9);
    }

    [Fact]
    public void MatchesAPlainProbabilitySpaceReference()
    {
        var rng = new Random(5);
        var (set, _) = VotingTests.RandomSet(rng, 3, 60, 7);
        var options = new DawidSkeneOptions { MaxIterations = 25, Tolerance = -1 };
        var expected = NaiveDawidSkene(set, 25, options.MinProbability);
        foreach (var path in KernelPaths.Supported)
        {
            var r = new DawidSkene(options with { KernelPath = path }).Aggregate(set);
            Tolerance.Equal(expected, r.Posteriors, 1e-9, 1e-12);
        }
    }

    [Fact]
    public void LogLikelihood_NeverDecreases_AndTheRunConverges()
    {
        var (set, _) = VotingTests.RandomSet(new Random(11), 4, 300, 12);
        var ds = new DawidSkene(new DawidSkeneOptions { Tolerance = 1e-9, MaxIterations = 500 });
        Assert.True(ds.TryAggregate(set, out var r));
        Assert.True(r.Converged);
        var trace = r.LogLikelihoodTrace.ToArray();
        for (var i = 1; i < trace.Length; i++)
        {
            Assert.True(trace[i] >= trace[i - 1] - (1e-9 * Math.Abs(trace[i])), $"LL fell at iteration {i + 1}: {trace[i - 1]} -> {trace[i]}");
        }

        Assert.False(new DawidSkene(new DawidSkeneOptions { MaxIterations = 2, Tolerance = -1 }).TryAggregate(set, out var short2));
        Assert.Equal(2, short2.Iterations);
    }

    [Fact]
    public void ResultsAreBitIdentical_WhateverTheThreadCount()
    {
        // 160k labels: split into two task blocks.
        var rng = new Random(3);
        var n = 40_000;
        var tasks = new int[n * 4];
        var workers = new int[n * 4];
        var labels = new int[n * 4];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = i / 4;
            workers[i] = (i % 4) + (4 * rng.Next(50));
            labels[i] = rng.Next(10) < 7 ? (i / 4) % 3 : rng.Next(3);
        }

        var set = AnnotationSet.FromIndices(tasks, workers, labels);
        foreach (var oneCoin in new[] { false, true })
        {
            var options = new DawidSkeneOptions { MaxIterations = 5, Tolerance = -1 };
            ILabelAggregator Make(int dop) => oneCoin ? new OneCoinDawidSkene(options with { MaxDegreeOfParallelism = dop }) : new DawidSkene(options with { MaxDegreeOfParallelism = dop });
            var one = Make(1).Aggregate(set);
            var two = Make(2).Aggregate(set);
            var all = Make(-1).Aggregate(set);
            Assert.Equal(one.Posteriors.ToArray(), two.Posteriors.ToArray());
            Assert.Equal(one.Posteriors.ToArray(), all.Posteriors.ToArray());
            Assert.Equal(one.LogLikelihoodTrace.ToArray(), two.LogLikelihoodTrace.ToArray());
            Assert.Equal(one.ConfusionMatrices.ToArray(), two.ConfusionMatrices.ToArray());
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void OneRegisterPath_MatchesTheScalarPath_AndIsBitIdenticalWhateverTheThreadCount(int k)
    {
        // K equal to a lane count takes the grouped, interleaved pass (both models). 150k labels (two task blocks), 0..12 labels per task, gold on
        // every ninth task, and some workers with confident wrong answers.
        var rng = new Random(k);
        var tasks = new List<int>();
        var workers = new List<int>();
        var labels = new List<int>();
        var taskCount = 30_000;
        var truth = new int[taskCount];
        for (var t = 0; t < taskCount; t++)
        {
            truth[t] = rng.Next(k);
            var n = t % 101 == 7 ? 0 : 1 + (rng.Next(12) % 9) + (t % 3);
            for (var i = 0; i < n; i++)
            {
                var w = rng.Next(400);
                tasks.Add(t);
                workers.Add(w);
                labels.Add(w < 20 ? (truth[t] + 1) % k : rng.Next(10) < 7 ? truth[t] : rng.Next(k));
            }
        }

        var set = AnnotationSet.FromIndices(tasks.ToArray(), workers.ToArray(), labels.ToArray(), new AnnotationSetOptions { ClassCount = k });
        var gold = new GoldLabels(Enumerable.Range(0, set.TaskCount).Select(t => t % 9 == 4 ? truth[t] : -1).ToArray(), k);
        var options = new DawidSkeneOptions { MaxIterations = 12, Tolerance = -1 };
        foreach (var oneCoin in new[] { false, true })
        {
            ILabelAggregator Make(DawidSkeneOptions o) => oneCoin ? new OneCoinDawidSkene(o) : new DawidSkene(o);
            var scalar = Make(options with { KernelPath = KernelPath.Scalar }).Aggregate(set, gold);
            var one = Make(options with { MaxDegreeOfParallelism = 1 }).Aggregate(set, gold);
            var all = Make(options with { MaxDegreeOfParallelism = -1 }).Aggregate(set, gold);
            Tolerance.Equal(scalar.Posteriors, one.Posteriors, 1e-9, 1e-11);
            Tolerance.Equal(scalar.LogLikelihoodTrace, one.LogLikelihoodTrace, 1e-12, 1e-9);
            Tolerance.Equal(scalar.ConfusionMatrices, one.ConfusionMatrices, 1e-9, 1e-12);
            Tolerance.Equal(scalar.WorkerSkills, one.WorkerSkills, 1e-9, 1e-12);
            Tolerance.Equal(scalar.ClassPriors, one.ClassPriors, 1e-12, 1e-12);
            Assert.Equal(one.Posteriors.ToArray(), all.Posteriors.ToArray());
            Assert.Equal(one.LogLikelihoodTrace.ToArray(), all.LogLikelihoodTrace.ToArray());
            Assert.Equal(one.ConfusionMatrices.ToArray(), all.ConfusionMatrices.ToArray());
            Assert.Equal(one.WorkerSkills.ToArray(), all.WorkerSkills.ToArray());
        }
    }

    [Fact]
    public void GoldTasksAreClamped_AndSteerTheWorkers()
    {
        // Worker 0 always answers the opposite of the truth; gold on two tasks reveals it.
        var set = AnnotationSet.FromIndices([0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 0, 1], [1, 0, 0, 1, 1, 0]);
        var gold = new GoldLabels([0, 1, -1], 2);
        foreach (var ds in new ILabelAggregator[] { new DawidSkene(), new OneCoinDawidSkene() })
        {
            var r = ds.Aggregate(set, gold);
            Assert.Equal([1.0, 0], r.GetPosterior(0).ToArray());
            Assert.Equal([0.0, 1], r.GetPosterior(1).ToArray());
            Assert.Equal(0, r.Labels[2]);
            Assert.True(r.WorkerSkills[0] < 0.1, $"{ds.Name}: skill of the contrarian is {r.WorkerSkills[0]}");
        }
    }

    [Fact]
    public void ReportsProgress_AndHonoursCancellation()
    {
        var (set, _) = VotingTests.RandomSet(new Random(2), 3, 50, 6);
        var reports = new List<AggregationProgress>();
        var r = new DawidSkene(new DawidSkeneOptions { MaxIterations = 7, Tolerance = -1 }).Aggregate(set, null, new SyncProgress(reports.Add));
        Assert.Equal(7, reports.Count);
        Assert.Equal(Enumerable.Range(1, 7), reports.Select(p => p.Iteration));
        Assert.Equal(r.LogLikelihoodTrace.ToArray(), reports.Select(p => p.LogLikelihood));

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new DawidSkene().Aggregate(set, null, null, cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => new OneCoinDawidSkene().Aggregate(set, null, null, cts.Token));
    }

    [Fact]
    public void OneCoin_HandComputedSkillUpdate()
    {
        // Three tasks, unanimous among two workers except task 2. After the first M-step from vote shares:
        // worker 0 said 0, 0, 1 on shares (1,0), (0,1)?? -- instead check the fixed point: with unanimous labels skills go to 1 - floor.
        var set = AnnotationSet.FromIndices([0, 0, 1, 1], [0, 1, 0, 1], [0, 0, 1, 1]);
        var r = new OneCoinDawidSkene(new DawidSkeneOptions { MaxIterations = 1 }).Aggregate(set);

        // Shares are one-hot, so each worker's expected correct count equals its label count: s = 2 / 2 = 1.
        Tolerance.Equal([1.0, 1.0], r.WorkerSkills);
        Assert.Equal([0, 1], r.Labels.ToArray());
        Tolerance.Equal([1.0, 1e-10], r.GetConfusionMatrix(0).Slice(0, 2), 1e-9, 1e-12);
    }

    [Fact]
    public void Options_AreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DawidSkene(new DawidSkeneOptions { MaxIterations = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DawidSkene(new DawidSkeneOptions { Smoothing = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DawidSkene(new DawidSkeneOptions { MinProbability = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneCoinDawidSkene(new DawidSkeneOptions { Tolerance = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DawidSkene(new DawidSkeneOptions { MaxDegreeOfParallelism = 0 }));
    }

    /// <summary>Dawid-Skene in probability space with plain loops: an independent reference.</summary>
    private static double[] NaiveDawidSkene(AnnotationSet set, int iterations, double floor)
    {
        int k = set.ClassCount, tc = set.TaskCount, wc = set.WorkerCount;
        var post = new double[tc * k];
        for (var t = 0; t < tc; t++)
        {
            var labels = set.GetTaskLabels(t);
            for (var c = 0; c < k; c++)
            {
                post[(t * k) + c] = labels.Length == 0 ? 1.0 / k : labels.ToArray().Count(l => l == c) / (double)labels.Length;
            }
        }

        for (var it = 0; it < iterations; it++)
        {
            var prior = new double[k];
            var theta = new double[wc, k, k];
            for (var t = 0; t < tc; t++)
            {
                for (var c = 0; c < k; c++)
                {
                    prior[c] += post[(t * k) + c] / tc;
                }

                var ws = set.GetTaskWorkers(t);
                var ls = set.GetTaskLabels(t);
                for (var i = 0; i < ls.Length; i++)
                {
                    for (var c = 0; c < k; c++)
                    {
                        theta[ws[i], c, ls[i]] += post[(t * k) + c];
                    }
                }
            }

            for (var w = 0; w < wc; w++)
            {
                for (var c = 0; c < k; c++)
                {
                    var row = 0.0;
                    for (var l = 0; l < k; l++)
                    {
                        row += theta[w, c, l];
                    }

                    for (var l = 0; l < k; l++)
                    {
                        theta[w, c, l] = Math.Max(row == 0 ? 1.0 / k : theta[w, c, l] / row, floor);
                    }
                }
            }

            for (var t = 0; t < tc; t++)
            {
                var ws = set.GetTaskWorkers(t);
                var ls = set.GetTaskLabels(t);
                var sum = 0.0;
                for (var c = 0; c < k; c++)
                {
                    var p = Math.Max(prior[c], floor);
                    for (var i = 0; i < ls.Length; i++)
                    {
                        p *= theta[ws[i], c, ls[i]];
                    }

                    post[(t * k) + c] = p;
                    sum += p;
                }

                for (var c = 0; c < k; c++)
                {
                    post[(t * k) + c] /= sum;
                }
            }
        }

        return post;
    }

    private sealed class SyncProgress(Action<AggregationProgress> report) : IProgress<AggregationProgress>
    {
        public void Report(AggregationProgress value) => report(value);
    }
}
