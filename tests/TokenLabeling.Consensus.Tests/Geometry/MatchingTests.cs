// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Geometry;

namespace TokenLabeling.Consensus.Tests.Geometry;

/// <summary>Linear assignment against hand-solved cases and brute force; box matching and consensus on hand-computed images.</summary>
public sealed class MatchingTests
{
    [Fact]
    public void LinearAssignment_HandSolved3x3()
    {
        // Rows pick columns 1, 0, 2: 1 + 2 + 2 = 5; every other permutation costs more (e.g. 0,1,2: 4 + 0 + 2 = 6).
        double[] cost = [4, 1, 3, 2, 0, 5, 3, 2, 2];
        var assignment = new int[3];
        Assert.Equal(5, LinearAssignment.Solve(cost, 3, 3, assignment));
        Assert.Equal([1, 0, 2], assignment);
    }

    [Fact]
    public void LinearAssignment_MoreRowsThanColumns_LeavesTheCostliestRowOut()
    {
        double[] cost = [9, 9, 1, 5, 5, 1];   // 3 rows × 2 columns
        var assignment = new int[3];
        Assert.Equal(2, LinearAssignment.Solve(cost, 3, 2, assignment));
        Assert.Equal([-1, 0, 1], assignment);
    }

    [Fact]
    public void LinearAssignment_MatchesBruteForce_OnRandomMatrices()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 300; trial++)
        {
            int rows = random.Next(1, 6), cols = random.Next(1, 6);
            var cost = Enumerable.Range(0, rows * cols).Select(_ => (double)random.Next(0, 20)).ToArray();
            var assignment = new int[rows];
            var total = LinearAssignment.Solve(cost, rows, cols, assignment);
            Assert.Equal(BruteForce(cost, rows, cols, 0, new bool[cols], Math.Min(rows, cols)), total, 9);
            Assert.Equal(Math.Min(rows, cols), assignment.Count(c => c >= 0));
            Assert.Equal(assignment.Count(c => c >= 0), assignment.Where(c => c >= 0).Distinct().Count());
        }
    }

    private static double BruteForce(double[] cost, int rows, int cols, int row, bool[] used, int stillToAssign)
    {
        if (stillToAssign == 0)
        {
            return 0;
        }

        if (rows - row < stillToAssign)
        {
            return double.PositiveInfinity;
        }

        var best = BruteForce(cost, rows, cols, row + 1, used, stillToAssign); // leave this row out
        for (var c = 0; c < cols; c++)
        {
            if (!used[c])
            {
                used[c] = true;
                best = Math.Min(best, cost[(row * cols) + c] + BruteForce(cost, rows, cols, row + 1, used, stillToAssign - 1));
                used[c] = false;
            }
        }

        return best;
    }

    [Fact]
    public void BoxMatching_PrefersMoreMatchesOverOneHighIou()
    {
        // Greedy by IoU would pair a0–b0 (IoU 0.9) and leave a1 alone; the optimal assignment makes two matches.
        var a = BoxSet.FromInterleaved([0, 0, 10, 10, 4, 0, 14, 10]);
        var b = BoxSet.FromInterleaved([1, 0, 11, 10, -3, 0, 7, 10]);
        // IoU a0–b0 = 90/110, a0–b1 = 70/130, a1–b0 = 70/130, a1–b1 = 30/170 (< 0.5).
        var matches = BoxMatching.Match(a, b, 0.5f);
        Assert.Equal(2, matches.Count);
        Assert.Equal(new BoxMatch(0, 1, 70f / 130), matches[0]);
        Assert.Equal(new BoxMatch(1, 0, 70f / 130), matches[1]);
    }

    [Fact]
    public void BoxMatching_RespectsThresholdAndCategories()
    {
        var a = BoxSet.FromInterleaved([0, 0, 10, 10]);
        var b = BoxSet.FromInterleaved([0, 0, 10, 12]);   // IoU 100/120
        Assert.Single(BoxMatching.Match(a, b, 0.8f));
        Assert.Empty(BoxMatching.Match(a, b, 0.9f));
        Assert.Empty(BoxMatching.Match(a, b, 0.5f, [1], [2]));
        Assert.Throws<ArgumentException>(() => BoxMatching.Match(a, b, 0f));
    }

    private static List<AnnotatedBox> ThreeAnnotators() =>
    [
        new("a", new Box(0, 0, 10, 10)),
        new("a", new Box(20, 20, 30, 30)),
        new("b", new Box(1, 1, 11, 11)),
        new("b", new Box(20, 20, 30, 32)),
        new("c", new Box(0, 0, 10, 12)),
        new("c", new Box(50, 50, 60, 60)),   // c misses the second object and draws a box nobody else drew
    ];

    [Fact]
    public void Consensus_HandComputed()
    {
        var result = BoxConsensus.Compute(ThreeAnnotators());
        Assert.Equal(2, result.MinAnnotators);   // strict majority of 3
        Assert.Equal(2, result.Boxes.Count);

        // Object 1: mean of (0,0,10,10), (1,1,11,11), (0,0,10,12).
        var first = result.Boxes[0];
        Assert.Equal(3, first.Support);
        Assert.Equal(1f / 3, first.Box.X1, 5);
        Assert.Equal(1f / 3, first.Box.Y1, 5);
        Assert.Equal(31f / 3, first.Box.X2, 5);
        Assert.Equal(11f, first.Box.Y2, 5);
        Assert.Equal([0, 2, 4], first.Members);

        // Object 2: mean of (20,20,30,30) and (20,20,30,32).
        Assert.Equal(new Box(20, 20, 30, 31), result.Boxes[1].Box);
        Assert.Equal(2, result.Boxes[1].Support);

        Assert.Equal(["a", "b", "c"], result.Annotators.Select(s => s.Annotator));
        Assert.Equal([1.0, 1.0, 0.5], result.Annotators.Select(s => s.Precision));
        Assert.Equal([1.0, 1.0, 0.5], result.Annotators.Select(s => s.Recall));

        // Pairwise F1: (a,b) 2·2/4 = 1; (a,c) 2·1/4; (b,c) 2·1/4 → mean 2/3.
        Assert.Equal(2.0 / 3, result.Agreement!.Value, 12);
    }

    [Fact]
    public void Consensus_DoesNotDependOnInputOrder()
    {
        var boxes = ThreeAnnotators();
        var reversed = Enumerable.Reverse(boxes).ToList();
        var x = BoxConsensus.Compute(boxes);
        var y = BoxConsensus.Compute(reversed);
        Assert.Equal(x.Boxes.Select(b => b.Box), y.Boxes.Select(b => b.Box));
        Assert.Equal(x.Agreement, y.Agreement);
    }

    [Fact]
    public void Consensus_MinAnnotatorsAndSilentAnnotators()
    {
        var all = BoxConsensus.Compute(ThreeAnnotators(), new BoxConsensusOptions { MinAnnotators = 3 });
        Assert.Single(all.Boxes);

        // A fourth annotator who drew nothing raises the majority to 3 and scores precision 1, recall 0.
        var withSilent = BoxConsensus.Compute(ThreeAnnotators(), annotators: ["d"]);
        Assert.Equal(3, withSilent.MinAnnotators);
        Assert.Single(withSilent.Boxes);
        var d = withSilent.Annotators.Single(s => s.Annotator == "d");
        Assert.Equal((0, 1.0, 0.0), (d.Boxes, d.Precision, d.Recall));
    }

    [Fact]
    public void Consensus_CategoriesNeverMix()
    {
        var result = BoxConsensus.Compute(
        [
            new("a", new Box(0, 0, 10, 10), Category: 1),
            new("b", new Box(0, 0, 10, 10), Category: 2),
        ]);
        Assert.Empty(result.Boxes);
        Assert.Equal(0.0, result.Agreement);
    }

    [Fact]
    public void Fuse_Median_AndConfidenceWeighted_HandComputed()
    {
        var median = BoxConsensus.Fuse(
            [new("a", new Box(0, 0, 10, 10)), new("b", new Box(1, 2, 11, 12)), new("c", new Box(10, 0, 30, 10))],
            BoxFusion.Median);
        Assert.Equal(new Box(1, 0, 11, 10), median);

        var weighted = BoxConsensus.Fuse(
            [new("a", new Box(0, 0, 10, 10), Confidence: 1), new("b", new Box(2, 2, 12, 12), Confidence: 3)],
            BoxFusion.ConfidenceWeighted);
        Assert.Equal(new Box(1.5f, 1.5f, 11.5f, 11.5f), weighted);
    }

    [Fact]
    public void Consensus_RejectsBadInput_NamingTheBox()
    {
        var ex = Assert.Throws<ArgumentException>(() => BoxConsensus.Compute([new("a", new Box(0, 0, 1, 1)), new("b", new Box(0, 0, 1, 1), Confidence: 0)]));
        Assert.Contains("Box 1", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BoxConsensus.Compute([], new BoxConsensusOptions { IouThreshold = 1.5f }));
    }
}
