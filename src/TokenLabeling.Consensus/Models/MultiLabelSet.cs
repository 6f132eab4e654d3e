// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Models;

/// <summary>
/// Multi-label annotations: each row is one worker's answer on one task, the set of labels it selected (a bit mask over at most
/// 64 labels; an empty mask means "none of them").
/// </summary>
/// <remarks>Immutable. Rows keep input order; several rows for one (task, worker) pair count separately.</remarks>
public sealed class MultiLabelSet
{
    private readonly int[] _tasks;
    private readonly int[] _workers;
    private readonly ulong[] _selections;

    private MultiLabelSet(int[] tasks, int[] workers, ulong[] selections, int labelCount, int taskCount, int workerCount)
    {
        _tasks = tasks;
        _workers = workers;
        _selections = selections;
        LabelCount = labelCount;
        TaskCount = taskCount;
        WorkerCount = workerCount;
    }

    /// <summary>Gets the number of possible labels L (1..64).</summary>
    public int LabelCount { get; }

    /// <summary>Gets the number of tasks.</summary>
    public int TaskCount { get; }

    /// <summary>Gets the number of workers.</summary>
    public int WorkerCount { get; }

    /// <summary>Gets the number of answers (rows).</summary>
    public int AnswerCount => _tasks.Length;

    /// <summary>Gets the task index of every answer.</summary>
    public ReadOnlySpan<int> Tasks => _tasks;

    /// <summary>Gets the worker index of every answer.</summary>
    public ReadOnlySpan<int> Workers => _workers;

    /// <summary>Gets the selected labels of every answer as a bit mask (bit <c>l</c> set = label <c>l</c> selected).</summary>
    public ReadOnlySpan<ulong> Selections => _selections;

    /// <summary>Builds a set from dense indices.</summary>
    /// <param name="tasks">Task index per answer, ≥ 0.</param>
    /// <param name="workers">Worker index per answer, ≥ 0.</param>
    /// <param name="selections">Selected labels per answer, as a bit mask using only the low <paramref name="labelCount"/> bits.</param>
    /// <param name="labelCount">The number of possible labels, 1..64.</param>
    /// <param name="taskCount">The number of tasks, or <see langword="null"/> for the largest index + 1.</param>
    /// <param name="workerCount">The number of workers, or <see langword="null"/> for the largest index + 1.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, or a row has a bad index or a bit beyond the label count (the message names the row).</exception>
    public static MultiLabelSet FromIndices(ReadOnlySpan<int> tasks, ReadOnlySpan<int> workers, ReadOnlySpan<ulong> selections, int labelCount, int? taskCount = null, int? workerCount = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(labelCount, 64);
        if (tasks.Length != workers.Length || tasks.Length != selections.Length)
        {
            throw new ArgumentException($"The task, worker and selection spans must have the same length (got {tasks.Length}, {workers.Length} and {selections.Length}).", nameof(tasks));
        }

        var allowed = labelCount == 64 ? ulong.MaxValue : (1UL << labelCount) - 1;
        var maxTask = -1;
        var maxWorker = -1;
        for (var i = 0; i < tasks.Length; i++)
        {
            if (tasks[i] < 0 || workers[i] < 0)
            {
                throw new ArgumentException($"Row {i}: task {tasks[i]} and worker {workers[i]} must be non-negative.", nameof(tasks));
            }

            if ((selections[i] & ~allowed) != 0)
            {
                throw new ArgumentException($"Row {i}: selection 0x{selections[i]:X} uses a bit beyond label {labelCount - 1}.", nameof(selections));
            }

            maxTask = Math.Max(maxTask, tasks[i]);
            maxWorker = Math.Max(maxWorker, workers[i]);
        }

        var tc = taskCount ?? (maxTask + 1);
        var wc = workerCount ?? (maxWorker + 1);
        if (tc <= maxTask || wc <= maxWorker)
        {
            throw new ArgumentException($"Task count {tc} / worker count {wc} is smaller than the largest index + 1 ({maxTask + 1} / {maxWorker + 1}).", nameof(taskCount));
        }

        return new MultiLabelSet(tasks.ToArray(), workers.ToArray(), selections.ToArray(), labelCount, tc, wc);
    }

    /// <summary>Returns the binary set of one label: every answer becomes class 1 if it selected the label, else class 0.</summary>
    /// <param name="label">The label, 0..L-1.</param>
    /// <returns>A two-class <see cref="AnnotationSet"/> over the same dense task and worker indices.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is out of range.</exception>
    public AnnotationSet ForLabel(int label)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(label, LabelCount);
        var classes = new int[_selections.Length];
        for (var i = 0; i < classes.Length; i++)
        {
            classes[i] = (int)((_selections[i] >> label) & 1);
        }

        return AnnotationSet.FromIndices(_tasks, _workers, classes, new AnnotationSetOptions { ClassCount = 2 }, TaskCount, WorkerCount);
    }
}
