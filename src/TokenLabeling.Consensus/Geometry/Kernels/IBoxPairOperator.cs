// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TokenLabeling.Consensus.Geometry.Kernels;

/// <summary>
/// A measure of two boxes (IoU, GIoU) at every width: box a, its area, box b, its area. The matrix and pairwise drivers are
/// written once, generic over this interface; the scalar <c>Invoke</c> is the test oracle and the vector ones must agree with it.
/// </summary>
internal interface IBoxPairOperator
{
    static abstract float Invoke(float ax1, float ay1, float ax2, float ay2, float aArea, float bx1, float by1, float bx2, float by2, float bArea);

    static abstract Vector128<float> Invoke(Vector128<float> ax1, Vector128<float> ay1, Vector128<float> ax2, Vector128<float> ay2, Vector128<float> aArea, Vector128<float> bx1, Vector128<float> by1, Vector128<float> bx2, Vector128<float> by2, Vector128<float> bArea);

    static abstract Vector256<float> Invoke(Vector256<float> ax1, Vector256<float> ay1, Vector256<float> ax2, Vector256<float> ay2, Vector256<float> aArea, Vector256<float> bx1, Vector256<float> by1, Vector256<float> bx2, Vector256<float> by2, Vector256<float> bArea);

    static abstract Vector512<float> Invoke(Vector512<float> ax1, Vector512<float> ay1, Vector512<float> ax2, Vector512<float> ay2, Vector512<float> aArea, Vector512<float> bx1, Vector512<float> by1, Vector512<float> bx2, Vector512<float> by2, Vector512<float> bArea);
}

/// <summary>
/// Intersection over union: <c>inter / (areaA + areaB − inter)</c>, 0 when the boxes do not overlap with positive area.
/// </summary>
/// <remarks>
/// The width of the intersection is clamped at 0 and the result is 0 unless the product with the (unclamped) height is
/// positive, which needs both to be positive: one clamp instead of two, with the same values. Degenerate boxes give 0, never NaN.
/// Rounded subtraction and multiplication are monotone, so <c>inter ≤ min(areaA, areaB)</c> and the result lies in [0, 1];
/// a box against itself gives exactly 1. Uses the native min/max instructions: inputs are finite, and the sign of a zero
/// width never reaches the result.
/// </remarks>
internal readonly struct IouOperator : IBoxPairOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float ax1, float ay1, float ax2, float ay2, float aArea, float bx1, float by1, float bx2, float by2, float bArea)
    {
        var iw = MathF.Max(MathF.Min(ax2, bx2) - MathF.Max(ax1, bx1), 0f);
        var ih = MathF.Min(ay2, by2) - MathF.Max(ay1, by1);
        var inter = iw * ih;
        var union = (aArea + bArea) - inter;
        return inter > 0f ? inter / union : 0f;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> ax1, Vector128<float> ay1, Vector128<float> ax2, Vector128<float> ay2, Vector128<float> aArea, Vector128<float> bx1, Vector128<float> by1, Vector128<float> bx2, Vector128<float> by2, Vector128<float> bArea)
    {
        var zero = Vector128<float>.Zero;
        var iw = Vector128.MaxNative(Vector128.MinNative(ax2, bx2) - Vector128.MaxNative(ax1, bx1), zero);
        var ih = Vector128.MinNative(ay2, by2) - Vector128.MaxNative(ay1, by1);
        var inter = iw * ih;
        var union = (aArea + bArea) - inter;
        return Vector128.ConditionalSelect(Vector128.GreaterThan(inter, zero), inter / union, zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> ax1, Vector256<float> ay1, Vector256<float> ax2, Vector256<float> ay2, Vector256<float> aArea, Vector256<float> bx1, Vector256<float> by1, Vector256<float> bx2, Vector256<float> by2, Vector256<float> bArea)
    {
        var zero = Vector256<float>.Zero;
        var iw = Vector256.MaxNative(Vector256.MinNative(ax2, bx2) - Vector256.MaxNative(ax1, bx1), zero);
        var ih = Vector256.MinNative(ay2, by2) - Vector256.MaxNative(ay1, by1);
        var inter = iw * ih;
        var union = (aArea + bArea) - inter;
        return Vector256.ConditionalSelect(Vector256.GreaterThan(inter, zero), inter / union, zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> ax1, Vector512<float> ay1, Vector512<float> ax2, Vector512<float> ay2, Vector512<float> aArea, Vector512<float> bx1, Vector512<float> by1, Vector512<float> bx2, Vector512<float> by2, Vector512<float> bArea)
    {
        var zero = Vector512<float>.Zero;
        var iw = Vector512.MaxNative(Vector512.MinNative(ax2, bx2) - Vector512.MaxNative(ax1, bx1), zero);
        var ih = Vector512.MinNative(ay2, by2) - Vector512.MaxNative(ay1, by1);
        var inter = iw * ih;
        var union = (aArea + bArea) - inter;
        return Vector512.ConditionalSelect(Vector512.GreaterThan(inter, zero), inter / union, zero);
    }
}

/// <summary>
/// Generalized IoU (Rezatofighi et al., 2019): <c>IoU − (C − union) / C</c> with C the area of the smallest enclosing box.
/// </summary>
/// <remarks>
/// The result lies in [−1, 1]. When the enclosing box has zero area (both boxes degenerate on one line or point) the penalty is
/// taken as 0, so the result is the IoU (0), never NaN.
/// </remarks>
internal readonly struct GiouOperator : IBoxPairOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float ax1, float ay1, float ax2, float ay2, float aArea, float bx1, float by1, float bx2, float by2, float bArea)
    {
        var iw = MathF.Max(MathF.Min(ax2, bx2) - MathF.Max(ax1, bx1), 0f);
        var ih = MathF.Max(MathF.Min(ay2, by2) - MathF.Max(ay1, by1), 0f);
        var inter = iw * ih;
        var union = (aArea + bArea) - inter;
        var iou = inter > 0f ? inter / union : 0f;
        var cw = MathF.Max(MathF.Max(ax2, bx2) - MathF.Min(ax1, bx1), 0f);
        var ch = MathF.Max(MathF.Max(ay2, by2) - MathF.Min(ay1, by1), 0f);
        var c = cw * ch;
        return c > 0f ? iou - ((c - union) / c) : iou;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> ax1, Vector128<float> ay1, Vector128<float> ax2, Vector128<float> ay2, Vector128<float> aArea, Vector128<float> bx1, Vector128<float> by1, Vector128<float> bx2, Vector128<float> by2, Vector128<float> bArea)
    {
        var zero = Vector128<float>.Zero;
        var iw = Vector128.MaxNative(Vector128.MinNative(ax2, bx2) - Vector128.MaxNative(ax1, bx1), zero);
        var ih = Vector128.MaxNative(Vector128.MinNative(ay2, by2) - Vector128.MaxNative(ay1, by1), zero);
        var inter = iw * ih;
        var union = (aArea + bArea) - inter;
        var iou = Vector128.ConditionalSelect(Vector128.GreaterThan(inter, zero), inter / union, zero);
        var cw = Vector128.MaxNative(Vector128.MaxNative(ax2, bx2) - Vector128.MinNative(ax1, bx1), zero);
        var ch = Vector128.MaxNative(Vector128.MaxNative(ay2, by2) - Vector128.MinNative(ay1, by1), zero);
        var c = cw * ch;
        return Vector128.ConditionalSelect(Vector128.GreaterThan(c, zero), iou - ((c - union) / c), iou);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> ax1, Vector256<float> ay1, Vector256<float> ax2, Vector256<float> ay2, Vector256<float> aArea, Vector256<float> bx1, Vector256<float> by1, Vector256<float> bx2, Vector256<float> by2, Vector256<float> bArea)
    {
        var zero = Vector256<float>.Zero;
        var iw = Vector256.MaxNative(Vector256.MinNative(ax2, bx2) - Vector256.MaxNative(ax1, bx1), zero);
        var ih = Vector256.MaxNative(Vector256.MinNative(ay2, by2) - Vector256.MaxNative(ay1, by1), zero);
        var inter = iw * ih;
        var union = (aArea + bArea) - inter;
        var iou = Vector256.ConditionalSelect(Vector256.GreaterThan(inter, zero), inter / union, zero);
        var cw = Vector256.MaxNative(Vector256.MaxNative(ax2, bx2) - Vector256.MinNative(ax1, bx1), zero);
        var ch = Vector256.MaxNative(Vector256.MaxNative(ay2, by2) - Vector256.MinNative(ay1, by1), zero);
        var c = cw * ch;
        return Vector256.ConditionalSelect(Vector256.GreaterThan(c, zero), iou - ((c - union) / c), iou);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> ax1, Vector512<float> ay1, Vector512<float> ax2, Vector512<float> ay2, Vector512<float> aArea, Vector512<float> bx1, Vector512<float> by1, Vector512<float> bx2, Vector512<float> by2, Vector512<float> bArea)
    {
        var zero = Vector512<float>.Zero;
        var iw = Vector512.MaxNative(Vector512.MinNative(ax2, bx2) - Vector512.MaxNative(ax1, bx1), zero);
        var ih = Vector512.MaxNative(Vector512.MinNative(ay2, by2) - Vector512.MaxNative(ay1, by1), zero);
        var inter = iw * ih;
        var union = (aArea + bArea) - inter;
        var iou = Vector512.ConditionalSelect(Vector512.GreaterThan(inter, zero), inter / union, zero);
        var cw = Vector512.MaxNative(Vector512.MaxNative(ax2, bx2) - Vector512.MinNative(ax1, bx1), zero);
        var ch = Vector512.MaxNative(Vector512.MaxNative(ay2, by2) - Vector512.MinNative(ay1, by1), zero);
        var c = cw * ch;
        return Vector512.ConditionalSelect(Vector512.GreaterThan(c, zero), iou - ((c - union) / c), iou);
    }
}
