// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using System.Numerics;
using Nethereum.Util;

namespace TokenLabeling.Chain.Hashing;

/// <summary>
/// Writes the 32-byte words of Solidity's <c>abi.encode</c> for static types and hashes them with Keccak-256,
/// so that off-chain hashes match the contract's to the bit.
/// </summary>
internal static class AbiWords
{
    public const int WordSize = 32;

    /// <summary>Writes an unsigned integer as a big-endian, left-padded 32-byte word.</summary>
    public static void WriteUInt256(Span<byte> word, BigInteger value)
    {
        if (value.Sign < 0 || value.GetByteCount(isUnsigned: true) > WordSize)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "The value does not fit in a uint256.");
        }

        word[..WordSize].Clear();
        var length = value.GetByteCount(isUnsigned: true);
        value.TryWriteBytes(word.Slice(WordSize - length, length), out _, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Writes a 20-byte address (hex, with or without 0x) left-padded to a word.</summary>
    public static void WriteAddress(Span<byte> word, string address, string paramName)
    {
        var bytes = ParseAddress(address, paramName);
        word[..12].Clear();
        bytes.CopyTo(word.Slice(12, 20));
    }

    /// <summary>Parses a 20-byte hex address.</summary>
    public static byte[] ParseAddress(string address, string paramName)
    {
        ArgumentNullException.ThrowIfNull(address, paramName);
        var hex = address.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? address[2..] : address;
        if (hex.Length != 40)
        {
            throw new ArgumentException($"'{address}' is not a 20-byte hex address.", paramName);
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"'{address}' is not a 20-byte hex address.", paramName, e);
        }
    }

    /// <summary>Keccak-256 of <paramref name="data"/>.</summary>
    public static byte[] Keccak(ReadOnlySpan<byte> data) => Sha3Keccack.Current.CalculateHash(data.ToArray());

    /// <summary>Formats 32 bytes as 0x-prefixed lower-case hex.</summary>
    public static string ToHex(ReadOnlySpan<byte> bytes) =>
        "0x" + Convert.ToHexString(bytes).ToLower(CultureInfo.InvariantCulture);
}
