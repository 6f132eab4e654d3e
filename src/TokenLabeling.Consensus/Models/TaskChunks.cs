// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Models;

/// <summary>
/// A split of a set's tasks into contiguous ranges of about equal label counts, for passes that run one range per core.
/// </summary>
/// <remarks>
/// The split depends only on the shape of the set (label count, task offsets, worker count), never on the number of cores, and
/// every per-worker sum is gathered per range and then added range by range in a fixed order. So results are the same bit for
/// bit whether the ranges run on one thread or many.
/// </remarks>
internal sealed class TaskChunks
{
    // About 32k labels per range: per-label buffers of a range (a few 256 KB arrays) stay in the core's L2 cache, and a pass
    // over 500k labels has enough ranges for two cores to share unevenly loaded work.
    private const int LabelsPerChunk = 1 << 15;
    private const int MaxChunks = 16;

    // Per-range copies of per-worker accumulators are capped at this many doubles in all (32 MB).
    private const long MaxAccumulatorEntries = 1L << 22;

    private readonly int[] _firstTask;

    private TaskChunks(int[] firstTask) => _firstTask = firstTask;

    /// <summary>Gets the number of ranges.</summary>
    public int Count => _firstTask.Length - 1;

    /// <summary>Splits the tasks of <paramref name="offsets"/> into ranges.</summary>
    /// <param name="offsets">The task offsets of a set (task t owns labels offsets[t] to offsets[t + 1]).</param>
    /// <param name="accumulatorWidth">Doubles per range that the caller keeps per worker (0 when none).</param>
    public static TaskChunks Create(ReadOnlySpan<int> offsets, long accumulatorWidth)
    {
        var taskCount = offsets.Length - 1;
        var labelCount = offsets[taskCount];
        var count = Math.Clamp((labelCount + LabelsPerChunk - 1) / LabelsPerChunk, 1, MaxChunks);
        if (accumulatorWidth > 0)
        {
            count = (int)Math.Max(1, Math.Min(count, MaxAccumulatorEntries / accumulatorWidth));
        }

        count = Math.Min(count, Math.Max(1, taskCount));
        var first = new int[count + 1];
        first[count] = taskCount;
        for (var c = 1; c < count; c++)
        {
            // The first task whose labels start at or after the c-th share of all labels.
            var target = (int)((long)labelCount * c / count);
            var index = offsets[..taskCount].BinarySearch(target);
            if (index < 0)
            {
                index = ~index;
            }
            else
            {
                while (index > 0 && offsets[index - 1] == target)
                {
                    index--;
                }
            }

            first[c] = Math.Clamp(index, first[c - 1], taskCount);
        }

        return new TaskChunks(first);
    }

    /// <summary>Gets the first task of range <paramref name="chunk"/>.</summary>
    public int Start(int chunk) => _firstTask[chunk];

    /// <summary>Gets the task after the last of range <paramref name="chunk"/>.</summary>
    public int End(int chunk) => _firstTask[chunk + 1];

    /// <summary>Runs <paramref name="body"/> once per range, on as many cores as are free.</summary>
    public void Run(Action<int> body)
    {
        if (Count == 1)
        {
            body(0);
        }
        else
        {
            Parallel.For(0, Count, body);
        }
    }
}
