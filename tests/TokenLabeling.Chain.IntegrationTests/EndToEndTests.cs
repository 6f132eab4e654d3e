// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using TokenLabeling.Chain.IntegrationTests.Infrastructure;

namespace TokenLabeling.Chain.IntegrationTests;

[Collection(AnvilCollection.Name)]
public sealed class EndToEndTests(AnvilFixture chain) : ChainTest(chain)
{
    // Hand calculation (rule.md): B = 1000, fee 250 bps -> fee 25, pool 975; slash 5000 bps; stakes 100 each.
    // Item 0: labels 1, 1, 0 -> plurality 1 (2 of 3 >= 50%). Item 1: labels 0, 0, (hidden) -> plurality 0.
    // w0, w1: n = 2, r = 2, a = 2, slash 0. w2: n = 2, r = 1, a = 0 -> slash 100 * 5000 * 2 / (10000 * 2) = 50.
    // A = 4, S = 50: reward 975 * 2 / 4 = 487, share 50 * 2 / 4 = 25 -> payouts 612, 612, 50; refund 975 - 974 + 50 - 50 = 1.
    private static readonly RoundSpec s_handRound = new(
        Items: 2, Labels: 2, PerItem: 3, ThresholdBps: 5000, SlashBps: 5000, FeeBps: 250, Budget: 1000,
        Stakes: [100, 100, 100], Votes: [[1, 0], [1, 0], [0, Vote.Hidden]]);

    [Fact]
    public async Task OnChainSettlement_MatchesHandCalculation_AndMovesTokensExactly()
    {
        var driver = new RoundDriver(Chain);
        await driver.ApproveAllAsync();
        var token = Chain.Token;
        var before = await Balances();
        var (taskId, accounts) = await driver.PlayAsync(s_handRound);

        await Chain.Escrow.For(Chain.Settler).SettleOnChainAsync(taskId, payoutId: 1);
        foreach (var w in Chain.Workers.Take(2))
        {
            await Chain.Escrow.For(w).WithdrawAsync(token.TokenAddress);
        }

        await Chain.Escrow.For(Chain.Workers[2]).WithdrawAsync(token.TokenAddress);
        await Chain.Escrow.WithdrawRefundAsync(taskId);
        await Chain.Escrow.WithdrawFeeAsync(taskId);
        var after = await Balances();

        Assert.Equal(new BigInteger[] { -999, 512, 512, -50, 25 }, after.Zip(before, (a, b) => a - b).ToArray());
        Assert.Equal(BigInteger.Zero, await token.BalanceOfAsync(Chain.Escrow.EscrowAddress));

        var timeline = await Chain.Escrow.ReadTimelineAsync(taskId);
        Assert.Equal(6, timeline.Commitments.Count());
        Assert.Equal(5, timeline.Reveals.Count());
        Assert.Equal("0x" + new string('0', 64), timeline.DatasetHash);
        var settled = Assert.Single(timeline.Events.OfType<Client.TaskSettledEvent>());
        Assert.Equal((BigInteger)1, settled.Refund);
        Assert.Equal((BigInteger)25, settled.Fee);
        Assert.Equal(new BigInteger[] { 612, 612, 50 }, timeline.Events.OfType<Client.WorkerSettledEvent>().Select(e => e.Payout).ToArray());

        async Task<BigInteger[]> Balances() =>
        [
            await token.BalanceOfAsync(Chain.Admin.Address),
            await token.BalanceOfAsync(Chain.Workers[0].Address),
            await token.BalanceOfAsync(Chain.Workers[1].Address),
            await token.BalanceOfAsync(Chain.Workers[2].Address),
            await token.BalanceOfAsync(Chain.Treasury),
        ];
    }

    [Fact]
    public async Task EconomicsPlan_OfTheHandRound_IsTheHandCalculation()
    {
        var plan = s_handRound.ExpectedPlan([.. Chain.Workers.Take(3).Select(w => w.Address)]);
        Assert.Equal(new BigInteger[] { 612, 612, 50 }, plan.Payouts.Select(p => p.ToBigInteger()).ToArray());
        Assert.Equal((BigInteger)1, plan.RequesterRefund.ToBigInteger());
        Assert.Equal((BigInteger)25, plan.TotalFees.ToBigInteger());
        await Task.CompletedTask;
    }

    [Fact]
    public async Task MerkleSettlement_ClaimsPayExactlyThePlan()
    {
        var driver = new RoundDriver(Chain);
        await driver.ApproveAllAsync();
        var token = Chain.Token;
        var (taskId, accounts) = await driver.PlayAsync(s_handRound);
        var plan = s_handRound.ExpectedPlan(accounts);
        var published = await Chain.Escrow.For(Chain.Settler).PublishSettlementAsync(taskId, plan, payoutId: 7);
        for (var w = 0; w < 3; w++)
        {
            var before = await token.BalanceOfAsync(accounts[w]);
            await Chain.Escrow.For(Chain.Workers[w]).ClaimAsync(published.TicketFor(accounts[w]));
            Assert.Equal(plan.Payouts[w].ToBigInteger(), await token.BalanceOfAsync(accounts[w]) - before);
        }

        await Chain.Escrow.WithdrawRefundAsync(taskId);
        await Chain.Escrow.WithdrawFeeAsync(taskId);
        Assert.Equal(BigInteger.Zero, await token.BalanceOfAsync(Chain.Escrow.EscrowAddress));
    }
}
