// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using Nethereum.Contracts;
using TokenLabeling.Chain.Bindings.LabelingEscrow.ContractDefinition;
using TokenLabeling.Chain.Client;
using TokenLabeling.Chain.Commitments;
using TokenLabeling.Chain.IntegrationTests.Bindings.FeeOnTransferToken.ContractDefinition;
using TokenLabeling.Chain.IntegrationTests.Bindings.ReentrantToken.ContractDefinition;
using TokenLabeling.Chain.IntegrationTests.Infrastructure;
using TokenLabeling.Chain.Settlement;

namespace TokenLabeling.Chain.IntegrationTests;

/// <summary>The attack catalogue: each attack must revert, or leave every balance intact.</summary>
[Collection(AnvilCollection.Name)]
public sealed class AttackTests(AnvilFixture chain) : ChainTest(chain)
{
    private static readonly BigInteger s_uint128Max = (BigInteger.One << 128) - 1;
    private static readonly BigInteger s_uint256Max = (BigInteger.One << 256) - 1;

    [Fact]
    public async Task ReentrantToken_CannotReenterAClaim_AndPaysOnce()
    {
        var deploy = await Chain.Admin.DeployAsync(new ReentrantTokenDeployment { Holder = Chain.Admin.Address, Supply = 1_000_000 });
        var token = deploy.ContractAddress!;
        var worker = Chain.Workers[0];
        var (taskId, _) = await OpenAsync(token, budget: 1000, feeBps: 0, (worker, 0));
        await PastRevealAsync(taskId);
        var published = await Chain.Escrow.For(Chain.Settler).PublishSettlementAsync(
            new ChainSettlementPlan(taskId, [new ChainPayout(worker.Address, 1000)], refund: 0, fee: 0), payoutId: 1);
        var ticket = published.TicketFor(worker.Address);
        // While the escrow pays the claim, the token calls the escrow's claim again with the same leaf.
        await Chain.Admin.SendAsync(token, new ArmFunction { Target = Chain.Escrow.EscrowAddress, Payload = EscrowClient.ToClaimFunction(ticket).GetCallData() });

        await Chain.Escrow.For(worker).ClaimAsync(ticket);

        var reentrant = new Bindings.ReentrantToken.ReentrantTokenService(Chain.Admin.Web3, token);
        Assert.Equal(BigInteger.One, await reentrant.ReentryAttemptsQueryAsync());
        Assert.False(await reentrant.ReentrySucceededQueryAsync());
        var revertData = "0x" + Convert.ToHexString(await reentrant.LastRevertDataQueryAsync());
        Assert.True(ContractErrorDecoder.TryDecode(revertData, out var name, out _, out _));
        Assert.Equal("ReentrancyGuardReentrantCall", name);
        Assert.Equal((BigInteger)1000, await new TokenClient(Chain.Admin, token).BalanceOfAsync(worker.Address));
        Assert.Equal(BigInteger.Zero, await new TokenClient(Chain.Admin, token).BalanceOfAsync(Chain.Escrow.EscrowAddress));
    }

    [Fact]
    public async Task FeeOnTransferToken_CreditsOnlyWhatArrived_AndBooksMustMatchIt()
    {
        var deploy = await Chain.Admin.DeployAsync(new FeeOnTransferTokenDeployment { Feebps = 100, Holder = Chain.Admin.Address, Supply = 1_000_000 });
        var token = deploy.ContractAddress!;
        var (taskId, credited) = await OpenAsync(token, budget: 10_000, feeBps: 0);

        Assert.Equal((BigInteger)9_900, credited);
        Assert.Equal((BigInteger)9_900, (await Chain.Escrow.GetTaskAsync(taskId)).Budget);
        Assert.Equal((BigInteger)9_900, await new TokenClient(Chain.Admin, token).BalanceOfAsync(Chain.Escrow.EscrowAddress));
        await PastRevealAsync(taskId);
        var settler = Chain.Escrow.For(Chain.Settler);
        // A plan built on the nominal budget would promise more than the escrow holds.
        var inflated = new ChainSettlementPlan(taskId, [new ChainPayout(Chain.Workers[0].Address, 10_000)], 0, 0);
        await AssertRevertsAsync("BooksDoNotBalance", () => settler.PublishSettlementAsync(inflated, 1));
        var honest = new ChainSettlementPlan(taskId, [new ChainPayout(Chain.Workers[0].Address, 9_000)], 900, 0);
        await settler.PublishSettlementAsync(honest, 2);
    }

    [Fact]
    public async Task DoubleClaim_Reverts_AndPaysOnce()
    {
        var (taskId, published) = await MerkleTaskAsync(budget: 3000, payouts: [1000, 2000]);
        var worker = Chain.Workers[0];
        var ticket = published.TicketFor(worker.Address);
        var before = await Chain.Token.BalanceOfAsync(worker.Address);
        await Chain.Escrow.ClaimAsync(ticket);

        await AssertRevertsAsync("AlreadyClaimed", () => Chain.Escrow.ClaimAsync(ticket));
        await AssertRevertsAsync("AlreadyClaimed", () => Chain.Escrow.For(worker).ClaimManyAsync(worker.Address, [ticket]));
        var other = published.TicketFor(Chain.Workers[1].Address);
        await AssertRevertsAsync("AlreadyClaimed", () => Chain.Escrow.ClaimManyAsync(other.Account, [other, other]));
        Assert.Equal((BigInteger)1000, await Chain.Token.BalanceOfAsync(worker.Address) - before);
        Assert.True(await IsClaimedAsync(taskId, 0, worker.Address));
        Assert.False(await IsClaimedAsync(taskId, 1, Chain.Workers[1].Address));
    }

    [Fact]
    public async Task ClaimAfterItsRecordWasCleared_Reverts_AndCannotBeRevivedByJoiningAgain()
    {
        var (taskId, published) = await MerkleTaskAsync(budget: 3000, payouts: [1000, 2000]);
        var worker = Chain.Workers[1];
        var ticket = published.TicketFor(worker.Address);
        Assert.Equal((BigInteger)2, await WorkerSlotAsync(taskId, worker.Address));
        await Chain.Escrow.ClaimManyAsync(worker.Address, [ticket]);

        // The claim cleared the worker's record: that is the "claimed" flag.
        Assert.Equal(BigInteger.Zero, await WorkerSlotAsync(taskId, worker.Address));
        await AssertRevertsAsync("AlreadyClaimed", () => Chain.Escrow.ClaimAsync(ticket));
        await AssertRevertsAsync("AlreadyClaimed", () => Chain.Escrow.ClaimManyAsync(worker.Address, [ticket]));
        // Joining again would write a new record, but a settled task accepts no joins.
        await AssertRevertsAsync("WrongStatus", () => Chain.Escrow.For(worker).JoinAsync(taskId, Chain.Token.TokenAddress, 0));
        Assert.Equal((BigInteger)1000, await Chain.Token.BalanceOfAsync(Chain.Escrow.EscrowAddress));
    }

    [Fact]
    public async Task LeafOfAnAccountThatNeverJoined_Reverts_AndItsAmountGoesBackAtTheSweep()
    {
        var (taskId, _) = await OpenAsync(Chain.Token.TokenAddress, budget: 3000, feeBps: 0, (Chain.Workers[0], 0));
        await PastRevealAsync(taskId);
        var outsider = Chain.Workers[9].Address;
        // The settler's plan pays an account that never joined the task (leaf index 1: no worker there).
        var plan = new ChainSettlementPlan(taskId, [new ChainPayout(Chain.Workers[0].Address, 1000), new ChainPayout(outsider, 2000)], 0, 0);
        var published = await Chain.Escrow.For(Chain.Settler).PublishSettlementAsync(plan, 1);
        await AssertRevertsAsync("NotAWorker", () => Chain.Escrow.ClaimAsync(published.TicketFor(outsider)));
        await AssertRevertsAsync("NotAWorker", () => Chain.Escrow.ClaimManyAsync(outsider, [published.TicketFor(outsider)]));
        Assert.False(await IsClaimedAsync(taskId, 1, outsider));
        await Chain.Escrow.ClaimAsync(published.TicketFor(Chain.Workers[0].Address));

        await Chain.SetTimeAsync((await Chain.Escrow.GetTaskAsync(taskId)).ClaimDeadline);
        var before = await Chain.Token.BalanceOfAsync(Chain.Admin.Address);
        await Chain.Escrow.SweepAsync(taskId);
        Assert.Equal((BigInteger)2000, await Chain.Token.BalanceOfAsync(Chain.Admin.Address) - before);
        Assert.Equal(BigInteger.Zero, await Chain.Token.BalanceOfAsync(Chain.Escrow.EscrowAddress));
    }

    [Fact]
    public async Task LeafIndexOtherThanTheJoinIndex_Reverts_WithBothIndices()
    {
        var (taskId, _) = await OpenAsync(Chain.Token.TokenAddress, budget: 3000, feeBps: 0, (Chain.Workers[0], 0), (Chain.Workers[1], 0));
        await PastRevealAsync(taskId);
        // Lines in the wrong order: worker 1 joined second but is listed first.
        var plan = new ChainSettlementPlan(taskId, [new ChainPayout(Chain.Workers[1].Address, 1000), new ChainPayout(Chain.Workers[0].Address, 2000)], 0, 0);
        var published = await Chain.Escrow.For(Chain.Settler).PublishSettlementAsync(plan, 1);
        var e = await Assert.ThrowsAsync<ContractRevertException>(() => Chain.Escrow.ClaimAsync(published.TicketFor(Chain.Workers[1].Address)));
        var error = Assert.IsType<WrongWorkerIndexError>(e.Error);
        Assert.Equal(BigInteger.Zero, error.LeafIndex);
        Assert.Equal(BigInteger.One, error.WorkerIndex);
        Assert.Equal((BigInteger)3000, await Chain.Token.BalanceOfAsync(Chain.Escrow.EscrowAddress));
    }

    [Fact]
    public async Task PayoutTotalBeyond96Bits_IsRefusedAtPost_AndJustBelowIsPaid()
    {
        var limit = (BigInteger.One << 96) - 1;
        var (taskId, _) = await OpenAsync(Chain.Token.TokenAddress, budget: limit + 5, feeBps: 0, (Chain.Workers[0], 0));
        await PastRevealAsync(taskId);
        var settler = Chain.Escrow.For(Chain.Settler);
        var tooLarge = new ChainSettlementPlan(taskId, [new ChainPayout(Chain.Workers[0].Address, limit + 1)], refund: 4, fee: 0);
        var e = await Assert.ThrowsAsync<ContractRevertException>(() => settler.PublishSettlementAsync(tooLarge, 1));
        var error = Assert.IsType<PayoutTotalTooLargeError>(e.Error);
        Assert.Equal(limit + 1, error.TotalPayout);
        Assert.Equal(limit, error.Max);

        var atLimit = new ChainSettlementPlan(taskId, [new ChainPayout(Chain.Workers[0].Address, limit)], refund: 5, fee: 0);
        var published = await settler.PublishSettlementAsync(atLimit, 2);
        var before = await Chain.Token.BalanceOfAsync(Chain.Workers[0].Address);
        await Chain.Escrow.ClaimAsync(published.TicketFor(Chain.Workers[0].Address));
        Assert.Equal(limit, await Chain.Token.BalanceOfAsync(Chain.Workers[0].Address) - before);
        var state = await Chain.Escrow.Signer.CallAsync<ClaimStateOfFunction, ClaimStateOfOutputDTO>(
            Chain.Escrow.EscrowAddress, new ClaimStateOfFunction { TaskId = taskId });
        Assert.Equal(BigInteger.Zero, state.Unclaimed);
        Assert.Equal(Convert.ToHexString(published.Tree.Root.Span[..20]), Convert.ToHexString(state.MerkleRootPrefix));
    }

    [Fact]
    public async Task ClaimPaysInItsTasksToken_AndABatchMixingTokens_Reverts()
    {
        var (otherToken, _) = await TokenClient.DeployAsync(Chain.Admin, "Other Token", "OTH", BigInteger.Pow(10, 24));
        var worker = Chain.Workers[0];
        var (labelTask, labelPublished) = await MerkleTaskAsync(budget: 3000, payouts: [1000, 2000]);
        var (otherTask, _) = await OpenAsync(otherToken.TokenAddress, budget: 500, feeBps: 0, (worker, 0));
        await PastRevealAsync(otherTask);
        var otherPublished = await Chain.Escrow.For(Chain.Settler).PublishSettlementAsync(
            new ChainSettlementPlan(otherTask, [new ChainPayout(worker.Address, 500)], 0, 0), 1);

        await AssertRevertsAsync("TokenMismatch", () => Chain.Escrow.ClaimManyAsync(
            worker.Address, [labelPublished.TicketFor(worker.Address), otherPublished.TicketFor(worker.Address)]));
        // A leaf of one task presented as another task's does not verify.
        await AssertRevertsAsync("InvalidProof", () => Chain.Escrow.ClaimAsync(labelPublished.TicketFor(worker.Address) with { TaskId = otherTask }));

        var labelBefore = await Chain.Token.BalanceOfAsync(worker.Address);
        await Chain.Escrow.ClaimAsync(otherPublished.TicketFor(worker.Address));
        Assert.Equal((BigInteger)500, await otherToken.BalanceOfAsync(worker.Address));
        Assert.Equal(labelBefore, await Chain.Token.BalanceOfAsync(worker.Address));
        Assert.Equal(BigInteger.Zero, await otherToken.BalanceOfAsync(Chain.Escrow.EscrowAddress));
        Assert.Equal((BigInteger)3000, await Chain.Token.BalanceOfAsync(Chain.Escrow.EscrowAddress));
        Assert.False(await IsClaimedAsync(labelTask, 0, worker.Address));
    }

    [Fact]
    public async Task ClaimManyBatch_IsInEveryTasksAuditTrail()
    {
        var worker = Chain.Workers[1];
        var (first, firstPublished) = await MerkleTaskAsync(budget: 3000, payouts: [1000, 2000]);
        var (second, secondPublished) = await MerkleTaskAsync(budget: 700, payouts: [300, 400]);
        var receipt = await Chain.Escrow.ClaimManyAsync(worker.Address, [firstPublished.TicketFor(worker.Address), secondPublished.TicketFor(worker.Address)]);
        await Chain.Escrow.ClaimAsync(firstPublished.TicketFor(Chain.Workers[0].Address));

        var firstTrail = await Chain.Escrow.ReadTimelineAsync(first);
        var secondTrail = await Chain.Escrow.ReadTimelineAsync(second);
        var firstClaims = firstTrail.Events.OfType<FundsReleasedEvent>().Where(e => e.Kind == "Claimed").ToArray();
        Assert.Equal(2, firstClaims.Length);
        Assert.Contains(firstClaims, c => string.Equals(c.Account, worker.Address, StringComparison.OrdinalIgnoreCase) && c.Amount == 2000
            && c.TransactionHash == receipt.TransactionHash);
        Assert.Contains(firstClaims, c => string.Equals(c.Account, Chain.Workers[0].Address, StringComparison.OrdinalIgnoreCase) && c.Amount == 1000);
        var secondClaim = Assert.Single(secondTrail.Events.OfType<FundsReleasedEvent>(), e => e.Kind == "Claimed");
        Assert.Equal((BigInteger)400, secondClaim.Amount);
        Assert.True(firstTrail.Events.Select(e => (e.BlockNumber, e.LogIndex)).SequenceEqual(firstTrail.Events.Select(e => (e.BlockNumber, e.LogIndex)).Order()));
    }

    [Fact]
    public async Task ReplayedPayoutId_Reverts_AndCreditsOnce()
    {
        var driver = new RoundDriver(Chain);
        await driver.ApproveAllAsync();
        var round = new RoundSpec(1, 2, 2, 5000, 5000, 0, 1000, [100, 100], [[0], [0]]);
        var (taskId, accounts) = await driver.PlayAsync(round);
        var settler = Chain.Escrow.For(Chain.Settler);
        await settler.SettleOnChainAsync(taskId, payoutId: 42);
        var credited = await Chain.Escrow.CreditedAsync(Chain.Token.TokenAddress, accounts[0]);

        await AssertRevertsAsync("PayoutIdAlreadyApplied", () => settler.SettleOnChainAsync(taskId, payoutId: 42));
        var plan = new ChainSettlementPlan(taskId, [new ChainPayout(accounts[0], 600), new ChainPayout(accounts[1], 600)], 0, 0);
        await AssertRevertsAsync("PayoutIdAlreadyApplied", () => settler.PublishSettlementAsync(plan, payoutId: 42));
        await AssertRevertsAsync("WrongStatus", () => settler.SettleOnChainAsync(taskId, payoutId: 43));
        await AssertRevertsAsync("InvalidPayoutId", () => settler.SettleOnChainAsync(taskId, payoutId: 0));
        Assert.Equal((BigInteger)600, credited);
        Assert.Equal(credited, await Chain.Escrow.CreditedAsync(Chain.Token.TokenAddress, accounts[0]));
    }

    [Fact]
    public async Task SettleByNonSettler_Reverts()
    {
        var (taskId, _) = await OpenAsync(Chain.Token.TokenAddress, budget: 1000, feeBps: 0, (Chain.Workers[0], 0));
        await PastRevealAsync(taskId);
        var intruder = Chain.Escrow.For(Chain.Workers[0]);
        await AssertRevertsAsync("AccessControlUnauthorizedAccount", () => intruder.SettleOnChainAsync(taskId, 1));
        var plan = new ChainSettlementPlan(taskId, [new ChainPayout(Chain.Workers[0].Address, 1000)], 0, 0);
        await AssertRevertsAsync("AccessControlUnauthorizedAccount", () => intruder.PublishSettlementAsync(plan, 1));
        // The requester is no settler either.
        await AssertRevertsAsync("AccessControlUnauthorizedAccount", () => Chain.Escrow.SettleOnChainAsync(taskId, 1));
        Assert.Equal((byte)1, (await Chain.Escrow.GetTaskAsync(taskId)).Status);
    }

    [Fact]
    public async Task CommitmentCopiedByAnotherAddress_CanNeverBeRevealed()
    {
        var victim = Chain.Workers[0];
        var copier = Chain.Workers[1];
        var (taskId, _) = await OpenAsync(Chain.Token.TokenAddress, budget: 1000, feeBps: 0, (victim, 0), (copier, 0));
        var sealedLabel = (await Chain.Escrow.For(victim).CommitAsync(taskId, [(0u, (byte)1)])).Labels[0];
        // The copier sees the commitment in the mempool or the event and commits the same bytes on the same item.
        await Chain.Escrow.For(copier).CommitSealedAsync(taskId, [sealedLabel]);
        var task = await Chain.Escrow.GetTaskAsync(taskId);
        await Chain.SetTimeAsync(task.CommitDeadline);
        await Chain.Escrow.For(victim).RevealAsync(taskId, [sealedLabel]);

        // Even knowing the label and salt (now public), the copier's reveal cannot match: the sender is in the hash.
        await AssertRevertsAsync("CommitmentMismatch", () => Chain.Escrow.For(copier).RevealAsync(taskId, [sealedLabel]));
        // The same bytes replayed on another item or another task do not match either.
        Assert.NotEqual(
            Convert.ToHexString(sealedLabel.Commitment.Span),
            Convert.ToHexString(LabelCommitments.Compute(Chain.Admin.ChainId, Chain.Escrow.EscrowAddress, taskId + 1, 0, victim.Address, 1, sealedLabel.Salt.Span)));
    }

    [Fact]
    public async Task RevealAfterDeadline_Reverts_AndIsSlashedLikeAWrongLabel()
    {
        var driver = new RoundDriver(Chain);
        await driver.ApproveAllAsync();
        var late = Chain.Workers[2];
        var open = await driver.OpenAsync(new RoundSpec(2, 2, 3, 0, 4000, 0, 900, [300, 300, 300], [[0, 0], [1, 1], [0, 0]]), Chain.Workers);
        await driver.CommitAsync(open);
        await Chain.SetTimeAsync(open.Created.RevealDeadline);
        await AssertRevertsAsync("TooLate", () => Chain.Escrow.For(late).RevealAsync(open.TaskId, open.Sealed[2]));
        // Nobody revealed: every item is flagged, nothing is slashed, stakes return and the budget is refunded.
        await Chain.Escrow.For(Chain.Settler).SettleOnChainAsync(open.TaskId, 1);
        Assert.Equal((BigInteger)300, await Chain.Escrow.CreditedAsync(Chain.Token.TokenAddress, late.Address));
    }

    [Fact]
    public async Task WithholdingAReveal_IsPenalisedAtLeastAsHardAsRevealingAWrongLabel()
    {
        var driver = new RoundDriver(Chain);
        await driver.ApproveAllAsync();
        // Workers 0 and 1 agree on both items; worker 2 reveals wrong labels; worker 3 commits and never reveals.
        var round = new RoundSpec(2, 2, 4, 5000, 3000, 0, 1000, [500, 500, 500, 500], [[0, 0], [0, 0], [1, 1], [Vote.Hidden, Vote.Hidden]]);
        var (taskId, accounts) = await driver.PlayAsync(round);
        await Chain.Escrow.For(Chain.Settler).SettleOnChainAsync(taskId, 1);
        var wrong = await Chain.Escrow.CreditedAsync(Chain.Token.TokenAddress, accounts[2]);
        var hidden = await Chain.Escrow.CreditedAsync(Chain.Token.TokenAddress, accounts[3]);
        Assert.Equal((BigInteger)350, wrong); // 500 - 500 * 3000 * 2 / (10000 * 2)
        Assert.True(hidden <= wrong, $"withholding paid {hidden}, a wrong reveal {wrong}");
    }

    [Fact]
    public async Task ForgedProof_Reverts_AndNothingMoves()
    {
        var (taskId, published) = await MerkleTaskAsync(budget: 3000, payouts: [1000, 2000]);
        var honest = published.TicketFor(Chain.Workers[0].Address);
        var thief = Chain.Workers[2].Address;
        await AssertRevertsAsync("InvalidProof", () => Chain.Escrow.ClaimAsync(honest with { Amount = 2000 }));
        await AssertRevertsAsync("InvalidProof", () => Chain.Escrow.ClaimAsync(honest with { Account = thief }));
        await AssertRevertsAsync("InvalidProof", () => Chain.Escrow.ClaimAsync(honest with { Index = 1 }));
        await AssertRevertsAsync("InvalidProof", () => Chain.Escrow.ClaimAsync(honest with { Proof = [new byte[32]] }));
        // A proof from one task does not verify in another task paying the same account the same amounts.
        var (secondTask, _) = await MerkleTaskAsync(budget: 3000, payouts: [1000, 2000]);
        await AssertRevertsAsync("InvalidProof", () => Chain.Escrow.ClaimAsync(honest with { TaskId = secondTask }));
        Assert.Equal(BigInteger.Zero, await Chain.Token.BalanceOfAsync(thief) - BigInteger.Pow(10, 27));
        Assert.Equal((BigInteger)6000, await Chain.Token.BalanceOfAsync(Chain.Escrow.EscrowAddress));
    }

    [Fact]
    public async Task Reverts_AreDecoded_AtGasEstimation_InACall_AndFromAMinedFailure()
    {
        var (_, published) = await MerkleTaskAsync(budget: 3000, payouts: [1000, 2000]);
        var forged = published.TicketFor(Chain.Workers[0].Address) with { Amount = 5000 };
        // 1. A signer that estimates gas: refused before anything is mined.
        using var estimating = new ChainSigner(Chain.Node.RpcUrl, DevChain.AnvilNode.DevelopmentKeys[3], DevChain.AnvilNode.ChainId);
        var e1 = await Assert.ThrowsAsync<ContractRevertException>(() => new EscrowClient(estimating, Chain.Escrow.EscrowAddress).ClaimAsync(forged));
        Assert.Equal("InvalidProof", e1.ErrorName);
        Assert.Null(e1.TransactionHash);
        // 2. eth_call simulation.
        var e2 = await Chain.Admin.SimulateAsync(Chain.Escrow.EscrowAddress, EscrowClient.ToClaimFunction(forged));
        Assert.Equal("InvalidProof", e2?.ErrorName);
        // 3. A fixed gas limit: mined with status 0, replayed for its revert data.
        var e3 = await Assert.ThrowsAsync<ContractRevertException>(() => Chain.Escrow.ClaimAsync(forged));
        Assert.Equal("InvalidProof", e3.ErrorName);
        Assert.NotNull(e3.TransactionHash);
        Assert.IsType<InvalidProofError>(e3.Error);
        // The nonce service recovered: the next transactions of both signers go through.
        await new EscrowClient(estimating, Chain.Escrow.EscrowAddress).ClaimAsync(published.TicketFor(Chain.Workers[0].Address));
        await Chain.Escrow.ClaimAsync(published.TicketFor(Chain.Workers[1].Address));
    }

    [Fact]
    public async Task RootWhoseLeavesExceedItsTotal_CannotDrainRefundOrFee()
    {
        var (taskId, _) = await OpenAsync(Chain.Token.TokenAddress, budget: 1000, feeBps: 1000, (Chain.Workers[0], 0));
        await PastRevealAsync(taskId);
        var worker = Chain.Workers[0].Address;
        // Posted totals: payout 100, refund 800, fee 100. The tree, though, promises the worker 900.
        var tree = Merkle.SettlementMerkleTree.Build([new Merkle.SettlementLeaf(taskId, 0, worker, 900)]);
        await Chain.Settler.SendAsync(Chain.Escrow.EscrowAddress, new PostMerkleSettlementFunction
        {
            TaskId = taskId, PayoutId = 1, Root = tree.Root.ToArray(), TotalPayout = 100, Refund = 800, Fee = 100,
        });
        var ticket = new ClaimTicket(taskId, 0, worker, 900, tree.GetProof(0));
        await AssertRevertsAsync("ClaimExceedsUnclaimed", () => Chain.Escrow.ClaimAsync(ticket));
        await Chain.Escrow.WithdrawRefundAsync(taskId);
        await Chain.Escrow.WithdrawFeeAsync(taskId);
        Assert.Equal((BigInteger)100, await Chain.Token.BalanceOfAsync(Chain.Escrow.EscrowAddress));
    }

    [Fact]
    public async Task SettlingACancelledTask_Reverts_AndTheRefundIsPaidOnce()
    {
        var worker = Chain.Workers[0];
        var (taskId, _) = await OpenAsync(Chain.Token.TokenAddress, budget: 1000, feeBps: 0, (worker, 250));
        var requesterBefore = await Chain.Token.BalanceOfAsync(Chain.Admin.Address);
        await AssertRevertsAsync("NotRequester", () => Chain.Escrow.For(worker).CancelTaskAsync(taskId));
        await Chain.Escrow.CancelTaskAsync(taskId);
        await PastRevealAsync(taskId);
        var settler = Chain.Escrow.For(Chain.Settler);
        await AssertRevertsAsync("WrongStatus", () => settler.SettleOnChainAsync(taskId, 1));
        await AssertRevertsAsync("WrongStatus", () => settler.PublishSettlementAsync(
            new ChainSettlementPlan(taskId, [new ChainPayout(worker.Address, 1250)], 0, 0), 2));
        await AssertRevertsAsync("WrongStatus", () => Chain.Escrow.CancelTaskAsync(taskId));
        await AssertRevertsAsync("WrongStatus", () => Chain.Escrow.WithdrawRefundAsync(taskId));
        await Chain.Escrow.For(worker).WithdrawAsync(Chain.Token.TokenAddress);
        Assert.Equal((BigInteger)1000, await Chain.Token.BalanceOfAsync(Chain.Admin.Address) - requesterBefore);
        Assert.Equal(BigInteger.Zero, await Chain.Token.BalanceOfAsync(Chain.Escrow.EscrowAddress));
    }

    [Fact]
    public async Task CancelAfterWorkStarted_Reverts()
    {
        var worker = Chain.Workers[0];
        var (taskId, _) = await OpenAsync(Chain.Token.TokenAddress, budget: 1000, feeBps: 0, (worker, 0));
        await Chain.Escrow.For(worker).CommitAsync(taskId, [(0u, (byte)0)]);
        await AssertRevertsAsync("WrongStatus", () => Chain.Escrow.CancelTaskAsync(taskId));
    }

    [Fact]
    public async Task ArithmeticAtUint256Edges_RevertsCleanly_OrSettlesExactly()
    {
        await Chain.Token.MintAsync(Chain.Admin.Address, BigInteger.One << 200);
        await Chain.Token.ApproveAsync(Chain.Escrow.EscrowAddress, s_uint256Max);
        // A budget beyond 128 bits is refused; so is a stake that would push budget + stakes beyond 128 bits.
        await AssertRevertsAsync("AmountTooLarge", () => OpenAsync(Chain.Token.TokenAddress, budget: s_uint128Max + 1, feeBps: 0));
        await AssertRevertsAsync("ERC20InsufficientBalance", () => OpenAsync(Chain.Token.TokenAddress, budget: s_uint256Max, feeBps: 0));
        var whale = Chain.Workers[0];
        await Chain.Token.TransferAsync(whale.Address, BigInteger.One << 129);
        await Chain.Token.For(whale).ApproveAsync(Chain.Escrow.EscrowAddress, s_uint256Max);
        var (edgeTask, _) = await OpenAsync(Chain.Token.TokenAddress, budget: s_uint128Max - 10, feeBps: 2500);
        await AssertRevertsAsync("AmountTooLarge", () => Chain.Escrow.For(whale).JoinAsync(edgeTask, Chain.Token.TokenAddress, 11));

        // At the edge itself the settlement is exact: budget + stakes = 2^128 - 1, maximal slash and fee.
        var driver = new RoundDriver(Chain);
        await driver.ApproveAllAsync();
        var stake = (s_uint128Max - 1) / 3;
        var budget = s_uint128Max - 3 * stake;
        var round = new RoundSpec(3, 3, 3, 5000, 10_000, 2500, budget, [stake, stake, stake], [[0, 1, 2], [0, 1, 1], [Vote.Hidden, 2, 2]]);
        await Chain.Token.For(Chain.Workers[1]).ApproveAsync(Chain.Escrow.EscrowAddress, s_uint256Max);
        await Chain.Token.TransferAsync(Chain.Workers[1].Address, BigInteger.One << 129);
        await Chain.Token.TransferAsync(Chain.Workers[2].Address, BigInteger.One << 129);
        var (taskId, accounts) = await driver.PlayAsync(round);
        var plan = round.ExpectedPlan(accounts);
        await Chain.Escrow.For(Chain.Settler).SettleOnChainAsync(taskId, 1);
        for (var w = 0; w < 3; w++)
        {
            Assert.Equal(plan.Payouts[w].ToBigInteger(), await Chain.Escrow.CreditedAsync(Chain.Token.TokenAddress, accounts[w]));
        }

        var state = await Chain.Escrow.GetTaskAsync(taskId);
        Assert.Equal(plan.RequesterRefund.ToBigInteger(), state.RefundDue);
        Assert.Equal(plan.TotalFees.ToBigInteger(), state.FeeDue);

        // Merkle totals near 2^256 are refused by the books check, never by an overflow panic.
        var (other, _) = await OpenAsync(Chain.Token.TokenAddress, budget: 1000, feeBps: 0);
        await PastRevealAsync(other);
        await AssertRevertsAsync("BooksDoNotBalance", () => Chain.Settler.SendAsync(Chain.Escrow.EscrowAddress, new PostMerkleSettlementFunction
        {
            TaskId = other, PayoutId = 9, Root = new byte[32].Select((_, i) => (byte)(i + 1)).ToArray(), TotalPayout = s_uint256Max, Refund = 1001, Fee = 0,
        }));
        await AssertRevertsAsync("BooksDoNotBalance", () => Chain.Settler.SendAsync(Chain.Escrow.EscrowAddress, new PostMerkleSettlementFunction
        {
            TaskId = other, PayoutId = 9, Root = new byte[32].Select((_, i) => (byte)(i + 1)).ToArray(), TotalPayout = 1, Refund = s_uint256Max, Fee = 0,
        }));
        await AssertRevertsAsync("FeeMismatch", () => Chain.Settler.SendAsync(Chain.Escrow.EscrowAddress, new PostMerkleSettlementFunction
        {
            TaskId = other, PayoutId = 9, Root = new byte[32].Select((_, i) => (byte)(i + 1)).ToArray(), TotalPayout = 0, Refund = 1000, Fee = s_uint256Max,
        }));
    }

    private async Task<(BigInteger TaskId, BigInteger Credited)> OpenAsync(
        string token, BigInteger budget, ushort feeBps, params (Client.ChainSigner Worker, BigInteger Stake)[] workers)
    {
        var created = await Chain.Escrow.CreateTaskAsync(new TaskSpec
        {
            Token = token,
            Budget = budget,
            MinStake = 0,
            ItemCount = 2,
            LabelCount = 2,
            AnnotatorsPerItem = 3,
            ThresholdBps = 5000,
            SlashBps = 5000,
            FeeBps = feeBps,
            CommitWindow = TimeSpan.FromHours(1),
            RevealWindow = TimeSpan.FromHours(1),
            ClaimWindow = TimeSpan.FromDays(1),
            DatasetHash = new byte[32],
        });
        foreach (var (worker, stake) in workers)
        {
            await Chain.Escrow.For(worker).JoinAsync(created.TaskId, token, stake);
        }

        return (created.TaskId, created.Budget);
    }

    private async Task PastRevealAsync(BigInteger taskId) =>
        await Chain.SetTimeAsync((await Chain.Escrow.GetTaskAsync(taskId)).RevealDeadline);

    /// <summary>A task joined by workers 0..n-1 (stake 0) and settled by a Merkle root paying them in join order.</summary>
    private async Task<(BigInteger TaskId, PublishedSettlement Published)> MerkleTaskAsync(BigInteger budget, BigInteger[] payouts)
    {
        var (taskId, _) = await OpenAsync(Chain.Token.TokenAddress, budget, feeBps: 0, [.. payouts.Select((_, i) => (Chain.Workers[i], BigInteger.Zero))]);
        await PastRevealAsync(taskId);
        var plan = new ChainSettlementPlan(taskId, [.. payouts.Select((p, i) => new ChainPayout(Chain.Workers[i].Address, p))], budget - payouts.Aggregate(BigInteger.Zero, (a, b) => a + b), 0);
        return (taskId, await Chain.Escrow.For(Chain.Settler).PublishSettlementAsync(plan, 1));
    }

    private async Task<bool> IsClaimedAsync(BigInteger taskId, BigInteger index, string account) =>
        (await Chain.Escrow.Signer.CallAsync<IsClaimedFunction, IsClaimedOutputDTO>(
            Chain.Escrow.EscrowAddress, new IsClaimedFunction { TaskId = taskId, Index = index, Account = account })).ReturnValue1;

    private async Task<BigInteger> WorkerSlotAsync(BigInteger taskId, string account) =>
        (await Chain.Escrow.Signer.CallAsync<WorkerSlotOfFunction, WorkerSlotOfOutputDTO>(
            Chain.Escrow.EscrowAddress, new WorkerSlotOfFunction { TaskId = taskId, Account = account })).ReturnValue1;

    private static async Task AssertRevertsAsync(string errorName, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<ContractRevertException>(action);
        Assert.True(e.ErrorName == errorName, $"expected {errorName}, got: {e.Message}");
    }
}
