// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TokenLabeling.Consensus.Kernels.Common;

namespace TokenLabeling.Consensus.Kernels;

public static partial class ConsensusKernels
{
    /// <summary>
    /// Runs one fused expectation/maximisation pass of a Dawid-Skene-type model over a range of tasks: computes every task's class
    /// posterior from log-space parameters and, in the same pass, accumulates the sufficient statistics of the next parameters.
    /// </summary>
    /// <param name="labelCodes">Per label, the index of its likelihood row: for Dawid-Skene <c>worker * K + label</c>; represented as a span.</param>
    /// <param name="taskOffsets">CSR offsets: the labels of task <c>t</c> are <c>labelCodes[taskOffsets[t]..taskOffsets[t + 1]]</c>; length T + 1.</param>
    /// <param name="logLikelihoodRows">Rows of K: row <c>r</c> holds <c>log P(label | true class c)</c> for c = 0..K-1 of the labels whose code is r.</param>
    /// <param name="logPriors">The log class priors, length K.</param>
    /// <param name="gold">Empty, or one entry per task: the known class (its posterior is clamped to one-hot), or -1.</param>
    /// <param name="classCount">The class count K.</param>
    /// <param name="posteriors">Empty to skip, or the destination of the posteriors, task-major <c>T × K</c>.</param>
    /// <param name="statistics">Empty to skip, or rows of K like <paramref name="logLikelihoodRows"/>: each label adds its task's posterior to row <c>code</c>.</param>
    /// <param name="priorStatistics">Empty to skip, or K entries: each task adds its posterior.</param>
    /// <param name="path">The hardware path; <see cref="KernelPath.Auto"/> picks the widest one that fits K.</param>
    /// <returns>The log-likelihood of the labels of these tasks, <c>Σ_t log Σ_c prior[c] Π_i P(label_i | c)</c> (the joint with the known
    /// class for gold tasks).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, the offsets are invalid, a code or gold class is out of range, or a
    /// parameter is NaN or +∞ (the messages say which and where).</exception>
    /// <exception cref="PlatformNotSupportedException">A forced vector path is not accelerated here.</exception>
    /// <remarks>
    /// <para>This method effectively computes, per task <c>t</c>: <c>a[c] = logPriors[c] + Σ_i logLikelihoodRows[code_i, c]</c>,
    /// <c>posterior = softmax(a)</c>, <c>LL += logsumexp(a)</c>, <c>statistics[code_i] += posterior</c> and <c>priorStatistics += posterior</c>.</para>
    /// <para>It works in log space with the row maximum subtracted before exponentiation, so finite parameters (−∞ allowed) never yield NaN
    /// unless every class of a task is −∞. Statistics are added to what the spans already hold, so callers can split tasks into blocks
    /// with one accumulator each and reduce them in a fixed order.</para>
    /// <para>The vector paths use the vector <c>Exp</c> approximation and accumulate the log-likelihood as a product of per-task sums, so
    /// they match the scalar reference to a relative 1e-12, not bit for bit.</para>
    /// </remarks>
    public static double DawidSkeneStep(
        ReadOnlySpan<int> labelCodes,
        ReadOnlySpan<int> taskOffsets,
        ReadOnlySpan<double> logLikelihoodRows,
        ReadOnlySpan<double> logPriors,
        ReadOnlySpan<int> gold,
        int classCount,
        Span<double> posteriors,
        Span<double> statistics,
        Span<double> priorStatistics,
        KernelPath path = KernelPath.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        CheckOffsets(taskOffsets, labelCodes.Length, nameof(taskOffsets));
        var taskCount = taskOffsets.Length - 1;
        if (logLikelihoodRows.Length % classCount != 0)
        {
            throw new ArgumentException(Format($"The likelihood rows must hold whole rows of {classCount}; got {logLikelihoodRows.Length} values."), nameof(logLikelihoodRows));
        }

        CheckRange(labelCodes, taskOffsets, logLikelihoodRows.Length / classCount, "Label code", nameof(labelCodes));
        CheckLength(logPriors.Length, classCount, "Log priors", nameof(logPriors));
        CheckNoNaNOrPositiveInfinity(logLikelihoodRows, nameof(logLikelihoodRows));
        CheckNoNaNOrPositiveInfinity(logPriors, nameof(logPriors));
        if (!gold.IsEmpty)
        {
            CheckLength(gold.Length, taskCount, "Gold", nameof(gold));
            for (var t = 0; t < gold.Length; t++)
            {
                if (gold[t] < -1 || gold[t] >= classCount)
                {
                    throw new ArgumentException(Format($"Gold class of task {t} is {gold[t]}; expected -1 or 0..{classCount - 1}."), nameof(gold));
                }
            }
        }

        if (!posteriors.IsEmpty)
        {
            CheckAtLeast(posteriors.Length, taskCount * classCount, "Posteriors", nameof(posteriors));
        }

        if (!statistics.IsEmpty)
        {
            CheckLength(statistics.Length, logLikelihoodRows.Length, "Statistics", nameof(statistics));
        }

        if (!priorStatistics.IsEmpty)
        {
            CheckLength(priorStatistics.Length, classCount, "Prior statistics", nameof(priorStatistics));
        }

        return DawidSkeneStepUnchecked(
            labelCodes, taskOffsets, logLikelihoodRows, default, logPriors, gold, classCount, posteriors, statistics, priorStatistics, ResolveRowPath(path, classCount, sizeof(double)));
    }

    /// <summary>The dispatch of <see cref="DawidSkeneStep"/> after validation (used by the aggregators, which validate once per run).</summary>
    /// <param name="linearRows">Empty, or <c>exp(logLikelihoodRows)</c> computed once by the caller (the aggregators do it once per iteration
    /// instead of once per block); computed here when the single-register path needs it and it is empty. On that path (a vector path
    /// with K equal to its lane count) <paramref name="logLikelihoodRows"/> may be empty when these are given.</param>
    internal static double DawidSkeneStepUnchecked(
        ReadOnlySpan<int> labelCodes,
        ReadOnlySpan<int> taskOffsets,
        ReadOnlySpan<double> logLikelihoodRows,
        ReadOnlySpan<double> linearRows,
        ReadOnlySpan<double> logPriors,
        ReadOnlySpan<int> gold,
        int classCount,
        Span<double> posteriors,
        Span<double> statistics,
        Span<double> priorStatistics,
        KernelPath resolved)
    {
        if (resolved != KernelPath.Scalar && classCount == LaneCount(resolved, sizeof(double)) && linearRows.IsEmpty)
        {
            linearRows = ExpRows(logLikelihoodRows);
        }

        return resolved switch
        {
            KernelPath.Vector512 => StepVector<Vector512DoubleOperator, Vector512<double>>(
                labelCodes, taskOffsets, logLikelihoodRows, linearRows, logPriors, gold, classCount, posteriors, statistics, priorStatistics),
            KernelPath.Vector256 => StepVector<Vector256DoubleOperator, Vector256<double>>(
                labelCodes, taskOffsets, logLikelihoodRows, linearRows, logPriors, gold, classCount, posteriors, statistics, priorStatistics),
            KernelPath.Vector128 => StepVector<Vector128DoubleOperator, Vector128<double>>(
                labelCodes, taskOffsets, logLikelihoodRows, linearRows, logPriors, gold, classCount, posteriors, statistics, priorStatistics),
            _ => DawidSkeneStepScalar(labelCodes, taskOffsets, logLikelihoodRows, logPriors, gold, classCount, posteriors, statistics, priorStatistics),
        };
    }

    /// <summary>Writes <c>exp</c> of log-probabilities that are all ≤ 0 (the aggregators' tables), vectorized when possible.</summary>
    internal static void ExpNonPositiveRows(ReadOnlySpan<double> logRows, Span<double> linear)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var src = ref MemoryMarshal.GetReference(logRows);
            ref var dst = ref MemoryMarshal.GetReference(linear);
            for (; i <= logRows.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                Vector256DoubleOperator.ExpNonPositive(Vector256.LoadUnsafe(ref Unsafe.Add(ref src, i))).StoreUnsafe(ref Unsafe.Add(ref dst, i));
            }
        }

        for (; i < logRows.Length; i++)
        {
            linear[i] = Math.Exp(logRows[i]);
        }
    }

    /// <summary>Returns <c>exp</c> of every log-probability (−∞ gives 0).</summary>
    internal static double[] ExpRows(ReadOnlySpan<double> logRows)
    {
        var linear = new double[logRows.Length];
        for (var i = 0; i < linear.Length; i++)
        {
            linear[i] = Math.Exp(logRows[i]);
        }

        return linear;
    }

    /// <summary>The scalar reference of <see cref="DawidSkeneStep"/>: plain loops, <see cref="Math.Exp"/> and <see cref="Math.Log"/> per task.</summary>
    internal static double DawidSkeneStepScalar(
        ReadOnlySpan<int> labelCodes,
        ReadOnlySpan<int> taskOffsets,
        ReadOnlySpan<double> logLikelihoodRows,
        ReadOnlySpan<double> logPriors,
        ReadOnlySpan<int> gold,
        int classCount,
        Span<double> posteriors,
        Span<double> statistics,
        Span<double> priorStatistics)
    {
        var k = classCount;
        var a = new double[k];
        var logLikelihood = 0.0;
        for (var t = 0; t < taskOffsets.Length - 1; t++)
        {
            logPriors.CopyTo(a);
            for (var i = taskOffsets[t]; i < taskOffsets[t + 1]; i++)
            {
                var row = logLikelihoodRows.Slice(labelCodes[i] * k, k);
                for (var c = 0; c < k; c++)
                {
                    a[c] += row[c];
                }
            }

            var g = gold.IsEmpty ? -1 : gold[t];
            if (g >= 0)
            {
                logLikelihood += a[g];
                Array.Clear(a);
                a[g] = 1;
            }
            else
            {
                var max = double.NegativeInfinity;
                for (var c = 0; c < k; c++)
                {
                    max = Math.Max(max, a[c]);
                }

                var sum = 0.0;
                for (var c = 0; c < k; c++)
                {
                    a[c] = Math.Exp(a[c] - max);
                    sum += a[c];
                }

                for (var c = 0; c < k; c++)
                {
                    a[c] /= sum;
                }

                logLikelihood += max + Math.Log(sum);
            }

            if (!posteriors.IsEmpty)
            {
                a.CopyTo(posteriors.Slice(t * k, k));
            }

            if (!statistics.IsEmpty)
            {
                for (var i = taskOffsets[t]; i < taskOffsets[t + 1]; i++)
                {
                    var row = statistics.Slice(labelCodes[i] * k, k);
                    for (var c = 0; c < k; c++)
                    {
                        row[c] += a[c];
                    }
                }
            }

            if (!priorStatistics.IsEmpty)
            {
                for (var c = 0; c < k; c++)
                {
                    priorStatistics[c] += a[c];
                }
            }
        }

        return logLikelihood;
    }

    private static void CheckNoNaNOrPositiveInfinity(ReadOnlySpan<double> values, string paramName)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]) || double.IsPositiveInfinity(values[i]))
            {
                throw new ArgumentException(Format($"Log-probability at position {i} is {values[i]}; expected a finite value or -∞."), paramName);
            }
        }
    }

    /// <summary>
    /// Vector body: lanes run across classes. With K equal to the lane count a whole task stays in one register, and the posterior is
    /// computed in the linear domain: <c>prior ⊙ Π θ_i</c> with θ = exp(log rows) taken once per call, so no task needs an exp or a max.
    /// A task whose product would come near the bottom of the double range (many unlikely labels), and a gold task, is computed in log
    /// space instead, so the result is the log-space result up to rounding in every case.
    /// </summary>
    /// <remarks>
    /// The common tasks run in <see cref="StepLinearRun{TOp, TVector}"/>, a loop without calls: on x64 every vector register is
    /// caller-saved, so a call anywhere in the hot loop would make the JIT keep the accumulators on the stack.
    /// </remarks>
    [SkipLocalsInit]
    private static double StepVector<TOp, TVector>(
        ReadOnlySpan<int> labelCodes,
        ReadOnlySpan<int> taskOffsets,
        ReadOnlySpan<double> logLikelihoodRows,
        ReadOnlySpan<double> linearRows,
        ReadOnlySpan<double> logPriors,
        ReadOnlySpan<int> gold,
        int classCount,
        Span<double> posteriors,
        Span<double> statistics,
        Span<double> priorStatistics)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct
    {
        if (classCount != TOp.Count)
        {
            return StepVectorRows<TOp, TVector>(labelCodes, taskOffsets, logLikelihoodRows, logPriors, gold, classCount, posteriors, statistics, priorStatistics);
        }

        var k = classCount;
        ref var codeRef = ref MemoryMarshal.GetReference(labelCodes);
        ref var rowRef = ref MemoryMarshal.GetReference(logLikelihoodRows);
        ref var linRef = ref MemoryMarshal.GetReference(linearRows);
        ref var postRef = ref MemoryMarshal.GetReference(posteriors);
        ref var statRef = ref MemoryMarshal.GetReference(statistics);
        var writePosteriors = !posteriors.IsEmpty;
        var accumulate = !statistics.IsEmpty;
        var hasGold = !gold.IsEmpty;

        // The aggregators pass only the linear rows (no per-iteration log of the table); the rare log-space task then takes its logs here.
        var haveLogRows = !logLikelihoodRows.IsEmpty;
        var logPrior = TOp.Load(ref MemoryMarshal.GetReference(logPriors));
        Span<double> priorLanes = stackalloc double[TOp.Count];
        for (var c = 0; c < k; c++)
        {
            priorLanes[c] = Math.Exp(logPriors[c]);
        }

        var run = new LinearRun<TVector>
        {
            Prior = TOp.Load(ref MemoryMarshal.GetReference(priorLanes)),
            PriorSum = TOp.Create(0),
            Product = 1.0,
        };

        var maxSum = 0.0;
        var taskCount = taskOffsets.Length - 1;
        ref var offsetRef = ref MemoryMarshal.GetReference(taskOffsets);
        ref var goldRef = ref MemoryMarshal.GetReference(gold);
        var t = 0;
        while (true)
        {
            t = StepLinearRun<TOp, TVector>(ref codeRef, ref offsetRef, ref linRef, ref postRef, ref statRef, ref goldRef, hasGold, writePosteriors, accumulate, t, taskCount, ref run);
            if (t == taskCount)
            {
                break;
            }

            // Gold task, or a product outside the linear range: the log-space computation.
            var start = Unsafe.Add(ref offsetRef, t);
            var next = Unsafe.Add(ref offsetRef, t + 1);
            var g = hasGold ? gold[t] : -1;
            var logAcc = logPrior;
            for (var i = start; i < next; i++)
            {
                var row = Unsafe.Add(ref codeRef, i) * k;
                logAcc = TOp.Add(logAcc, haveLogRows ? TOp.Load(ref Unsafe.Add(ref rowRef, row)) : TOp.Log(TOp.Load(ref Unsafe.Add(ref linRef, row))));
            }

            TVector posterior;
            if (g >= 0)
            {
                maxSum += TOp.GetElement(logAcc, g);
                posterior = TOp.UnitVector(g);
            }
            else
            {
                var max = TOp.MaxAcross(logAcc);
                var e = TOp.ExpNonPositive(TOp.Subtract(logAcc, TOp.Create(max)));
                var sum = TOp.Sum(e);
                posterior = TOp.Multiply(e, TOp.Create(1.0 / sum));
                maxSum += max + Math.Log(sum);
            }

            if (writePosteriors)
            {
                TOp.Store(posterior, ref Unsafe.Add(ref postRef, t * k));
            }

            if (accumulate)
            {
                for (var i = start; i < next; i++)
                {
                    ref var stat = ref Unsafe.Add(ref statRef, Unsafe.Add(ref codeRef, i) * k);
                    TOp.Store(TOp.Add(TOp.Load(ref stat), posterior), ref stat);
                }
            }

            run.PriorSum = TOp.Add(run.PriorSum, posterior);
            t++;
        }

        if (!priorStatistics.IsEmpty)
        {
            ref var p = ref MemoryMarshal.GetReference(priorStatistics);
            TOp.Store(TOp.Add(TOp.Load(ref p), run.PriorSum), ref p);
        }

        // Σ log s_t = log(product) + 500 · scale · ln 2: the product was kept in range by exact power-of-two rescaling.
        return maxSum + Math.Log(run.Product) + (run.Scale * 500 * Math.Log(2));
    }

    /// <summary>
    /// The linear-domain tasks of <see cref="StepVector{TOp, TVector}"/> from <paramref name="t"/> on: returns the first task it cannot
    /// take (a gold task, or a sum outside [2^-500, 2^500]), or <paramref name="end"/>. The running product of the task sums stays in
    /// [2^-500, 2^500] by multiplying it by 2^±500 (exact) and counting the rescalings, so it never needs a log inside the loop.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one long loop per call: skip the unoptimised and on-stack-replacement tiers
    private static int StepLinearRun<TOp, TVector>(
        ref int codeRef,
        ref int offsetRef,
        ref double linRef,
        ref double postRef,
        ref double statRef,
        ref int goldRef,
        bool hasGold,
        bool writePosteriors,
        bool accumulate,
        int t,
        int end,
        ref LinearRun<TVector> run)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct
    {
        var prior = run.Prior;
        var priorSum = run.PriorSum;
        var product = run.Product;
        var scale = run.Scale;
        var next = Unsafe.Add(ref offsetRef, t);
        for (; t < end; t++)
        {
            var start = next;
            next = Unsafe.Add(ref offsetRef, t + 1);
            if (hasGold && Unsafe.Add(ref goldRef, t) >= 0)
            {
                break;
            }

            var acc = prior;
            for (var i = start; i < next; i++)
            {
                acc = TOp.Multiply(acc, TOp.Load(ref Unsafe.Add(ref linRef, Unsafe.Add(ref codeRef, i) * TOp.Count)));
            }

            if (!TryNormalizeLinear<TOp, TVector>(acc, ref product, ref scale, out var posterior))
            {
                break;
            }

            if (writePosteriors)
            {
                TOp.Store(posterior, ref Unsafe.Add(ref postRef, t * TOp.Count));
            }

            if (accumulate)
            {
                for (var i = start; i < next; i++)
                {
                    ref var stat = ref Unsafe.Add(ref statRef, Unsafe.Add(ref codeRef, i) * TOp.Count);
                    TOp.Store(TOp.Add(TOp.Load(ref stat), posterior), ref stat);
                }
            }

            priorSum = TOp.Add(priorSum, posterior);
        }

        run.PriorSum = priorSum;
        run.Product = product;
        run.Scale = scale;
        return t;
    }

    /// <summary>2^-500: the lower end of the range linear-domain task sums and their running product are kept in.</summary>
    private const double LinearLow = 3.0549363634996047e-151;

    /// <summary>2^500: the upper end of that range.</summary>
    private const double LinearHigh = 3.273390607896142e150;

    /// <summary>
    /// Normalises a task's linear-domain product into its posterior and multiplies its sum into the running product, which is
    /// multiplied by 2^∓500 (exact) and counted in <paramref name="scale"/> when it leaves [2^-500, 2^500]. Returns false, changing
    /// nothing, when the sum itself is outside that range (the task then goes to log space).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryNormalizeLinear<TOp, TVector>(TVector product, ref double runningProduct, ref int scale, out TVector posterior)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct
    {
        var s = TOp.Sum(product);
        if (!(s >= LinearLow && s <= LinearHigh))
        {
            posterior = default;
            return false;
        }

        posterior = TOp.Multiply(product, TOp.Create(1.0 / s));
        runningProduct *= s;
        if (runningProduct < LinearLow)
        {
            runningProduct *= LinearHigh;
            scale--;
        }
        else if (runningProduct > LinearHigh)
        {
            runningProduct *= LinearLow;
            scale++;
        }

        return true;
    }

    /// <summary>The running state of <see cref="StepLinearRun{TOp, TVector}"/> between log-space tasks.</summary>
    private struct LinearRun<TVector>
        where TVector : struct
    {
        public TVector Prior;
        public TVector PriorSum;
        public double Product;
        public int Scale;
    }

    /// <summary>Vector body for K different from the lane count: whole vectors across the row, then a scalar tail.</summary>
    private static double StepVectorRows<TOp, TVector>(
        ReadOnlySpan<int> labelCodes,
        ReadOnlySpan<int> taskOffsets,
        ReadOnlySpan<double> logLikelihoodRows,
        ReadOnlySpan<double> logPriors,
        ReadOnlySpan<int> gold,
        int classCount,
        Span<double> posteriors,
        Span<double> statistics,
        Span<double> priorStatistics)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct
    {
        var k = classCount;
        var lanes = TOp.Count;
        var vectorEnd = k - (k % lanes);
        var a = new double[k];
        var priorSum = new double[k];
        ref var aRef = ref MemoryMarshal.GetArrayDataReference(a);
        ref var rowRef = ref MemoryMarshal.GetReference(logLikelihoodRows);
        var logLikelihood = 0.0;
        for (var t = 0; t < taskOffsets.Length - 1; t++)
        {
            logPriors.CopyTo(a);
            for (var i = taskOffsets[t]; i < taskOffsets[t + 1]; i++)
            {
                ref var row = ref Unsafe.Add(ref rowRef, labelCodes[i] * k);
                AddRow<TOp, TVector>(ref aRef, ref row, k, vectorEnd);
            }

            var g = gold.IsEmpty ? -1 : gold[t];
            if (g >= 0)
            {
                logLikelihood += a[g];
                Array.Clear(a);
                a[g] = 1;
            }
            else
            {
                var max = double.NegativeInfinity;
                var c = 0;
                if (vectorEnd > 0)
                {
                    var m = TOp.Load(ref aRef);
                    for (c = lanes; c < vectorEnd; c += lanes)
                    {
                        m = TOp.Max(m, TOp.Load(ref Unsafe.Add(ref aRef, c)));
                    }

                    max = TOp.MaxAcross(m);
                }

                for (; c < k; c++)
                {
                    max = Math.Max(max, a[c]);
                }

                var shift = TOp.Create(max);
                var sumVector = TOp.Create(0);
                for (c = 0; c < vectorEnd; c += lanes)
                {
                    var e = TOp.ExpNonPositive(TOp.Subtract(TOp.Load(ref Unsafe.Add(ref aRef, c)), shift));
                    TOp.Store(e, ref Unsafe.Add(ref aRef, c));
                    sumVector = TOp.Add(sumVector, e);
                }

                var sum = TOp.Sum(sumVector);
                for (; c < k; c++)
                {
                    a[c] = Math.Exp(a[c] - max);
                    sum += a[c];
                }

                var scale = 1.0 / sum;
                for (c = 0; c < k; c++)
                {
                    a[c] *= scale;
                }

                logLikelihood += max + Math.Log(sum);
            }

            if (!posteriors.IsEmpty)
            {
                a.CopyTo(posteriors.Slice(t * k, k));
            }

            if (!statistics.IsEmpty)
            {
                ref var statRef = ref MemoryMarshal.GetReference(statistics);
                for (var i = taskOffsets[t]; i < taskOffsets[t + 1]; i++)
                {
                    AddRow<TOp, TVector>(ref Unsafe.Add(ref statRef, labelCodes[i] * k), ref aRef, k, vectorEnd);
                }
            }

            AddRow<TOp, TVector>(ref MemoryMarshal.GetArrayDataReference(priorSum), ref aRef, k, vectorEnd);
        }

        if (!priorStatistics.IsEmpty)
        {
            for (var c = 0; c < k; c++)
            {
                priorStatistics[c] += priorSum[c];
            }
        }

        return logLikelihood;
    }

    /// <summary>destination[0..k] += source[0..k], whole vectors then a scalar tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow<TOp, TVector>(ref double destination, ref double source, int k, int vectorEnd)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct
    {
        var c = 0;
        for (; c < vectorEnd; c += TOp.Count)
        {
            ref var d = ref Unsafe.Add(ref destination, c);
            TOp.Store(TOp.Add(TOp.Load(ref d), TOp.Load(ref Unsafe.Add(ref source, c))), ref d);
        }

        for (; c < k; c++)
        {
            Unsafe.Add(ref destination, c) += Unsafe.Add(ref source, c);
        }
    }
}
