// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Simulation.Engine;

/// <summary>Totals of one round's settlement, in base units; the same fields whether the round was settled by
/// <see cref="SettlementEngine"/> or by <see cref="RoundSettlementKernel"/>.</summary>
internal struct RoundSettlementTotals
{
    public long Fees;
    public long Pool;
    public long Stakes;
    public long Slashed;
    public long Rewards;
    public long Redistributed;
    public long HeldBack;
    public long Payouts;
    public long Unspent;
    public long Dust;
    public long NotShared;
    public long Requester;
    public long Treasury;
    public long Owner;
    public long Burned;
    public long CarriedOver;

    /// <summary>Reads the totals of an engine plan (every amount of a simulated round fits in 63 bits).</summary>
    public static RoundSettlementTotals FromPlan(SettlementPlan plan) => new()
    {
        Fees = ToLong(plan.TotalFees),
        Pool = ToLong(plan.RewardPool),
        Stakes = ToLong(plan.TotalStakes),
        Slashed = ToLong(plan.TotalSlashed),
        Rewards = ToLong(plan.TotalRewards),
        Redistributed = ToLong(plan.TotalRedistributed),
        HeldBack = ToLong(plan.TotalHeldBack),
        Payouts = ToLong(plan.TotalPayouts),
        Unspent = ToLong(plan.UnspentRewards),
        Dust = ToLong(plan.RedistributionDust),
        NotShared = ToLong(plan.SlashedNotShared),
        Requester = ToLong(plan.RequesterRefund),
        Treasury = ToLong(plan.ToTreasury),
        Owner = ToLong(plan.ToOwner),
        Burned = ToLong(plan.Burned),
        CarriedOver = ToLong(plan.CarriedOver),
    };

    public static long ToLong(TokenAmount amount) => checked((long)(ulong)amount);

    public void Route(FundsRecipient recipient, long amount)
    {
        switch (recipient)
        {
            case FundsRecipient.Requester: Requester += amount; break;
            case FundsRecipient.Treasury: Treasury += amount; break;
            case FundsRecipient.Owner: Owner += amount; break;
            case FundsRecipient.Burn: Burned += amount; break;
            default: CarriedOver += amount; break;
        }
    }
}

/// <summary>The simulator's specialised settlement of a round: the rules of <see cref="SettlementEngine.Settle(TokenAmount, ReadOnlySpan{WorkerOutcome}, SettlementPolicy, CancellationToken)"/>
/// for workers whose revealed labels equal their committed ones, computed column-wise in 64-bit integers with 128-bit products.</summary>
/// <remarks>
/// <para>It gives the engine's plan to the base unit (tests compare the two over random rounds and policies) for every policy
/// <see cref="Supports"/> accepts; any intermediate that would leave 64 bits throws <see cref="OverflowException"/> and the caller
/// settles that round with the engine instead. It needs no worker ids and allocates nothing.</para>
/// <para>Worker coherence is <c>agreeing / committed</c> (0 when nothing was committed), quantized to basis points as the engine does.</para>
/// </remarks>
internal sealed class RoundSettlementKernel
{
    private const ulong Bps = 10_000;

    private readonly SettlementPolicy _policy;
    private readonly ShareWeighting _rewardWeighting;
    private readonly ShareWeighting _peerWeighting;
    private readonly bool _toPeers;
    private readonly bool _holdback;
    private readonly int _rewardMinBps;
    private readonly int _coherentAboveBps;
    private readonly int _exemptBps;
    private readonly bool _usesRate;
    private readonly ulong _rate;
    private readonly SlashBasis _slashBasis;
    private readonly ulong _slashRate;
    private readonly int _capBps;
    private readonly QaPenaltyTiers? _qa;

    // Each worker's coherence in basis points, computed in pass 1 and read again in pass 2.
    private int[] _coherence = [];

    /// <summary>The largest committed count whose coherences are tabulated.</summary>
    private const int TabulatedCommitted = 64;

    /// <summary><see cref="CoherenceBps"/> for every committed count up to <see cref="TabulatedCommitted"/> (row) and agreeing count (column),
    /// computed once by the same double expression, so a table read gives the same basis points as the division it replaces.</summary>
    private static readonly int[] s_coherenceTable = BuildCoherenceTable();

    public RoundSettlementKernel(SettlementPolicy policy)
    {
        if (!Supports(policy))
        {
            throw new ArgumentException($"Policy '{policy.Name}' uses a rule the round kernel does not implement; settle it with SettlementEngine.", nameof(policy));
        }

        _policy = policy;
        _rewardWeighting = policy.Reward.Weighting;
        _peerWeighting = policy.Redistribution.Weighting;
        _toPeers = policy.Redistribution.ToCoherentPeers;
        _holdback = policy.Holdback.Enabled;
        _rewardMinBps = BasisPoints.FromFraction(policy.Reward.MinimumCoherence, "minimumCoherence");
        _coherentAboveBps = BasisPoints.FromFraction(policy.Redistribution.CoherentAbove, "coherentAbove");
        _exemptBps = policy.Slashing.ExemptAtOrAboveCoherence is { } e ? BasisPoints.FromFraction(e, "exemptAtOrAboveCoherence") : int.MaxValue;
        _usesRate = policy.Reward.RatePerLabel is not null;
        _rate = _usesRate ? (ulong)policy.Reward.RatePerLabel!.Value : 0;
        _slashBasis = policy.Slashing.Basis;
        _slashRate = (ulong)policy.Slashing.RateBasisPoints;
        _capBps = policy.Slashing.CapBasisPoints;
        _qa = policy.Slashing.QaPenalties;
    }

    /// <summary>Gets whether the kernel implements every rule of a policy: all but coherence-weighted (power) shares, and rates of at most 2^63 − 1 base units.</summary>
    public static bool Supports(SettlementPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var reward = policy.Reward;
        if (reward.Weighting == ShareWeighting.CoherenceWeightedLabels)
        {
            return false;
        }

        if (reward.RatePerLabel is { } rate && (!rate.FitsInUInt64 || (ulong)rate > long.MaxValue))
        {
            return false;
        }

        return !policy.Redistribution.ToCoherentPeers || policy.Redistribution.Weighting != ShareWeighting.CoherenceWeightedLabels;
    }

    /// <summary>Returns the engine's coherence in basis points for a worker's counts: <c>round(agreeing / committed × 10000)</c>, ties to even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CoherenceBps(int committed, int agreeing) =>
        (int)Math.Round((committed > 0 ? (double)agreeing / committed : 0.0) * 10_000, MidpointRounding.ToEven);

    /// <summary>Returns <see cref="CoherenceBps"/> from the table when the counts are small.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CoherenceBpsFast(int committed, int agreeing) =>
        (uint)committed <= TabulatedCommitted && (uint)agreeing <= (uint)committed
            ? s_coherenceTable[(committed * (TabulatedCommitted + 1)) + agreeing]
            : CoherenceBps(committed, agreeing);

    private static int[] BuildCoherenceTable()
    {
        var table = new int[(TabulatedCommitted + 1) * (TabulatedCommitted + 1)];
        for (var c = 0; c <= TabulatedCommitted; c++)
        {
            for (var a = 0; a <= c; a++)
            {
                table[(c * (TabulatedCommitted + 1)) + a] = CoherenceBps(c, a);
            }
        }

        return table;
    }

    /// <summary>Settles one round.</summary>
    /// <param name="budget">The budget in base units.</param>
    /// <param name="stakes">Each worker's stake.</param>
    /// <param name="committed">Each worker's labels on decided items (all revealed).</param>
    /// <param name="agreeing">Each worker's labels agreeing with consensus.</param>
    /// <param name="underReview">Each worker's labels on items under review.</param>
    /// <param name="flags">Each worker's QA flags.</param>
    /// <param name="slashes">Receives each worker's slash.</param>
    /// <param name="rewards">Receives each worker's reward paid now.</param>
    /// <param name="shares">Receives each worker's share of redistributed slashes.</param>
    /// <param name="held">Receives each worker's held-back reward.</param>
    /// <param name="stakeUnit">A hint, 0 for none: the stake per committed label most workers locked. A worker whose stake is exactly
    /// <c>stakeUnit × committed</c> is slashed <c>floor(stakeUnit × rate × wrong / 10000)</c>, which equals the engine's
    /// <c>floor(stake × rate × wrong / (10000 × committed))</c> and needs no division by a variable; other workers take the general formula.</param>
    /// <returns>The totals.</returns>
    /// <exception cref="OverflowException">An amount leaves 64 bits (settle this round with the engine).</exception>
    [SkipLocalsInit]
    public RoundSettlementTotals Settle(
        long budget,
        ReadOnlySpan<long> stakes,
        ReadOnlySpan<int> committed,
        ReadOnlySpan<int> agreeing,
        ReadOnlySpan<int> underReview,
        ReadOnlySpan<WorkerFlags> flags,
        Span<long> slashes,
        Span<long> rewards,
        Span<long> shares,
        Span<long> held,
        long stakeUnit = 0)
    {
        var n = stakes.Length;
        if (committed.Length != n || agreeing.Length != n || underReview.Length != n || flags.Length != n
            || slashes.Length < n || rewards.Length < n || shares.Length < n || held.Length < n)
        {
            throw new ArgumentException("Every worker column must have one entry per worker.", nameof(stakes));
        }

        var totals = default(RoundSettlementTotals);
        if (_coherence.Length < n)
        {
            _coherence = new int[n];
        }

        var coherence = _coherence;

        // Pass 1: slashes and the totals the splits need. A rate without redistribution pays each worker rate × weight whenever the
        // demand fits in the pool, which pass 1 cannot know yet: it pays that speculatively, and pass 2 runs only if the pool is short.
        var speculate = _usesRate && !_toPeers;
        ulong specRewards = 0, specHeld = 0, specPayouts = 0;
        ulong stakeTotal = 0, slashed = 0, rewardWeight = 0, demand = 0, rewardVotes = 0, peerWeight = 0, peerStake = 0, peerVotes = 0;
        for (var i = 0; i < n; i++)
        {
            var stake = (ulong)stakes[i];
            var c = committed[i];
            var a = agreeing[i];
            var cb = CoherenceBpsFast(c, a);
            coherence[i] = cb;
            stakeTotal = checked(stakeTotal + stake);
            var slash = Slash(stake, c, a, cb, flags[i], (ulong)stakeUnit);
            slashes[i] = (long)slash;
            slashed += slash;

            if (cb >= _rewardMinBps)
            {
                if (_rewardWeighting == ShareWeighting.EqualPerCoherentVote)
                {
                    rewardVotes += cb > 0 ? 1UL : 0UL;
                }
                else
                {
                    var w = RewardWeight(c, a, underReview[i]);
                    if (_usesRate)
                    {
                        var claim = checked(_rate * w);
                        demand = checked(demand + claim);
                        if (speculate)
                        {
                            var wa = RewardWeightAccepted(c, a);
                            var wr = w - wa;
                            var h = wr != 0 ? MulDiv(claim, wr, w) : 0;
                            rewards[i] = (long)(claim - h);
                            held[i] = (long)h;
                            specRewards += claim - h;
                            specHeld += h;
                            specPayouts = checked(specPayouts + (claim - h));
                        }
                    }
                    else
                    {
                        rewardWeight = checked(rewardWeight + w);
                    }
                }
            }

            if (speculate)
            {
                shares[i] = 0;
                specPayouts = checked(specPayouts + (stake - slash));
                if (cb < _rewardMinBps || _rewardWeighting == ShareWeighting.EqualPerCoherentVote)
                {
                    rewards[i] = 0;
                    held[i] = 0;
                }
            }

            if (_toPeers)
            {
                switch (_peerWeighting)
                {
                    case ShareWeighting.AgreeingLabels:
                        peerWeight += (uint)a;
                        break;
                    case ShareWeighting.EqualPerCoherentVote:
                        peerVotes += cb > _coherentAboveBps ? 1UL : 0UL;
                        break;
                    case ShareWeighting.Stake:
                        peerStake += cb > _coherentAboveBps ? stake : 0;
                        break;
                    default:
                        peerWeight += cb > _coherentAboveBps ? MajorityTenths(a, c) : 0;
                        break;
                }
            }
        }

        // Fees and the pool, exactly as the engine takes them from the budget.
        var budgetAmount = new TokenAmount((ulong)budget);
        long fees = 0;
        foreach (var line in _policy.Fees.Lines)
        {
            fees += RoundSettlementTotals.ToLong(line.On(budgetAmount));
        }

        var pool = (ulong)(budget - fees);
        var rewardMode = RewardMode.None;
        ulong perVoteReward = 0;
        if (_rewardWeighting == ShareWeighting.EqualPerCoherentVote)
        {
            if (rewardVotes > 0)
            {
                rewardMode = RewardMode.EqualPerVote;
                perVoteReward = pool / rewardVotes;
            }
        }
        else if (_usesRate)
        {
            if (demand != 0)
            {
                rewardMode = demand <= pool ? RewardMode.RateUncapped : RewardMode.RateCapped;
            }
        }
        else if (rewardWeight > 0)
        {
            rewardMode = RewardMode.ProRata;
        }

        var peerMode = PeerMode.None;
        ulong perVoteShare = 0;
        if (_toPeers && slashed != 0)
        {
            switch (_peerWeighting)
            {
                case ShareWeighting.EqualPerCoherentVote when peerVotes > 0:
                    peerMode = PeerMode.EqualPerVote;
                    perVoteShare = slashed / peerVotes;
                    break;
                case ShareWeighting.Stake when peerStake != 0:
                    peerMode = PeerMode.Stake;
                    break;
                case ShareWeighting.AgreeingLabels or ShareWeighting.MajorityShareTenths when peerWeight > 0:
                    peerMode = PeerMode.ProRata;
                    break;
                default:
                    break;
            }
        }

        // Pass 2: rewards, held-back rewards and shares.
        ulong rewardTotal = 0, shareTotal = 0, heldTotal = 0, payoutTotal = 0;
        var pass2 = true;
        if (speculate && rewardMode != RewardMode.RateCapped)
        {
            // Uncapped (or no demand at all, when every speculative claim was 0): pass 1 already paid exactly rate × weight.
            rewardTotal = specRewards;
            heldTotal = specHeld;
            payoutTotal = checked(specPayouts);
            pass2 = false;
        }

        for (var i = 0; pass2 && i < n; i++)
        {
            var stake = (ulong)stakes[i];
            var c = committed[i];
            var a = agreeing[i];
            var cb = coherence[i];
            ulong r = 0, h = 0;
            if (rewardMode != RewardMode.None && cb >= _rewardMinBps)
            {
                if (rewardMode == RewardMode.EqualPerVote)
                {
                    r = cb > 0 ? MulDiv(perVoteReward, (ulong)cb, Bps) : 0;
                }
                else
                {
                    var wa = RewardWeightAccepted(c, a);
                    var wr = _holdback && _rewardWeighting == ShareWeighting.AgreeingLabels ? (ulong)(uint)underReview[i] : 0;
                    var claim = rewardMode switch
                    {
                        RewardMode.ProRata => MulDiv(pool, wa + wr, rewardWeight),
                        RewardMode.RateUncapped => _rate * (wa + wr),
                        _ => MulDiv(pool, _rate * (wa + wr), demand),
                    };
                    if (wr != 0)
                    {
                        h = MulDiv(claim, wr, wa + wr);
                    }

                    r = claim - h;
                }
            }

            var s = peerMode switch
            {
                PeerMode.None => 0UL,
                PeerMode.ProRata => _peerWeighting == ShareWeighting.AgreeingLabels
                    ? MulDiv(slashed, (uint)a, peerWeight)
                    : cb > _coherentAboveBps ? MulDiv(slashed, MajorityTenths(a, c), peerWeight) : 0UL,
                PeerMode.EqualPerVote => cb > _coherentAboveBps ? MulDiv(perVoteShare, (ulong)cb, Bps) : 0UL,
                _ => cb > _coherentAboveBps ? MulDiv(slashed, stake, peerStake) : 0UL,
            };

            rewards[i] = (long)r;
            shares[i] = (long)s;
            held[i] = (long)h;
            rewardTotal += r;
            shareTotal += s;
            heldTotal += h;
            payoutTotal += stake - (ulong)slashes[i] + r + s;
        }

        totals.Fees = fees;
        totals.Pool = (long)pool;
        totals.Stakes = checked((long)stakeTotal);
        totals.Slashed = (long)slashed;
        totals.Rewards = (long)rewardTotal;
        totals.Redistributed = (long)shareTotal;
        totals.HeldBack = (long)heldTotal;
        totals.Payouts = checked((long)payoutTotal);
        totals.Unspent = (long)(pool - rewardTotal - heldTotal);
        totals.Route(_policy.Reward.UnspentTo, totals.Unspent);
        if (peerMode == PeerMode.None)
        {
            totals.NotShared = (long)slashed;
            totals.Route(_policy.Redistribution.Otherwise, totals.NotShared);
        }
        else
        {
            totals.Dust = (long)(slashed - shareTotal);
            totals.Route(_policy.Redistribution.DustTo, totals.Dust);
        }

        return totals;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Slash(ulong stake, int committed, int agreeing, int cb, WorkerFlags flags, ulong stakeUnit)
    {
        ulong slash = 0;
        if (cb < _exemptBps)
        {
            if (_slashBasis == SlashBasis.WrongOrMissedLabels)
            {
                var wrong = (ulong)(uint)(committed - agreeing);
                if (wrong != 0 && _slashRate != 0)
                {
                    // stake = unit × committed makes committed cancel: floor(unit·c·r·w / (10000·c)) = floor(unit·r·w / 10000).
                    var unitHi = Math.BigMul(stakeUnit, (uint)committed, out var unitStake);
                    slash = unitHi == 0 && unitStake == stake && stakeUnit != 0
                        ? MulDiv(stakeUnit, _slashRate * wrong, Bps)
                        : MulDiv(stake, _slashRate * wrong, Bps * (uint)committed);
                }
            }
            else if (_slashBasis == SlashBasis.Incoherence && cb < 10_000)
            {
                var locked = MulDiv(stake, _slashRate, Bps);
                slash = MulDiv(locked, (ulong)(10_000 - cb), Bps);
            }
        }

        if (_qa is not null && flags != WorkerFlags.None)
        {
            slash += MulDiv(stake, (ulong)_qa.RateFor(flags), Bps);
        }

        var cap = _capBps == 10_000 ? stake : MulDiv(stake, (ulong)_capBps, Bps);
        return Math.Min(slash, cap);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong RewardWeight(int committed, int agreeing, int underReview) =>
        RewardWeightAccepted(committed, agreeing) + (_holdback && _rewardWeighting == ShareWeighting.AgreeingLabels ? (ulong)(uint)underReview : 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong RewardWeightAccepted(int committed, int agreeing) =>
        _rewardWeighting == ShareWeighting.AgreeingLabels ? (uint)agreeing : MajorityTenths(agreeing, committed);

    /// <summary>Deano's <c>round(10 × agreeing / committed)</c>, halves up, in integers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MajorityTenths(int agreeing, int committed) =>
        committed == 0 ? 0UL : ((20UL * (uint)agreeing) + (uint)committed) / (2UL * (uint)committed);

    /// <summary><c>floor(a × b / c)</c> with a 128-bit product; throws when the quotient leaves 64 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulDiv(ulong a, ulong b, ulong c)
    {
        var hi = Math.BigMul(a, b, out var lo);
        return hi == 0 ? lo / c : checked((ulong)(new UInt128(hi, lo) / c));
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
