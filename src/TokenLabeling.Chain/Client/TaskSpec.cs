// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;

namespace TokenLabeling.Chain.Client;

/// <summary>
/// What a requester asks for when creating a task. Windows are relative: the client turns them into deadlines
/// from the chain's latest block timestamp (never the wall clock).
/// </summary>
public sealed record TaskSpec
{
    /// <summary>Gets the ERC-20 token of the budget and stakes.</summary>
    public required string Token { get; init; }

    /// <summary>Gets the budget in base units (credited by the measured balance change; at most 2^128 - 1 with all stakes).</summary>
    public required BigInteger Budget { get; init; }

    /// <summary>Gets the minimum stake per annotator in base units.</summary>
    public required BigInteger MinStake { get; init; }

    /// <summary>Gets the number of items to label.</summary>
    public required uint ItemCount { get; init; }

    /// <summary>Gets the number of labels (2..255); labels are 0 .. LabelCount - 1.</summary>
    public required byte LabelCount { get; init; }

    /// <summary>Gets the maximum number of annotators per item (1..15).</summary>
    public required byte AnnotatorsPerItem { get; init; }

    /// <summary>Gets the agreement threshold in basis points: an item is accepted when its plurality label has at least this share of the labels committed on it. Example: 5000.</summary>
    public required ushort ThresholdBps { get; init; }

    /// <summary>Gets the slash rate in basis points applied to the stake share of each wrong or missing label. Example: 2000.</summary>
    public required ushort SlashBps { get; init; }

    /// <summary>Gets the platform fee in basis points of the budget (at most 2500). Example: 250.</summary>
    public required ushort FeeBps { get; init; }

    /// <summary>Gets how long joining and committing stay open, from the latest block.</summary>
    public required TimeSpan CommitWindow { get; init; }

    /// <summary>Gets how long revealing stays open after the commit deadline.</summary>
    public required TimeSpan RevealWindow { get; init; }

    /// <summary>Gets how long Merkle claims stay open after the settlement is posted, before a sweep.</summary>
    public required TimeSpan ClaimWindow { get; init; }

    /// <summary>Gets the 32-byte hash of the dataset (provenance).</summary>
    public required ReadOnlyMemory<byte> DatasetHash { get; init; }

    /// <summary>Gets where the dataset can be fetched.</summary>
    public string DatasetUri { get; init; } = string.Empty;
}

/// <summary>A task created on chain.</summary>
/// <param name="TaskId">The new task's id.</param>
/// <param name="Budget">The budget credited (the measured balance change).</param>
/// <param name="CommitDeadline">Commit deadline (unix seconds, chain time).</param>
/// <param name="RevealDeadline">Reveal deadline (unix seconds, chain time).</param>
/// <param name="Receipt">The creation receipt (approval receipts are not included).</param>
public sealed record CreatedTask(BigInteger TaskId, BigInteger Budget, ulong CommitDeadline, ulong RevealDeadline, ChainReceipt Receipt);

/// <summary>Labels committed on chain and the secrets to reveal them.</summary>
/// <param name="Labels">One sealed label per item, in the order given.</param>
/// <param name="Receipt">The commit receipt.</param>
public sealed record CommitResult(IReadOnlyList<Commitments.SealedLabel> Labels, ChainReceipt Receipt);
