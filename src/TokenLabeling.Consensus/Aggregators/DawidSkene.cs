// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Aggregators;

/// <summary>
/// Dawid-Skene (1979): every worker has a full K × K confusion matrix; the true classes, the class priors and the matrices are
/// estimated together by expectation-maximisation.
/// </summary>
/// <remarks>
/// <para>Initialised from majority-vote shares (gold tasks one-hot). Each iteration rebuilds the priors and confusion matrices from
/// the expected counts (with <see cref="DawidSkeneOptions.Smoothing"/> pseudo-counts and the <see cref="DawidSkeneOptions.MinProbability"/>
/// floor), then computes every posterior and the true log-likelihood of the labels, <c>Σ_t log Σ_c π_c Π_i θ[w_i, c, l_i]</c>, in one fused pass
/// (<see cref="Kernels.ConsensusKernels.DawidSkeneStep"/>). The run stops when the log-likelihood changes by at most
/// <see cref="DawidSkeneOptions.Tolerance"/>, or after <see cref="DawidSkeneOptions.MaxIterations"/>.</para>
/// <para>Unlike crowd-kit's implementation, the stopping rule uses the true log-likelihood (which counts the prior once per task), so it
/// does not stop early while the likelihood is still rising. Everything runs in log space with the maximum subtracted: no NaN.</para>
/// <para>Gold tasks are clamped to their known class throughout. Ties in the final argmax go to the lowest class id. Large sets are
/// split into task blocks that run on all cores; the split and the reduction order depend only on the data, so results are
/// bit-identical whatever the thread count.</para>
/// <para>Worker skill is the expected accuracy <c>Σ_c π_c θ[w, c, c]</c>.</para>
/// </remarks>
public sealed class DawidSkene : ILabelAggregator
{
    /// <summary>Initializes the aggregator.</summary>
    /// <param name="options">The options; <see langword="null"/> for <see cref="DawidSkeneOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="PlatformNotSupportedException">The forced kernel path is not accelerated here.</exception>
    public DawidSkene(DawidSkeneOptions? options = null)
    {
        Options = options ?? DawidSkeneOptions.Default;
        Options.Validate(nameof(options));
    }

    /// <summary>Gets the options.</summary>
    public DawidSkeneOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "ds";

    /// <inheritdoc/>
    public AggregationResult Aggregate(AnnotationSet annotations, GoldLabels? gold = null, IProgress<AggregationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        DawidSkeneEngine.Run(Name, oneCoin: false, Options, annotations, gold, progress, cancellationToken);

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
