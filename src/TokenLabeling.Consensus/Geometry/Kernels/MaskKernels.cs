// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TokenLabeling.Consensus.Kernels;

namespace TokenLabeling.Consensus.Geometry.Kernels;

/// <summary>
/// SIMD kernels over bit-packed masks: population counts of a mask and of two masks' intersection and union, from which
/// IoU and Dice follow. Each has a scalar reference in <see cref="MaskKernelsReference"/>.
/// </summary>
/// <remarks>
/// <para>The vector paths count bits by nibble lookup: each byte is split into two 4-bit halves that index a 16-entry table of
/// bit counts (one byte shuffle each). Byte counts accumulate for at most 31 vectors (31 · 8 = 248 ≤ 255) before they are summed
/// into 64-bit lanes, so the per-vector cost is a handful of byte operations and the kernel is bound by memory reads for masks
/// larger than the caches.</para>
/// </remarks>
public static class MaskKernels
{
    private const int FlushEvery = 31;

    /// <summary>Counts the pixels set in both masks and in either mask.</summary>
    /// <param name="a">The first mask's words, represented as a span.</param>
    /// <param name="b">The second mask's words, as many as <paramref name="a"/>.</param>
    /// <param name="path">The hardware path; <see cref="KernelPath.Auto"/> picks the widest accelerated one.</param>
    /// <returns>The intersection and union counts.</returns>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="PlatformNotSupportedException">The forced path is not accelerated on this machine.</exception>
    /// <remarks><para>This method effectively computes <c>Σ popcount(a[i] &amp; b[i])</c> and <c>Σ popcount(a[i] | b[i])</c>.</para></remarks>
    public static MaskOverlap Overlap(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, KernelPath path = KernelPath.Auto) =>
        Overlap(a, b, path, maxDegreeOfParallelism: 1);

    /// <summary>Counts the pixels set in both masks and in either mask, splitting large masks across cores.</summary>
    /// <param name="a">The first mask's words, represented as a span.</param>
    /// <param name="b">The second mask's words, as many as <paramref name="a"/>.</param>
    /// <param name="path">The hardware path; <see cref="KernelPath.Auto"/> picks the widest accelerated one.</param>
    /// <param name="maxDegreeOfParallelism">The most cores to use; −1 for all, 1 for the calling thread only.
    /// Masks shorter than <see cref="ParallelThresholdWords"/> always run on the calling thread.</param>
    /// <returns>The intersection and union counts (exact integers, so the split does not change them).</returns>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegreeOfParallelism"/> is 0 or below −1.</exception>
    /// <exception cref="PlatformNotSupportedException">The forced path is not accelerated on this machine.</exception>
    public static MaskOverlap Overlap(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, KernelPath path, int maxDegreeOfParallelism)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"The masks must have the same number of words (got {a.Length} and {b.Length}).", nameof(b));
        }

        if (maxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "Use −1 for all cores or a positive count.");
        }

        var resolved = KernelPaths.Resolve(path);
        var cores = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : Math.Min(maxDegreeOfParallelism, Environment.ProcessorCount);
        if (cores <= 1 || a.Length < ParallelThresholdWords)
        {
            return Count(a, b, resolved);
        }

        return CountInParallel(a, b, resolved, cores);
    }

    /// <summary>The mask length in words (8 MiB per mask) from which <see cref="Overlap(ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, KernelPath, int)"/> splits the work across cores.</summary>
    public const int ParallelThresholdWords = 1 << 20;


    /// <summary>Kept apart from <see cref="Overlap(ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, KernelPath, int)"/> so that the closure it needs is not allocated on the one-thread path.</summary>
    private static unsafe MaskOverlap CountInParallel(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, KernelPath resolved, int cores)
    {
        // One core rarely saturates memory reads; a few chunks per core let an idle core take over a busy one's share.
        var chunks = cores * 4;
        var inter = new long[chunks];
        var union = new long[chunks];
        var length = a.Length;
        fixed (ulong* pa = a, pb = b)
        {
            nint addressA = (nint)pa, addressB = (nint)pb;
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = cores }, k =>
            {
                var start = (int)((long)length * k / chunks);
                var end = (int)((long)length * (k + 1) / chunks);
                var part = Count(
                    new ReadOnlySpan<ulong>((ulong*)addressA + start, end - start),
                    new ReadOnlySpan<ulong>((ulong*)addressB + start, end - start),
                    resolved);
                inter[k] = part.Intersection;
                union[k] = part.Union;
            });
        }

        return new MaskOverlap(inter.Sum(), union.Sum());
    }

    private static MaskOverlap Count(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, KernelPath resolved)
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        var i = 0;
        long inter = 0, union = 0;
        switch (resolved)
        {
            case KernelPath.Vector512:
                (inter, union) = Overlap512(ref ra, ref rb, a.Length, ref i);
                break;
            case KernelPath.Vector256:
                (inter, union) = Overlap256(ref ra, ref rb, a.Length, ref i);
                break;
            case KernelPath.Vector128:
                (inter, union) = Overlap128(ref ra, ref rb, a.Length, ref i);
                break;
        }

        for (; i < a.Length; i++)
        {
            inter += BitOperations.PopCount(a[i] & b[i]);
            union += BitOperations.PopCount(a[i] | b[i]);
        }

        return new MaskOverlap(inter, union);
    }

    /// <summary>Computes the intersection and union of two masks of the same size.</summary>
    /// <param name="a">The first mask.</param>
    /// <param name="b">The second mask.</param>
    /// <param name="path">The hardware path.</param>
    /// <returns>The counts, with <see cref="MaskOverlap.Iou"/> and <see cref="MaskOverlap.Dice"/>.</returns>
    /// <exception cref="ArgumentNullException">A mask is null.</exception>
    /// <exception cref="ArgumentException">The masks differ in size.</exception>
    public static MaskOverlap Overlap(BitMask a, BitMask b, KernelPath path = KernelPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Width != b.Width || a.Height != b.Height)
        {
            throw new ArgumentException($"The masks differ in size ({a.Width} × {a.Height} and {b.Width} × {b.Height}).", nameof(b));
        }

        return Overlap(a.Words, b.Words, path, maxDegreeOfParallelism: -1);
    }

    /// <summary>Counts the set bits.</summary>
    /// <param name="words">The mask words, represented as a span.</param>
    /// <param name="path">The hardware path.</param>
    /// <returns>The number of set bits.</returns>
    /// <exception cref="PlatformNotSupportedException">The forced path is not accelerated on this machine.</exception>
    public static long PopCount(ReadOnlySpan<ulong> words, KernelPath path = KernelPath.Auto) => Overlap(words, words, path).Intersection;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> SumBytes(Vector512<byte> counts)
    {
        var x = counts.AsUInt64();
        x = (x & Vector512.Create(0x00FF00FF00FF00FFUL)) + ((x >> 8) & Vector512.Create(0x00FF00FF00FF00FFUL));
        x = (x & Vector512.Create(0x0000FFFF0000FFFFUL)) + ((x >> 16) & Vector512.Create(0x0000FFFF0000FFFFUL));
        return (x & Vector512.Create(0x00000000FFFFFFFFUL)) + (x >> 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> CountBytes(Vector512<byte> x, Vector512<byte> table, Vector512<byte> low) =>
        Vector512.ShuffleNative(table, x & low) + Vector512.ShuffleNative(table, (x.AsUInt16() >> 4).AsByte() & low);

    private static (long Intersection, long Union) Overlap512(ref ulong a, ref ulong b, int length, ref int i)
    {
        const int Lanes = 8;
        var table = Vector512.Create(Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
        var low = Vector512.Create((byte)0x0F);
        Vector512<ulong> interTotal = default, unionTotal = default;
        while (i <= length - Lanes)
        {
            Vector512<byte> interBytes = default, unionBytes = default;
            for (var k = 0; k < FlushEvery && i <= length - Lanes; k++, i += Lanes)
            {
                var va = Vector512.LoadUnsafe(ref a, (nuint)i).AsByte();
                var vb = Vector512.LoadUnsafe(ref b, (nuint)i).AsByte();
                interBytes += CountBytes(va & vb, table, low);
                unionBytes += CountBytes(va | vb, table, low);
            }

            interTotal += SumBytes(interBytes);
            unionTotal += SumBytes(unionBytes);
        }

        return ((long)Vector512.Sum(interTotal), (long)Vector512.Sum(unionTotal));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> SumBytes(Vector256<byte> counts)
    {
        var x = counts.AsUInt64();
        x = (x & Vector256.Create(0x00FF00FF00FF00FFUL)) + ((x >> 8) & Vector256.Create(0x00FF00FF00FF00FFUL));
        x = (x & Vector256.Create(0x0000FFFF0000FFFFUL)) + ((x >> 16) & Vector256.Create(0x0000FFFF0000FFFFUL));
        return (x & Vector256.Create(0x00000000FFFFFFFFUL)) + (x >> 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> CountBytes(Vector256<byte> x, Vector256<byte> table, Vector256<byte> low) =>
        Vector256.ShuffleNative(table, x & low) + Vector256.ShuffleNative(table, (x.AsUInt16() >> 4).AsByte() & low);

    private static (long Intersection, long Union) Overlap256(ref ulong a, ref ulong b, int length, ref int i)
    {
        const int Lanes = 4;
        var table = Vector256.Create(Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
        var low = Vector256.Create((byte)0x0F);
        Vector256<ulong> interTotal = default, unionTotal = default;
        while (i <= length - Lanes)
        {
            Vector256<byte> interBytes = default, unionBytes = default;
            for (var k = 0; k < FlushEvery && i <= length - Lanes; k++, i += Lanes)
            {
                var va = Vector256.LoadUnsafe(ref a, (nuint)i).AsByte();
                var vb = Vector256.LoadUnsafe(ref b, (nuint)i).AsByte();
                interBytes += CountBytes(va & vb, table, low);
                unionBytes += CountBytes(va | vb, table, low);
            }

            interTotal += SumBytes(interBytes);
            unionTotal += SumBytes(unionBytes);
        }

        return ((long)Vector256.Sum(interTotal), (long)Vector256.Sum(unionTotal));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> SumBytes(Vector128<byte> counts)
    {
        var x = counts.AsUInt64();
        x = (x & Vector128.Create(0x00FF00FF00FF00FFUL)) + ((x >> 8) & Vector128.Create(0x00FF00FF00FF00FFUL));
        x = (x & Vector128.Create(0x0000FFFF0000FFFFUL)) + ((x >> 16) & Vector128.Create(0x0000FFFF0000FFFFUL));
        return (x & Vector128.Create(0x00000000FFFFFFFFUL)) + (x >> 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> CountBytes(Vector128<byte> x, Vector128<byte> table, Vector128<byte> low) =>
        Vector128.ShuffleNative(table, x & low) + Vector128.ShuffleNative(table, (x.AsUInt16() >> 4).AsByte() & low);

    private static (long Intersection, long Union) Overlap128(ref ulong a, ref ulong b, int length, ref int i)
    {
        const int Lanes = 2;
        var table = Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var low = Vector128.Create((byte)0x0F);
        Vector128<ulong> interTotal = default, unionTotal = default;
        while (i <= length - Lanes)
        {
            Vector128<byte> interBytes = default, unionBytes = default;
            for (var k = 0; k < FlushEvery && i <= length - Lanes; k++, i += Lanes)
            {
                var va = Vector128.LoadUnsafe(ref a, (nuint)i).AsByte();
                var vb = Vector128.LoadUnsafe(ref b, (nuint)i).AsByte();
                interBytes += CountBytes(va & vb, table, low);
                unionBytes += CountBytes(va | vb, table, low);
            }

            interTotal += SumBytes(interBytes);
            unionTotal += SumBytes(unionBytes);
        }

        return ((long)Vector128.Sum(interTotal), (long)Vector128.Sum(unionTotal));
    }
}
