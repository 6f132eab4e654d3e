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

    /// <summary>Lane-wise maximum.</summary>
    static abstract TVector Max(TVector x, TVector y);

    /// <summary>Lane-wise e^x.</summary>
    static abstract TVector Exp(TVector x);

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
    public static Vector128<double> Max(Vector128<double> x, Vector128<double> y) => Vector128.Max(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Exp(Vector128<double> x) => Vector128.Exp(x);

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
    public static double MaxAcross(Vector128<double> x) => Math.Max(x.GetElement(0), x.GetElement(1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector128<double> x) => x.GetElement(0) + x.GetElement(1);
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
    public static Vector256<double> Max(Vector256<double> x, Vector256<double> y) => Vector256.Max(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp(Vector256<double> x) => Vector256.Exp(x);

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
    public static double MaxAcross(Vector256<double> x) => Vector128DoubleOperator.MaxAcross(Vector128.Max(x.GetLower(), x.GetUpper()));

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
    public static Vector512<double> Max(Vector512<double> x, Vector512<double> y) => Vector512.Max(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp(Vector512<double> x) => Vector512.Exp(x);

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
    public static double MaxAcross(Vector512<double> x) => Vector256DoubleOperator.MaxAcross(Vector256.Max(x.GetLower(), x.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector512<double> x) => Vector256DoubleOperator.Sum(x.GetLower() + x.GetUpper());
}
