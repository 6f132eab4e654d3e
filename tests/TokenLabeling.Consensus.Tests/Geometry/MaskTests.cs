// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Geometry;
using TokenLabeling.Consensus.Geometry.Kernels;

namespace TokenLabeling.Consensus.Tests.Geometry;

/// <summary>Bit masks: packing, rasterized boxes, hand-computed IoU and Dice, majority vote and EM aggregation.</summary>
public sealed class MaskTests
{
    private static BitMask Parse(params string[] rows) =>
        BitMask.FromPixels(rows.SelectMany(r => r.Select(c => c == '#' ? (byte)1 : (byte)0)).ToArray(), rows[0].Length, rows.Length);

    [Fact]
    public void FromPixels_PacksRowsLeastSignificantBitFirst_WithZeroPadding()
    {
        var mask = Parse("#..#", "..##");
        Assert.Equal(1, mask.WordsPerRow);
        Assert.Equal([0b1001UL, 0b1100UL], mask.Words.ToArray());
        Assert.True(mask[3, 1]);
        Assert.False(mask[0, 1]);
        Assert.Equal(4, mask.CountSet());
    }

    [Fact]
    public void Rows_WiderThanOneWord_StartOnNewWords()
    {
        var pixels = new byte[70 * 2];
        pixels[69] = 1;      // (69, 0): word 1, bit 5
        pixels[70 + 64] = 1; // (64, 1): word 3, bit 0
        var mask = BitMask.FromPixels(pixels, 70, 2);
        Assert.Equal([0UL, 1UL << 5, 0UL, 1UL], mask.Words.ToArray());
    }

    [Fact]
    public void FromBox_SetsPixelsWhoseCentresAreInside()
    {
        // Centres at x + 0.5: columns 1, 2, 3 lie in [1, 4); rows 1, 2 lie in [1, 3).
        var mask = BitMask.FromBox(new Box(1, 1, 4, 3), 5, 4);
        Assert.Equal(Parse(".....", ".###.", ".###.", ".....").Words.ToArray(), mask.Words.ToArray());
    }

    [Fact]
    public void IouAndDice_HandComputed()
    {
        var a = Parse("###.", "#...");   // 4 pixels
        var b = Parse(".##.", "##..");   // 4 pixels
        var overlap = MaskKernels.Overlap(a, b);
        Assert.Equal(new MaskOverlap(3, 5), overlap);   // both: (1,0) (2,0) (0,1); either: 5
        Assert.Equal(3.0 / 5, overlap.Iou, 12);
        Assert.Equal(6.0 / 8, overlap.Dice, 12);         // 2·3 / (4 + 4)
        Assert.Equal(0.0, MaskKernels.Overlap(Parse("...."), Parse("....")).Iou);
        Assert.Throws<ArgumentException>(() => MaskKernels.Overlap(Parse("##"), Parse("###")));
    }

    [Fact]
    public void MajorityVote_NeedsMoreThanHalf()
    {
        var result = SegmentationAggregation.MajorityVote([Parse("##.."), Parse("#.#."), Parse("#..#")]);
        Assert.Equal(Parse("#...").Words.ToArray(), result.Words.ToArray());
        var tie = SegmentationAggregation.MajorityVote([Parse("##"), Parse("#.")]);
        Assert.Equal(Parse("#.").Words.ToArray(), tie.Words.ToArray());
    }

    [Fact]
    public void MajorityVote_RejectsMasksOfDifferentSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => SegmentationAggregation.MajorityVote([Parse("##"), Parse("###")]));
        Assert.Contains("Mask 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Em_RecoversTruth_AndRatesWorkers()
    {
        // Truth: the left half of a 10 × 10 image. Workers 0..3 each flip one different pixel (99 of 100 right);
        // worker 4 draws the exact inverse (0 of 100 right).
        var truth = new byte[100];
        for (var i = 0; i < 100; i++)
        {
            truth[i] = (byte)(i % 10 < 5 ? 1 : 0);
        }

        var masks = new List<BitMask>();
        for (var w = 0; w < 4; w++)
        {
            var p = (byte[])truth.Clone();
            p[(w * 23) + 7] ^= 1;
            masks.Add(BitMask.FromPixels(p, 10, 10));
        }

        masks.Add(BitMask.FromPixels(truth.Select(t => (byte)(1 - t)).ToArray(), 10, 10));
        var result = SegmentationAggregation.Em(masks);
        Assert.True(result.Converged);
        Assert.Equal(BitMask.FromPixels(truth, 10, 10).Words.ToArray(), result.Mask.Words.ToArray());
        for (var w = 0; w < 4; w++)
        {
            Assert.Equal(0.99, result.Reliability[w], 3);
        }

        Assert.True(result.Reliability[4] < 1e-3);
        Assert.Equal(0.5, result.ForegroundPrior, 3);
    }

    [Fact]
    public void Em_HonoursCancellation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => SegmentationAggregation.Em([Parse("#.")], cancellationToken: cts.Token));
    }
}
