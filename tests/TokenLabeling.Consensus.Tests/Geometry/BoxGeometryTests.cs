// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using FsCheck.Xunit;
using TokenLabeling.Consensus.Geometry;
using TokenLabeling.Consensus.Geometry.Kernels;
using TokenLabeling.Consensus.Kernels;

namespace TokenLabeling.Consensus.Tests.Geometry;

/// <summary>Hand-computed IoU and GIoU values, box format conversions, and invariants checked by FsCheck.</summary>
public sealed class BoxGeometryTests
{
    [Theory]
    //        a (x1, y1, x2, y2)   b (x1, y1, x2, y2)      IoU by hand
    [InlineData(0, 0, 2, 2, 1, 1, 3, 3, 1.0 / 7)]          // inter 1, union 4 + 4 − 1 = 7
    [InlineData(0, 0, 4, 4, 1, 1, 3, 3, 4.0 / 16)]         // nested: inter 4, union 16
    [InlineData(0, 0, 1, 1, 1, 0, 2, 1, 0.0)]              // touching edges: no area in common
    [InlineData(0, 0, 1, 1, 5, 5, 6, 6, 0.0)]              // disjoint
    [InlineData(0, 0, 10, 10, 0, 0, 10, 12, 100.0 / 120)]  // inter 100, union 100 + 120 − 100
    [InlineData(1, 1, 1, 1, 1, 1, 1, 1, 0.0)]              // degenerate point against itself: 0, not NaN
    [InlineData(0, 0, 0, 5, 0, 0, 4, 5, 0.0)]              // zero-width box
    public void Iou_HandComputed(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2, double expected)
    {
        var a = new Box(ax1, ay1, ax2, ay2);
        var b = new Box(bx1, by1, bx2, by2);
        Assert.Equal(expected, BoxKernels.Iou(a, b), 6);
        Assert.Equal(expected, BoxKernels.Iou(b, a), 6);
        foreach (var path in KernelPaths.Supported)
        {
            var matrix = new float[1];
            BoxKernels.IouMatrix(BoxSet.FromBoxes([a]).Columns, BoxSet.FromBoxes([b]).Columns, matrix, path);
            Assert.Equal(expected, matrix[0], 6);
        }
    }

    [Theory]
    [InlineData(0, 0, 2, 2, 1, 1, 3, 3, -5.0 / 63)]       // 1/7 − (9 − 7)/9
    [InlineData(0, 0, 1, 1, 2, 0, 3, 1, -1.0 / 3)]        // IoU 0, C = 3, union 2: 0 − 1/3
    [InlineData(0, 0, 2, 2, 0, 0, 2, 2, 1.0)]             // identical
    [InlineData(0, 0, 4, 4, 1, 1, 3, 3, 0.25)]            // nested: C = union, no penalty
    [InlineData(1, 1, 1, 1, 1, 1, 1, 1, 0.0)]             // C = 0: penalty taken as 0
    [InlineData(0, 0, 0, 0, 3, 4, 3, 4, -1.0)]            // two points: IoU 0, union 0, C = 12 → −1
    public void Giou_HandComputed(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2, double expected)
    {
        var a = new Box(ax1, ay1, ax2, ay2);
        var b = new Box(bx1, by1, bx2, by2);
        Assert.Equal(expected, BoxKernels.Giou(a, b), 6);
        Assert.Equal(expected, BoxKernels.GiouMatrix(BoxSet.FromBoxes([a]), BoxSet.FromBoxes([b]))[0], 6);
    }

    [Fact]
    public void IouMatrix_IsRowMajor()
    {
        var a = BoxSet.FromInterleaved([0, 0, 2, 2, 10, 10, 12, 12]);
        var b = BoxSet.FromInterleaved([1, 1, 3, 3, 0, 0, 2, 2, 10, 10, 12, 12]);
        var m = BoxKernels.IouMatrix(a, b);
        Assert.Equal([1f / 7, 1f, 0f, 0f, 0f, 1f], m);
    }

    [Fact]
    public void Formats_RoundTrip_HandComputed()
    {
        var set = BoxSet.FromInterleaved([10, 20, 30, 60], BoxFormat.Xywh);
        Assert.Equal(new Box(10, 20, 40, 80), set[0]);
        var cxcywh = new float[4];
        set.CopyTo(cxcywh, BoxFormat.Cxcywh);
        Assert.Equal([25f, 50f, 30f, 60f], cxcywh);
        Assert.Equal(set[0], BoxSet.FromInterleaved(cxcywh, BoxFormat.Cxcywh)[0]);

        var normalized = new float[4];
        set.CopyToNormalized(normalized, BoxFormat.Xyxy, 100, 200);
        Assert.Equal([0.1f, 0.1f, 0.4f, 0.4f], normalized);
        Assert.Equal(set[0], BoxSet.FromNormalized(normalized, BoxFormat.Xyxy, 100, 200)[0]);
    }

    [Fact]
    public void BoxSet_RejectsInvalidBoxes_NamingTheIndex()
    {
        var inverted = Assert.Throws<ArgumentException>(() => BoxSet.FromInterleaved([0, 0, 1, 1, 5, 0, 4, 1]));
        Assert.Contains("Box 1", inverted.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BoxSet.FromInterleaved([0, 0, float.NaN, 1]));
        Assert.Throws<ArgumentException>(() => BoxSet.FromInterleaved([0, 0, 1e30f, 1]));
        Assert.Throws<ArgumentException>(() => BoxSet.FromInterleaved([0, 0, -1, 1], BoxFormat.Xywh));
        Assert.Throws<ArgumentException>(() => BoxSet.FromInterleaved([0, 0, 1]));
    }

    private static Box MakeBox(short x, short y, byte w, byte h) => new(x * 0.25f, y * 0.25f, (x * 0.25f) + (w * 0.5f), (y * 0.25f) + (h * 0.5f));

    [Property(MaxTest = 500)]
    public bool Iou_IsSymmetric_InUnitInterval_AndMatchesEveryPath(short ax, short ay, byte aw, byte ah, short bx, short by, byte bw, byte bh)
    {
        var a = MakeBox(ax, ay, aw, ah);
        var b = MakeBox(bx, by, bw, bh);
        var ab = BoxKernels.Iou(a, b);
        var ba = BoxKernels.Iou(b, a);
        var ok = ab == ba && ab >= 0f && ab <= 1f && !float.IsNaN(ab);
        var matrix = new float[2];
        foreach (var path in KernelPaths.Supported)
        {
            BoxKernels.IouMatrix(BoxSet.FromBoxes([a]).Columns, BoxSet.FromBoxes([b, a]).Columns, matrix, path);
            ok &= matrix[0] == ab;
        }

        return ok;
    }

    [Property(MaxTest = 300)]
    public bool Iou_OfABoxWithItself_IsOne_UnlessDegenerate(short x, short y, byte w, byte h)
    {
        var a = MakeBox(x, y, w, h);
        var iou = BoxKernels.Iou(a, a);
        return a.Area > 0 ? iou == 1f : iou == 0f;
    }

    [Property(MaxTest = 300)]
    public bool Iou_WithADegenerateBox_IsZero(short x, short y, byte w, short bx, short by, byte bw, byte bh)
    {
        var line = MakeBox(x, y, w, 0);
        var other = MakeBox(bx, by, bw, bh);
        var giou = BoxKernels.Giou(line, other);
        return BoxKernels.Iou(line, other) == 0f && BoxKernels.Iou(other, line) == 0f && !float.IsNaN(giou) && giou >= -1f && giou <= 0f;
    }

    [Property(MaxTest = 300)]
    public bool Giou_IsAtMostIou_AndAtLeastMinusOne(short ax, short ay, byte aw, byte ah, short bx, short by, byte bw, byte bh)
    {
        var a = MakeBox(ax, ay, aw, ah);
        var b = MakeBox(bx, by, bw, bh);
        var giou = BoxKernels.Giou(a, b);
        return giou <= BoxKernels.Iou(a, b) + 1e-6f && giou >= -1f - 1e-6f;
    }
}
