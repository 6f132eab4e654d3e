// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using TokenLabeling.Consensus;
using TokenLabeling.Consensus.Aggregators;
using TokenLabeling.Consensus.Kernels;

namespace TokenLabeling.Benchmarks.Consensus;

/// <summary>
/// Dawid-Skene with exactly 100 EM iterations on 100,000 tasks × 5 labels × 4 classes (500,000 labels, 1,000 workers): the scalar
/// reference on one thread (baseline) against the SIMD kernels on one thread and on all cores.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class DawidSkeneBenchmarks
{
    private AnnotationSet _set = null!;

    [GlobalSetup]
    public void Setup() => _set = SyntheticLabels.Create(100_000, 1_000, 4, 5, seed: 1);

    [Benchmark(Baseline = true, Description = "scalar, 1 thread")]
    public AggregationResult Scalar() => Run(KernelPath.Scalar, 1);

    [Benchmark(Description = "SIMD, 1 thread")]
    public AggregationResult SimdOneThread() => Run(KernelPath.Auto, 1);

    [Benchmark(Description = "SIMD, all cores")]
    public AggregationResult SimdAllCores() => Run(KernelPath.Auto, -1);

    private AggregationResult Run(KernelPath path, int threads) =>
        new DawidSkene(new DawidSkeneOptions { MaxIterations = 100, Tolerance = -1, KernelPath = path, MaxDegreeOfParallelism = threads }).Aggregate(_set);
}
