// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TokenLabeling.Consensus.Kernels;

namespace TokenLabeling.Consensus.Aggregators;

/// <summary>
/// The EM loop shared by <see cref="DawidSkene"/> and <see cref="OneCoinDawidSkene"/>. Both keep their parameters as one table of
/// log-likelihood rows indexed by <c>worker * K + label</c> (row entry c = log P(label | true class c)), so both run the same fused
/// E/M kernel; they differ only in how the table is rebuilt from the accumulated statistics.
/// </summary>
internal static class DawidSkeneEngine
{
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
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = (workers[i] * k) + votes[i];
        }

        var blocks = TaskBlocks.For(offsets, codes.Length);
        var blockStats = new double[blocks.Count][];
        var blockPriorStats = new double[blocks.Count][];
        var blockLogLikelihood = new double[blocks.Count];
        for (var b = 0; b < blocks.Count; b++)
        {
            blockStats[b] = new double[tableLength];
            blockPriorStats[b] = new double[k];
        }

        // Initial statistics from majority-vote shares (gold tasks one-hot): the first M-step then starts from majority vote. Blocks
        // accumulate in parallel and are added in block order, like the EM passes.
        blocks.Run(options.MaxDegreeOfParallelism, b =>
            AddVoteShareStatistics(offsets, votes, codes, goldLabels, k, blocks.Starts[b], blocks.Starts[b + 1], blockStats[b], blockPriorStats[b]));
        var stats = blockStats[0];
        var priorStats = blockPriorStats[0];
        for (var b = 1; b < blocks.Count; b++)
        {
            TensorPrimitives.Add(stats, blockStats[b], stats);
            TensorPrimitives.Add(priorStats, blockPriorStats[b], priorStats);
        }

        var table = new double[tableLength];
        var linearTable = new double[tableLength];
        var logPriors = new double[k];
        var skills = oneCoin ? new double[workerCount] : null;
        var trace = new List<double>();

        // With one task per register the E-step works on probabilities, so the M-step writes them directly: no log and no exp of the
        // table per iteration (the other paths keep the log table the scalar reference and the row-wise kernel work with).
        var linearOnly = !oneCoin && path != KernelPath.Scalar && k == ConsensusKernels.LaneCount(path, sizeof(double));
        var converged = false;
        var previous = double.NaN;
        var iterations = 0;
        for (var iteration = 1; iteration <= options.MaxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            UpdateParameters(oneCoin, linearOnly, options, k, stats, priorStats, linearOnly ? linearTable : table, logPriors, skills, path);
            if (!linearOnly)
            {
                ConsensusKernels.ExpNonPositiveRows(table, linearTable);
            }

            blocks.Run(options.MaxDegreeOfParallelism, b =>
            {
                // Each block clears its own accumulators, on its own core.
                Array.Clear(blockStats[b]);
                Array.Clear(blockPriorStats[b]);
                var first = blocks.Starts[b];
                var end = blocks.Starts[b + 1];
                blockLogLikelihood[b] = ConsensusKernels.DawidSkeneStepUnchecked(
                    codes, offsets.AsSpan(first, end - first + 1), linearOnly ? default : table, linearTable, logPriors, goldLabels is null ? default : goldLabels.AsSpan(first, end - first), k, default, blockStats[b], blockPriorStats[b], path);
            });

            // Fixed-order reduction into block 0: identical whatever the thread count.
            var logLikelihood = blockLogLikelihood[0];
            for (var b = 1; b < blocks.Count; b++)
            {
                TensorPrimitives.Add(stats, blockStats[b], stats);
                TensorPrimitives.Add(priorStats, blockPriorStats[b], priorStats);
                logLikelihood += blockLogLikelihood[b];
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
                linearOnly ? default : table,
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

    /// <summary>Adds each task's vote shares (one-hot for gold, uniform without labels) to the rows of its labels and to the prior sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per aggregation over every label
    private static void AddVoteShareStatistics(
        int[] offsets, int[] votes, int[] codes, int[]? gold, int k, int first, int end, double[] stats, double[] priorStats)
    {
        if (k == Vector256<double>.Count && Vector256.IsHardwareAccelerated)
        {
            AddVoteShareStatisticsFourClasses(offsets, votes, codes, gold, first, end, stats, priorStats);
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
                var row = codes[i] * k;
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
        int[] offsets, int[] votes, int[] codes, int[]? gold, int first, int end, double[] stats, double[] priorStats)
    {
        ref var statRef = ref MemoryMarshal.GetArrayDataReference(stats);
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
                ref var stat = ref Unsafe.Add(ref statRef, Unsafe.Add(ref codeRef, i) * 4);
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

    /// <summary>The M-step: log priors and the likelihood table (log, or linear when <paramref name="linear"/>) from the accumulated statistics.</summary>
    private static void UpdateParameters(
        bool oneCoin, bool linear, DawidSkeneOptions options, int k, double[] stats, double[] priorStats, double[] table, double[] logPriors, double[]? skills, KernelPath path)
    {
        var alpha = options.Smoothing;
        var logFloor = Math.Log(options.MinProbability);
        var priorTotal = (k * alpha) + TensorPrimitives.Sum(priorStats);
        for (var c = 0; c < k; c++)
        {
            var p = priorTotal > 0 ? (priorStats[c] + alpha) / priorTotal : 1.0 / k;
            logPriors[c] = Math.Max(Math.Log(p), logFloor);
        }

        if (!oneCoin && linear)
        {
            ConsensusKernels.ConfusionProbabilitiesUnchecked(stats, k, alpha, Math.Min(options.MinProbability, 1.0 / k), table, path);
            return;
        }

        if (!oneCoin)
        {
            ConsensusKernels.ConfusionLogProbabilitiesUnchecked(stats, k, alpha, Math.Min(options.MinProbability, 1.0 / k), table, path);
            return;
        }

        var kk = k * k;
        for (var w = 0; w < skills!.Length; w++)
        {
            var block = stats.AsSpan(w * kk, kk);
            var correct = 0.0;
            for (var l = 0; l < k; l++)
            {
                correct += block[(l * k) + l];
            }

            var total = TensorPrimitives.Sum(block) + (2 * alpha);
            var skill = total > 0 ? (correct + alpha) / total : 1.0 / k;
            skills[w] = skill;
            var logRight = Math.Max(Math.Log(skill), logFloor);
            var logWrong = k == 1 ? 0 : Math.Max(Math.Log((1 - skill) / (k - 1)), logFloor);
            var rows = table.AsSpan(w * kk, kk);
            rows.Fill(logWrong);
            for (var l = 0; l < k; l++)
            {
                rows[(l * k) + l] = k == 1 ? 0 : logRight;
            }
        }
    }

    /// <summary>Turns the table [w, l, c] (log, or linear when <paramref name="linear"/>) into confusion matrices [w, c, l], each row renormalised after the floor.</summary>
    private static double[] ConfusionFromTable(double[] table, bool linear, int workerCount, int k)
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
