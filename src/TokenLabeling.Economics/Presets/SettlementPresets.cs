// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;

namespace TokenLabeling.Economics.Presets;

/// <summary>Settlement policies that reproduce the published rules of real systems, and our recommended default.</summary>
/// <remarks>Each preset has a test that settles a hand-computed example taken from the system's own rule.</remarks>
public static class SettlementPresets
{
    /// <summary>The highest platform fee the escrow contract accepts, in bps (25%, as HUMAN caps each oracle fee).</summary>
    public const int MaxEscrowPlatformFeeBasisPoints = 2500;

    /// <summary>
    /// The escrow contract's rule, exactly (the Solidity contract implements the same; parity tests compare them to the base unit):
    /// <c>fee = B·f/10000</c>; <c>pool = B − fee</c>; <c>slash_i = mulDiv(s_i, σ·(wrong_i + missed_i), 10000·n_i)</c>;
    /// <c>reward_i = mulDiv(pool, a_i, A)</c>; <c>share_i = mulDiv(S, a_i, A)</c>; <c>payout_i = s_i − slash_i + reward_i + share_i</c>;
    /// everything left (unspent pool, dust, all of it when <c>A = 0</c>) is refunded to the requester; the fee goes to the treasury.
    /// </summary>
    /// <param name="platformFeeBasisPoints">f, 0 to 2500 bps. Typical: 500 (5%).</param>
    /// <param name="slashBasisPoints">σ, 0 to 10000 bps of stake lost for a fully wrong or unrevealed round. Typical: 2000 (20%).</param>
    /// <returns>The policy.</returns>
    /// <remarks>
    /// Items whose consensus misses the agreement threshold are excluded from every worker's committed / revealed / agreeing counts
    /// by the caller; the rule has no holdback term, so holdback is off and their share of the pool goes to the agreeing labels.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A rate is outside its range.</exception>
    public static SettlementPolicy Escrow(int platformFeeBasisPoints, int slashBasisPoints) => EscrowCore("escrow", platformFeeBasisPoints, slashBasisPoints);

    private static SettlementPolicy EscrowCore(string name, int platformFeeBasisPoints, int slashBasisPoints)
    {
        if (platformFeeBasisPoints is < 0 or > MaxEscrowPlatformFeeBasisPoints)
        {
            throw new ArgumentOutOfRangeException(nameof(platformFeeBasisPoints), platformFeeBasisPoints, $"The escrow platform fee must be 0 to {MaxEscrowPlatformFeeBasisPoints} bps.");
        }

        BasisPoints.Validate(slashBasisPoints, nameof(slashBasisPoints));
        return new SettlementPolicy(
            name,
            FeePolicy.Platform(platformFeeBasisPoints),
            new RewardPolicy(ShareWeighting.AgreeingLabels, unspentTo: FundsRecipient.Requester),
            new SlashingPolicy(SlashBasis.WrongOrMissedLabels, slashBasisPoints),
            new RedistributionPolicy(true, ShareWeighting.AgreeingLabels, otherwise: FundsRecipient.Requester, dustTo: FundsRecipient.Requester),
            HoldbackPolicy.Disabled);
    }

    /// <summary>
    /// Our recommended default: the <see cref="Escrow"/> rule with a 5% platform fee and σ = 20%.
    /// </summary>
    /// <remarks>
    /// Why: it is the rule the contract enforces, so off-chain plans and on-chain settlement agree to the base unit; a missed reveal
    /// costs exactly as much as a wrong label, so withholding a losing reveal never pays; slashes go to agreeing workers, so honest
    /// effort earns more than the bare pool; and every remainder returns to the requester. 20% keeps a single bad round survivable.
    /// </remarks>
    /// <returns>The policy.</returns>
    public static SettlementPolicy Recommended() => EscrowCore("recommended", 500, 2000);

    /// <summary>
    /// Kleros v2 (classic dispute kit, <c>KlerosCore.sol</c>): each worker is one vote with coherence in [0, 1] (basis points);
    /// <c>locked = stake·alpha/10000</c>, <c>penalty = locked·(10000 − coherence)/10000</c>;
    /// rewards (the fees) and penalties are split as <c>(total / coherentCount)·coherence/10000</c> per coherent vote;
    /// rounding leftovers, and everything when nobody is coherent, go to the owner.
    /// </summary>
    /// <param name="alphaBasisPoints">Alpha: the bps of the stake locked and at risk per vote. Mainnet General Court: 10000.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alphaBasisPoints"/> is outside 0..10000.</exception>
    public static SettlementPolicy Kleros(int alphaBasisPoints = BasisPoints.Denominator) =>
        new(
            "kleros",
            FeePolicy.None,
            new RewardPolicy(ShareWeighting.EqualPerCoherentVote, unspentTo: FundsRecipient.Owner),
            new SlashingPolicy(SlashBasis.Incoherence, alphaBasisPoints),
            new RedistributionPolicy(true, ShareWeighting.EqualPerCoherentVote, coherentAbove: 0, otherwise: FundsRecipient.Owner, dustTo: FundsRecipient.Owner));

    /// <summary>
    /// Sapien (<c>SapienQA.sol</c>): QA decisions penalize a share of the stake by tier (minor 1–5%, major 5–15%, severe 15–25%),
    /// capped at the stake, and the penalty goes to the treasury, not to peers. Rewards are paid per accepted label weighted
    /// linearly by quality (coherence). Stake tiers and the vault's lock-up multiplier are in <see cref="SapienStaking"/>.
    /// </summary>
    /// <param name="qaPenalties">The QA rates; each must be inside Sapien's range for its tier.</param>
    /// <param name="platformFeeBasisPoints">A platform fee, 0 to 10000 bps; Sapien's contracts take none.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A QA rate is outside Sapien's range for its tier.</exception>
    public static SettlementPolicy Sapien(QaPenaltyTiers qaPenalties, int platformFeeBasisPoints = 0)
    {
        ArgumentNullException.ThrowIfNull(qaPenalties);
        CheckRange(qaPenalties.MinorBasisPoints, 100, 500, "minor");
        CheckRange(qaPenalties.MajorBasisPoints, 500, 1500, "major");
        CheckRange(qaPenalties.SevereBasisPoints, 1500, 2500, "severe");
        return new SettlementPolicy(
            "sapien",
            FeePolicy.Platform(platformFeeBasisPoints),
            new RewardPolicy(ShareWeighting.CoherenceWeightedLabels, coherencePower: 1.0, unspentTo: FundsRecipient.Requester),
            new SlashingPolicy(SlashBasis.None, 0, qaPenalties: qaPenalties),
            RedistributionPolicy.AllTo(FundsRecipient.Treasury));
    }

    /// <summary>
    /// Deano (<c>db.js</c>, <c>Payout.sol</c>): no stake, no slashing; a job adds <c>round(10 × share of the worker's items matching the majority)</c>
    /// reputation points, and a claim pays <c>points × base</c> (Deano mints 100 DAN per point). Here the payment comes from the budget,
    /// scaled pro rata if the claims exceed it; the unspent budget is refunded.
    /// </summary>
    /// <param name="basePerPoint">The payment per reputation point, in base units. Deano: 100 tokens.</param>
    /// <returns>The policy.</returns>
    public static SettlementPolicy Deano(TokenAmount basePerPoint) =>
        new(
            "deano",
            FeePolicy.None,
            new RewardPolicy(ShareWeighting.MajorityShareTenths, ratePerLabel: basePerPoint, unspentTo: FundsRecipient.Requester),
            SlashingPolicy.None,
            RedistributionPolicy.AllTo(FundsRecipient.Requester));

    /// <summary>
    /// Traditional crowdsourcing: a fixed fee per accepted label (one agreeing with the consensus), no stake, no slashing;
    /// scaled pro rata if the fees exceed the budget; the unspent budget is refunded.
    /// </summary>
    /// <param name="feePerLabel">The fee per accepted label, in base units.</param>
    /// <param name="platformFeeBasisPoints">The platform's cut of the budget, 0 to 10000 bps.</param>
    /// <returns>The policy.</returns>
    public static SettlementPolicy FlatFee(TokenAmount feePerLabel, int platformFeeBasisPoints = 0) =>
        new(
            "flat-fee",
            FeePolicy.Platform(platformFeeBasisPoints),
            new RewardPolicy(ShareWeighting.AgreeingLabels, ratePerLabel: feePerLabel, unspentTo: FundsRecipient.Requester),
            SlashingPolicy.None,
            RedistributionPolicy.AllTo(FundsRecipient.Requester));

    private static void CheckRange(int value, int min, int max, string tier)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Sapien's {tier} QA penalty is {min}–{max} bps of stake, not {value}.");
        }
    }
}
