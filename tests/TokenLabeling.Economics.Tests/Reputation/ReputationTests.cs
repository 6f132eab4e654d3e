// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Reputation;

namespace TokenLabeling.Economics.Tests.Reputation;

public sealed class ReputationTests
{
    [Fact]
    public void BetaReputation_HandComputed()
    {
        Assert.Equal(0.5, BetaReputation.Prior.Expected);
        // 8 good, 2 bad: (8 + 1) / (10 + 2) = 0.75.
        var r = BetaReputation.Prior.Update(8, 2, 1.0);
        Assert.Equal(0.75, r.Expected, 12);
        Assert.Equal(750, r.Score);
        // λ = 0.5 then 0 good, 4 bad: r = 4, s = 1 + 4 = 5 → 5 / 11.
        var faded = r.Update(0, 4, 0.5);
        Assert.Equal(4.0, faded.Positive, 12);
        Assert.Equal(5.0, faded.Negative, 12);
        Assert.Equal(5.0 / 11.0, faded.Expected, 12);
    }

    [Theory]
    [InlineData(-1, 0, 0.5)]
    [InlineData(0, double.NaN, 0.5)]
    [InlineData(0, 0, 1.5)]
    public void BetaReputation_InvalidEvidence_Throws(double pos, double neg, double lambda) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BetaReputation.Prior.Update(pos, neg, lambda));

    [Fact]
    public void Eligibility_SuspendsForMRoundsAfterNFailures()
    {
        // N = 2 failures in a row (coherence < 0.6) → suspended M = 3 rounds.
        var policy = new EligibilityPolicy(0.6, 2, 3, 1.0, SapienStaking.Tiers);
        var s = WorkerStanding.New;
        s = policy.AfterRound(s, 1, 9, 0.1);
        Assert.Equal(1, s.ConsecutiveFailures);
        s = policy.AfterRound(s, 9, 1, 0.9); // a pass resets the run
        Assert.Equal(0, s.ConsecutiveFailures);
        s = policy.AfterRound(s, 1, 9, 0.1);
        s = policy.AfterRound(s, 1, 9, 0.1);
        Assert.False(s.IsEligible);
        Assert.Equal(3, s.SuspendedRoundsLeft);
        Assert.Equal(0, policy.TaskQuota(s, 50));
        Assert.Throws<InvalidOperationException>(() => policy.AfterRound(s, 1, 0, 1.0));
        s = policy.AfterIdleRound(policy.AfterIdleRound(policy.AfterIdleRound(s)));
        Assert.True(s.IsEligible);
    }

    [Fact]
    public void Eligibility_LowTierHasReducedQuota()
    {
        var policy = new EligibilityPolicy(0.6, 3, 5, 1.0, SapienStaking.Tiers);
        // Prior 0.5 → score 500 → Contributor (no quota → default). Bad history: 0 good, 20 bad → 1/22 → 45 → Trainee, quota 100.
        Assert.Equal("Contributor", policy.TierOf(WorkerStanding.New).Name);
        Assert.Equal(1000, policy.TaskQuota(WorkerStanding.New, 1000));
        var poor = WorkerStanding.New with { Reputation = new BetaReputation(0, 20) };
        Assert.Equal("Trainee", policy.TierOf(poor).Name);
        Assert.Equal(100, policy.TaskQuota(poor, 1000));
        var expert = WorkerStanding.New with { Reputation = new BetaReputation(89, 38) }; // 90/129 = 0.6976 → 697
        Assert.Equal("Expert", policy.TierOf(expert).Name);
    }
}
