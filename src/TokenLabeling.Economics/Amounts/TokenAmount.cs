// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using System.Runtime.CompilerServices;

namespace TokenLabeling.Economics.Amounts;

/// <summary>
/// An exact, unsigned amount of a token in base units (the smallest indivisible unit, e.g. wei for an 18-decimal ERC-20 token),
/// with the full range of a Solidity <c>uint256</c>: 0 to 2^256 − 1.
/// </summary>
/// <remarks>
/// <para>All arithmetic is checked: a result below zero or at or above 2^256 throws <see cref="OverflowException"/>, never wraps.
/// Division and <see cref="MulDiv(TokenAmount, TokenAmount, TokenAmount)"/> round toward zero (floor), like Solidity.</para>
/// <para>The value is four 64-bit limbs (32 bytes) so that settlement of a million workers does not allocate per amount;
/// every operation takes a fast path when its operands fit in 64 or 128 bits.</para>
/// <para>The number of decimals is not stored in each amount: it belongs to the token, so it is given once, by a
/// <see cref="TokenUnit"/>, where text is parsed or formatted (<see cref="Parse(string, int)"/>, <see cref="ToDecimalString(int)"/>).</para>
/// </remarks>
[System.Text.Json.Serialization.JsonConverter(typeof(TokenAmountJsonConverter))]
public readonly partial struct TokenAmount : IEquatable<TokenAmount>, IComparable<TokenAmount>, IComparable
{
    private readonly ulong _u0;
    private readonly ulong _u1;
    private readonly ulong _u2;
    private readonly ulong _u3;

    /// <summary>Initializes a new amount from a count of base units that fits in 64 bits.</summary>
    /// <param name="baseUnits">The amount in base units. Example: <c>1_000_000_000_000_000_000</c> is one token of 18 decimals.</param>
    public TokenAmount(ulong baseUnits)
    {
        _u0 = baseUnits;
    }

    /// <summary>Initializes a new amount from a count of base units that fits in 128 bits.</summary>
    /// <param name="baseUnits">The amount in base units.</param>
    public TokenAmount(UInt128 baseUnits)
    {
        _u0 = (ulong)baseUnits;
        _u1 = (ulong)(baseUnits >> 64);
    }

    private TokenAmount(ulong u0, ulong u1, ulong u2, ulong u3)
    {
        _u0 = u0;
        _u1 = u1;
        _u2 = u2;
        _u3 = u3;
    }

    /// <summary>Gets the amount zero.</summary>
    public static TokenAmount Zero => default;

    /// <summary>Gets one base unit.</summary>
    public static TokenAmount One => new(1UL);

    /// <summary>Gets the largest amount, 2^256 − 1 base units (Solidity's <c>type(uint256).max</c>).</summary>
    public static TokenAmount MaxValue => new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    /// <summary>Gets a value indicating whether the amount is zero.</summary>
    public bool IsZero => (_u0 | _u1 | _u2 | _u3) == 0;

    /// <summary>Gets a value indicating whether the amount fits in 128 bits (below 2^128 base units).</summary>
    public bool FitsInUInt128 => (_u2 | _u3) == 0;

    /// <summary>Gets a value indicating whether the amount fits in 64 bits (below 2^64 base units).</summary>
    public bool FitsInUInt64 => (_u1 | _u2 | _u3) == 0;

    internal ulong Limb0 => _u0;

    internal ulong Limb1 => _u1;

    internal ulong Limb2 => _u2;

    internal ulong Limb3 => _u3;

    internal static TokenAmount FromLimbs(ulong u0, ulong u1, ulong u2, ulong u3) => new(u0, u1, u2, u3);

    internal UInt128 Low128 => new(_u1, _u0);

    internal UInt128 High128 => new(_u3, _u2);

    /// <summary>Creates an amount from base units held in a <see cref="BigInteger"/> (the chain boundary).</summary>
    /// <param name="baseUnits">The amount in base units, 0 to 2^256 − 1.</param>
    /// <returns>The amount.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="baseUnits"/> is negative or not below 2^256: it is never truncated.</exception>
    public static TokenAmount FromBigInteger(BigInteger baseUnits)
    {
        if (!TryFromBigInteger(baseUnits, out var amount))
        {
            throw new ArgumentOutOfRangeException(nameof(baseUnits), baseUnits, baseUnits.Sign < 0
                ? "A token amount cannot be negative."
                : "A token amount must be below 2^256 base units (the uint256 range).");
        }

        return amount;
    }

    /// <summary>Tries to create an amount from base units held in a <see cref="BigInteger"/>.</summary>
    /// <param name="baseUnits">The amount in base units.</param>
    /// <param name="amount">The amount, or zero when out of range.</param>
    /// <returns><see langword="true"/> when <paramref name="baseUnits"/> is in 0 to 2^256 − 1.</returns>
    public static bool TryFromBigInteger(BigInteger baseUnits, out TokenAmount amount)
    {
        amount = default;
        if (baseUnits.Sign < 0 || baseUnits.GetByteCount(isUnsigned: true) > 32)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        if (!baseUnits.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false))
        {
            return false;
        }

        amount = new TokenAmount(
            BitConverter.ToUInt64(bytes[..8]),
            BitConverter.ToUInt64(bytes[8..16]),
            BitConverter.ToUInt64(bytes[16..24]),
            BitConverter.ToUInt64(bytes[24..32]));
        if (!BitConverter.IsLittleEndian)
        {
            amount = new TokenAmount(
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(amount._u0),
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(amount._u1),
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(amount._u2),
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(amount._u3));
        }

        return true;
    }

    /// <summary>Returns the amount in base units as a <see cref="BigInteger"/> (the chain boundary).</summary>
    /// <returns>A non-negative integer below 2^256.</returns>
    public BigInteger ToBigInteger()
    {
        if (FitsInUInt128)
        {
            return (BigInteger)Low128;
        }

        Span<byte> bytes = stackalloc byte[32];
        WriteBigEndian(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Writes the amount as a 32-byte big-endian word, the ABI encoding of a <c>uint256</c>.</summary>
    /// <param name="destination">At least 32 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public void WriteBigEndian(Span<byte> destination)
    {
        if (destination.Length < 32)
        {
            throw new ArgumentException("A uint256 needs 32 bytes.", nameof(destination));
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination, _u3);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _u2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _u1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _u0);
    }

    /// <summary>Reads an amount from a 32-byte big-endian word, the ABI encoding of a <c>uint256</c>.</summary>
    /// <param name="source">Exactly 32 bytes.</param>
    /// <returns>The amount.</returns>
    /// <exception cref="ArgumentException"><paramref name="source"/> is not 32 bytes long.</exception>
    public static TokenAmount ReadBigEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length != 32)
        {
            throw new ArgumentException($"A uint256 is 32 bytes, not {source.Length}.", nameof(source));
        }

        return new TokenAmount(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(source[24..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(source[16..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(source[8..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(source));
    }

    /// <summary>Converts the amount to a 128-bit count of base units.</summary>
    /// <param name="amount">The amount.</param>
    /// <exception cref="OverflowException">The amount is 2^128 or more.</exception>
    public static explicit operator UInt128(TokenAmount amount) =>
        amount.FitsInUInt128 ? amount.Low128 : throw new OverflowException($"{amount} base units do not fit in 128 bits.");

    /// <summary>Converts the amount to a 64-bit count of base units.</summary>
    /// <param name="amount">The amount.</param>
    /// <exception cref="OverflowException">The amount is 2^64 or more.</exception>
    public static explicit operator ulong(TokenAmount amount) =>
        amount.FitsInUInt64 ? amount._u0 : throw new OverflowException($"{amount} base units do not fit in 64 bits.");

    /// <summary>Converts a 64-bit count of base units to an amount.</summary>
    /// <param name="baseUnits">The amount in base units.</param>
    public static implicit operator TokenAmount(ulong baseUnits) => new(baseUnits);

    /// <summary>Converts a 128-bit count of base units to an amount.</summary>
    /// <param name="baseUnits">The amount in base units.</param>
    public static implicit operator TokenAmount(UInt128 baseUnits) => new(baseUnits);

    /// <summary>Adds two amounts.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>The sum.</returns>
    /// <exception cref="OverflowException">The sum is 2^256 or more.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TokenAmount operator +(TokenAmount left, TokenAmount right)
    {
        var s0 = left._u0 + right._u0;
        ulong c = s0 < left._u0 ? 1UL : 0UL;
        var s1 = left._u1 + right._u1 + c;
        c = (s1 < left._u1 || (c != 0 && s1 == left._u1)) ? 1UL : 0UL;
        if ((left._u2 | left._u3 | right._u2 | right._u3) == 0)
        {
            return new TokenAmount(s0, s1, c, 0);
        }

        var s2 = left._u2 + right._u2 + c;
        c = (s2 < left._u2 || (c != 0 && s2 == left._u2)) ? 1UL : 0UL;
        var s3 = left._u3 + right._u3 + c;
        if (s3 < left._u3 || (c != 0 && s3 == left._u3))
        {
            ThrowAdditionOverflow();
        }

        return new TokenAmount(s0, s1, s2, s3);
    }

    /// <summary>Subtracts one amount from another.</summary>
    /// <param name="left">The amount to subtract from.</param>
    /// <param name="right">The amount to subtract.</param>
    /// <returns>The difference.</returns>
    /// <exception cref="OverflowException"><paramref name="right"/> is greater than <paramref name="left"/> (amounts are never negative).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TokenAmount operator -(TokenAmount left, TokenAmount right)
    {
        var d0 = left._u0 - right._u0;
        ulong b = left._u0 < right._u0 ? 1UL : 0UL;
        var d1 = left._u1 - right._u1 - b;
        b = (left._u1 < right._u1 || (b != 0 && left._u1 == right._u1)) ? 1UL : 0UL;
        var d2 = left._u2 - right._u2 - b;
        b = (left._u2 < right._u2 || (b != 0 && left._u2 == right._u2)) ? 1UL : 0UL;
        var d3 = left._u3 - right._u3 - b;
        if (left._u3 < right._u3 || (b != 0 && left._u3 == right._u3))
        {
            ThrowSubtractionUnderflow(left, right);
        }

        return new TokenAmount(d0, d1, d2, d3);
    }

    /// <summary>Multiplies two amounts (or an amount by a count).</summary>
    /// <param name="left">The first factor.</param>
    /// <param name="right">The second factor.</param>
    /// <returns>The product.</returns>
    /// <exception cref="OverflowException">The product is 2^256 or more.</exception>
    public static TokenAmount operator *(TokenAmount left, TokenAmount right)
    {
        if (left.FitsInUInt64 && right.FitsInUInt64)
        {
            var hi = Math.BigMul(left._u0, right._u0, out var lo);
            return new TokenAmount(lo, hi, 0, 0);
        }

        UInt256Math.Multiply(left, right, out var p0, out var p1);
        if (!p1.IsZero)
        {
            throw new OverflowException($"{left} × {right} is 2^256 or more.");
        }

        return p0;
    }

    /// <summary>Divides one amount by another, rounding toward zero.</summary>
    /// <param name="left">The dividend.</param>
    /// <param name="right">The divisor.</param>
    /// <returns>The floor of the quotient.</returns>
    /// <exception cref="DivideByZeroException"><paramref name="right"/> is zero.</exception>
    public static TokenAmount operator /(TokenAmount left, TokenAmount right) => UInt256Math.DivRem(left, right, out _);

    /// <summary>Returns the remainder of dividing one amount by another.</summary>
    /// <param name="left">The dividend.</param>
    /// <param name="right">The divisor.</param>
    /// <returns>The remainder.</returns>
    /// <exception cref="DivideByZeroException"><paramref name="right"/> is zero.</exception>
    public static TokenAmount operator %(TokenAmount left, TokenAmount right)
    {
        UInt256Math.DivRem(left, right, out var remainder);
        return remainder;
    }

    /// <summary>Compares two amounts.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>Whether <paramref name="left"/> is the smaller.</returns>
    public static bool operator <(TokenAmount left, TokenAmount right) => left.CompareTo(right) < 0;

    /// <summary>Compares two amounts.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>Whether <paramref name="left"/> is the larger.</returns>
    public static bool operator >(TokenAmount left, TokenAmount right) => left.CompareTo(right) > 0;

    /// <summary>Compares two amounts.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>Whether <paramref name="left"/> is at most <paramref name="right"/>.</returns>
    public static bool operator <=(TokenAmount left, TokenAmount right) => left.CompareTo(right) <= 0;

    /// <summary>Compares two amounts.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>Whether <paramref name="left"/> is at least <paramref name="right"/>.</returns>
    public static bool operator >=(TokenAmount left, TokenAmount right) => left.CompareTo(right) >= 0;

    /// <summary>Tests two amounts for equality.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(TokenAmount left, TokenAmount right) => left.Equals(right);

    /// <summary>Tests two amounts for inequality.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(TokenAmount left, TokenAmount right) => !left.Equals(right);

    /// <summary>Returns the smaller of two amounts.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>The smaller amount.</returns>
    public static TokenAmount Min(TokenAmount left, TokenAmount right) => left <= right ? left : right;

    /// <summary>Returns the larger of two amounts.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>The larger amount.</returns>
    public static TokenAmount Max(TokenAmount left, TokenAmount right) => left >= right ? left : right;

    /// <summary>Adds up a span of amounts with checked arithmetic.</summary>
    /// <param name="amounts">The amounts, represented as a span.</param>
    /// <returns>The total.</returns>
    /// <exception cref="OverflowException">The total is 2^256 or more.</exception>
    public static TokenAmount Sum(ReadOnlySpan<TokenAmount> amounts)
    {
        var total = Zero;
        foreach (var a in amounts)
        {
            total += a;
        }

        return total;
    }

    /// <summary>Returns <c>floor(amount × bps / 10000)</c>: a rate in basis points applied to an amount.</summary>
    /// <param name="basisPoints">The rate in basis points, 0 to 10000 (10000 = 100%). Example: 250 is 2.5%.</param>
    /// <returns>The floor of the share.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="basisPoints"/> is outside 0..10000.</exception>
    public TokenAmount ApplyBasisPoints(int basisPoints)
    {
        BasisPoints.Validate(basisPoints, nameof(basisPoints));
        return MulDiv(this, (ulong)basisPoints, BasisPoints.Denominator);
    }

    /// <inheritdoc/>
    public bool Equals(TokenAmount other) =>
        _u0 == other._u0 && _u1 == other._u1 && _u2 == other._u2 && _u3 == other._u3;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TokenAmount other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_u0, _u1, _u2, _u3);

    /// <inheritdoc/>
    public int CompareTo(TokenAmount other)
    {
        if (_u3 != other._u3)
        {
            return _u3 < other._u3 ? -1 : 1;
        }

        if (_u2 != other._u2)
        {
            return _u2 < other._u2 ? -1 : 1;
        }

        if (_u1 != other._u1)
        {
            return _u1 < other._u1 ? -1 : 1;
        }

        return _u0 == other._u0 ? 0 : (_u0 < other._u0 ? -1 : 1);
    }

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        TokenAmount other => CompareTo(other),
        _ => throw new ArgumentException("The object is not a TokenAmount.", nameof(obj)),
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowAdditionOverflow() =>
        throw new OverflowException("The sum of token amounts is 2^256 base units or more.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowSubtractionUnderflow(TokenAmount left, TokenAmount right) =>
        throw new OverflowException($"Cannot subtract {right} from {left} base units: amounts are never negative.");
}
