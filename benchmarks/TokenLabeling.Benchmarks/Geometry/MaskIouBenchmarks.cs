// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TokenLabeling.Consensus.Geometry;
using TokenLabeling.Consensus.Geometry.Kernels;
using TokenLabeling.Consensus.Kernels;

namespace TokenLabeling.Benchmarks.Geometry;

/// <summary>
/// Mask IoU by popcount of two bit-packed masks: the scalar reference (baseline, hardware popcnt per word) against each forced
/// vector path on one core, and the widest path on all cores (masks of 8 MiB and more are split). GB/s counts both masks' bytes read; 16,384² masks (32 MB each) do not fit in the caches.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class MaskIouBenchmarks
{
    private BitMask _a = null!;
    private BitMask _b = null!;

    /// <summary>Gets or sets the side of the square masks in pixels.</summary>
    [Params(1024, 16384)]
    public int Side { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _a = BitMask.FromBox(new Box(0, 0, Side * 0.6f, Side * 0.7f), Side, Side);
        _b = BitMask.FromBox(new Box(Side * 0.2f, Side * 0.1f, Side, Side * 0.9f), Side, Side);
    }

    [Benchmark(Baseline = true)]
    public double Scalar() => MaskKernelsReference.Overlap(_a.Words, _b.Words).Iou;

    [Benchmark]
    public double Vector128() => MaskKernels.Overlap(_a.Words, _b.Words, KernelPath.Vector128).Iou;

    [Benchmark]
    public double Vector256() => MaskKernels.Overlap(_a.Words, _b.Words, KernelPath.Vector256).Iou;

    [Benchmark]
    public double Vector512() => MaskKernels.Overlap(_a.Words, _b.Words, KernelPath.Vector512).Iou;

    [Benchmark]
    public double AutoAllCores() => MaskKernels.Overlap(_a.Words, _b.Words, KernelPath.Auto, maxDegreeOfParallelism: -1).Iou;

    private sealed class Config : ManualConfig
    {
        public Config() =>
            AddColumn(new ThroughputColumn("GB/s", c => 2.0 * ThroughputColumn.Parameter(c, nameof(Side)) * ThroughputColumn.Parameter(c, nameof(Side)) / 8, 1e9));
    }
}
