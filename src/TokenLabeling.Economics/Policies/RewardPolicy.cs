// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text.Json.Serialization;
using TokenLabeling.Economics.Amounts;

namespace TokenLabeling.Economics.Policies;

/// <summary>How a worker's claim on the reward pool (or on slashed value) is weighted.</summary>
public enum ShareWeighting
{
    /// <summary>Weight = labels agreeing with the consensus, <c>a</c> (the escrow rule).</summary>
    AgreeingLabels,

    /// <summary>
    /// Weight = accepted labels × coherence^power, with coherence quantized to basis points and the factor to 10^-6
    /// (<see cref="RewardPolicy.CoherenceScale"/>): linear for power 1, convex (top workers earn disproportionately more) above 1.
    /// </summary>
    CoherenceWeightedLabels,

    /// <summary>Deano: weight = <c>round(10 × agreeing / committed)</c> (half up), the reputation a job adds.</summary>
    MajorityShareTenths,

    /// <summary>
    /// Kleros: the total is split equally per coherent worker, each share scaled by coherence:
    /// <c>floor(total / coherentCount) × coherenceBps / 10000</c>.
    /// </summary>
    EqualPerCoherentVote,

    /// <summary>Weight = the worker's stake (redistribution pro rata to stake among coherent workers, as UMA).</summary>
    Stake,
}

/// <summary>How the reward pool (the budget after fees) is split among workers.</summary>
public sealed record RewardPolicy
{
    /// <summary>The fixed-point scale of coherence factors: a factor of 1.0 is 1,000,000.</summary>
    public const int CoherenceScale = 1_000_000;

    /// <summary>Initializes a new reward policy.</summary>
    /// <param name="weighting">How each worker's share is weighted. <see cref="ShareWeighting.Stake"/> is not allowed for rewards.</param>
    /// <param name="coherencePower">The exponent for <see cref="ShareWeighting.CoherenceWeightedLabels"/>, 0 to 16. Typical: 1 (linear) or 2.</param>
    /// <param name="ratePerLabel">
    /// <see langword="null"/> to split the whole pool pro rata; otherwise base units paid per unit of weight
    /// (per accepted label at coherence 1), scaled down pro rata when the demand exceeds the pool. Example: 1e18 (one token per label).
    /// </param>
    /// <param name="minimumCoherence">Workers below this coherence earn no reward, 0 to 1. Typical: 0.</param>
    /// <param name="unspentTo">Who receives the part of the pool that is not paid out (unspent budget and rounding dust).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    [JsonConstructor]
    public RewardPolicy(ShareWeighting weighting, double coherencePower = 1.0, TokenAmount? ratePerLabel = null, double minimumCoherence = 0.0, FundsRecipient unspentTo = FundsRecipient.Requester)
    {
        if (!Enum.IsDefined(weighting) || weighting == ShareWeighting.Stake)
        {
            throw new ArgumentOutOfRangeException(nameof(weighting), weighting, "Rewards are weighted by labels, coherence or coherent votes, not by stake.");
        }

        if (!(coherencePower >= 0 && coherencePower <= 16))
        {
            throw new ArgumentOutOfRangeException(nameof(coherencePower), coherencePower, "coherencePower must be a number from 0 to 16.");
        }

        if (weighting == ShareWeighting.EqualPerCoherentVote && ratePerLabel is not null)
        {
            throw new ArgumentException("EqualPerCoherentVote splits the whole pool; it takes no ratePerLabel.", nameof(ratePerLabel));
        }

        BasisPoints.FromFraction(minimumCoherence, nameof(minimumCoherence));
        ValidateRecipient(unspentTo, nameof(unspentTo));
        Weighting = weighting;
        CoherencePower = coherencePower;
        RatePerLabel = ratePerLabel;
        MinimumCoherence = minimumCoherence;
        UnspentTo = unspentTo;
    }

    /// <summary>Gets the weighting.</summary>
    public ShareWeighting Weighting { get; }

    /// <summary>Gets the coherence exponent.</summary>
    public double CoherencePower { get; }

    /// <summary>Gets the rate per unit of weight, or <see langword="null"/> to split the whole pool.</summary>
    public TokenAmount? RatePerLabel { get; }

    /// <summary>Gets the coherence below which no reward is paid.</summary>
    public double MinimumCoherence { get; }

    /// <summary>Gets who receives unspent budget and rounding dust.</summary>
    public FundsRecipient UnspentTo { get; }

    internal static void ValidateRecipient(FundsRecipient recipient, string name)
    {
        if (!Enum.IsDefined(recipient))
        {
            throw new ArgumentOutOfRangeException(name, recipient, "Unknown funds recipient.");
        }
    }
}

/// <summary>Where slashed stake goes.</summary>
public sealed record RedistributionPolicy
{
    /// <summary>Initializes a new redistribution policy.</summary>
    /// <param name="toCoherentPeers">Whether slashed value is shared among coherent workers; otherwise it all goes to <paramref name="otherwise"/>.</param>
    /// <param name="weighting">How coherent workers share it: by agreeing labels (escrow), equally per coherent vote (Kleros), by stake (UMA), or like rewards.</param>
    /// <param name="coherentAbove">A worker is coherent when its coherence is strictly above this, 0 to 1 (0: any agreement counts). Not used by <see cref="ShareWeighting.AgreeingLabels"/>, where agreeing labels decide.</param>
    /// <param name="otherwise">Who receives slashed value when it is not shared, or nobody is coherent.</param>
    /// <param name="dustTo">Who receives rounding dust of the split.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    [JsonConstructor]
    public RedistributionPolicy(bool toCoherentPeers, ShareWeighting weighting, double coherentAbove = 0.0, FundsRecipient otherwise = FundsRecipient.Requester, FundsRecipient dustTo = FundsRecipient.Requester)
    {
        if (!Enum.IsDefined(weighting))
        {
            throw new ArgumentOutOfRangeException(nameof(weighting), weighting, "Unknown weighting.");
        }

        BasisPoints.FromFraction(coherentAbove, nameof(coherentAbove));
        RewardPolicy.ValidateRecipient(otherwise, nameof(otherwise));
        RewardPolicy.ValidateRecipient(dustTo, nameof(dustTo));
        ToCoherentPeers = toCoherentPeers;
        Weighting = weighting;
        CoherentAbove = coherentAbove;
        Otherwise = otherwise;
        DustTo = dustTo;
    }

    /// <summary>Gets a policy that sends every slash to the given recipient.</summary>
    /// <param name="recipient">The recipient, e.g. the treasury (Sapien).</param>
    /// <returns>The policy.</returns>
    public static RedistributionPolicy AllTo(FundsRecipient recipient) => new(false, ShareWeighting.AgreeingLabels, 0, recipient, recipient);

    /// <summary>Gets whether slashed value is shared among coherent workers.</summary>
    public bool ToCoherentPeers { get; }

    /// <summary>Gets how coherent workers share slashed value.</summary>
    public ShareWeighting Weighting { get; }

    /// <summary>Gets the coherence a worker must exceed to count as coherent.</summary>
    public double CoherentAbove { get; }

    /// <summary>Gets who receives slashed value that is not shared.</summary>
    public FundsRecipient Otherwise { get; }

    /// <summary>Gets who receives rounding dust.</summary>
    public FundsRecipient DustTo { get; }
}

/// <summary>Holds back the rewards of labels on items that need review until the review resolves.</summary>
public sealed record HoldbackPolicy
{
    /// <summary>Initializes a new holdback policy.</summary>
    /// <param name="enabled">
    /// When true, each worker's labels on items under review (<see cref="Settlement.WorkerOutcome.UnderReview"/>) join the reward weights as
    /// if accepted, and the reward they earn is held instead of paid; <see cref="Settlement.SettlementPlan.ResolveHoldback"/> later pays or returns it.
    /// When false, items under review earn nothing in this round (the escrow rule excludes them).
    /// </param>
    [JsonConstructor]
    public HoldbackPolicy(bool enabled) => Enabled = enabled;

    /// <summary>Gets a disabled holdback.</summary>
    public static HoldbackPolicy Disabled { get; } = new(false);

    /// <summary>Gets whether review holdback is enabled.</summary>
    public bool Enabled { get; }
}
