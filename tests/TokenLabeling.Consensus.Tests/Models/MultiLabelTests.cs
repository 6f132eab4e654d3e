// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Models;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Models;

public class MultiLabelTests
{
    // Two tasks, three workers, labels {0: cat, 1: dog, 2: outdoor}.
    //   task 0: w0 {cat, outdoor}, w1 {cat}, w2 {cat, outdoor}   -> cat 3/3, dog 0/3, outdoor 2/3
    //   task 1: w0 {dog}, w1 {dog, outdoor}, w2 {}                -> cat 0/3, dog 2/3, outdoor 1/3
    private static MultiLabelSet Small() => MultiLabelSet.FromIndices(
        [0, 0, 0, 1, 1, 1],
        [0, 1, 2, 0, 1, 2],
        [0b101, 0b001, 0b101, 0b010, 0b110, 0b000],
        labelCount: 3);

    [Fact]
    public void BinaryRelevanceWithWawaByHand()
    {
        var result = new MultiLabel(new Wawa()).Aggregate(Small());

        // Per label, the majority is the decision here, and an empty answer counts as "no" for every label.
        Assert.Equal([0b101UL, 0b010UL], result.Selections.ToArray());
        Assert.Equal(3, result.LabelCount);
        Assert.Equal(1.0, result.Probabilities[0]);

        // Outdoor: majority (1, 0); agreement w0 2/2, w1 0/2 (it said no on task 0, yes on task 1), w2 2/2.
        // Task 0: yes = 1 + 1 = 2, no = 0 -> P(yes) = 1. Task 1: yes = 0 (w1), no = 1 + 1 -> P(yes) = 0.
        Tolerance.Equal([0, 1, 1, 0], result.GetLabelResult(2).Posteriors);
        Tolerance.Equal([1.0, 0.0, 1.0], result.GetLabelResult(2).WorkerSkills);
    }

    [Fact]
    public void GoldSelectionsAreClampedPerLabel()
    {
        var result = new MultiLabel(new Mace()).Aggregate(Small(), [0b011UL, null]);
        Assert.Equal(0b011UL, result.Selections[0]);
        Assert.Throws<ArgumentException>(() => new MultiLabel(new Mace()).Aggregate(Small(), [0b1000UL, null]));
        Assert.Throws<ArgumentException>(() => new MultiLabel(new Mace()).Aggregate(Small(), [null]));
    }

    [Fact]
    public void BadRowsAreNamed()
    {
        var error = Assert.Throws<ArgumentException>(() => MultiLabelSet.FromIndices([0, 0], [0, 1], [0b1, 0b1000], labelCount: 3));
        Assert.Contains("Row 1", error.Message);
        Assert.Throws<ArgumentException>(() => MultiLabelSet.FromIndices([0], [-1], [0b1], labelCount: 3));
    }

    [Fact]
    public void ProgressReportsEachLabel()
    {
        var reports = new List<AggregationProgress>();
        new MultiLabel(new Wawa()).Aggregate(Small(), progress: new SynchronousProgress(reports.Add));
        Assert.Equal([1, 2, 3], reports.Select(r => r.Iteration));
        Assert.All(reports, r => Assert.Equal(3, r.MaxIterations));
    }

    private sealed class SynchronousProgress(Action<AggregationProgress> report) : IProgress<AggregationProgress>
    {
        public void Report(AggregationProgress value) => report(value);
    }
}
