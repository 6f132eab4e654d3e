// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;

namespace TokenLabeling.Consensus.Models;

/// <summary>
/// Worker Agreement With Aggregate: a majority vote, then each worker's share of labels that agree with it, then a majority vote
/// weighted by those shares.
/// </summary>
/// <remarks>
/// <para>One pass, no iterations. Gold tasks are the reference for the agreement step wherever they are known, so a worker who
/// answered gold tasks is judged on them as well as on the majority.</para>
/// <para>Ties in either vote follow <see cref="TieBreak"/> (by default the lower class id), never the order in which labels were stored.</para>
/// <para>The result carries the agreement shares as worker skills and soft-count confusion matrices (posterior mass per answered
/// class, with <see cref="ConfusionSmoothing"/> added to each cell).</para>
/// </remarks>
public sealed class Wawa : ILabelAggregator
{
    /// <summary>The pseudo-count added to every cell of the reported confusion matrices.</summary>
    public const double ConfusionSmoothing = 0.5;

    /// <summary>Initializes the model.</summary>
    /// <param name="tieBreak">How exact ties in a vote are resolved.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tieBreak"/> is not a defined value.</exception>
    public Wawa(TieBreaking tieBreak = TieBreaking.LowestClassId)
    {
        if (!Enum.IsDefined(tieBreak))
        {
            throw new ArgumentOutOfRangeException(nameof(tieBreak), tieBreak, "Unknown tie-break rule.");
        }

        TieBreak = tieBreak;
    }

    /// <summary>Gets how exact ties in a vote are resolved.</summary>
    public TieBreaking TieBreak { get; }

    /// <inheritdoc/>
    public string Name => "wawa";

    /// <inheritdoc/>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public AggregationResult Aggregate(AnnotationSet annotations, GoldLabels? gold = null, IProgress<AggregationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var goldLabels = ModelMath.CheckInputs(annotations, gold, Name);
        cancellationToken.ThrowIfCancellationRequested();
        var k = annotations.ClassCount;
        var frequencies = ModelMath.LabelFrequencies(annotations);
        var order = ModelMath.TieBreakOrder(TieBreak, frequencies);
        var posteriors = new double[annotations.TaskCount * k];
        ModelMath.WeightedVote(annotations, default, frequencies, goldLabels, posteriors);
        var majority = ModelMath.ArgMax(annotations, posteriors, order, goldLabels);

        var skills = new double[annotations.WorkerCount];
        ModelMath.Agreement(annotations, majority, skills);
        cancellationToken.ThrowIfCancellationRequested();

        ModelMath.WeightedVote(annotations, skills, frequencies, goldLabels, posteriors);
        var labels = ModelMath.ArgMax(annotations, posteriors, order, goldLabels);
        var priors = ModelMath.MeanPosterior(annotations, posteriors, goldLabels);
        var confusion = ModelMath.EmpiricalConfusion(annotations, posteriors, ConfusionSmoothing);
        return new AggregationResult(Name, k, labels, posteriors, priors, skills, confusion, 0, true, Array.Empty<double>());
    }
}
