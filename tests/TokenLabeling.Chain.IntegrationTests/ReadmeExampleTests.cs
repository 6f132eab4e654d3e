// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using System.Security.Cryptography;
using TokenLabeling.Chain.Client;
using TokenLabeling.Chain.DevChain;
using TokenLabeling.Chain.Settlement;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Chain.IntegrationTests;

/// <summary>The README's walkthrough, compiled and run (on its own node, as a demo would).</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task Walkthrough_RunsEndToEnd()
    {
        // --- README: begin
        if (!AnvilNode.TryLocate(AppContext.BaseDirectory, out var anvilPath, out var problem))
        {
            throw new InvalidOperationException(problem);
        }

        using var node = await AnvilNode.StartAsync(anvilPath);
        var keys = AnvilNode.DevelopmentKeys;
        using var requester = new ChainSigner(node.RpcUrl, keys[0], AnvilNode.ChainId, TimeSpan.FromMilliseconds(5));
        using var settler = new ChainSigner(node.RpcUrl, keys[1], AnvilNode.ChainId, TimeSpan.FromMilliseconds(5));
        using var alice = new ChainSigner(node.RpcUrl, keys[2], AnvilNode.ChainId, TimeSpan.FromMilliseconds(5));
        using var bob = new ChainSigner(node.RpcUrl, keys[3], AnvilNode.ChainId, TimeSpan.FromMilliseconds(5));
        var treasury = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
        var gas = new List<(string Step, BigInteger Gas)>();

        // 1. Deploy a token and the escrow; grant the settler role; fund the annotators.
        var (token, tokenReceipt) = await TokenClient.DeployAsync(requester, "Label Token", "LBL", BigInteger.Pow(10, 24));
        var (escrow, escrowReceipt) = await EscrowClient.DeployAsync(requester, admin: requester.Address, treasury: treasury);
        await escrow.GrantRoleAsync(EscrowClient.SettlerRole, settler.Address);
        await token.TransferAsync(alice.Address, BigInteger.Pow(10, 20));
        await token.TransferAsync(bob.Address, BigInteger.Pow(10, 20));
        gas.Add(("deploy escrow", escrowReceipt.GasUsed));

        // 2. The requester escrows a budget with quality parameters (deadlines come from chain time).
        var task = await escrow.CreateTaskAsync(new TaskSpec
        {
            Token = token.TokenAddress,
            Budget = BigInteger.Pow(10, 19),
            MinStake = BigInteger.Pow(10, 18),
            ItemCount = 2,
            LabelCount = 2,
            AnnotatorsPerItem = 2,
            ThresholdBps = 5000,
            SlashBps = 2000,
            FeeBps = 250,
            CommitWindow = TimeSpan.FromHours(1),
            RevealWindow = TimeSpan.FromHours(1),
            ClaimWindow = TimeSpan.FromDays(7),
            DatasetHash = SHA256.HashData("dataset bytes"u8),
            DatasetUri = "ipfs://dataset",
        });
        gas.Add(("createTask", task.Receipt.GasUsed));

        // 3. Annotators stake and commit hidden labels (salts from a cryptographic RNG: keep them until the reveal).
        var aliceEscrow = escrow.For(alice);
        var bobEscrow = escrow.For(bob);
        await aliceEscrow.JoinAsync(task.TaskId, token.TokenAddress, BigInteger.Pow(10, 18));
        await bobEscrow.JoinAsync(task.TaskId, token.TokenAddress, BigInteger.Pow(10, 18));
        var aliceLabels = await aliceEscrow.CommitAsync(task.TaskId, [(0u, (byte)1), (1u, (byte)0)]);
        var bobLabels = await bobEscrow.CommitAsync(task.TaskId, [(0u, (byte)1), (1u, (byte)0)]);

        // 4. After the commit deadline (on a dev chain: move time), they reveal.
        await node.RpcAsync("evm_setNextBlockTimestamp", $"[{task.CommitDeadline}]");
        await aliceEscrow.RevealAsync(task.TaskId, aliceLabels.Labels);
        var reveal = await bobEscrow.RevealAsync(task.TaskId, bobLabels.Labels);
        gas.Add(("reveal 2 labels", reveal.GasUsed));
        await node.RpcAsync("evm_setNextBlockTimestamp", $"[{task.RevealDeadline}]");
        await node.RpcAsync("evm_mine");

        // 5. Off chain: consensus -> per-worker counts -> Economics plan (escrow rule) -> Merkle root on chain.
        var timeline = await escrow.ReadTimelineAsync(task.TaskId);
        var workers = new[] { alice.Address, bob.Address };
        var items = Enumerable.Range(0, 2).Select(i => (IReadOnlyList<ItemVote>)timeline.Reveals
            .Where(r => r.Item == i).Select(r => new ItemVote(Array.FindIndex(workers, w => string.Equals(w, r.Worker, StringComparison.OrdinalIgnoreCase)), (int)r.Label)).ToArray()).ToArray();
        var counts = PluralityTally.Tally(workers.Length, items, thresholdBps: 5000);
        var outcomes = workers.Select((w, i) => WorkerOutcome.FromCounts(
            w, TokenAmount.FromBigInteger(BigInteger.Pow(10, 18)), counts.Workers[i].Committed, counts.Workers[i].Revealed, counts.Workers[i].Agreeing)).ToArray();
        var plan = SettlementEngine.Settle(TokenAmount.FromBigInteger(BigInteger.Pow(10, 19)), outcomes, SettlementPresets.Escrow(250, 2000));
        var published = await escrow.For(settler).PublishSettlementAsync(task.TaskId, plan, payoutId: 1);
        gas.Add(("postMerkleSettlement", published.Receipt.GasUsed));

        // 6. Each annotator claims with its proof; the requester takes the refund, the treasury the fee.
        var claim = await aliceEscrow.ClaimAsync(published.TicketFor(alice.Address));
        await bobEscrow.ClaimAsync(published.TicketFor(bob.Address));
        gas.Add(("claim", claim.GasUsed));
        if (plan.RequesterRefund.ToBigInteger() > 0)
        {
            await escrow.WithdrawRefundAsync(task.TaskId);
        }

        await escrow.WithdrawFeeAsync(task.TaskId);

        // 7. Anyone can read the audit trail back: dataset hash, commitments, reveals, settlement, claims.
        var trail = await escrow.ReadTimelineAsync(task.TaskId);
        // --- README: end

        Assert.Equal(plan.Payouts[0].ToBigInteger() + BigInteger.Pow(10, 20) - BigInteger.Pow(10, 18), await token.BalanceOfAsync(alice.Address));
        Assert.Equal(BigInteger.Zero, await token.BalanceOfAsync(escrow.EscrowAddress));
        Assert.Equal("0x" + Convert.ToHexString(SHA256.HashData("dataset bytes"u8)).ToLowerInvariant(), trail.DatasetHash);
        Assert.Equal(4, trail.Commitments.Count());
        Assert.Equal(2, trail.Events.OfType<FundsReleasedEvent>().Count(e => e.Kind == "Claimed"));
        Assert.All(gas, g => Assert.True(g.Gas > 0));
    }
}
