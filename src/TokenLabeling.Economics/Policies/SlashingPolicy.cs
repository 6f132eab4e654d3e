// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text.Json.Serialization;
using TokenLabeling.Economics.Amounts;

namespace TokenLabeling.Economics.Policies;

/// <summary>What a worker's slash is proportional to.</summary>
public enum SlashBasis
{
    /// <summary>No slash from the worker's labels (QA penalties may still apply).</summary>
    None,

    /// <summary>
    /// The escrow rule (and UMA's per-vote rule): <c>slash = floor(stake × rate × (wrong + missed) / (10000 × committed))</c>,
    /// one mulDiv; a missed (unrevealed) label costs exactly as much as a wrong one.
    /// </summary>
    WrongOrMissedLabels,

    /// <summary>
    /// Kleros v2: <c>locked = floor(stake × rate / 10000)</c>, then <c>slash = floor(locked × (10000 − coherenceBps) / 10000)</c>.
    /// </summary>
    Incoherence,
}

/// <summary>Sapien-style QA penalties, each a rate of the stake, chosen by the worker's <see cref="Settlement.WorkerFlags"/>.</summary>
public sealed record QaPenaltyTiers
{
    /// <summary>Initializes new QA tiers.</summary>
    /// <param name="minorBasisPoints">Penalty for a minor violation, bps of stake. Sapien: 100–500.</param>
    /// <param name="majorBasisPoints">Penalty for a major violation, bps of stake. Sapien: 500–1500.</param>
    /// <param name="severeBasisPoints">Penalty for a severe violation, bps of stake. Sapien: 1500–2500.</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate is outside 0..10000.</exception>
    /// <exception cref="ArgumentException">The rates do not satisfy minor ≤ major ≤ severe.</exception>
    [JsonConstructor]
    public QaPenaltyTiers(int minorBasisPoints, int majorBasisPoints, int severeBasisPoints)
    {
        BasisPoints.Validate(minorBasisPoints, nameof(minorBasisPoints));
        BasisPoints.Validate(majorBasisPoints, nameof(majorBasisPoints));
        BasisPoints.Validate(severeBasisPoints, nameof(severeBasisPoints));
        if (minorBasisPoints > majorBasisPoints || majorBasisPoints > severeBasisPoints)
        {
            throw new ArgumentException($"QA tiers must satisfy minor ≤ major ≤ severe, not {minorBasisPoints} / {majorBasisPoints} / {severeBasisPoints} bps.");
        }

        MinorBasisPoints = minorBasisPoints;
        MajorBasisPoints = majorBasisPoints;
        SevereBasisPoints = severeBasisPoints;
    }

    /// <summary>Gets the minor-violation penalty in bps of stake.</summary>
    public int MinorBasisPoints { get; }

    /// <summary>Gets the major-violation penalty in bps of stake.</summary>
    public int MajorBasisPoints { get; }

    /// <summary>Gets the severe-violation penalty in bps of stake.</summary>
    public int SevereBasisPoints { get; }

    /// <summary>Returns the penalty rate for a worker's flags (the most severe flag wins; a warning costs nothing).</summary>
    /// <param name="flags">The worker's flags.</param>
    /// <returns>The rate in bps of stake.</returns>
    public int RateFor(Settlement.WorkerFlags flags) =>
        (flags & Settlement.WorkerFlags.QaSevere) != 0 ? SevereBasisPoints
        : (flags & Settlement.WorkerFlags.QaMajor) != 0 ? MajorBasisPoints
        : (flags & Settlement.WorkerFlags.QaMinor) != 0 ? MinorBasisPoints
        : 0;
}

/// <summary>How much of a worker's stake is slashed. Slashes never exceed the stake.</summary>
public sealed record SlashingPolicy
{
    /// <summary>Initializes a new slashing policy.</summary>
    /// <param name="basis">What the slash is proportional to.</param>
    /// <param name="rateBasisPoints">The rate σ (or Kleros' alpha) in bps of stake, 0 to 10000. Escrow typical: 1000–5000; Kleros General Court: 10000.</param>
    /// <param name="exemptAtOrAboveCoherence">Workers with coherence at or above this are never slashed for their labels; 1.0 exempts only perfect workers; <see langword="null"/> for no threshold.</param>
    /// <param name="capBasisPoints">The most any worker loses in one round, bps of stake; 10000 = the whole stake.</param>
    /// <param name="qaPenalties">Sapien-style QA penalties added to the slash, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate is outside 0..10000, or the threshold is outside [0, 1].</exception>
    [JsonConstructor]
    public SlashingPolicy(SlashBasis basis, int rateBasisPoints, double? exemptAtOrAboveCoherence = null, int capBasisPoints = BasisPoints.Denominator, QaPenaltyTiers? qaPenalties = null)
    {
        if (!Enum.IsDefined(basis))
        {
            throw new ArgumentOutOfRangeException(nameof(basis), basis, "Unknown slash basis.");
        }

        BasisPoints.Validate(rateBasisPoints, nameof(rateBasisPoints));
        BasisPoints.Validate(capBasisPoints, nameof(capBasisPoints));
        if (exemptAtOrAboveCoherence is { } t)
        {
            BasisPoints.FromFraction(t, nameof(exemptAtOrAboveCoherence));
        }

        Basis = basis;
        RateBasisPoints = rateBasisPoints;
        ExemptAtOrAboveCoherence = exemptAtOrAboveCoherence;
        CapBasisPoints = capBasisPoints;
        QaPenalties = qaPenalties;
    }

    /// <summary>Gets a policy that never slashes.</summary>
    public static SlashingPolicy None { get; } = new(SlashBasis.None, 0);

    /// <summary>Gets what the slash is proportional to.</summary>
    public SlashBasis Basis { get; }

    /// <summary>Gets the slash rate in bps of stake.</summary>
    public int RateBasisPoints { get; }

    /// <summary>Gets the coherence at or above which labels are never slashed, or <see langword="null"/>.</summary>
    public double? ExemptAtOrAboveCoherence { get; }

    /// <summary>Gets the most a worker loses in one round, in bps of stake.</summary>
    public int CapBasisPoints { get; }

    /// <summary>Gets the QA penalty tiers, or <see langword="null"/>.</summary>
    public QaPenaltyTiers? QaPenalties { get; }
}
