// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using TokenLabeling.Chain.Bindings.LabelingEscrow.ContractDefinition;
using TokenLabeling.Chain.Hashing;

namespace TokenLabeling.Chain.Client;

/// <summary>Turns one escrow log into a typed timeline event.</summary>
internal static class TimelineDecoder
{
    public static TimelineEvent? Decode(FilterLog log)
    {
        var b = log.BlockNumber.Value;
        var h = log.TransactionHash;
        var i = log.LogIndex.Value;
        if (log.IsLogForEvent<TaskCreatedEventDTO>())
        {
            var e = log.DecodeEvent<TaskCreatedEventDTO>().Event;
            return new TaskCreatedEvent(b, h, i, e.Requester, e.Token, e.Budget, AbiWords.ToHex(e.Params.DatasetHash), e.Params.DatasetUri);
        }

        if (log.IsLogForEvent<WorkerJoinedEventDTO>())
        {
            var e = log.DecodeEvent<WorkerJoinedEventDTO>().Event;
            return new WorkerJoinedEvent(b, h, i, e.Worker, e.WorkerIndex, e.Stake);
        }

        if (log.IsLogForEvent<LabelCommittedEventDTO>())
        {
            var e = log.DecodeEvent<LabelCommittedEventDTO>().Event;
            return new LabelCommittedEvent(b, h, i, e.Worker, e.Item, AbiWords.ToHex(e.Commitment));
        }

        if (log.IsLogForEvent<LabelRevealedEventDTO>())
        {
            var e = log.DecodeEvent<LabelRevealedEventDTO>().Event;
            return new LabelRevealedEvent(b, h, i, e.Worker, e.Item, e.Label);
        }

        if (log.IsLogForEvent<ItemFlaggedEventDTO>())
        {
            var e = log.DecodeEvent<ItemFlaggedEventDTO>().Event;
            return new ItemFlaggedEvent(b, h, i, e.Item, e.TopLabel, e.TopVotes, e.Votes);
        }

        if (log.IsLogForEvent<ItemReviewedEventDTO>())
        {
            var e = log.DecodeEvent<ItemReviewedEventDTO>().Event;
            return new ItemReviewedEvent(b, h, i, e.Item, e.Label, e.Arbiter);
        }

        if (log.IsLogForEvent<WorkerSettledEventDTO>())
        {
            var e = log.DecodeEvent<WorkerSettledEventDTO>().Event;
            return new WorkerSettledEvent(b, h, i, e.Worker, e.Payout, e.Slash, e.Reward, e.Share);
        }

        if (log.IsLogForEvent<TaskSettledEventDTO>())
        {
            var e = log.DecodeEvent<TaskSettledEventDTO>().Event;
            return new TaskSettledEvent(b, h, i, e.PayoutId, string.Empty, e.TotalPayout, e.Refund, e.Fee);
        }

        if (log.IsLogForEvent<MerkleSettlementPostedEventDTO>())
        {
            var e = log.DecodeEvent<MerkleSettlementPostedEventDTO>().Event;
            return new TaskSettledEvent(b, h, i, e.PayoutId, AbiWords.ToHex(e.Root), e.TotalPayout, e.Refund, e.Fee);
        }

        if (log.IsLogForEvent<ClaimedManyEventDTO>())
        {
            // A batch of claims names its tasks in its data, not in a topic: see DecodeClaims.
            return null;
        }

        if (log.IsLogForEvent<ClaimedEventDTO>())
        {
            var e = log.DecodeEvent<ClaimedEventDTO>().Event;
            return new FundsReleasedEvent(b, h, i, "Claimed", e.Account, e.Amount);
        }

        if (log.IsLogForEvent<SweptEventDTO>())
        {
            var e = log.DecodeEvent<SweptEventDTO>().Event;
            return new FundsReleasedEvent(b, h, i, "Swept", e.Requester, e.Amount);
        }

        if (log.IsLogForEvent<RefundWithdrawnEventDTO>())
        {
            var e = log.DecodeEvent<RefundWithdrawnEventDTO>().Event;
            return new FundsReleasedEvent(b, h, i, "RefundWithdrawn", e.Requester, e.Amount);
        }

        if (log.IsLogForEvent<FeeWithdrawnEventDTO>())
        {
            var e = log.DecodeEvent<FeeWithdrawnEventDTO>().Event;
            return new FundsReleasedEvent(b, h, i, "FeeWithdrawn", e.Treasury, e.Amount);
        }

        if (log.IsLogForEvent<StakeReturnedEventDTO>())
        {
            var e = log.DecodeEvent<StakeReturnedEventDTO>().Event;
            return new FundsReleasedEvent(b, h, i, "StakeReturned", e.Worker, e.Amount);
        }

        if (log.IsLogForEvent<TaskCancelledEventDTO>())
        {
            var e = log.DecodeEvent<TaskCancelledEventDTO>().Event;
            return new FundsReleasedEvent(b, h, i, "TaskCancelled", string.Empty, e.Refund);
        }

        if (log.IsLogForEvent<TaskAbandonedEventDTO>())
        {
            var e = log.DecodeEvent<TaskAbandonedEventDTO>().Event;
            return new FundsReleasedEvent(b, h, i, "TaskAbandoned", string.Empty, e.Refund);
        }

        return null;
    }

    /// <summary>
    /// The claims of <paramref name="taskId"/> in one <c>ClaimedMany</c> log (a <c>claimMany</c> batch pays several
    /// tasks with one transfer and one event), or nothing when the log is of another kind.
    /// </summary>
    public static IEnumerable<TimelineEvent> DecodeClaims(FilterLog log, BigInteger taskId)
    {
        if (!log.IsLogForEvent<ClaimedManyEventDTO>())
        {
            yield break;
        }

        var e = log.DecodeEvent<ClaimedManyEventDTO>().Event;
        if (e.TaskIds.Count != e.Amounts.Count)
        {
            throw new InvalidOperationException(
                $"ClaimedMany log {log.TransactionHash}#{log.LogIndex.Value} lists {e.TaskIds.Count} tasks but {e.Amounts.Count} amounts.");
        }

        for (var k = 0; k < e.TaskIds.Count; k++)
        {
            if (e.TaskIds[k] == taskId)
            {
                yield return new FundsReleasedEvent(log.BlockNumber.Value, log.TransactionHash, log.LogIndex.Value, "Claimed", e.Account, e.Amounts[k]);
            }
        }
    }
}
