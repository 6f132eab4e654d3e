// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using TokenLabeling.Chain.Settlement;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Chain.Tests.Settlement;

public sealed class SettlementPlanConversionsTests
{
    private const string A = "0x00000000000000000000000000000000000000a1";
    private const string B = "0x00000000000000000000000000000000000000b2";
    private const string C = "0x00000000000000000000000000000000000000c3";

    [Fact]
    public void EscrowPlan_BecomesPayoutsRefundAndFee_InWorkerOrder()
    {
        // Same hand calculation as rule.md's example in the integration tests: payouts 612, 612, 50; refund 1; fee 25.
        WorkerOutcome[] workers =
        [
            WorkerOutcome.FromCounts(A, new TokenAmount(100UL), 2, 2, 2),
            WorkerOutcome.FromCounts(B, new TokenAmount(100UL), 2, 2, 2),
            WorkerOutcome.FromCounts(C, new TokenAmount(100UL), 2, 1, 0),
        ];
        var plan = SettlementEngine.Settle(new TokenAmount(1000UL), workers, SettlementPresets.Escrow(250, 5000));
        var chain = plan.ToChainPlan(taskId: 3);
        Assert.Equal((BigInteger)3, chain.TaskId);
        Assert.Equal([A, B, C], chain.Payouts.Select(p => p.Account));
        Assert.Equal(new BigInteger[] { 612, 612, 50 }, chain.Payouts.Select(p => p.Payout).ToArray());
        Assert.Equal((BigInteger)1, chain.Refund);
        Assert.Equal((BigInteger)25, chain.Fee);
        Assert.Equal((BigInteger)1274, chain.TotalPayout);
    }

    [Fact]
    public void WorkerIdsMustBeAddresses()
    {
        var plan = SettlementEngine.Settle(new TokenAmount(10UL), [WorkerOutcome.FromCounts("alice", new TokenAmount(1UL), 1, 1, 1)], SettlementPresets.Escrow(0, 0));
        var e = Assert.Throws<ArgumentException>(() => plan.ToChainPlan(1));
        Assert.Contains("Worker 0", e.Message, StringComparison.Ordinal);
    }
}
