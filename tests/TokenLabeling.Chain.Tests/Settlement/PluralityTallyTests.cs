// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Chain.Settlement;

namespace TokenLabeling.Chain.Tests.Settlement;

public sealed class PluralityTallyTests
{
    [Fact]
    public void HandExample_CountsAcceptedItemsOnly()
    {
        // Item 0: 1, 1, 0 -> label 1 with 2 of 3 (>= 50%). Item 1: 0, 0, hidden -> label 0 with 2 of 3.
        // Item 2: 0, 1 -> tie, flagged. Item 3: nobody revealed (one hidden) -> flagged.
        IReadOnlyList<ItemVote>[] items =
        [
            [new(0, 1), new(1, 1), new(2, 0)],
            [new(0, 0), new(1, 0), new(2, null)],
            [new(0, 0), new(1, 1)],
            [new(2, null)],
        ];
        var r = PluralityTally.Tally(3, items, 5000);
        Assert.Equal(new int?[] { 1, 0, null, null }, r.AcceptedLabel);
        Assert.Equal(new WorkerCounts(2, 2, 2, 1), r.Workers[0]);
        Assert.Equal(new WorkerCounts(2, 2, 2, 1), r.Workers[1]);
        Assert.Equal(new WorkerCounts(2, 1, 0, 1), r.Workers[2]);
    }

    [Theory]
    [InlineData(6666, true)]  // 2 of 3 = 6666.67 bps >= 6666
    [InlineData(6667, false)] // 2 * 10000 < 6667 * 3
    public void Threshold_CountsUnrevealedLabelsInTheDenominator(int threshold, bool accepted)
    {
        IReadOnlyList<ItemVote>[] items = [[new(0, 1), new(1, 1), new(2, null)]];
        Assert.Equal(accepted, PluralityTally.Tally(3, items, threshold).AcceptedLabel[0] is not null);
    }

    [Fact]
    public void Tally_ValidatesWorkersAndThreshold()
    {
        var e = Assert.Throws<ArgumentException>(() => PluralityTally.Tally(1, [[new ItemVote(1, 0)]], 0));
        Assert.Contains("Item 0", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => PluralityTally.Tally(1, [], 10_001));
    }
}
