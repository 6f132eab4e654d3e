// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;
using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Settlement;
using TokenLabeling.Simulation.Engine;

namespace TokenLabeling.Simulation.Tests.Engine;

/// <summary>The simulator's round kernel must give SettlementEngine's plan to the base unit on the same inputs.</summary>
public class RoundSettlementKernelTests
{
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 400)]
    public bool Kernel_EqualsSettlementEngine_ToTheBaseUnit(SettlementPolicy policy, Round round)
    {
        if (!RoundSettlementKernel.Supports(policy))
        {
            return true;
        }

        var (kernel, engine) = SettleBoth(policy, round);
        return kernel == engine;
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 20_000)]
    [Trait("Category", "Long")]
    public bool Kernel_EqualsSettlementEngine_Soak(SettlementPolicy policy, Round round) => Kernel_EqualsSettlementEngine_ToTheBaseUnit(policy, round);

    [Fact]
    public void Kernel_EqualsEngine_OnEveryPresetItSupports()
    {
        var presets = new[]
        {
            SettlementPresets.Kleros(), SettlementPresets.Kleros(2500), SettlementPresets.Recommended(), SettlementPresets.Escrow(0, 10_000),
            SettlementPresets.FlatFee(new TokenAmount(1_000_000UL), 300), SettlementPresets.Deano(new TokenAmount(100_000UL)),
        };
        var random = new Random(7);
        foreach (var policy in presets)
        {
            Assert.True(RoundSettlementKernel.Supports(policy), policy.Name);
            for (var trial = 0; trial < 50; trial++)
            {
                var round = Arbitraries.RandomRound(random);
                var (kernel, engine) = SettleBoth(policy, round);
                Assert.Equal(engine, kernel);
            }
        }
    }

    [Fact]
    public void CoherenceWeightedRewards_AreLeftToTheEngine()
    {
        Assert.False(RoundSettlementKernel.Supports(SettlementPresets.Sapien(new QaPenaltyTiers(500, 1000, 2000))));
        Assert.Throws<ArgumentException>(() => new RoundSettlementKernel(SettlementPresets.Sapien(new QaPenaltyTiers(500, 1000, 2000))));
    }

    [Fact]
    public void ComparisonModel_ByHand()
    {
        // +1 token per agreeing label (rate), -0.5 token of stake per wrong label (escrow slashing at 50% with 1 token locked per label).
        var policy = new SettlementPolicy(
            "plus1-minus0.5",
            FeePolicy.None,
            new RewardPolicy(ShareWeighting.AgreeingLabels, ratePerLabel: new TokenAmount(1_000_000UL)),
            new SlashingPolicy(SlashBasis.WrongOrMissedLabels, 5_000),
            RedistributionPolicy.AllTo(FundsRecipient.Treasury));
        var kernel = new RoundSettlementKernel(policy);
        long[] stakes = [5_000_000, 200_000];
        int[] committed = [5, 3];
        int[] agreeing = [4, 1];
        var slash = new long[2];
        var reward = new long[2];
        var share = new long[2];
        var held = new long[2];
        var totals = kernel.Settle(8_000_000, stakes, committed, agreeing, [0, 0], [WorkerFlags.None, WorkerFlags.None], slash, reward, share, held);

        // A: 5e6 × 5000 × 1 / (10000 × 5) = 500,000. B (stake capped at its balance): floor(2e5 × 5000 × 2 / (10000 × 3)) = 66,666.
        Assert.Equal([500_000L, 66_666L], slash);
        Assert.Equal([4_000_000L, 1_000_000L], reward);
        Assert.Equal([0L, 0L], share);
        Assert.Equal(566_666, totals.Slashed);
        Assert.Equal(566_666, totals.Treasury);
        Assert.Equal(3_000_000, totals.Requester);
        Assert.Equal(5_200_000 - 566_666 + 5_000_000, totals.Payouts);
    }

    private static (RoundSettlementTotalsView Kernel, RoundSettlementTotalsView Engine) SettleBoth(SettlementPolicy policy, Round round)
    {
        // Half the workers lock exactly the hinted stake per committed label, so both slash formulas are exercised.
        var stakeUnit = round.StakeUnit;
        var n = round.Stakes.Length;
        var kernel = new RoundSettlementKernel(policy);
        var slash = new long[n];
        var reward = new long[n];
        var share = new long[n];
        var held = new long[n];
        RoundSettlementTotalsView kernelView;
        try
        {
            var totals = kernel.Settle(round.Budget, round.Stakes, round.Committed, round.Agreeing, round.UnderReview, round.Flags, slash, reward, share, held, stakeUnit);
            kernelView = new RoundSettlementTotalsView(totals, slash, reward, share, held);
        }
        catch (OverflowException)
        {
            kernelView = RoundSettlementTotalsView.Overflow;
        }

        var outcomes = new WorkerOutcome[n];
        for (var i = 0; i < n; i++)
        {
            outcomes[i] = WorkerOutcome.FromCounts($"w{i}", new TokenAmount((ulong)round.Stakes[i]), round.Committed[i], round.Committed[i], round.Agreeing[i], round.UnderReview[i]) with { Flags = round.Flags[i] };
        }

        var plan = SettlementEngine.Settle(new TokenAmount((ulong)round.Budget), outcomes, policy);
        Assert.True(plan.Verify().IsBalanced);
        var engineView = kernelView == RoundSettlementTotalsView.Overflow
            ? RoundSettlementTotalsView.Overflow
            : new RoundSettlementTotalsView(
                RoundSettlementTotals.FromPlan(plan),
                [.. plan.Slashes.Select(RoundSettlementTotals.ToLong)],
                [.. plan.Rewards.Select(RoundSettlementTotals.ToLong)],
                [.. plan.Redistributions.Select(RoundSettlementTotals.ToLong)],
                [.. plan.HeldBack.Select(RoundSettlementTotals.ToLong)]);
        return (kernelView, engineView);
    }

    /// <summary>A comparable snapshot of a settlement: totals and every per-worker column.</summary>
    private sealed record RoundSettlementTotalsView(RoundSettlementTotals Totals, string Columns)
    {
        public RoundSettlementTotalsView(RoundSettlementTotals totals, long[] slash, long[] reward, long[] share, long[] held)
            : this(totals, string.Join(';', slash) + "|" + string.Join(';', reward) + "|" + string.Join(';', share) + "|" + string.Join(';', held))
        {
        }

        public static RoundSettlementTotalsView Overflow { get; } = new(default(RoundSettlementTotals), "overflow");
    }

    /// <summary>One round's inputs: budget and per-worker columns.</summary>
    public sealed record Round(long Budget, long[] Stakes, int[] Committed, int[] Agreeing, int[] UnderReview, WorkerFlags[] Flags, long StakeUnit = 0)
    {
        public override string ToString() =>
            $"budget {Budget}; stakes [{string.Join(", ", Stakes)}]; committed [{string.Join(", ", Committed)}]; agreeing [{string.Join(", ", Agreeing)}]; review [{string.Join(", ", UnderReview)}]; flags [{string.Join(", ", Flags)}]";
    }

    public static class Arbitraries
    {
        private static readonly WorkerFlags[] s_flags = [WorkerFlags.None, WorkerFlags.None, WorkerFlags.QaWarning, WorkerFlags.QaMinor, WorkerFlags.QaMajor, WorkerFlags.QaSevere];

        public static Arbitrary<SettlementPolicy> Policies()
        {
            var recipients = Enum.GetValues<FundsRecipient>();
            var gen =
                from fee in Gen.Choose(-2, 2500)
                from rewardKind in Gen.Choose(0, 4)
                from rate in Gen.Choose(1, 3_000_000)
                from minimum in Gen.Choose(0, 10)
                from unspent in Gen.Elements(recipients)
                from basis in Gen.Elements(Enum.GetValues<SlashBasis>())
                from slashRate in Gen.Choose(0, 10_000)
                from exempt in Gen.Choose(-3, 10)
                from cap in Gen.Elements(10_000, 10_000, 5_000, 1, 0)
                from qa in Gen.Elements(true, false)
                from toPeers in Gen.Elements(true, false)
                from peerWeighting in Gen.Elements(ShareWeighting.AgreeingLabels, ShareWeighting.EqualPerCoherentVote, ShareWeighting.Stake, ShareWeighting.MajorityShareTenths)
                from above in Gen.Choose(0, 10)
                from otherwise in Gen.Elements(recipients)
                from dust in Gen.Elements(recipients)
                from holdback in Gen.Elements(true, false)
                select new SettlementPolicy(
                    "random",
                    fee < 0 ? FeePolicy.None : FeePolicy.Platform(fee),
                    rewardKind switch
                    {
                        0 => new RewardPolicy(ShareWeighting.AgreeingLabels, minimumCoherence: minimum / 10.0, unspentTo: unspent),
                        1 => new RewardPolicy(ShareWeighting.AgreeingLabels, ratePerLabel: new TokenAmount((ulong)rate), minimumCoherence: minimum / 10.0, unspentTo: unspent),
                        2 => new RewardPolicy(ShareWeighting.EqualPerCoherentVote, minimumCoherence: minimum / 10.0, unspentTo: unspent),
                        3 => new RewardPolicy(ShareWeighting.MajorityShareTenths, ratePerLabel: new TokenAmount((ulong)rate), minimumCoherence: minimum / 10.0, unspentTo: unspent),
                        _ => new RewardPolicy(ShareWeighting.MajorityShareTenths, minimumCoherence: minimum / 10.0, unspentTo: unspent),
                    },
                    new SlashingPolicy(basis, slashRate, exempt < 0 ? null : exempt / 10.0, cap, qa ? new QaPenaltyTiers(100, 700, 2500) : null),
                    new RedistributionPolicy(toPeers, peerWeighting, above / 10.0, otherwise, dust),
                    new HoldbackPolicy(holdback));
            return gen.ToArbitrary();
        }

        public static Arbitrary<Round> Rounds()
        {
            var worker =
                from stake in Gen.Choose(0, 1_000_000)
                from scale in Gen.Elements(1L, 1L, 1_000L, 10_000L)
                from committed in Gen.Choose(0, 30)
                from agreeShare in Gen.Choose(0, 100)
                from review in Gen.Elements(0, 0, 0, 1, 4)
                from flag in Gen.Elements(s_flags)
                from hinted in Gen.Elements(true, false)
                select (Stake: hinted ? 333_333L * committed : stake * scale, Committed: committed, Agreeing: committed * agreeShare / 100, Review: review, Flag: flag);
            var gen =
                from workers in Gen.ListOf(worker)
                from budget in Gen.Choose(0, 2_000_000)
                from budgetScale in Gen.Elements(1L, 7L, 1_000L, 100_000L)
                from plain in Gen.Elements(true, false)
                select new Round(
                    budget * budgetScale,
                    [.. workers.Select(w => w.Stake)],
                    [.. workers.Select(w => w.Committed)],
                    [.. workers.Select(w => w.Agreeing)],
                    [.. workers.Select(w => plain ? 0 : w.Review)],
                    [.. workers.Select(w => plain ? WorkerFlags.None : w.Flag)],
                    333_333);
            return gen.ToArbitrary();
        }

        public static Round RandomRound(Random random)
        {
            var n = random.Next(0, 60);
            var committed = new int[n];
            var agreeing = new int[n];
            var stakes = new long[n];
            var review = new int[n];
            var flags = new WorkerFlags[n];
            for (var i = 0; i < n; i++)
            {
                committed[i] = random.Next(0, 12);
                agreeing[i] = random.Next(0, committed[i] + 1);
                stakes[i] = random.Next(2) == 0 ? 1_000_000L * committed[i] : random.NextInt64(0, 50_000_000);
                review[i] = random.Next(0, 3);
                flags[i] = s_flags[random.Next(s_flags.Length)];
            }

            return new Round(random.NextInt64(0, 100_000_000), stakes, committed, agreeing, review, flags, 1_000_000);
        }
    }
}
