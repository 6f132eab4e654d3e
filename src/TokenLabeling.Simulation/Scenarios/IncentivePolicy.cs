// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Simulation.Scenarios;

/// <summary>Where tokens slashed from incoherent labels go.</summary>
public enum SlashRecipient
{
    /// <summary>Split equally among the coherent labels of the same item (Kleros); rounding dust and items with no coherent label go to the treasury.</summary>
    CoherentPeers = 0,

    /// <summary>To the platform treasury (Sapien QA penalties).</summary>
    Treasury = 1,

    /// <summary>Destroyed (Numerai's negative payouts).</summary>
    Burn = 2,

    /// <summary>Back to the requester, lowering the cost of the labels.</summary>
    Requester = 3,
}

/// <summary>How the requester's reward for an item is shared.</summary>
public enum RewardSplit
{
    /// <summary>Each coherent label earns <see cref="IncentivePolicy.RewardPerLabel"/>.</summary>
    PerCoherentLabel = 0,

    /// <summary>The item's reward pool (<see cref="IncentivePolicy.RewardPerLabel"/> × labels) is split equally among its coherent labels (Kleros juror fees); dust to the treasury.</summary>
    SplitAmongCoherent = 1,
}

/// <summary>The settlement rules of one round of simulated labeling, in exact integer base units (see <see cref="TokenUnits"/>).</summary>
/// <remarks>
/// <para>Per item: the consensus label is the aggregator's answer; a label is coherent when it equals it. The item's agreement is the
/// share of its labels that are coherent; below <see cref="ReviewThreshold"/> the item needs review.</para>
/// <para>Per label, on a settled item: an incoherent label loses <c>floor(StakePerLabel × SlashBps / 10000)</c>, capped at the worker's balance;
/// a coherent label earns the reward (and any minted amount); every label earns <see cref="FlatFeePerLabel"/> whatever the outcome.
/// Items that need review pay only the flat fee unless <see cref="SettleReviewedItems"/> is set; their held-back reward returns to the requester.</para>
/// <para>Immutable. Presets mirroring real systems are in <see cref="PolicyPresets"/>.</para>
/// </remarks>
public sealed record IncentivePolicy
{
    /// <summary>Gets the policy name used in reports.</summary>
    public string Name { get; init; } = "custom";

    /// <summary>Gets the stake locked per label in base units: a worker needs at least this balance to be assigned. Example: 10 tokens.</summary>
    public long StakePerLabel { get; init; }

    /// <summary>Gets the share of the locked stake lost by an incoherent label, in basis points (0 to 10000). Example: 5000 (half).</summary>
    public int SlashBps { get; init; }

    /// <summary>Gets where slashed tokens go.</summary>
    public SlashRecipient SlashRecipient { get; init; } = SlashRecipient.CoherentPeers;

    /// <summary>Gets the requester-paid reward per coherent label in base units. Example: 1 token.</summary>
    public long RewardPerLabel { get; init; }

    /// <summary>Gets how the item's reward is shared among coherent labels.</summary>
    public RewardSplit RewardSplit { get; init; } = RewardSplit.PerCoherentLabel;

    /// <summary>Gets the requester-paid fee per label whatever its outcome, in base units (traditional crowdsourcing). Example: 1 token.</summary>
    public long FlatFeePerLabel { get; init; }

    /// <summary>Gets the newly minted tokens per coherent label in base units (reputation-minting systems such as Deano).</summary>
    public long MintPerCoherentLabel { get; init; }

    /// <summary>Gets the agreement share (0 to 1) below which an item needs review. 0 settles every item.</summary>
    public double ReviewThreshold { get; init; }

    /// <summary>Gets whether items that need review are still settled (rewards and slashes); if not, they pay only the flat fee.</summary>
    public bool SettleReviewedItems { get; init; }

    /// <summary>Gets the beta reputation (0 to 1) a worker needs to be assigned; 0 admits everyone. Reputation starts at 0.5.</summary>
    public double MinReputation { get; init; }

    /// <summary>Gets the forgetting factor of the beta reputation per round (0 to 1). Example: 0.9.</summary>
    public double ReputationForgetting { get; init; } = 0.9;

    /// <summary>Checks every field and throws naming the first one out of range.</summary>
    /// <exception cref="ArgumentException">A field is out of range.</exception>
    public void Validate()
    {
        Check(StakePerLabel >= 0, nameof(StakePerLabel), "must not be negative");
        Check(SlashBps is >= 0 and <= 10_000, nameof(SlashBps), "must lie in 0..10000");
        Check(RewardPerLabel >= 0, nameof(RewardPerLabel), "must not be negative");
        Check(FlatFeePerLabel >= 0, nameof(FlatFeePerLabel), "must not be negative");
        Check(MintPerCoherentLabel >= 0, nameof(MintPerCoherentLabel), "must not be negative");
        Check(ReviewThreshold is >= 0 and <= 1, nameof(ReviewThreshold), "must lie in [0, 1]");
        Check(MinReputation is >= 0 and <= 1, nameof(MinReputation), "must lie in [0, 1]");
        Check(ReputationForgetting is >= 0 and <= 1, nameof(ReputationForgetting), "must lie in [0, 1]");
        Check(Enum.IsDefined(SlashRecipient), nameof(SlashRecipient), "is not a known recipient");
        Check(Enum.IsDefined(RewardSplit), nameof(RewardSplit), "is not a known split");
    }

    /// <summary>Gets the amount slashed from one incoherent label before the balance cap.</summary>
    internal long SlashPerIncoherentLabel => StakePerLabel * SlashBps / 10_000;

    private void Check(bool ok, string field, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"Policy '{Name}': {field} {rule}.", field);
        }
    }
}

/// <summary>Policies that mirror the rules of real systems (see the design notes on mechanisms), scaled to one label per draw.</summary>
public static class PolicyPresets
{
    /// <summary>Gets Kleros v2 (classic dispute kit): stake locked per draw, incoherent draws lose all of it (alpha = 10000 bps) to the coherent draws, juror fees split among coherent draws, plurality decides every item.</summary>
    public static IncentivePolicy Kleros { get; } = new()
    {
        Name = "kleros",
        StakePerLabel = TokenUnits.FromTokens(10),
        SlashBps = 10_000,
        SlashRecipient = SlashRecipient.CoherentPeers,
        RewardPerLabel = TokenUnits.FromTokens(1),
        RewardSplit = RewardSplit.SplitAmongCoherent,
    };

    /// <summary>Gets Sapien: staked contributors, a MINOR QA penalty (5% of the stake) to the treasury, a fixed reward per accepted label, review below 60% agreement, reputation tiers.</summary>
    public static IncentivePolicy Sapien { get; } = new()
    {
        Name = "sapien",
        StakePerLabel = TokenUnits.FromTokens(10),
        SlashBps = 500,
        SlashRecipient = SlashRecipient.Treasury,
        RewardPerLabel = TokenUnits.FromTokens(1),
        ReviewThreshold = 0.6,
        MinReputation = 0.3,
    };

    /// <summary>Gets Deano: no stake and no slashing; reputation grows with matches to the majority and is minted as tokens (here: minted per coherent label).</summary>
    public static IncentivePolicy Deano { get; } = new()
    {
        Name = "deano",
        MintPerCoherentLabel = TokenUnits.FromTokens(1),
    };

    /// <summary>Gets traditional crowdsourcing: a flat fee per label, paid whatever the label.</summary>
    public static IncentivePolicy FlatFee { get; } = new()
    {
        Name = "flatfee",
        FlatFeePerLabel = TokenUnits.FromTokens(1),
    };

    /// <summary>Gets the recommended default: stake per label, half of it slashed to coherent peers when incoherent, a reward per coherent label, held back when agreement is below 60%, and a reputation floor.</summary>
    public static IncentivePolicy Default { get; } = new()
    {
        Name = "default",
        StakePerLabel = TokenUnits.FromTokens(10),
        SlashBps = 5_000,
        SlashRecipient = SlashRecipient.CoherentPeers,
        RewardPerLabel = TokenUnits.FromTokens(1),
        ReviewThreshold = 0.6,
        MinReputation = 0.3,
    };

    /// <summary>Gets every preset by name.</summary>
    public static IReadOnlyDictionary<string, IncentivePolicy> ByName { get; } = new Dictionary<string, IncentivePolicy>(StringComparer.OrdinalIgnoreCase)
    {
        ["kleros"] = Kleros,
        ["sapien"] = Sapien,
        ["deano"] = Deano,
        ["flatfee"] = FlatFee,
        ["default"] = Default,
    };
}
