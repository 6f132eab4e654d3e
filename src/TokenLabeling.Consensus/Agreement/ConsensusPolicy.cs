// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Agreement;

/// <summary>The decision for one item.</summary>
public enum ConsensusOutcome
{
    /// <summary>The aggregated label is accepted.</summary>
    Accepted = 0,

    /// <summary>Too few annotators or too little agreement: the item goes to review.</summary>
    NeedsReview = 1,
}

/// <summary>Which agreement figure a <see cref="ConsensusPolicy"/> compares with its threshold.</summary>
public enum ConsensusMeasure
{
    /// <summary>The aggregator's posterior probability of the chosen label (its confidence). The default.</summary>
    Posterior = 0,

    /// <summary>The share of the item's labels that name the chosen label.</summary>
    AgreementRatio = 1,
}

/// <summary>The decision for one item.</summary>
/// <param name="Task">The dense task index.</param>
/// <param name="Outcome">Accepted or needs review.</param>
/// <param name="Label">The aggregated label (-1 when the task has none).</param>
/// <param name="Agreement">The figure compared with the threshold, in [0, 1].</param>
/// <param name="Annotators">The number of labels the item received.</param>
public readonly record struct ConsensusDecision(int Task, ConsensusOutcome Outcome, int Label, double Agreement, int Annotators);

/// <summary>
/// Turns an aggregation into per-item decisions: an item is <see cref="ConsensusOutcome.Accepted"/> when it has at least
/// <see cref="MinimumAnnotators"/> labels and its agreement reaches <see cref="AgreementThreshold"/>; otherwise it needs review.
/// </summary>
public sealed record ConsensusPolicy
{
    private readonly int _minimumAnnotators = 1;
    private readonly double _agreementThreshold = 0.5;

    /// <summary>Gets the policy with the defaults: one annotator, threshold 0.5, measured on the posterior.</summary>
    public static ConsensusPolicy Default { get; } = new();

    /// <summary>Gets the fewest labels an item needs to be accepted (at least 1). Default: 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MinimumAnnotators
    {
        get => _minimumAnnotators;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _minimumAnnotators = value;
        }
    }

    /// <summary>Gets the least agreement (in [0, 1]) an item needs to be accepted. Example: 0.8. Default: 0.5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0, 1].</exception>
    public double AgreementThreshold
    {
        get => _agreementThreshold;
        init
        {
            if (!(value >= 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The agreement threshold must lie in [0, 1].");
            }

            _agreementThreshold = value;
        }
    }

    /// <summary>Gets which figure is compared with the threshold. Default: <see cref="ConsensusMeasure.Posterior"/>.</summary>
    public ConsensusMeasure Measure { get; init; } = ConsensusMeasure.Posterior;

    /// <summary>Decides one item.</summary>
    /// <param name="task">The dense task index (carried into the decision).</param>
    /// <param name="label">The aggregated label, or -1.</param>
    /// <param name="agreement">The agreement figure in [0, 1].</param>
    /// <param name="annotators">The number of labels the item received.</param>
    /// <returns>The decision.</returns>
    public ConsensusDecision Decide(int task, int label, double agreement, int annotators)
    {
        var accepted = label >= 0 && annotators >= MinimumAnnotators && agreement >= AgreementThreshold;
        return new ConsensusDecision(task, accepted ? ConsensusOutcome.Accepted : ConsensusOutcome.NeedsReview, label, agreement, annotators);
    }

    /// <summary>Decides every item of an aggregation.</summary>
    /// <param name="annotations">The labels the result was computed from.</param>
    /// <param name="result">The aggregation result.</param>
    /// <returns>One decision per task, by dense task index.</returns>
    /// <exception cref="ArgumentException">The result does not belong to the set (task or class counts differ).</exception>
    public IReadOnlyList<ConsensusDecision> Decide(AnnotationSet annotations, AggregationResult result)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentNullException.ThrowIfNull(result);
        if (result.TaskCount != annotations.TaskCount || result.ClassCount != annotations.ClassCount)
        {
            throw new ArgumentException($"The result has {result.TaskCount} tasks and {result.ClassCount} classes; the set has {annotations.TaskCount} and {annotations.ClassCount}.", nameof(result));
        }

        var decisions = new ConsensusDecision[annotations.TaskCount];
        for (var t = 0; t < decisions.Length; t++)
        {
            var label = result.Labels[t];
            var n = annotations.GetTaskLabelCount(t);
            double agreement;
            if (label < 0)
            {
                agreement = 0;
            }
            else if (Measure == ConsensusMeasure.Posterior)
            {
                agreement = result.GetConfidence(t);
            }
            else
            {
                var same = 0;
                foreach (var l in annotations.GetTaskLabels(t))
                {
                    same += l == label ? 1 : 0;
                }

                agreement = n == 0 ? 0 : (double)same / n;
            }

            decisions[t] = Decide(t, label, agreement, n);
        }

        return decisions;
    }
}
