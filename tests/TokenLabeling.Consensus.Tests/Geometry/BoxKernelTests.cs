// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Geometry;
using TokenLabeling.Consensus.Geometry.Kernels;
using TokenLabeling.Consensus.Kernels;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Geometry;

/// <summary>Every box kernel, on every path this machine runs, against the scalar reference, across lane-boundary lengths.</summary>
[Trait("Category", "Kernels")]
public sealed class BoxKernelTests
{
    public static TheoryData<KernelPath> Paths()
    {
        var data = new TheoryData<KernelPath> { KernelPath.Auto };
        foreach (var p in KernelPaths.Supported)
        {
            data.Add(p);
        }

        return data;
    }

    public static TheoryData<KernelPath, int> PathsAndLengths()
    {
        var data = new TheoryData<KernelPath, int>();
        foreach (var p in KernelPaths.Supported)
        {
            foreach (var n in TestLengths.Standard)
            {
                data.Add(p, n);
            }
        }

        return data;
    }

    /// <summary>Random boxes on a small grid so that many pairs overlap, touch, nest, coincide or are degenerate.</summary>
    internal static BoxSet RandomBoxes(int count, int seed)
    {
        var random = new Random(seed);
        var boxes = new Box[count];
        for (var i = 0; i < count; i++)
        {
            float x = random.Next(0, 40) * 0.5f, y = random.Next(0, 40) * 0.5f;
            float w = random.Next(0, 10) == 0 ? 0 : random.Next(1, 30) * 0.75f, h = random.Next(0, 10) == 0 ? 0 : random.Next(1, 30) * 0.75f;
            boxes[i] = new Box(x, y, x + w, y + h);
        }

        return BoxSet.FromBoxes(boxes);
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void IouMatrix_MatchesReference_AllLengths(KernelPath path, int m)
    {
        foreach (var n in new[] { 0, 1, 3, 17 })
        {
            var a = RandomBoxes(n, 1 + n);
            var b = RandomBoxes(m, 1000 + m);
            var expected = new float[n * m];
            var actual = new float[n * m];
            BoxKernelsReference.IouMatrix(a.Columns, b.Columns, expected);
            BoxKernels.IouMatrix(a.Columns, b.Columns, actual, path);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void GiouMatrix_MatchesReference_AllLengths(KernelPath path, int m)
    {
        foreach (var n in new[] { 1, 5 })
        {
            var a = RandomBoxes(n, 7 + n);
            var b = RandomBoxes(m, 2000 + m);
            var expected = new float[n * m];
            var actual = new float[n * m];
            BoxKernelsReference.GiouMatrix(a.Columns, b.Columns, expected);
            BoxKernels.GiouMatrix(a.Columns, b.Columns, actual, path);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void Pairwise_MatchesReference_AllLengths(KernelPath path, int n)
    {
        var a = RandomBoxes(n, 3 + n);
        var b = RandomBoxes(n, 3000 + n);
        var expected = new float[n];
        var actual = new float[n];
        BoxKernelsReference.Iou(a.Columns, b.Columns, expected);
        BoxKernels.Iou(a.Columns, b.Columns, actual, path);
        Assert.Equal(expected, actual);
        BoxKernelsReference.Giou(a.Columns, b.Columns, expected);
        BoxKernels.Giou(a.Columns, b.Columns, actual, path);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void IouMatrix_LargeEnoughToSplitAcrossCores_MatchesReference(KernelPath path)
    {
        // 613 × 611 > ParallelThreshold pairs, odd row length so every row ends in an overlapping last vector.
        var a = RandomBoxes(613, 11);
        var b = RandomBoxes(611, 12);
        Assert.True((long)a.Count * b.Count >= BoxKernels.ParallelThreshold);
        var expected = new float[a.Count * b.Count];
        var actual = new float[a.Count * b.Count];
        BoxKernelsReference.IouMatrix(a.Columns, b.Columns, expected);
        BoxKernels.IouMatrix(a.Columns, b.Columns, actual, path);
        Assert.Equal(expected, actual);
        BoxKernels.IouMatrix(a.Columns, b.Columns, actual, path, maxDegreeOfParallelism: 1);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void IouMatrix_StreamingStores_MatchReference(KernelPath path, int m)
    {
        // Threshold 0 forces the non-temporal-store rows (256/512-bit paths, rows of 32+); the row starts then fall on
        // every alignment as i·m varies.
        foreach (var n in new[] { 1, 7 })
        {
            var a = RandomBoxes(n, 40 + n);
            var b = RandomBoxes(m, 4000 + m);
            var expected = new float[(n * m) + 3];
            var actual = new float[(n * m) + 3];
            BoxKernelsReference.IouMatrix(a.Columns, b.Columns, expected);
            BoxKernels.IouMatrix(a.Columns, b.Columns, actual.AsSpan(3), path, 1, nonTemporalThresholdBytes: 0);
            Assert.Equal(expected[..(n * m)], actual[3..]);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void FourRowBlocks_WithAndWithoutStreamingStores_MatchReference(KernelPath path)
    {
        // Rows are done four at a time on the 256/512-bit paths: 9 rows = two blocks and one single row. Row lengths around the
        // vector widths and an offset destination put the four rows of a block at different alignments.
        foreach (var m in new[] { 8, 15, 16, 31, 32, 33, 47, 48, 63, 100, 257 })
        {
            var a = RandomBoxes(9, 50 + m);
            var b = RandomBoxes(m, 5000 + m);
            var expected = new float[(9 * m) + 5];
            var actual = new float[(9 * m) + 5];
            BoxKernelsReference.IouMatrix(a.Columns, b.Columns, expected);
            BoxKernels.IouMatrix(a.Columns, b.Columns, actual.AsSpan(5), path, 1, nonTemporalThresholdBytes: 0);
            Assert.Equal(expected[..(9 * m)], actual[5..]);
            Array.Clear(actual);
            BoxKernels.IouMatrix(a.Columns, b.Columns, actual.AsSpan(5), path, 1, nonTemporalThresholdBytes: long.MaxValue);
            Assert.Equal(expected[..(9 * m)], actual[5..]);
            BoxKernelsReference.GiouMatrix(a.Columns, b.Columns, expected);
            BoxKernels.GiouMatrix(a.Columns, b.Columns, actual.AsSpan(5), path, 1);
            Assert.Equal(expected[..(9 * m)], actual[5..]);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void IouMatrix_DoesNotWritePastNTimesM(KernelPath path)
    {
        var a = RandomBoxes(3, 1);
        var b = RandomBoxes(21, 2);
        var destination = new float[(3 * 21) + 5];
        destination.AsSpan().Fill(-7f);
        BoxKernels.IouMatrix(a.Columns, b.Columns, destination, path);
        Assert.All(destination[^5..], v => Assert.Equal(-7f, v));
        Assert.All(destination[..^5], v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void IouMatrix_ThrowsForShortDestination()
    {
        var a = RandomBoxes(3, 1);
        var b = RandomBoxes(4, 2);
        var ex = Assert.Throws<ArgumentException>(() => BoxKernels.IouMatrix(a.Columns, b.Columns, new float[11]));
        Assert.Contains("3 × 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IouMatrix_ThrowsForRaggedColumns()
    {
        var x = new float[3];
        Assert.Throws<ArgumentException>(() => BoxKernels.IouMatrix(new BoxColumns(x, x, x, new float[2]), new BoxColumns(x, x, x, x), new float[9]));
    }

    [Fact]
    public void IouMatrix_ThrowsForOverlappingDestination()
    {
        var buffer = new float[64];
        Assert.Throws<ArgumentException>(() =>
        {
            var cols = new BoxColumns(buffer.AsSpan(0, 4), buffer.AsSpan(4, 4), buffer.AsSpan(8, 4), buffer.AsSpan(12, 4));
            BoxKernels.IouMatrix(cols, cols, buffer.AsSpan(10, 16));
        });
    }

    [Fact]
    public void Pairwise_ThrowsForMismatchedLengths()
    {
        Assert.Throws<ArgumentException>(() => BoxKernels.Iou(RandomBoxes(3, 1).Columns, RandomBoxes(4, 1).Columns, new float[4]));
    }

    [Fact]
    public void IouMatrix_ThrowsForUnknownPath() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BoxKernels.IouMatrix(RandomBoxes(1, 1).Columns, RandomBoxes(1, 1).Columns, new float[1], (KernelPath)99));
}
