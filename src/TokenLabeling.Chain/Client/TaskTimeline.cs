// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;

namespace TokenLabeling.Chain.Client;

/// <summary>The audit trail of one task, read back from the escrow's events in chain order.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="EscrowAddress">The contract whose logs were read (logs of other addresses are ignored).</param>
/// <param name="DatasetHash">The dataset hash recorded at creation (provenance), as 0x-hex; empty if the creation event was not found.</param>
/// <param name="DatasetUri">The dataset URI recorded at creation.</param>
/// <param name="Events">The events, ordered by block and log index.</param>
public sealed record TaskTimeline(
    BigInteger TaskId, string EscrowAddress, string DatasetHash, string DatasetUri, IReadOnlyList<TimelineEvent> Events)
{
    /// <summary>Gets the label commitments, in chain order.</summary>
    public IEnumerable<LabelCommittedEvent> Commitments => Events.OfType<LabelCommittedEvent>();

    /// <summary>Gets the reveals, in chain order.</summary>
    public IEnumerable<LabelRevealedEvent> Reveals => Events.OfType<LabelRevealedEvent>();
}

/// <summary>One event of a task's audit trail.</summary>
/// <param name="BlockNumber">Block of the event.</param>
/// <param name="TransactionHash">Transaction that emitted it.</param>
/// <param name="LogIndex">Position of the log in its block.</param>
public abstract record TimelineEvent(BigInteger BlockNumber, string TransactionHash, BigInteger LogIndex);

/// <summary>The task was created and its budget escrowed.</summary>
/// <param name="BlockNumber">Block of the event.</param>
/// <param name="TransactionHash">Transaction that emitted it.</param>
/// <param name="LogIndex">Position of the log in its block.</param>
/// <param name="Requester">The requester.</param>
/// <param name="Token">The token.</param>
/// <param name="Budget">Budget credited.</param>
/// <param name="DatasetHash">Dataset hash (0x-hex).</param>
/// <param name="DatasetUri">Dataset URI.</param>
public sealed record TaskCreatedEvent(
    BigInteger BlockNumber, string TransactionHash, BigInteger LogIndex, string Requester, string Token, BigInteger Budget,
    string DatasetHash, string DatasetUri) : TimelineEvent(BlockNumber, TransactionHash, LogIndex);

/// <summary>An annotator joined with a stake.</summary>
/// <param name="BlockNumber">Block of the event.</param>
/// <param name="TransactionHash">Transaction that emitted it.</param>
/// <param name="LogIndex">Position of the log in its block.</param>
/// <param name="Worker">The annotator.</param>
/// <param name="WorkerIndex">Its index in the task.</param>
/// <param name="Stake">Stake credited.</param>
public sealed record WorkerJoinedEvent(
    BigInteger BlockNumber, string TransactionHash, BigInteger LogIndex, string Worker, BigInteger WorkerIndex, BigInteger Stake)
    : TimelineEvent(BlockNumber, TransactionHash, LogIndex);

/// <summary>A hidden label was committed.</summary>
/// <param name="BlockNumber">Block of the event.</param>
/// <param name="TransactionHash">Transaction that emitted it.</param>
/// <param name="LogIndex">Position of the log in its block.</param>
/// <param name="Worker">The annotator.</param>
/// <param name="Item">The item.</param>
/// <param name="Commitment">The commitment (0x-hex).</param>
public sealed record LabelCommittedEvent(
    BigInteger BlockNumber, string TransactionHash, BigInteger LogIndex, string Worker, BigInteger Item, string Commitment)
    : TimelineEvent(BlockNumber, TransactionHash, LogIndex);

/// <summary>A label was revealed.</summary>
/// <param name="BlockNumber">Block of the event.</param>
/// <param name="TransactionHash">Transaction that emitted it.</param>
/// <param name="LogIndex">Position of the log in its block.</param>
/// <param name="Worker">The annotator.</param>
/// <param name="Item">The item.</param>
/// <param name="Label">The label.</param>
public sealed record LabelRevealedEvent(
    BigInteger BlockNumber, string TransactionHash, BigInteger LogIndex, string Worker, BigInteger Item, BigInteger Label)
    : TimelineEvent(BlockNumber, TransactionHash, LogIndex);

/// <summary>An item missed the agreement threshold in an on-chain settlement and was flagged for review.</summary>
/// <param name="BlockNumber">Block of the event.</param>
/// <param name="TransactionHash">Transaction that emitted it.</param>
/// <param name="LogIndex">Position of the log in its block.</param>
/// <param name="Item">The item.</param>
/// <param name="TopLabel">Its plurality label.</param>
/// <param name="TopVotes">Votes for that label.</param>
/// <param name="Votes">Labels committed on the item.</param>
public sealed record ItemFlaggedEvent(
    BigInteger BlockNumber, string TransactionHash, BigInteger LogIndex, BigInteger Item, BigInteger TopLabel, BigInteger TopVotes,
    BigInteger Votes) : TimelineEvent(BlockNumber, TransactionHash, LogIndex);

/// <summary>An arbiter recorded a verdict on an item.</summary>
/// <param name="BlockNumber">Block of the event.</param>
/// <param name="TransactionHash">Transaction that emitted it.</param>
/// <param name="LogIndex">Position of the log in its block.</param>
/// <param name="Item">The item.</param>
/// <param name="Label">The arbiter's label.</param>
/// <param name="Arbiter">The arbiter.</param>
public sealed record ItemReviewedEvent(
    BigInteger BlockNumber, string TransactionHash, BigInteger LogIndex, BigInteger Item, BigInteger Label, string Arbiter)
    : TimelineEvent(BlockNumber, TransactionHash, LogIndex);

/// <summary>A worker's outcome in an on-chain settlement.</summary>
/// <param name="BlockNumber">Block of the event.</param>
/// <param name="TransactionHash">Transaction that emitted it.</param>
/// <param name="LogIndex">Position of the log in its block.</param>
/// <param name="Worker">The annotator.</param>
/// <param name="Payout">Amount credited.</param>
/// <param name="Slash">Stake slashed.</param>
/// <param name="Reward">Reward from the pool.</param>
/// <param name="Share">Share of the slashed stake.</param>
public sealed record WorkerSettledEvent(
    BigInteger BlockNumber, string TransactionHash, BigInteger LogIndex, string Worker, BigInteger Payout, BigInteger Slash,
    BigInteger Reward, BigInteger Share) : TimelineEvent(BlockNumber, TransactionHash, LogIndex);

/// <summary>The task was settled (on-chain plurality or Merkle root).</summary>
/// <param name="BlockNumber">Block of the event.</param>
/// <param name="TransactionHash">Transaction that emitted it.</param>
/// <param name="LogIndex">Position of the log in its block.</param>
/// <param name="PayoutId">The settler's idempotency key.</param>
/// <param name="Root">The Merkle root (0x-hex), or empty for an on-chain settlement.</param>
/// <param name="TotalPayout">Sum of worker payouts.</param>
/// <param name="Refund">Requester's refund.</param>
/// <param name="Fee">Platform fee.</param>
public sealed record TaskSettledEvent(
    BigInteger BlockNumber, string TransactionHash, BigInteger LogIndex, ulong PayoutId, string Root, BigInteger TotalPayout,
    BigInteger Refund, BigInteger Fee) : TimelineEvent(BlockNumber, TransactionHash, LogIndex);

/// <summary>Money left the escrow for this task: a claim, a sweep, a refund, a fee, a returned stake or a cancellation.</summary>
/// <param name="BlockNumber">Block of the event.</param>
/// <param name="TransactionHash">Transaction that emitted it.</param>
/// <param name="LogIndex">Position of the log in its block.</param>
/// <param name="Kind">The event name: Claimed, Swept, RefundWithdrawn, FeeWithdrawn, StakeReturned, TaskCancelled or TaskAbandoned.</param>
/// <param name="Account">Who receives the amount (empty for cancellations, which pay the requester).</param>
/// <param name="Amount">The amount.</param>
public sealed record FundsReleasedEvent(
    BigInteger BlockNumber, string TransactionHash, BigInteger LogIndex, string Kind, string Account, BigInteger Amount)
    : TimelineEvent(BlockNumber, TransactionHash, LogIndex);
