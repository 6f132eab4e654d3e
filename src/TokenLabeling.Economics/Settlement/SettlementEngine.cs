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
        Settle(budget, workers, null, policy, SettlementPath.Auto, 1, cancellationToken);

    /// <summary>Settles a round held in an array, on several cores when it is large (the plan is identical to the single-threaded one).</summary>
    /// <param name="budget">The task budget escrowed by the requester, in base units.</param>
    /// <param name="workers">Each worker's stake and outcome; the plan keeps this order. Must not be modified during the call.</param>
    /// <param name="policy">The settlement policy.</param>
    /// <param name="cancellationToken">Cancels a long settlement.</param>
    /// <returns>The plan; its <see cref="SettlementPlan.Verify"/> passes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="workers"/> or <paramref name="policy"/> is null.</exception>
    /// <exception cref="ArgumentException">A worker's input is invalid (the first invalid worker is named), or the total of stakes exceeds uint256.</exception>
    /// <exception cref="OperationCanceledException">The settlement was cancelled.</exception>
    /// <remarks>Arrays of at least <see cref="ParallelThreshold"/> workers are split into one chunk per core; sums of integers do not depend on the split.</remarks>
    public static SettlementPlan Settle(TokenAmount budget, WorkerOutcome[] workers, SettlementPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workers);
        var chunks = workers.Length >= ParallelThreshold ? Math.Min(Environment.ProcessorCount, 16) : 1;
        return Settle(budget, workers, workers, policy, SettlementPath.Auto, chunks, cancellationToken);
    }

    /// <summary>The number of workers from which <see cref="Settle(TokenAmount, WorkerOutcome[], SettlementPolicy, CancellationToken)"/> uses several cores.</summary>
    public const int ParallelThreshold = 131_072;

    /// <summary>Settles a round on a chosen arithmetic path (tests force each path and compare them).</summary>
    internal static SettlementPlan Settle(TokenAmount budget, ReadOnlySpan<WorkerOutcome> workers, SettlementPolicy policy, SettlementPath path, CancellationToken cancellationToken) =>
        Settle(budget, workers, null, policy, path, 1, cancellationToken);

    /// <summary>Settles with a chosen path and number of chunks (tests force chunking on small inputs).</summary>
    internal static SettlementPlan Settle(TokenAmount budget, ReadOnlySpan<WorkerOutcome> workers, WorkerOutcome[]? array, SettlementPolicy policy, SettlementPath path, int chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        chunks = array is null ? 1 : Math.Clamp(chunks, 1, Math.Max(1, workers.Length));
        if (path != SettlementPath.Wide && budget.FitsInUInt128)
        {
            try
            {
                return SettleCore<UInt128, UInt128Math>(budget, workers, array, policy, chunks, cancellationToken);
            }
            catch (OverflowException) when (path == SettlementPath.Auto)
            {
                // Some amount of this settlement reaches 2^128: settle again on the 256-bit path, which reports genuine overflow.
            }
        }

        return SettleCore<TokenAmount, TokenAmountMath>(budget, workers, array, policy, chunks, cancellationToken);
    }

    private static SettlementPlan SettleCore<T, TMath>(TokenAmount budgetAmount, ReadOnlySpan<WorkerOutcome> workers, WorkerOutcome[]? array, SettlementPolicy policy, int chunks, CancellationToken cancellationToken)
        where T : struct
        where TMath : IAmountMath<T>
    {
        var n = workers.Length;
        var run = new Run<T, TMath>(policy, n);

        // Pass 1: validate, slash, and total the weights. Nothing leaves this method until every worker has passed.
        var first = new Pass1Totals<T>[chunks];
        if (chunks == 1)
        {
            run.Pass1(workers, 0, n, ref first[0], cancellationToken);
        }
        else
        {
            ForEachChunk(array!, chunks, cancellationToken, (c, start, end) => run.Pass1(array, start, end, ref first[c], cancellationToken));
        }

        var total = first[0];
        for (var c = 1; c < chunks; c++)
        {
            total = Merge<T, TMath>(total, first[c], n);
        }

        run.Prepare(budgetAmount, in total);

        // Pass 2: rewards, shares, payouts.
        var second = new Pass2Totals<T>[chunks];
        if (chunks == 1)
        {
            run.Pass2(workers, 0, n, ref second[0], cancellationToken);
        }
        else
        {
            ForEachChunk(array!, chunks, cancellationToken, (c, start, end) => run.Pass2(array, start, end, ref second[c], cancellationToken));
        }

        var rewards = TMath.Zero;
        var shares = TMath.Zero;
        var held = TMath.Zero;
        var payouts = TMath.Zero;
        foreach (var part in second)
        {
            rewards = TMath.Add(rewards, part.Rewards);
            shares = TMath.Add(shares, part.Shares);
            held = TMath.Add(held, part.Held);
            payouts = TMath.Add(payouts, part.Payouts);
        }

        return run.Finish(budgetAmount, in total, rewards, shares, held, payouts);
    }

    /// <summary>Runs one action per chunk on the thread pool; rethrows the failure of the lowest chunk, so errors name the first bad worker as a single pass would.</summary>
    private static void ForEachChunk(WorkerOutcome[] workers, int chunks, CancellationToken cancellationToken, Action<int, int, int> action)
    {
        var errors = new Exception?[chunks];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks, CancellationToken = cancellationToken }, c =>
        {
            var start = (int)((long)workers.Length * c / chunks);
            var end = (int)((long)workers.Length * (c + 1) / chunks);
            try
            {
                action(c, start, end);
            }
            catch (Exception ex) when (ex is ArgumentException or OverflowException or OperationCanceledException)
            {
                errors[c] = ex;
            }
        });
        foreach (var error in errors)
        {
            if (error is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            }
        }
    }

    private static Pass1Totals<T> Merge<T, TMath>(Pass1Totals<T> a, Pass1Totals<T> b, int n)
        where T : struct
        where TMath : IAmountMath<T>
    {
        if (!TMath.TryAdd(a.Stakes, b.Stakes, out var stakes))
        {
            if (typeof(T) != typeof(TokenAmount))
            {
                throw new OverflowException("The total of stakes reaches 2^128.");
            }

            throw new ArgumentException($"The total of stakes exceeds uint256 (over all {n} workers).", "workers");
        }

        return new Pass1Totals<T>
        {
            Stakes = stakes,
            Slashed = TMath.Add(a.Slashed, b.Slashed),
            RewardWeight = checked(a.RewardWeight + b.RewardWeight),
            RewardDemand = TMath.Add(a.RewardDemand, b.RewardDemand),
            RewardVotes = a.RewardVotes + b.RewardVotes,
            PeerWeight = checked(a.PeerWeight + b.PeerWeight),
            PeerStake = TMath.Add(a.PeerStake, b.PeerStake),
            PeerVotes = a.PeerVotes + b.PeerVotes,
        };
    }

    private struct Pass1Totals<T>
        where T : struct
    {
        public T Stakes;
        public T Slashed;
        public UInt128 RewardWeight;
        public T RewardDemand;
        public long RewardVotes;
        public UInt128 PeerWeight;
        public T PeerStake;
        public long PeerVotes;
    }

    private struct Pass2Totals<T>
        where T : struct
    {
        public T Rewards;
        public T Shares;
        public T Held;
        public T Payouts;
    }

    /// <summary>One settlement's parameters, columns and split set-up, shared by the chunks of a pass.</summary>
    private sealed class Run<T, TMath>
        where T : struct
        where TMath : IAmountMath<T>
    {
        private readonly SettlementPolicy _policy;
        private readonly RewardPolicy _reward;
        private readonly SlashingPolicy _slashing;
        private readonly RedistributionPolicy _redistribution;
        private readonly QaPenaltyTiers? _qa;
        private readonly bool _holdback;
        private readonly int _rewardMinBps;
        private readonly int _coherentAboveBps;
        private readonly int _exemptBps;
        private readonly ulong[]? _coherenceFactors;
        private readonly bool _usesRate;
        private readonly T _rate;
        private readonly T _rateScale;
        private readonly string[] _ids;
        private readonly PlanColumns<T, TMath> _columns;
        private FeeCharge[] _fees = [];
        private TokenAmount _totalFees;
        private T _pool;
        private T _rewardDemand;
        private T _totalSlashed;
        private T _peerStake;
        private RewardMode _rewardMode;
        private ProRata<T, TMath> _rewardSplit;
        private T _perVoteReward;
        private PeerMode _peerMode;
        private ProRata<T, TMath> _peerSplit;
        private T _perVoteShare;

        public Run(SettlementPolicy policy, int n)
        {
            _policy = policy;
            _reward = policy.Reward;
            _slashing = policy.Slashing;
            _redistribution = policy.Redistribution;
            _qa = _slashing.QaPenalties;
            _holdback = policy.Holdback.Enabled;
            _rewardMinBps = BasisPoints.FromFraction(_reward.MinimumCoherence, "minimumCoherence");
            _coherentAboveBps = BasisPoints.FromFraction(_redistribution.CoherentAbove, "coherentAbove");
            _exemptBps = _slashing.ExemptAtOrAboveCoherence is { } e ? BasisPoints.FromFraction(e, "exemptAtOrAboveCoherence") : int.MaxValue;
            _coherenceFactors = _reward.Weighting == ShareWeighting.CoherenceWeightedLabels || _redistribution.Weighting == ShareWeighting.CoherenceWeightedLabels
                ? CoherenceFactorTable(_reward.CoherencePower)
                : null;
            _usesRate = _reward.RatePerLabel is not null;
            _rate = TMath.From(_reward.RatePerLabel.GetValueOrDefault());
            _rateScale = TMath.From((UInt128)RateScale(_reward.Weighting));
            _ids = new string[n];
            _columns = new PlanColumns<T, TMath>(n, _holdback);
        }

        public void Pass1(ReadOnlySpan<WorkerOutcome> workers, int start, int end, ref Pass1Totals<T> totals, CancellationToken cancellationToken)
        {
            var ids = _ids;
            var stakes = _columns.Stakes;
            var slashes = _columns.Slashes;
            var reward = _reward;
            var redistribution = _redistribution;
            for (var i = start; i < end; i++)
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
                if (!TMath.TryAdd(totals.Stakes, stake, out totals.Stakes))
                {
                    ThrowStakesOverflow<T>(in w, i);
                }

                var slash = Slash<T, TMath>(in w, stake, cb, _slashing, _qa, _exemptBps);
                slashes[i] = slash;
                totals.Slashed = TMath.Add(totals.Slashed, slash);

                if (cb >= _rewardMinBps)
                {
                    if (reward.Weighting == ShareWeighting.EqualPerCoherentVote)
                    {
                        totals.RewardVotes += cb > 0 ? 1 : 0;
                    }
                    else
                    {
                        var wa = Weight(reward.Weighting, in w, cb, _coherenceFactors, false);
                        var wr = _holdback ? Weight(reward.Weighting, in w, cb, _coherenceFactors, true) : 0;
                        if (_usesRate)
                        {
                            totals.RewardDemand = TMath.Add(totals.RewardDemand, TMath.MulDiv(_rate, TMath.From(wa + wr), _rateScale));
                        }
                        else
                        {
                            totals.RewardWeight = checked(totals.RewardWeight + wa + wr);
                        }
                    }
                }

                if (redistribution.ToCoherentPeers)
                {
                    switch (redistribution.Weighting)
                    {
                        case ShareWeighting.AgreeingLabels:
                            totals.PeerWeight += (uint)w.Agreeing;
                            break;
                        case ShareWeighting.EqualPerCoherentVote:
                            totals.PeerVotes += cb > _coherentAboveBps ? 1 : 0;
                            break;
                        case ShareWeighting.Stake:
                            if (cb > _coherentAboveBps)
                            {
                                totals.PeerStake = TMath.Add(totals.PeerStake, stake);
                            }

                            break;
                        default:
                            if (cb > _coherentAboveBps)
                            {
                                totals.PeerWeight = checked(totals.PeerWeight + Weight(redistribution.Weighting, in w, cb, _coherenceFactors, false));
                            }

                            break;
                    }
                }
            }
        }

        public void Prepare(TokenAmount budgetAmount, in Pass1Totals<T> totals)
        {
            // Fees and pool.
            _fees = new FeeCharge[_policy.Fees.Lines.Count];
            for (var f = 0; f < _fees.Length; f++)
            {
                var line = _policy.Fees.Lines[f];
                _fees[f] = new FeeCharge(line.Name, line.On(budgetAmount));
                _totalFees += _fees[f].Amount;
            }

            _pool = TMath.Subtract(TMath.From(budgetAmount), TMath.From(_totalFees));
            _rewardDemand = totals.RewardDemand;
            _totalSlashed = totals.Slashed;
            _peerStake = totals.PeerStake;

            // Reward split set-up.
            if (_reward.Weighting == ShareWeighting.EqualPerCoherentVote)
            {
                if (totals.RewardVotes > 0)
                {
                    _rewardMode = RewardMode.EqualPerVote;
                    _perVoteReward = TMath.DivRem(_pool, (ulong)totals.RewardVotes, out _);
                }
            }
            else if (_usesRate)
            {
                if (!TMath.IsZero(totals.RewardDemand))
                {
                    _rewardMode = TMath.LessOrEqual(totals.RewardDemand, _pool) ? RewardMode.RateUncapped : RewardMode.RateCapped;
                }
            }
            else if (totals.RewardWeight > 0)
            {
                _rewardMode = RewardMode.ProRata;
                _rewardSplit = new ProRata<T, TMath>(_pool, totals.RewardWeight);
            }

            // Redistribution set-up.
            if (_redistribution.ToCoherentPeers && !TMath.IsZero(totals.Slashed))
            {
                switch (_redistribution.Weighting)
                {
                    case ShareWeighting.EqualPerCoherentVote when totals.PeerVotes > 0:
                        _peerMode = PeerMode.EqualPerVote;
                        _perVoteShare = TMath.DivRem(totals.Slashed, (ulong)totals.PeerVotes, out _);
                        break;
                    case ShareWeighting.Stake when !TMath.IsZero(totals.PeerStake):
                        _peerMode = PeerMode.Stake;
                        break;
                    case ShareWeighting.AgreeingLabels or ShareWeighting.CoherenceWeightedLabels or ShareWeighting.MajorityShareTenths when totals.PeerWeight > 0:
                        _peerMode = PeerMode.ProRata;
                        _peerSplit = new ProRata<T, TMath>(totals.Slashed, totals.PeerWeight);
                        break;
                    default:
                        break;
                }
            }
        }

        public void Pass2(ReadOnlySpan<WorkerOutcome> workers, int start, int end, ref Pass2Totals<T> totals, CancellationToken cancellationToken)
        {
            var stakes = _columns.Stakes;
            var slashes = _columns.Slashes;
            var rewards = _columns.Rewards;
            var shares = _columns.Redistributions;
            var held = _columns.HeldBack;
            var reward = _reward;
            var redistribution = _redistribution;
            for (var i = start; i < end; i++)
            {
                if ((i & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                ref readonly var w = ref workers[i];
                var cb = CoherenceBps(w.Coherence);
                var r = TMath.Zero;
                var h = TMath.Zero;
                if (_rewardMode != RewardMode.None && cb >= _rewardMinBps)
                {
                    switch (_rewardMode)
                    {
                        case RewardMode.EqualPerVote:
                            r = cb > 0 ? TMath.MulDiv(_perVoteReward, (ulong)cb, Bps) : TMath.Zero;
                            break;
                        default:
                            // One floor on the worker's whole claim (accepted + under review), then the held part is carved out of it,
                            // so a better worker never loses a base unit to the paid/held split.
                            var wa = Weight(reward.Weighting, in w, cb, _coherenceFactors, false);
                            var wr = _holdback ? Weight(reward.Weighting, in w, cb, _coherenceFactors, true) : 0;
                            var claim = _rewardMode switch
                            {
                                RewardMode.ProRata => _rewardSplit.Of(wa + wr),
                                RewardMode.RateUncapped => TMath.MulDiv(_rate, TMath.From(wa + wr), _rateScale),
                                _ => TMath.MulDiv(_pool, TMath.MulDiv(_rate, TMath.From(wa + wr), _rateScale), _rewardDemand),
                            };
                            if (wr != 0)
                            {
                                h = TMath.MulDiv(claim, TMath.From(wr), TMath.From(wa + wr));
                            }

                            r = TMath.Subtract(claim, h);
                            break;
                    }
                }

                var s = _peerMode switch
                {
                    PeerMode.None => TMath.Zero,
                    PeerMode.ProRata => redistribution.Weighting == ShareWeighting.AgreeingLabels
                        ? _peerSplit.Of((uint)w.Agreeing)
                        : cb > _coherentAboveBps ? _peerSplit.Of(Weight(redistribution.Weighting, in w, cb, _coherenceFactors, false)) : TMath.Zero,
                    PeerMode.EqualPerVote => cb > _coherentAboveBps ? TMath.MulDiv(_perVoteShare, (ulong)cb, Bps) : TMath.Zero,
                    _ => cb > _coherentAboveBps ? TMath.MulDiv(_totalSlashed, stakes[i], _peerStake) : TMath.Zero,
                };

                rewards[i] = r;
                shares[i] = s;
                if (held is not null)
                {
                    held[i] = h;
                    totals.Held = TMath.Add(totals.Held, h);
                }

                var payout = TMath.Add(TMath.Add(TMath.Subtract(stakes[i], slashes[i]), r), s);
                totals.Rewards = TMath.Add(totals.Rewards, r);
                totals.Shares = TMath.Add(totals.Shares, s);
                totals.Payouts = TMath.Add(totals.Payouts, payout);
            }
        }

        public SettlementPlan Finish(TokenAmount budgetAmount, in Pass1Totals<T> first, T rewards, T shares, T held, T payouts)
        {
            var totals = new SettlementTotals
            {
                Fees = _totalFees,
                RewardPool = TMath.ToAmount(_pool),
                Stakes = TMath.ToAmount(first.Stakes),
                Slashed = TMath.ToAmount(first.Slashed),
                Rewards = TMath.ToAmount(rewards),
                Redistributed = TMath.ToAmount(shares),
                HeldBack = TMath.ToAmount(held),
                Payouts = TMath.ToAmount(payouts),
            };
            totals.UnspentRewards = totals.RewardPool - totals.Rewards - totals.HeldBack;
            totals.Route(_reward.UnspentTo, totals.UnspentRewards);
            if (_peerMode == PeerMode.None)
            {
                totals.SlashedNotShared = totals.Slashed;
                totals.Route(_redistribution.Otherwise, totals.Slashed);
            }
            else
            {
                totals.RedistributionDust = totals.Slashed - totals.Redistributed;
                totals.Route(_redistribution.DustTo, totals.RedistributionDust);
            }

            return new SettlementPlan(_policy.Name, budgetAmount, _fees, _ids, _columns, in totals);
        }
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
