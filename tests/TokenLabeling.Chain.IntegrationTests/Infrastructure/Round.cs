// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using TokenLabeling.Chain.Client;
using TokenLabeling.Chain.Commitments;
using TokenLabeling.Chain.Settlement;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Chain.IntegrationTests.Infrastructure;

/// <summary>What an annotator does on one item.</summary>
public static class Vote
{
    /// <summary>Does not commit.</summary>
    public const int None = -1;

    /// <summary>Commits and never reveals.</summary>
    public const int Hidden = -2;
}

/// <summary>A labeling round: task parameters, stakes and per-worker actions on each item.</summary>
public sealed record RoundSpec(
    int Items,
    byte Labels,
    byte PerItem,
    ushort ThresholdBps,
    ushort SlashBps,
    ushort FeeBps,
    BigInteger Budget,
    BigInteger[] Stakes,
    int[][] Votes)
{
    public int WorkerCount => Stakes.Length;

    /// <summary>A random round: few workers, few items, random stakes, labels, abstentions and policy.</summary>
    public static RoundSpec Random(Random rng, int maxWorkers)
    {
        var workers = rng.Next(1, maxWorkers + 1);
        var items = rng.Next(1, 5);
        var labels = (byte)rng.Next(2, 4);
        var perItem = (byte)rng.Next(1, workers + 1);
        var budget = rng.Next(4) switch
        {
            0 => new BigInteger(rng.Next(1, 1000)),
            1 => new BigInteger(rng.NextInt64(1, long.MaxValue)),
            2 => BigInteger.Pow(10, 18) * rng.Next(1, 1000) + rng.Next(),
            // Below 2^95 so that budget plus stakes stays within the 96 bits a Merkle settlement's total may use
            // (PayoutTotalTooLarge; the 128-bit edges of the on-chain mode are AttackTests' business).
            _ => (BigInteger.One << rng.Next(64, 95)) + rng.NextInt64(),
        };
        var stakes = new BigInteger[workers];
        for (var w = 0; w < workers; w++)
        {
            stakes[w] = rng.Next(5) == 0 ? BigInteger.Zero : new BigInteger(rng.NextInt64(1, 1L << 62)) * rng.Next(1, 1000);
        }

        var votes = new int[workers][];
        var perItemCount = new int[items];
        for (var w = 0; w < workers; w++)
        {
            votes[w] = new int[items];
            for (var i = 0; i < items; i++)
            {
                var roll = rng.Next(10);
                if (perItemCount[i] >= perItem || roll == 0)
                {
                    votes[w][i] = Vote.None;
                    continue;
                }

                perItemCount[i]++;
                // Mostly agree on label 0 so that items are accepted; sometimes dissent or withhold.
                votes[w][i] = roll switch
                {
                    1 => Vote.Hidden,
                    2 or 3 => rng.Next(labels),
                    _ => 0,
                };
            }
        }

        var threshold = (ushort)(rng.Next(3) switch { 0 => 0, 1 => rng.Next(0, 10_001), _ => 5000 });
        var slash = (ushort)(rng.Next(4) == 0 ? 10_000 : rng.Next(0, 10_001));
        var fee = (ushort)rng.Next(0, 2501);
        return new RoundSpec(items, labels, perItem, threshold, slash, fee, budget, stakes, votes);
    }

    /// <summary>The labels committed per item, in the order the contract stores them (worker order of commits).</summary>
    public IReadOnlyList<IReadOnlyList<ItemVote>> ItemVotes()
    {
        var result = new List<IReadOnlyList<ItemVote>>();
        for (var i = 0; i < Items; i++)
        {
            var list = new List<ItemVote>();
            for (var w = 0; w < WorkerCount; w++)
            {
                var v = Votes[w][i];
                if (v != Vote.None)
                {
                    list.Add(new ItemVote(w, v >= 0 ? v : null));
                }
            }

            result.Add(list);
        }

        return result;
    }

    /// <summary>The expected settlement, from the Economics engine's escrow preset.</summary>
    public SettlementPlan ExpectedPlan(IReadOnlyList<string> accounts)
    {
        var tally = PluralityTally.Tally(WorkerCount, ItemVotes(), ThresholdBps);
        var outcomes = new WorkerOutcome[WorkerCount];
        for (var w = 0; w < WorkerCount; w++)
        {
            var c = tally.Workers[w];
            outcomes[w] = WorkerOutcome.FromCounts(accounts[w], TokenAmount.FromBigInteger(Stakes[w]), c.Committed, c.Revealed, c.Agreeing, c.UnderReview);
        }

        return SettlementEngine.Settle(TokenAmount.FromBigInteger(Budget), outcomes, SettlementPresets.Escrow(FeeBps, SlashBps));
    }
}

/// <summary>A task opened for a round: its id, deadlines, the workers that play it and their sealed labels.</summary>
public sealed class OpenRound(RoundSpec spec, CreatedTask created, IReadOnlyList<ChainSigner> workers)
{
    public RoundSpec Spec { get; } = spec;

    public BigInteger TaskId => Created.TaskId;

    public CreatedTask Created { get; } = created;

    public IReadOnlyList<ChainSigner> Workers { get; } = workers;

    public IReadOnlyList<string> Accounts => [.. Workers.Select(w => w.Address)];

    public IReadOnlyList<SealedLabel>[] Sealed { get; } = new IReadOnlyList<SealedLabel>[workers.Count];
}

/// <summary>Runs rounds on the fixture's chain.</summary>
public sealed class RoundDriver(AnvilFixture chain)
{
    public static readonly BigInteger MaxAllowance = (BigInteger.One << 256) - 1;

    public async Task ApproveAllAsync()
    {
        await chain.Token.ApproveAsync(chain.Escrow.EscrowAddress, MaxAllowance);
        await Task.WhenAll(chain.Workers.Select(w => chain.Token.For(w).ApproveAsync(chain.Escrow.EscrowAddress, MaxAllowance)));
    }

    /// <summary>Creates the task and joins the workers in order (worker w gets index w).</summary>
    public async Task<OpenRound> OpenAsync(RoundSpec round, IReadOnlyList<ChainSigner> workers)
    {
        var created = await chain.Escrow.CreateTaskAsync(new TaskSpec
        {
            Token = chain.Token.TokenAddress,
            Budget = round.Budget,
            MinStake = BigInteger.Zero,
            ItemCount = (uint)round.Items,
            LabelCount = round.Labels,
            AnnotatorsPerItem = round.PerItem,
            ThresholdBps = round.ThresholdBps,
            SlashBps = round.SlashBps,
            FeeBps = round.FeeBps,
            CommitWindow = TimeSpan.FromHours(1),
            RevealWindow = TimeSpan.FromHours(1),
            ClaimWindow = TimeSpan.FromDays(7),
            DatasetHash = new byte[32],
            DatasetUri = "test://round",
        });
        var open = new OpenRound(round, created, [.. workers.Take(round.WorkerCount)]);
        for (var w = 0; w < open.Workers.Count; w++)
        {
            await chain.Escrow.For(open.Workers[w]).JoinAsync(created.TaskId, chain.Token.TokenAddress, round.Stakes[w]);
        }

        return open;
    }

    /// <summary>Commits every worker's labels; an item's commit order is the worker order.</summary>
    public async Task CommitAsync(OpenRound open)
    {
        var round = open.Spec;
        for (var w = 0; w < open.Workers.Count; w++)
        {
            var labels = Enumerable.Range(0, round.Items)
                .Where(i => round.Votes[w][i] != Vote.None)
                .Select(i => ((uint)i, (byte)Math.Max(0, round.Votes[w][i])))
                .ToArray();
            open.Sealed[w] = labels.Length == 0 ? [] : (await chain.Escrow.For(open.Workers[w]).CommitAsync(open.TaskId, labels)).Labels;
        }
    }

    /// <summary>Reveals what the round says is revealed (workers concurrently).</summary>
    public Task RevealAsync(OpenRound open) =>
        Task.WhenAll(Enumerable.Range(0, open.Workers.Count).Select(async w =>
        {
            var toReveal = open.Sealed[w].Where(s => open.Spec.Votes[w][(int)s.Item] >= 0).ToArray();
            if (toReveal.Length > 0)
            {
                await chain.Escrow.For(open.Workers[w]).RevealAsync(open.TaskId, toReveal);
            }
        }));

    /// <summary>Creates the task, joins, commits and reveals, and moves the chain past the reveal deadline.</summary>
    public async Task<(BigInteger TaskId, IReadOnlyList<string> Accounts)> PlayAsync(RoundSpec round)
    {
        var open = await OpenAsync(round, chain.Workers);
        await CommitAsync(open);
        await chain.SetTimeAsync(open.Created.CommitDeadline);
        await RevealAsync(open);
        await chain.SetTimeAsync(open.Created.RevealDeadline);
        return (open.TaskId, open.Accounts);
    }
}
