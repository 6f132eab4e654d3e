// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TokenLabeling.Consensus;
using TokenLabeling.Consensus.Aggregators;
using TokenLabeling.Consensus.Models;
using TokenLabeling.Consensus.Streaming;

namespace TokenLabeling.Benchmarks.Models;

/// <summary>
/// The truth-inference models on 500,000 labels (100,000 tasks × 5 labels, 1,000 workers, 4 classes; KOS on the same shape with
/// 2 classes), 100 iterations with tolerance 0 where iterative, against the majority vote as baseline.
/// </summary>
/// <remarks>
/// <para>Data: the files of <c>gen_synthetic.py ... --seed 1</c> when <c>TOKENLABELING_SYNTHETIC</c> (4 classes) and
/// <c>TOKENLABELING_SYNTHETIC_BINARY</c> (2 classes) point at their folders, so that the times compare with crowd-kit on the same
/// labels (benchmarks/compare/compare_models.py); otherwise a seeded in-process crowd of the same shape.</para>
/// <para>One launch, one warm-up, three measured iterations: the slowest models take seconds per call and the machine is shared.</para>
/// </remarks>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private const int Iterations = 100;
    private AnnotationSet _set = null!;
    private AnnotationSet _binary = null!;

    [GlobalSetup]
    public void Setup()
    {
        _set = Load(Environment.GetEnvironmentVariable("TOKENLABELING_SYNTHETIC"), 4, seed: 1);
        _binary = Load(Environment.GetEnvironmentVariable("TOKENLABELING_SYNTHETIC_BINARY"), 2, seed: 2);
        _ = _set.WorkerOffsets; // build the by-worker view once, outside the measurements
        _ = _binary.WorkerOffsets;
    }

    [Benchmark(Baseline = true)]
    public AggregationResult MajorityVote() => new MajorityVote().Aggregate(_set);

    [Benchmark]
    public AggregationResult Wawa() => new Wawa().Aggregate(_set);

    [Benchmark]
    public AggregationResult Zbs() => new ZeroBasedSkill(new ZeroBasedSkillOptions { MaxIterations = Iterations, Tolerance = 0 }).Aggregate(_set);

    [Benchmark]
    public AggregationResult Glad() => new Glad(new GladOptions { MaxIterations = Iterations, Tolerance = 0 }).Aggregate(_set);

    [Benchmark]
    public AggregationResult Mace() => new Mace(new MaceOptions { MaxIterations = Iterations, Tolerance = 0 }).Aggregate(_set);

    [Benchmark]
    public AggregationResult Mmsr() => new MMSR(new MMSROptions { MaxIterations = Iterations, Tolerance = 0 }).Aggregate(_set);

    [Benchmark]
    public AggregationResult Kos() => new Kos(new KosOptions { Iterations = Iterations }).Aggregate(_binary);

    [Benchmark]
    public DawidSkeneModel ShardedDawidSkeneFourShards() =>
        ShardedDawidSkene.Fit(_shards ??= SplitInFour(_set), options: new ShardedDawidSkeneOptions { MaxIterations = Iterations, Tolerance = 0 }).Model;

    [Benchmark]
    public AggregationResult OnlineDawidSkeneTenBatches()
    {
        var online = new OnlineDawidSkene(_set.ClassCount);
        var batch = (_set.LabelCount + 9) / 10;
        for (var start = 0; start < _set.LabelCount; start += batch)
        {
            var length = Math.Min(batch, _set.LabelCount - start);
            online.Observe(_set.Tasks.Slice(start, length), _set.Workers.Slice(start, length), _set.Labels.Slice(start, length));
        }

        return online.ToResult();
    }

    private AnnotationSet[]? _shards;

    private static AnnotationSet[] SplitInFour(AnnotationSet set)
    {
        var shards = new AnnotationSet[4];
        var per = (set.TaskCount + 3) / 4;
        for (var s = 0; s < 4; s++)
        {
            var first = s * per;
            var last = Math.Min(set.TaskCount, first + per);
            var from = set.TaskOffsets[first];
            var to = set.TaskOffsets[last];
            var tasks = set.Tasks[from..to].ToArray();
            for (var i = 0; i < tasks.Length; i++)
            {
                tasks[i] -= first;
            }

            shards[s] = AnnotationSet.FromIndices(tasks, set.Workers[from..to], set.Labels[from..to], new AnnotationSetOptions { ClassCount = set.ClassCount }, last - first, set.WorkerCount);
        }

        return shards;
    }

    private static AnnotationSet Load(string? folder, int classes, int seed)
    {
        if (!string.IsNullOrEmpty(folder))
        {
            var lines = File.ReadAllLines(Path.Combine(folder, "labels.csv"));
            var n = lines.Length - 1;
            var t = new int[n];
            var w = new int[n];
            var l = new int[n];
            for (var i = 0; i < n; i++)
            {
                var parts = lines[i + 1].Split(',');
                t[i] = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
                w[i] = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                l[i] = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            }

            return AnnotationSet.FromIndices(t, w, l, new AnnotationSetOptions { ClassCount = classes });
        }

        // Same shape as the synthetic file: 5 distinct workers per task, one-coin accuracies in [0.55, 0.95].
        var random = new Random(seed);
        var accuracy = Enumerable.Range(0, 1000).Select(_ => 0.55 + (0.4 * random.NextDouble())).ToArray();
        var tasks = new int[500_000];
        var workers = new int[500_000];
        var labels = new int[500_000];
        Span<int> chosen = stackalloc int[5];
        for (var task = 0; task < 100_000; task++)
        {
            var truth = random.Next(classes);
            for (var j = 0; j < 5; j++)
            {
                int worker;
                do
                {
                    worker = random.Next(1000);
                }
                while (chosen[..j].Contains(worker));

                chosen[j] = worker;
                var i = (task * 5) + j;
                tasks[i] = task;
                workers[i] = worker;
                labels[i] = random.NextDouble() < accuracy[worker] ? truth : random.Next(classes);
            }
        }

        return AnnotationSet.FromIndices(tasks, workers, labels, new AnnotationSetOptions { ClassCount = classes });
    }

    private sealed class Config : ManualConfig
    {
        // In-process: building a separate benchmark executable can exceed BenchmarkDotNet's two-minute build timeout on a busy machine.
        public Config() => AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3).WithInvocationCount(1).WithUnrollFactor(1)
            .WithToolchain(InProcessEmitToolchain.Instance));
    }
}
