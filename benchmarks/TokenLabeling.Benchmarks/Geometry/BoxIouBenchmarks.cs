// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TokenLabeling.Consensus.Geometry;
using TokenLabeling.Consensus.Geometry.Kernels;
using TokenLabeling.Consensus.Kernels;

namespace TokenLabeling.Benchmarks.Geometry;

/// <summary>
/// Pairwise box IoU, N × M float32 matrix: the scalar reference (baseline) against each forced vector path on one core and the
/// default call (widest path, rows split across cores). Throughput in G pairs/s; the output alone is 4 bytes per pair.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class BoxIouBenchmarks
{
    private BoxSet _a = BoxSet.Empty;
    private BoxSet _b = BoxSet.Empty;
    private float[] _destination = [];

    /// <summary>Gets or sets N = M; 1,000 keeps the 4 MB output in cache, 4,003 (a non-multiple of 16) writes 64 MB.</summary>
    [Params(1000, 4003)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _a = RandomBoxes(N, 1);
        _b = RandomBoxes(N, 2);
        _destination = new float[N * N];
    }

    [Benchmark(Baseline = true)]
    public void Scalar() => BoxKernelsReference.IouMatrix(_a.Columns, _b.Columns, _destination);

    [Benchmark]
    public void Vector128OneCore() => BoxKernels.IouMatrix(_a.Columns, _b.Columns, _destination, KernelPath.Vector128, 1);

    [Benchmark]
    public void Vector256OneCore() => BoxKernels.IouMatrix(_a.Columns, _b.Columns, _destination, KernelPath.Vector256, 1);

    [Benchmark]
    public void Vector512OneCore() => BoxKernels.IouMatrix(_a.Columns, _b.Columns, _destination, KernelPath.Vector512, 1);

    [Benchmark]
    public void AutoAllCores() => BoxKernels.IouMatrix(_a.Columns, _b.Columns, _destination);

    internal static BoxSet RandomBoxes(int n, int seed)
    {
        // Boxes of 10..110 px on a 1,000 px image: a realistic mix of overlapping and disjoint pairs.
        var random = new Random(seed);
        var boxes = new Box[n];
        for (var i = 0; i < n; i++)
        {
            var x = (float)(random.NextDouble() * 900);
            var y = (float)(random.NextDouble() * 900);
            boxes[i] = new Box(x, y, x + 10 + (float)(random.NextDouble() * 100), y + 10 + (float)(random.NextDouble() * 100));
        }

        return BoxSet.FromBoxes(boxes);
    }

    private sealed class Config : ManualConfig
    {
        public Config() =>
            AddColumn(new ThroughputColumn("G pairs/s", c => ThroughputColumn.Parameter(c, nameof(N)) * ThroughputColumn.Parameter(c, nameof(N)), 1e9));
    }
}
