// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using TokenLabeling.Chain.Hashing;

namespace TokenLabeling.Chain.Merkle;

/// <summary>
/// One entry of a Merkle settlement: what <paramref name="Account"/> may claim from task <paramref name="TaskId"/>.
/// </summary>
/// <param name="TaskId">Task id.</param>
/// <param name="Index">The worker's join index in the task (its position in a plan whose workers are in join order);
/// the escrow pays a leaf only to the account that joined the task at this index.</param>
/// <param name="Account">Address that receives the payout.</param>
/// <param name="Amount">Payout in base units (stake back minus slash plus reward plus share).</param>
public readonly record struct SettlementLeaf(BigInteger TaskId, BigInteger Index, string Account, BigInteger Amount)
{
    /// <summary>
    /// Computes the leaf hash exactly as <c>LabelingEscrow.leafOf</c>:
    /// <c>keccak256(bytes.concat(keccak256(abi.encode(taskId, index, account, amount))))</c>.
    /// </summary>
    /// <returns>The 32-byte leaf hash.</returns>
    /// <exception cref="ArgumentException">The account is not a 20-byte hex address.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is negative or does not fit in a uint256.</exception>
    public byte[] ComputeHash()
    {
        Span<byte> buffer = stackalloc byte[4 * AbiWords.WordSize];
        AbiWords.WriteUInt256(buffer[0..32], TaskId);
        AbiWords.WriteUInt256(buffer[32..64], Index);
        AbiWords.WriteAddress(buffer[64..96], Account, nameof(Account));
        AbiWords.WriteUInt256(buffer[96..128], Amount);
        // Double hashing keeps a 64-byte inner node from ever being read as a leaf (second pre-image safety).
        return AbiWords.Keccak(AbiWords.Keccak(buffer));
    }
}
