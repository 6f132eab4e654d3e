// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using TokenLabeling.Chain.Bindings.LabelingEscrow.ContractDefinition;
using TokenLabeling.Chain.Client;
using TokenLabeling.Chain.IntegrationTests.Infrastructure;
using TokenLabeling.Chain.Settlement;

namespace TokenLabeling.Chain.IntegrationTests;

/// <summary>Claim deadline and sweep, abandonment, arbiter review.</summary>
[Collection(AnvilCollection.Name)]
public sealed class LifecycleTests(AnvilFixture chain) : ChainTest(chain)
{
    [Fact]
    public async Task Sweep_AfterTheClaimDeadline_ReturnsUnclaimedPayouts_AndClosesClaims()
    {
        var driver = new RoundDriver(Chain);
        await driver.ApproveAllAsync();
        var open = await driver.OpenAsync(new RoundSpec(1, 2, 2, 0, 0, 0, 3000, [0, 0], [[0], [0]]), Chain.Workers);
        await Chain.SetTimeAsync(open.Created.RevealDeadline);
        var plan = new ChainSettlementPlan(open.TaskId, [new ChainPayout(open.Accounts[0], 1000), new ChainPayout(open.Accounts[1], 2000)], 0, 0);
        var published = await Chain.Escrow.For(Chain.Settler).PublishSettlementAsync(plan, 1);
        await Chain.Escrow.ClaimAsync(published.TicketFor(open.Accounts[0]));
        await AssertRevertsAsync("TooEarly", () => Chain.Escrow.SweepAsync(open.TaskId));

        var state = await Chain.Escrow.GetTaskAsync(open.TaskId);
        await Chain.SetTimeAsync(state.ClaimDeadline);
        var before = await Chain.Token.BalanceOfAsync(Chain.Admin.Address);
        await Chain.Escrow.For(Chain.Workers[3]).SweepAsync(open.TaskId); // anyone may sweep; the requester is paid
        Assert.Equal((BigInteger)2000, await Chain.Token.BalanceOfAsync(Chain.Admin.Address) - before);
        await AssertRevertsAsync("ClaimsNotOpen", () => Chain.Escrow.ClaimAsync(published.TicketFor(open.Accounts[1])));
        await AssertRevertsAsync("WrongStatus", () => Chain.Escrow.SweepAsync(open.TaskId));
        Assert.Equal(BigInteger.Zero, await Chain.Token.BalanceOfAsync(Chain.Escrow.EscrowAddress));
    }

    [Fact]
    public async Task UnsettledTask_CanBeUnwoundByAnyone_AfterTheGrace()
    {
        var driver = new RoundDriver(Chain);
        await driver.ApproveAllAsync();
        var open = await driver.OpenAsync(new RoundSpec(1, 2, 2, 0, 0, 0, 3000, [400, 600], [[0], [0]]), Chain.Workers);
        await driver.CommitAsync(open);
        var anyone = Chain.Escrow.For(Chain.Workers[5]);
        await Chain.SetTimeAsync(open.Created.RevealDeadline);
        await AssertRevertsAsync("TooEarly", () => anyone.Signer.SendAsync(Chain.Escrow.EscrowAddress,
            new ReclaimAbandonedFunction { TaskId = open.TaskId }));
        await Chain.SetTimeAsync(open.Created.RevealDeadline + 30UL * 24 * 3600);
        var before = await Chain.Token.BalanceOfAsync(Chain.Admin.Address);
        await anyone.Signer.SendAsync(Chain.Escrow.EscrowAddress, new ReclaimAbandonedFunction { TaskId = open.TaskId });
        Assert.Equal((BigInteger)3000, await Chain.Token.BalanceOfAsync(Chain.Admin.Address) - before);
        Assert.Equal((BigInteger)400, await Chain.Escrow.CreditedAsync(Chain.Token.TokenAddress, open.Accounts[0]));
        Assert.Equal((BigInteger)600, await Chain.Escrow.CreditedAsync(Chain.Token.TokenAddress, open.Accounts[1]));
        await AssertRevertsAsync("WrongStatus", () => Chain.Escrow.For(Chain.Settler).SettleOnChainAsync(open.TaskId, 1));
    }

    [Fact]
    public async Task FlaggedItem_IsReviewedByTheArbiterOnly_AndTheVerdictIsInTheTrail()
    {
        var driver = new RoundDriver(Chain);
        await driver.ApproveAllAsync();
        // Item 0 is a 1-1 tie: flagged for review.
        var (taskId, _) = await driver.PlayAsync(new RoundSpec(1, 2, 2, 5000, 1000, 0, 1000, [100, 100], [[0], [1]]));
        await Chain.Escrow.For(Chain.Settler).SettleOnChainAsync(taskId, 1);
        await AssertRevertsAsync("AccessControlUnauthorizedAccount", () => Chain.Escrow.For(Chain.Workers[0]).ReviewItemAsync(taskId, 0, 1));
        await Chain.Escrow.ReviewItemAsync(taskId, 0, 1);
        var trail = await Chain.Escrow.ReadTimelineAsync(taskId);
        var flagged = Assert.Single(trail.Events.OfType<ItemFlaggedEvent>());
        Assert.Equal((BigInteger)2, flagged.Votes);
        var verdict = Assert.Single(trail.Events.OfType<ItemReviewedEvent>());
        Assert.Equal((BigInteger)1, verdict.Label);
        Assert.True(trail.Events.Select(e => (e.BlockNumber, e.LogIndex)).SequenceEqual(trail.Events.Select(e => (e.BlockNumber, e.LogIndex)).Order()));
    }

    private static async Task AssertRevertsAsync(string errorName, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<ContractRevertException>(action);
        Assert.True(e.ErrorName == errorName, $"expected {errorName}, got: {e.Message}");
    }
}
