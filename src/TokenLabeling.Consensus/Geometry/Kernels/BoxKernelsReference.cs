// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Geometry.Kernels;

/// <summary>
/// Plain scalar references for <see cref="BoxKernels"/>: one loop per kernel, no vectors, no threads. The tests take these as
/// the expected values; the benchmarks take them as the baseline.
/// </summary>
public static class BoxKernelsReference
{
    /// <summary>Computes the N × M IoU matrix with a plain double loop.</summary>
    /// <param name="a">The N row boxes, represented as columns.</param>
    /// <param name="b">The M column boxes, represented as columns.</param>
    /// <param name="destination">Receives the matrix row-major; at least N·M long.</param>
    /// <exception cref="ArgumentException">Columns differ in length or the destination is too short.</exception>
    public static void IouMatrix(BoxColumns a, BoxColumns b, Span<float> destination) => Matrix<IouOperator>(a, b, destination);

    /// <summary>Computes the N × M GIoU matrix with a plain double loop.</summary>
    /// <param name="a">The N row boxes, represented as columns.</param>
    /// <param name="b">The M column boxes, represented as columns.</param>
    /// <param name="destination">Receives the matrix row-major; at least N·M long.</param>
    /// <exception cref="ArgumentException">Columns differ in length or the destination is too short.</exception>
    public static void GiouMatrix(BoxColumns a, BoxColumns b, Span<float> destination) => Matrix<GiouOperator>(a, b, destination);

    /// <summary>Computes element-wise IoU with a plain loop.</summary>
    /// <param name="a">The first boxes.</param>
    /// <param name="b">The second boxes, as many as <paramref name="a"/>.</param>
    /// <param name="destination">Receives one value per pair.</param>
    /// <exception cref="ArgumentException">Lengths differ or the destination is too short.</exception>
    public static void Iou(BoxColumns a, BoxColumns b, Span<float> destination) => Pairwise<IouOperator>(a, b, destination);

    /// <summary>Computes element-wise GIoU with a plain loop.</summary>
    /// <param name="a">The first boxes.</param>
    /// <param name="b">The second boxes, as many as <paramref name="a"/>.</param>
    /// <param name="destination">Receives one value per pair.</param>
    /// <exception cref="ArgumentException">Lengths differ or the destination is too short.</exception>
    public static void Giou(BoxColumns a, BoxColumns b, Span<float> destination) => Pairwise<GiouOperator>(a, b, destination);

    private static void Matrix<TOp>(BoxColumns a, BoxColumns b, Span<float> destination)
        where TOp : struct, IBoxPairOperator
    {
        a.ThrowIfRagged(nameof(a));
        b.ThrowIfRagged(nameof(b));
        var m = b.Length;
        if (destination.Length < (long)a.Length * m)
        {
            throw new ArgumentException($"The destination needs {a.Length} × {m} elements; it has {destination.Length}.", nameof(destination));
        }

        for (var i = 0; i < a.Length; i++)
        {
            for (var j = 0; j < m; j++)
            {
                destination[(i * m) + j] = TOp.Invoke(
                    a.X1[i], a.Y1[i], a.X2[i], a.Y2[i], BoxKernels.Area(a.X1[i], a.Y1[i], a.X2[i], a.Y2[i]),
                    b.X1[j], b.Y1[j], b.X2[j], b.Y2[j], BoxKernels.Area(b.X1[j], b.Y1[j], b.X2[j], b.Y2[j]));
            }
        }
    }

    private static void Pairwise<TOp>(BoxColumns a, BoxColumns b, Span<float> destination)
        where TOp : struct, IBoxPairOperator
    {
        a.ThrowIfRagged(nameof(a));
        b.ThrowIfRagged(nameof(b));
        if (a.Length != b.Length || destination.Length < a.Length)
        {
            throw new ArgumentException($"Element-wise measures need equal lengths and room for them (got {a.Length}, {b.Length}, destination {destination.Length}).", nameof(destination));
        }

        for (var i = 0; i < a.Length; i++)
        {
            destination[i] = TOp.Invoke(
                a.X1[i], a.Y1[i], a.X2[i], a.Y2[i], BoxKernels.Area(a.X1[i], a.Y1[i], a.X2[i], a.Y2[i]),
                b.X1[i], b.Y1[i], b.X2[i], b.Y2[i], BoxKernels.Area(b.X1[i], b.Y1[i], b.X2[i], b.Y2[i]));
        }
    }
}
