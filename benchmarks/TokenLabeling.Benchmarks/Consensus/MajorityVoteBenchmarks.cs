// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using BenchmarkDotNet.Attributes;
using TokenLabeling.Consensus;
using TokenLabeling.Consensus.Aggregators;
using TokenLabeling.Consensus.Kernels;

namespace TokenLabeling.Benchmarks.Consensus;

/// <summary>Majority vote on 10,000,000 labels (2,000,000 tasks × 5, 4 classes): scalar reference (baseline) against the SIMD path,
/// with the labels alone (posteriors and worker agreement computed on first read) and with everything read.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class MajorityVoteBenchmarks
{
    private AnnotationSet _set = null!;

    [GlobalSetup]
    public void Setup() => _set = SyntheticLabels.Create(2_000_000, 1_000, 4, 5, seed: 1);

    [Benchmark(Baseline = true, Description = "scalar, 1 thread")]
    public AggregationResult Scalar() => new MajorityVote(new MajorityVoteOptions { KernelPath = KernelPath.Scalar, MaxDegreeOfParallelism = 1 }).Aggregate(_set);

    [Benchmark(Description = "SIMD, 1 thread")]
    public AggregationResult SimdOneThread() => new MajorityVote(new MajorityVoteOptions { MaxDegreeOfParallelism = 1 }).Aggregate(_set);

    [Benchmark(Description = "SIMD, all cores")]
    public AggregationResult SimdAllCores() => new MajorityVote().Aggregate(_set);

    [Benchmark(Description = "SIMD, all cores, posteriors and skills read")]
    public double SimdAllCoresEverything()
    {
        var result = new MajorityVote().Aggregate(_set);
        return result.Posteriors[^1] + result.WorkerSkills[^1];
    }
}
