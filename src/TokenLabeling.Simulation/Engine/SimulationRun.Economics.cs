// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;
using TokenLabeling.Economics.Settlement;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Engine;

/// <summary>Rounds settled as one Economics task each (<see cref="RoundSettlement"/>): items only count labels during the round,
/// then every worker who labelled is settled once, by <see cref="SettlementEngine"/> or by the equal <see cref="RoundSettlementKernel"/>.</summary>
internal sealed partial class SimulationRun
{
    private readonly RoundSettlement? _settlement;
    private readonly RoundSettlementKernel? _kernel;

    // Labels on items under review: count (high 32 bits) and coherent count (low 32 bits) per worker, and those matching the truth.
    private readonly long[]? _reviewCounts;
    private readonly int[]? _reviewTruth;

    // One entry per worker who labelled this round, in worker order.
    private readonly int[]? _partWorker;
    private readonly long[]? _partStake;
    private readonly int[]? _partCommitted;
    private readonly int[]? _partAgreeing;
    private readonly int[]? _partReview;
    private readonly WorkerFlags[]? _partFlags;
    private readonly long[]? _partSlash;
    private readonly long[]? _partReward;
    private readonly long[]? _partShare;
    private readonly long[]? _partHeld;
    private string[]? _workerIds;

    // Profit maximisers' estimates of what an agreeing label earns and a disagreeing one costs, learned from the last settlement.
    private double _gainPerAgreeingLabel;
    private double _lossPerWrongLabel;

    /// <summary>Counts one item's labels for the round's settlement (no money moves until the round ends).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountItem(ReadOnlySpan<int> workers, ReadOnlySpan<int> labels, int truth, int consensus, int coherent)
    {
        var count = workers.Length;
        if (count == 0)
        {
            return;
        }

        var correct = consensus == truth ? 1 : 0;
        var accepted = coherent >= _minCoherentToAccept[count];
        _flows.CorrectAll += correct;
        ref var counts = ref MemoryMarshal.GetArrayDataReference(_labelCounts);
        for (var i = 0; i < count; i++)
        {
            Unsafe.Add(ref counts, workers[i]) += OneLabel + (labels[i] == consensus ? 1 : 0);
        }

        if (accepted)
        {
            _flows.Accepted++;
            _flows.CorrectAccepted += correct;
            return;
        }

        var review = _reviewCounts!;
        var reviewTruth = _reviewTruth!;
        for (var i = 0; i < count; i++)
        {
            review[workers[i]] += OneLabel + (labels[i] == consensus ? 1 : 0);
            reviewTruth[workers[i]] += labels[i] == truth ? 1 : 0;
        }
    }

    /// <summary>Settles the round: gathers each worker's counts and stake, settles them, and applies the plan to the balances.</summary>
    private void SettleRound(bool useKernel)
    {
        var s = _settlement!;
        var partWorker = _partWorker!;
        var stakes = _partStake!;
        var committed = _partCommitted!;
        var agreeing = _partAgreeing!;
        var underReview = _partReview!;
        var flags = _partFlags!;
        var m = 0;
        long labels = 0;
        var stakePerLabel = s.StakePerLabel;
        var mostLabelsUncapped = stakePerLabel == 0 ? int.MaxValue : long.MaxValue / stakePerLabel;
        var qa = s.Qa;
        for (var w = 0; w < _n; w++)
        {
            var all = _labelCounts[w];
            var n = (int)(all >> 32);
            if (n == 0)
            {
                continue;
            }

            var reviewed = _reviewCounts is null ? 0L : _reviewCounts[w];
            var rn = (int)(reviewed >> 32);
            var c = n - rn;
            var a = (int)all - (int)reviewed;
            partWorker[m] = w;
            committed[m] = c;
            agreeing[m] = a;
            underReview[m] = rn;
            var locked = n > mostLabelsUncapped ? long.MaxValue : stakePerLabel * n;
            stakes[m] = Math.Min(_balance[w], locked);
            flags[m] = qa is null ? WorkerFlags.None : QaFlag(qa, c, a);
            labels += n;
            m++;
        }

        var budget = checked(s.BudgetPerLabel * labels);
        RoundSettlementTotals totals;
        if (useKernel)
        {
            try
            {
                totals = _kernel!.Settle(budget, stakes.AsSpan(0, m), committed.AsSpan(0, m), agreeing.AsSpan(0, m), underReview.AsSpan(0, m), flags.AsSpan(0, m), _partSlash, _partReward, _partShare, _partHeld, stakePerLabel);
            }
            catch (OverflowException)
            {
                // An amount of this round leaves 64 bits in the kernel: the engine settles it with wider arithmetic.
                totals = SettleWithEngine(budget, m);
            }
        }
        else
        {
            totals = SettleWithEngine(budget, m);
        }

        ApplySettlement(in totals, budget, m);
    }

    private RoundSettlementTotals SettleWithEngine(long budget, int m)
    {
        if (_workerIds is null)
        {
            _workerIds = new string[_n];
            for (var w = 0; w < _n; w++)
            {
                _workerIds[w] = "w" + w.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var outcomes = new WorkerOutcome[m];
        for (var i = 0; i < m; i++)
        {
            var c = _partCommitted![i];
            outcomes[i] = WorkerOutcome.FromCounts(_workerIds[_partWorker![i]], new TokenAmount((ulong)_partStake![i]), c, c, _partAgreeing![i], _partReview![i]) with { Flags = _partFlags![i] };
        }

        var plan = SettlementEngine.Settle(new TokenAmount((ulong)budget), outcomes, _settlement!.Policy);
        var slashes = plan.Slashes;
        var rewards = plan.Rewards;
        var shares = plan.Redistributions;
        var held = plan.HeldBack;
        for (var i = 0; i < m; i++)
        {
            _partSlash![i] = RoundSettlementTotals.ToLong(slashes[i]);
            _partReward![i] = RoundSettlementTotals.ToLong(rewards[i]);
            _partShare![i] = RoundSettlementTotals.ToLong(shares[i]);
            _partHeld![i] = RoundSettlementTotals.ToLong(held[i]);
        }

        return RoundSettlementTotals.FromPlan(plan);
    }

    private void ApplySettlement(in RoundSettlementTotals totals, long budget, int m)
    {
        long returned = 0, agree = 0, wrong = 0;
        for (var i = 0; i < m; i++)
        {
            var w = _partWorker![i];
            var paid = _partReward![i] + _partShare![i];
            var held = _partHeld![i];
            long released = 0;
            if (held != 0)
            {
                // The review reveals the truth of the items under review: the held reward is paid when most of the worker's labels there were right.
                released = 2L * _reviewTruth![w] >= _partReview![i] ? held : 0;
                returned += held - released;
            }

            _balance[w] += paid + released - _partSlash![i];
            _earned[w] += paid + released;
            agree += _partAgreeing![i];
            wrong += _partCommitted![i] - _partAgreeing[i];
        }

        var requesterPaid = budget - totals.Requester - returned;
        _flows.RequesterPaid += requesterPaid;
        _requesterPaid += requesterPaid;
        _flows.Slashed += totals.Slashed;
        _flows.ToPeers += totals.Redistributed;
        RouteSlashed(_settlement!.Policy.Redistribution.DustTo, totals.Dust);
        RouteSlashed(_settlement.Policy.Redistribution.Otherwise, totals.NotShared);
        _treasury += totals.Fees + totals.Treasury + totals.Owner + totals.CarriedOver;
        _burned += totals.Burned;

        if (agree > 0)
        {
            _gainPerAgreeingLabel = (double)(totals.Rewards + totals.Redistributed + totals.HeldBack) / agree;
        }

        if (wrong > 0)
        {
            _lossPerWrongLabel = (double)totals.Slashed / wrong;
        }
    }

    private void RouteSlashed(FundsRecipient recipient, long amount)
    {
        switch (recipient)
        {
            case FundsRecipient.Burn:
                _flows.Burned += amount;
                break;
            case FundsRecipient.Requester:
                _flows.ToRequester += amount;
                break;
            default:
                // Treasury, owner and carried-over value all stay with the platform in the simulated economy.
                _flows.ToTreasury += amount;
                break;
        }
    }

    private static WorkerFlags QaFlag(QaModel? qa, int committed, int agreeing)
    {
        if (qa is null || committed == 0)
        {
            return WorkerFlags.None;
        }

        var coherence = (double)agreeing / committed;
        return coherence < qa.SevereBelowCoherence ? WorkerFlags.QaSevere
            : coherence < qa.MajorBelowCoherence ? WorkerFlags.QaMajor
            : coherence < qa.MinorBelowCoherence ? WorkerFlags.QaMinor
            : WorkerFlags.None;
    }
}
