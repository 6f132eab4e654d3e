// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;

namespace TokenLabeling.Economics.Tests.Policies;

public sealed class PolicyValidationTests
{
    [Fact]
    public void SlashingPolicy_RatesAndThresholdsValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlashingPolicy(SlashBasis.Incoherence, 10_001));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlashingPolicy(SlashBasis.Incoherence, 100, capBasisPoints: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlashingPolicy(SlashBasis.Incoherence, 100, exemptAtOrAboveCoherence: 1.2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlashingPolicy((SlashBasis)42, 100));
        Assert.Throws<ArgumentException>(() => new QaPenaltyTiers(500, 400, 2000));
    }

    [Fact]
    public void RewardPolicy_Validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RewardPolicy(ShareWeighting.Stake));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RewardPolicy(ShareWeighting.CoherenceWeightedLabels, coherencePower: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RewardPolicy(ShareWeighting.CoherenceWeightedLabels, coherencePower: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RewardPolicy(ShareWeighting.AgreeingLabels, minimumCoherence: 2));
        Assert.Throws<ArgumentException>(() => new RewardPolicy(ShareWeighting.EqualPerCoherentVote, ratePerLabel: 5UL));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RewardPolicy(ShareWeighting.AgreeingLabels, unspentTo: (FundsRecipient)9));
    }

    [Fact]
    public void SettlementPolicy_RequiresEveryPart()
    {
        var reward = new RewardPolicy(ShareWeighting.AgreeingLabels);
        Assert.Throws<ArgumentNullException>(() => new SettlementPolicy("x", null!, reward, SlashingPolicy.None, RedistributionPolicy.AllTo(FundsRecipient.Requester)));
        Assert.ThrowsAny<ArgumentException>(() => new SettlementPolicy(" ", FeePolicy.None, reward, SlashingPolicy.None, RedistributionPolicy.AllTo(FundsRecipient.Requester)));
    }

    [Fact]
    public void StakePolicy_TiersValidated_PerItemScope()
    {
        Assert.Throws<ArgumentException>(() => new StakePolicy([], StakeScope.PerTask));
        Assert.Throws<ArgumentException>(() => new StakePolicy([new StakeTier("a", 10, 1UL, null)], StakeScope.PerTask));
        Assert.Throws<ArgumentException>(() => new StakePolicy([new StakeTier("a", 0, 1UL, null), new StakeTier("b", 0, 2UL, null)], StakeScope.PerTask));
        var perItem = new StakePolicy([new StakeTier("a", 0, 3UL, null), new StakeTier("b", 100, 5UL, 7)], StakeScope.PerItem);
        Assert.Equal(new TokenAmount(30), perItem.RequiredStake(50, 10));
        Assert.Equal(new TokenAmount(50), perItem.RequiredStake(100, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => perItem.RequiredStake(-1, 1));
    }

    [Fact]
    public void LockupMultiplier_Validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LockupMultiplier(10_001, TimeSpan.FromDays(1), 1UL));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LockupMultiplier(100, TimeSpan.Zero, 1UL));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LockupMultiplier(100, TimeSpan.FromDays(1), TokenAmount.Zero));
    }

    [Fact]
    public void TokenUnit_ParsesAndFormats()
    {
        var usdc = new TokenUnit(6, "USDC");
        Assert.Equal(new TokenAmount(12_500_000), usdc.Parse("12.5"));
        Assert.Equal("12.5", usdc.Format(new TokenAmount(12_500_000)));
        Assert.Equal(new TokenAmount(1_000_000), usdc.OneToken);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenUnit(78));
        Assert.Throws<FormatException>(() => usdc.Parse("0.0000001"));
    }
}
