// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Kernels;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Kernels;

/// <summary>The grouped one-task-per-register pass and its table helpers against the scalar reference of the fused step.</summary>
[Trait("Category", "Kernels")]
public sealed class DawidSkeneGroupedStepTests
{
    public static TheoryData<KernelPath, int, bool> OneRegisterPathsAndLayouts()
    {
        var data = new TheoryData<KernelPath, int, bool>();
        foreach (var (path, k) in ConsensusKernelsTests.OneRegisterPaths().Select(row => ((KernelPath)row[0], (int)row[1])))
        {
            data.Add(path, k, true);
            data.Add(path, k, false);
        }

        return data;
    }

    [Fact]
    public void Groups_HandComputedLayout()
    {
        // Tasks with 2, 0, 1, 2, 9 and 1 labels; task 5 has gold. Rows are code * stride with stride 10.
        int[] codes = [3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        int[] offsets = [0, 2, 2, 3, 5, 14, 15];
        int[] gold = [-1, -1, -1, -1, -1, 1];
        var groups = LabelCountGroups.Create(codes, offsets, gold, 10);

        // Group 1: task 2 (code 5). Group 2: tasks 0 (3, 4) and 3 (6, 7). Then the others: task 1 (none), task 4 (nine), task 5 (gold).
        Assert.Equal([50, 30, 40, 60, 70, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90], groups.RowOffsets);
        Assert.Equal([0, 1, 5, 5, 5, 5, 5, 5, 5], groups.GroupEnds);
        Assert.Equal([5, 5, 14, 15], groups.OtherOffsets);
        Assert.Equal(3, groups.OtherCount);
        Assert.Equal([-1, -1, 1], groups.OtherGold);
    }

    [Fact]
    public void Groups_OfABlock_UseAbsoluteLabelOffsets()
    {
        // A block starting at task 1 of a set: its offsets slice starts at label 2.
        int[] codes = [9, 9, 1, 2, 3];
        int[] offsets = [0, 2, 3, 5];
        var groups = LabelCountGroups.Create(codes, offsets.AsSpan(1), default, 4);
        Assert.Equal([4, 8, 12], groups.RowOffsets);
        Assert.Equal([0, 1, 3, 3, 3, 3, 3, 3, 3], groups.GroupEnds);
        Assert.Equal(0, groups.OtherCount);
    }

    [Theory]
    [MemberData(nameof(OneRegisterPathsAndLayouts))]
    public void GroupedStep_MatchesScalar(KernelPath resolved, int k, bool interleaved)
    {
        if (resolved == KernelPath.Scalar)
        {
            // No vector path here: the aggregators cannot take the grouped form, and the kernel refuses it.
            Assert.Throws<ArgumentOutOfRangeException>(() =>
                ConsensusKernels.DawidSkeneGroupedStep(LabelCountGroups.Create([], [0], default, 2), new double[4], 2, new double[2], new double[2], KernelPath.Scalar));
            return;
        }

        // 0..12 labels per task (every unrolled count, and the general loop on both sides of it), a few 60-label tasks, gold tasks,
        // and rows down to 1e-25, so that some 8-label tasks and all long ones leave the linear range and take the log-space route.
        var rng = new Random((k * 31) + (interleaved ? 1 : 0));
        const int Tasks = 400;
        const int Rows = 7;
        var offsets = new int[Tasks + 1];
        var codes = new List<int>();
        for (var t = 0; t < Tasks; t++)
        {
            var n = t % 37 == 5 ? 60 : t % 13;
            for (var i = 0; i < n; i++)
            {
                codes.Add(rng.Next(Rows * k));
            }

            offsets[t + 1] = codes.Count;
        }

        var logRows = Enumerable.Range(0, Rows * k * k).Select(i => i % 11 == 0 ? -57.6 + rng.NextDouble() : -rng.NextDouble() * 9).ToArray();
        var logPriors = Enumerable.Range(0, k).Select(_ => Math.Log(rng.NextDouble() + 0.1)).ToArray();
        var gold = Enumerable.Range(0, Tasks).Select(t => t % 7 == 3 ? rng.Next(k) : -1).ToArray();
        var expectedStats = new double[logRows.Length];
        var expectedPrior = new double[k];
        var expectedLl = ConsensusKernels.DawidSkeneStep(codes.ToArray(), offsets, logRows, logPriors, gold, k, default, expectedStats, expectedPrior, KernelPath.Scalar);

        // Interleaved: row r at 2Kr, its statistics at 2Kr + K. Separate: rows first, then the statistics.
        var stride = interleaved ? 2 * k : k;
        var statisticsOffset = interleaved ? k : logRows.Length;
        var table = new double[2 * logRows.Length];
        for (var r = 0; r < Rows * k; r++)
        {
            for (var c = 0; c < k; c++)
            {
                table[(r * stride) + c] = Math.Exp(logRows[(r * k) + c]);
            }
        }

        var groups = LabelCountGroups.Create(codes.ToArray(), offsets, gold, stride);
        var actualPrior = new double[k];
        var actualLl = ConsensusKernels.DawidSkeneGroupedStep(groups, table, statisticsOffset, logPriors, actualPrior, resolved);
        var actualStats = new double[logRows.Length];
        for (var r = 0; r < Rows * k; r++)
        {
            for (var c = 0; c < k; c++)
            {
                actualStats[(r * k) + c] = table[(r * stride) + statisticsOffset + c];
            }
        }

        Tolerance.Equal(expectedLl, actualLl, 1e-12, 1e-9, "log-likelihood");
        Tolerance.Equal(expectedStats, actualStats, 1e-9, 1e-12);
        Tolerance.Equal(expectedPrior, actualPrior, 1e-9, 1e-12);
        Assert.DoesNotContain(actualStats, double.IsNaN);
    }

    [Theory]
    [MemberData(nameof(ConsensusKernelsTests.OneRegisterPaths), MemberType = typeof(ConsensusKernelsTests))]
    public void InterleaveAndGatherStatistics_RoundTrip(KernelPath resolved, int k)
    {
        if (resolved == KernelPath.Scalar)
        {
            k = 3; // no vector path here: the scalar form of the helpers
        }

        const int Rows = 5;
        var linear = Enumerable.Range(0, Rows * k).Select(i => i + 0.5).ToArray();
        var table = Enumerable.Repeat(-1.0, 2 * Rows * k).ToArray();
        ConsensusKernels.InterleaveRows(linear, table, k, resolved);
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < k; c++)
            {
                Assert.Equal(linear[(r * k) + c], table[(2 * r * k) + c]);
                Assert.Equal(0, table[(2 * r * k) + k + c]);
                table[(2 * r * k) + k + c] = (100 * r) + c; // statistics as the pass would leave them
            }
        }

        var stats = Enumerable.Repeat(7.0, Rows * k).ToArray();
        ConsensusKernels.AddInterleavedStatistics(table, stats, k, overwrite: false, resolved);
        Assert.Equal(Enumerable.Range(0, Rows * k).Select(i => 7.0 + (100 * (i / k)) + (i % k)), stats);
        ConsensusKernels.AddInterleavedStatistics(table, stats, k, overwrite: true, resolved);
        Assert.Equal(Enumerable.Range(0, Rows * k).Select(i => (100.0 * (i / k)) + (i % k)), stats);
    }
}
