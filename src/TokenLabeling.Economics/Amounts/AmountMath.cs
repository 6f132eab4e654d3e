// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;

namespace TokenLabeling.Economics.Amounts;

/// <summary>
/// The arithmetic the settlement core needs, over one storage type: <see cref="UInt128"/> when every amount of a settlement
/// is below 2^128 (always, for real token supplies) and <see cref="TokenAmount"/> otherwise. One generic core, two instantiations;
/// tests force the wide one and compare the two to the base unit.
/// </summary>
internal interface IAmountMath<T>
    where T : struct
{
    static abstract T Zero { get; }

    static abstract T From(TokenAmount value);

    static abstract T From(UInt128 value);

    static abstract TokenAmount ToAmount(T value);

    static abstract T Add(T left, T right);

    static abstract T Subtract(T left, T right);

    /// <summary>Adds without throwing; false when the sum does not fit T.</summary>
    static abstract bool TryAdd(T left, T right, out T sum);

    static abstract bool IsZero(T value);

    static abstract bool LessOrEqual(T left, T right);

    /// <summary>floor(x × y / d) for d &gt; 0; the result must fit T.</summary>
    static abstract T MulDiv(T x, ulong y, ulong d);

    /// <summary>floor(x × y / d) for d &gt; 0; the result must fit T.</summary>
    static abstract T MulDiv(T x, T y, T d);

    /// <summary>Returns floor(x / d) and the remainder.</summary>
    static abstract T DivRem(T x, ulong d, out ulong remainder);

    /// <summary>q × w + add, where the caller knows the result fits.</summary>
    static abstract T MultiplyAdd(T q, ulong w, ulong add);
}

/// <summary>128-bit arithmetic: the fast path of settlement.</summary>
internal readonly struct UInt128Math : IAmountMath<UInt128>
{
    public static UInt128 Zero => UInt128.Zero;

    public static UInt128 From(TokenAmount value) => (UInt128)value;

    public static UInt128 From(UInt128 value) => value;

    public static TokenAmount ToAmount(UInt128 value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 Add(UInt128 left, UInt128 right) => checked(left + right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 Subtract(UInt128 left, UInt128 right) => checked(left - right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryAdd(UInt128 left, UInt128 right, out UInt128 sum)
    {
        sum = left + right;
        return sum >= left;
    }

    public static bool IsZero(UInt128 value) => value == UInt128.Zero;

    public static bool LessOrEqual(UInt128 left, UInt128 right) => left <= right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 MulDiv(UInt128 x, ulong y, ulong d)
    {
        var xLow = (ulong)x;
        var xHigh = (ulong)(x >> 64);
        var carry = Math.BigMul(xLow, y, out var low);
        var midHigh = Math.BigMul(xHigh, y, out var midLow);
        var mid = midLow + carry;
        if (mid < carry)
        {
            midHigh++;
        }

        if (midHigh == 0)
        {
            // The product fits in 128 bits: one division.
            return mid == 0 ? low / d : new UInt128(mid, low) / d;
        }

        return (UInt128)TokenAmount.MulDiv(new TokenAmount(x), y, d);
    }

    public static UInt128 MulDiv(UInt128 x, UInt128 y, UInt128 d) =>
        (UInt128)TokenAmount.MulDiv(new TokenAmount(x), new TokenAmount(y), new TokenAmount(d));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 DivRem(UInt128 x, ulong d, out ulong remainder)
    {
        var (q, r) = UInt128.DivRem(x, d);
        remainder = (ulong)r;
        return q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 MultiplyAdd(UInt128 q, ulong w, ulong add) => (q * w) + add;
}

/// <summary>256-bit arithmetic: the general path of settlement.</summary>
internal readonly struct TokenAmountMath : IAmountMath<TokenAmount>
{
    public static TokenAmount Zero => TokenAmount.Zero;

    public static TokenAmount From(TokenAmount value) => value;

    public static TokenAmount From(UInt128 value) => new(value);

    public static TokenAmount ToAmount(TokenAmount value) => value;

    public static TokenAmount Add(TokenAmount left, TokenAmount right) => left + right;

    public static TokenAmount Subtract(TokenAmount left, TokenAmount right) => left - right;

    public static bool TryAdd(TokenAmount left, TokenAmount right, out TokenAmount sum)
    {
        if (TokenAmount.MaxValue - right < left)
        {
            sum = TokenAmount.Zero;
            return false;
        }

        sum = left + right;
        return true;
    }

    public static bool IsZero(TokenAmount value) => value.IsZero;

    public static bool LessOrEqual(TokenAmount left, TokenAmount right) => left <= right;

    public static TokenAmount MulDiv(TokenAmount x, ulong y, ulong d) => TokenAmount.MulDiv(x, y, d);

    public static TokenAmount MulDiv(TokenAmount x, TokenAmount y, TokenAmount d) => TokenAmount.MulDiv(x, y, d);

    public static TokenAmount DivRem(TokenAmount x, ulong d, out ulong remainder)
    {
        var q = UInt256Math.DivRem(x, new TokenAmount(d), out var r);
        remainder = r.Limb0;
        return q;
    }

    public static TokenAmount MultiplyAdd(TokenAmount q, ulong w, ulong add) => (q * new TokenAmount(w)) + new TokenAmount(add);
}

/// <summary>
/// Computes <c>floor(total × weight / totalWeight)</c> for many weights with one division up front:
/// <c>total = q × W + r</c>, so <c>floor(total × w / W) = q × w + floor(r × w / W)</c>, where <c>r × w &lt; 2^128</c> when <c>W ≤ 2^64</c>.
/// Bit-identical to mulDiv (tested against it).
/// </summary>
internal readonly struct ProRata<T, TMath>
    where T : struct
    where TMath : IAmountMath<T>
{
    private readonly T _total;
    private readonly T _quotient;
    private readonly ulong _remainder;
    private readonly UInt128 _totalWeight;
    private readonly bool _fast;

    public ProRata(T total, UInt128 totalWeight)
    {
        if (totalWeight == 0)
        {
            throw new DivideByZeroException("Pro-rata split over a total weight of zero.");
        }

        _total = total;
        _totalWeight = totalWeight;
        _fast = totalWeight <= ulong.MaxValue;
        _quotient = _fast ? TMath.DivRem(total, (ulong)totalWeight, out _remainder) : TMath.Zero;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Of(UInt128 weight)
    {
        if (_fast && weight <= ulong.MaxValue)
        {
            var w = (ulong)weight;
            var d = (ulong)_totalWeight;
            var hi = Math.BigMul(_remainder, w, out var lo);
            var extra = hi == 0 ? lo / d : (ulong)(new UInt128(hi, lo) / d);
            return TMath.MultiplyAdd(_quotient, w, extra);
        }

        return TMath.MulDiv(_total, TMath.From(weight), TMath.From(_totalWeight));
    }
}
