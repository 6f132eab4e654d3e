// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Economics.Tests.Settlement;

public sealed class SettlementPropertyTests
{
    /// <summary>Checks one generated settlement; documented validation errors (a stake total beyond uint256) are the only allowed failure.</summary>
    internal static bool ConservesAndStaysInBounds(SettlementCase c)
    {
        SettlementPlan plan;
        try
        {
            plan = SettlementEngine.Settle(c.Budget, c.Workers, c.Policy);
        }
        catch (ArgumentException ex) when (ex.Message.Contains("total of stakes exceeds uint256", StringComparison.Ordinal))
        {
            return true;
        }

        var check = plan.Verify();
        if (!check.IsBalanced)
        {
            throw new InvalidOperationException(string.Join(" ", check.Problems));
        }

        for (var i = 0; i < plan.WorkerCount; i++)
        {
            var w = plan.GetWorker(i);
            if (w.Slash > w.Stake || w.Stake != c.Workers[i].Stake || w.WorkerId != c.Workers[i].WorkerId)
            {
                return false;
            }
        }

        return plan.TotalIn == c.Budget + TokenAmount.Sum(c.Workers.Select(w => w.Stake).ToArray());
    }

    [Property(Arbitrary = [typeof(SettlementArbitraries)], MaxTest = 10_000, QuietOnSuccess = true)]
    public bool Conservation_HoldsForEveryPresetAndRandomPolicy(SettlementCase c) => ConservesAndStaysInBounds(c);

    [Property(Arbitrary = [typeof(SettlementArbitraries)], MaxTest = 150_000)]
    [Trait("Category", "Long")]
    public bool Conservation_HoldsForEveryPresetAndRandomPolicy_Long(SettlementCase c) => ConservesAndStaysInBounds(c);

    [Property(Arbitrary = [typeof(SettlementArbitraries)], MaxTest = 2_000, QuietOnSuccess = true)]
    public bool NarrowAndWidePaths_AgreeToTheBaseUnit(SettlementCase c)
    {
        SettlementPlan wide;
        try
        {
            wide = SettlementEngine.Settle(c.Budget, c.Workers, c.Policy, SettlementEngine.SettlementPath.Wide, CancellationToken.None);
        }
        catch (ArgumentException)
        {
            return true;
        }

        var auto = SettlementEngine.Settle(c.Budget, c.Workers, c.Policy);
        return auto.ToJson(indented: false) == wide.ToJson(indented: false);
    }

    [Property(Arbitrary = [typeof(SettlementArbitraries)], MaxTest = 2_000, QuietOnSuccess = true)]
    public bool ChunkedOnSeveralCores_SameAsSinglePass(SettlementCase c, PositiveInt chunks)
    {
        SettlementPlan single;
        try
        {
            single = SettlementEngine.Settle(c.Budget, c.Workers, c.Policy);
        }
        catch (ArgumentException ex)
        {
            var chunked = Assert.ThrowsAny<ArgumentException>(() => SettlementEngine.Settle(c.Budget, c.Workers, c.Workers, c.Policy, SettlementEngine.SettlementPath.Auto, 1 + (chunks.Get % 5), CancellationToken.None));
            return chunked.Message.Contains("total of stakes exceeds uint256", StringComparison.Ordinal) && ex.Message.Contains("total of stakes exceeds uint256", StringComparison.Ordinal);
        }

        var parallel = SettlementEngine.Settle(c.Budget, c.Workers, c.Workers, c.Policy, SettlementEngine.SettlementPath.Auto, 1 + (chunks.Get % 5), CancellationToken.None);
        return single.ToJson(indented: false) == parallel.ToJson(indented: false);
    }

    [Property(Arbitrary = [typeof(SettlementArbitraries)], MaxTest = 3_000, QuietOnSuccess = true)]
    public Property HigherCoherence_NeverNetsLess(SettlementCase c, PositiveInt pick, PositiveInt bump)
    {
        if (c.Workers.Length == 0)
        {
            return true.ToProperty();
        }

        var k = pick.Get % c.Workers.Length;
        var w = c.Workers[k];
        var higher = Math.Min(1.0, w.Coherence + ((bump.Get % 10_000) / 10_000.0));
        var better = (WorkerOutcome[])c.Workers.Clone();
        better[k] = w with { Coherence = higher };
        return NetsAtLeast(c, better, k).Label($"worker {k}: coherence {w.Coherence} → {higher}");
    }

    [Property(Arbitrary = [typeof(SettlementArbitraries)], MaxTest = 3_000, QuietOnSuccess = true)]
    public Property MoreAgreeingLabels_NeverNetLess(SettlementCase c, PositiveInt pick)
    {
        if (c.Workers.Length == 0)
        {
            return true.ToProperty();
        }

        var k = pick.Get % c.Workers.Length;
        var w = c.Workers[k];
        if (w.Agreeing >= w.Revealed)
        {
            return true.ToProperty();
        }

        // One more revealed label agrees; coherence follows the counts when it was derived from them, else it does not fall.
        var better = (WorkerOutcome[])c.Workers.Clone();
        var derived = w.Committed > 0 && w.Coherence == (double)w.Agreeing / w.Committed;
        better[k] = w with { Agreeing = w.Agreeing + 1, Coherence = derived ? (double)(w.Agreeing + 1) / w.Committed : w.Coherence };
        return NetsAtLeast(c, better, k).Label($"worker {k}: agreeing {w.Agreeing} → {w.Agreeing + 1}");
    }

    private static bool NetsAtLeast(SettlementCase c, WorkerOutcome[] better, int k)
    {
        SettlementPlan before;
        SettlementPlan after;
        try
        {
            before = SettlementEngine.Settle(c.Budget, c.Workers, c.Policy);
            after = SettlementEngine.Settle(c.Budget, better, c.Policy);
        }
        catch (ArgumentException)
        {
            return true;
        }

        // Both what is paid now and what is paid now plus what is held for review.
        var a = before.GetWorker(k);
        var b = after.GetWorker(k);
        return b.Payout >= a.Payout && b.Payout + b.HeldBack >= a.Payout + a.HeldBack;
    }
}
