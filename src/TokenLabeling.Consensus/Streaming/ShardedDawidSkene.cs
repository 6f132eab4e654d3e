// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Streaming;

/// <summary>Options of <see cref="ShardedDawidSkene"/>.</summary>
public sealed record ShardedDawidSkeneOptions
{
    /// <summary>Gets the default options.</summary>
    public static ShardedDawidSkeneOptions Default { get; } = new();

    /// <summary>Gets the EM iteration limit. Default 100.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Gets the stopping tolerance on the change of the log-likelihood per label; 0 runs every iteration. Default 1e-7.</summary>
    public double Tolerance { get; init; } = 1e-7;

    /// <summary>Gets the M-step pseudo-count. Default <see cref="DawidSkeneModel.DefaultSmoothing"/>.</summary>
    public double Smoothing { get; init; } = DawidSkeneModel.DefaultSmoothing;

    /// <summary>Gets whether shards are processed in parallel on this machine. Default true.</summary>
    public bool Parallel { get; init; } = true;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
        ArgumentOutOfRangeException.ThrowIfNegative(Tolerance, nameof(Tolerance));
        if (!(Smoothing >= 0) || !double.IsFinite(Smoothing))
        {
            throw new ArgumentOutOfRangeException(nameof(Smoothing), Smoothing, "The smoothing pseudo-count must be finite and non-negative.");
        }
    }
}

/// <summary>The outcome of <see cref="ShardedDawidSkene.Fit"/>: the shared model and how it was reached.</summary>
/// <param name="Model">The fitted model; apply it to any shard with <see cref="DawidSkeneModel.ToResult"/>.</param>
/// <param name="Statistics">The merged statistics the model was made from.</param>
/// <param name="Iterations">The EM iterations run.</param>
/// <param name="Converged">Whether the tolerance was met.</param>
/// <param name="LogLikelihoodTrace">The total log-likelihood after each iteration.</param>
public sealed record ShardedDawidSkeneFit(DawidSkeneModel Model, DawidSkeneStatistics Statistics, int Iterations, bool Converged, IReadOnlyList<double> LogLikelihoodTrace);

/// <summary>
/// Dawid-Skene EM over a set split by task into shards: each iteration sends the model to every shard, each shard returns its
/// statistics (<see cref="DawidSkeneModel.Expect"/>), and their sum is the next model.
/// </summary>
/// <remarks>
/// <para>Because the statistics are sums over tasks, a sharded fit is the single-machine fit: posteriors agree to within the
/// floating-point reordering of the sums (relative differences of order 1e-12 per iteration; the tests hold them to 1e-9 after
/// 50 iterations). The shards' work can run anywhere: only <see cref="DawidSkeneModel"/> goes out and
/// <see cref="DawidSkeneStatistics"/> comes back.</para>
/// <para>EM starts from majority-vote posteriors (vote shares, gold clamped). Worker indices must be global across shards.</para>
/// </remarks>
public static class ShardedDawidSkene
{
    /// <summary>Fits Dawid-Skene to shards of tasks.</summary>
    /// <param name="shards">The shards: sets over disjoint tasks with the same class count and a shared worker numbering.</param>
    /// <param name="gold">Known answers per shard (same order; entries may be <see langword="null"/>), or <see langword="null"/>.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives one report per iteration.</param>
    /// <param name="cancellationToken">Stops between iterations.</param>
    /// <returns>The fit.</returns>
    /// <exception cref="ArgumentException">No shards, the class counts differ (the message names the shard), or gold does not fit its shard.</exception>
    public static ShardedDawidSkeneFit Fit(
        IReadOnlyList<AnnotationSet> shards,
        IReadOnlyList<GoldLabels?>? gold = null,
        ShardedDawidSkeneOptions? options = null,
        IProgress<AggregationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shards);
        options ??= ShardedDawidSkeneOptions.Default;
        options.Validate();
        if (shards.Count == 0)
        {
            throw new ArgumentException("At least one shard is needed.", nameof(shards));
        }

        var k = shards[0].ClassCount;
        for (var s = 0; s < shards.Count; s++)
        {
            ArgumentNullException.ThrowIfNull(shards[s], $"{nameof(shards)}[{s}]");
            if (shards[s].ClassCount != k)
            {
                throw new ArgumentException($"Shard {s} has {shards[s].ClassCount} classes; shard 0 has {k}.", nameof(shards));
            }

            var g = gold is null || s >= gold.Count ? null : gold[s];
            if (g is not null && (g.Labels.Length != shards[s].TaskCount || g.ClassCount != k))
            {
                throw new ArgumentException($"The gold labels of shard {s} cover {g.Labels.Length} tasks and {g.ClassCount} classes; the shard has {shards[s].TaskCount} and {k}.", nameof(gold));
            }
        }

        GoldLabels? GoldOf(int s) => gold is null || s >= gold.Count ? null : gold[s];
        var labelCount = shards.Sum(s => (long)s.LabelCount);
        var parts = new DawidSkeneStatistics[shards.Count];
        var logLikelihoods = new double[shards.Count];
        ForEachShard(shards.Count, options.Parallel, s => parts[s] = MajorityStatistics(shards[s], GoldOf(s)));
        var statistics = DawidSkeneStatistics.Merge(parts);
        var trace = new List<double>();
        var previous = double.NegativeInfinity;
        var converged = false;
        var iterations = 0;
        for (var it = 1; it <= options.MaxIterations; it++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var model = statistics.ToModel(options.Smoothing);
            ForEachShard(shards.Count, options.Parallel, s => parts[s] = model.Expect(shards[s], GoldOf(s), out logLikelihoods[s]));
            statistics = DawidSkeneStatistics.Merge(parts);
            var total = logLikelihoods.Sum();
            trace.Add(total);
            iterations = it;
            progress?.Report(new AggregationProgress(it, options.MaxIterations, total, total - previous));
            if (Math.Abs(total - previous) <= options.Tolerance * Math.Max(1, labelCount))
            {
                converged = true;
                break;
            }

            previous = total;
        }

        return new ShardedDawidSkeneFit(statistics.ToModel(options.Smoothing), statistics, iterations, converged, trace);
    }

    /// <summary>Returns the statistics of a shard under majority-vote posteriors (vote shares; gold clamped), the EM start.</summary>
    internal static DawidSkeneStatistics MajorityStatistics(AnnotationSet set, GoldLabels? gold)
    {
        var k = set.ClassCount;
        var posteriors = new double[set.TaskCount * k];
        var offsets = set.TaskOffsets;
        var labels = set.Labels;
        for (var t = 0; t < set.TaskCount; t++)
        {
            var n = offsets[t + 1] - offsets[t];
            for (var i = offsets[t]; i < offsets[t + 1]; i++)
            {
                posteriors[(t * k) + labels[i]] += 1.0 / n;
            }

            if (gold is not null && gold.Labels[t] >= 0)
            {
                posteriors.AsSpan(t * k, k).Clear();
                posteriors[(t * k) + gold.Labels[t]] = 1;
            }
        }

        return DawidSkeneStatistics.FromPosteriors(set, posteriors);
    }

    private static void ForEachShard(int count, bool parallel, Action<int> body)
    {
        if (parallel && count > 1)
        {
            System.Threading.Tasks.Parallel.For(0, count, body);
        }
        else
        {
            for (var s = 0; s < count; s++)
            {
                body(s);
            }
        }
    }
}
