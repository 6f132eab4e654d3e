// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TokenLabeling.Consensus.Kernels.Common;

namespace TokenLabeling.Consensus.Kernels;

public static partial class ConsensusKernels
{
    /// <summary>Counts the votes for every class of every task.</summary>
    /// <param name="labels">The class of every label, grouped by task, represented as a span.</param>
    /// <param name="taskOffsets">CSR offsets: the labels of task <c>t</c> are <c>labels[taskOffsets[t]..taskOffsets[t + 1]]</c>; length T + 1.</param>
    /// <param name="classCount">The class count K (at least 1).</param>
    /// <param name="counts">The destination, task-major <c>T × K</c>, represented as a span.</param>
    /// <param name="path">The hardware path; <see cref="KernelPath.Auto"/> picks the widest one that fits K.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">The offsets are not a valid CSR index into <paramref name="labels"/>, a label lies outside 0..K-1
    /// (the message names its position), or <paramref name="counts"/> is shorter than T × K.</exception>
    /// <exception cref="PlatformNotSupportedException">A forced vector path is not accelerated here.</exception>
    /// <remarks>
    /// <para>This method effectively computes <c>counts[t * K + c] = |{ i in task t : labels[i] == c }|</c>.</para>
    /// <para>The vector paths keep each task's counts in one register (lanes = classes) and so never read back a count they just
    /// wrote; results are exact and identical on every path.</para>
    /// </remarks>
    public static void CountVotes(ReadOnlySpan<int> labels, ReadOnlySpan<int> taskOffsets, int classCount, Span<int> counts, KernelPath path = KernelPath.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        CheckOffsets(taskOffsets, labels.Length, nameof(taskOffsets));
        CheckRange(labels, taskOffsets, classCount, "Label", nameof(labels));
        CheckAtLeast(counts.Length, (taskOffsets.Length - 1) * classCount, "Counts", nameof(counts));
        CountVotesUnchecked(labels, taskOffsets, classCount, counts, ResolveRowPath(path, classCount, sizeof(int)));
    }

    /// <summary>The dispatch of <see cref="CountVotes"/> after validation.</summary>
    internal static void CountVotesUnchecked(ReadOnlySpan<int> labels, ReadOnlySpan<int> taskOffsets, int classCount, Span<int> counts, KernelPath resolved)
    {
        switch (resolved)
        {
            case KernelPath.Vector512:
                CountVotesVector<Vector512Int32Operator, Vector512<int>>(labels, taskOffsets, classCount, counts);
                break;
            case KernelPath.Vector256:
                CountVotesVector<Vector256Int32Operator, Vector256<int>>(labels, taskOffsets, classCount, counts);
                break;
            case KernelPath.Vector128:
                CountVotesVector<Vector128Int32Operator, Vector128<int>>(labels, taskOffsets, classCount, counts);
                break;
            default:
                CountVotesScalar(labels, taskOffsets, classCount, counts);
                break;
        }
    }

    /// <summary>The scalar reference of <see cref="CountVotes"/>: one increment per label.</summary>
    internal static void CountVotesScalar(ReadOnlySpan<int> labels, ReadOnlySpan<int> taskOffsets, int classCount, Span<int> counts)
    {
        var taskCount = taskOffsets.Length - 1;
        counts[..(taskCount * classCount)].Clear();
        for (var t = 0; t < taskCount; t++)
        {
            var row = counts.Slice(t * classCount, classCount);
            for (var i = taskOffsets[t]; i < taskOffsets[t + 1]; i++)
            {
                row[labels[i]]++;
            }
        }
    }

    [SkipLocalsInit]
    private static void CountVotesVector<TOp, TVector>(ReadOnlySpan<int> labels, ReadOnlySpan<int> taskOffsets, int classCount, Span<int> counts)
        where TOp : struct, IInt32VectorOperator<TVector>
        where TVector : struct
    {
        var lanes = TOp.Count;
        Span<int> spill = stackalloc int[Vector512<int>.Count];
        ref var labelRef = ref MemoryMarshal.GetReference(labels);
        ref var countRef = ref MemoryMarshal.GetReference(counts);
        var taskCount = taskOffsets.Length - 1;
        if (classCount == lanes)
        {
            for (var t = 0; t < taskCount; t++)
            {
                var acc = TOp.Zero;
                for (var i = taskOffsets[t]; i < taskOffsets[t + 1]; i++)
                {
                    acc = TOp.CountEqual(acc, Unsafe.Add(ref labelRef, i), 0);
                }

                TOp.Store(acc, ref Unsafe.Add(ref countRef, t * classCount));
            }

            return;
        }

        for (var t = 0; t < taskCount; t++)
        {
            var start = taskOffsets[t];
            var end = taskOffsets[t + 1];
            for (var first = 0; first < classCount; first += lanes)
            {
                var acc = TOp.Zero;
                for (var i = start; i < end; i++)
                {
                    acc = TOp.CountEqual(acc, Unsafe.Add(ref labelRef, i), first);
                }

                var n = Math.Min(lanes, classCount - first);
                if (n == lanes)
                {
                    TOp.Store(acc, ref Unsafe.Add(ref countRef, (t * classCount) + first));
                }
                else
                {
                    TOp.Store(acc, ref MemoryMarshal.GetReference(spill));
                    spill[..n].CopyTo(counts.Slice((t * classCount) + first, n));
                }
            }
        }
    }
}
