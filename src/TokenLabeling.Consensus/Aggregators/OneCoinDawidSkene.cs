// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Aggregators;

/// <summary>
/// One-coin Dawid-Skene: every worker has a single skill <c>s</c>, answering the true class with probability <c>s</c> and each other class
/// with probability <c>(1 − s) / (K − 1)</c>; skills, priors and true classes are estimated by expectation-maximisation.
/// </summary>
/// <remarks>
/// <para>Same initialisation, stopping rule, gold clamping, log-space computation and deterministic parallel split as
/// <see cref="DawidSkene"/> (it runs the same fused kernel). The skill update is <c>s = (expected correct + α) / (labels + 2α)</c> with
/// α = <see cref="DawidSkeneOptions.Smoothing"/>. The reported confusion matrices are those implied by the skills.</para>
/// </remarks>
public sealed class OneCoinDawidSkene : ILabelAggregator
{
    /// <summary>Initializes the aggregator.</summary>
    /// <param name="options">The options; <see langword="null"/> for <see cref="DawidSkeneOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="PlatformNotSupportedException">The forced kernel path is not accelerated here.</exception>
    public OneCoinDawidSkene(DawidSkeneOptions? options = null)
    {
        Options = options ?? DawidSkeneOptions.Default;
        Options.Validate(nameof(options));
    }

    /// <summary>Gets the options.</summary>
    public DawidSkeneOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "onecoin-ds";

    /// <inheritdoc/>
    public AggregationResult Aggregate(AnnotationSet annotations, GoldLabels? gold = null, IProgress<AggregationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        DawidSkeneEngine.Run(Name, oneCoin: true, Options, annotations, gold, progress, cancellationToken);

    /// <summary>Runs the model and reports whether it met the tolerance within the iteration limit.</summary>
    /// <param name="annotations">The labels.</param>
    /// <param name="result">The result, also when the run did not converge.</param>
    /// <param name="gold">Known answers held fixed, or <see langword="null"/>.</param>
    /// <param name="progress">Receives one report per iteration, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run between iterations.</param>
    /// <returns><see langword="true"/> if the log-likelihood change fell within the tolerance.</returns>
    /// <exception cref="ArgumentException">The gold labels do not fit the set.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public bool TryAggregate(AnnotationSet annotations, out AggregationResult result, GoldLabels? gold = null, IProgress<AggregationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        result = Aggregate(annotations, gold, progress, cancellationToken);
        return result.Converged;
    }
}
