// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Kernels;

/// <summary>
/// The tasks of one block rearranged for <see cref="ConsensusKernels.DawidSkeneGroupedStep"/>: tasks without gold that have 1 to
/// <see cref="MaxUnrolled"/> labels are grouped by label count, so that each group is a dense matrix of row offsets with no per-task
/// offsets and its kernel can be unrolled for that count; every other task (gold, no labels, more labels) keeps CSR offsets.
/// </summary>
/// <remarks>Built once per aggregation; the order inside each group is the task order, so a block's results depend only on the data.</remarks>
internal sealed class LabelCountGroups
{
    /// <summary>The largest label count with its own unrolled kernel.</summary>
    public const int MaxUnrolled = 8;

    private LabelCountGroups(int[] rowOffsets, int[] groupEnds, int[] otherOffsets, int[] otherGold)
    {
        RowOffsets = rowOffsets;
        GroupEnds = groupEnds;
        OtherOffsets = otherOffsets;
        OtherGold = otherGold;
    }

    /// <summary>Gets, per label, the element offset of its row in the table: the grouped labels (group 1, then 2, ...) and then the other tasks' labels.</summary>
    public int[] RowOffsets { get; }

    /// <summary>Gets, for n = 0..<see cref="MaxUnrolled"/>, the end in <see cref="RowOffsets"/> of the group of tasks with n labels (group 0 is empty; group n starts at <c>GroupEnds[n - 1]</c>).</summary>
    public int[] GroupEnds { get; }

    /// <summary>Gets the CSR offsets of the other tasks into <see cref="RowOffsets"/> (the first is <c>GroupEnds[MaxUnrolled]</c>).</summary>
    public int[] OtherOffsets { get; }

    /// <summary>Gets how many tasks are not in a group.</summary>
    public int OtherCount => OtherGold.Length;

    /// <summary>Gets the gold class of each other task, or -1.</summary>
    public int[] OtherGold { get; }

    /// <summary>Groups the tasks of a block.</summary>
    /// <param name="rowIndices">Per label of the whole set, the index of its row (for Dawid-Skene <c>worker * K + label</c>).</param>
    /// <param name="taskOffsets">The block's CSR offsets into <paramref name="rowIndices"/> (absolute), length = block tasks + 1.</param>
    /// <param name="gold">Empty, or the block's gold classes (-1 for none).</param>
    /// <param name="rowStride">The distance between consecutive rows in the table, in elements.</param>
    public static LabelCountGroups Create(ReadOnlySpan<int> rowIndices, ReadOnlySpan<int> taskOffsets, ReadOnlySpan<int> gold, int rowStride)
    {
        var taskCount = taskOffsets.Length - 1;
        Span<int> tasksWithCount = stackalloc int[MaxUnrolled + 1];
        var otherTaskCount = 0;
        for (var t = 0; t < taskCount; t++)
        {
            var n = taskOffsets[t + 1] - taskOffsets[t];
            if (IsGrouped(n, gold, t))
            {
                tasksWithCount[n]++;
            }
            else
            {
                otherTaskCount++;
            }
        }

        var groupEnds = new int[MaxUnrolled + 1];
        for (var n = 1; n <= MaxUnrolled; n++)
        {
            groupEnds[n] = groupEnds[n - 1] + (n * tasksWithCount[n]);
        }

        var labelCount = taskOffsets[taskCount] - taskOffsets[0];
        var rowOffsets = GC.AllocateUninitializedArray<int>(labelCount);
        var otherOffsets = new int[otherTaskCount + 1];
        var otherGold = new int[otherTaskCount];
        Span<int> next = stackalloc int[MaxUnrolled + 1];
        for (var n = 1; n <= MaxUnrolled; n++)
        {
            next[n] = groupEnds[n - 1];
        }

        var otherNext = groupEnds[MaxUnrolled];
        var other = 0;
        otherOffsets[0] = otherNext;
        for (var t = 0; t < taskCount; t++)
        {
            var start = taskOffsets[t];
            var n = taskOffsets[t + 1] - start;
            if (IsGrouped(n, gold, t))
            {
                for (var i = 0; i < n; i++)
                {
                    rowOffsets[next[n]++] = rowIndices[start + i] * rowStride;
                }
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    rowOffsets[otherNext++] = rowIndices[start + i] * rowStride;
                }

                otherGold[other] = gold.IsEmpty ? -1 : gold[t];
                otherOffsets[++other] = otherNext;
            }
        }

        return new LabelCountGroups(rowOffsets, groupEnds, otherOffsets, otherGold);
    }

    private static bool IsGrouped(int labelCount, ReadOnlySpan<int> gold, int task) =>
        labelCount is >= 1 and <= MaxUnrolled && (gold.IsEmpty || gold[task] < 0);
}
