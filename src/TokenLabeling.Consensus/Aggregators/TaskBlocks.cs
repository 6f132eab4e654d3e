// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Aggregators;

/// <summary>
/// A deterministic split of the tasks into contiguous blocks of roughly equal label counts. The split depends only on the data,
/// never on the thread count, so per-block accumulators reduced in block order give bit-identical results on any machine.
/// </summary>
internal sealed class TaskBlocks
{
    /// <summary>Labels per block below which a set is not split (the fork/join cost would exceed the work).</summary>
    internal const int LabelsPerBlock = 65_536;

    /// <summary>The most blocks a set is split into; a power of two so that 2, 4, 8 or 16 threads share them evenly.</summary>
    internal const int MaxBlocks = 16;

    private TaskBlocks(int[] starts) => Starts = starts;

    /// <summary>Gets the first task of each block, then the task count (length = block count + 1).</summary>
    public int[] Starts { get; }

    public int Count => Starts.Length - 1;

    /// <summary>Splits the tasks into at most <paramref name="maxBlocks"/> blocks (a power of two up to <see cref="MaxBlocks"/>) by label count.</summary>
    /// <param name="taskOffsets">The CSR task offsets.</param>
    /// <param name="labelCount">The label count.</param>
    /// <param name="maxBlocks">A further cap, for callers whose per-block accumulators grow with something other than the labels.</param>
    public static TaskBlocks For(ReadOnlySpan<int> taskOffsets, int labelCount, int maxBlocks = MaxBlocks)
    {
        var taskCount = taskOffsets.Length - 1;
        var blocks = 1;
        while (blocks * 2 <= Math.Min(MaxBlocks, maxBlocks) && (long)labelCount >= (long)blocks * 2 * LabelsPerBlock)
        {
            blocks *= 2;
        }

        blocks = Math.Max(1, Math.Min(blocks, taskCount));
        var starts = new int[blocks + 1];
        for (var b = 1; b < blocks; b++)
        {
            var target = (int)((long)labelCount * b / blocks);
            var t = taskOffsets[..taskCount].BinarySearch(target);
            if (t < 0)
            {
                t = ~t;
            }

            // The first task starting at or after the target; duplicates (empty tasks) resolve to any of them, still deterministic.
            starts[b] = Math.Max(starts[b - 1], Math.Min(t, taskCount));
        }

        starts[blocks] = taskCount;
        return new TaskBlocks(starts);
    }

    /// <summary>Returns a split of <paramref name="itemCount"/> items (for example workers) into at most <paramref name="parts"/> equal contiguous ranges.</summary>
    public static TaskBlocks Even(int itemCount, int parts)
    {
        parts = Math.Max(1, Math.Min(parts, itemCount));
        var starts = new int[parts + 1];
        for (var p = 1; p <= parts; p++)
        {
            starts[p] = (int)((long)itemCount * p / parts);
        }

        return new TaskBlocks(starts);
    }

    /// <summary>Returns one block holding every task.</summary>
    public static TaskBlocks Single(int taskCount) => new([0, taskCount]);

    /// <summary>Runs <paramref name="body"/> for every block, in parallel when there are several.</summary>
    public void Run(int maxDegreeOfParallelism, Action<int> body)
    {
        if (Count == 1 || maxDegreeOfParallelism == 1)
        {
            for (var b = 0; b < Count; b++)
            {
                body(b);
            }

            return;
        }

        Parallel.For(0, Count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, body);
    }
}
