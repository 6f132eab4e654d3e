// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using TokenLabeling.Chain.Client;
using TokenLabeling.Chain.IntegrationTests.Infrastructure;
using TokenLabeling.Chain.Settlement;
using Xunit.Abstractions;

namespace TokenLabeling.Chain.IntegrationTests;

/// <summary>
/// Random rounds played on chain twice, once settled by on-chain plurality and once by a posted Merkle root of the
/// Economics engine's plan; the engine's plan (the oracle) and the contract's actual token movements must agree to
/// the base unit, per worker, for the requester and for the treasury.
/// </summary>
[Collection(AnvilCollection.Name)]
public sealed class ParityTests(AnvilFixture chain, ITestOutputHelper output) : ChainTest(chain)
{
    public const int RegularRounds = 200;
    public const int LongRounds = 1000;

    [Fact]
    public Task RandomRounds_BothModes_MatchEconomicsToTheBaseUnit() => RunAsync(seed: 4_2026, rounds: int.Parse(Environment.GetEnvironmentVariable("PARITY_ROUNDS") ?? "200"));

    [Fact]
    [Trait("Category", "Long")]
    public Task RandomRounds_Long_BothModes_MatchEconomicsToTheBaseUnit() => RunAsync(seed: 1_000_2026, rounds: LongRounds);

    private async Task RunAsync(int seed, int rounds)
    {
        var rng = new Random(seed);
        var driver = new RoundDriver(Chain);
        await driver.ApproveAllAsync();
        var token = Chain.Token;
        // Budgets reach 2^100 base units: give the requester enough for a thousand rounds before the balances are read.
        await token.MintAsync(Chain.Admin.Address, BigInteger.One << 120);
        var settler = Chain.Escrow.For(Chain.Settler);
        var accounts = new List<string> { Chain.Admin.Address, Chain.Treasury };
        accounts.AddRange(Chain.Workers.Select(w => w.Address));
        var start = new Dictionary<string, BigInteger>();
        foreach (var a in accounts)
        {
            start[a] = await token.BalanceOfAsync(a);
        }

        var escrowStart = await token.BalanceOfAsync(Chain.Escrow.EscrowAddress);
        var expected = accounts.ToDictionary(a => a, _ => BigInteger.Zero);
        var tickets = Chain.Workers.ToDictionary(w => w.Address, _ => new List<ClaimTicket>());
        ulong payoutId = 0;
        var flaggedItems = 0;
        var groups = Chain.WorkerGroups;
        var refunds = new List<BigInteger>();
        var fees = new List<BigInteger>();
        for (var first = 0; first < rounds; first += groups.Count)
        {
            // A batch of rounds side by side, each on its own group of workers, in lock-step through the deadlines.
            var specs = Enumerable.Range(first, Math.Min(groups.Count, rounds - first)).Select(_ => RoundSpec.Random(rng, maxWorkers: 3)).ToArray();
            var onChain = await Task.WhenAll(specs.Select((spec, g) => driver.OpenAsync(spec, groups[g])));
            var merkle = await Task.WhenAll(specs.Select((spec, g) => driver.OpenAsync(spec, groups[g])));
            await Task.WhenAll(onChain.Select(driver.CommitAsync));
            await Chain.SetTimeAsync(onChain.Max(o => o.Created.CommitDeadline));
            await Task.WhenAll(onChain.Select(driver.RevealAsync));
            await Chain.SetTimeAsync(onChain.Concat(merkle).Max(o => o.Created.RevealDeadline));

            for (var k = 0; k < specs.Length; k++)
            {
                var round = specs[k];
                var a = onChain[k];
                var context = $"round {first + k} (seed {seed}): {Describe(round)}";
                var plan = round.ExpectedPlan(a.Accounts);

                // Mode 1: on-chain plurality over the labels revealed on chain.
                await settler.SettleOnChainAsync(a.TaskId, ++payoutId);
                var timeline = await Chain.Escrow.ReadTimelineAsync(a.TaskId, a.Created.Receipt.BlockNumber);
                var settledWorkers = timeline.Events.OfType<WorkerSettledEvent>().ToArray();
                Assert.True(settledWorkers.Length == round.WorkerCount, context);
                for (var w = 0; w < round.WorkerCount; w++)
                {
                    var p = plan.GetWorker(w);
                    var e = settledWorkers[w];
                    Assert.True(
                        e.Payout == p.Payout.ToBigInteger() && e.Slash == p.Slash.ToBigInteger() && e.Reward == p.Reward.ToBigInteger()
                            && e.Share == p.Redistribution.ToBigInteger(),
                        $"{context}: worker {w} on chain (payout {e.Payout}, slash {e.Slash}, reward {e.Reward}, share {e.Share}) " +
                        $"vs plan (payout {p.Payout}, slash {p.Slash}, reward {p.Reward}, share {p.Redistribution})");
                }

                var settled = Assert.Single(timeline.Events.OfType<TaskSettledEvent>());
                Assert.True(settled.Refund == plan.RequesterRefund.ToBigInteger() && settled.Fee == plan.TotalFees.ToBigInteger(),
                    $"{context}: refund/fee on chain {settled.Refund}/{settled.Fee} vs plan {plan.RequesterRefund}/{plan.TotalFees}");
                var tally = PluralityTally.Tally(round.WorkerCount, round.ItemVotes(), round.ThresholdBps);
                var flaggedOnChain = timeline.Events.OfType<ItemFlaggedEvent>().Select(f => (int)f.Item).ToArray();
                var flaggedOffChain = Enumerable.Range(0, round.Items).Where(i => tally.AcceptedLabel[i] is null).ToArray();
                Assert.True(flaggedOnChain.SequenceEqual(flaggedOffChain), $"{context}: flagged items differ");
                flaggedItems += flaggedOnChain.Length;
                Account(plan, a.Accounts, round);

                // Mode 2: the same round's plan posted as a Merkle root on a task holding the same budget and stakes.
                var published = await settler.PublishSettlementAsync(merkle[k].TaskId, plan, ++payoutId);
                foreach (var worker in a.Accounts)
                {
                    tickets[worker].Add(published.TicketFor(worker));
                }

                Account(plan, a.Accounts, round);
                if (plan.RequesterRefund.ToBigInteger() > 0)
                {
                    refunds.Add(a.TaskId);
                    refunds.Add(merkle[k].TaskId);
                }

                if (plan.TotalFees.ToBigInteger() > 0)
                {
                    fees.Add(a.TaskId);
                    fees.Add(merkle[k].TaskId);
                }
            }

            // Refunds (requester) and fees (treasury) of the batch are withdrawn by the two signers side by side.
            await Task.WhenAll(
                Task.Run(async () =>
                {
                    foreach (var t in refunds)
                    {
                        await Chain.Escrow.WithdrawRefundAsync(t);
                    }
                }),
                Task.Run(async () =>
                {
                    foreach (var t in fees)
                    {
                        await Chain.Escrow.For(Chain.TreasurySigner).WithdrawFeeAsync(t);
                    }
                }));
            refunds.Clear();
            fees.Clear();
        }

        // Token movements: every worker collects its on-chain credits with one withdrawal and its Merkle leaves with claimMany.
        await Task.WhenAll(Chain.Workers.Select(async w =>
        {
            var escrow = Chain.Escrow.For(w);
            if (await escrow.CreditedAsync(token.TokenAddress, w.Address) > 0)
            {
                await escrow.WithdrawAsync(token.TokenAddress);
            }

            foreach (var chunk in tickets[w.Address].Chunk(40))
            {
                await escrow.ClaimManyAsync(w.Address, chunk);
            }
        }));

        foreach (var a in accounts)
        {
            var actual = await token.BalanceOfAsync(a) - start[a];
            Assert.True(expected[a] == actual, $"seed {seed}: account {a} moved {actual}, the plans say {expected[a]}");
        }

        Assert.Equal(escrowStart, await token.BalanceOfAsync(Chain.Escrow.EscrowAddress));
        output.WriteLine($"{rounds} rounds x 2 settlement modes agree with the Economics engine to the base unit ({flaggedItems} items flagged on chain).");

        void Account(Economics.Settlement.SettlementPlan plan, IReadOnlyList<string> workers, RoundSpec round)
        {
            expected[Chain.Admin.Address] += plan.RequesterRefund.ToBigInteger() - round.Budget;
            expected[Chain.Treasury] += plan.TotalFees.ToBigInteger();
            for (var w = 0; w < workers.Count; w++)
            {
                expected[workers[w]] += plan.GetWorker(w).Payout.ToBigInteger() - round.Stakes[w];
            }
        }
    }

    private static string Describe(RoundSpec r) =>
        $"B={r.Budget} fee={r.FeeBps} slash={r.SlashBps} threshold={r.ThresholdBps} items={r.Items} perItem={r.PerItem} " +
        $"stakes=[{string.Join(",", r.Stakes)}] votes=[{string.Join(" | ", r.Votes.Select(v => string.Join(",", v)))}]";
}
