// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;
using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Economics.Tests.Presets;

public sealed class RealSystemPresetTests
{
    private static WorkerOutcome Juror(string id, ulong stake, double coherence) => new(id, stake, 1, 1, coherence > 0 ? 1 : 0, coherence);

    [Fact]
    public void Kleros_ClassicVote_IncoherentStakeGoesToCoherentVotes_DustToOwner()
    {
        // KlerosCore: alpha 10000, locked 2300 per juror; J3 voted for the loser (coherence 0).
        // penalty J3 = 2300·(10000 − 0)/10000 = 2300; coherentCount = 2; pnkReward = (2300/2)·10000/10000 = 1150 each.
        // fees 901: feeReward = (901/2)·1 = 450 each; leftover 1 to the owner.
        WorkerOutcome[] jurors = [Juror("J1", 2300, 1.0), Juror("J2", 2300, 1.0), Juror("J3", 2300, 0.0)];
        var plan = SettlementEngine.Settle(901UL, jurors, SettlementPresets.Kleros());

        Assert.Equal(new TokenAmount[] { 0, 0, 2300 }, plan.Slashes.ToArray());
        Assert.Equal(new TokenAmount[] { 450, 450, 0 }, plan.Rewards.ToArray());
        Assert.Equal(new TokenAmount[] { 1150, 1150, 0 }, plan.Redistributions.ToArray());
        Assert.Equal(new TokenAmount[] { 3900, 3900, 0 }, plan.Payouts.ToArray());
        Assert.Equal(new TokenAmount(1), plan.ToOwner);
        Assert.Equal(TokenAmount.Zero, plan.RequesterRefund);
        Assert.True(plan.Verify().IsBalanced);
    }

    [Fact]
    public void Kleros_GradedCoherence_ScalesPenaltyAndReward()
    {
        // alpha 5000: locked = 1000·5000/10000 = 500.
        // J2 coherence 0.6: penalty = 500·4000/10000 = 200; J3 coherence 0: penalty 500; S = 700.
        // coherent votes (coherence > 0): J1, J2 → per vote 350; J1 gets 350, J2 gets 350·6000/10000 = 210; dust 140 → owner.
        // fees 1000: per vote 500; J1 500, J2 300; leftover 200 → owner.
        WorkerOutcome[] jurors = [Juror("J1", 1000, 1.0), Juror("J2", 1000, 0.6), Juror("J3", 1000, 0.0)];
        var plan = SettlementEngine.Settle(1000UL, jurors, SettlementPresets.Kleros(5000));

        Assert.Equal(new TokenAmount[] { 0, 200, 500 }, plan.Slashes.ToArray());
        Assert.Equal(new TokenAmount[] { 500, 300, 0 }, plan.Rewards.ToArray());
        Assert.Equal(new TokenAmount[] { 350, 210, 0 }, plan.Redistributions.ToArray());
        Assert.Equal(new TokenAmount[] { 1850, 1310, 500 }, plan.Payouts.ToArray());
        Assert.Equal(new TokenAmount(340), plan.ToOwner);
        Assert.True(plan.Verify().IsBalanced);
    }

    [Fact]
    public void Kleros_NobodyCoherent_EverythingToOwner()
    {
        WorkerOutcome[] jurors = [Juror("J1", 100, 0.0), Juror("J2", 100, 0.0)];
        var plan = SettlementEngine.Settle(50UL, jurors, SettlementPresets.Kleros());
        Assert.Equal(new TokenAmount[] { 0, 0 }, plan.Payouts.ToArray());
        Assert.Equal(new TokenAmount(250), plan.ToOwner);
        Assert.True(plan.Verify().IsBalanced);
    }

    [Fact]
    public void Sapien_QaTiersToTreasury_RewardsLinearInQuality()
    {
        // Tiers minor 300, major 1000, severe 2000 bps. Stakes 1000.
        // W2 minor: 1000·300/10000 = 30; W3 severe: 1000·2000/10000 = 200 → 230 to the treasury.
        // Weights: revealed × coherence: 10·1.0, 10·0.5, 5·0.2 = 10, 5, 1 (of 16); pool 1600 → 1000, 500, 100.
        WorkerOutcome[] workers =
        [
            new("W1", 1000UL, 10, 10, 10, 1.0),
            new("W2", 1000UL, 10, 10, 5, 0.5, Flags: WorkerFlags.QaMinor),
            new("W3", 1000UL, 5, 5, 1, 0.2, Flags: WorkerFlags.QaSevere | WorkerFlags.QaWarning),
        ];
        var plan = SettlementEngine.Settle(1600UL, workers, SettlementPresets.Sapien(new QaPenaltyTiers(300, 1000, 2000)));

        Assert.Equal(new TokenAmount[] { 0, 30, 200 }, plan.Slashes.ToArray());
        Assert.Equal(new TokenAmount[] { 1000, 500, 100 }, plan.Rewards.ToArray());
        Assert.Equal(new TokenAmount[] { 0, 0, 0 }, plan.Redistributions.ToArray());
        Assert.Equal(new TokenAmount[] { 2000, 1470, 900 }, plan.Payouts.ToArray());
        Assert.Equal(new TokenAmount(230), plan.ToTreasury);
        Assert.True(plan.Verify().IsBalanced);
    }

    [Fact]
    public void Sapien_RatesOutsideItsTiers_Rejected()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SettlementPresets.Sapien(new QaPenaltyTiers(300, 1600, 2000)));
        Assert.Contains("major", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SettlementPresets.Sapien(new QaPenaltyTiers(50, 1000, 2000)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SettlementPresets.Sapien(new QaPenaltyTiers(300, 1000, 3000)));
    }

    [Theory]
    [InlineData("2500", 365, 15000)] // maximum amount and lock-up: 1.5x
    [InlineData("1250", 365, 12500)] // half the amount: +25%
    [InlineData("2500", 30, 10410)] // 30·5000/365 = 410.96 → 410
    [InlineData("5000", 730, 15000)] // both capped
    [InlineData("2500", 0, 10000)]
    [InlineData("1", 90, 10000)] // 90·1·5000/(365·2500) = 0.49 → 0
    public void Sapien_LockupMultiplier_MatchesVaultFormula(string tokens, int days, int expectedBps) =>
        Assert.Equal(expectedBps, SapienStaking.Multiplier.MultiplierBasisPoints(TokenAmount.Parse(tokens, 18), TimeSpan.FromDays(days)));

    [Fact]
    public void Sapien_StakeTiers_ByReputation()
    {
        Assert.Equal("Trainee", SapienStaking.Tiers.TierFor(150).Name);
        Assert.Equal(TokenAmount.Zero, SapienStaking.Tiers.RequiredStake(150, 10));
        Assert.Equal(100, SapienStaking.Tiers.TierFor(0).MaxTasksPerRound);
        Assert.Equal(TokenAmount.Parse("250", 18), SapienStaking.Tiers.RequiredStake(200, 10));
        Assert.Equal(TokenAmount.Parse("5000", 18), SapienStaking.Tiers.RequiredStake(650, 1));
        Assert.Equal("Master", SapienStaking.Tiers.TierFor(1000).Name);
    }

    [Fact]
    public void Deano_PointsRoundHalfUp_PaidAtBaseRate()
    {
        // round(10·8/10) = 8, round(10·2/3 = 6.67) = 7, round(10·1/4 = 2.5) = 3 (half up), nothing committed = 0.
        // base 100 per point: demand 800 + 700 + 300 = 1800 ≤ 2000 → paid in full, 200 refunded.
        WorkerOutcome[] workers =
        [
            WorkerOutcome.FromCounts("D1", TokenAmount.Zero, 10, 10, 8),
            WorkerOutcome.FromCounts("D2", TokenAmount.Zero, 3, 3, 2),
            WorkerOutcome.FromCounts("D3", TokenAmount.Zero, 4, 4, 1),
            WorkerOutcome.FromCounts("D4", TokenAmount.Zero, 0, 0, 0),
        ];
        var plan = SettlementEngine.Settle(2000UL, workers, SettlementPresets.Deano(100UL));
        Assert.Equal(new TokenAmount[] { 800, 700, 300, 0 }, plan.Payouts.ToArray());
        Assert.Equal(new TokenAmount(200), plan.RequesterRefund);
        Assert.True(plan.Verify().IsBalanced);

        // Budget 900 < demand 1800: pro rata, 900·800/1800 = 400, 350, 150.
        var capped = SettlementEngine.Settle(900UL, workers, SettlementPresets.Deano(100UL));
        Assert.Equal(new TokenAmount[] { 400, 350, 150, 0 }, capped.Payouts.ToArray());
        Assert.Equal(TokenAmount.Zero, capped.RequesterRefund);
    }

    [Fact]
    public void FlatFee_PaysPerAcceptedLabel_CapsProRata()
    {
        // 5 per accepted label: 10, 3, 0 labels → 50, 15, 0. Budget 100, platform 10% → fee 10, pool 90, refund 25.
        WorkerOutcome[] workers =
        [
            WorkerOutcome.FromCounts("F1", TokenAmount.Zero, 12, 12, 10),
            WorkerOutcome.FromCounts("F2", TokenAmount.Zero, 5, 5, 3),
            WorkerOutcome.FromCounts("F3", TokenAmount.Zero, 2, 2, 0),
        ];
        var plan = SettlementEngine.Settle(100UL, workers, SettlementPresets.FlatFee(5UL, 1000));
        Assert.Equal(new TokenAmount(10), plan.TotalFees);
        Assert.Equal(new TokenAmount[] { 50, 15, 0 }, plan.Payouts.ToArray());
        Assert.Equal(new TokenAmount(25), plan.RequesterRefund);

        // Budget 50 < 65: 50·50/65 = 38, 50·15/65 = 11; 1 unit of dust refunded.
        var capped = SettlementEngine.Settle(50UL, workers, SettlementPresets.FlatFee(5UL));
        Assert.Equal(new TokenAmount[] { 38, 11, 0 }, capped.Payouts.ToArray());
        Assert.Equal(new TokenAmount(1), capped.RequesterRefund);
        Assert.True(capped.Verify().IsBalanced);
    }

    [Fact]
    public void Recommended_IsTheEscrowRuleAtFivePercentAndTwentyPercent()
    {
        var plan = SettlementEngine.Settle(1000UL, EscrowPresetTests.HandExample(), SettlementPresets.Recommended());
        Assert.Equal("recommended", plan.PolicyName);
        Assert.Equal(new TokenAmount[] { 612, 546, 40, 33 }, plan.Payouts.ToArray());
    }

    [Fact]
    public void Escrow_FeeAboveContractLimit_Rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SettlementPresets.Escrow(2501, 1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => SettlementPresets.Escrow(500, 10001));
    }
}
