// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using System.Security.Cryptography;
using TokenLabeling.Chain.Hashing;

namespace TokenLabeling.Chain.Commitments;

/// <summary>
/// Computes label commitments exactly as <c>LabelingEscrow.commitmentOf</c> does:
/// <c>keccak256(abi.encode(chainId, escrow, taskId, item, worker, label, salt))</c>.
/// </summary>
/// <remarks>
/// Binding the chain, the contract, the task, the item and the worker into the hash means a commitment copied by
/// another address, replayed on another task or item, or on another deployment, can never be revealed.
/// </remarks>
public static class LabelCommitments
{
    /// <summary>Length of a salt in bytes.</summary>
    public const int SaltLength = 32;

    /// <summary>Draws a fresh 32-byte salt from the operating system's cryptographic random number generator.</summary>
    /// <returns>A new salt. Store it before sending the commitment: without it the label cannot be revealed.</returns>
    public static byte[] CreateSalt() => RandomNumberGenerator.GetBytes(SaltLength);

    /// <summary>Computes the commitment of one hidden label.</summary>
    /// <param name="chainId">Chain id of the network (31337 on a local anvil node).</param>
    /// <param name="escrow">Address of the escrow contract.</param>
    /// <param name="taskId">Task id (starts at 1).</param>
    /// <param name="item">Item index within the task.</param>
    /// <param name="worker">Address of the annotator that will reveal.</param>
    /// <param name="label">Label index (0 .. labelCount - 1).</param>
    /// <param name="salt">32-byte salt.</param>
    /// <returns>The 32-byte commitment.</returns>
    /// <exception cref="ArgumentException">An address is malformed or the salt is not 32 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is negative or does not fit in a uint256.</exception>
    public static byte[] Compute(
        BigInteger chainId, string escrow, BigInteger taskId, long item, string worker, int label, ReadOnlySpan<byte> salt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(item);
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        if (salt.Length != SaltLength)
        {
            throw new ArgumentException($"The salt must be {SaltLength} bytes, not {salt.Length}.", nameof(salt));
        }

        Span<byte> buffer = stackalloc byte[7 * AbiWords.WordSize];
        AbiWords.WriteUInt256(buffer[0..32], chainId);
        AbiWords.WriteAddress(buffer[32..64], escrow, nameof(escrow));
        AbiWords.WriteUInt256(buffer[64..96], taskId);
        AbiWords.WriteUInt256(buffer[96..128], item);
        AbiWords.WriteAddress(buffer[128..160], worker, nameof(worker));
        AbiWords.WriteUInt256(buffer[160..192], label);
        salt.CopyTo(buffer[192..224]);
        return AbiWords.Keccak(buffer);
    }
}
