// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using BenchmarkDotNet.Attributes;
using TokenLabeling.Consensus;
using TokenLabeling.Consensus.Kernels;
using TokenLabeling.Consensus.Kernels.Common;

namespace TokenLabeling.Benchmarks.Consensus;

/// <summary>
/// One fused E/M pass of the Dawid-Skene kernel over 500,000 labels (K = 4), per hardware path; the scalar reference is the baseline.
/// The last rows are the form the aggregator runs: tasks grouped by label count, probabilities and statistics interleaved in one
/// cache-aligned table (the copy of the probabilities into it is included), and the same table unaligned.
/// </summary>
[MemoryDiagnoser]
public class DawidSkeneStepBenchmarks
{
    private int[] _codes = null!;
    private int[] _offsets = null!;
    private double[] _rows = null!;
    private double[] _linear = null!;
    private double[] _logPriors = null!;
    private double[] _stats = null!;
    private double[] _priorStats = null!;
    private LabelCountGroups _groups = null!;
    private ArraySegment<double> _alignedTable;
    private ArraySegment<double> _misalignedTable;

    [GlobalSetup]
    public void Setup()
    {
        var set = SyntheticLabels.Create(100_000, 1_000, 4, 5, seed: 1);
        _codes = [.. set.Workers.ToArray().Zip(set.Labels.ToArray(), (w, l) => (w * 4) + l)];
        _offsets = set.TaskOffsets.ToArray();
        var rng = new Random(2);
        _rows = [.. Enumerable.Range(0, 1_000 * 16).Select(_ => Math.Log(0.05 + (0.9 * rng.NextDouble())))];
        _linear = ConsensusKernels.ExpRows(_rows);
        _logPriors = [Math.Log(0.1), Math.Log(0.2), Math.Log(0.3), Math.Log(0.4)];
        _stats = new double[_rows.Length];
        _priorStats = new double[4];
        _groups = LabelCountGroups.Create(_codes, _offsets, default, 8);
        _alignedTable = CacheAligned.Doubles(2 * _rows.Length);
        var misaligned = CacheAligned.Doubles((2 * _rows.Length) + 2);
        _misalignedTable = new ArraySegment<double>(misaligned.Array!, misaligned.Offset + 2, 2 * _rows.Length); // 16 bytes into a line
    }

    [Benchmark(Baseline = true, Description = "scalar")]
    public double Scalar() => Step(KernelPath.Scalar);

    [Benchmark(Description = "Vector128")]
    public double Vector128() => Step(KernelPath.Vector128);

    [Benchmark(Description = "Vector256")]
    public double Vector256() => Step(KernelPath.Vector256);

    [Benchmark(Description = "Vector512 (K = 4 < 8 lanes: scalar tail)")]
    public double Vector512() => Step(KernelPath.Vector512);

    [Benchmark(Description = "Vector256, grouped, interleaved, aligned")]
    public double GroupedAligned() => Grouped(_alignedTable);

    [Benchmark(Description = "Vector256, grouped, interleaved, 16 bytes off a line")]
    public double GroupedMisaligned() => Grouped(_misalignedTable);

    private double Grouped(ArraySegment<double> table)
    {
        if (!KernelPaths.IsSupported(KernelPath.Vector256))
        {
            return double.NaN;
        }

        ConsensusKernels.InterleaveRows(_linear, table, 4, KernelPath.Vector256);
        Array.Clear(_priorStats);
        return ConsensusKernels.DawidSkeneGroupedStep(_groups, table, 4, _logPriors, _priorStats, KernelPath.Vector256);
    }

    private double Step(KernelPath path) => KernelPaths.IsSupported(path)
        ? ConsensusKernels.DawidSkeneStepUnchecked(_codes, _offsets, _rows, _linear, _logPriors, default, 4, default, _stats, _priorStats, path)
        : double.NaN;
}
