// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TokenLabeling.Consensus.Aggregators;
using TokenLabeling.Consensus.Kernels;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Aggregators;

public sealed class VotingTests
{
    // The methods of this package's core; others registered beside them have their own tests.
    private static readonly string[] s_coreMethods = ["mv", "wmv", "ds", "onecoin-ds"];

    // Task 0: labels 1, 1, 0 -> 1 (2/3). Task 1: 0, 2 -> tie between 0 and 2 -> 0 under LowestClassId. Task 2: no labels.
    private static AnnotationSet Small() => AnnotationSet.FromIndices([0, 0, 0, 1, 1], [0, 1, 2, 0, 1], [1, 1, 0, 0, 2], new AnnotationSetOptions { ClassCount = 3 }, taskCount: 3);

    [Fact]
    public void MajorityVote_HandComputed()
    {
        var r = new MajorityVote().Aggregate(Small());
        Assert.Equal([1, 0, -1], r.Labels.ToArray());
        Tolerance.Equal([1.0 / 3, 2.0 / 3, 0], r.GetPosterior(0));
        Tolerance.Equal([0.5, 0, 0.5], r.GetPosterior(1));
        Tolerance.Equal([1.0 / 3, 1.0 / 3, 1.0 / 3], r.GetPosterior(2));
        Tolerance.Equal(2.0 / 3, r.GetConfidence(0));
        Assert.Equal(0, r.Iterations);
        Assert.True(r.Converged);

        // Worker 0 answered 1 (agrees) and 0 (agrees); worker 1: 1 (agrees), 2 (disagrees); worker 2: 0 (disagrees).
        Tolerance.Equal([1.0, 0.5, 0.0], r.WorkerSkills);
    }

    [Fact]
    public void MajorityVote_SeededHashBreaksTiesAmongTheTiedClassesOnly_AndIsReproducible()
    {
        // 200 tasks, each a 0-versus-2 tie (class 1 never named).
        var n = 200;
        var tasks = Enumerable.Range(0, n).SelectMany(t => new[] { t, t }).ToArray();
        var workers = Enumerable.Range(0, n).SelectMany(_ => new[] { 0, 1 }).ToArray();
        var labels = Enumerable.Range(0, n).SelectMany(_ => new[] { 0, 2 }).ToArray();
        var set = AnnotationSet.FromIndices(tasks, workers, labels, new AnnotationSetOptions { ClassCount = 3 });
        var options = new MajorityVoteOptions { TieBreaking = MajorityVoteTieBreaking.SeededHash, Seed = 42 };
        var a = new MajorityVote(options).Aggregate(set).Labels.ToArray();
        var b = new MajorityVote(options).Aggregate(set).Labels.ToArray();
        var other = new MajorityVote(options with { Seed = 43 }).Aggregate(set).Labels.ToArray();
        Assert.Equal(a, b);
        Assert.All(a, l => Assert.True(l is 0 or 2));
        Assert.InRange(a.Count(l => l == 0), 70, 130); // both classes win about half the ties
        Assert.NotEqual(a, other);
        Assert.All(new MajorityVote().Aggregate(set).Labels.ToArray(), l => Assert.Equal(0, l));
    }

    [Fact]
    public void MajorityVote_ClampsGold()
    {
        var set = Small();
        var gold = new GoldLabels([2, -1, 1], 3);
        var r = new MajorityVote().Aggregate(set, gold);
        Assert.Equal([2, 0, 1], r.Labels.ToArray());
        Assert.Equal([0.0, 0, 1], r.GetPosterior(0).ToArray());
    }

    [Fact]
    public void Aggregators_RejectGoldOfAnotherShape()
    {
        var set = Small();
        foreach (var name in Consensus.Aggregators.Aggregators.Names)
        {
            var aggregator = Consensus.Aggregators.Aggregators.Create(name);
            Assert.Throws<ArgumentException>(() => aggregator.Aggregate(set, new GoldLabels([0, 1], 3)));
            Assert.Throws<ArgumentException>(() => aggregator.Aggregate(set, new GoldLabels([0, 1, 0], 2)));
        }
    }

    [Fact]
    public void WeightedMajorityVote_WithGivenWeights_HandComputed()
    {
        // Task 1 ties 0 (worker 0) against 2 (worker 1); weights 1 and 3 make it 2 with posterior (0.25, 0, 0.75).
        var r = new WeightedMajorityVote(new WeightedMajorityVoteOptions { WorkerWeights = new[] { 1.0, 3.0, 0.5 } }).Aggregate(Small());
        Assert.Equal([1, 2, -1], r.Labels.ToArray());
        Tolerance.Equal([0.5 / 4.5, 4.0 / 4.5, 0], r.GetPosterior(0));
        Tolerance.Equal([0.25, 0, 0.75], r.GetPosterior(1));
        Assert.Throws<ArgumentException>(() => new WeightedMajorityVote(new WeightedMajorityVoteOptions { WorkerWeights = new[] { -1.0 } }));
        Assert.Throws<ArgumentException>(() => new WeightedMajorityVote(new WeightedMajorityVoteOptions { WorkerWeights = new[] { 1.0 } }).Aggregate(Small()));
    }

    [Fact]
    public void WeightedMajorityVote_EstimatedWeights_HandComputed()
    {
        // Agreement with the majority (K = 3): worker 0 agrees 2/2 -> a = 3/4 -> log(2 · 3) = log 6;
        // worker 1: 1/2 -> a = 1/2 -> log 2; worker 2: 0/1 -> a = 1/3 -> log 1 = 0.
        var r = new WeightedMajorityVote().Aggregate(Small());
        Tolerance.Equal([Math.Log(6), Math.Log(2), 0], r.WorkerSkills);
        Assert.Equal([1, 0, -1], r.Labels.ToArray());
    }

    [Fact]
    public void Registry_KnowsTheMethods_AndRejectsUnknownNames()
    {
        Assert.Equal(["mv", "wmv", "ds", "onecoin-ds"], Consensus.Aggregators.Aggregators.Names.Take(4));
        Assert.IsType<DawidSkene>(Consensus.Aggregators.Aggregators.Create("DS", new AggregatorSettings { MaxIterations = 7 }));
        Assert.Equal(7, ((DawidSkene)Consensus.Aggregators.Aggregators.Create("ds", new AggregatorSettings { MaxIterations = 7 })).Options.MaxIterations);
        Assert.False(Consensus.Aggregators.Aggregators.TryCreate("nope", out _));
        var ex = Assert.Throws<ArgumentException>(() => Consensus.Aggregators.Aggregators.Create("nope"));
        Assert.Contains("mv, wmv, ds, onecoin-ds", ex.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 200)]
    public Property MajorityVote_EqualsANaiveCount_OnEveryPath(PositiveInt seed)
    {
        var rng = new Random(seed.Get);
        var k = rng.Next(1, 12);
        var (set, _) = RandomSet(rng, k, rng.Next(0, 60), 9);
        var naive = new int[set.TaskCount];
        for (var t = 0; t < set.TaskCount; t++)
        {
            var counts = new int[k];
            foreach (var l in set.GetTaskLabels(t))
            {
                counts[l]++;
            }

            naive[t] = set.GetTaskLabelCount(t) == 0 ? -1 : Array.IndexOf(counts, counts.Max());
        }

        return KernelPaths.Supported.All(p => new MajorityVote(new MajorityVoteOptions { KernelPath = p }).Aggregate(set).Labels.SequenceEqual(naive)).ToProperty();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    public void MajorityVote_LargeSet_PosteriorsSkillsAndPriorsEqualANaiveCount_OnAnyThreadCount(int k)
    {
        // 40,000 tasks × 0..8 labels: several task blocks, so the per-block counters and their reduction are exercised.
        var rng = new Random(k);
        var tasks = new List<int>();
        var workers = new List<int>();
        var labels = new List<int>();
        for (var t = 0; t < 40_000; t++)
        {
            var n = rng.Next(0, 9);
            var start = rng.Next(300);
            for (var j = 0; j < n; j++)
            {
                tasks.Add(t);
                workers.Add((start + (j * 37)) % 300);
                labels.Add(rng.Next(k));
            }
        }

        var set = AnnotationSet.FromIndices([.. tasks], [.. workers], [.. labels], new AnnotationSetOptions { ClassCount = k }, taskCount: 40_000, workerCount: 301);
        var expectedPosteriors = new double[set.TaskCount * k];
        var chosen = new int[set.TaskCount];
        var priorSums = new double[k];
        var labelled = 0;
        for (var t = 0; t < set.TaskCount; t++)
        {
            var counts = new int[k];
            foreach (var l in set.GetTaskLabels(t))
            {
                counts[l]++;
            }

            var n = set.GetTaskLabelCount(t);
            chosen[t] = n == 0 ? -1 : Array.IndexOf(counts, counts.Max());
            for (var c = 0; c < k; c++)
            {
                expectedPosteriors[(t * k) + c] = n == 0 ? 1.0 / k : (double)counts[c] / n;
                priorSums[c] += n == 0 ? 0 : (double)counts[c] / n;
            }

            labelled += n > 0 ? 1 : 0;
        }

        var agreeing = new int[301];
        var total = new int[301];
        for (var i = 0; i < tasks.Count; i++)
        {
            total[workers[i]]++;
            agreeing[workers[i]] += labels[i] == chosen[tasks[i]] ? 1 : 0;
        }

        var expectedSkills = Enumerable.Range(0, 301).Select(w => total[w] == 0 ? 0.0 : (double)agreeing[w] / total[w]).ToArray();
        foreach (var threads in new[] { 1, -1 })
        {
            var r = new MajorityVote(new MajorityVoteOptions { MaxDegreeOfParallelism = threads }).Aggregate(set);
            Assert.Equal(chosen, r.Labels.ToArray());
            Tolerance.Equal(expectedPosteriors, r.Posteriors, 1e-15, 1e-15);
            Tolerance.Equal(expectedSkills, r.WorkerSkills, 1e-15, 1e-15);
            Tolerance.Equal(priorSums.Select(p => p / labelled).ToArray(), r.ClassPriors, 1e-12, 1e-12);
        }
    }

    [Fact]
    public void MajorityVote_TasksWithManyLabels_LabelsAndPriorsEqualANaiveCount()
    {
        // K = 4 (the labels-first pass), 60..75 labels per task: across the end of the labels-first pass's table of reciprocals (n < 64), odd and even counts.
        var rng = new Random(17);
        var tasks = new List<int>();
        var labels = new List<int>();
        var priorSums = new double[4];
        var chosen = new int[300];
        for (var t = 0; t < 300; t++)
        {
            var n = 60 + (t % 16);
            var counts = new int[4];
            for (var j = 0; j < n; j++)
            {
                var l = rng.Next(10) < 5 ? t % 4 : rng.Next(4);
                counts[l]++;
                tasks.Add(t);
                labels.Add(l);
            }

            chosen[t] = Array.IndexOf(counts, counts.Max());
            for (var c = 0; c < 4; c++)
            {
                priorSums[c] += (double)counts[c] / n;
            }
        }

        var set = AnnotationSet.FromIndices([.. tasks], [.. Enumerable.Range(0, tasks.Count).Select(i => i % 97)], [.. labels], new AnnotationSetOptions { ClassCount = 4 });
        var r = new MajorityVote().Aggregate(set);
        Assert.Equal(chosen, r.Labels.ToArray());
        Tolerance.Equal(priorSums.Select(p => p / 300).ToArray(), r.ClassPriors, 1e-12, 1e-12);
    }

    [Property(MaxTest = 100)]
    public Property Posteriors_SumToOne(PositiveInt seed)
    {
        var rng = new Random(seed.Get);
        var (set, _) = RandomSet(rng, rng.Next(1, 7), rng.Next(0, 40), 6);
        return s_coreMethods.All(name =>
        {
            var r = Consensus.Aggregators.Aggregators.Create(name).Aggregate(set);
            return Enumerable.Range(0, set.TaskCount).All(t => Math.Abs(r.GetPosterior(t).ToArray().Sum() - 1) < 1e-12 && !r.GetPosterior(t).ToArray().Any(double.IsNaN));
        }).ToProperty();
    }

    [Property(MaxTest = 60)]
    public Property RelabellingTasksAndWorkers_PermutesTheResult(PositiveInt seed)
    {
        var rng = new Random(seed.Get);
        var k = rng.Next(2, 5);
        var (set, triples) = RandomSet(rng, k, rng.Next(1, 30), 5);
        var taskPerm = Enumerable.Range(0, set.TaskCount).OrderBy(_ => rng.Next()).ToArray();
        var workerPerm = Enumerable.Range(0, set.WorkerCount).OrderBy(_ => rng.Next()).ToArray();
        var shuffled = triples.OrderBy(_ => rng.Next()).ToArray();
        var relabelled = AnnotationSet.FromIndices(
            [.. shuffled.Select(x => taskPerm[x.Task])],
            [.. shuffled.Select(x => workerPerm[x.Worker])],
            [.. shuffled.Select(x => x.Label)],
            new AnnotationSetOptions { ClassCount = k },
            set.TaskCount,
            set.WorkerCount);
        foreach (var name in s_coreMethods)
        {
            var a = Consensus.Aggregators.Aggregators.Create(name).Aggregate(set);
            var b = Consensus.Aggregators.Aggregators.Create(name).Aggregate(relabelled);
            for (var t = 0; t < set.TaskCount; t++)
            {
                if (a.Labels[t] != b.Labels[taskPerm[t]])
                {
                    // EM sums labels in another order after relabelling; only an exact posterior tie may flip.
                    var p = a.GetPosterior(t).ToArray().OrderDescending().ToArray();
                    if (p.Length < 2 || Math.Abs(p[0] - p[1]) > 1e-9)
                    {
                        return false.Label($"{name}: task {t}");
                    }
                }

                var pa = a.GetPosterior(t);
                var pb = b.GetPosterior(taskPerm[t]);
                for (var c = 0; c < k; c++)
                {
                    if (Math.Abs(pa[c] - pb[c]) > 1e-9)
                    {
                        return false.Label($"{name}: posterior of task {t}");
                    }
                }
            }

            if (a.HasWorkerSkills)
            {
                for (var w = 0; w < set.WorkerCount; w++)
                {
                    if (Math.Abs(a.WorkerSkills[w] - b.WorkerSkills[workerPerm[w]]) > 1e-9)
                    {
                        return false.Label($"{name}: skill of worker {w}");
                    }
                }
            }
        }

        return true.ToProperty();
    }

    internal static (AnnotationSet Set, (int Task, int Worker, int Label)[] Triples) RandomSet(Random rng, int k, int taskCount, int workerCount)
    {
        var triples = new List<(int Task, int Worker, int Label)>();
        for (var t = 0; t < taskCount; t++)
        {
            var truth = rng.Next(k);
            foreach (var w in Enumerable.Range(0, workerCount).Where(_ => rng.Next(3) > 0))
            {
                triples.Add((t, w, rng.Next(10) < 7 ? truth : rng.Next(k)));
            }
        }

        var set = AnnotationSet.FromIndices(
            [.. triples.Select(x => x.Task)], [.. triples.Select(x => x.Worker)], [.. triples.Select(x => x.Label)], new AnnotationSetOptions { ClassCount = k }, taskCount, workerCount);
        return (set, [.. triples]);
    }
}
