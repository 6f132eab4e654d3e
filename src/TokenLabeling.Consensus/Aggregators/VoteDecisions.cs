// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;

namespace TokenLabeling.Consensus.Aggregators;

/// <summary>Shared pieces of the voting aggregators: gold checks, tie-breaking, per-worker agreement.</summary>
internal static class VoteDecisions
{
    /// <summary>Checks gold labels against a set and returns their entries (empty when none).</summary>
    public static int[]? CheckGold(AnnotationSet annotations, GoldLabels? gold, string method)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (gold is null)
        {
            return null;
        }

        if (gold.Labels.Length != annotations.TaskCount)
        {
            throw new ArgumentException($"{method}: the gold labels cover {gold.Labels.Length} tasks but the set has {annotations.TaskCount}.", nameof(gold));
        }

        if (gold.ClassCount != annotations.ClassCount)
        {
            throw new ArgumentException($"{method}: the gold labels have {gold.ClassCount} classes but the set has {annotations.ClassCount}.", nameof(gold));
        }

        return gold.KnownCount == 0 ? null : gold.Labels.ToArray();
    }

    /// <summary>Picks the winning class of one row of votes: the maximum, ties broken by the rule.</summary>
    public static int Pick<T>(ReadOnlySpan<T> row, MajorityVoteTieBreaking rule, ulong seed, AnnotationSet set, int task)
        where T : struct, System.Numerics.INumber<T>
    {
        var best = 0;
        var ties = 1;
        for (var c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best])
            {
                best = c;
                ties = 1;
            }
            else if (row[c] == row[best])
            {
                ties++;
            }
        }

        if (ties == 1 || rule == MajorityVoteTieBreaking.LowestClassId)
        {
            return best;
        }

        var pick = (int)(TaskHash(set.TaskIds.Format(task), seed) % (ulong)ties);
        for (var c = best; c < row.Length; c++)
        {
            if (row[c] == row[best] && pick-- == 0)
            {
                return c;
            }
        }

        return best;
    }

    /// <summary>FNV-1a over the UTF-16 code units of the id, finished with a SplitMix64 round keyed by the seed.</summary>
    public static ulong TaskHash(string id, ulong seed)
    {
        var h = 14695981039346656037UL;
        foreach (var ch in id)
        {
            h = (h ^ ch) * 1099511628211UL;
        }

        var z = h + seed + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Returns each worker's share of labels equal to the chosen label of their task (0 for a worker without labels).</summary>
    /// <remarks>Counts are integers per task block, summed afterwards, so the result is the same on any number of threads.</remarks>
    public static double[] AgreementWithLabels(AnnotationSet set, ReadOnlySpan<int> chosen, int maxDegreeOfParallelism = -1)
    {
        var labels = set.LabelArray;
        var workers = set.WorkerArray;
        var offsets = set.TaskOffsetArray;
        var chosenArray = chosen.ToArray();
        var blocks = TaskBlocks.For(offsets, labels.Length);
        if ((long)set.WorkerCount * blocks.Count * 4 > labels.Length)
        {
            blocks = TaskBlocks.Single(set.TaskCount); // per-block counters would outweigh the labels
        }

        // Per worker: labels in the low 32 bits, agreeing labels in the high 32 bits (one add per label).
        var tallies = new long[blocks.Count][];
        blocks.Run(maxDegreeOfParallelism, b => tallies[b] = TallyAgreement(labels, workers, offsets, chosenArray, blocks.Starts[b], blocks.Starts[b + 1], set.WorkerCount));

        var agree = new double[set.WorkerCount];
        for (var w = 0; w < agree.Length; w++)
        {
            long total = 0, agreeing = 0;
            for (var b = 0; b < tallies.Length; b++)
            {
                total += tallies[b][w] & uint.MaxValue;
                agreeing += tallies[b][w] >> 32;
            }

            agree[w] = total > 0 ? (double)agreeing / total : 0;
        }

        return agree;
    }

    /// <summary>Per worker, over tasks <paramref name="first"/>..<paramref name="end"/>: labels in the low 32 bits, labels equal to the task's chosen label in the high 32 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per result, when first read: tier 0 would run it slowly
    private static long[] TallyAgreement(int[] labels, int[] workers, int[] offsets, int[] chosen, int first, int end, int workerCount)
    {
        var tally = new long[workerCount];
        for (var t = first; t < end; t++)
        {
            var label = chosen[t];
            for (var i = offsets[t]; i < offsets[t + 1]; i++)
            {
                tally[workers[i]] += 1 + ((long)(labels[i] == label ? 1 : 0) << 32); // no branch: agreement is not predictable
            }
        }

        return tally;
    }

    /// <summary>Returns the mean posterior row over the tasks that have labels or gold (uniform when there are none).</summary>
    public static double[] MeanPosterior(AnnotationSet set, ReadOnlySpan<double> posteriors, ReadOnlySpan<int> labels)
    {
        var k = set.ClassCount;
        var mean = new double[k];
        var n = 0;
        for (var t = 0; t < set.TaskCount; t++)
        {
            if (labels[t] < 0)
            {
                continue;
            }

            n++;
            for (var c = 0; c < k; c++)
            {
                mean[c] += posteriors[(t * k) + c];
            }
        }

        for (var c = 0; c < k; c++)
        {
            mean[c] = n > 0 ? mean[c] / n : 1.0 / k;
        }

        return mean;
    }
}
