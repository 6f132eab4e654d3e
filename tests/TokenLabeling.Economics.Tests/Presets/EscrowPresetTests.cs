// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Economics.Tests.Presets;

public sealed class EscrowPresetTests
{
    // Hand-computed from the escrow rule: B = 1000, f = 500 bps, σ = 2000 bps.
    // fee = 1000·500/10000 = 50, pool = 950.
    // A: s 100, n 10, r 10, a 8 → slash = 100·2000·2/(10000·10) = 4
    // B: s 100, n 10, r 7, a 7 → slash = 100·2000·3/100000 = 6 (3 missed, slashed like wrong)
    // C: s 50, n 10, r 0, a 0 → slash = 50·2000·10/100000 = 10 = s·σ/10000
    // D: s 33, n 0 → slash 0
    // S = 20, A = 15: reward_A = 7600/15 = 506, reward_B = 6650/15 = 443; share_A = 160/15 = 10, share_B = 140/15 = 9
    // payouts 612, 546, 40, 33; refund = 950 − 949 + 20 − 19 = 2; 1000 + 283 = 1231 + 2 + 50.
    internal static WorkerOutcome[] HandExample() =>
    [
        WorkerOutcome.FromCounts("0xA", 100UL, 10, 10, 8),
        WorkerOutcome.FromCounts("0xB", 100UL, 10, 7, 7),
        WorkerOutcome.FromCounts("0xC", 50UL, 10, 0, 0),
        WorkerOutcome.FromCounts("0xD", 33UL, 0, 0, 0),
    ];

    [Fact]
    public void Escrow_HandComputedExample_MatchesRule()
    {
        var plan = SettlementEngine.Settle(1000UL, HandExample(), SettlementPresets.Escrow(500, 2000));

        Assert.Equal(new TokenAmount(50), plan.TotalFees);
        Assert.Equal(new TokenAmount(950), plan.RewardPool);
        Assert.Equal(new TokenAmount[] { 4, 6, 10, 0 }, plan.Slashes.ToArray());
        Assert.Equal(new TokenAmount[] { 506, 443, 0, 0 }, plan.Rewards.ToArray());
        Assert.Equal(new TokenAmount[] { 10, 9, 0, 0 }, plan.Redistributions.ToArray());
        Assert.Equal(new TokenAmount[] { 612, 546, 40, 33 }, plan.Payouts.ToArray());
        Assert.Equal(new TokenAmount(2), plan.RequesterRefund);
        Assert.Equal(new TokenAmount(1231), plan.TotalPayouts);
        Assert.True(plan.Verify().IsBalanced);
        Assert.Equal(new[] { "0xA", "0xB", "0xC", "0xD" }, plan.WorkerIds.ToArray());
    }

    [Fact]
    public void Escrow_NobodyAgrees_RefundsWholePoolAndAllSlashes()
    {
        // A = 0: rewards and shares are 0; refund = pool + S = 950 + (4 + 10) ... here slashes are 100·2000·10/100000 = 20 and 10.
        WorkerOutcome[] workers =
        [
            WorkerOutcome.FromCounts("a", 100UL, 10, 10, 0),
            WorkerOutcome.FromCounts("b", 50UL, 10, 0, 0),
        ];
        var plan = SettlementEngine.Settle(1000UL, workers, SettlementPresets.Escrow(500, 2000));
        Assert.Equal(new TokenAmount[] { 20, 10 }, plan.Slashes.ToArray());
        Assert.Equal(new TokenAmount[] { 80, 40 }, plan.Payouts.ToArray());
        Assert.Equal(new TokenAmount(950 + 30), plan.RequesterRefund);
        Assert.True(plan.Verify().IsBalanced);
    }
}
