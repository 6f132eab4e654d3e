// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;
using TokenLabeling.Economics.Presets;

namespace TokenLabeling.Simulation.Scenarios;

/// <summary>Settles each simulated round as one labelling task through an Economics <see cref="SettlementPolicy"/>
/// (any preset of <see cref="SettlementPresets"/> or a custom policy), in exact integer base units.</summary>
/// <remarks>
/// <para>Per round: the requester escrows <c>budget = BudgetPerLabel × labels given</c>; each worker who labelled locks
/// <c>stake = min(balance, StakePerLabel × its labels)</c>; an item whose agreement with its consensus is below <see cref="ReviewThreshold"/>
/// is under review, and its labels count as <see cref="Economics.Settlement.WorkerOutcome.UnderReview"/> instead of committed;
/// every other label is committed and revealed, and agrees when it equals the item's consensus. The worker's outcome is
/// <see cref="Economics.Settlement.WorkerOutcome.FromCounts"/> of those counts (coherence = agreeing / committed), plus the QA flag of
/// <see cref="QaModel"/>. The plan of <see cref="Economics.Settlement.SettlementEngine"/> is then applied: each balance changes by
/// <c>payout − stake</c>; fees, treasury, owner and carried-over value go to the platform treasury; burned value is destroyed; the refund returns to the requester.</para>
/// <para>Held-back rewards (policies with holdback) are resolved at the end of the round: the review reveals each item's truth, and a worker's
/// held reward is paid when at least half of its labels under review match the truth, else returned to the requester.</para>
/// <para>Base units are the simulator's (<see cref="TokenUnits.PerToken"/> per token): an amount inside the Economics policy, such as a
/// rate per label, is read in those units. Immutable.</para>
/// </remarks>
public sealed record RoundSettlement
{
    /// <summary>Gets the Economics settlement policy.</summary>
    public required SettlementPolicy Policy { get; init; }

    /// <summary>Gets the stake locked per label in base units; a worker needs at least this balance to be assigned. Example: 10 tokens.</summary>
    public long StakePerLabel { get; init; }

    /// <summary>Gets the requester's budget per label given in the round, in base units. Example: 1 token.</summary>
    public long BudgetPerLabel { get; init; }

    /// <summary>Gets the agreement share (0 to 1) below which an item is under review; 0 decides every item (Kleros: plurality decides).</summary>
    public double ReviewThreshold { get; init; }

    /// <summary>Gets the beta reputation (0 to 1) a worker needs to be assigned; 0 admits everyone. Reputation starts at 0.5.</summary>
    public double MinReputation { get; init; }

    /// <summary>Gets the forgetting factor of the beta reputation per round (0 to 1). Example: 0.9.</summary>
    public double ReputationForgetting { get; init; } = 0.9;

    /// <summary>Gets the QA review that flags workers for Sapien-style penalties; <see langword="null"/> flags nobody.</summary>
    public QaModel? Qa { get; init; }

    /// <summary>Gets the name used in reports: the policy's name.</summary>
    public string Name => Policy.Name;

    /// <summary>Checks every field and throws naming the first one out of range.</summary>
    /// <exception cref="ArgumentException">A field is out of range (the message names it).</exception>
    public void Validate()
    {
        if (Policy is null)
        {
            throw new ArgumentException("Settlement.Policy is required.", nameof(Policy));
        }

        Check(StakePerLabel >= 0, nameof(StakePerLabel), "must not be negative");
        Check(BudgetPerLabel >= 0, nameof(BudgetPerLabel), "must not be negative");
        Check(ReviewThreshold is >= 0 and <= 1, nameof(ReviewThreshold), "must lie in [0, 1]");
        Check(MinReputation is >= 0 and <= 1, nameof(MinReputation), "must lie in [0, 1]");
        Check(ReputationForgetting is >= 0 and <= 1, nameof(ReputationForgetting), "must lie in [0, 1]");
        if (Qa is { } qa)
        {
            Check(qa.MinorBelowCoherence is >= 0 and <= 1 && qa.MajorBelowCoherence is >= 0 and <= 1 && qa.SevereBelowCoherence is >= 0 and <= 1, "Qa", "thresholds must lie in [0, 1]");
            Check(qa.SevereBelowCoherence <= qa.MajorBelowCoherence && qa.MajorBelowCoherence <= qa.MinorBelowCoherence, "Qa", "thresholds must satisfy severe <= major <= minor");
        }
    }

    private void Check(bool ok, string field, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"Settlement '{Name}': {field} {rule}.", field);
        }
    }
}

/// <summary>A QA review that flags a worker for the round by its coherence: below <see cref="SevereBelowCoherence"/> severe, else below
/// <see cref="MajorBelowCoherence"/> major, else below <see cref="MinorBelowCoherence"/> minor (the policy's <see cref="QaPenaltyTiers"/> price each flag).</summary>
/// <param name="MinorBelowCoherence">Coherence below which a worker gets a minor flag, 0 to 1. Example: 0.6.</param>
/// <param name="MajorBelowCoherence">Coherence below which a worker gets a major flag, 0 to 1. Example: 0.4.</param>
/// <param name="SevereBelowCoherence">Coherence below which a worker gets a severe flag, 0 to 1. Example: 0.2.</param>
public sealed record QaModel(double MinorBelowCoherence, double MajorBelowCoherence, double SevereBelowCoherence);

/// <summary>Round settlements built on the Economics presets, scaled for the simulator (10 tokens of stake and 1 token of budget per label).</summary>
public static class RoundSettlementPresets
{
    /// <summary>Gets Kleros v2 (<see cref="SettlementPresets.Kleros"/>, alpha = 100%): plurality decides every item; incoherence costs the locked stake
    /// in proportion; fees and penalties are split per coherent worker.</summary>
    public static RoundSettlement Kleros { get; } = new()
    {
        Policy = SettlementPresets.Kleros(),
        StakePerLabel = TokenUnits.FromTokens(10),
        BudgetPerLabel = TokenUnits.FromTokens(1),
    };

    /// <summary>Gets Sapien (<see cref="SettlementPresets.Sapien"/>, QA 5% / 10% / 20%): rewards weighted by quality, QA penalties to the treasury for workers
    /// whose coherence falls below 60% / 40% / 20%, review below 60% agreement, a reputation floor.</summary>
    public static RoundSettlement Sapien { get; } = new()
    {
        Policy = SettlementPresets.Sapien(new QaPenaltyTiers(500, 1000, 2000)),
        StakePerLabel = TokenUnits.FromTokens(10),
        BudgetPerLabel = TokenUnits.FromTokens(1),
        ReviewThreshold = 0.6,
        MinReputation = 0.3,
        Qa = new QaModel(0.6, 0.4, 0.2),
    };

    /// <summary>Gets Deano (<see cref="SettlementPresets.Deano"/>): no stake, no slashing; 0.1 token per reputation point (up to 10 points per worker and round).</summary>
    public static RoundSettlement Deano { get; } = new()
    {
        Policy = SettlementPresets.Deano(new TokenAmount((ulong)(TokenUnits.PerToken / 10))),
        BudgetPerLabel = TokenUnits.FromTokens(1),
    };

    /// <summary>Gets traditional crowdsourcing (<see cref="SettlementPresets.FlatFee"/>): 1 token per accepted label, no stake.</summary>
    public static RoundSettlement FlatFee { get; } = new()
    {
        Policy = SettlementPresets.FlatFee(new TokenAmount((ulong)TokenUnits.PerToken)),
        BudgetPerLabel = TokenUnits.FromTokens(1),
    };

    /// <summary>Gets the recommended default (<see cref="SettlementPresets.Recommended"/>: the escrow rule, 5% fee, 20% slash), review below 60% agreement, a reputation floor.</summary>
    public static RoundSettlement Recommended { get; } = new()
    {
        Policy = SettlementPresets.Recommended(),
        StakePerLabel = TokenUnits.FromTokens(10),
        BudgetPerLabel = TokenUnits.FromTokens(1),
        ReviewThreshold = 0.6,
        MinReputation = 0.3,
    };

    /// <summary>Gets the escrow contract's rule (<see cref="SettlementPresets.Escrow"/>) with a 5% fee and a 50% slash, every item decided.</summary>
    public static RoundSettlement Escrow { get; } = new()
    {
        Policy = SettlementPresets.Escrow(500, 5000),
        StakePerLabel = TokenUnits.FromTokens(10),
        BudgetPerLabel = TokenUnits.FromTokens(1),
    };

    /// <summary>Gets every preset by name (<c>kleros</c>, <c>sapien</c>, <c>deano</c>, <c>flatfee</c>, <c>recommended</c>, <c>escrow</c>).</summary>
    public static IReadOnlyDictionary<string, RoundSettlement> ByName { get; } = new Dictionary<string, RoundSettlement>(StringComparer.OrdinalIgnoreCase)
    {
        ["kleros"] = Kleros,
        ["sapien"] = Sapien,
        ["deano"] = Deano,
        ["flatfee"] = FlatFee,
        ["recommended"] = Recommended,
        ["escrow"] = Escrow,
    };
}
