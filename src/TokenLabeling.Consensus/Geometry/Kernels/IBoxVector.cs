// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TokenLabeling.Consensus.Geometry.Kernels;

/// <summary>One vector width of the box matrix drivers, so that each driver is written once for 128, 256 and 512 bits.</summary>
/// <typeparam name="TVector">The vector of floats.</typeparam>
internal unsafe interface IBoxVector<TVector>
    where TVector : struct
{
    /// <summary>Gets the lane count.</summary>
    static abstract int Count { get; }

    static abstract TVector Broadcast(float value);

    static abstract TVector Load(float* source);

    static abstract void Store(TVector value, float* destination);

    static abstract void StoreAlignedNonTemporal(TVector value, float* destination);

    /// <summary>The measure <typeparamref name="TOp"/> at this width.</summary>
    static abstract TVector Invoke<TOp>(TVector ax1, TVector ay1, TVector ax2, TVector ay2, TVector aArea, TVector bx1, TVector by1, TVector bx2, TVector by2, TVector bArea)
        where TOp : struct, IBoxPairOperator;
}

/// <summary>128-bit floats.</summary>
internal readonly unsafe struct BoxVector128 : IBoxVector<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAlignedNonTemporal(Vector128<float> value, float* destination) => value.StoreAlignedNonTemporal(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke<TOp>(Vector128<float> ax1, Vector128<float> ay1, Vector128<float> ax2, Vector128<float> ay2, Vector128<float> aArea, Vector128<float> bx1, Vector128<float> by1, Vector128<float> bx2, Vector128<float> by2, Vector128<float> bArea)
        where TOp : struct, IBoxPairOperator =>
        TOp.Invoke(ax1, ay1, ax2, ay2, aArea, bx1, by1, bx2, by2, bArea);
}

/// <summary>256-bit floats.</summary>
internal readonly unsafe struct BoxVector256 : IBoxVector<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAlignedNonTemporal(Vector256<float> value, float* destination) => value.StoreAlignedNonTemporal(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke<TOp>(Vector256<float> ax1, Vector256<float> ay1, Vector256<float> ax2, Vector256<float> ay2, Vector256<float> aArea, Vector256<float> bx1, Vector256<float> by1, Vector256<float> bx2, Vector256<float> by2, Vector256<float> bArea)
        where TOp : struct, IBoxPairOperator =>
        TOp.Invoke(ax1, ay1, ax2, ay2, aArea, bx1, by1, bx2, by2, bArea);
}

/// <summary>512-bit floats.</summary>
internal readonly unsafe struct BoxVector512 : IBoxVector<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAlignedNonTemporal(Vector512<float> value, float* destination) => value.StoreAlignedNonTemporal(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke<TOp>(Vector512<float> ax1, Vector512<float> ay1, Vector512<float> ax2, Vector512<float> ay2, Vector512<float> aArea, Vector512<float> bx1, Vector512<float> by1, Vector512<float> bx2, Vector512<float> by2, Vector512<float> bArea)
        where TOp : struct, IBoxPairOperator =>
        TOp.Invoke(ax1, ay1, ax2, ay2, aArea, bx1, by1, bx2, by2, bArea);
}
