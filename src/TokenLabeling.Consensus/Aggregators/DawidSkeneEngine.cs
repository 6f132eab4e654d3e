// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TokenLabeling.Consensus.Kernels;
using TokenLabeling.Consensus.Kernels.Common;

namespace TokenLabeling.Consensus.Aggregators;

/// <summary>
/// The EM loop shared by <see cref="DawidSkene"/> and <see cref="OneCoinDawidSkene"/>. Both keep their parameters as one table of
/// rows indexed by <c>worker * K + label</c> (row entry c = P(label | true class c), or its log), so both run the same fused E/M
/// kernel; they differ only in how the table is rebuilt from the accumulated statistics.
/// </summary>
/// <remarks>
/// When K equals the lane count of a vector path (2, 4 or 8 doubles) the table is linear, the tasks of each block are grouped by
/// label count and each block keeps the probabilities interleaved with its own statistics in a cache-aligned table; otherwise the
/// log table runs through the CSR kernel. Both give the scalar reference's results up to rounding, whatever the thread count.
/// </remarks>
internal static class DawidSkeneEngine
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called once per aggregation, but its EM loop is the hot path: skip tier 0
    public static AggregationResult Run(
        string method,
        bool oneCoin,
        DawidSkeneOptions options,
        AnnotationSet set,
        GoldLabels? gold,
        IProgress<AggregationProgress>? progress,
        CancellationToken cancellationToken)
    {
        var goldLabels = VoteDecisions.CheckGold(set, gold, method);
        cancellationToken.ThrowIfCancellationRequested();
        var k = set.ClassCount;
        var taskCount = set.TaskCount;
        var workerCount = set.WorkerCount;
        var tableLength = workerCount * k * k;
        if (k > 1 && options.MinProbability > 1.0 / k)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MinProbability, $"{method}: MinProbability must not exceed 1/K = {1.0 / k}.");
        }

        var path = ConsensusKernels.ResolveRowPath(options.KernelPath, k, sizeof(double));
        var offsets = set.TaskOffsetArray;
        var workers = set.WorkerArray;
        var votes = set.LabelArray;
        var codes = GC.AllocateUninitializedArray<int>(votes.Length);

        // Each block keeps its own statistics (and, on the grouped path, a copy of the probabilities): with many workers those
        // tables, not the labels, set the memory, so blocks are capped at about one table's worth of labels each (at least two,
        // for two cores). The cap depends on the data only, so results still do not depend on the thread count.
        var blocks = TaskBlocks.For(offsets, codes.Length, (int)Math.Clamp(codes.Length / Math.Max(1L, tableLength), 2, TaskBlocks.MaxBlocks));
        var blockStats = new ArraySegment<double>[blocks.Count];
        var blockPriorStats = new double[blocks.Count][];
        var blockLogLikelihood = new double[blocks.Count];

        // With one task per register the E-step works on probabilities, so the M-step writes them directly: no log and no exp of the
        // table per iteration (the other paths keep the log table the scalar reference and the row-wise kernel work with). On that
        // path the tasks of each block are also grouped by label count (unrolled kernels), and each block interleaves the
        // probabilities with its own statistics, so that a label's two rows share one cache line.
        var linearOnly = path != KernelPath.Scalar && k == ConsensusKernels.LaneCount(path, sizeof(double));
        var grouped = linearOnly ? new LabelCountGroups[blocks.Count] : null;
        var blockTables = linearOnly ? new ArraySegment<double>[blocks.Count] : null;

        // Per block, in parallel: the row codes, the initial statistics from majority-vote shares (gold tasks one-hot; the first
        // M-step then starts from majority vote) and the grouped tasks. Blocks are added in block order, like the EM passes.
        blocks.Run(options.MaxDegreeOfParallelism, b =>
        {
            var first = blocks.Starts[b];
            var end = blocks.Starts[b + 1];
            for (var i = offsets[first]; i < offsets[end]; i++)
            {
                codes[i] = (workers[i] * k) + votes[i];
            }

            blockPriorStats[b] = new double[k];
            if (grouped is not null)
            {
                // Straight into the statistics halves of the block's interleaved table; the first M-step reduces them like any other.
                grouped[b] = LabelCountGroups.Create(codes, offsets.AsSpan(first, end - first + 1), goldLabels is null ? default : goldLabels.AsSpan(first, end - first), 2 * k);
                blockTables![b] = CacheAligned.Doubles(2 * tableLength);
                AddVoteShareStatistics(offsets, votes, codes, goldLabels, k, first, end, blockTables[b].AsSpan(k), 2 * k, blockPriorStats[b]);
            }
            else
            {
                blockStats[b] = CacheAligned.Doubles(tableLength);
                AddVoteShareStatistics(offsets, votes, codes, goldLabels, k, first, end, blockStats[b], k, blockPriorStats[b]);
            }
        });
        var statistics = grouped is null ? blockStats[0] : CacheAligned.Doubles(tableLength);
        var stats = statistics.AsSpan();
        var priorStats = blockPriorStats[0];
        for (var b = 1; b < blocks.Count; b++)
        {
            if (grouped is null)
            {
                TensorPrimitives.Add(stats, blockStats[b].AsSpan(), stats);
            }

            TensorPrimitives.Add(priorStats, blockPriorStats[b], priorStats);
        }

        // The kernels gather and scatter 32-byte rows of these tables: aligned, each row is one cache line or half of one. The log
        // table is only kept off the linear path.
        var table = linearOnly ? default : CacheAligned.Doubles(tableLength);
        var linearTable = CacheAligned.Doubles(tableLength);
        var logPriors = new double[k];
        var skills = oneCoin ? new double[workerCount] : null;
        var trace = new List<double>();

        // The grouped path's M-step runs on worker ranges in parallel; each entry is still summed over blocks in block order.
        var workerRanges = TaskBlocks.Even(workerCount, Math.Min(blocks.Count, Math.Max(1, workerCount / 64)));
        var kk = k * k;
        var alpha = options.Smoothing;
        var minProbability = Math.Min(options.MinProbability, 1.0 / k);

        var converged = false;
        var previous = double.NaN;
        var iterations = 0;
        for (var iteration = 1; iteration <= options.MaxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double logLikelihood;
            if (grouped is not null)
            {
                // M-step: per worker range, the statistics summed over blocks (majority-vote shares before the first), the new
                // probabilities, and their copies next to each block's cleared statistics. The prior sums of the majority-vote
                // start were reduced above.
                if (iteration > 1)
                {
                    blockPriorStats[0].CopyTo(priorStats, 0);
                    for (var b = 1; b < blocks.Count; b++)
                    {
                        TensorPrimitives.Add(priorStats, blockPriorStats[b], priorStats);
                    }
                }

                UpdateLogPriors(options, k, priorStats, logPriors);
                workerRanges.Run(options.MaxDegreeOfParallelism, r =>
                {
                    var start = workerRanges.Starts[r] * kk;
                    var length = (workerRanges.Starts[r + 1] * kk) - start;
                    var rangeStats = statistics.AsSpan(start, length);
                    for (var b = 0; b < blocks.Count; b++)
                    {
                        ConsensusKernels.AddInterleavedStatistics(blockTables![b].AsSpan(2 * start, 2 * length), rangeStats, k, overwrite: b == 0, path);
                    }

                    var rangeLinear = linearTable.AsSpan(start, length);
                    if (oneCoin)
                    {
                        var firstWorker = workerRanges.Starts[r];
                        OneCoinRows(rangeStats, rangeLinear, skills.AsSpan(firstWorker, workerRanges.Starts[r + 1] - firstWorker), k, alpha, options.MinProbability, linear: true);
                    }
                    else
                    {
                        ConsensusKernels.ConfusionProbabilitiesUnchecked(rangeStats, k, alpha, minProbability, rangeLinear, path);
                    }

                    for (var b = 0; b < blocks.Count; b++)
                    {
                        ConsensusKernels.InterleaveRows(rangeLinear, blockTables![b].AsSpan(2 * start, 2 * length), k, path);
                    }
                });

                blocks.Run(options.MaxDegreeOfParallelism, b =>
                {
                    Array.Clear(blockPriorStats[b]);
                    blockLogLikelihood[b] = ConsensusKernels.DawidSkeneGroupedStep(grouped[b], blockTables![b], k, logPriors, blockPriorStats[b], path);
                });

                logLikelihood = blockLogLikelihood[0];
                for (var b = 1; b < blocks.Count; b++)
                {
                    logLikelihood += blockLogLikelihood[b];
                }
            }
            else
            {
                UpdateParameters(oneCoin, options, k, stats, priorStats, table, logPriors, skills, path);
                ConsensusKernels.ExpNonPositiveRows(table, linearTable);
                blocks.Run(options.MaxDegreeOfParallelism, b =>
                {
                    // Each block clears its own accumulators, on its own core.
                    blockStats[b].AsSpan().Clear();
                    Array.Clear(blockPriorStats[b]);
                    var first = blocks.Starts[b];
                    var end = blocks.Starts[b + 1];
                    blockLogLikelihood[b] = ConsensusKernels.DawidSkeneStepUnchecked(
                        codes, offsets.AsSpan(first, end - first + 1), table, linearTable, logPriors, goldLabels is null ? default : goldLabels.AsSpan(first, end - first), k, default, blockStats[b], blockPriorStats[b], path);
                });

                // Fixed-order reduction into block 0: identical whatever the thread count.
                logLikelihood = blockLogLikelihood[0];
                for (var b = 1; b < blocks.Count; b++)
                {
                    TensorPrimitives.Add(stats, blockStats[b].AsSpan(), stats);
                    TensorPrimitives.Add(priorStats, blockPriorStats[b], priorStats);
                    logLikelihood += blockLogLikelihood[b];
                }
            }

            iterations = iteration;
            trace.Add(logLikelihood);
            var change = logLikelihood - previous;
            progress?.Report(new AggregationProgress(iteration, options.MaxIterations, logLikelihood, change));
            if (iteration > 1 && options.Tolerance >= 0 && Math.Abs(change) <= options.Tolerance)
            {
                converged = true;
                break;
            }

            previous = logLikelihood;
        }

        // The reported posteriors are those of the last parameters (the ones the final log-likelihood was computed with).
        var posteriors = GC.AllocateUninitializedArray<double>(taskCount * k);
        blocks.Run(options.MaxDegreeOfParallelism, b =>
        {
            var first = blocks.Starts[b];
            var end = blocks.Starts[b + 1];
            ConsensusKernels.DawidSkeneStepUnchecked(
                codes,
                offsets.AsSpan(first, end - first + 1),
                table,
                linearTable,
                logPriors,
                goldLabels is null ? default : goldLabels.AsSpan(first, end - first),
                k,
                posteriors.AsSpan(first * k, (end - first) * k),
                default,
                default,
                path);
        });

        var labels = LabelsFromPosteriors(posteriors, taskCount, k);

        var priors = new double[k];
        for (var c = 0; c < k; c++)
        {
            priors[c] = Math.Exp(logPriors[c]);
        }

        var confusion = ConfusionFromTable(linearOnly ? linearTable : table, linearOnly, workerCount, k);
        if (skills is null)
        {
            skills = new double[workerCount];
            for (var w = 0; w < workerCount; w++)
            {
                var s = 0.0;
                for (var c = 0; c < k; c++)
                {
                    s += priors[c] * confusion[(((w * k) + c) * k) + c];
                }

                skills[w] = s;
            }
        }

        return new AggregationResult(method, k, labels, posteriors, priors, skills, confusion, iterations, converged, trace.ToArray());
    }

    /// <summary>
    /// Adds each task's vote shares (one-hot for gold, uniform without labels) to the rows of its labels and to the prior sums. Row
    /// <c>r</c> starts at <c>stats[r * rowStride]</c> (K for a plain table, 2K for the statistics halves of an interleaved one).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per aggregation over every label
    private static void AddVoteShareStatistics(
        int[] offsets, int[] votes, int[] codes, int[]? gold, int k, int first, int end, Span<double> stats, int rowStride, double[] priorStats)
    {
        if (k == Vector256<double>.Count && Vector256.IsHardwareAccelerated)
        {
            AddVoteShareStatisticsFourClasses(offsets, votes, codes, gold, first, end, stats, rowStride, priorStats);
            return;
        }

        var share = new double[k];
        for (var t = first; t < end; t++)
        {
            Array.Clear(share);
            var n = offsets[t + 1] - offsets[t];
            var g = gold is null ? -1 : gold[t];
            if (g >= 0)
            {
                share[g] = 1;
            }
            else if (n == 0)
            {
                Array.Fill(share, 1.0 / k);
            }
            else
            {
                var vote = 1.0 / n;
                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    share[votes[i]] += vote;
                }
            }

            for (var i = offsets[t]; i < offsets[t + 1]; i++)
            {
                var row = codes[i] * rowStride;
                for (var c = 0; c < k; c++)
                {
                    stats[row + c] += share[c];
                }
            }

            for (var c = 0; c < k; c++)
            {
                priorStats[c] += share[c];
            }
        }
    }

    /// <summary><see cref="AddVoteShareStatistics"/> for K = 4: a task's vote counts and shares stay in one 256-bit register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddVoteShareStatisticsFourClasses(
        int[] offsets, int[] votes, int[] codes, int[]? gold, int first, int end, Span<double> stats, int rowStride, double[] priorStats)
    {
        ref var statRef = ref MemoryMarshal.GetReference(stats);
        ref var voteRef = ref MemoryMarshal.GetArrayDataReference(votes);
        ref var codeRef = ref MemoryMarshal.GetArrayDataReference(codes);
        var classes = Vector256.Create(0.0, 1.0, 2.0, 3.0);
        var priorSum = Vector256<double>.Zero;
        for (var t = first; t < end; t++)
        {
            var start = offsets[t];
            var next = offsets[t + 1];
            var g = gold is null ? -1 : gold[t];
            Vector256<double> share;
            if (g >= 0)
            {
                share = Vector256.ConditionalSelect(Vector256.Equals(classes, Vector256.Create((double)g)), Vector256<double>.One, Vector256<double>.Zero);
            }
            else if (next == start)
            {
                share = Vector256.Create(0.25);
            }
            else
            {
                var counts = Vector256<double>.Zero;
                for (var i = start; i < next; i++)
                {
                    counts += Vector256.ConditionalSelect(
                        Vector256.Equals(classes, Vector256.Create((double)Unsafe.Add(ref voteRef, i))), Vector256<double>.One, Vector256<double>.Zero);
                }

                share = counts * Vector256.Create(1.0 / (next - start));
            }

            for (var i = start; i < next; i++)
            {
                ref var stat = ref Unsafe.Add(ref statRef, Unsafe.Add(ref codeRef, i) * rowStride);
                (Vector256.LoadUnsafe(ref stat) + share).StoreUnsafe(ref stat);
            }

            priorSum += share;
        }

        ref var prior = ref MemoryMarshal.GetArrayDataReference(priorStats);
        (Vector256.LoadUnsafe(ref prior) + priorSum).StoreUnsafe(ref prior);
    }

    /// <summary>The most probable class of every task (the lowest on ties).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int[] LabelsFromPosteriors(double[] posteriors, int taskCount, int k)
    {
        var labels = new int[taskCount];
        for (var t = 0; t < taskCount; t++)
        {
            var row = t * k;
            var best = 0;
            for (var c = 1; c < k; c++)
            {
                if (posteriors[row + c] > posteriors[row + best])
                {
                    best = c;
                }
            }

            labels[t] = best;
        }

        return labels;
    }

    /// <summary>The prior half of the M-step: smoothed, floored log class priors.</summary>
    private static void UpdateLogPriors(DawidSkeneOptions options, int k, double[] priorStats, double[] logPriors)
    {
        var alpha = options.Smoothing;
        var logFloor = Math.Log(options.MinProbability);
        var priorTotal = (k * alpha) + TensorPrimitives.Sum(priorStats);
        for (var c = 0; c < k; c++)
        {
            var p = priorTotal > 0 ? (priorStats[c] + alpha) / priorTotal : 1.0 / k;
            logPriors[c] = Math.Max(Math.Log(p), logFloor);
        }
    }

    /// <summary>The M-step of the log-space paths: log priors and the log-likelihood table from the accumulated statistics.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UpdateParameters(
        bool oneCoin, DawidSkeneOptions options, int k, Span<double> stats, double[] priorStats, Span<double> table, double[] logPriors, double[]? skills, KernelPath path)
    {
        UpdateLogPriors(options, k, priorStats, logPriors);
        var alpha = options.Smoothing;
        if (!oneCoin)
        {
            ConsensusKernels.ConfusionLogProbabilitiesUnchecked(stats, k, alpha, Math.Min(options.MinProbability, 1.0 / k), table, path);
            return;
        }

        OneCoinRows(stats, table, skills, k, alpha, options.MinProbability, linear: false);
    }

    /// <summary>
    /// The one-coin M-step for a range of workers: each worker's skill (its smoothed share of statistics on the diagonal) and its K
    /// rows, <c>skill</c> on the diagonal and <c>(1 - skill) / (K - 1)</c> elsewhere, floored at <paramref name="minProbability"/>, as
    /// probabilities or as their logs.
    /// </summary>
    private static void OneCoinRows(ReadOnlySpan<double> stats, Span<double> table, Span<double> skills, int k, double alpha, double minProbability, bool linear)
    {
        var kk = k * k;
        var floor = linear ? minProbability : Math.Log(minProbability);
        var certain = linear ? 1.0 : 0.0;
        for (var w = 0; w < skills.Length; w++)
        {
            var block = stats.Slice(w * kk, kk);
            var correct = 0.0;
            for (var l = 0; l < k; l++)
            {
                correct += block[(l * k) + l];
            }

            var total = TensorPrimitives.Sum(block) + (2 * alpha);
            var skill = total > 0 ? (correct + alpha) / total : 1.0 / k;
            skills[w] = skill;
            var wrongShare = (1 - skill) / (k - 1);
            var right = k == 1 ? certain : Math.Max(linear ? skill : Math.Log(skill), floor);
            var wrong = k == 1 ? certain : Math.Max(linear ? wrongShare : Math.Log(wrongShare), floor);
            var rows = table.Slice(w * kk, kk);
            rows.Fill(wrong);
            for (var l = 0; l < k; l++)
            {
                rows[(l * k) + l] = right;
            }
        }
    }

    /// <summary>Turns the table [w, l, c] (log, or linear when <paramref name="linear"/>) into confusion matrices [w, c, l], each row renormalised after the floor.</summary>
    private static double[] ConfusionFromTable(ReadOnlySpan<double> table, bool linear, int workerCount, int k)
    {
        var confusion = new double[table.Length];
        for (var w = 0; w < workerCount; w++)
        {
            for (var c = 0; c < k; c++)
            {
                var sum = 0.0;
                for (var l = 0; l < k; l++)
                {
                    var entry = table[(((w * k) + l) * k) + c];
                    var p = linear ? entry : Math.Exp(entry);
                    confusion[(((w * k) + c) * k) + l] = p;
                    sum += p;
                }

                for (var l = 0; l < k; l++)
                {
                    confusion[(((w * k) + c) * k) + l] /= sum;
                }
            }
        }

        return confusion;
    }
}
