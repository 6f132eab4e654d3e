// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;

namespace TokenLabeling.Economics.Amounts;

/// <summary>Limb arithmetic behind <see cref="TokenAmount"/>: products to 512 bits, division, and a precomputed floor share.</summary>
internal static class UInt256Math
{
    /// <summary>Computes the full 512-bit product as two 256-bit halves.</summary>
    public static void Multiply(TokenAmount a, TokenAmount b, out TokenAmount low, out TokenAmount high)
    {
        Span<ulong> x = [a.Limb0, a.Limb1, a.Limb2, a.Limb3];
        Span<ulong> y = [b.Limb0, b.Limb1, b.Limb2, b.Limb3];
        Span<ulong> p = stackalloc ulong[8];
        p.Clear();
        for (var i = 0; i < 4; i++)
        {
            if (x[i] == 0)
            {
                continue;
            }

            ulong carry = 0;
            for (var j = 0; j < 4; j++)
            {
                var hi = Math.BigMul(x[i], y[j], out var lo);
                var sum = (UInt128)lo + p[i + j] + carry;
                p[i + j] = (ulong)sum;
                carry = hi + (ulong)(sum >> 64);
            }

            p[i + 4] = carry;
        }

        low = FromLimbs(p[0], p[1], p[2], p[3]);
        high = FromLimbs(p[4], p[5], p[6], p[7]);
    }

    /// <summary>Divides the 512-bit value <c>high·2^256 + low</c> by a 64-bit divisor.</summary>
    /// <exception cref="OverflowException">The quotient is 2^256 or more.</exception>
    public static TokenAmount DivideBy64(TokenAmount low, TokenAmount high, ulong divisor)
    {
        Span<ulong> p = [low.Limb0, low.Limb1, low.Limb2, low.Limb3, high.Limb0, high.Limb1, high.Limb2, high.Limb3];
        Span<ulong> q = stackalloc ulong[8];
        ulong r = 0;
        for (var i = 7; i >= 0; i--)
        {
            var cur = new UInt128(r, p[i]);
            q[i] = (ulong)(cur / divisor);
            r = (ulong)(cur % divisor);
        }

        if ((q[4] | q[5] | q[6] | q[7]) != 0)
        {
            throw new OverflowException("MulDiv result is 2^256 or more.");
        }

        return FromLimbs(q[0], q[1], q[2], q[3]);
    }

    /// <summary>Divides two 256-bit values, returning the floor quotient and the remainder.</summary>
    /// <exception cref="DivideByZeroException"><paramref name="divisor"/> is zero.</exception>
    public static TokenAmount DivRem(TokenAmount dividend, TokenAmount divisor, out TokenAmount remainder)
    {
        if (divisor.IsZero)
        {
            throw new DivideByZeroException("Division of a token amount by zero.");
        }

        if (dividend.FitsInUInt128 && divisor.FitsInUInt128)
        {
            var (q, r) = UInt128.DivRem(dividend.Low128, divisor.Low128);
            remainder = new TokenAmount(r);
            return new TokenAmount(q);
        }

        if (divisor.FitsInUInt64)
        {
            ulong rem = 0;
            Span<ulong> p = [dividend.Limb0, dividend.Limb1, dividend.Limb2, dividend.Limb3];
            Span<ulong> q = stackalloc ulong[4];
            for (var i = 3; i >= 0; i--)
            {
                var cur = new UInt128(rem, p[i]);
                q[i] = (ulong)(cur / divisor.Limb0);
                rem = (ulong)(cur % divisor.Limb0);
            }

            remainder = new TokenAmount(rem);
            return FromLimbs(q[0], q[1], q[2], q[3]);
        }

        // Rare: both operands wider than the fast paths. Exactness over speed.
        var quotient = BigInteger.DivRem(dividend.ToBigInteger(), divisor.ToBigInteger(), out var bigRemainder);
        remainder = TokenAmount.FromBigInteger(bigRemainder);
        return TokenAmount.FromBigInteger(quotient);
    }

    /// <summary>The general case of mulDiv: a product above 2^256 and a divisor above 2^64; exact through <see cref="BigInteger"/>.</summary>
    public static TokenAmount MulDivSlow(TokenAmount x, TokenAmount y, TokenAmount denominator)
    {
        var q = x.ToBigInteger() * y.ToBigInteger() / denominator.ToBigInteger();
        if (!TokenAmount.TryFromBigInteger(q, out var result))
        {
            throw new OverflowException("MulDiv result is 2^256 or more.");
        }

        return result;
    }

    public static TokenAmount FromLimbs(ulong u0, ulong u1, ulong u2, ulong u3) => TokenAmount.FromLimbs(u0, u1, u2, u3);
}
