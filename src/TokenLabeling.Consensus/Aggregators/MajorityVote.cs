// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

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
        var path = ConsensusKernels.ResolveRowPath(Options.KernelPath, k, sizeof(int));
        var labels = GC.AllocateUninitializedArray<int>(taskCount);
        var posteriors = GC.AllocateUninitializedArray<double>(taskCount * k);
        var offsets = annotations.TaskOffsetArray;
        var votes = annotations.LabelArray;
        var blocks = TaskBlocks.For(offsets, votes.Length);
        blocks.Run(Options.MaxDegreeOfParallelism, b =>
        {
            var counts = new int[ChunkTasks * k];
            for (var first = blocks.Starts[b]; first < blocks.Starts[b + 1]; first += ChunkTasks)
            {
                var n = Math.Min(ChunkTasks, blocks.Starts[b + 1] - first);
                ConsensusKernels.CountVotesUnchecked(votes, offsets.AsSpan(first, n + 1), k, counts, path);
                Decide(annotations, counts, first, n, k, labels, posteriors);
            }
        });

        ClampGold(goldLabels, k, labels, posteriors);
        var skills = VoteDecisions.AgreementWithLabels(annotations, labels);
        var priors = VoteDecisions.MeanPosterior(annotations, posteriors, labels);
        return new AggregationResult(Name, k, labels, posteriors, priors, skills, (double[]?)null, 0, true, Array.Empty<double>());
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

    private void Decide(AnnotationSet set, int[] counts, int first, int n, int k, int[] labels, double[] posteriors)
    {
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
        }
    }
}
