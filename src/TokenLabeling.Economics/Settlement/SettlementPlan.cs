// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Collections;
using TokenLabeling.Economics.Amounts;

namespace TokenLabeling.Economics.Settlement;

/// <summary>
/// The outcome of settling one round: per worker stake, slash, reward, redistribution, holdback and payout, plus fees,
/// refunds and dust, all in base units. Immutable; <see cref="Verify"/> proves that the books balance to the base unit.
/// </summary>
/// <remarks>
/// Per-worker amounts are stored column-wise (one array per kind) in input order, so a million-worker plan is a handful of
/// arrays rather than a million objects. <see cref="Payouts"/> with <see cref="WorkerIds"/> gives the Merkle leaves
/// <c>(taskId, index, account, amount = payout)</c>.
/// </remarks>
public sealed partial class SettlementPlan
{
    private readonly string[] _workerIds;
    private readonly PlanColumns _columns;
    private readonly FeeCharge[] _fees;

    internal SettlementPlan(
        string policyName,
        TokenAmount budget,
        FeeCharge[] fees,
        string[] workerIds,
        PlanColumns columns,
        in SettlementTotals totals)
    {
        PolicyName = policyName;
        Budget = budget;
        _fees = fees;
        _workerIds = workerIds;
        _columns = columns;
        TotalFees = totals.Fees;
        RewardPool = totals.RewardPool;
        TotalStakes = totals.Stakes;
        TotalSlashed = totals.Slashed;
        TotalRewards = totals.Rewards;
        TotalRedistributed = totals.Redistributed;
        TotalHeldBack = totals.HeldBack;
        TotalPayouts = totals.Payouts;
        UnspentRewards = totals.UnspentRewards;
        RedistributionDust = totals.RedistributionDust;
        SlashedNotShared = totals.SlashedNotShared;
        RequesterRefund = totals.Requester;
        ToTreasury = totals.Treasury;
        ToOwner = totals.Owner;
        Burned = totals.Burned;
        CarriedOver = totals.CarriedOver;
        Workers = new WorkerList(this);
    }

    /// <summary>Gets the name of the policy that produced the plan.</summary>
    public string PolicyName { get; }

    /// <summary>Gets the task budget escrowed by the requester.</summary>
    public TokenAmount Budget { get; }

    /// <summary>Gets the fees charged on the budget, in policy order.</summary>
    public IReadOnlyList<FeeCharge> Fees => _fees;

    /// <summary>Gets the sum of the fees (paid to the treasury).</summary>
    public TokenAmount TotalFees { get; }

    /// <summary>Gets the reward pool: budget − fees.</summary>
    public TokenAmount RewardPool { get; }

    /// <summary>Gets the number of workers.</summary>
    public int WorkerCount => _workerIds.Length;

    /// <summary>Gets the workers' lines in input order.</summary>
    public IReadOnlyList<WorkerSettlement> Workers { get; }

    /// <summary>Gets the worker ids in input order.</summary>
    public ReadOnlySpan<string> WorkerIds => _workerIds;

    /// <summary>Gets each worker's stake.</summary>
    public AmountColumn Stakes => new(_columns, AmountColumnKind.Stake);

    /// <summary>Gets each worker's slash.</summary>
    public AmountColumn Slashes => new(_columns, AmountColumnKind.Slash);

    /// <summary>Gets each worker's reward paid now.</summary>
    public AmountColumn Rewards => new(_columns, AmountColumnKind.Reward);

    /// <summary>Gets each worker's share of redistributed slashes.</summary>
    public AmountColumn Redistributions => new(_columns, AmountColumnKind.Redistribution);

    /// <summary>Gets each worker's held-back reward (all zero when holdback is off).</summary>
    public AmountColumn HeldBack => new(_columns, AmountColumnKind.HeldBack);

    /// <summary>Gets each worker's payout (<c>stake − slash + reward + redistribution</c>), the Merkle leaf amount.</summary>
    public AmountColumn Payouts => new(_columns, AmountColumnKind.Payout);

    /// <summary>Gets the sum of stakes.</summary>
    public TokenAmount TotalStakes { get; }

    /// <summary>Gets the sum of slashes.</summary>
    public TokenAmount TotalSlashed { get; }

    /// <summary>Gets the sum of rewards paid now.</summary>
    public TokenAmount TotalRewards { get; }

    /// <summary>Gets the sum of redistribution shares.</summary>
    public TokenAmount TotalRedistributed { get; }

    /// <summary>Gets the sum of held-back rewards.</summary>
    public TokenAmount TotalHeldBack { get; }

    /// <summary>Gets the sum of payouts.</summary>
    public TokenAmount TotalPayouts { get; }

    /// <summary>Gets the part of the pool neither paid nor held: unspent budget plus rounding dust.</summary>
    public TokenAmount UnspentRewards { get; }

    /// <summary>Gets rounding dust left when slashes were shared among coherent peers.</summary>
    public TokenAmount RedistributionDust { get; }

    /// <summary>Gets slashed value not shared with peers (policy sends it elsewhere, or nobody was coherent).</summary>
    public TokenAmount SlashedNotShared { get; }

    /// <summary>Gets the total returned to the requester.</summary>
    public TokenAmount RequesterRefund { get; }

    /// <summary>Gets the total sent to the treasury besides fees.</summary>
    public TokenAmount ToTreasury { get; }

    /// <summary>Gets the total sent to the owner.</summary>
    public TokenAmount ToOwner { get; }

    /// <summary>Gets the total burned.</summary>
    public TokenAmount Burned { get; }

    /// <summary>Gets the total carried over to the next round.</summary>
    public TokenAmount CarriedOver { get; }

    /// <summary>Gets what came in: budget + stakes.</summary>
    public TokenAmount TotalIn => Budget + TotalStakes;

    /// <summary>Gets what goes out: payouts + held back + fees + refund + treasury + owner + burned + carried over.</summary>
    public TokenAmount TotalOut => TotalPayouts + TotalHeldBack + TotalFees + RequesterRefund + ToTreasury + ToOwner + Burned + CarriedOver;

    /// <summary>Returns one worker's line.</summary>
    /// <param name="index">The worker's index in the input.</param>
    /// <returns>The line.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public WorkerSettlement GetWorker(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, WorkerCount);
        var c = _columns;
        return new WorkerSettlement(
            index,
            _workerIds[index],
            c.Get(AmountColumnKind.Stake, index),
            c.Get(AmountColumnKind.Slash, index),
            c.Get(AmountColumnKind.Reward, index),
            c.Get(AmountColumnKind.Redistribution, index),
            c.Get(AmountColumnKind.HeldBack, index),
            c.Get(AmountColumnKind.Payout, index));
    }

    /// <summary>
    /// Re-adds every column and every flow and checks the books: each slash ≤ its stake; each payout = stake − slash + reward + redistribution;
    /// each total equals its column's sum; fees + pool = budget; rewards + held + unspent = pool; shares + dust + not-shared = slashed;
    /// the recipients' totals equal the flows routed to them; and budget + stakes = everything paid out, to the base unit.
    /// </summary>
    /// <returns>The result, with every failed check named.</returns>
    public SettlementVerification Verify()
    {
        var problems = new List<string>();
        var sums = new TokenAmount[6];
        for (var i = 0; i < WorkerCount; i++)
        {
            var w = GetWorker(i);
            if (w.Slash > w.Stake)
            {
                problems.Add($"worker {i} ('{w.WorkerId}'): slash {w.Slash} exceeds stake {w.Stake}.");
                continue;
            }

            if (w.Stake - w.Slash + w.Reward + w.Redistribution != w.Payout)
            {
                problems.Add($"worker {i} ('{w.WorkerId}'): payout {w.Payout} is not stake − slash + reward + redistribution.");
            }

            sums[0] += w.Stake;
            sums[1] += w.Slash;
            sums[2] += w.Reward;
            sums[3] += w.Redistribution;
            sums[4] += w.HeldBack;
            sums[5] += w.Payout;
        }

        Check(problems, "total stakes", sums[0], TotalStakes);
        Check(problems, "total slashed", sums[1], TotalSlashed);
        Check(problems, "total rewards", sums[2], TotalRewards);
        Check(problems, "total redistributed", sums[3], TotalRedistributed);
        Check(problems, "total held back", sums[4], TotalHeldBack);
        Check(problems, "total payouts", sums[5], TotalPayouts);
        var fees = TokenAmount.Zero;
        foreach (var f in _fees)
        {
            fees += f.Amount;
        }

        Check(problems, "total fees", fees, TotalFees);
        Check(problems, "fees + reward pool", TotalFees + RewardPool, Budget);
        Check(problems, "rewards + held back + unspent", TotalRewards + TotalHeldBack + UnspentRewards, RewardPool);
        Check(problems, "redistributed + dust + not shared", TotalRedistributed + RedistributionDust + SlashedNotShared, TotalSlashed);
        Check(problems, "recipients of unallocated value", RequesterRefund + ToTreasury + ToOwner + Burned + CarriedOver, UnspentRewards + RedistributionDust + SlashedNotShared);
        Check(problems, "conservation (out vs in = budget + stakes)", TotalOut, TotalIn);
        return new SettlementVerification(problems.Count == 0, TotalIn, TotalOut, problems);
    }

    private static void Check(List<string> problems, string what, TokenAmount actual, TokenAmount expected)
    {
        if (actual != expected)
        {
            problems.Add($"{what}: {actual} ≠ {expected}.");
        }
    }

    private sealed class WorkerList(SettlementPlan plan) : IReadOnlyList<WorkerSettlement>
    {
        public int Count => plan.WorkerCount;

        public WorkerSettlement this[int index] => plan.GetWorker(index);

        public IEnumerator<WorkerSettlement> GetEnumerator()
        {
            for (var i = 0; i < plan.WorkerCount; i++)
            {
                yield return plan.GetWorker(i);
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>The result of <see cref="SettlementPlan.Verify"/>.</summary>
/// <param name="IsBalanced">Whether every check passed.</param>
/// <param name="TotalIn">Budget + stakes.</param>
/// <param name="TotalOut">Everything paid, held, charged, refunded, burned or carried over.</param>
/// <param name="Problems">The failed checks, each naming what and where; empty when balanced.</param>
public sealed record SettlementVerification(bool IsBalanced, TokenAmount TotalIn, TokenAmount TotalOut, IReadOnlyList<string> Problems)
{
    /// <summary>Throws when the plan does not balance.</summary>
    /// <exception cref="InvalidOperationException">A check failed; the message lists every failure.</exception>
    public void ThrowIfUnbalanced()
    {
        if (!IsBalanced)
        {
            throw new InvalidOperationException("The settlement plan does not balance: " + string.Join(" ", Problems));
        }
    }
}

/// <summary>Totals the engine computed alongside the columns.</summary>
internal struct SettlementTotals
{
    public TokenAmount Fees;
    public TokenAmount RewardPool;
    public TokenAmount Stakes;
    public TokenAmount Slashed;
    public TokenAmount Rewards;
    public TokenAmount Redistributed;
    public TokenAmount HeldBack;
    public TokenAmount Payouts;
    public TokenAmount UnspentRewards;
    public TokenAmount RedistributionDust;
    public TokenAmount SlashedNotShared;
    public TokenAmount Requester;
    public TokenAmount Treasury;
    public TokenAmount Owner;
    public TokenAmount Burned;
    public TokenAmount CarriedOver;

    public void Route(Policies.FundsRecipient recipient, TokenAmount amount)
    {
        switch (recipient)
        {
            case Policies.FundsRecipient.Requester: Requester += amount; break;
            case Policies.FundsRecipient.Treasury: Treasury += amount; break;
            case Policies.FundsRecipient.Owner: Owner += amount; break;
            case Policies.FundsRecipient.Burn: Burned += amount; break;
            case Policies.FundsRecipient.CarryOver: CarriedOver += amount; break;
            default: throw new ArgumentOutOfRangeException(nameof(recipient), recipient, "Unknown recipient.");
        }
    }
}
