// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TokenLabeling.Consensus.Kernels.Common;

namespace TokenLabeling.Consensus.Kernels;

public static partial class ConsensusKernels
{
    /// <summary>Sums the weights of the workers voting for every class of every task.</summary>
    /// <param name="labels">The class of every label, grouped by task, represented as a span.</param>
    /// <param name="workers">The worker of every label, aligned with <paramref name="labels"/>, represented as a span.</param>
    /// <param name="workerWeights">One finite weight per worker, represented as a span.</param>
    /// <param name="taskOffsets">CSR offsets into the labels; length T + 1.</param>
    /// <param name="classCount">The class count K (at least 1).</param>
    /// <param name="tallies">The destination, task-major <c>T × K</c>, represented as a span.</param>
    /// <param name="path">The hardware path; <see cref="KernelPath.Auto"/> picks the widest one that fits K.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">The spans disagree in length, the offsets are invalid, a label or worker is out of range, a weight is
    /// not finite (the messages name the position), or <paramref name="tallies"/> is shorter than T × K.</exception>
    /// <exception cref="PlatformNotSupportedException">A forced vector path is not accelerated here.</exception>
    /// <remarks>
    /// <para>This method effectively computes <c>tallies[t * K + c] = Σ workerWeights[workers[i]]</c> over the labels <c>i</c> of task
    /// <c>t</c> with <c>labels[i] == c</c>.</para>
    /// <para>Every path adds the weights of a task in label order, so the results are bit-identical across paths.</para>
    /// </remarks>
    public static void TallyWeightedVotes(
        ReadOnlySpan<int> labels,
        ReadOnlySpan<int> workers,
        ReadOnlySpan<double> workerWeights,
        ReadOnlySpan<int> taskOffsets,
        int classCount,
        Span<double> tallies,
        KernelPath path = KernelPath.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        CheckLength(workers.Length, labels.Length, "Workers", nameof(workers));
        CheckOffsets(taskOffsets, labels.Length, nameof(taskOffsets));
        CheckRange(labels, taskOffsets, classCount, "Label", nameof(labels));
        CheckRange(workers, taskOffsets, workerWeights.Length, "Worker", nameof(workers));
        for (var w = 0; w < workerWeights.Length; w++)
        {
            if (!double.IsFinite(workerWeights[w]))
            {
                throw new ArgumentException(Format($"The weight of worker {w} is {workerWeights[w]}; weights must be finite."), nameof(workerWeights));
            }
        }

        CheckAtLeast(tallies.Length, (taskOffsets.Length - 1) * classCount, "Tallies", nameof(tallies));
        TallyWeightedVotesUnchecked(labels, workers, workerWeights, taskOffsets, classCount, tallies, ResolveRowPath(path, classCount, sizeof(double)));
    }

    /// <summary>The dispatch of <see cref="TallyWeightedVotes"/> after validation.</summary>
    internal static void TallyWeightedVotesUnchecked(
        ReadOnlySpan<int> labels,
        ReadOnlySpan<int> workers,
        ReadOnlySpan<double> workerWeights,
        ReadOnlySpan<int> taskOffsets,
        int classCount,
        Span<double> tallies,
        KernelPath resolved)
    {
        switch (resolved)
        {
            case KernelPath.Vector512:
                TallyVector<Vector512DoubleOperator, Vector512<double>>(labels, workers, workerWeights, taskOffsets, classCount, tallies);
                break;
            case KernelPath.Vector256:
                TallyVector<Vector256DoubleOperator, Vector256<double>>(labels, workers, workerWeights, taskOffsets, classCount, tallies);
                break;
            case KernelPath.Vector128:
                TallyVector<Vector128DoubleOperator, Vector128<double>>(labels, workers, workerWeights, taskOffsets, classCount, tallies);
                break;
            default:
                TallyWeightedVotesScalar(labels, workers, workerWeights, taskOffsets, classCount, tallies);
                break;
        }
    }

    /// <summary>The scalar reference of <see cref="TallyWeightedVotes"/>.</summary>
    internal static void TallyWeightedVotesScalar(
        ReadOnlySpan<int> labels,
        ReadOnlySpan<int> workers,
        ReadOnlySpan<double> workerWeights,
        ReadOnlySpan<int> taskOffsets,
        int classCount,
        Span<double> tallies)
    {
        var taskCount = taskOffsets.Length - 1;
        tallies[..(taskCount * classCount)].Clear();
        for (var t = 0; t < taskCount; t++)
        {
            var row = tallies.Slice(t * classCount, classCount);
            for (var i = taskOffsets[t]; i < taskOffsets[t + 1]; i++)
            {
                row[labels[i]] += workerWeights[workers[i]];
            }
        }
    }

    [SkipLocalsInit]
    private static void TallyVector<TOp, TVector>(
        ReadOnlySpan<int> labels,
        ReadOnlySpan<int> workers,
        ReadOnlySpan<double> workerWeights,
        ReadOnlySpan<int> taskOffsets,
        int classCount,
        Span<double> tallies)
        where TOp : struct, IDoubleVectorOperator<TVector>
        where TVector : struct
    {
        var lanes = TOp.Count;
        Span<double> spill = stackalloc double[Vector512<double>.Count];
        ref var labelRef = ref MemoryMarshal.GetReference(labels);
        ref var workerRef = ref MemoryMarshal.GetReference(workers);
        ref var weightRef = ref MemoryMarshal.GetReference(workerWeights);
        ref var tallyRef = ref MemoryMarshal.GetReference(tallies);
        var taskCount = taskOffsets.Length - 1;
        for (var t = 0; t < taskCount; t++)
        {
            var start = taskOffsets[t];
            var end = taskOffsets[t + 1];
            for (var first = 0; first < classCount; first += lanes)
            {
                var acc = TOp.Create(0);
                for (var i = start; i < end; i++)
                {
                    // 1·w and 0·w are exact, so each lane adds exactly the weights the scalar loop adds, in the same order.
                    var weight = Unsafe.Add(ref weightRef, Unsafe.Add(ref workerRef, i));
                    acc = TOp.Add(acc, TOp.Multiply(TOp.UnitVector(Unsafe.Add(ref labelRef, i) - first), TOp.Create(weight)));
                }

                var n = Math.Min(lanes, classCount - first);
                if (n == lanes)
                {
                    TOp.Store(acc, ref Unsafe.Add(ref tallyRef, (t * classCount) + first));
                }
                else
                {
                    TOp.Store(acc, ref MemoryMarshal.GetReference(spill));
                    spill[..n].CopyTo(tallies.Slice((t * classCount) + first, n));
                }
            }
        }
    }
}
