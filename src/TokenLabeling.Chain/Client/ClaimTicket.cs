// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using TokenLabeling.Chain.Merkle;

namespace TokenLabeling.Chain.Client;

/// <summary>Everything an annotator needs to claim one Merkle settlement leaf.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Index">The leaf's entry index.</param>
/// <param name="Account">The account paid.</param>
/// <param name="Amount">The payout in base units.</param>
/// <param name="Proof">Sibling hashes from the leaf to the root.</param>
public sealed record ClaimTicket(BigInteger TaskId, BigInteger Index, string Account, BigInteger Amount, IReadOnlyList<byte[]> Proof);

/// <summary>A settlement posted as a Merkle root, with the tree to hand out proofs.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Tree">The tree whose root was posted.</param>
/// <param name="Receipt">The posting receipt.</param>
public sealed record PublishedSettlement(BigInteger TaskId, SettlementMerkleTree Tree, ChainReceipt Receipt)
{
    /// <summary>Gets the claim ticket of the entry paying <paramref name="account"/>.</summary>
    /// <param name="account">The worker's address.</param>
    /// <returns>The ticket.</returns>
    /// <exception cref="KeyNotFoundException">The account has no entry in this settlement.</exception>
    public ClaimTicket TicketFor(string account)
    {
        for (var i = 0; i < Tree.Count; i++)
        {
            var leaf = Tree.Leaves[i];
            if (string.Equals(leaf.Account, account, StringComparison.OrdinalIgnoreCase))
            {
                return new ClaimTicket(leaf.TaskId, leaf.Index, leaf.Account, leaf.Amount, Tree.GetProof(i));
            }
        }

        throw new KeyNotFoundException($"Account {account} has no entry in the settlement of task {TaskId}.");
    }
}
