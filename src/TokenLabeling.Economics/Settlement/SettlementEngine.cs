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
    public static SettlementPlan Settle(TokenAmount budget, ReadOnlySpan<WorkerOutcome> workers, SettlementPolicy policy, CancellationToken cancellationToken = default) =>
        Settle(budget, workers, policy, SettlementPath.Auto, cancellationToken);

    /// <summary>Settles a round on a chosen arithmetic path (tests force each path and compare them).</summary>
    internal static SettlementPlan Settle(TokenAmount budget, ReadOnlySpan<WorkerOutcome> workers, SettlementPolicy policy, SettlementPath path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (path != SettlementPath.Wide && budget.FitsInUInt128)
        {
            try
            {
                return SettleCore<UInt128, UInt128Math>(budget, workers, policy, cancellationToken);
            }
            catch (OverflowException) when (path == SettlementPath.Auto)
            {
                // Some amount of this settlement reaches 2^128: settle again on the 256-bit path, which reports genuine overflow.
            }
        }

        return SettleCore<TokenAmount, TokenAmountMath>(budget, workers, policy, cancellationToken);
    }

    private static SettlementPlan SettleCore<T, TMath>(TokenAmount budgetAmount, ReadOnlySpan<WorkerOutcome> workers, SettlementPolicy policy, CancellationToken cancellationToken)
        where T : struct
        where TMath : IAmountMath<T>
    {
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
        var budget = TMath.From(budgetAmount);

        var ids = new string[n];
        var columns = new PlanColumns<T, TMath>(n, holdback);
        var stakes = columns.Stakes;
        var slashes = columns.Slashes;
        var rewards = columns.Rewards;
        var shares = columns.Redistributions;
        var held = columns.HeldBack;

        // Pass 1: validate, slash, and total the weights. Nothing leaves this method until every worker has passed.
        var totalStakes = TMath.Zero;
        var totalSlashed = TMath.Zero;
        UInt128 rewardWeight = 0;
        var rewardDemand = TMath.Zero;
        var rewardVotes = 0L;
        UInt128 peerWeight = 0;
        var peerStake = TMath.Zero;
        var peerVotes = 0L;
        var usesRate = reward.RatePerLabel is not null;
        var rate = TMath.From(reward.RatePerLabel.GetValueOrDefault());
        var rateScale = RateScale(reward.Weighting);
        var qa = slashing.QaPenalties;
        for (var i = 0; i < n; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            ref readonly var w = ref workers[i];
            var cb = Validate(in w, i);
            ids[i] = w.WorkerId;
            var stake = TMath.From(w.Stake);
            stakes[i] = stake;
            if (!TMath.TryAdd(totalStakes, stake, out totalStakes))
            {
                ThrowStakesOverflow<T>(in w, i);
            }

            var slash = Slash<T, TMath>(in w, stake, cb, slashing, qa, exemptBps);
            slashes[i] = slash;
            totalSlashed = TMath.Add(totalSlashed, slash);

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
                        rewardDemand = TMath.Add(rewardDemand, TMath.MulDiv(rate, TMath.From(wa + wr), TMath.From((UInt128)rateScale)));
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
                            peerStake = TMath.Add(peerStake, stake);
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
        var totalFees = TokenAmount.Zero;
        for (var f = 0; f < fees.Length; f++)
        {
            var line = policy.Fees.Lines[f];
            fees[f] = new FeeCharge(line.Name, line.On(budgetAmount));
            totalFees += fees[f].Amount;
        }

        var pool = TMath.Subtract(budget, TMath.From(totalFees));

        // Reward split set-up.
        var rewardMode = RewardMode.None;
        ProRata<T, TMath> rewardSplit = default;
        var perVoteReward = TMath.Zero;
        if (reward.Weighting == ShareWeighting.EqualPerCoherentVote)
        {
            if (rewardVotes > 0)
            {
                rewardMode = RewardMode.EqualPerVote;
                perVoteReward = TMath.DivRem(pool, (ulong)rewardVotes, out _);
            }
        }
        else if (usesRate)
        {
            if (!TMath.IsZero(rewardDemand))
            {
                rewardMode = TMath.LessOrEqual(rewardDemand, pool) ? RewardMode.RateUncapped : RewardMode.RateCapped;
            }
        }
        else if (rewardWeight > 0)
        {
            rewardMode = RewardMode.ProRata;
            rewardSplit = new ProRata<T, TMath>(pool, rewardWeight);
        }

        // Redistribution set-up.
        var peerMode = PeerMode.None;
        ProRata<T, TMath> peerSplit = default;
        var perVoteShare = TMath.Zero;
        if (redistribution.ToCoherentPeers && !TMath.IsZero(totalSlashed))
        {
            switch (redistribution.Weighting)
            {
                case ShareWeighting.EqualPerCoherentVote when peerVotes > 0:
                    peerMode = PeerMode.EqualPerVote;
                    perVoteShare = TMath.DivRem(totalSlashed, (ulong)peerVotes, out _);
                    break;
                case ShareWeighting.Stake when !TMath.IsZero(peerStake):
                    peerMode = PeerMode.Stake;
                    break;
                case ShareWeighting.AgreeingLabels or ShareWeighting.CoherenceWeightedLabels or ShareWeighting.MajorityShareTenths when peerWeight > 0:
                    peerMode = PeerMode.ProRata;
                    peerSplit = new ProRata<T, TMath>(totalSlashed, peerWeight);
                    break;
                default:
                    break;
            }
        }

        // Pass 2: rewards, shares, payouts.
        var totalRewards = TMath.Zero;
        var totalShares = TMath.Zero;
        var totalHeld = TMath.Zero;
        var totalPayouts = TMath.Zero;
        var rateScaleT = TMath.From((UInt128)rateScale);
        for (var i = 0; i < n; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            ref readonly var w = ref workers[i];
            var cb = CoherenceBps(w.Coherence);
            var r = TMath.Zero;
            var h = TMath.Zero;
            if (rewardMode != RewardMode.None && cb >= rewardMinBps)
            {
                switch (rewardMode)
                {
                    case RewardMode.EqualPerVote:
                        r = cb > 0 ? TMath.MulDiv(perVoteReward, (ulong)cb, Bps) : TMath.Zero;
                        break;
                    default:
                        // One floor on the worker's whole claim (accepted + under review), then the held part is carved out of it,
                        // so a better worker never loses a base unit to the paid/held split.
                        var wa = Weight(reward.Weighting, in w, cb, coherenceFactors, false);
                        var wr = holdback ? Weight(reward.Weighting, in w, cb, coherenceFactors, true) : 0;
                        var claim = rewardMode switch
                        {
                            RewardMode.ProRata => rewardSplit.Of(wa + wr),
                            RewardMode.RateUncapped => TMath.MulDiv(rate, TMath.From(wa + wr), rateScaleT),
                            _ => TMath.MulDiv(pool, TMath.MulDiv(rate, TMath.From(wa + wr), rateScaleT), rewardDemand),
                        };
                        if (wr != 0)
                        {
                            h = TMath.MulDiv(claim, TMath.From(wr), TMath.From(wa + wr));
                        }

                        r = TMath.Subtract(claim, h);
                        break;
                }
            }

            var s = peerMode switch
            {
                PeerMode.None => TMath.Zero,
                PeerMode.ProRata => redistribution.Weighting == ShareWeighting.AgreeingLabels
                    ? peerSplit.Of((uint)w.Agreeing)
                    : cb > coherentAboveBps ? peerSplit.Of(Weight(redistribution.Weighting, in w, cb, coherenceFactors, false)) : TMath.Zero,
                PeerMode.EqualPerVote => cb > coherentAboveBps ? TMath.MulDiv(perVoteShare, (ulong)cb, Bps) : TMath.Zero,
                _ => cb > coherentAboveBps ? TMath.MulDiv(totalSlashed, stakes[i], peerStake) : TMath.Zero,
            };

            rewards[i] = r;
            shares[i] = s;
            if (held is not null)
            {
                held[i] = h;
                totalHeld = TMath.Add(totalHeld, h);
            }

            var payout = TMath.Add(TMath.Add(TMath.Subtract(stakes[i], slashes[i]), r), s);
            totalRewards = TMath.Add(totalRewards, r);
            totalShares = TMath.Add(totalShares, s);
            totalPayouts = TMath.Add(totalPayouts, payout);
        }

        var totals = new SettlementTotals
        {
            Fees = totalFees,
            RewardPool = TMath.ToAmount(pool),
            Stakes = TMath.ToAmount(totalStakes),
            Slashed = TMath.ToAmount(totalSlashed),
            Rewards = TMath.ToAmount(totalRewards),
            Redistributed = TMath.ToAmount(totalShares),
            HeldBack = TMath.ToAmount(totalHeld),
            Payouts = TMath.ToAmount(totalPayouts),
        };
        totals.UnspentRewards = totals.RewardPool - totals.Rewards - totals.HeldBack;
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

        return new SettlementPlan(policy.Name, budgetAmount, fees, ids, columns, in totals);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowStakesOverflow<T>(in WorkerOutcome w, int index)
    {
        // On the 128-bit path this only means "settle on the 256-bit path"; there it is the caller's error.
        if (typeof(T) != typeof(TokenAmount))
        {
            throw new OverflowException("The total of stakes reaches 2^128.");
        }

        throw new ArgumentException($"The total of stakes exceeds uint256 at worker {index} ('{w.WorkerId}').", "workers");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int CoherenceBps(double coherence) => (int)Math.Round(coherence * BasisPoints.Denominator, MidpointRounding.ToEven);

    private static int Validate(in WorkerOutcome w, int index)
    {
        // Emptiness is checked when an outcome is created; only default(WorkerOutcome) can reach here without an id.
        // (Not dereferencing the id keeps a million scattered strings out of the cache.)
        if (w.WorkerId is null)
        {
            throw new ArgumentException($"worker {index}: the worker id is missing (a default WorkerOutcome).", "workers");
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
    private static T Slash<T, TMath>(in WorkerOutcome w, T stake, int cb, SlashingPolicy policy, QaPenaltyTiers? qa, int exemptBps)
        where T : struct
        where TMath : IAmountMath<T>
    {
        var slash = TMath.Zero;
        if (cb < exemptBps)
        {
            switch (policy.Basis)
            {
                case SlashBasis.WrongOrMissedLabels:
                    var wrongOrMissed = (ulong)(w.Committed - w.Agreeing);
                    if (wrongOrMissed != 0 && policy.RateBasisPoints != 0)
                    {
                        slash = TMath.MulDiv(stake, (ulong)policy.RateBasisPoints * wrongOrMissed, Bps * (ulong)w.Committed);
                    }

                    break;
                case SlashBasis.Incoherence:
                    if (cb < BasisPoints.Denominator)
                    {
                        var locked = TMath.MulDiv(stake, (ulong)policy.RateBasisPoints, Bps);
                        slash = TMath.MulDiv(locked, (ulong)(BasisPoints.Denominator - cb), Bps);
                    }

                    break;
                default:
                    break;
            }
        }

        if (qa is not null && w.Flags != WorkerFlags.None)
        {
            slash = TMath.Add(slash, TMath.MulDiv(stake, (ulong)qa.RateFor(w.Flags), Bps));
        }

        var cap = policy.CapBasisPoints == BasisPoints.Denominator ? stake : TMath.MulDiv(stake, (ulong)policy.CapBasisPoints, Bps);
        return TMath.LessOrEqual(slash, cap) ? slash : cap;
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

    /// <summary>Which arithmetic a settlement runs on.</summary>
    internal enum SettlementPath
    {
        /// <summary>128-bit when everything fits, else 256-bit.</summary>
        Auto,

        /// <summary>128-bit only; throws <see cref="OverflowException"/> when an amount does not fit.</summary>
        Narrow,

        /// <summary>256-bit always.</summary>
        Wide,
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
