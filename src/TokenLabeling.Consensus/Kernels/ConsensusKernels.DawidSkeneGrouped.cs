// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TokenLabeling.Consensus.Kernels.Common;

namespace TokenLabeling.Consensus.Kernels;

public static partial class ConsensusKernels
{
    /// <summary>
    /// The fused E/M pass of <see cref="DawidSkeneStep"/> on the one-task-per-register path (K equal to the lane count), over tasks grouped
    /// by label count: accumulates the statistics and prior statistics of the tasks in <paramref name="groups"/> and returns their
    /// log-likelihood. Posteriors are not written (the aggregators take them from <see cref="DawidSkeneStep"/> after the last iteration).
    /// </summary>
    /// <param name="groups">The tasks, their labels given as element offsets into <paramref name="table"/>.</param>
    /// <param name="table">At each row offset, K linear probabilities <c>P(label | class c)</c>; at the row offset plus
    /// <paramref name="statisticsOffset"/>, the K statistics the label's task posterior is added to. With interleaved rows
    /// (offset = K, stride 2K) a label's probabilities and statistics share one cache line.</param>
    /// <param name="statisticsOffset">Where a row's statistics sit relative to its probabilities, in elements.</param>
    /// <param name="logPriors">The log class priors, length K.</param>
    /// <param name="priorStatistics">K entries: each task adds its posterior.</param>
    /// <param name="resolved">A vector path whose lane count is K.</param>
    /// <remarks>
    /// Offsets are trusted: the caller builds them from a validated set. The result equals <see cref="DawidSkeneStepScalar"/> on the same
    /// tasks up to rounding (products and sums are taken in a different order).
    /// </remarks>
    internal static double DawidSkeneGroupedStep(
        LabelCountGroups groups, Span<double> table, int statisticsOffset, ReadOnlySpan<double> logPriors, Span<double> priorStatistics, KernelPath resolved) =>
        resolved switch
        {
            KernelPath.Vector512 => GroupedStep<Vector512DoubleOperator, Vector512<double>>(groups, table, statisticsOffset, logPriors, priorStatistics),
            KernelPath.Vector256 => GroupedStep<Vector256DoubleOperator, Vector256<double>>(groups, table, statisticsOffset, logPriors, priorStatistics),
            KernelPath.Vector128 => GroupedStep<Vector128DoubleOperator, Vector128<double>>(groups, table, statisticsOffset, logPriors, priorStatistics),
            _ => throw new ArgumentOutOfRangeException(nameof(resolved), resolved, "The grouped pass needs a vector path whose lane count is K."),
        };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per block and EM iteration
    private static double GroupedStep<TOp, TVector>(
        LabelCountGroups groups, Span<double> table, int statisticsOffset, ReadOnlySpan<double> logPriors, Span<double> priorStatistics)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct
    {
        if (logPriors.Length != TOp.Count || priorStatistics.Length != TOp.Count)
        {
            throw new ArgumentException(Format($"The grouped pass needs K = {TOp.Count} priors and prior statistics; got {logPriors.Length} and {priorStatistics.Length}."), nameof(logPriors));
        }

        Span<double> priorLanes = stackalloc double[TOp.Count];
        for (var c = 0; c < TOp.Count; c++)
        {
            priorLanes[c] = Math.Exp(logPriors[c]);
        }

        var run = new LinearRun<TVector>
        {
            Prior = TOp.Load(ref MemoryMarshal.GetReference(priorLanes)),
            PriorSum = TOp.Create(0),
            Product = 1.0,
        };
        var logPrior = TOp.Load(ref MemoryMarshal.GetReference(logPriors));
        ref var rows = ref MemoryMarshal.GetReference(table);
        ref var stats = ref Unsafe.Add(ref rows, statisticsOffset);
        ref var offsets = ref MemoryMarshal.GetArrayDataReference(groups.RowOffsets);
        var logSum = 0.0;
        for (var n = 1; n <= LabelCountGroups.MaxUnrolled; n++)
        {
            var first = groups.GroupEnds[n - 1];
            var count = (groups.GroupEnds[n] - first) / n;
            ref var group = ref Unsafe.Add(ref offsets, first);
            var task = 0;
            while (task < count)
            {
                task = n switch
                {
                    1 => FixedCountRun<TOp, TVector, LabelCount1>(ref group, ref rows, ref stats, task, count, ref run),
                    2 => FixedCountRun<TOp, TVector, LabelCount2>(ref group, ref rows, ref stats, task, count, ref run),
                    3 => FixedCountRun<TOp, TVector, LabelCount3>(ref group, ref rows, ref stats, task, count, ref run),
                    4 => FixedCountRun<TOp, TVector, LabelCount4>(ref group, ref rows, ref stats, task, count, ref run),
                    5 => FixedCountRun<TOp, TVector, LabelCount5>(ref group, ref rows, ref stats, task, count, ref run),
                    6 => FixedCountRun<TOp, TVector, LabelCount6>(ref group, ref rows, ref stats, task, count, ref run),
                    7 => FixedCountRun<TOp, TVector, LabelCount7>(ref group, ref rows, ref stats, task, count, ref run),
                    _ => FixedCountRun<TOp, TVector, LabelCount8>(ref group, ref rows, ref stats, task, count, ref run),
                };
                if (task < count)
                {
                    // A product outside the linear range: this task in log space.
                    logSum += LogSpaceTask<TOp, TVector>(ref Unsafe.Add(ref group, task * n), n, ref rows, ref stats, logPrior, -1, ref run.PriorSum);
                    task++;
                }
            }
        }

        var otherCount = groups.OtherCount;
        ref var otherOffsets = ref MemoryMarshal.GetArrayDataReference(groups.OtherOffsets);
        ref var otherGold = ref MemoryMarshal.GetArrayDataReference(groups.OtherGold);
        var other = 0;
        while (other < otherCount)
        {
            other = OtherTasksRun<TOp, TVector>(ref offsets, ref otherOffsets, ref otherGold, ref rows, ref stats, other, otherCount, ref run);
            if (other < otherCount)
            {
                // A gold task, or a product outside the linear range.
                var start = Unsafe.Add(ref otherOffsets, other);
                var n = Unsafe.Add(ref otherOffsets, other + 1) - start;
                logSum += LogSpaceTask<TOp, TVector>(ref Unsafe.Add(ref offsets, start), n, ref rows, ref stats, logPrior, Unsafe.Add(ref otherGold, other), ref run.PriorSum);
                other++;
            }
        }

        ref var p = ref MemoryMarshal.GetReference(priorStatistics);
        TOp.Store(TOp.Add(TOp.Load(ref p), run.PriorSum), ref p);

        // As in StepVector: the product of the task sums was kept in range by exact 2^±500 rescaling.
        return logSum + Math.Log(run.Product) + (run.Scale * 500 * Math.Log(2));
    }

    /// <summary>
    /// Tasks <paramref name="task"/>..<paramref name="end"/> of a group with exactly <typeparamref name="TCount"/> labels each: every row offset
    /// of a task is loaded once and kept in a register for both the product and the statistics, and the product is a shallow tree.
    /// Returns the first task whose sum leaves [2^-500, 2^500], or <paramref name="end"/>.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one long loop per call
    private static int FixedCountRun<TOp, TVector, TCount>(ref int group, ref double rows, ref double stats, int task, int end, ref LinearRun<TVector> run)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct
        where TCount : struct, ILabelCount
    {
        var n = TCount.Value;
        var prior = run.Prior;
        var priorSum = run.PriorSum;
        var product = run.Product;
        var scale = run.Scale;
        ref var labels = ref Unsafe.Add(ref group, task * n);
        for (; task < end; task++)
        {
            var o0 = (nint)(uint)labels;
            var o1 = n > 1 ? (nint)(uint)Unsafe.Add(ref labels, 1) : 0;
            var o2 = n > 2 ? (nint)(uint)Unsafe.Add(ref labels, 2) : 0;
            var o3 = n > 3 ? (nint)(uint)Unsafe.Add(ref labels, 3) : 0;
            var o4 = n > 4 ? (nint)(uint)Unsafe.Add(ref labels, 4) : 0;
            var o5 = n > 5 ? (nint)(uint)Unsafe.Add(ref labels, 5) : 0;
            var o6 = n > 6 ? (nint)(uint)Unsafe.Add(ref labels, 6) : 0;
            var o7 = n > 7 ? (nint)(uint)Unsafe.Add(ref labels, 7) : 0;

            // prior·θ0 · ((θ1·θ2) · ((θ3·θ4) · (θ5·θ6·θ7))): at most five multiplies deep instead of n.
            var acc = TOp.Multiply(prior, TOp.Load(ref Unsafe.Add(ref rows, o0)));
            if (n > 1)
            {
                var b = TOp.Load(ref Unsafe.Add(ref rows, o1));
                if (n > 2)
                {
                    b = TOp.Multiply(b, TOp.Load(ref Unsafe.Add(ref rows, o2)));
                }

                if (n > 3)
                {
                    var c = TOp.Load(ref Unsafe.Add(ref rows, o3));
                    if (n > 4)
                    {
                        c = TOp.Multiply(c, TOp.Load(ref Unsafe.Add(ref rows, o4)));
                    }

                    if (n > 5)
                    {
                        var d = TOp.Load(ref Unsafe.Add(ref rows, o5));
                        if (n > 6)
                        {
                            d = TOp.Multiply(d, TOp.Load(ref Unsafe.Add(ref rows, o6)));
                        }

                        if (n > 7)
                        {
                            d = TOp.Multiply(d, TOp.Load(ref Unsafe.Add(ref rows, o7)));
                        }

                        c = TOp.Multiply(c, d);
                    }

                    b = TOp.Multiply(b, c);
                }

                acc = TOp.Multiply(acc, b);
            }

            if (!TryNormalizeLinear<TOp, TVector>(acc, ref product, ref scale, out var posterior))
            {
                break;
            }

            AddTo<TOp, TVector>(ref Unsafe.Add(ref stats, o0), posterior);
            if (n > 1)
            {
                AddTo<TOp, TVector>(ref Unsafe.Add(ref stats, o1), posterior);
            }

            if (n > 2)
            {
                AddTo<TOp, TVector>(ref Unsafe.Add(ref stats, o2), posterior);
            }

            if (n > 3)
            {
                AddTo<TOp, TVector>(ref Unsafe.Add(ref stats, o3), posterior);
            }

            if (n > 4)
            {
                AddTo<TOp, TVector>(ref Unsafe.Add(ref stats, o4), posterior);
            }

            if (n > 5)
            {
                AddTo<TOp, TVector>(ref Unsafe.Add(ref stats, o5), posterior);
            }

            if (n > 6)
            {
                AddTo<TOp, TVector>(ref Unsafe.Add(ref stats, o6), posterior);
            }

            if (n > 7)
            {
                AddTo<TOp, TVector>(ref Unsafe.Add(ref stats, o7), posterior);
            }

            priorSum = TOp.Add(priorSum, posterior);
            labels = ref Unsafe.Add(ref labels, n);
        }

        run.PriorSum = priorSum;
        run.Product = product;
        run.Scale = scale;
        return task;
    }

    /// <summary>
    /// The ungrouped tasks (no labels, more than <see cref="LabelCountGroups.MaxUnrolled"/>) from <paramref name="task"/> on, in the linear
    /// domain; returns the first gold task or task whose sum leaves [2^-500, 2^500], or <paramref name="end"/>.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int OtherTasksRun<TOp, TVector>(
        ref int rowOffsets, ref int taskOffsets, ref int gold, ref double rows, ref double stats, int task, int end, ref LinearRun<TVector> run)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct
    {
        var prior = run.Prior;
        var priorSum = run.PriorSum;
        var product = run.Product;
        var scale = run.Scale;
        var next = Unsafe.Add(ref taskOffsets, task);
        for (; task < end; task++)
        {
            var start = next;
            next = Unsafe.Add(ref taskOffsets, task + 1);
            if (Unsafe.Add(ref gold, task) >= 0)
            {
                break;
            }

            // Two products in flight: half the dependency chain of a long task.
            var even = prior;
            var odd = TOp.Create(1.0);
            var i = start;
            for (; i + 1 < next; i += 2)
            {
                even = TOp.Multiply(even, TOp.Load(ref Unsafe.Add(ref rows, (nint)(uint)Unsafe.Add(ref rowOffsets, i))));
                odd = TOp.Multiply(odd, TOp.Load(ref Unsafe.Add(ref rows, (nint)(uint)Unsafe.Add(ref rowOffsets, i + 1))));
            }

            if (i < next)
            {
                even = TOp.Multiply(even, TOp.Load(ref Unsafe.Add(ref rows, (nint)(uint)Unsafe.Add(ref rowOffsets, i))));
            }

            var acc = TOp.Multiply(even, odd);
            if (!TryNormalizeLinear<TOp, TVector>(acc, ref product, ref scale, out var posterior))
            {
                break;
            }

            for (i = start; i < next; i++)
            {
                AddTo<TOp, TVector>(ref Unsafe.Add(ref stats, (nint)(uint)Unsafe.Add(ref rowOffsets, i)), posterior);
            }

            priorSum = TOp.Add(priorSum, posterior);
        }

        run.PriorSum = priorSum;
        run.Product = product;
        run.Scale = scale;
        return task;
    }

    /// <summary>One task in log space (a gold task, or one whose linear product leaves the double range): adds its posterior to the statistics and returns its log-likelihood.</summary>
    private static double LogSpaceTask<TOp, TVector>(
        ref int labels, int count, ref double rows, ref double stats, TVector logPrior, int gold, ref TVector priorSum)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct
    {
        var logAcc = logPrior;
        for (var i = 0; i < count; i++)
        {
            logAcc = TOp.Add(logAcc, TOp.Log(TOp.Load(ref Unsafe.Add(ref rows, (nint)(uint)Unsafe.Add(ref labels, i)))));
        }

        TVector posterior;
        double logLikelihood;
        if (gold >= 0)
        {
            logLikelihood = TOp.GetElement(logAcc, gold);
            posterior = TOp.UnitVector(gold);
        }
        else
        {
            var max = TOp.MaxAcross(logAcc);
            var e = TOp.ExpNonPositive(TOp.Subtract(logAcc, TOp.Create(max)));
            var sum = TOp.Sum(e);
            posterior = TOp.Multiply(e, TOp.Create(1.0 / sum));
            logLikelihood = max + Math.Log(sum);
        }

        for (var i = 0; i < count; i++)
        {
            AddTo<TOp, TVector>(ref Unsafe.Add(ref stats, (nint)(uint)Unsafe.Add(ref labels, i)), posterior);
        }

        priorSum = TOp.Add(priorSum, posterior);
        return logLikelihood;
    }

    /// <summary>
    /// Prepares an interleaved table for <see cref="DawidSkeneGroupedStep"/>: row r of K linear probabilities goes to
    /// <c>table[2Kr..2Kr+K)</c> and the statistics <c>table[2Kr+K..2Kr+2K)</c> are cleared.
    /// </summary>
    internal static void InterleaveRows(ReadOnlySpan<double> linearRows, Span<double> table, int classCount, KernelPath resolved)
    {
        switch (resolved)
        {
            case KernelPath.Vector512:
                InterleaveRows<Vector512DoubleOperator, Vector512<double>>(linearRows, table);
                break;
            case KernelPath.Vector256:
                InterleaveRows<Vector256DoubleOperator, Vector256<double>>(linearRows, table);
                break;
            case KernelPath.Vector128:
                InterleaveRows<Vector128DoubleOperator, Vector128<double>>(linearRows, table);
                break;
            default:
                for (var r = 0; r < linearRows.Length / classCount; r++)
                {
                    linearRows.Slice(r * classCount, classCount).CopyTo(table.Slice(2 * r * classCount, classCount));
                    table.Slice((2 * r * classCount) + classCount, classCount).Clear();
                }

                break;
        }
    }

    /// <summary>Adds (or, when <paramref name="overwrite"/>, copies) the statistics halves of an interleaved table to contiguous rows of K.</summary>
    internal static void AddInterleavedStatistics(ReadOnlySpan<double> table, Span<double> statistics, int classCount, bool overwrite, KernelPath resolved)
    {
        switch (resolved)
        {
            case KernelPath.Vector512:
                AddInterleavedStatistics<Vector512DoubleOperator, Vector512<double>>(table, statistics, overwrite);
                break;
            case KernelPath.Vector256:
                AddInterleavedStatistics<Vector256DoubleOperator, Vector256<double>>(table, statistics, overwrite);
                break;
            case KernelPath.Vector128:
                AddInterleavedStatistics<Vector128DoubleOperator, Vector128<double>>(table, statistics, overwrite);
                break;
            default:
                for (var i = 0; i < statistics.Length; i++)
                {
                    var r = i / classCount;
                    var value = table[(2 * r * classCount) + classCount + (i % classCount)];
                    statistics[i] = overwrite ? value : statistics[i] + value;
                }

                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InterleaveRows<TOp, TVector>(ReadOnlySpan<double> linearRows, Span<double> table)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct
    {
        var k = TOp.Count;
        if (table.Length < 2 * linearRows.Length || linearRows.Length % k != 0)
        {
            throw new ArgumentException(Format($"An interleaved table of {linearRows.Length / k} rows of {k} needs {2 * linearRows.Length} elements; got {table.Length}."), nameof(table));
        }

        ref var source = ref MemoryMarshal.GetReference(linearRows);
        ref var destination = ref MemoryMarshal.GetReference(table);
        var zero = TOp.Create(0);
        for (nint i = 0, j = 0; i < linearRows.Length; i += k, j += 2 * k)
        {
            TOp.Store(TOp.Load(ref Unsafe.Add(ref source, i)), ref Unsafe.Add(ref destination, j));
            TOp.Store(zero, ref Unsafe.Add(ref destination, j + k));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddInterleavedStatistics<TOp, TVector>(ReadOnlySpan<double> table, Span<double> statistics, bool overwrite)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct
    {
        var k = TOp.Count;
        if (table.Length < 2 * statistics.Length || statistics.Length % k != 0)
        {
            throw new ArgumentException(Format($"An interleaved table of {statistics.Length / k} rows of {k} needs {2 * statistics.Length} elements; got {table.Length}."), nameof(table));
        }

        ref var source = ref MemoryMarshal.GetReference(table);
        ref var destination = ref MemoryMarshal.GetReference(statistics);
        for (nint i = 0, j = k; i < statistics.Length; i += k, j += 2 * k)
        {
            var value = TOp.Load(ref Unsafe.Add(ref source, j));
            TOp.Store(overwrite ? value : TOp.Add(TOp.Load(ref Unsafe.Add(ref destination, i)), value), ref Unsafe.Add(ref destination, i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo<TOp, TVector>(ref double destination, TVector value)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct =>
        TOp.Store(TOp.Add(TOp.Load(ref destination), value), ref destination);
}
