// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Models;

/// <summary>
/// The columns of a set that a model's per-range passes read (see <see cref="TaskChunks"/>): the set's own arrays, not copies,
/// and the gold classes (empty when there are none).
/// </summary>
internal abstract class ChunkedPass
{
    protected ChunkedPass(AnnotationSet set, ReadOnlySpan<int> gold)
    {
        K = set.ClassCount;
        WorkerCount = set.WorkerCount;
        Offsets = set.TaskOffsetArray;
        Workers = set.WorkerArray;
        Labels = set.LabelArray;
        Gold = gold.IsEmpty ? [] : gold.ToArray();
    }

    /// <summary>Gets the class count.</summary>
    protected int K { get; }

    /// <summary>Gets the worker count.</summary>
    protected int WorkerCount { get; }

    /// <summary>Gets the CSR task offsets.</summary>
    protected int[] Offsets { get; }

    /// <summary>Gets the worker of every label.</summary>
    protected int[] Workers { get; }

    /// <summary>Gets every label's class.</summary>
    protected int[] Labels { get; }

    /// <summary>Gets the gold class per task (-1 for none), or an empty array.</summary>
    protected int[] Gold { get; }
}
