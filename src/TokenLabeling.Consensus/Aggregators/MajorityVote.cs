// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TokenLabeling.Consensus.Kernels;

namespace TokenLabeling.Consensus.Aggregators;

/// <summary>Options of <see cref="MajorityVote"/>.</summary>
public sealed record MajorityVoteOptions
{
    /// <summary>Gets the default options: lowest class id wins ties, widest kernel path, all cores.</summary>
    public static MajorityVoteOptions Default { get; } = new();

    /// <summary>Gets how exact ties are resolved. Default: <see cref="MajorityVoteTieBreaking.LowestClassId"/>.</summary>
    public MajorityVoteTieBreaking TieBreaking { get; init; } = MajorityVoteTieBreaking.LowestClassId;

    /// <summary>Gets the seed of <see cref="MajorityVoteTieBreaking.SeededHash"/> (ignored otherwise). Default: 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Gets the kernel path (forced paths are for tests and benchmarks). Default: <see cref="KernelPath.Auto"/>.</summary>
    public KernelPath KernelPath { get; init; } = KernelPath.Auto;

    /// <summary>Gets the most threads used on large sets; -1 for all cores. The result never depends on it. Default: -1.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

/// <summary>Majority vote: each task gets the class most of its labels name, and the vote shares as its posterior.</summary>
/// <remarks>
/// <para>Ties go to the lowest class id by default (<see cref="MajorityVoteTieBreaking"/>). Tasks without labels get label -1 and a
/// uniform posterior. Gold tasks are clamped to their known class. Worker skills are each worker's share of labels that agree with
/// the final labels; no confusion matrices are estimated.</para>
/// <para>Vote counting runs on the <see cref="ConsensusKernels.CountVotes"/> kernel, split over cores in task blocks on large sets.</para>
/// </remarks>
public sealed class MajorityVote : ILabelAggregator
{
    private const int ChunkTasks = 2048;

    /// <summary>Initializes the aggregator.</summary>
    /// <param name="options">The options; <see langword="null"/> for <see cref="MajorityVoteOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public MajorityVote(MajorityVoteOptions? options = null)
    {
        Options = options ?? MajorityVoteOptions.Default;
        if (!Enum.IsDefined(Options.TieBreaking))
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.TieBreaking, "Unknown tie-break rule.");
        }

        if (Options.MaxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be -1 or at least 1.");
        }
    }

    /// <summary>Gets the options.</summary>
    public MajorityVoteOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "mv";

    /// <inheritdoc/>
    public AggregationResult Aggregate(AnnotationSet annotations, GoldLabels? gold = null, IProgress<AggregationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var goldLabels = VoteDecisions.CheckGold(annotations, gold, Name);
        cancellationToken.ThrowIfCancellationRequested();
        var k = annotations.ClassCount;
        var taskCount = annotations.TaskCount;
        var workerCount = annotations.WorkerCount;
        var path = ConsensusKernels.ResolveRowPath(Options.KernelPath, k, sizeof(int));

        // K ≤ 4 keeps a task's counts in one 128-bit register with the unused lanes masked, so it takes any vector path, also when
        // K is below the lane count (binary labels).
        var smallClassCount = k <= Vector128<int>.Count && Avx.IsSupported && KernelPaths.Resolve(Options.KernelPath) != KernelPath.Scalar;
        if (goldLabels is null && smallClassCount)
        {
            return LabelsFirst(annotations, k, path);
        }

        var labels = GC.AllocateUninitializedArray<int>(taskCount);
        var posteriors = GC.AllocateUninitializedArray<double>(taskCount * k);
        var offsets = annotations.TaskOffsetArray;
        var votes = annotations.LabelArray;
        var workers = annotations.WorkerArray;
        var blocks = TaskBlocks.For(offsets, votes.Length);

        // Worker agreement is counted in the same pass when per-block counters are small next to the labels; otherwise afterwards.
        var fusedSkills = goldLabels is null && (long)workerCount * blocks.Count * 4 <= votes.Length;
        // Per worker: labels in the low 32 bits, labels agreeing with the chosen label in the high 32 bits (one add per label).
        var blockTally = new long[blocks.Count][];
        var blockPrior = new double[blocks.Count][];
        var blockLabelled = new int[blocks.Count];
        blocks.Run(Options.MaxDegreeOfParallelism, b =>
        {
            var counts = new int[ChunkTasks * k];
            var prior = blockPrior[b] = new double[k];
            var tally = fusedSkills ? blockTally[b] = new long[workerCount] : null;
            if (smallClassCount)
            {
                blockLabelled[b] = DecideSmallClassCount(annotations, blocks.Starts[b], blocks.Starts[b + 1], k, labels, posteriors, prior, tally);
                return;
            }

            for (var first = blocks.Starts[b]; first < blocks.Starts[b + 1]; first += ChunkTasks)
            {
                var n = Math.Min(ChunkTasks, blocks.Starts[b + 1] - first);
                ConsensusKernels.CountVotesUnchecked(votes, offsets.AsSpan(first, n + 1), k, counts, path);
                blockLabelled[b] += Decide(annotations, counts, first, n, k, labels, posteriors, prior);
                if (tally is not null)
                {
                    for (var t = first; t < first + n; t++)
                    {
                        var chosen = labels[t];
                        for (var i = offsets[t]; i < offsets[t + 1]; i++)
                        {
                            tally[workers[i]] += 1 + ((long)(votes[i] == chosen ? 1 : 0) << 32); // no branch: agreement is not predictable
                        }
                    }
                }
            }
        });

        double[] skills;
        if (fusedSkills)
        {
            skills = new double[workerCount];
            for (var w = 0; w < workerCount; w++)
            {
                long a = 0, n = 0;
                for (var b = 0; b < blocks.Count; b++)
                {
                    a += blockTally[b][w] >> 32;
                    n += blockTally[b][w] & uint.MaxValue;
                }

                skills[w] = n > 0 ? (double)a / n : 0;
            }
        }
        else
        {
            ClampGold(goldLabels, k, labels, posteriors);
            skills = VoteDecisions.AgreementWithLabels(annotations, labels);
        }

        var priors = goldLabels is null ? PriorsFromBlocks(blockPrior, blockLabelled, k) : VoteDecisions.MeanPosterior(annotations, posteriors, labels);

        return new AggregationResult(Name, k, labels, posteriors, priors, skills, (double[]?)null, 0, true, Array.Empty<double>());
    }

    /// <summary>
    /// The labels-first path (K ≤ 4, no gold): one pass over the labels computes the labels and the class priors; the posteriors
    /// (vote shares) and the worker agreement are computed from the set when first read, so a caller that wants only the labels
    /// never pays for writing T × K doubles or for a second walk over the worker column.
    /// </summary>
    private AggregationResult LabelsFirst(AnnotationSet annotations, int k, KernelPath path)
    {
        var labels = GC.AllocateUninitializedArray<int>(annotations.TaskCount);
        var blocks = TaskBlocks.For(annotations.TaskOffsetArray, annotations.LabelCount);
        var blockPrior = new double[blocks.Count][];
        var blockLabelled = new int[blocks.Count];
        blocks.Run(Options.MaxDegreeOfParallelism, b =>
        {
            blockPrior[b] = new double[k];
            blockLabelled[b] = DecideSmallClassCount(annotations, blocks.Starts[b], blocks.Starts[b + 1], k, labels, null, blockPrior[b], null);
        });

        var priors = PriorsFromBlocks(blockPrior, blockLabelled, k);
        var maxDegree = Options.MaxDegreeOfParallelism;
        return new AggregationResult(
            Name,
            k,
            labels,
            () => VoteShares(annotations, blocks, k, path, maxDegree),
            priors,
            () => VoteDecisions.AgreementWithLabels(annotations, labels, maxDegree));
    }

    /// <summary>The mean vote share over the labelled tasks, from per-block sums added in block order (uniform when no task has labels).</summary>
    private static double[] PriorsFromBlocks(double[][] blockPrior, int[] blockLabelled, int k)
    {
        var priors = new double[k];
        var labelled = 0;
        for (var b = 0; b < blockPrior.Length; b++)
        {
            labelled += blockLabelled[b];
            for (var c = 0; c < k; c++)
            {
                priors[c] += blockPrior[b][c];
            }
        }

        for (var c = 0; c < k; c++)
        {
            priors[c] = labelled > 0 ? priors[c] / labelled : 1.0 / k;
        }

        return priors;
    }

    /// <summary>Every task's vote shares (uniform for a task without labels), task-major T × K.</summary>
    private static double[] VoteShares(AnnotationSet annotations, TaskBlocks blocks, int k, KernelPath path, int maxDegreeOfParallelism)
    {
        var posteriors = GC.AllocateUninitializedArray<double>(annotations.TaskCount * k);
        var offsets = annotations.TaskOffsetArray;
        var votes = annotations.LabelArray;
        blocks.Run(maxDegreeOfParallelism, b => VoteSharesOfBlock(votes, offsets, blocks.Starts[b], blocks.Starts[b + 1], k, path, posteriors));

        return posteriors;
    }

    /// <summary>The vote shares of tasks <paramref name="first"/>..<paramref name="end"/>, chunk by chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per result, when first read: tier 0 would run it slowly
    private static void VoteSharesOfBlock(int[] votes, int[] offsets, int first, int end, int k, KernelPath path, double[] posteriors)
    {
        var counts = new int[ChunkTasks * k];
        for (var chunk = first; chunk < end; chunk += ChunkTasks)
        {
            var n = Math.Min(ChunkTasks, end - chunk);
            ConsensusKernels.CountVotesUnchecked(votes, offsets.AsSpan(chunk, n + 1), k, counts, path);
            for (var j = 0; j < n; j++)
            {
                var t = chunk + j;
                var total = offsets[t + 1] - offsets[t];
                var row = posteriors.AsSpan(t * k, k);
                if (total == 0)
                {
                    row.Fill(1.0 / k);
                    continue;
                }

                var scale = 1.0 / total;
                for (var c = 0; c < k; c++)
                {
                    row[c] = counts[(j * k) + c] * scale;
                }
            }
        }
    }

    internal static void ClampGold(int[]? gold, int k, int[] labels, double[] posteriors)
    {
        if (gold is null)
        {
            return;
        }

        for (var t = 0; t < gold.Length; t++)
        {
            if (gold[t] >= 0)
            {
                var row = posteriors.AsSpan(t * k, k);
                row.Clear();
                row[gold[t]] = 1;
                labels[t] = gold[t];
            }
        }
    }

    /// <summary>
    /// The fused path for K ≤ 4: each task's counts stay in one 128-bit register, the winner comes from a compare mask (lowest set bit),
    /// the vote shares are widened to doubles in one instruction and added to the prior sums (reciprocals of small label counts come
    /// from a table: the same values as dividing, without a division per task). The posterior rows are written and worker agreement is
    /// counted only when <paramref name="posteriors"/> and <paramref name="tally"/> are given (the labels-first path passes neither).
    /// Branch-free except for ties under <see cref="MajorityVoteTieBreaking.SeededHash"/>.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one long loop per block: the tier-0 and on-stack-replacement versions ran it 3x slower
    private int DecideSmallClassCount(AnnotationSet set, int first, int end, int k, int[] labels, double[]? posteriors, double[] priorSums, long[]? tally)
    {
        var seeded = Options.TieBreaking != MajorityVoteTieBreaking.LowestClassId;
        if (posteriors is null && tally is null && !seeded)
        {
            return DecideLabelsOnly(set.LabelArray, set.TaskOffsetArray, first, end, k, labels, priorSums);
        }

        ref var vote = ref MemoryMarshal.GetArrayDataReference(set.LabelArray);
        ref var worker = ref MemoryMarshal.GetArrayDataReference(set.WorkerArray);
        ref var offset = ref MemoryMarshal.GetArrayDataReference(set.TaskOffsetArray);
        ref var label = ref MemoryMarshal.GetArrayDataReference(labels);
        var classMask = (1u << k) - 1;
        Span<double> reciprocal = stackalloc double[64];
        for (var n = 1; n < reciprocal.Length; n++)
        {
            reciprocal[n] = 1.0 / n;
        }

        Span<int> countSpill = stackalloc int[Vector128<int>.Count];
        Span<double> postSpill = stackalloc double[Vector256<double>.Count];
        var priorAcc = Vector256<double>.Zero;
        var labelled = 0;
        var next = Unsafe.Add(ref offset, first);
        for (var t = first; t < end; t++)
        {
            var start = next;
            next = Unsafe.Add(ref offset, t + 1);
            var counts = Vector128<int>.Zero;
            for (var i = start; i < next; i++)
            {
                counts -= Vector128.Equals(Vector128<int>.Indices, Vector128.Create(Unsafe.Add(ref vote, i)));
            }

            var n = next - start;
            if (n == 0)
            {
                Unsafe.Add(ref label, t) = -1;
                posteriors?.AsSpan(t * k, k).Fill(1.0 / k);
                continue;
            }

            var winners = Winners(counts, classMask);
            var best = BitOperations.TrailingZeroCount(winners);
            if (seeded && (winners & (winners - 1)) != 0)
            {
                counts.StoreUnsafe(ref MemoryMarshal.GetReference(countSpill));
                best = VoteDecisions.Pick<int>(countSpill[..k], Options.TieBreaking, Options.Seed, set, t);
            }

            Unsafe.Add(ref label, t) = best;
            labelled++;
            var row = Avx.ConvertToVector256Double(counts) * Vector256.Create(n < reciprocal.Length ? reciprocal[n] : 1.0 / n);
            priorAcc += row;
            if (posteriors is not null)
            {
                if (k == Vector256<double>.Count)
                {
                    row.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(posteriors), (nuint)(t * k));
                }
                else
                {
                    row.StoreUnsafe(ref MemoryMarshal.GetReference(postSpill));
                    postSpill[..k].CopyTo(posteriors.AsSpan(t * k, k));
                }
            }

            if (tally is not null)
            {
                for (var i = start; i < next; i++)
                {
                    tally[Unsafe.Add(ref worker, i)] += 1 + ((long)(Unsafe.Add(ref vote, i) == best ? 1 : 0) << 32); // no branch: agreement is not predictable
                }
            }
        }

        for (var c = 0; c < k; c++)
        {
            priorSums[c] += priorAcc.GetElement(c);
        }

        return labelled;
    }

    /// <summary>
    /// <see cref="DecideSmallClassCount"/> when only the labels and prior sums are wanted and ties go to the lowest class (the
    /// labels-first path's default): no per-task checks for posteriors, tallies or seeded ties, and two votes counted per step.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DecideLabelsOnly(int[] votes, int[] offsets, int first, int end, int k, int[] labels, double[] priorSums)
    {
        ref var vote = ref MemoryMarshal.GetArrayDataReference(votes);
        ref var offset = ref MemoryMarshal.GetArrayDataReference(offsets);
        ref var label = ref MemoryMarshal.GetArrayDataReference(labels);
        var classMask = (1u << k) - 1;
        Span<double> reciprocal = stackalloc double[64];
        for (var n = 1; n < reciprocal.Length; n++)
        {
            reciprocal[n] = 1.0 / n;
        }

        ref var reciprocalRef = ref MemoryMarshal.GetReference(reciprocal);
        var classes = Vector128<int>.Indices;
        var priorAcc = Vector256<double>.Zero;
        var labelled = 0;
        var next = Unsafe.Add(ref offset, first);
        for (var t = first; t < end; t++)
        {
            var start = next;
            next = Unsafe.Add(ref offset, t + 1);
            var n = next - start;
            if (n == 0)
            {
                Unsafe.Add(ref label, t) = -1;
                continue;
            }

            // Each equality is -1 in the matching lane: two labels' masks are added before one subtraction.
            var counts = Vector128<int>.Zero;
            var i = start;
            for (; i + 1 < next; i += 2)
            {
                counts -= Vector128.Equals(classes, Vector128.Create(Unsafe.Add(ref vote, i))) + Vector128.Equals(classes, Vector128.Create(Unsafe.Add(ref vote, i + 1)));
            }

            if (i < next)
            {
                counts -= Vector128.Equals(classes, Vector128.Create(Unsafe.Add(ref vote, i)));
            }

            Unsafe.Add(ref label, t) = BitOperations.TrailingZeroCount(Winners(counts, classMask));
            labelled++;
            priorAcc += Avx.ConvertToVector256Double(counts) * Vector256.Create(n < 64 ? Unsafe.Add(ref reciprocalRef, n) : 1.0 / n);
        }

        for (var c = 0; c < k; c++)
        {
            priorSums[c] += priorAcc.GetElement(c);
        }

        return labelled;
    }

    /// <summary>The classes whose count is the largest, as a bit mask (bit c for class c; lanes at or above K are masked off).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Winners(Vector128<int> counts, uint classMask)
    {
        var max = Vector128.Max(counts, Vector128.Shuffle(counts, Vector128.Create(2, 3, 0, 1)));
        max = Vector128.Max(max, Vector128.Shuffle(max, Vector128.Create(1, 0, 3, 2)));
        return Vector128.Equals(counts, max).ExtractMostSignificantBits() & classMask;
    }

    /// <summary>Labels and posteriors of one chunk of tasks from their counts; adds the posteriors to the prior sums and returns how many tasks had labels.</summary>
    private int Decide(AnnotationSet set, int[] counts, int first, int n, int k, int[] labels, double[] posteriors, double[] priorSums)
    {
        var labelled = 0;
        var offsets = set.TaskOffsets;
        var rule = Options.TieBreaking;
        for (var j = 0; j < n; j++)
        {
            var t = first + j;
            var total = offsets[t + 1] - offsets[t];
            var row = counts.AsSpan(j * k, k);
            var post = posteriors.AsSpan(t * k, k);
            if (total == 0)
            {
                labels[t] = -1;
                post.Fill(1.0 / k);
                continue;
            }

            var scale = 1.0 / total;
            var best = 0;
            var tied = false;
            for (var c = 0; c < k; c++)
            {
                post[c] = row[c] * scale;
                if (row[c] > row[best])
                {
                    best = c;
                    tied = false;
                }
                else if (c != best && row[c] == row[best])
                {
                    tied = true;
                }
            }

            labels[t] = tied && rule != MajorityVoteTieBreaking.LowestClassId
                ? VoteDecisions.Pick<int>(row, rule, Options.Seed, set, t)
                : best;
            labelled++;
            for (var c = 0; c < k; c++)
            {
                priorSums[c] += post[c];
            }
        }

        return labelled;
    }
}
