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
            var (account, amount) = Unpack(e.AccountAndAmount);
            return new FundsReleasedEvent(b, h, i, "Claimed", AbiWords.ToHex(account), amount);
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
        foreach (var word in e.TaskIdsAndAmounts)
        {
            var (entryTask, amount) = Unpack(word);
            if (new BigInteger(entryTask, isUnsigned: true, isBigEndian: true) == taskId)
            {
                yield return new FundsReleasedEvent(log.BlockNumber.Value, log.TransactionHash, log.LogIndex.Value, "Claimed", e.Account, amount);
            }
        }
    }

    /// <summary>Splits a packed claim word: the upper 160 bits (an account or a task id, 20 bytes big-endian) and the 96-bit amount below.</summary>
    internal static (byte[] Upper160, BigInteger Amount) Unpack(BigInteger word)
    {
        if (word.Sign < 0 || word >= BigInteger.One << 256)
        {
            throw new ArgumentOutOfRangeException(nameof(word), word, "A claim word is a uint256.");
        }

        var upper = (word >> 96).ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[20];
        upper.CopyTo(padded, 20 - upper.Length);
        return (padded, word & ((BigInteger.One << 96) - 1));
    }
}
