// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;
using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Economics.Tests.Settlement;

/// <summary>One generated settlement: a budget, workers and a policy.</summary>
public sealed record SettlementCase(TokenAmount Budget, WorkerOutcome[] Workers, SettlementPolicy Policy)
{
    public override string ToString() =>
        $"policy {Policy.Name} ({Policy.Reward.Weighting}/{Policy.Slashing.Basis}/{Policy.Redistribution.Weighting}), budget {Budget}, workers [{string.Join("; ", Workers.Select(w => $"{w.WorkerId} s={w.Stake} n={w.Committed} r={w.Revealed} a={w.Agreeing} c={w.Coherence} rev={w.UnderReview} f={w.Flags}"))}]";
}

/// <summary>Named FsCheck arbitraries for settlements across every preset and random policies.</summary>
public static class SettlementArbitraries
{
    public static Arbitrary<SettlementCase> Settlements() => Arb.From(SettlementGen());

    internal static Gen<TokenAmount> AmountGen() =>
        from scale in Gen.Elements(0, 0, 6, 18, 18, 18, 30, 60)
        from mantissa in Gen.Choose(0, 1_000_000)
        from extra in Gen.Choose(0, 999)
        select TokenAmount.FromBigInteger(((BigInteger)mantissa * BigInteger.Pow(10, scale)) + extra);

    internal static Gen<WorkerOutcome> WorkerGen(int index) =>
        from stake in AmountGen()
        from committed in Gen.Choose(0, 20)
        from revealed in Gen.Choose(0, committed)
        from agreeing in Gen.Choose(0, revealed)
        from coherenceMode in Gen.Choose(0, 2)
        from coherenceBps in Gen.Choose(0, 10_000)
        from underReview in Gen.Choose(0, 5)
        from flags in Gen.Choose(0, 15)
        select new WorkerOutcome(
            $"0x{index:x4}",
            stake,
            committed,
            revealed,
            agreeing,
            coherenceMode == 0 && committed > 0 ? (double)agreeing / committed : coherenceBps / 10_000.0,
            underReview,
            (WorkerFlags)flags);

    internal static Gen<SettlementPolicy> PolicyGen() =>
        Gen.OneOf(
            from f in Gen.Choose(0, 2500)
            from s in Gen.Choose(0, 10_000)
            select SettlementPresets.Escrow(f, s),
            Gen.Constant(SettlementPresets.Recommended()),
            from a in Gen.Choose(0, 10_000)
            select SettlementPresets.Kleros(a),
            from minor in Gen.Choose(100, 500)
            from major in Gen.Choose(500, 1500)
            from severe in Gen.Choose(1500, 2500)
            select SettlementPresets.Sapien(new QaPenaltyTiers(minor, major, severe)),
            from b in AmountGen()
            select SettlementPresets.Deano(b),
            from b in AmountGen()
            from f in Gen.Choose(0, 10_000)
            select SettlementPresets.FlatFee(b, f),
            RandomGeneralPolicyGen());

    internal static Gen<SettlementCase> SettlementGen() =>
        from policy in Gen.OneOf(PolicyGen(), RandomGeneralPolicyGen())
        from budget in AmountGen()
        from count in Gen.Choose(0, 12)
        from workers in Gen.CollectToArray(Enumerable.Range(0, count), WorkerGen)
        select new SettlementCase(budget, workers, policy);

    /// <summary>Random general policies, one field at a time (fees summing to at most 100%).</summary>
    internal static Gen<SettlementPolicy> RandomGeneralPolicyGen() =>
        from fees in FeesGen()
        from reward in RewardGen()
        from slashing in SlashingGen()
        from redistribution in RedistributionGen()
        from holdback in Gen.Elements(true, false)
        select new SettlementPolicy("random", fees, reward, slashing, redistribution, new HoldbackPolicy(holdback));

    private static Gen<FeePolicy> FeesGen() =>
        from count in Gen.Choose(0, 3)
        from bps in Gen.Choose(0, 3333).ArrayOf(count)
        from caps in AmountGen().ArrayOf(count)
        from capped in Gen.Elements(true, false).ArrayOf(count)
        select new FeePolicy([.. bps.Select((b, i) => new FeeLine($"fee{i}", b, capped[i] ? caps[i] : null))]);

    private static Gen<RewardPolicy> RewardGen() =>
        from weighting in Gen.Elements(ShareWeighting.AgreeingLabels, ShareWeighting.CoherenceWeightedLabels, ShareWeighting.MajorityShareTenths, ShareWeighting.EqualPerCoherentVote)
        from power in Gen.Elements(0.0, 0.5, 1.0, 2.0, 3.0)
        from useRate in Gen.Elements(true, false)
        from rate in AmountGen()
        from minCoherence in Gen.Choose(0, 10_000)
        from unspent in Gen.Elements(Enum.GetValues<FundsRecipient>())
        select new RewardPolicy(weighting, power, useRate && weighting != ShareWeighting.EqualPerCoherentVote ? rate : null, minCoherence / 10_000.0, unspent);

    private static Gen<SlashingPolicy> SlashingGen() =>
        from basis in Gen.Elements(Enum.GetValues<SlashBasis>())
        from rate in Gen.Choose(0, 10_000)
        from exempt in Gen.Choose(-1, 10_000)
        from cap in Gen.Choose(0, 10_000)
        from useQa in Gen.Elements(true, false)
        from qa in Gen.Choose(0, 10_000).ArrayOf(3)
        select new SlashingPolicy(
            basis,
            rate,
            exempt < 0 ? null : exempt / 10_000.0,
            cap,
            useQa ? new QaPenaltyTiers(qa.Min(), qa.Order().ElementAt(1), qa.Max()) : null);

    private static Gen<RedistributionPolicy> RedistributionGen() =>
        from toPeers in Gen.Elements(true, false)
        from weighting in Gen.Elements(Enum.GetValues<ShareWeighting>())
        from coherentAbove in Gen.Choose(0, 10_000)
        from otherwise in Gen.Elements(Enum.GetValues<FundsRecipient>())
        from dust in Gen.Elements(Enum.GetValues<FundsRecipient>())
        select new RedistributionPolicy(toPeers, weighting, coherentAbove / 10_000.0, otherwise, dust);
}
