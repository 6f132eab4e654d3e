// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TokenLabeling.Consensus.Kernels;

namespace TokenLabeling.Consensus.Geometry.Kernels;

/// <summary>
/// SIMD kernels over boxes in structure-of-arrays form: pairwise IoU and GIoU matrices (N × M) and element-wise IoU and GIoU.
/// Each kernel runs on the widest accelerated path (512 → 256 → 128 → scalar) unless a path is forced, and has a scalar
/// reference in <see cref="BoxKernelsReference"/> that the tests use as the oracle.
/// </summary>
/// <remarks>
/// <para>Matrix layout: for each box of a, its coordinates are broadcast and b's columns are swept in full vectors, so the
/// output row is written once, front to back (a streaming write). The last partial vector of a row is recomputed by an
/// overlapping load of the last full vector, which writes the same values again. Large matrices are split by rows across cores.</para>
/// <para>Results are identical on every path: every step is an IEEE-754 operation rounded once (no fused multiply-add).</para>
/// </remarks>
public static partial class BoxKernels
{
    /// <summary>
    /// The number of pairs (N·M) from which a matrix is split across cores: 2^18 pairs take about 50 µs on one core,
    /// well above the cost of scheduling work items.
    /// </summary>
    public const long ParallelThreshold = 1L << 18;

    /// <summary>
    /// The output size in bytes (32 MiB) from which the 256- and 512-bit matrix paths write with non-temporal stores: an output
    /// larger than the last-level cache would be evicted before it is read again, and streaming stores skip reading each line
    /// before writing it, which halves the memory traffic of this write-bound kernel.
    /// </summary>
    public const long NonTemporalThresholdBytes = 32L << 20;

    /// <summary>Computes the IoU of every box of <paramref name="a"/> with every box of <paramref name="b"/>.</summary>
    /// <param name="a">The N row boxes, represented as columns.</param>
    /// <param name="b">The M column boxes, represented as columns.</param>
    /// <param name="destination">Receives the N × M matrix row-major: <c>destination[i·M + j] = IoU(a[i], b[j])</c>.</param>
    /// <param name="path">The hardware path; <see cref="KernelPath.Auto"/> picks the widest accelerated one.</param>
    /// <param name="maxDegreeOfParallelism">The most cores to use; −1 for all, 1 for the calling thread only.</param>
    /// <exception cref="ArgumentException">Columns differ in length, the destination is shorter than N·M, or it overlaps an input.</exception>
    /// <exception cref="PlatformNotSupportedException">The forced path is not accelerated on this machine.</exception>
    /// <remarks>
    /// <para>This method effectively computes <c>destination[i·M + j] = inter / (area(a[i]) + area(b[j]) − inter)</c>.</para>
    /// <para>Widths and heights are clamped at 0 and a pair without a positive intersection gives 0, so degenerate boxes give 0,
    /// never NaN; a box against itself gives exactly 1; every value lies in [0, 1].</para>
    /// </remarks>
    public static void IouMatrix(BoxColumns a, BoxColumns b, Span<float> destination, KernelPath path = KernelPath.Auto, int maxDegreeOfParallelism = -1) =>
        Matrix<IouOperator>(a, b, destination, path, maxDegreeOfParallelism, NonTemporalThresholdBytes);

    /// <summary>Computes the IoU of every box of <paramref name="a"/> with every box of <paramref name="b"/>, into a new array.</summary>
    /// <param name="a">The N row boxes.</param>
    /// <param name="b">The M column boxes.</param>
    /// <param name="path">The hardware path.</param>
    /// <returns>The N × M matrix, row-major.</returns>
    /// <exception cref="ArgumentNullException">A set is null.</exception>
    /// <exception cref="ArgumentException">N·M exceeds the largest array.</exception>
    public static float[] IouMatrix(BoxSet a, BoxSet b, KernelPath path = KernelPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var result = new float[CheckedProduct(a.Count, b.Count)];
        IouMatrix(a.Columns, b.Columns, result, path);
        return result;
    }

    /// <summary>Computes the generalized IoU of every box of <paramref name="a"/> with every box of <paramref name="b"/>.</summary>
    /// <param name="a">The N row boxes, represented as columns.</param>
    /// <param name="b">The M column boxes, represented as columns.</param>
    /// <param name="destination">Receives the N × M matrix row-major.</param>
    /// <param name="path">The hardware path.</param>
    /// <param name="maxDegreeOfParallelism">The most cores to use; −1 for all, 1 for the calling thread only.</param>
    /// <exception cref="ArgumentException">Columns differ in length, the destination is shorter than N·M, or it overlaps an input.</exception>
    /// <exception cref="PlatformNotSupportedException">The forced path is not accelerated on this machine.</exception>
    /// <remarks>
    /// <para>This method effectively computes <c>destination[i·M + j] = IoU − (C − union) / C</c>, C being the area of the smallest box enclosing both.</para>
    /// <para>Values lie in [−1, 1]; when C is 0 the penalty is 0, so the result is never NaN.</para>
    /// </remarks>
    public static void GiouMatrix(BoxColumns a, BoxColumns b, Span<float> destination, KernelPath path = KernelPath.Auto, int maxDegreeOfParallelism = -1) =>
        Matrix<GiouOperator>(a, b, destination, path, maxDegreeOfParallelism, NonTemporalThresholdBytes);

    /// <summary>Computes the generalized IoU of every box of <paramref name="a"/> with every box of <paramref name="b"/>, into a new array.</summary>
    /// <param name="a">The N row boxes.</param>
    /// <param name="b">The M column boxes.</param>
    /// <param name="path">The hardware path.</param>
    /// <returns>The N × M matrix, row-major.</returns>
    /// <exception cref="ArgumentNullException">A set is null.</exception>
    /// <exception cref="ArgumentException">N·M exceeds the largest array.</exception>
    public static float[] GiouMatrix(BoxSet a, BoxSet b, KernelPath path = KernelPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var result = new float[CheckedProduct(a.Count, b.Count)];
        GiouMatrix(a.Columns, b.Columns, result, path);
        return result;
    }

    /// <summary>Computes the element-wise IoU of box i of <paramref name="a"/> with box i of <paramref name="b"/>.</summary>
    /// <param name="a">The first boxes, represented as columns.</param>
    /// <param name="b">The second boxes, as many as <paramref name="a"/>.</param>
    /// <param name="destination">Receives one value per pair.</param>
    /// <param name="path">The hardware path.</param>
    /// <exception cref="ArgumentException">Lengths differ, the destination is too short, or it overlaps an input.</exception>
    /// <exception cref="PlatformNotSupportedException">The forced path is not accelerated on this machine.</exception>
    /// <remarks><para>This method effectively computes <c>destination[i] = IoU(a[i], b[i])</c>, with the conventions of <see cref="IouMatrix(BoxColumns, BoxColumns, Span{float}, KernelPath, int)"/>.</para></remarks>
    public static void Iou(BoxColumns a, BoxColumns b, Span<float> destination, KernelPath path = KernelPath.Auto) =>
        Pairwise<IouOperator>(a, b, destination, path);

    /// <summary>Computes the element-wise generalized IoU of box i of <paramref name="a"/> with box i of <paramref name="b"/>.</summary>
    /// <param name="a">The first boxes, represented as columns.</param>
    /// <param name="b">The second boxes, as many as <paramref name="a"/>.</param>
    /// <param name="destination">Receives one value per pair.</param>
    /// <param name="path">The hardware path.</param>
    /// <exception cref="ArgumentException">Lengths differ, the destination is too short, or it overlaps an input.</exception>
    /// <exception cref="PlatformNotSupportedException">The forced path is not accelerated on this machine.</exception>
    /// <remarks><para>This method effectively computes <c>destination[i] = GIoU(a[i], b[i])</c>, with the conventions of <see cref="GiouMatrix(BoxColumns, BoxColumns, Span{float}, KernelPath, int)"/>.</para></remarks>
    public static void Giou(BoxColumns a, BoxColumns b, Span<float> destination, KernelPath path = KernelPath.Auto) =>
        Pairwise<GiouOperator>(a, b, destination, path);

    /// <summary>Computes the IoU of two boxes.</summary>
    /// <param name="a">The first box.</param>
    /// <param name="b">The second box.</param>
    /// <returns>The IoU in [0, 1]; 0 when they share no positive area.</returns>
    public static float Iou(Box a, Box b) => IouOperator.Invoke(a.X1, a.Y1, a.X2, a.Y2, a.Area, b.X1, b.Y1, b.X2, b.Y2, b.Area);

    /// <summary>Computes the generalized IoU of two boxes.</summary>
    /// <param name="a">The first box.</param>
    /// <param name="b">The second box.</param>
    /// <returns>The GIoU in [−1, 1].</returns>
    public static float Giou(Box a, Box b) => GiouOperator.Invoke(a.X1, a.Y1, a.X2, a.Y2, a.Area, b.X1, b.Y1, b.X2, b.Y2, b.Area);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Area(float x1, float y1, float x2, float y2) => MathF.Max(x2 - x1, 0f) * MathF.Max(y2 - y1, 0f);

    private static int CheckedProduct(int n, int m)
    {
        var product = (long)n * m;
        if (product > Array.MaxLength)
        {
            throw new ArgumentException($"An {n} × {m} matrix has more than {Array.MaxLength} elements; use the span overload on parts of the boxes.", nameof(n));
        }

        return (int)product;
    }

    private static void CheckOverlap(BoxColumns boxes, Span<float> destination, string paramName)
    {
        if (destination.Overlaps(boxes.X1) || destination.Overlaps(boxes.Y1) || destination.Overlaps(boxes.X2) || destination.Overlaps(boxes.Y2))
        {
            throw new ArgumentException("The destination overlaps an input column.", paramName);
        }
    }

    /// <summary>The matrix driver; tests pass a small <paramref name="nonTemporalThresholdBytes"/> to exercise the streaming-store rows.</summary>
    internal static void IouMatrix(BoxColumns a, BoxColumns b, Span<float> destination, KernelPath path, int maxDegreeOfParallelism, long nonTemporalThresholdBytes) =>
        Matrix<IouOperator>(a, b, destination, path, maxDegreeOfParallelism, nonTemporalThresholdBytes);

    private static unsafe void Matrix<TOp>(BoxColumns a, BoxColumns b, Span<float> destination, KernelPath path, int maxDegreeOfParallelism, long nonTemporalThresholdBytes)
        where TOp : struct, IBoxPairOperator
    {
        a.ThrowIfRagged(nameof(a));
        b.ThrowIfRagged(nameof(b));
        var n = a.Length;
        var m = b.Length;
        var pairs = (long)n * m;
        if (destination.Length < pairs)
        {
            throw new ArgumentException($"The destination needs {n} × {m} = {pairs} elements; it has {destination.Length}.", nameof(destination));
        }

        CheckOverlap(a, destination, nameof(destination));
        CheckOverlap(b, destination, nameof(destination));
        if (maxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "Use −1 for all cores or a positive count.");
        }

        var resolved = KernelPaths.Resolve(path);
        if (pairs == 0)
        {
            return;
        }

        var rented = ArrayPool<float>.Shared.Rent(m);
        try
        {
            var bArea = rented.AsSpan(0, m);
            for (var j = 0; j < m; j++)
            {
                bArea[j] = Area(b.X1[j], b.Y1[j], b.X2[j], b.Y2[j]);
            }

            fixed (float* ax1 = a.X1, ay1 = a.Y1, ax2 = a.X2, ay2 = a.Y2, bx1 = b.X1, by1 = b.Y1, bx2 = b.X2, by2 = b.Y2, ba = bArea, d = destination)
            {
                var context = new MatrixContext(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2, ba, d, m, resolved, pairs * sizeof(float) >= nonTemporalThresholdBytes);
                var cores = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : Math.Min(maxDegreeOfParallelism, Environment.ProcessorCount);
                if (cores > 1 && n > 1 && pairs >= ParallelThreshold)
                {
                    // Many small blocks (16 per core) handed out on demand, so that a core slowed by other work takes fewer
                    // of them instead of holding up the end.
                    var blocks = Math.Min(n, cores * 16);
                    Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = cores }, block =>
                        context.Rows<TOp>((int)((long)n * block / blocks), (int)((long)n * (block + 1) / blocks)));
                }
                else
                {
                    context.Rows<TOp>(0, n);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    private static void Pairwise<TOp>(BoxColumns a, BoxColumns b, Span<float> destination, KernelPath path)
        where TOp : struct, IBoxPairOperator
    {
        a.ThrowIfRagged(nameof(a));
        b.ThrowIfRagged(nameof(b));
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Element-wise measures need as many boxes in b as in a (got {a.Length} and {b.Length}).", nameof(b));
        }

        if (destination.Length < a.Length)
        {
            throw new ArgumentException($"The destination needs {a.Length} elements; it has {destination.Length}.", nameof(destination));
        }

        CheckOverlap(a, destination, nameof(destination));
        CheckOverlap(b, destination, nameof(destination));
        var resolved = KernelPaths.Resolve(path);
        var n = a.Length;
        var i = 0;
        ref var ax1 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a.X1);
        ref var ay1 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a.Y1);
        ref var ax2 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a.X2);
        ref var ay2 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a.Y2);
        ref var bx1 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(b.X1);
        ref var by1 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(b.Y1);
        ref var bx2 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(b.X2);
        ref var by2 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(b.Y2);
        ref var d = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(destination);
        if (resolved == KernelPath.Vector512)
        {
            var zero = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var u = (nuint)i;
                Vector512<float> vax1 = Vector512.LoadUnsafe(ref ax1, u), vay1 = Vector512.LoadUnsafe(ref ay1, u), vax2 = Vector512.LoadUnsafe(ref ax2, u), vay2 = Vector512.LoadUnsafe(ref ay2, u);
                Vector512<float> vbx1 = Vector512.LoadUnsafe(ref bx1, u), vby1 = Vector512.LoadUnsafe(ref by1, u), vbx2 = Vector512.LoadUnsafe(ref bx2, u), vby2 = Vector512.LoadUnsafe(ref by2, u);
                var aArea = Vector512.MaxNative(vax2 - vax1, zero) * Vector512.MaxNative(vay2 - vay1, zero);
                var bArea = Vector512.MaxNative(vbx2 - vbx1, zero) * Vector512.MaxNative(vby2 - vby1, zero);
                TOp.Invoke(vax1, vay1, vax2, vay2, aArea, vbx1, vby1, vbx2, vby2, bArea).StoreUnsafe(ref d, u);
            }
        }
        else if (resolved == KernelPath.Vector256)
        {
            var zero = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var u = (nuint)i;
                Vector256<float> vax1 = Vector256.LoadUnsafe(ref ax1, u), vay1 = Vector256.LoadUnsafe(ref ay1, u), vax2 = Vector256.LoadUnsafe(ref ax2, u), vay2 = Vector256.LoadUnsafe(ref ay2, u);
                Vector256<float> vbx1 = Vector256.LoadUnsafe(ref bx1, u), vby1 = Vector256.LoadUnsafe(ref by1, u), vbx2 = Vector256.LoadUnsafe(ref bx2, u), vby2 = Vector256.LoadUnsafe(ref by2, u);
                var aArea = Vector256.MaxNative(vax2 - vax1, zero) * Vector256.MaxNative(vay2 - vay1, zero);
                var bArea = Vector256.MaxNative(vbx2 - vbx1, zero) * Vector256.MaxNative(vby2 - vby1, zero);
                TOp.Invoke(vax1, vay1, vax2, vay2, aArea, vbx1, vby1, vbx2, vby2, bArea).StoreUnsafe(ref d, u);
            }
        }
        else if (resolved == KernelPath.Vector128)
        {
            var zero = Vector128<float>.Zero;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                var u = (nuint)i;
                Vector128<float> vax1 = Vector128.LoadUnsafe(ref ax1, u), vay1 = Vector128.LoadUnsafe(ref ay1, u), vax2 = Vector128.LoadUnsafe(ref ax2, u), vay2 = Vector128.LoadUnsafe(ref ay2, u);
                Vector128<float> vbx1 = Vector128.LoadUnsafe(ref bx1, u), vby1 = Vector128.LoadUnsafe(ref by1, u), vbx2 = Vector128.LoadUnsafe(ref bx2, u), vby2 = Vector128.LoadUnsafe(ref by2, u);
                var aArea = Vector128.MaxNative(vax2 - vax1, zero) * Vector128.MaxNative(vay2 - vay1, zero);
                var bArea = Vector128.MaxNative(vbx2 - vbx1, zero) * Vector128.MaxNative(vby2 - vby1, zero);
                TOp.Invoke(vax1, vay1, vax2, vay2, aArea, vbx1, vby1, vbx2, vby2, bArea).StoreUnsafe(ref d, u);
            }
        }

        for (; i < n; i++)
        {
            destination[i] = TOp.Invoke(
                a.X1[i], a.Y1[i], a.X2[i], a.Y2[i], Area(a.X1[i], a.Y1[i], a.X2[i], a.Y2[i]),
                b.X1[i], b.Y1[i], b.X2[i], b.Y2[i], Area(b.X1[i], b.Y1[i], b.X2[i], b.Y2[i]));
        }
    }

    /// <summary>Raw column pointers of one matrix call, so rows can be handed to worker threads (spans cannot be captured).</summary>
    private readonly unsafe struct MatrixContext(
        float* ax1, float* ay1, float* ax2, float* ay2, float* bx1, float* by1, float* bx2, float* by2, float* bArea, float* destination, int m, KernelPath path, bool streaming)
    {
        public void Rows<TOp>(int start, int end)
            where TOp : struct, IBoxPairOperator
        {
            if (streaming && m >= 32 && path is KernelPath.Vector512 or KernelPath.Vector256 && ((nint)destination & (sizeof(float) - 1)) == 0)
            {
                StreamingRows<TOp>(start, end);
                return;
            }

            // Four rows at a time on the wide paths: each column vector of b is loaded once for four results, and the four
            // independent chains keep the divider busy while one of them waits.
            var i = start;
            if (path == KernelPath.Vector512 && m >= 16)
            {
                for (; i + 4 <= end; i += 4)
                {
                    FourRows<TOp, BoxVector512, Vector512<float>>(i);
                }
            }
            else if (path == KernelPath.Vector256 && m >= 8)
            {
                for (; i + 4 <= end; i += 4)
                {
                    FourRows<TOp, BoxVector256, Vector256<float>>(i);
                }
            }

            for (; i < end; i++)
            {
                var area = Area(ax1[i], ay1[i], ax2[i], ay2[i]);
                var row = destination + ((long)i * m);
                switch (path)
                {
                    case KernelPath.Vector512:
                        Row<TOp, BoxVector512, Vector512<float>>(ax1[i], ay1[i], ax2[i], ay2[i], area, row);
                        break;
                    case KernelPath.Vector256:
                        Row<TOp, BoxVector256, Vector256<float>>(ax1[i], ay1[i], ax2[i], ay2[i], area, row);
                        break;
                    case KernelPath.Vector128:
                        Row<TOp, BoxVector128, Vector128<float>>(ax1[i], ay1[i], ax2[i], ay2[i], area, row);
                        break;
                    default:
                        RowScalar<TOp>(ax1[i], ay1[i], ax2[i], ay2[i], area, row, 0);
                        break;
                }
            }
        }

        /// <summary>
        /// Rows written with aligned non-temporal stores: one unaligned vector covers the row's head up to the first 64-byte
        /// boundary, aligned streaming stores cover the middle, and an overlapping unaligned vector covers the tail.
        /// </summary>
        private void StreamingRows<TOp>(int start, int end)
            where TOp : struct, IBoxPairOperator
        {
            // Four rows at a time (as in Rows), each with its own aligned column offset since consecutive rows start at
            // different alignments: four independent chains and four store streams keep the core busy between stores.
            var i = start;
            for (; i + 4 <= end; i += 4)
            {
                if (path == KernelPath.Vector512)
                {
                    FourStreamingRows<TOp, BoxVector512, Vector512<float>>(i);
                }
                else
                {
                    FourStreamingRows<TOp, BoxVector256, Vector256<float>>(i);
                }
            }

            for (; i < end; i++)
            {
                if (path == KernelPath.Vector512)
                {
                    StreamingRow<TOp, BoxVector512, Vector512<float>>(i);
                }
                else
                {
                    StreamingRow<TOp, BoxVector256, Vector256<float>>(i);
                }
            }

            // Streaming stores are weakly ordered: fence them before the caller (or another thread) reads the matrix.
            if (System.Runtime.Intrinsics.X86.Sse.IsSupported)
            {
                System.Runtime.Intrinsics.X86.Sse.StoreFence();
            }
            else
            {
                Interlocked.MemoryBarrier();
            }
        }

        /// <summary>The measure of one broadcast box of a against b's columns j..j + width.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV At<TOp, TW, TV>(TV x1, TV y1, TV x2, TV y2, TV area, int j)
            where TOp : struct, IBoxPairOperator
            where TW : struct, IBoxVector<TV>
            where TV : struct =>
            TW.Invoke<TOp>(x1, y1, x2, y2, area, TW.Load(bx1 + j), TW.Load(by1 + j), TW.Load(bx2 + j), TW.Load(by2 + j), TW.Load(bArea + j));

        // Rows i to i + 3 with shared column loads; the last vector of each row overlaps the one before (identical results).
        private void FourRows<TOp, TW, TV>(int i)
            where TOp : struct, IBoxPairOperator
            where TW : struct, IBoxVector<TV>
            where TV : struct
        {
            var width = TW.Count;
            var r0 = destination + ((long)i * m);
            var r1 = r0 + m;
            var r2 = r1 + m;
            var r3 = r2 + m;
            TV x10 = TW.Broadcast(ax1[i + 0]), y10 = TW.Broadcast(ay1[i + 0]), x20 = TW.Broadcast(ax2[i + 0]), y20 = TW.Broadcast(ay2[i + 0]), a0 = TW.Broadcast(Area(ax1[i + 0], ay1[i + 0], ax2[i + 0], ay2[i + 0]));
            TV x11 = TW.Broadcast(ax1[i + 1]), y11 = TW.Broadcast(ay1[i + 1]), x21 = TW.Broadcast(ax2[i + 1]), y21 = TW.Broadcast(ay2[i + 1]), a1 = TW.Broadcast(Area(ax1[i + 1], ay1[i + 1], ax2[i + 1], ay2[i + 1]));
            TV x12 = TW.Broadcast(ax1[i + 2]), y12 = TW.Broadcast(ay1[i + 2]), x22 = TW.Broadcast(ax2[i + 2]), y22 = TW.Broadcast(ay2[i + 2]), a2 = TW.Broadcast(Area(ax1[i + 2], ay1[i + 2], ax2[i + 2], ay2[i + 2]));
            TV x13 = TW.Broadcast(ax1[i + 3]), y13 = TW.Broadcast(ay1[i + 3]), x23 = TW.Broadcast(ax2[i + 3]), y23 = TW.Broadcast(ay2[i + 3]), a3 = TW.Broadcast(Area(ax1[i + 3], ay1[i + 3], ax2[i + 3], ay2[i + 3]));
            var j = 0;
            while (true)
            {
                if (j > m - width)
                {
                    if (j == m)
                    {
                        break;
                    }

                    j = m - width;
                }

                TV c1 = TW.Load(bx1 + j), c2 = TW.Load(by1 + j), c3 = TW.Load(bx2 + j), c4 = TW.Load(by2 + j), c5 = TW.Load(bArea + j);
                TW.Store(TW.Invoke<TOp>(x10, y10, x20, y20, a0, c1, c2, c3, c4, c5), r0 + j);
                TW.Store(TW.Invoke<TOp>(x11, y11, x21, y21, a1, c1, c2, c3, c4, c5), r1 + j);
                TW.Store(TW.Invoke<TOp>(x12, y12, x22, y22, a2, c1, c2, c3, c4, c5), r2 + j);
                TW.Store(TW.Invoke<TOp>(x13, y13, x23, y23, a3, c1, c2, c3, c4, c5), r3 + j);
                j += width;
            }
        }

        // Streaming version of FourRows: an unaligned head vector per row, aligned non-temporal stores from each row's first
        // vector-size boundary, and an overlapping unaligned tail vector per row.
        private void FourStreamingRows<TOp, TW, TV>(int i)
            where TOp : struct, IBoxPairOperator
            where TW : struct, IBoxVector<TV>
            where TV : struct
        {
            var width = TW.Count;
            var r0 = destination + ((long)i * m);
            var r1 = r0 + m;
            var r2 = r1 + m;
            var r3 = r2 + m;
            TV x10 = TW.Broadcast(ax1[i + 0]), y10 = TW.Broadcast(ay1[i + 0]), x20 = TW.Broadcast(ax2[i + 0]), y20 = TW.Broadcast(ay2[i + 0]), a0 = TW.Broadcast(Area(ax1[i + 0], ay1[i + 0], ax2[i + 0], ay2[i + 0]));
            TV x11 = TW.Broadcast(ax1[i + 1]), y11 = TW.Broadcast(ay1[i + 1]), x21 = TW.Broadcast(ax2[i + 1]), y21 = TW.Broadcast(ay2[i + 1]), a1 = TW.Broadcast(Area(ax1[i + 1], ay1[i + 1], ax2[i + 1], ay2[i + 1]));
            TV x12 = TW.Broadcast(ax1[i + 2]), y12 = TW.Broadcast(ay1[i + 2]), x22 = TW.Broadcast(ax2[i + 2]), y22 = TW.Broadcast(ay2[i + 2]), a2 = TW.Broadcast(Area(ax1[i + 2], ay1[i + 2], ax2[i + 2], ay2[i + 2]));
            TV x13 = TW.Broadcast(ax1[i + 3]), y13 = TW.Broadcast(ay1[i + 3]), x23 = TW.Broadcast(ax2[i + 3]), y23 = TW.Broadcast(ay2[i + 3]), a3 = TW.Broadcast(Area(ax1[i + 3], ay1[i + 3], ax2[i + 3], ay2[i + 3]));
            TW.Store(At<TOp, TW, TV>(x10, y10, x20, y20, a0, 0), r0);
            TW.Store(At<TOp, TW, TV>(x11, y11, x21, y21, a1, 0), r1);
            TW.Store(At<TOp, TW, TV>(x12, y12, x22, y22, a2, 0), r2);
            TW.Store(At<TOp, TW, TV>(x13, y13, x23, y23, a3, 0), r3);
            var j0 = AlignedStart<TW, TV>(r0);
            var j1 = AlignedStart<TW, TV>(r1);
            var j2 = AlignedStart<TW, TV>(r2);
            var j3 = AlignedStart<TW, TV>(r3);
            var common = ((m - width - Math.Max(Math.Max(j0, j1), Math.Max(j2, j3))) / width) + 1;
            for (var step = 0; step < common; step++)
            {
                TW.StoreAlignedNonTemporal(At<TOp, TW, TV>(x10, y10, x20, y20, a0, j0), r0 + j0);
                TW.StoreAlignedNonTemporal(At<TOp, TW, TV>(x11, y11, x21, y21, a1, j1), r1 + j1);
                TW.StoreAlignedNonTemporal(At<TOp, TW, TV>(x12, y12, x22, y22, a2, j2), r2 + j2);
                TW.StoreAlignedNonTemporal(At<TOp, TW, TV>(x13, y13, x23, y23, a3, j3), r3 + j3);
                j0 += width;
                j1 += width;
                j2 += width;
                j3 += width;
            }

            for (; j0 <= m - width; j0 += width)
            {
                TW.StoreAlignedNonTemporal(At<TOp, TW, TV>(x10, y10, x20, y20, a0, j0), r0 + j0);
            }

            for (; j1 <= m - width; j1 += width)
            {
                TW.StoreAlignedNonTemporal(At<TOp, TW, TV>(x11, y11, x21, y21, a1, j1), r1 + j1);
            }

            for (; j2 <= m - width; j2 += width)
            {
                TW.StoreAlignedNonTemporal(At<TOp, TW, TV>(x12, y12, x22, y22, a2, j2), r2 + j2);
            }

            for (; j3 <= m - width; j3 += width)
            {
                TW.StoreAlignedNonTemporal(At<TOp, TW, TV>(x13, y13, x23, y23, a3, j3), r3 + j3);
            }

            var tail = m - width;
            TW.Store(At<TOp, TW, TV>(x10, y10, x20, y20, a0, tail), r0 + tail);
            TW.Store(At<TOp, TW, TV>(x11, y11, x21, y21, a1, tail), r1 + tail);
            TW.Store(At<TOp, TW, TV>(x12, y12, x22, y22, a2, tail), r2 + tail);
            TW.Store(At<TOp, TW, TV>(x13, y13, x23, y23, a3, tail), r3 + tail);
        }

        /// <summary>One streaming row: an unaligned head vector, aligned non-temporal stores, an overlapping unaligned tail.</summary>
        private void StreamingRow<TOp, TW, TV>(int i)
            where TOp : struct, IBoxPairOperator
            where TW : struct, IBoxVector<TV>
            where TV : struct
        {
            var width = TW.Count;
            var row = destination + ((long)i * m);
            TV vx1 = TW.Broadcast(ax1[i]), vy1 = TW.Broadcast(ay1[i]), vx2 = TW.Broadcast(ax2[i]), vy2 = TW.Broadcast(ay2[i]), va = TW.Broadcast(Area(ax1[i], ay1[i], ax2[i], ay2[i]));
            TW.Store(At<TOp, TW, TV>(vx1, vy1, vx2, vy2, va, 0), row);
            var j = AlignedStart<TW, TV>(row);
            for (; j <= m - width; j += width)
            {
                TW.StoreAlignedNonTemporal(At<TOp, TW, TV>(vx1, vy1, vx2, vy2, va, j), row + j);
            }

            if (j < m)
            {
                j = m - width;
                TW.Store(At<TOp, TW, TV>(vx1, vy1, vx2, vy2, va, j), row + j);
            }
        }

        /// <summary>The first column of a row that starts on a vector-size boundary.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int AlignedStart<TW, TV>(float* row)
            where TW : struct, IBoxVector<TV>
            where TV : struct
        {
            var bytes = TW.Count * sizeof(float);
            return (int)(((bytes - ((nint)row & (bytes - 1))) & (bytes - 1)) / sizeof(float));
        }

        private void RowScalar<TOp>(float x1, float y1, float x2, float y2, float area, float* row, int start)
            where TOp : struct, IBoxPairOperator
        {
            for (var j = start; j < m; j++)
            {
                row[j] = TOp.Invoke(x1, y1, x2, y2, area, bx1[j], by1[j], bx2[j], by2[j], bArea[j]);
            }
        }

        private void Row<TOp, TW, TV>(float x1, float y1, float x2, float y2, float area, float* row)
            where TOp : struct, IBoxPairOperator
            where TW : struct, IBoxVector<TV>
            where TV : struct
        {
            var width = TW.Count;
            if (m < width)
            {
                RowScalar<TOp>(x1, y1, x2, y2, area, row, 0);
                return;
            }

            TV vx1 = TW.Broadcast(x1), vy1 = TW.Broadcast(y1), vx2 = TW.Broadcast(x2), vy2 = TW.Broadcast(y2), va = TW.Broadcast(area);
            var j = 0;
            for (; j <= m - width; j += width)
            {
                TW.Store(At<TOp, TW, TV>(vx1, vy1, vx2, vy2, va, j), row + j);
            }

            if (j < m)
            {
                // Overlapping last vector: recomputes a few columns with identical results instead of a scalar tail.
                j = m - width;
                TW.Store(At<TOp, TW, TV>(vx1, vy1, vx2, vy2, va, j), row + j);
            }
        }
    }
}
