// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.Intrinsics;
using TokenLabeling.Simulation.Randomness;

namespace TokenLabeling.Simulation.Tests.Randomness;

[Trait("Category", "Kernels")]
public class SplitMixBlockTests
{
    public static TheoryData<int> Paths()
    {
        var data = new TheoryData<int> { (int)SplitMixBlock.Path.Auto, (int)SplitMixBlock.Path.Scalar };
        if (Vector256.IsHardwareAccelerated)
        {
            data.Add((int)SplitMixBlock.Path.Vector256);
        }

        if (Vector512.IsHardwareAccelerated)
        {
            data.Add((int)SplitMixBlock.Path.Vector512);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void EveryPath_GivesTheStreamsOfSplitMixForIndex(int path)
    {
        foreach (var key in new[] { 0UL, 1UL, 0xDEADBEEFCAFEF00DUL, ulong.MaxValue })
        {
            foreach (var first in new[] { 0UL, 8UL, 999_992UL, ulong.MaxValue - 3 })
            {
                for (var draws = 0; draws <= 19; draws++)
                {
                    var starts = new ulong[SplitMixBlock.Lanes];
                    var block = new ulong[(SplitMixBlock.Lanes * draws) + 3];
                    SplitMixBlock.Fill(key, first, draws, starts, block, (SplitMixBlock.Path)path);
                    for (var lane = 0; lane < SplitMixBlock.Lanes; lane++)
                    {
                        var expected = SplitMix.ForIndex(key, first + (ulong)lane);
                        for (var j = 0; j < draws; j++)
                        {
                            Assert.Equal(expected.NextUInt64(), block[(j * SplitMixBlock.Lanes) + lane]);
                        }
                    }

                    Assert.Equal(new ulong[3], block[^3..]);
                }
            }
        }
    }

    [Fact]
    public void Cursor_ReadsTheBlockThenContinuesTheStream()
    {
        var starts = new ulong[SplitMixBlock.Lanes];
        var block = new ulong[SplitMixBlock.Lanes * 4];
        SplitMixBlock.Fill(42, 16, 4, starts, block);
        for (var lane = 0; lane < SplitMixBlock.Lanes; lane++)
        {
            var expected = SplitMix.ForIndex(42, 16 + (ulong)lane);
            var cursor = new DrawCursor(block, lane, 4, starts[lane]);
            var scalar = DrawCursor.Scalar(42, 16 + (ulong)lane);
            for (var j = 0; j < 11; j++)
            {
                var value = expected.NextUInt64();
                Assert.Equal(value, cursor.NextUInt64());
                Assert.Equal(value, scalar.NextUInt64());
            }
        }
    }

    [Fact]
    public void Fill_RejectsShortBuffers()
    {
        Assert.Throws<ArgumentException>(() => SplitMixBlock.Fill(1, 0, 3, new ulong[7], new ulong[24]));
        Assert.Throws<ArgumentException>(() => SplitMixBlock.Fill(1, 0, 3, new ulong[8], new ulong[23]));
        Assert.Throws<ArgumentException>(() => SplitMixBlock.Fill(1, 0, -1, new ulong[8], new ulong[8]));
    }
}
