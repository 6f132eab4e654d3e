// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TokenLabeling.Consensus.Kernels.Common;

/// <summary>
/// The vector operations the row kernels need, over one hardware width. Kernels are written once, generic over an
/// implementing struct, and the JIT specializes them per width; the scalar reference of each kernel is a separate plain loop.
/// </summary>
/// <typeparam name="TVector">The vector type, e.g. <see cref="Vector256{T}"/> of <see cref="double"/>.</typeparam>
internal interface IDoubleVectorOperator<TVector>
    where TVector : struct
{
    /// <summary>Gets the number of <see cref="double"/> lanes.</summary>
    static abstract int Count { get; }

    /// <summary>Gets whether this width is accelerated on this machine.</summary>
    static abstract bool IsHardwareAccelerated { get; }

    /// <summary>Loads <see cref="Count"/> values starting at <paramref name="source"/>.</summary>
    static abstract TVector Load(ref double source);

    /// <summary>Stores the lanes starting at <paramref name="destination"/>.</summary>
    static abstract void Store(TVector value, ref double destination);

    /// <summary>Broadcasts one value to every lane.</summary>
    static abstract TVector Create(double value);

    /// <summary>Lane-wise sum.</summary>
    static abstract TVector Add(TVector x, TVector y);

    /// <summary>Lane-wise difference.</summary>
    static abstract TVector Subtract(TVector x, TVector y);

    /// <summary>Lane-wise product.</summary>
    static abstract TVector Multiply(TVector x, TVector y);

    /// <summary>Lane-wise quotient.</summary>
    static abstract TVector Divide(TVector x, TVector y);

    /// <summary>Lane-wise maximum with the platform's NaN and signed-zero behaviour (the kernels never pass NaN).</summary>
    static abstract TVector Max(TVector x, TVector y);

    /// <summary>Lane-wise e^x for x ≤ 0 (see <see cref="ExpConstants"/> for the method and its accuracy).</summary>
    static abstract TVector ExpNonPositive(TVector x);

    /// <summary>Lane-wise natural logarithm.</summary>
    static abstract TVector Log(TVector x);

    /// <summary>Lane-wise select: where <paramref name="condition"/> equals zero, <paramref name="whenZero"/>, else <paramref name="otherwise"/>.</summary>
    static abstract TVector SelectWhereZero(TVector condition, TVector whenZero, TVector otherwise);

    /// <summary>Returns lane <paramref name="index"/>.</summary>
    static abstract double GetElement(TVector x, int index);

    /// <summary>Returns the vector with 1 in lane <paramref name="index"/> and 0 elsewhere (all zero when the index is outside the lanes).</summary>
    static abstract TVector UnitVector(int index);

    /// <summary>Horizontal maximum of the lanes.</summary>
    static abstract double MaxAcross(TVector x);

    /// <summary>Horizontal sum of the lanes, in a fixed order.</summary>
    static abstract double Sum(TVector x);
}

/// <summary>
/// Constants of the vector e^x: x = k·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split in two parts so k·ln 2 is exact), e^r by its Taylor
/// series to degree 12 (truncation below 2e-16 relative), then scaled by 2^k built in the exponent bits.
/// </summary>
/// <remarks>
/// The softmax only exponentiates values ≤ 0, so overflow cannot occur; below <see cref="Lowest"/> (where e^x is under 3e-308,
/// subnormal or zero in double) the result is exactly 0. Relative error against <see cref="Math.Exp"/> is a few units in the last
/// place; the runtime's own vector Exp was as slow as four scalar calls here, which is why the kernels carry this one.
/// </remarks>
internal static class ExpConstants
{
    public const double Lowest = -708.0;
    public const double Log2E = 1.4426950408889634;
    public const double RoundingShift = 6755399441055744.0; // 1.5 · 2^52: adding it rounds to an integer held in the low mantissa bits
    public const double Ln2High = 0.693147180369123816490;
    public const double Ln2Low = 1.90821492927058770002e-10;
    public const double C3 = 1.0 / 6;
    public const double C4 = 1.0 / 24;
    public const double C5 = 1.0 / 120;
    public const double C6 = 1.0 / 720;
    public const double C7 = 1.0 / 5040;
    public const double C8 = 1.0 / 40320;
    public const double C9 = 1.0 / 362880;
    public const double C10 = 1.0 / 3628800;
    public const double C11 = 1.0 / 39916800;
    public const double C12 = 1.0 / 479001600;
}

/// <summary>128-bit operations on two <see cref="double"/> lanes.</summary>
internal readonly struct Vector128DoubleOperator : IDoubleVectorOperator<Vector128<double>>
{
    public static int Count => Vector128<double>.Count;

    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Load(ref double source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<double> value, ref double destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Create(double value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Add(Vector128<double> x, Vector128<double> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Subtract(Vector128<double> x, Vector128<double> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Multiply(Vector128<double> x, Vector128<double> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Divide(Vector128<double> x, Vector128<double> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Max(Vector128<double> x, Vector128<double> y) => Vector128.MaxNative(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> ExpNonPositive(Vector128<double> x)
    {
        var underflow = Vector128.LessThan(x, Vector128.Create(ExpConstants.Lowest));
        x = Vector128.MaxNative(x, Vector128.Create(ExpConstants.Lowest));
        var shifted = Vector128.MultiplyAddEstimate(x, Vector128.Create(ExpConstants.Log2E), Vector128.Create(ExpConstants.RoundingShift));
        var k = shifted - Vector128.Create(ExpConstants.RoundingShift);
        var r = Vector128.MultiplyAddEstimate(k, Vector128.Create(-ExpConstants.Ln2High), x);
        r = Vector128.MultiplyAddEstimate(k, Vector128.Create(-ExpConstants.Ln2Low), r);
        // Estrin's scheme: the same degree-12 polynomial with a dependency chain of 5 multiply-adds instead of 12.
        var r2 = r * r;
        var r4 = r2 * r2;
        var p01 = r + Vector128<double>.One;
        var p23 = Vector128.MultiplyAddEstimate(r, Vector128.Create(ExpConstants.C3), Vector128.Create(0.5));
        var p45 = Vector128.MultiplyAddEstimate(r, Vector128.Create(ExpConstants.C5), Vector128.Create(ExpConstants.C4));
        var p67 = Vector128.MultiplyAddEstimate(r, Vector128.Create(ExpConstants.C7), Vector128.Create(ExpConstants.C6));
        var p89 = Vector128.MultiplyAddEstimate(r, Vector128.Create(ExpConstants.C9), Vector128.Create(ExpConstants.C8));
        var p1011 = Vector128.MultiplyAddEstimate(r, Vector128.Create(ExpConstants.C11), Vector128.Create(ExpConstants.C10));
        var q0 = Vector128.MultiplyAddEstimate(p23, r2, p01);
        var q1 = Vector128.MultiplyAddEstimate(p67, r2, p45);
        var q2 = Vector128.MultiplyAddEstimate(p1011, r2, p89);
        var s1 = Vector128.MultiplyAddEstimate(Vector128.Create(ExpConstants.C12), r4, q2);
        var s0 = Vector128.MultiplyAddEstimate(q1, r4, q0);
        var p = Vector128.MultiplyAddEstimate(s1, r4 * r4, s0);

        // The low bits of the shifted value hold k; (k + 1023) << 52 is 2^k (the high bits shift out).
        var scale = Vector128.ShiftLeft(shifted.AsUInt64() + Vector128.Create(1023UL), 52).AsDouble();
        return Vector128.AndNot(p * scale, underflow);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Log(Vector128<double> x) => Vector128.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> SelectWhereZero(Vector128<double> condition, Vector128<double> whenZero, Vector128<double> otherwise) =>
        Vector128.ConditionalSelect(Vector128.Equals(condition, Vector128<double>.Zero), whenZero, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GetElement(Vector128<double> x, int index) => x.GetElement(index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> UnitVector(int index) =>
        Vector128.Equals(Vector128<long>.Indices, Vector128.Create((long)index)).AsDouble() & Vector128<double>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxAcross(Vector128<double> x) => Vector128.MaxNative(x, Vector128.Shuffle(x, Vector128.Create(1L, 0L))).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector128<double> x) => (x + Vector128.Shuffle(x, Vector128.Create(1L, 0L))).ToScalar();
}

/// <summary>256-bit operations on four <see cref="double"/> lanes.</summary>
internal readonly struct Vector256DoubleOperator : IDoubleVectorOperator<Vector256<double>>
{
    public static int Count => Vector256<double>.Count;

    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(ref double source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<double> value, ref double destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Create(double value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> x, Vector256<double> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Subtract(Vector256<double> x, Vector256<double> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Multiply(Vector256<double> x, Vector256<double> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Divide(Vector256<double> x, Vector256<double> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Max(Vector256<double> x, Vector256<double> y) => Vector256.MaxNative(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ExpNonPositive(Vector256<double> x)
    {
        var underflow = Vector256.LessThan(x, Vector256.Create(ExpConstants.Lowest));
        x = Vector256.MaxNative(x, Vector256.Create(ExpConstants.Lowest));
        var shifted = Vector256.MultiplyAddEstimate(x, Vector256.Create(ExpConstants.Log2E), Vector256.Create(ExpConstants.RoundingShift));
        var k = shifted - Vector256.Create(ExpConstants.RoundingShift);
        var r = Vector256.MultiplyAddEstimate(k, Vector256.Create(-ExpConstants.Ln2High), x);
        r = Vector256.MultiplyAddEstimate(k, Vector256.Create(-ExpConstants.Ln2Low), r);
        // Estrin's scheme: the same degree-12 polynomial with a dependency chain of 5 multiply-adds instead of 12.
        var r2 = r * r;
        var r4 = r2 * r2;
        var p01 = r + Vector256<double>.One;
        var p23 = Vector256.MultiplyAddEstimate(r, Vector256.Create(ExpConstants.C3), Vector256.Create(0.5));
        var p45 = Vector256.MultiplyAddEstimate(r, Vector256.Create(ExpConstants.C5), Vector256.Create(ExpConstants.C4));
        var p67 = Vector256.MultiplyAddEstimate(r, Vector256.Create(ExpConstants.C7), Vector256.Create(ExpConstants.C6));
        var p89 = Vector256.MultiplyAddEstimate(r, Vector256.Create(ExpConstants.C9), Vector256.Create(ExpConstants.C8));
        var p1011 = Vector256.MultiplyAddEstimate(r, Vector256.Create(ExpConstants.C11), Vector256.Create(ExpConstants.C10));
        var q0 = Vector256.MultiplyAddEstimate(p23, r2, p01);
        var q1 = Vector256.MultiplyAddEstimate(p67, r2, p45);
        var q2 = Vector256.MultiplyAddEstimate(p1011, r2, p89);
        var s1 = Vector256.MultiplyAddEstimate(Vector256.Create(ExpConstants.C12), r4, q2);
        var s0 = Vector256.MultiplyAddEstimate(q1, r4, q0);
        var p = Vector256.MultiplyAddEstimate(s1, r4 * r4, s0);

        // The low bits of the shifted value hold k; (k + 1023) << 52 is 2^k (the high bits shift out).
        var scale = Vector256.ShiftLeft(shifted.AsUInt64() + Vector256.Create(1023UL), 52).AsDouble();
        return Vector256.AndNot(p * scale, underflow);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log(Vector256<double> x) => Vector256.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> SelectWhereZero(Vector256<double> condition, Vector256<double> whenZero, Vector256<double> otherwise) =>
        Vector256.ConditionalSelect(Vector256.Equals(condition, Vector256<double>.Zero), whenZero, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GetElement(Vector256<double> x, int index) => x.GetElement(index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> UnitVector(int index) =>
        Vector256.Equals(Vector256<long>.Indices, Vector256.Create((long)index)).AsDouble() & Vector256<double>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxAcross(Vector256<double> x) => Vector128DoubleOperator.MaxAcross(Vector128.MaxNative(x.GetLower(), x.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector256<double> x) => Vector128DoubleOperator.Sum(x.GetLower() + x.GetUpper());
}

/// <summary>512-bit operations on eight <see cref="double"/> lanes.</summary>
internal readonly struct Vector512DoubleOperator : IDoubleVectorOperator<Vector512<double>>
{
    public static int Count => Vector512<double>.Count;

    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(ref double source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<double> value, ref double destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Create(double value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> x, Vector512<double> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Subtract(Vector512<double> x, Vector512<double> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Multiply(Vector512<double> x, Vector512<double> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Divide(Vector512<double> x, Vector512<double> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Max(Vector512<double> x, Vector512<double> y) => Vector512.MaxNative(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ExpNonPositive(Vector512<double> x)
    {
        var underflow = Vector512.LessThan(x, Vector512.Create(ExpConstants.Lowest));
        x = Vector512.MaxNative(x, Vector512.Create(ExpConstants.Lowest));
        var shifted = Vector512.MultiplyAddEstimate(x, Vector512.Create(ExpConstants.Log2E), Vector512.Create(ExpConstants.RoundingShift));
        var k = shifted - Vector512.Create(ExpConstants.RoundingShift);
        var r = Vector512.MultiplyAddEstimate(k, Vector512.Create(-ExpConstants.Ln2High), x);
        r = Vector512.MultiplyAddEstimate(k, Vector512.Create(-ExpConstants.Ln2Low), r);
        // Estrin's scheme: the same degree-12 polynomial with a dependency chain of 5 multiply-adds instead of 12.
        var r2 = r * r;
        var r4 = r2 * r2;
        var p01 = r + Vector512<double>.One;
        var p23 = Vector512.MultiplyAddEstimate(r, Vector512.Create(ExpConstants.C3), Vector512.Create(0.5));
        var p45 = Vector512.MultiplyAddEstimate(r, Vector512.Create(ExpConstants.C5), Vector512.Create(ExpConstants.C4));
        var p67 = Vector512.MultiplyAddEstimate(r, Vector512.Create(ExpConstants.C7), Vector512.Create(ExpConstants.C6));
        var p89 = Vector512.MultiplyAddEstimate(r, Vector512.Create(ExpConstants.C9), Vector512.Create(ExpConstants.C8));
        var p1011 = Vector512.MultiplyAddEstimate(r, Vector512.Create(ExpConstants.C11), Vector512.Create(ExpConstants.C10));
        var q0 = Vector512.MultiplyAddEstimate(p23, r2, p01);
        var q1 = Vector512.MultiplyAddEstimate(p67, r2, p45);
        var q2 = Vector512.MultiplyAddEstimate(p1011, r2, p89);
        var s1 = Vector512.MultiplyAddEstimate(Vector512.Create(ExpConstants.C12), r4, q2);
        var s0 = Vector512.MultiplyAddEstimate(q1, r4, q0);
        var p = Vector512.MultiplyAddEstimate(s1, r4 * r4, s0);

        // The low bits of the shifted value hold k; (k + 1023) << 52 is 2^k (the high bits shift out).
        var scale = Vector512.ShiftLeft(shifted.AsUInt64() + Vector512.Create(1023UL), 52).AsDouble();
        return Vector512.AndNot(p * scale, underflow);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Log(Vector512<double> x) => Vector512.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> SelectWhereZero(Vector512<double> condition, Vector512<double> whenZero, Vector512<double> otherwise) =>
        Vector512.ConditionalSelect(Vector512.Equals(condition, Vector512<double>.Zero), whenZero, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GetElement(Vector512<double> x, int index) => x.GetElement(index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> UnitVector(int index) =>
        Vector512.Equals(Vector512<long>.Indices, Vector512.Create((long)index)).AsDouble() & Vector512<double>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxAcross(Vector512<double> x) => Vector256DoubleOperator.MaxAcross(Vector256.MaxNative(x.GetLower(), x.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector512<double> x) => Vector256DoubleOperator.Sum(x.GetLower() + x.GetUpper());
}
