// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Models;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Models;

public class RobustAggregationTests
{
    // Task 0: 1, 2, 3, 4, 100 (one outlier). Task 1: 10, 20. Task 2: no values.
    private static ContinuousAnnotationSet Ratings() => ContinuousAnnotationSet.FromIndices(
        [0, 1, 0, 0, 1, 0, 0],
        [0, 0, 1, 2, 1, 3, 4],
        [1, 10, 2, 3, 20, 4, 100],
        taskCount: 3);

    [Fact]
    public void MedianByHand()
    {
        var result = RobustAggregation.Median(Ratings());
        Assert.Equal(3.0, result.Estimates[0]);
        Assert.Equal(15.0, result.Estimates[1]);
        Assert.False(result.HasEstimate(2));
        Assert.True(double.IsNaN(result.Estimates[2]));
        Assert.Equal([5, 2, 0], result.Counts.ToArray());

        // Deviations of task 0 from 3: 2, 1, 0, 1, 97 -> median 1. Task 1: 5, 5 -> 5.
        Assert.Equal(1.0, result.Spreads[0]);
        Assert.Equal(5.0, result.Spreads[1]);

        // Worker 0: |1 - 3| and |10 - 15| -> 3.5. Worker 4: |100 - 3| = 97.
        Tolerance.Equal([3.5, 3, 0, 1, 97], result.WorkerErrors);
    }

    [Fact]
    public void TrimmedMeanByHand()
    {
        // 20% of 5 values: drop one at each end -> mean(2, 3, 4) = 3. Two values: 20% of 2 rounds down to 0 -> mean 15.
        var result = RobustAggregation.TrimmedMean(Ratings(), 0.2);
        Assert.Equal(3.0, result.Estimates[0]);
        Assert.Equal(15.0, result.Estimates[1]);
        Assert.Equal(22.0, RobustAggregation.TrimmedMean(Ratings(), 0).Estimates[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => RobustAggregation.TrimmedMean(Ratings(), 0.5));
    }

    [Fact]
    public void NonFiniteValuesAreRejectedWithTheirRow()
    {
        var error = Assert.Throws<ArgumentException>(() => ContinuousAnnotationSet.FromIndices([0, 0], [0, 1], [1.0, double.NaN]));
        Assert.Contains("Row 1", error.Message);
    }

    [Fact]
    public void OrdinalMedianTakesTheLowerMedianClass()
    {
        // Ratings 0..4. Task 0: 0, 4, 4 -> median 4 (majority 4 too). Task 1: 1, 2, 3, 4 -> lower median 2, although every
        // class got one vote. Task 2: 0, 0, 3, 4, 4 -> median 3, which the vote shares rank below 0 and 4.
        var set = AnnotationSet.FromIndices(
            [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2],
            [0, 1, 2, 0, 1, 2, 3, 0, 1, 2, 3, 4],
            [0, 4, 4, 1, 2, 3, 4, 0, 0, 3, 4, 4],
            new AnnotationSetOptions { ClassCount = 5 });
        var result = RobustAggregation.OrdinalMedian(set);
        Assert.Equal([4, 2, 3], result.Labels.ToArray());
        Tolerance.Equal([0.4, 0, 0, 0.2, 0.4], result.GetPosterior(2));

        var withGold = RobustAggregation.OrdinalMedian(set, new GoldLabels([-1, 1, -1], 5));
        Assert.Equal(1, withGold.Labels[1]);
        Assert.Equal([0.0, 1, 0, 0, 0], withGold.GetPosterior(1).ToArray());
    }
}
