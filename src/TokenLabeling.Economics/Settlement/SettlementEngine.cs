// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;

namespace TokenLabeling.Economics.Settlement;

/// <summary>Settles a labeling round: who gets paid what, exactly, under a <see cref="SettlementPolicy"/>.</summary>
/// <remarks>
/// <para>The engine is a pure function: it validates every input before producing anything, and returns a new immutable
/// <see cref="SettlementPlan"/>; nothing is ever half-applied.</para>
/// <para>Order of operations (integer arithmetic, floor division), which with the <see cref="Presets.SettlementPresets.Escrow"/>
/// policy is exactly the escrow contract's rule:</para>
/// <list type="number">
/// <item>fees: each line <c>min(floor(B × bps / 10000), cap)</c>; <c>pool = B − Σ fees</c>;</item>
/// <item>per worker slash from the slashing basis, plus QA penalty, capped at <c>cap × stake</c> and at the stake;</item>
/// <item>rewards: <c>floor(pool × w_i / Σw)</c> (or rate × weight, scaled pro rata when demand exceeds the pool, or Kleros' equal split per coherent vote);</item>
/// <item>redistribution of <c>S = Σ slash</c> to coherent peers the same way, or to a recipient;</item>
/// <item><c>payout_i = stake_i − slash_i + reward_i + share_i</c>; unallocated pool and dust go to the policy's recipients.</item>
/// </list>
/// </remarks>
public static class SettlementEngine
{
    private const ulong Bps = BasisPoints.Denominator;

    /// <summary>Settles a round.</summary>
    /// <param name="budget">The task budget escrowed by the requester, in base units.</param>
    /// <param name="workers">Each worker's stake and outcome, represented as a span; the plan keeps this order.</param>
    /// <param name="policy">The settlement policy.</param>
    /// <param name="cancellationToken">Cancels a long settlement (checked every 65,536 workers).</param>
    /// <returns>The plan; its <see cref="SettlementPlan.Verify"/> passes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is null.</exception>
    /// <exception cref="ArgumentException">A worker's input is invalid (the message names the worker's index and id), or the total of stakes exceeds uint256.</exception>
    /// <exception cref="OperationCanceledException">The settlement was cancelled.</exception>
    public static SettlementPlan Settle(TokenAmount budget, ReadOnlySpan<WorkerOutcome> workers, SettlementPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var n = workers.Length;
        var reward = policy.Reward;
        var slashing = policy.Slashing;
        var redistribution = policy.Redistribution;
        var holdback = policy.Holdback.Enabled;
        var rewardMinBps = BasisPoints.FromFraction(reward.MinimumCoherence, nameof(reward.MinimumCoherence));
        var coherentAboveBps = BasisPoints.FromFraction(redistribution.CoherentAbove, nameof(redistribution.CoherentAbove));
        var exemptBps = slashing.ExemptAtOrAboveCoherence is { } e ? BasisPoints.FromFraction(e, "exemptAtOrAboveCoherence") : int.MaxValue;
        var coherenceFactors = reward.Weighting == ShareWeighting.CoherenceWeightedLabels || redistribution.Weighting == ShareWeighting.CoherenceWeightedLabels
            ? CoherenceFactorTable(reward.CoherencePower)
            : null;

        var ids = new string[n];
        var stakes = new TokenAmount[n];
        var slashes = new TokenAmount[n];
        var rewards = new TokenAmount[n];
        var shares = new TokenAmount[n];
        var payouts = new TokenAmount[n];
        var held = holdback ? new TokenAmount[n] : null;

        // Pass 1: validate, slash, and total the weights. Nothing leaves this method until every worker has passed.
        var totals = default(SettlementTotals);
        UInt128 rewardWeight = 0;
        var rewardDemand = TokenAmount.Zero;
        var rewardVotes = 0L;
        UInt128 peerWeight = 0;
        var peerStake = TokenAmount.Zero;
        var peerVotes = 0L;
        var usesRate = reward.RatePerLabel is not null;
        var rate = reward.RatePerLabel.GetValueOrDefault();
        var rateScale = RateScale(reward.Weighting);
        for (var i = 0; i < n; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            ref readonly var w = ref workers[i];
            var cb = Validate(in w, i);
            ids[i] = w.WorkerId;
            stakes[i] = w.Stake;
            try
            {
                totals.Stakes += w.Stake;
            }
            catch (OverflowException ex)
            {
                throw new ArgumentException($"The total of stakes exceeds uint256 at worker {i} ('{w.WorkerId}').", nameof(workers), ex);
            }

            var slash = Slash(in w, cb, slashing, exemptBps);
            slashes[i] = slash;
            totals.Slashed += slash;

            if (cb >= rewardMinBps)
            {
                if (reward.Weighting == ShareWeighting.EqualPerCoherentVote)
                {
                    rewardVotes += cb > 0 ? 1 : 0;
                }
                else
                {
                    var wa = Weight(reward.Weighting, in w, cb, coherenceFactors, false);
                    var wr = holdback ? Weight(reward.Weighting, in w, cb, coherenceFactors, true) : 0;
                    if (usesRate)
                    {
                        rewardDemand += TokenAmount.MulDiv(rate, (TokenAmount)(wa + wr), (TokenAmount)rateScale);
                    }
                    else
                    {
                        rewardWeight = checked(rewardWeight + wa + wr);
                    }
                }
            }

            if (redistribution.ToCoherentPeers)
            {
                switch (redistribution.Weighting)
                {
                    case ShareWeighting.AgreeingLabels:
                        peerWeight += (uint)w.Agreeing;
                        break;
                    case ShareWeighting.EqualPerCoherentVote:
                        peerVotes += cb > coherentAboveBps ? 1 : 0;
                        break;
                    case ShareWeighting.Stake:
                        if (cb > coherentAboveBps)
                        {
                            peerStake += w.Stake;
                        }

                        break;
                    default:
                        if (cb > coherentAboveBps)
                        {
                            peerWeight = checked(peerWeight + Weight(redistribution.Weighting, in w, cb, coherenceFactors, false));
                        }

                        break;
                }
            }
        }

        // Fees and pool.
        var fees = new FeeCharge[policy.Fees.Lines.Count];
        for (var f = 0; f < fees.Length; f++)
        {
            var line = policy.Fees.Lines[f];
            fees[f] = new FeeCharge(line.Name, line.On(budget));
            totals.Fees += fees[f].Amount;
        }

        var pool = budget - totals.Fees;
        totals.RewardPool = pool;

        // Reward split set-up.
        var rewardMode = RewardMode.None;
        ProRataDivider rewardDivider = default;
        var perVoteReward = TokenAmount.Zero;
        if (reward.Weighting == ShareWeighting.EqualPerCoherentVote)
        {
            if (rewardVotes > 0)
            {
                rewardMode = RewardMode.EqualPerVote;
                perVoteReward = pool / (TokenAmount)(ulong)rewardVotes;
            }
        }
        else if (usesRate)
        {
            if (!rewardDemand.IsZero)
            {
                rewardMode = rewardDemand <= pool ? RewardMode.RateUncapped : RewardMode.RateCapped;
            }
        }
        else if (rewardWeight > 0)
        {
            rewardMode = RewardMode.ProRata;
            rewardDivider = new ProRataDivider(pool, rewardWeight);
        }

        // Redistribution set-up.
        var peerMode = PeerMode.None;
        ProRataDivider peerDivider = default;
        var perVoteShare = TokenAmount.Zero;
        if (redistribution.ToCoherentPeers && !totals.Slashed.IsZero)
        {
            switch (redistribution.Weighting)
            {
                case ShareWeighting.EqualPerCoherentVote when peerVotes > 0:
                    peerMode = PeerMode.EqualPerVote;
                    perVoteShare = totals.Slashed / (TokenAmount)(ulong)peerVotes;
                    break;
                case ShareWeighting.Stake when !peerStake.IsZero:
                    peerMode = PeerMode.Stake;
                    break;
                case ShareWeighting.AgreeingLabels or ShareWeighting.CoherenceWeightedLabels or ShareWeighting.MajorityShareTenths when peerWeight > 0:
                    peerMode = PeerMode.ProRata;
                    peerDivider = new ProRataDivider(totals.Slashed, peerWeight);
                    break;
                default:
                    break;
            }
        }

        // Pass 2: rewards, shares, payouts.
        for (var i = 0; i < n; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            ref readonly var w = ref workers[i];
            var cb = CoherenceBps(w.Coherence);
            var r = TokenAmount.Zero;
            var h = TokenAmount.Zero;
            if (rewardMode != RewardMode.None && cb >= rewardMinBps)
            {
                switch (rewardMode)
                {
                    case RewardMode.ProRata:
                        r = rewardDivider.Of(Weight(reward.Weighting, in w, cb, coherenceFactors, false));
                        if (holdback)
                        {
                            h = rewardDivider.Of(Weight(reward.Weighting, in w, cb, coherenceFactors, true));
                        }

                        break;
                    case RewardMode.EqualPerVote:
                        r = cb > 0 ? TokenAmount.MulDiv(perVoteReward, (ulong)cb, Bps) : TokenAmount.Zero;
                        break;
                    default:
                        r = TokenAmount.MulDiv(rate, (TokenAmount)Weight(reward.Weighting, in w, cb, coherenceFactors, false), (TokenAmount)rateScale);
                        if (holdback)
                        {
                            h = TokenAmount.MulDiv(rate, (TokenAmount)Weight(reward.Weighting, in w, cb, coherenceFactors, true), (TokenAmount)rateScale);
                        }

                        if (rewardMode == RewardMode.RateCapped)
                        {
                            r = TokenAmount.MulDiv(pool, r, rewardDemand);
                            h = TokenAmount.MulDiv(pool, h, rewardDemand);
                        }

                        break;
                }
            }

            var s = peerMode switch
            {
                PeerMode.None => TokenAmount.Zero,
                PeerMode.ProRata => redistribution.Weighting == ShareWeighting.AgreeingLabels
                    ? peerDivider.Of((uint)w.Agreeing)
                    : cb > coherentAboveBps ? peerDivider.Of(Weight(redistribution.Weighting, in w, cb, coherenceFactors, false)) : TokenAmount.Zero,
                PeerMode.EqualPerVote => cb > coherentAboveBps ? TokenAmount.MulDiv(perVoteShare, (ulong)cb, Bps) : TokenAmount.Zero,
                _ => cb > coherentAboveBps ? TokenAmount.MulDiv(totals.Slashed, w.Stake, peerStake) : TokenAmount.Zero,
            };

            rewards[i] = r;
            shares[i] = s;
            if (held is not null)
            {
                held[i] = h;
                totals.HeldBack += h;
            }

            var payout = w.Stake - slashes[i] + r + s;
            payouts[i] = payout;
            totals.Rewards += r;
            totals.Redistributed += s;
            totals.Payouts += payout;
        }

        totals.UnspentRewards = pool - totals.Rewards - totals.HeldBack;
        totals.Route(reward.UnspentTo, totals.UnspentRewards);
        if (peerMode == PeerMode.None)
        {
            totals.SlashedNotShared = totals.Slashed;
            totals.Route(redistribution.Otherwise, totals.Slashed);
        }
        else
        {
            totals.RedistributionDust = totals.Slashed - totals.Redistributed;
            totals.Route(redistribution.DustTo, totals.RedistributionDust);
        }

        return new SettlementPlan(policy.Name, budget, fees, ids, stakes, slashes, rewards, shares, held, payouts, in totals);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int CoherenceBps(double coherence) => (int)Math.Round(coherence * BasisPoints.Denominator, MidpointRounding.ToEven);

    private static int Validate(in WorkerOutcome w, int index)
    {
        if (string.IsNullOrEmpty(w.WorkerId))
        {
            throw new ArgumentException($"worker {index}: the worker id is empty.", "workers");
        }

        if (w.Committed < 0 || w.Revealed < 0 || w.Agreeing < 0 || w.UnderReview < 0)
        {
            throw new ArgumentException($"worker {index} ('{w.WorkerId}'): label counts cannot be negative (committed {w.Committed}, revealed {w.Revealed}, agreeing {w.Agreeing}, under review {w.UnderReview}).", "workers");
        }

        if (w.Revealed > w.Committed || w.Agreeing > w.Revealed)
        {
            throw new ArgumentException($"worker {index} ('{w.WorkerId}'): counts must satisfy agreeing ≤ revealed ≤ committed, not {w.Agreeing} ≤ {w.Revealed} ≤ {w.Committed}.", "workers");
        }

        if (!(w.Coherence >= 0.0 && w.Coherence <= 1.0))
        {
            throw new ArgumentException($"worker {index} ('{w.WorkerId}'): coherence must be in [0, 1], not {w.Coherence}.", "workers");
        }

        return CoherenceBps(w.Coherence);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TokenAmount Slash(in WorkerOutcome w, int cb, SlashingPolicy policy, int exemptBps)
    {
        var slash = TokenAmount.Zero;
        if (cb < exemptBps)
        {
            switch (policy.Basis)
            {
                case SlashBasis.WrongOrMissedLabels:
                    var wrongOrMissed = (ulong)(w.Committed - w.Agreeing);
                    if (wrongOrMissed != 0 && policy.RateBasisPoints != 0)
                    {
                        slash = TokenAmount.MulDiv(w.Stake, (ulong)policy.RateBasisPoints * wrongOrMissed, Bps * (ulong)w.Committed);
                    }

                    break;
                case SlashBasis.Incoherence:
                    if (cb < BasisPoints.Denominator)
                    {
                        var locked = TokenAmount.MulDiv(w.Stake, (ulong)policy.RateBasisPoints, Bps);
                        slash = TokenAmount.MulDiv(locked, (ulong)(BasisPoints.Denominator - cb), Bps);
                    }

                    break;
                default:
                    break;
            }
        }

        if (policy.QaPenalties is { } qa && w.Flags != WorkerFlags.None)
        {
            slash += TokenAmount.MulDiv(w.Stake, (ulong)qa.RateFor(w.Flags), Bps);
        }

        var cap = policy.CapBasisPoints == BasisPoints.Denominator ? w.Stake : TokenAmount.MulDiv(w.Stake, (ulong)policy.CapBasisPoints, Bps);
        return slash <= cap ? slash : cap;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt128 Weight(ShareWeighting weighting, in WorkerOutcome w, int cb, ulong[]? factors, bool underReview) => weighting switch
    {
        ShareWeighting.AgreeingLabels => (uint)(underReview ? w.UnderReview : w.Agreeing),
        ShareWeighting.CoherenceWeightedLabels => (UInt128)(ulong)(uint)(underReview ? w.UnderReview : w.Revealed) * factors![cb],
        ShareWeighting.MajorityShareTenths => underReview ? 0UL : MajorityTenths(w.Agreeing, w.Committed),
        _ => 0,
    };

    /// <summary>Deano's <c>round(10 × agreeing / committed)</c> with halves rounded up, in integers: <c>floor((20a + n) / 2n)</c>.</summary>
    internal static ulong MajorityTenths(int agreeing, int committed) =>
        committed == 0 ? 0UL : ((20UL * (ulong)agreeing) + (ulong)committed) / (2UL * (ulong)committed);

    private static ulong RateScale(ShareWeighting weighting) =>
        weighting == ShareWeighting.CoherenceWeightedLabels ? RewardPolicy.CoherenceScale : 1UL;

    /// <summary>floor(10^6 × (bps / 10000)^power) for every coherence in basis points: monotone in coherence, computed once per settlement.</summary>
    internal static ulong[] CoherenceFactorTable(double power)
    {
        var table = new ulong[BasisPoints.Denominator + 1];
        for (var b = 0; b <= BasisPoints.Denominator; b++)
        {
            var f = Math.Floor(RewardPolicy.CoherenceScale * Math.Pow(b / (double)BasisPoints.Denominator, power));
            table[b] = (ulong)Math.Clamp(f, 0, RewardPolicy.CoherenceScale);
        }

        // Guard monotonicity against any last-ulp wobble of Pow.
        for (var b = 1; b <= BasisPoints.Denominator; b++)
        {
            table[b] = Math.Max(table[b], table[b - 1]);
        }

        return table;
    }

    private enum RewardMode
    {
        None,
        ProRata,
        EqualPerVote,
        RateUncapped,
        RateCapped,
    }

    private enum PeerMode
    {
        None,
        ProRata,
        EqualPerVote,
        Stake,
    }
}
