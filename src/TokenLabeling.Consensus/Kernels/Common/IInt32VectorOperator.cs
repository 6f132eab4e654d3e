// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TokenLabeling.Consensus.Kernels.Common;

/// <summary>The integer vector operations of the vote-counting kernel, over one hardware width.</summary>
/// <typeparam name="TVector">The vector type, e.g. <see cref="Vector256{T}"/> of <see cref="int"/>.</typeparam>
internal interface IInt32VectorOperator<TVector>
    where TVector : struct
{
    /// <summary>Gets the number of <see cref="int"/> lanes.</summary>
    static abstract int Count { get; }

    /// <summary>Gets whether this width is accelerated on this machine.</summary>
    static abstract bool IsHardwareAccelerated { get; }

    /// <summary>Gets the vector with all lanes zero.</summary>
    static abstract TVector Zero { get; }

    /// <summary>Adds one to the lane whose index (counted from <paramref name="firstLaneValue"/>) equals <paramref name="value"/>; no lane changes when none does.</summary>
    static abstract TVector CountEqual(TVector counts, int value, int firstLaneValue);

    /// <summary>Stores the lanes starting at <paramref name="destination"/>.</summary>
    static abstract void Store(TVector value, ref int destination);
}

/// <summary>128-bit operations on four <see cref="int"/> lanes.</summary>
internal readonly struct Vector128Int32Operator : IInt32VectorOperator<Vector128<int>>
{
    public static int Count => Vector128<int>.Count;

    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    public static Vector128<int> Zero => Vector128<int>.Zero;

    // Equals yields all-ones (-1) in the matching lane, so subtracting it adds one.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> CountEqual(Vector128<int> counts, int value, int firstLaneValue) =>
        counts - Vector128.Equals(Vector128<int>.Indices, Vector128.Create(value - firstLaneValue));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<int> value, ref int destination) => value.StoreUnsafe(ref destination);
}

/// <summary>256-bit operations on eight <see cref="int"/> lanes.</summary>
internal readonly struct Vector256Int32Operator : IInt32VectorOperator<Vector256<int>>
{
    public static int Count => Vector256<int>.Count;

    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;

    public static Vector256<int> Zero => Vector256<int>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> CountEqual(Vector256<int> counts, int value, int firstLaneValue) =>
        counts - Vector256.Equals(Vector256<int>.Indices, Vector256.Create(value - firstLaneValue));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<int> value, ref int destination) => value.StoreUnsafe(ref destination);
}

/// <summary>512-bit operations on sixteen <see cref="int"/> lanes.</summary>
internal readonly struct Vector512Int32Operator : IInt32VectorOperator<Vector512<int>>
{
    public static int Count => Vector512<int>.Count;

    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;

    public static Vector512<int> Zero => Vector512<int>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> CountEqual(Vector512<int> counts, int value, int firstLaneValue) =>
        counts - Vector512.Equals(Vector512<int>.Indices, Vector512.Create(value - firstLaneValue));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<int> value, ref int destination) => value.StoreUnsafe(ref destination);
}
