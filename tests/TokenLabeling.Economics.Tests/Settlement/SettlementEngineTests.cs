// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using System.Text.Json;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;
using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Settlement;
using TokenLabeling.Economics.Tests.Presets;

namespace TokenLabeling.Economics.Tests.Settlement;

public sealed class SettlementEngineTests
{
    private static readonly SettlementPolicy s_escrow = SettlementPresets.Escrow(500, 2000);

    [Theory]
    [InlineData(-1, 0, 0, 0.0, "cannot be negative")]
    [InlineData(5, 6, 0, 0.0, "agreeing ≤ revealed ≤ committed")]
    [InlineData(5, 3, 4, 0.5, "agreeing ≤ revealed ≤ committed")]
    [InlineData(5, 5, 5, 1.5, "coherence must be in [0, 1]")]
    [InlineData(5, 5, 5, -0.1, "coherence must be in [0, 1]")]
    [InlineData(5, 5, 5, double.NaN, "coherence must be in [0, 1]")]
    public void Settle_InvalidWorker_ThrowsNamingWorker(int committed, int revealed, int agreeing, double coherence, string expected)
    {
        WorkerOutcome[] workers =
        [
            WorkerOutcome.FromCounts("ok", 10UL, 1, 1, 1),
            new("0xbad", 10UL, committed, revealed, agreeing, coherence),
        ];
        var ex = Assert.Throws<ArgumentException>(() => SettlementEngine.Settle(100UL, workers, s_escrow));
        Assert.Contains("worker 1 ('0xbad')", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Settle_Chunked_NamesTheFirstInvalidWorker()
    {
        var workers = Enumerable.Range(0, 40).Select(i => WorkerOutcome.FromCounts($"w{i}", 10UL, 2, 2, 1)).ToArray();
        workers[33] = workers[33] with { Agreeing = 5 };
        workers[12] = workers[12] with { Coherence = 2 };
        var ex = Assert.Throws<ArgumentException>(() => SettlementEngine.Settle(100UL, workers, workers, s_escrow, SettlementEngine.SettlementPath.Auto, 4, CancellationToken.None));
        Assert.Contains("worker 12 ('w12')", ex.Message);
    }

    [Fact]
    public void Settle_LargeArray_UsesChunksAndBalances()
    {
        var workers = Enumerable.Range(0, SettlementEngine.ParallelThreshold + 7).Select(i => WorkerOutcome.FromCounts($"w{i}", (ulong)(1 + (i % 97)), 10, 10 - (i % 3), 10 - (i % 5) - (i % 3) > 0 ? 10 - (i % 5) - (i % 3) : 0)).ToArray();
        var array = SettlementEngine.Settle(1_000_003UL, workers, s_escrow);
        var span = SettlementEngine.Settle(1_000_003UL, workers.AsSpan(), s_escrow);
        Assert.True(array.Verify().IsBalanced);
        Assert.Equal(span.Payouts.ToArray(), array.Payouts.ToArray());
        Assert.Equal(span.RequesterRefund, array.RequesterRefund);
    }

    [Fact]
    public void Settle_EmptyWorkerId_Throws()
    {
        Assert.Throws<ArgumentException>(() => new WorkerOutcome("", 1UL, 0, 0, 0, 0));
        Assert.Throws<ArgumentException>(() => WorkerOutcome.FromCounts(null!, 1UL, 0, 0, 0));
        var ex = Assert.Throws<ArgumentException>(() => SettlementEngine.Settle(100UL, [WorkerOutcome.FromCounts("a", 1UL, 1, 1, 1), default], s_escrow));
        Assert.Contains("worker 1", ex.Message);
    }

    [Fact]
    public void Settle_StakesOverflowUint256_ThrowsClearError()
    {
        var half = TokenAmount.FromBigInteger(BigInteger.One << 255);
        WorkerOutcome[] workers = [WorkerOutcome.FromCounts("a", half, 1, 1, 1), WorkerOutcome.FromCounts("b", half, 1, 1, 1)];
        var ex = Assert.Throws<ArgumentException>(() => SettlementEngine.Settle(1UL, workers, s_escrow));
        Assert.Contains("exceeds uint256", ex.Message);
        Assert.Contains("worker 1 ('b')", ex.Message);
    }

    [Fact]
    public void Settle_AmountsBeyond128Bits_TakeTheWidePathAndBalance()
    {
        // Stake 2^200: slash = 2^200·2000·2/(10000·10) = 2^200/25 (floor); checked against BigInteger.
        var big = TokenAmount.FromBigInteger(BigInteger.One << 200);
        WorkerOutcome[] workers = [WorkerOutcome.FromCounts("a", big, 10, 10, 8), WorkerOutcome.FromCounts("b", 7UL, 10, 10, 10)];
        var plan = SettlementEngine.Settle(big, workers, s_escrow);
        Assert.Equal((BigInteger.One << 200) * 4000 / 100_000, plan.Slashes[0].ToBigInteger());
        Assert.True(plan.Verify().IsBalanced);
    }

    [Fact]
    public void FeePolicy_AboveHundredPercent_Rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FeePolicy([new FeeLine("platform", 6000), new FeeLine("oracle", 4001)]));
        Assert.Contains("10001 bps", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FeeLine("x", 10_001));
        Assert.Throws<ArgumentException>(() => new FeePolicy([new FeeLine("a", 1), new FeeLine("a", 2)]));
    }

    [Fact]
    public void HumanOracleFees_CappedAt25PercentEach()
    {
        // Recording oracle 10%, reputation oracle 5% of 999: floor(99.9) = 99, floor(49.95) = 49.
        var fees = FeePolicy.HumanOracles(("recording", 1000), ("reputation", 500));
        Assert.Equal(new TokenAmount(99), fees.Lines[0].On(999UL));
        Assert.Equal(new TokenAmount(49), fees.Lines[1].On(999UL));
        var ex = Assert.Throws<ArgumentException>(() => FeePolicy.HumanOracles(("recording", 2600)));
        Assert.Contains("2500 bps allowed per fee", ex.Message);
    }

    [Fact]
    public void FeeLine_Cap_LimitsFee()
    {
        // HUMAN-style: each oracle fee a percentage, floor division; here capped at 30.
        var policy = new FeePolicy([new FeeLine("recording-oracle", 1000, 30UL), new FeeLine("reputation-oracle", 250)]);
        Assert.Equal(new TokenAmount(30), policy.Lines[0].On(1000UL));
        Assert.Equal(new TokenAmount(24), policy.Lines[1].On(999UL));
    }

    [Fact]
    public void Holdback_HoldsReviewRewards_ThenResolves()
    {
        // Pro rata by agreeing labels with holdback: weights A: 6 accepted + 2 under review, B: 2 accepted + 0 → W = 10, pool 1000.
        // A: reward 600, held 200; B: reward 200. Unspent 0. Resolution: A's review approved → 200 paid; otherwise returned.
        var policy = new SettlementPolicy(
            "holdback",
            FeePolicy.None,
            new RewardPolicy(ShareWeighting.AgreeingLabels),
            SlashingPolicy.None,
            RedistributionPolicy.AllTo(FundsRecipient.Requester),
            new HoldbackPolicy(true));
        WorkerOutcome[] workers = [WorkerOutcome.FromCounts("A", 0UL, 6, 6, 6, underReview: 2), WorkerOutcome.FromCounts("B", 0UL, 2, 2, 2)];
        var plan = SettlementEngine.Settle(1000UL, workers, policy);
        Assert.Equal(new TokenAmount[] { 600, 200 }, plan.Rewards.ToArray());
        Assert.Equal(new TokenAmount[] { 200, 0 }, plan.HeldBack.ToArray());
        Assert.Equal(new TokenAmount(200), plan.TotalHeldBack);
        Assert.True(plan.Verify().IsBalanced);

        var paid = plan.ResolveHoldback([true, true]);
        Assert.Equal(new TokenAmount[] { 200, 0 }, paid.Released.ToArray());
        Assert.Equal(TokenAmount.Zero, paid.ReturnedToRequester);
        var returned = plan.ResolveHoldback([false, true]);
        Assert.Equal(new TokenAmount(200), returned.ReturnedToRequester);
        Assert.Throws<ArgumentException>(() => plan.ResolveHoldback([true]));
    }

    [Fact]
    public void CoherencePower_MakesTopWorkersEarnDisproportionatelyMore()
    {
        // 10 labels each at coherence 1.0 and 0.5. Linear: weights 10·1e6, 10·5e5 → 2:1 → 600/300 of 900.
        // Power 2: 10·1e6, 10·2.5e5 → 4:1 → 720/180.
        WorkerOutcome[] workers = [new("hi", 0UL, 10, 10, 10, 1.0), new("lo", 0UL, 10, 10, 5, 0.5)];
        SettlementPolicy Policy(double p) => new("p", FeePolicy.None, new RewardPolicy(ShareWeighting.CoherenceWeightedLabels, p), SlashingPolicy.None, RedistributionPolicy.AllTo(FundsRecipient.Requester));
        Assert.Equal(new TokenAmount[] { 600, 300 }, SettlementEngine.Settle(900UL, workers, Policy(1)).Rewards.ToArray());
        Assert.Equal(new TokenAmount[] { 720, 180 }, SettlementEngine.Settle(900UL, workers, Policy(2)).Rewards.ToArray());
    }

    [Fact]
    public void StakeProRataRedistribution_CapAndThreshold()
    {
        // Incoherence slashing at 10000 bps with a 30% cap; exempt at coherence ≥ 0.9. Peers coherent above 0.5 share pro rata to stake.
        // C (coherence 0.2, stake 1000): penalty 1000·8000/10000 = 800, capped at 300. A (0.95, exempt) stake 100, B (0.6) stake 300:
        // B's penalty = 300·4000/10000 = 120, capped at 300·3000/10000 = 90. S = 390; coherent stake 400 →
        // A 390·100/400 = 97.5 → 97, B 390·300/400 = 292.5 → 292; dust 1 to the treasury.
        var policy = new SettlementPolicy(
            "stake-pro-rata",
            FeePolicy.None,
            new RewardPolicy(ShareWeighting.AgreeingLabels),
            new SlashingPolicy(SlashBasis.Incoherence, 10_000, exemptAtOrAboveCoherence: 0.9, capBasisPoints: 3000),
            new RedistributionPolicy(true, ShareWeighting.Stake, coherentAbove: 0.5, otherwise: FundsRecipient.Burn, dustTo: FundsRecipient.Treasury));
        WorkerOutcome[] workers = [new("A", 100UL, 1, 1, 1, 0.95), new("B", 300UL, 1, 1, 1, 0.6), new("C", 1000UL, 1, 1, 0, 0.2)];
        var plan = SettlementEngine.Settle(0UL, workers, policy);
        Assert.Equal(new TokenAmount[] { 0, 90, 300 }, plan.Slashes.ToArray());
        Assert.Equal(new TokenAmount[] { 97, 292, 0 }, plan.Redistributions.ToArray());
        Assert.Equal(new TokenAmount(1), plan.ToTreasury);
        Assert.True(plan.Verify().IsBalanced);

        // Nobody coherent: all slashes burned.
        WorkerOutcome[] none = [new("C", 1000UL, 1, 1, 0, 0.2)];
        Assert.Equal(new TokenAmount(300), SettlementEngine.Settle(0UL, none, policy).Burned);
    }

    [Fact]
    public void PlanJson_RoundTrips_AndRejectsTampering()
    {
        var plan = SettlementEngine.Settle(1000UL, EscrowPresetTests.HandExample(), s_escrow);
        var json = plan.ToJson();
        Assert.Contains("\"payout\": \"612\"", json);
        var back = SettlementPlan.FromJson(json);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(plan.Payouts.ToArray(), back.Payouts.ToArray());

        var tampered = json.Replace("\"payout\": \"612\"", "\"payout\": \"613\"", StringComparison.Ordinal);
        var ex = Assert.Throws<InvalidDataException>(() => SettlementPlan.FromJson(tampered));
        Assert.Contains("worker 0", ex.Message);
        Assert.Throws<JsonException>(() => SettlementPlan.FromJson("{\"format\":\"other\"}"));
        Assert.Throws<JsonException>(() => SettlementPlan.FromJson(json.Replace("\"612\"", "\"-612\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void PolicyJson_RoundTrips_AndValidates()
    {
        foreach (var policy in new[] { s_escrow, SettlementPresets.Kleros(7000), SettlementPresets.Sapien(new QaPenaltyTiers(100, 500, 2500)), SettlementPresets.Deano(100UL), SettlementPresets.FlatFee(5UL, 100) })
        {
            var json = policy.ToJson();
            Assert.Equal(policy, SettlementPolicy.FromJson(json));
        }

        var bad = s_escrow.ToJson().Replace("\"basisPoints\": 500", "\"basisPoints\": 12000", StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => SettlementPolicy.FromJson(bad));
        Assert.Throws<JsonException>(() => SettlementPolicy.FromJson("{\"name\":\"x\",\"unknownField\":1}"));
    }

    [Fact]
    public void Settle_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => SettlementEngine.Settle(1UL, EscrowPresetTests.HandExample(), s_escrow, cts.Token));
    }

    [Fact]
    public void Settle_NoWorkers_RefundsPool()
    {
        var plan = SettlementEngine.Settle(1000UL, [], s_escrow);
        Assert.Equal(new TokenAmount(950), plan.RequesterRefund);
        Assert.Equal(new TokenAmount(50), plan.TotalFees);
        Assert.True(plan.Verify().IsBalanced);
    }
}
