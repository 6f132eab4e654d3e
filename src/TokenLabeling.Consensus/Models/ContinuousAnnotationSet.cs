// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Models;

/// <summary>Numeric answers (ratings, measurements, counts): one value per (task, worker) row, stored grouped by task.</summary>
/// <remarks>Immutable. Every value is finite; rows of one task keep their input order.</remarks>
public sealed class ContinuousAnnotationSet
{
    private readonly int[] _workers;
    private readonly double[] _values;
    private readonly int[] _taskOffsets;

    private ContinuousAnnotationSet(int[] workers, double[] values, int[] taskOffsets, int workerCount)
    {
        _workers = workers;
        _values = values;
        _taskOffsets = taskOffsets;
        WorkerCount = workerCount;
    }

    /// <summary>Gets the number of tasks.</summary>
    public int TaskCount => _taskOffsets.Length - 1;

    /// <summary>Gets the number of workers.</summary>
    public int WorkerCount { get; }

    /// <summary>Gets the number of values.</summary>
    public int ValueCount => _values.Length;

    /// <summary>Gets the CSR offsets by task: the values of task <c>t</c> are at <c>TaskOffsets[t]..TaskOffsets[t + 1]</c>.</summary>
    public ReadOnlySpan<int> TaskOffsets => _taskOffsets;

    /// <summary>Gets the worker of every value, in storage (task) order.</summary>
    public ReadOnlySpan<int> Workers => _workers;

    /// <summary>Gets every value, in storage (task) order.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>Returns the values given to one task.</summary>
    /// <param name="task">The dense task index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="task"/> is out of range.</exception>
    public ReadOnlySpan<double> GetTaskValues(int task)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(task);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(task, TaskCount);
        return _values.AsSpan(_taskOffsets[task], _taskOffsets[task + 1] - _taskOffsets[task]);
    }

    /// <summary>Builds a set from dense indices.</summary>
    /// <param name="tasks">Task index per value, ≥ 0.</param>
    /// <param name="workers">Worker index per value, ≥ 0.</param>
    /// <param name="values">The values; each must be finite.</param>
    /// <param name="taskCount">The number of tasks, or <see langword="null"/> for the largest index + 1.</param>
    /// <param name="workerCount">The number of workers, or <see langword="null"/> for the largest index + 1.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, an index is negative or beyond the stated count, or a value is not finite (the message names the row).</exception>
    public static ContinuousAnnotationSet FromIndices(ReadOnlySpan<int> tasks, ReadOnlySpan<int> workers, ReadOnlySpan<double> values, int? taskCount = null, int? workerCount = null)
    {
        if (tasks.Length != workers.Length || tasks.Length != values.Length)
        {
            throw new ArgumentException($"The task, worker and value spans must have the same length (got {tasks.Length}, {workers.Length} and {values.Length}).", nameof(tasks));
        }

        var maxTask = -1;
        var maxWorker = -1;
        for (var i = 0; i < tasks.Length; i++)
        {
            if (tasks[i] < 0 || workers[i] < 0)
            {
                throw new ArgumentException($"Row {i}: task {tasks[i]} and worker {workers[i]} must be non-negative.", nameof(tasks));
            }

            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"Row {i}: value {values[i]} is not finite.", nameof(values));
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

        // Counting sort by task keeps input order within a task.
        var offsets = new int[tc + 1];
        foreach (var t in tasks)
        {
            offsets[t + 1]++;
        }

        for (var t = 0; t < tc; t++)
        {
            offsets[t + 1] += offsets[t];
        }

        var cursor = offsets.AsSpan(0, tc).ToArray();
        var sortedWorkers = new int[tasks.Length];
        var sortedValues = new double[tasks.Length];
        for (var i = 0; i < tasks.Length; i++)
        {
            var position = cursor[tasks[i]]++;
            sortedWorkers[position] = workers[i];
            sortedValues[position] = values[i];
        }

        return new ContinuousAnnotationSet(sortedWorkers, sortedValues, offsets, wc);
    }
}
