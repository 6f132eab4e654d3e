// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TokenLabeling.Consensus.Kernels.Common;

namespace TokenLabeling.Consensus.Kernels;

public static partial class ConsensusKernels
{
    /// <summary>
    /// Turns accumulated confusion statistics into log-probabilities (the M-step of Dawid-Skene): for every worker block, each true class's
    /// column is normalised over the observed labels, with Dirichlet pseudo-counts and a probability floor.
    /// </summary>
    /// <param name="statistics">Blocks of <c>K × K</c>, one per worker; entry <c>[l, c]</c> (row = observed label, column = true class) holds the
    /// expected number of times the worker answered <c>l</c> on tasks of class <c>c</c>; represented as a span.</param>
    /// <param name="classCount">The class count K.</param>
    /// <param name="pseudoCount">The Dirichlet pseudo-count added to every entry (0 for none). Typical: 0 to 1.</param>
    /// <param name="minProbability">The floor applied to every probability before the log, in (0, 1/K]. Example: 1e-10.</param>
    /// <param name="logProbabilities">The destination, same shape as <paramref name="statistics"/>: <c>log P(label l | class c)</c>.</param>
    /// <param name="path">The hardware path; <see cref="KernelPath.Auto"/> picks the widest one that fits K.</param>
    /// <exception cref="ArgumentOutOfRangeException">K is less than 1, the pseudo-count is negative or not finite, or the floor is outside (0, 1/K].</exception>
    /// <exception cref="ArgumentException">The statistics do not hold whole K × K blocks, hold a negative or non-finite value, or the destination length differs.</exception>
    /// <exception cref="PlatformNotSupportedException">A forced vector path is not accelerated here.</exception>
    /// <remarks>
    /// <para>This method effectively computes <c>log max(minProbability, (s[l, c] + α) / (Σ_l' s[l', c] + Kα))</c>, with <c>1/K</c> for a
    /// column whose denominator is 0 (a class the worker was never seen on).</para>
    /// <para>The vector paths use the vector <c>Log</c> approximation: results match the scalar reference to a relative 1e-12.</para>
    /// </remarks>
    public static void ConfusionLogProbabilities(
        ReadOnlySpan<double> statistics,
        int classCount,
        double pseudoCount,
        double minProbability,
        Span<double> logProbabilities,
        KernelPath path = KernelPath.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (!double.IsFinite(pseudoCount) || pseudoCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pseudoCount), pseudoCount, "The pseudo-count must be finite and not negative.");
        }

        if (!(minProbability > 0 && minProbability <= 1.0 / classCount))
        {
            throw new ArgumentOutOfRangeException(nameof(minProbability), minProbability, "The probability floor must lie in (0, 1/K].");
        }

        var block = classCount * classCount;
        if (statistics.Length % block != 0)
        {
            throw new ArgumentException(Format($"The statistics must hold whole {classCount} × {classCount} blocks; got {statistics.Length} values."), nameof(statistics));
        }

        for (var i = 0; i < statistics.Length; i++)
        {
            if (!(statistics[i] >= 0) || double.IsPositiveInfinity(statistics[i]))
            {
                throw new ArgumentException(Format($"Statistic at position {i} (worker block {i / block}) is {statistics[i]}; expected a finite value ≥ 0."), nameof(statistics));
            }
        }

        CheckLength(logProbabilities.Length, statistics.Length, "Log-probabilities", nameof(logProbabilities));
        ConfusionLogProbabilitiesUnchecked(statistics, classCount, pseudoCount, minProbability, logProbabilities, ResolveRowPath(path, classCount, sizeof(double)));
    }

    /// <summary>The dispatch of <see cref="ConfusionLogProbabilities"/> after validation.</summary>
    internal static void ConfusionLogProbabilitiesUnchecked(
        ReadOnlySpan<double> statistics, int classCount, double pseudoCount, double minProbability, Span<double> logProbabilities, KernelPath resolved) =>
        ConfusionTable(statistics, classCount, pseudoCount, minProbability, logProbabilities, resolved, logarithm: true);

    /// <summary>The scalar reference of <see cref="ConfusionLogProbabilities"/>.</summary>
    internal static void ConfusionLogProbabilitiesScalar(
        ReadOnlySpan<double> statistics, int classCount, double pseudoCount, double minProbability, Span<double> logProbabilities) =>
        ConfusionTableScalar(statistics, classCount, pseudoCount, minProbability, logProbabilities, logarithm: true);

    /// <summary>
    /// The linear-domain twin of <see cref="ConfusionLogProbabilities"/>: the same floored confusion probabilities, without the logarithm
    /// (<c>max((stat + α) / (column sum + K·α), floor)</c>, uniform where a column is empty). The EM loop multiplies these directly, so
    /// it never takes a log or an exp of the table per iteration.
    /// </summary>
    internal static void ConfusionProbabilitiesUnchecked(
        ReadOnlySpan<double> statistics, int classCount, double pseudoCount, double minProbability, Span<double> probabilities, KernelPath resolved) =>
        ConfusionTable(statistics, classCount, pseudoCount, minProbability, probabilities, resolved, logarithm: false);

    /// <summary>The scalar reference of <see cref="ConfusionProbabilitiesUnchecked"/>.</summary>
    internal static void ConfusionProbabilitiesScalar(
        ReadOnlySpan<double> statistics, int classCount, double pseudoCount, double minProbability, Span<double> probabilities) =>
        ConfusionTableScalar(statistics, classCount, pseudoCount, minProbability, probabilities, logarithm: false);

    /// <summary>The floored confusion table, as log-probabilities or as probabilities, on the resolved path.</summary>
    private static void ConfusionTable(
        ReadOnlySpan<double> statistics, int classCount, double pseudoCount, double minProbability, Span<double> destination, KernelPath resolved, bool logarithm)
    {
        switch (resolved)
        {
            case KernelPath.Vector512:
                ConfusionVector<Vector512DoubleOperator, Vector512<double>>(statistics, classCount, pseudoCount, minProbability, destination, logarithm);
                break;
            case KernelPath.Vector256:
                ConfusionVector<Vector256DoubleOperator, Vector256<double>>(statistics, classCount, pseudoCount, minProbability, destination, logarithm);
                break;
            case KernelPath.Vector128:
                ConfusionVector<Vector128DoubleOperator, Vector128<double>>(statistics, classCount, pseudoCount, minProbability, destination, logarithm);
                break;
            default:
                ConfusionTableScalar(statistics, classCount, pseudoCount, minProbability, destination, logarithm);
                break;
        }
    }

    /// <summary>The scalar reference of both tables: plain loops, one division (and one <see cref="Math.Log"/>) per entry.</summary>
    private static void ConfusionTableScalar(
        ReadOnlySpan<double> statistics, int classCount, double pseudoCount, double minProbability, Span<double> destination, bool logarithm)
    {
        var k = classCount;
        for (var b = 0; b < statistics.Length; b += k * k)
        {
            ConfusionColumnsScalar(statistics, k, pseudoCount, minProbability, destination, logarithm, b, 0);
        }
    }

    /// <summary>Columns <paramref name="firstColumn"/>..K-1 of the worker block at <paramref name="block"/>, scalar.</summary>
    private static void ConfusionColumnsScalar(
        ReadOnlySpan<double> statistics, int k, double pseudoCount, double minProbability, Span<double> destination, bool logarithm, int block, int firstColumn)
    {
        var floor = logarithm ? Math.Log(minProbability) : minProbability;
        for (var c = firstColumn; c < k; c++)
        {
            var denominator = k * pseudoCount;
            for (var l = 0; l < k; l++)
            {
                denominator += statistics[block + (l * k) + c];
            }

            for (var l = 0; l < k; l++)
            {
                var p = denominator == 0 ? 1.0 / k : (statistics[block + (l * k) + c] + pseudoCount) / denominator;
                destination[block + (l * k) + c] = Math.Max(logarithm ? Math.Log(p) : p, floor);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per EM iteration over the whole table: skip the unoptimised tiers
    private static void ConfusionVector<TOp, TVector>(
        ReadOnlySpan<double> statistics, int classCount, double pseudoCount, double minProbability, Span<double> destination, bool logarithm)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct
    {
        var k = classCount;
        var lanes = TOp.Count;
        var vectorEnd = k - (k % lanes);
        var alpha = TOp.Create(pseudoCount);
        var uniform = TOp.Create(1.0 / k);
        var floor = TOp.Create(logarithm ? Math.Log(minProbability) : minProbability);
        ref var sRef = ref MemoryMarshal.GetReference(statistics);
        ref var dRef = ref MemoryMarshal.GetReference(destination);
        for (var b = 0; b < statistics.Length; b += k * k)
        {
            for (var c = 0; c < vectorEnd; c += lanes)
            {
                var denominator = TOp.Create(k * pseudoCount);
                for (var l = 0; l < k; l++)
                {
                    denominator = TOp.Add(denominator, TOp.Load(ref Unsafe.Add(ref sRef, b + (l * k) + c)));
                }

                for (var l = 0; l < k; l++)
                {
                    var p = TOp.Divide(TOp.Add(TOp.Load(ref Unsafe.Add(ref sRef, b + (l * k) + c)), alpha), denominator);
                    p = TOp.SelectWhereZero(denominator, uniform, p);
                    TOp.Store(TOp.Max(logarithm ? TOp.Log(p) : p, floor), ref Unsafe.Add(ref dRef, b + (l * k) + c));
                }
            }

            ConfusionColumnsScalar(statistics, k, pseudoCount, minProbability, destination, logarithm, b, vectorEnd);
        }
    }
}
