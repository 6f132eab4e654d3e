// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using TokenLabeling.Chain.Bindings.LabelingEscrow.ContractDefinition;
using TokenLabeling.Chain.Commitments;
using TokenLabeling.Chain.Hashing;
using TokenLabeling.Chain.Merkle;
using TokenLabeling.Chain.Settlement;

namespace TokenLabeling.Chain.Client;

/// <summary>
/// Drives a <c>LabelingEscrow</c> as one signer: create tasks, stake, commit and reveal hidden labels, settle on chain
/// or publish a settlement plan as a Merkle root, claim, withdraw, and read a task's audit trail back.
/// </summary>
/// <remarks>
/// Amounts are base units. Every transaction's receipt is checked; a revert surfaces as a
/// <see cref="ContractRevertException"/> carrying the decoded custom error. Deadlines are computed from the latest
/// block's timestamp, never from the wall clock.
/// </remarks>
public sealed class EscrowClient
{
    private static readonly string s_claimedManyTopic = "0x" + Nethereum.Contracts.ABITypedRegistry.GetEvent<ClaimedManyEventDTO>().Sha3Signature;

    /// <summary>Role allowed to settle tasks.</summary>
    public static readonly ReadOnlyMemory<byte> SettlerRole = AbiWords.Keccak("SETTLER_ROLE"u8);

    /// <summary>Role allowed to record review verdicts.</summary>
    public static readonly ReadOnlyMemory<byte> ArbiterRole = AbiWords.Keccak("ARBITER_ROLE"u8);

    /// <summary>Initializes a client.</summary>
    /// <param name="signer">The signer that sends the transactions (one per key).</param>
    /// <param name="escrowAddress">The escrow contract.</param>
    public EscrowClient(ChainSigner signer, string escrowAddress)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentException.ThrowIfNullOrWhiteSpace(escrowAddress);
        Signer = signer;
        EscrowAddress = escrowAddress;
    }

    /// <summary>Gets the signer.</summary>
    public ChainSigner Signer { get; }

    /// <summary>Gets the escrow's address.</summary>
    public string EscrowAddress { get; }

    /// <summary>Deploys a <c>LabelingEscrow</c>.</summary>
    /// <param name="deployer">The deploying signer.</param>
    /// <param name="admin">Default admin (grants the settler and arbiter roles).</param>
    /// <param name="treasury">Receives platform fees.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A client for the deployer and the deployment receipt.</returns>
    public static async Task<(EscrowClient Escrow, ChainReceipt Receipt)> DeployAsync(
        ChainSigner deployer, string admin, string treasury, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployer);
        var receipt = await deployer.DeployAsync(new LabelingEscrowDeployment { Admin = admin, Treasury = treasury }, cancellationToken)
            .ConfigureAwait(false);
        return (new EscrowClient(deployer, receipt.ContractAddress!), receipt);
    }

    /// <summary>Returns a client for another signer on the same escrow.</summary>
    /// <param name="signer">The other signer.</param>
    /// <returns>The client.</returns>
    public EscrowClient For(ChainSigner signer) => new(signer, EscrowAddress);

    /// <summary>Grants a role (the signer must be the admin).</summary>
    /// <param name="role">The role, for example <see cref="SettlerRole"/>.</param>
    /// <param name="account">The account.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> GrantRoleAsync(ReadOnlyMemory<byte> role, string account, CancellationToken cancellationToken = default) =>
        Signer.SendAsync(EscrowAddress, new GrantRoleFunction { Role = role.ToArray(), Account = account }, cancellationToken);

    /// <summary>Gets the latest block's timestamp (unix seconds), the clock all deadlines are measured against.</summary>
    /// <returns>The timestamp.</returns>
    public async Task<ulong> GetLatestBlockTimestampAsync()
    {
        var block = await Signer.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber
            .SendRequestAsync(BlockParameter.CreateLatest()).ConfigureAwait(false);
        return (ulong)block.Timestamp.Value;
    }

    /// <summary>Creates a task: approves the budget if needed, then escrows it.</summary>
    /// <param name="spec">The task.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The task id, the budget credited, the deadlines and the receipt.</returns>
    /// <exception cref="ContractRevertException">The contract refused the task (for example <c>InvalidParameter</c>).</exception>
    public async Task<CreatedTask> CreateTaskAsync(TaskSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.DatasetHash.Length != 32)
        {
            throw new ArgumentException($"The dataset hash must be 32 bytes, not {spec.DatasetHash.Length}.", nameof(spec));
        }

        await new TokenClient(Signer, spec.Token).EnsureAllowanceAsync(EscrowAddress, spec.Budget, cancellationToken).ConfigureAwait(false);
        var now = await GetLatestBlockTimestampAsync().ConfigureAwait(false);
        var commitDeadline = now + (ulong)spec.CommitWindow.TotalSeconds;
        var revealDeadline = commitDeadline + (ulong)spec.RevealWindow.TotalSeconds;
        var parameters = new TaskParams
        {
            Token = spec.Token,
            Budget = spec.Budget,
            MinStake = spec.MinStake,
            ItemCount = spec.ItemCount,
            LabelCount = spec.LabelCount,
            AnnotatorsPerItem = spec.AnnotatorsPerItem,
            ThresholdBps = spec.ThresholdBps,
            SlashBps = spec.SlashBps,
            FeeBps = spec.FeeBps,
            CommitDeadline = commitDeadline,
            RevealDeadline = revealDeadline,
            ClaimWindow = (ulong)spec.ClaimWindow.TotalSeconds,
            DatasetHash = spec.DatasetHash.ToArray(),
            DatasetUri = spec.DatasetUri,
        };
        var receipt = await Signer.SendAsync(EscrowAddress, new CreateTaskFunction { P = parameters }, cancellationToken).ConfigureAwait(false);
        var created = await DecodeSingleAsync<TaskCreatedEventDTO>(receipt).ConfigureAwait(false);
        return new CreatedTask(created.TaskId, created.Budget, commitDeadline, revealDeadline, receipt);
    }

    /// <summary>Joins a task with a stake: approves it if needed, then stakes.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="token">The task's token.</param>
    /// <param name="stake">Stake in base units (at least the task's minimum).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The join receipt.</returns>
    public async Task<ChainReceipt> JoinAsync(BigInteger taskId, string token, BigInteger stake, CancellationToken cancellationToken = default)
    {
        if (stake.Sign > 0)
        {
            await new TokenClient(Signer, token).EnsureAllowanceAsync(EscrowAddress, stake, cancellationToken).ConfigureAwait(false);
        }

        return await Signer.SendAsync(EscrowAddress, new JoinFunction { TaskId = taskId, Amount = stake }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads what is credited to <paramref name="account"/> in <paramref name="token"/>, as a <see cref="Economics.Amounts.TokenAmount"/>.</summary>
    /// <param name="token">The token.</param>
    /// <param name="account">The account.</param>
    /// <returns>The amount in base units.</returns>
    public async Task<Economics.Amounts.TokenAmount> CreditedAmountAsync(string token, string account) =>
        Economics.Amounts.TokenAmount.FromBigInteger(await CreditedAsync(token, account).ConfigureAwait(false));

    /// <summary>
    /// Seals labels with fresh salts from a cryptographic random number generator and commits them in one transaction.
    /// </summary>
    /// <param name="taskId">The task.</param>
    /// <param name="labels">(item, label) pairs.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The sealed labels (keep them: they are needed to reveal) and the receipt.</returns>
    public async Task<CommitResult> CommitAsync(
        BigInteger taskId, IReadOnlyList<(uint Item, byte Label)> labels, CancellationToken cancellationToken = default)
    {
        var sealedLabels = Seal(taskId, labels);
        var receipt = await CommitSealedAsync(taskId, sealedLabels, cancellationToken).ConfigureAwait(false);
        return new CommitResult(sealedLabels, receipt);
    }

    /// <summary>Seals labels (fresh 32-byte salts, commitments bound to this chain, escrow, task, item and signer) without sending them.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="labels">(item, label) pairs.</param>
    /// <returns>The sealed labels.</returns>
    public IReadOnlyList<SealedLabel> Seal(BigInteger taskId, IReadOnlyList<(uint Item, byte Label)> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
        {
            throw new ArgumentException("At least one label is needed.", nameof(labels));
        }

        var result = new SealedLabel[labels.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var salt = LabelCommitments.CreateSalt();
            var commitment = LabelCommitments.Compute(Signer.ChainId, EscrowAddress, taskId, labels[i].Item, Signer.Address, labels[i].Label, salt);
            result[i] = new SealedLabel(labels[i].Item, labels[i].Label, salt, commitment);
        }

        return result;
    }

    /// <summary>Commits labels sealed earlier with <see cref="Seal"/>.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="labels">The sealed labels.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> CommitSealedAsync(BigInteger taskId, IReadOnlyList<SealedLabel> labels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Signer.SendAsync(
            EscrowAddress,
            new CommitFunction
            {
                TaskId = taskId,
                Items = [.. labels.Select(l => l.Item)],
                Commitments = [.. labels.Select(l => l.Commitment.ToArray())],
            },
            cancellationToken);
    }

    /// <summary>Reveals committed labels (between the commit and reveal deadlines).</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="labels">The sealed labels returned by <see cref="CommitAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> RevealAsync(BigInteger taskId, IReadOnlyList<SealedLabel> labels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Signer.SendAsync(
            EscrowAddress,
            new RevealFunction
            {
                TaskId = taskId,
                Items = [.. labels.Select(l => l.Item)],
                Labels = [.. labels.Select(l => l.Label)],
                Salts = [.. labels.Select(l => l.Salt.ToArray())],
            },
            cancellationToken);
    }

    /// <summary>Settles a task by on-chain plurality (settler role).</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="payoutId">Idempotency key (non-zero); retrying an applied payout reverts with <c>PayoutIdAlreadyApplied</c>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> SettleOnChainAsync(BigInteger taskId, ulong payoutId, CancellationToken cancellationToken = default) =>
        Signer.SendAsync(EscrowAddress, new SettleOnChainFunction { TaskId = taskId, PayoutId = payoutId }, cancellationToken);

    /// <summary>
    /// Builds the Merkle tree of a settlement plan (leaf index = position in the plan) and posts its root and totals
    /// (settler role). The gas of the post does not depend on the number of workers.
    /// </summary>
    /// <remarks>
    /// The escrow pays a leaf only to the account that joined the task at the leaf's index, so the plan's lines must
    /// be the task's workers in join order; a line for an account that never joined reverts with <c>NotAWorker</c>
    /// when claimed, and its amount returns to the requester at the sweep. The total payout must fit in 96 bits.
    /// </remarks>
    /// <param name="plan">The plan.</param>
    /// <param name="payoutId">Idempotency key (non-zero).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The tree (to hand out proofs) and the receipt.</returns>
    public async Task<PublishedSettlement> PublishSettlementAsync(
        ChainSettlementPlan plan, ulong payoutId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var tree = BuildTree(plan);
        var receipt = await Signer.SendAsync(
            EscrowAddress,
            new PostMerkleSettlementFunction
            {
                TaskId = plan.TaskId,
                PayoutId = payoutId,
                Root = tree.Root.ToArray(),
                TotalPayout = plan.TotalPayout,
                Refund = plan.Refund,
                Fee = plan.Fee,
            },
            cancellationToken).ConfigureAwait(false);
        return new PublishedSettlement(plan.TaskId, tree, receipt);
    }

    /// <summary>
    /// Publishes an Economics settlement plan (escrow rule; worker ids are the workers' addresses in join order)
    /// as a Merkle root. See <see cref="SettlementPlanConversions.ToChainPlan"/>.
    /// </summary>
    /// <param name="taskId">The task.</param>
    /// <param name="plan">The plan computed off chain.</param>
    /// <param name="payoutId">Idempotency key (non-zero).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The tree and the receipt.</returns>
    public Task<PublishedSettlement> PublishSettlementAsync(
        BigInteger taskId, Economics.Settlement.SettlementPlan plan, ulong payoutId, CancellationToken cancellationToken = default) =>
        PublishSettlementAsync(plan.ToChainPlan(taskId), payoutId, cancellationToken);

    /// <summary>Builds the Merkle tree of a plan exactly as the contract will verify it.</summary>
    /// <param name="plan">The plan.</param>
    /// <returns>The tree.</returns>
    public static SettlementMerkleTree BuildTree(ChainSettlementPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Payouts.Count == 0)
        {
            throw new ArgumentException($"The plan of task {plan.TaskId} has no payouts: settle it on chain instead.", nameof(plan));
        }

        return SettlementMerkleTree.Build(
            [.. plan.Payouts.Select((p, i) => new SettlementLeaf(plan.TaskId, i, p.Account, p.Payout))]);
    }

    /// <summary>Claims one leaf (anyone may send it; the payout goes to the ticket's account).</summary>
    /// <param name="ticket">The claim.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> ClaimAsync(ClaimTicket ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return Signer.SendAsync(EscrowAddress, ToClaimFunction(ticket), cancellationToken);
    }

    /// <summary>Claims leaves of several tasks (same token) for one account with one transfer.</summary>
    /// <param name="account">The account paid.</param>
    /// <param name="tickets">The claims, all for <paramref name="account"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> ClaimManyAsync(string account, IReadOnlyList<ClaimTicket> tickets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        for (var i = 0; i < tickets.Count; i++)
        {
            if (!string.Equals(tickets[i].Account, account, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Ticket {i} pays {tickets[i].Account}, not {account}.", nameof(tickets));
            }
        }

        return Signer.SendAsync(EscrowAddress, ToClaimManyFunction(account, tickets), cancellationToken);
    }

    /// <summary>Builds the <c>claim</c> call of a ticket (for simulation or custom gas).</summary>
    /// <param name="ticket">The claim.</param>
    /// <returns>The call.</returns>
    public static ClaimFunction ToClaimFunction(ClaimTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return new ClaimFunction { TaskId = ticket.TaskId, Index = ticket.Index, Account = ticket.Account, Amount = ticket.Amount, Proof = [.. ticket.Proof] };
    }

    /// <summary>Builds the <c>claimMany</c> call of several tickets.</summary>
    /// <param name="account">The account paid.</param>
    /// <param name="tickets">The claims.</param>
    /// <returns>The call.</returns>
    public static ClaimManyFunction ToClaimManyFunction(string account, IReadOnlyList<ClaimTicket> tickets)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        return new ClaimManyFunction
        {
            Account = account,
            Claims = [.. tickets.Select(t => new ClaimRequest { TaskId = t.TaskId, Index = t.Index, Amount = t.Amount, Proof = [.. t.Proof] })],
        };
    }

    /// <summary>Withdraws everything credited to the signer in <paramref name="token"/> (on-chain settlements, returned stakes).</summary>
    /// <param name="token">The token.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> WithdrawAsync(string token, CancellationToken cancellationToken = default) =>
        Signer.SendAsync(EscrowAddress, new WithdrawFunction { Token = token }, cancellationToken);

    /// <summary>Pays a settled task's refund to its requester.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> WithdrawRefundAsync(BigInteger taskId, CancellationToken cancellationToken = default) =>
        Signer.SendAsync(EscrowAddress, new WithdrawRefundFunction { TaskId = taskId }, cancellationToken);

    /// <summary>Pays a settled task's fee to the treasury.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> WithdrawFeeAsync(BigInteger taskId, CancellationToken cancellationToken = default) =>
        Signer.SendAsync(EscrowAddress, new WithdrawFeeFunction { TaskId = taskId }, cancellationToken);

    /// <summary>After the claim deadline, returns unclaimed payouts to the requester and closes claims.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> SweepAsync(BigInteger taskId, CancellationToken cancellationToken = default) =>
        Signer.SendAsync(EscrowAddress, new SweepFunction { TaskId = taskId }, cancellationToken);

    /// <summary>Cancels a task before any label was committed (requester only).</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> CancelTaskAsync(BigInteger taskId, CancellationToken cancellationToken = default) =>
        Signer.SendAsync(EscrowAddress, new CancelTaskFunction { TaskId = taskId }, cancellationToken);

    /// <summary>Records an arbiter's verdict on an item of a settled task (arbiter role).</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="item">The item.</param>
    /// <param name="label">The verdict.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> ReviewItemAsync(BigInteger taskId, BigInteger item, BigInteger label, CancellationToken cancellationToken = default) =>
        Signer.SendAsync(EscrowAddress, new ReviewItemFunction { TaskId = taskId, Item = item, Label = label }, cancellationToken);

    /// <summary>Reads a task's stored state.</summary>
    /// <param name="taskId">The task.</param>
    /// <returns>The state (generated binding type).</returns>
    public async Task<TaskState> GetTaskAsync(BigInteger taskId) =>
        (await Signer.CallAsync<GetTaskFunction, GetTaskOutputDTO>(EscrowAddress, new GetTaskFunction { TaskId = taskId }).ConfigureAwait(false)).ReturnValue1;

    /// <summary>Reads what is credited to <paramref name="account"/> in <paramref name="token"/> and not yet withdrawn.</summary>
    /// <param name="token">The token.</param>
    /// <param name="account">The account.</param>
    /// <returns>The amount.</returns>
    public async Task<BigInteger> CreditedAsync(string token, string account) =>
        (await Signer.CallAsync<BalanceOfFunction, BalanceOfOutputDTO>(EscrowAddress, new BalanceOfFunction { Token = token, Account = account })
            .ConfigureAwait(false)).ReturnValue1;

    /// <summary>Reads the audit trail of one task: the escrow's events for it (logs filtered by this contract's address and the task id), in chain order.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="fromBlock">First block to read; 0 when <see langword="null"/>.</param>
    /// <returns>The timeline with the dataset hash and the label commitments.</returns>
    public async Task<TaskTimeline> ReadTimelineAsync(BigInteger taskId, BigInteger? fromBlock = null)
    {
        var topic = "0x" + taskId.ToString("x64", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(64, '0');
        var filter = new NewFilterInput
        {
            Address = [EscrowAddress],
            FromBlock = new BlockParameter(new HexBigInteger(fromBlock ?? BigInteger.Zero)),
            ToBlock = BlockParameter.CreateLatest(),
            Topics = [null, topic],
        };
        var logs = await Signer.Web3.Eth.Filters.GetLogs.SendRequestAsync(filter).ConfigureAwait(false);
        // claimMany pays several tasks with one ClaimedMany event whose task ids are in its data: read those
        // batches by their signature and keep the entries of this task.
        var batches = await Signer.Web3.Eth.Filters.GetLogs.SendRequestAsync(new NewFilterInput
        {
            Address = [EscrowAddress],
            FromBlock = filter.FromBlock,
            ToBlock = BlockParameter.CreateLatest(),
            Topics = [s_claimedManyTopic],
        }).ConfigureAwait(false);
        var events = new List<TimelineEvent>();
        var datasetHash = string.Empty;
        var datasetUri = string.Empty;
        foreach (var log in logs.OrderBy(l => l.BlockNumber.Value).ThenBy(l => l.LogIndex.Value))
        {
            // Only this escrow's logs: another contract's event with the same signature must never enter the trail.
            if (!string.Equals(log.Address, EscrowAddress, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var e = TimelineDecoder.Decode(log);
            if (e is TaskCreatedEvent created)
            {
                datasetHash = created.DatasetHash;
                datasetUri = created.DatasetUri;
            }

            if (e is not null)
            {
                events.Add(e);
            }
        }

        foreach (var log in batches)
        {
            if (string.Equals(log.Address, EscrowAddress, StringComparison.OrdinalIgnoreCase))
            {
                events.AddRange(TimelineDecoder.DecodeClaims(log, taskId));
            }
        }

        var ordered = events.OrderBy(e => e.BlockNumber).ThenBy(e => e.LogIndex).ToList();

        return new TaskTimeline(taskId, EscrowAddress, datasetHash, datasetUri, ordered);
    }

    private async Task<TEvent> DecodeSingleAsync<TEvent>(ChainReceipt receipt)
        where TEvent : IEventDTO, new()
    {
        var full = await Signer.Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(receipt.TransactionHash).ConfigureAwait(false);
        var logs = full.Logs ?? [];
        foreach (var log in logs)
        {
            if (string.Equals(log.Address, EscrowAddress, StringComparison.OrdinalIgnoreCase) && log.IsLogForEvent<TEvent>())
            {
                return log.DecodeEvent<TEvent>().Event;
            }
        }

        throw new InvalidOperationException($"Transaction {receipt.TransactionHash} emitted no {typeof(TEvent).Name} from {EscrowAddress}.");
    }
}
