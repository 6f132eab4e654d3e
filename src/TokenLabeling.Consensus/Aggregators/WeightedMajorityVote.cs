// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Kernels;

namespace TokenLabeling.Consensus.Aggregators;

/// <summary>Options of <see cref="WeightedMajorityVote"/>.</summary>
public sealed record WeightedMajorityVoteOptions
{
    /// <summary>Gets the default options: weights estimated from the data, lowest class id wins ties.</summary>
    public static WeightedMajorityVoteOptions Default { get; } = new();

    /// <summary>
    /// Gets one non-negative weight per worker (by dense worker index), or empty to estimate the weights from the data
    /// (see <see cref="WeightedMajorityVote"/>). Default: empty.
    /// </summary>
    public ReadOnlyMemory<double> WorkerWeights { get; init; }

    /// <summary>Gets how exact ties are resolved. Default: <see cref="MajorityVoteTieBreaking.LowestClassId"/>.</summary>
    public MajorityVoteTieBreaking TieBreaking { get; init; } = MajorityVoteTieBreaking.LowestClassId;

    /// <summary>Gets the seed of <see cref="MajorityVoteTieBreaking.SeededHash"/>. Default: 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Gets the kernel path (forced paths are for tests and benchmarks). Default: <see cref="KernelPath.Auto"/>.</summary>
    public KernelPath KernelPath { get; init; } = KernelPath.Auto;
}

/// <summary>Weighted majority vote: each label counts with its worker's weight; the posterior is each class's share of the weight.</summary>
/// <remarks>
/// <para>With explicit <see cref="WeightedMajorityVoteOptions.WorkerWeights"/> those are used as given. Otherwise the weights are estimated in
/// one extra pass: a plain majority vote, then each worker's agreement <c>a</c> with it (Laplace-smoothed, <c>(agree + 1) / (n + 2)</c>),
/// then the one-coin log-odds weight <c>log((K − 1) a / (1 − a))</c>, floored at 0 so that workers at or below chance are ignored.
/// Under a one-coin model with known accuracies these weights make the weighted vote the most likely label.</para>
/// <para>A task whose labels all carry weight 0 falls back to the unweighted vote. Tasks without labels get -1 and a uniform
/// posterior; gold tasks are clamped. The weights used are returned as <see cref="AggregationResult.WorkerSkills"/>.</para>
/// </remarks>
public sealed class WeightedMajorityVote : ILabelAggregator
{
    /// <summary>Initializes the aggregator.</summary>
    /// <param name="options">The options; <see langword="null"/> for <see cref="WeightedMajorityVoteOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">A weight is negative or not finite (the message names the worker).</exception>
    public WeightedMajorityVote(WeightedMajorityVoteOptions? options = null)
    {
        Options = options ?? WeightedMajorityVoteOptions.Default;
        var weights = Options.WorkerWeights.Span;
        for (var w = 0; w < weights.Length; w++)
        {
            if (!double.IsFinite(weights[w]) || weights[w] < 0)
            {
                throw new ArgumentException($"The weight of worker index {w} is {weights[w]}; weights must be finite and non-negative.", nameof(options));
            }
        }
    }

    /// <summary>Gets the options.</summary>
    public WeightedMajorityVoteOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "wmv";

    /// <inheritdoc/>
    public AggregationResult Aggregate(AnnotationSet annotations, GoldLabels? gold = null, IProgress<AggregationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var goldLabels = VoteDecisions.CheckGold(annotations, gold, Name);
        var k = annotations.ClassCount;
        double[] weights;
        if (Options.WorkerWeights.IsEmpty)
        {
            var majority = new MajorityVote(new MajorityVoteOptions { TieBreaking = Options.TieBreaking, Seed = Options.Seed, KernelPath = Options.KernelPath })
                .Aggregate(annotations, gold, null, cancellationToken);
            weights = EstimateWeights(annotations, majority.Labels);
        }
        else
        {
            if (Options.WorkerWeights.Length != annotations.WorkerCount)
            {
                throw new ArgumentException($"{Name}: {Options.WorkerWeights.Length} worker weights given but the set has {annotations.WorkerCount} workers.", nameof(annotations));
            }

            weights = Options.WorkerWeights.ToArray();
        }

        cancellationToken.ThrowIfCancellationRequested();
        var taskCount = annotations.TaskCount;
        var posteriors = new double[taskCount * k];
        ConsensusKernels.TallyWeightedVotesUnchecked(
            annotations.Labels, annotations.Workers, weights, annotations.TaskOffsets, k, posteriors, ConsensusKernels.ResolveRowPath(Options.KernelPath, k, sizeof(double)));
        var labels = new int[taskCount];
        var offsets = annotations.TaskOffsets;
        var votes = annotations.Labels;
        for (var t = 0; t < taskCount; t++)
        {
            var row = posteriors.AsSpan(t * k, k);
            var total = 0.0;
            foreach (var v in row)
            {
                total += v;
            }

            if (total <= 0)
            {
                // No weight on this task: plain vote shares (uniform when it has no labels at all).
                row.Clear();
                var n = offsets[t + 1] - offsets[t];
                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    row[votes[i]] += 1.0 / n;
                }

                if (n == 0)
                {
                    row.Fill(1.0 / k);
                    labels[t] = -1;
                    continue;
                }
            }
            else
            {
                var scale = 1.0 / total;
                for (var c = 0; c < k; c++)
                {
                    row[c] *= scale;
                }
            }

            labels[t] = VoteDecisions.Pick<double>(row, Options.TieBreaking, Options.Seed, annotations, t);
        }

        MajorityVote.ClampGold(goldLabels, k, labels, posteriors);
        var priors = VoteDecisions.MeanPosterior(annotations, posteriors, labels);
        return new AggregationResult(Name, k, labels, posteriors, priors, weights, (double[]?)null, 0, true, Array.Empty<double>());
    }

    /// <summary>One-coin log-odds weights from each worker's smoothed agreement with a reference labelling, floored at 0.</summary>
    internal static double[] EstimateWeights(AnnotationSet set, ReadOnlySpan<int> reference)
    {
        var k = set.ClassCount;
        var agree = new double[set.WorkerCount];
        var total = new double[set.WorkerCount];
        var tasks = set.Tasks;
        var workers = set.Workers;
        var labels = set.Labels;
        for (var i = 0; i < labels.Length; i++)
        {
            total[workers[i]]++;
            if (reference[tasks[i]] == labels[i])
            {
                agree[workers[i]]++;
            }
        }

        var weights = new double[set.WorkerCount];
        for (var w = 0; w < weights.Length; w++)
        {
            var a = (agree[w] + 1) / (total[w] + 2);
            weights[w] = k == 1 ? 1 : Math.Max(0, Math.Log((k - 1) * a / (1 - a)));
        }

        return weights;
    }
}
