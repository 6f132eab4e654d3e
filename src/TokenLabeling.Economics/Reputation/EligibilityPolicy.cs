// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.Policies;

namespace TokenLabeling.Economics.Reputation;

/// <summary>A worker's standing between rounds: reputation, the current run of failed rounds, and any suspension.</summary>
/// <param name="Reputation">The beta reputation.</param>
/// <param name="ConsecutiveFailures">Failed rounds in a row so far (reset by a passed round or a suspension).</param>
/// <param name="SuspendedRoundsLeft">Rounds the worker must still sit out; 0 when eligible.</param>
public readonly record struct WorkerStanding(BetaReputation Reputation, int ConsecutiveFailures, int SuspendedRoundsLeft)
{
    /// <summary>Gets a new worker's standing.</summary>
    public static WorkerStanding New => new(BetaReputation.Prior, 0, 0);

    /// <summary>Gets whether the worker may take tasks this round.</summary>
    public bool IsEligible => SuspendedRoundsLeft == 0;
}

/// <summary>
/// Eligibility between rounds: a round fails when coherence is below a threshold; after N failed rounds in a row the worker
/// is suspended for M rounds; reputation (beta, with forgetting) picks the tier that sets the stake and the task quota.
/// </summary>
public sealed record EligibilityPolicy
{
    /// <summary>Initializes a new eligibility policy.</summary>
    /// <param name="failBelowCoherence">A round fails when the worker's coherence is below this, in [0, 1]. Typical: 0.6.</param>
    /// <param name="failuresToSuspend">N: failed rounds in a row that trigger a suspension, ≥ 1. Typical: 3.</param>
    /// <param name="suspensionRounds">M: rounds a suspension lasts, ≥ 0. Typical: 5.</param>
    /// <param name="forgetting">The beta reputation's forgetting factor λ in [0, 1]. Typical: 0.95.</param>
    /// <param name="tiers">The tier table by reputation score (0–1000), e.g. <see cref="Presets.SapienStaking.Tiers"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public EligibilityPolicy(double failBelowCoherence, int failuresToSuspend, int suspensionRounds, double forgetting, StakePolicy tiers)
    {
        if (!(failBelowCoherence >= 0 && failBelowCoherence <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(failBelowCoherence), failBelowCoherence, "failBelowCoherence must be in [0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(failuresToSuspend, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(suspensionRounds);
        if (!(forgetting >= 0 && forgetting <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(forgetting), forgetting, "forgetting must be in [0, 1].");
        }

        ArgumentNullException.ThrowIfNull(tiers);
        FailBelowCoherence = failBelowCoherence;
        FailuresToSuspend = failuresToSuspend;
        SuspensionRounds = suspensionRounds;
        Forgetting = forgetting;
        Tiers = tiers;
    }

    /// <summary>Gets the coherence below which a round fails.</summary>
    public double FailBelowCoherence { get; }

    /// <summary>Gets N, the failed rounds in a row that trigger a suspension.</summary>
    public int FailuresToSuspend { get; }

    /// <summary>Gets M, the length of a suspension in rounds.</summary>
    public int SuspensionRounds { get; }

    /// <summary>Gets the forgetting factor.</summary>
    public double Forgetting { get; }

    /// <summary>Gets the tier table.</summary>
    public StakePolicy Tiers { get; }

    /// <summary>Advances a worker who took part in a round.</summary>
    /// <param name="standing">The standing before the round; the worker must be eligible.</param>
    /// <param name="agreeing">Labels agreeing with consensus (positive evidence), ≥ 0.</param>
    /// <param name="wrongOrMissed">Labels wrong or missed (negative evidence), ≥ 0.</param>
    /// <param name="coherence">The round's coherence in [0, 1].</param>
    /// <returns>The standing after the round.</returns>
    /// <exception cref="InvalidOperationException">The worker is suspended and may not take part.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or the coherence is outside [0, 1].</exception>
    public WorkerStanding AfterRound(WorkerStanding standing, int agreeing, int wrongOrMissed, double coherence)
    {
        if (!standing.IsEligible)
        {
            throw new InvalidOperationException($"The worker is suspended for {standing.SuspendedRoundsLeft} more round(s) and cannot take part.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(agreeing);
        ArgumentOutOfRangeException.ThrowIfNegative(wrongOrMissed);
        if (!(coherence >= 0 && coherence <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(coherence), coherence, "coherence must be in [0, 1].");
        }

        var reputation = standing.Reputation.Update(agreeing, wrongOrMissed, Forgetting);
        var failures = coherence < FailBelowCoherence ? standing.ConsecutiveFailures + 1 : 0;
        return failures >= FailuresToSuspend
            ? new WorkerStanding(reputation, 0, SuspensionRounds)
            : new WorkerStanding(reputation, failures, 0);
    }

    /// <summary>Advances a worker who sat the round out (suspended or idle): a suspension counts down; reputation is unchanged.</summary>
    /// <param name="standing">The standing before the round.</param>
    /// <returns>The standing after the round.</returns>
    public WorkerStanding AfterIdleRound(WorkerStanding standing) =>
        standing with { SuspendedRoundsLeft = Math.Max(0, standing.SuspendedRoundsLeft - 1) };

    /// <summary>Returns the tier for a standing.</summary>
    /// <param name="standing">The worker's standing.</param>
    /// <returns>The tier its reputation score falls in.</returns>
    public StakeTier TierOf(WorkerStanding standing) => Tiers.TierFor(standing.Reputation.Score);

    /// <summary>Returns how many tasks the worker may take this round: 0 when suspended, the tier's quota (or <paramref name="defaultQuota"/>) otherwise.</summary>
    /// <param name="standing">The worker's standing.</param>
    /// <param name="defaultQuota">The quota for tiers without one, ≥ 0.</param>
    /// <returns>The task quota.</returns>
    public int TaskQuota(WorkerStanding standing, int defaultQuota)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(defaultQuota);
        return standing.IsEligible ? TierOf(standing).MaxTasksPerRound ?? defaultQuota : 0;
    }
}
