// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.Amounts;

namespace TokenLabeling.Economics.Settlement;

/// <summary>Flags a reviewer or QA process attached to a worker for the round.</summary>
[Flags]
public enum WorkerFlags
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>A QA warning: recorded, costs nothing.</summary>
    QaWarning = 1,

    /// <summary>A minor QA violation (Sapien: 1–5% of stake).</summary>
    QaMinor = 2,

    /// <summary>A major QA violation (Sapien: 5–15% of stake).</summary>
    QaMajor = 4,

    /// <summary>A severe QA violation (Sapien: 15–25% of stake).</summary>
    QaSevere = 8,
}

/// <summary>
/// One worker's stake and outcome in a labeling round: the plain input of <see cref="SettlementEngine"/>
/// (built by the host from a consensus result; Economics does not depend on Consensus).
/// </summary>
/// <param name="WorkerId">An opaque, non-empty id, e.g. a 0x address; the plan keeps input order, so the index is the Merkle leaf index.</param>
/// <param name="Stake">The stake locked for this round, in base units.</param>
/// <param name="Committed">Labels committed on items whose consensus was reached (items under review excluded), ≥ 0.</param>
/// <param name="Revealed">Of those, labels revealed, 0 ≤ revealed ≤ committed.</param>
/// <param name="Agreeing">Of those, revealed labels agreeing with the item's consensus, 0 ≤ agreeing ≤ revealed.</param>
/// <param name="Coherence">Agreement with the consensus in [0, 1] (e.g. agreeing / committed, a graded IoU, or a peer-prediction score); quantized to basis points.</param>
/// <param name="UnderReview">Labels on items flagged for review (not in the counts above), ≥ 0; their rewards are held when holdback is on.</param>
/// <param name="Flags">QA flags.</param>
public readonly record struct WorkerOutcome(
    string WorkerId,
    TokenAmount Stake,
    int Committed,
    int Revealed,
    int Agreeing,
    double Coherence,
    int UnderReview = 0,
    WorkerFlags Flags = WorkerFlags.None)
{
    /// <summary>Gets the worker's opaque, non-empty id.</summary>
    /// <exception cref="ArgumentException">The id is null or empty (checked when the outcome is created, so settlement need not read every id).</exception>
    public string WorkerId { get; init; } = string.IsNullOrEmpty(WorkerId) ? throw new ArgumentException("A worker id cannot be null or empty.", nameof(WorkerId)) : WorkerId;

    /// <summary>Creates an outcome whose coherence is the share of committed labels that agree: <c>agreeing / committed</c> (0 when nothing was committed).</summary>
    /// <param name="workerId">The worker's id.</param>
    /// <param name="stake">The stake in base units.</param>
    /// <param name="committed">Labels committed on decided items.</param>
    /// <param name="revealed">Labels revealed.</param>
    /// <param name="agreeing">Revealed labels agreeing with consensus.</param>
    /// <param name="underReview">Labels on items under review.</param>
    /// <returns>The outcome.</returns>
    public static WorkerOutcome FromCounts(string workerId, TokenAmount stake, int committed, int revealed, int agreeing, int underReview = 0) =>
        new(workerId, stake, committed, revealed, agreeing, committed > 0 && agreeing >= 0 && agreeing <= committed ? (double)agreeing / committed : 0.0, underReview);
}
