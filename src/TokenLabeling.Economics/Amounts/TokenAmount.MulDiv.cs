// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Economics.Amounts;

public readonly partial struct TokenAmount
{
    /// <summary>
    /// Computes <c>floor(x × y / denominator)</c> with a full 512-bit intermediate product, exactly as OpenZeppelin's
    /// <c>Math.mulDiv(x, y, denominator)</c>: the product may exceed 2^256 as long as the result fits.
    /// </summary>
    /// <param name="x">The first factor, in base units.</param>
    /// <param name="y">The second factor (an amount, a weight or a rate numerator).</param>
    /// <param name="denominator">The divisor; not zero.</param>
    /// <returns>The floor of the exact quotient.</returns>
    /// <exception cref="DivideByZeroException"><paramref name="denominator"/> is zero (the Solidity function reverts).</exception>
    /// <exception cref="OverflowException">The result is 2^256 or more (the Solidity function reverts).</exception>
    public static TokenAmount MulDiv(TokenAmount x, TokenAmount y, TokenAmount denominator)
    {
        if (denominator.IsZero)
        {
            throw new DivideByZeroException("MulDiv denominator is zero.");
        }

        if (x.FitsInUInt64 && y.FitsInUInt64 && denominator.FitsInUInt128)
        {
            var product = new UInt128(Math.BigMul(x._u0, y._u0, out var lo), lo);
            return new TokenAmount(product / denominator.Low128);
        }

        UInt256Math.Multiply(x, y, out var low, out var high);
        if (denominator.FitsInUInt64)
        {
            return UInt256Math.DivideBy64(low, high, denominator._u0);
        }

        if (high.IsZero)
        {
            return UInt256Math.DivRem(low, denominator, out _);
        }

        return UInt256Math.MulDivSlow(x, y, denominator);
    }

    /// <summary>Computes <c>floor(x × y / denominator)</c> for a 64-bit factor and divisor: the settlement hot path.</summary>
    /// <param name="x">The amount, in base units.</param>
    /// <param name="y">The factor (a weight, a count or a rate numerator).</param>
    /// <param name="denominator">The divisor; not zero.</param>
    /// <returns>The floor of the exact quotient.</returns>
    /// <exception cref="DivideByZeroException"><paramref name="denominator"/> is zero.</exception>
    /// <exception cref="OverflowException">The result is 2^256 or more.</exception>
    public static TokenAmount MulDiv(TokenAmount x, ulong y, ulong denominator)
    {
        if (denominator == 0)
        {
            throw new DivideByZeroException("MulDiv denominator is zero.");
        }

        if (x.FitsInUInt64)
        {
            var product = new UInt128(Math.BigMul(x._u0, y, out var lo), lo);
            return new TokenAmount(product / denominator);
        }

        if (x.FitsInUInt128)
        {
            // x × y < 2^192: three 64-bit limbs, divided from the top with a 128-by-64 division per limb.
            var hiPart = (UInt128)x._u1 * y;
            var p0Hi = Math.BigMul(x._u0, y, out var p0);
            var mid = hiPart + p0Hi;
            var p1 = (ulong)mid;
            var p2 = (ulong)(mid >> 64);
            var q2 = p2 / denominator;
            var r = p2 % denominator;
            var cur = new UInt128(r, p1);
            var q1 = (ulong)(cur / denominator);
            r = (ulong)(cur % denominator);
            cur = new UInt128(r, p0);
            var q0 = (ulong)(cur / denominator);
            return new TokenAmount(q0, q1, q2, 0);
        }

        return MulDiv(x, new TokenAmount(y), new TokenAmount(denominator));
    }
}
