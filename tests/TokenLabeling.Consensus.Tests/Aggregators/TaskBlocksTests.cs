// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Aggregators;

namespace TokenLabeling.Consensus.Tests.Aggregators;

/// <summary>The shape-only splits that make results independent of the thread count.</summary>
public sealed class TaskBlocksTests
{
    [Fact]
    public void For_SplitsByLabels_UpToItsCaps()
    {
        // One label per task, 1,000,000 labels: 2^3 blocks of 65,536 labels or more (16 would need 1,048,576).
        var offsets = Enumerable.Range(0, 1_000_001).ToArray();
        var blocks = TaskBlocks.For(offsets, 1_000_000);
        Assert.Equal(8, blocks.Count);
        Assert.Equal([0, 125_000, 250_000, 375_000, 500_000, 625_000, 750_000, 875_000, 1_000_000], blocks.Starts);

        // A caller's cap (for example per-block tables larger than the labels) holds it lower.
        Assert.Equal([0, 500_000, 1_000_000], TaskBlocks.For(offsets, 1_000_000, maxBlocks: 2).Starts);
        Assert.Single(TaskBlocks.For(offsets, 1_000_000, maxBlocks: 1).Starts.Skip(1));
    }

    [Fact]
    public void Even_SplitsItemsIntoEqualRanges()
    {
        Assert.Equal([0, 333, 666, 1000], TaskBlocks.Even(1000, 3).Starts);
        Assert.Equal([0, 1, 2], TaskBlocks.Even(2, 8).Starts);
        Assert.Equal([0, 0], TaskBlocks.Even(0, 4).Starts);
    }
}
