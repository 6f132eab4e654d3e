// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;

namespace TokenLabeling.Consensus;

public sealed partial class AnnotationSet
{
    /// <summary>
    /// Builds a set from dense indices: task and worker values are used as indices directly, and the id maps are identities.
    /// </summary>
    /// <param name="tasks">Task index per label, from 0 to <paramref name="taskCount"/> - 1.</param>
    /// <param name="workers">Worker index per label, from 0 to <paramref name="workerCount"/> - 1.</param>
    /// <param name="labels">Class per label, from 0 to K - 1.</param>
    /// <param name="options">Class count and duplicate policy; <see langword="null"/> for <see cref="AnnotationSetOptions.Default"/>.</param>
    /// <param name="taskCount">The number of tasks, or <see langword="null"/> for the largest task index + 1. Tasks without labels are allowed.</param>
    /// <param name="workerCount">The number of workers, or <see langword="null"/> for the largest worker index + 1.</param>
    /// <returns>The immutable set.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, an index or label is out of range (the message names the record), or a duplicate is rejected.</exception>
    public static AnnotationSet FromIndices(
        ReadOnlySpan<int> tasks,
        ReadOnlySpan<int> workers,
        ReadOnlySpan<int> labels,
        AnnotationSetOptions? options = null,
        int? taskCount = null,
        int? workerCount = null)
    {
        options ??= AnnotationSetOptions.Default;
        if (tasks.Length != workers.Length || tasks.Length != labels.Length)
        {
            throw new ArgumentException($"The task, worker and label spans must have the same length (got {tasks.Length}, {workers.Length} and {labels.Length}).", nameof(tasks));
        }

        var tc = CheckIndices(tasks, taskCount, "task", nameof(tasks));
        var wc = CheckIndices(workers, workerCount, "worker", nameof(workers));
        return BuildDense(tasks, workers, labels, IdMap.Identity(tc), IdMap.Identity(wc), options.ClassCount, options.Duplicates, null);
    }

    /// <summary>Builds a set from records with external ids; dense indices follow the order of first appearance.</summary>
    /// <typeparam name="TTask">The task id type.</typeparam>
    /// <typeparam name="TWorker">The worker id type.</typeparam>
    /// <param name="annotations">The labels.</param>
    /// <param name="options">Class count and duplicate policy; <see langword="null"/> for <see cref="AnnotationSetOptions.Default"/>.</param>
    /// <returns>The immutable set.</returns>
    /// <exception cref="ArgumentException">A label is out of range (the message names the record) or a duplicate is rejected.</exception>
    public static AnnotationSet Create<TTask, TWorker>(IEnumerable<Annotation<TTask, TWorker>> annotations, AnnotationSetOptions? options = null)
        where TTask : notnull
        where TWorker : notnull
    {
        ArgumentNullException.ThrowIfNull(annotations);
        var builder = new AnnotationSetBuilder<TTask, TWorker>();
        foreach (var a in annotations)
        {
            builder.Add(a.Task, a.Worker, a.Label);
        }

        return builder.Build(options);
    }

    internal static AnnotationSet CreateFromBuilder<TTask, TWorker>(
        List<TTask> taskIds,
        List<TWorker> workerIds,
        ReadOnlySpan<int> tasks,
        ReadOnlySpan<int> workers,
        ReadOnlySpan<int> labels,
        AnnotationSetOptions options,
        Func<int, string>? rowNames)
        where TTask : notnull
        where TWorker : notnull =>
        BuildDense(tasks, workers, labels, new IdMap<TTask>(taskIds), new IdMap<TWorker>(workerIds), options.ClassCount, options.Duplicates, rowNames);

    private static int CheckIndices(ReadOnlySpan<int> values, int? count, string what, string paramName)
    {
        var max = -1;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (v < 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"record {i}: {what} index {v} is negative."), paramName);
            }

            if (v > max)
            {
                max = v;
            }
        }

        if (count is { } c)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(c, paramName);
            if (max >= c)
            {
                var at = values.IndexOf(max);
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"record {at}: {what} index {max} is outside 0..{c - 1}."), paramName);
            }

            return c;
        }

        return max + 1;
    }
}

/// <summary>Collects labels with external ids and builds an <see cref="AnnotationSet"/>.</summary>
/// <typeparam name="TTask">The task id type, e.g. <see cref="string"/>, <see cref="long"/> or <see cref="Guid"/>.</typeparam>
/// <typeparam name="TWorker">The worker id type.</typeparam>
/// <remarks>Not thread-safe; the built set is.</remarks>
public sealed class AnnotationSetBuilder<TTask, TWorker>
    where TTask : notnull
    where TWorker : notnull
{
    private readonly Dictionary<TTask, int> _taskIndex = [];
    private readonly Dictionary<TWorker, int> _workerIndex = [];
    private readonly List<TTask> _taskIds = [];
    private readonly List<TWorker> _workerIds = [];
    private readonly List<int> _tasks = [];
    private readonly List<int> _workers = [];
    private readonly List<int> _labels = [];

    /// <summary>Gets the number of labels added so far.</summary>
    public int Count => _labels.Count;

    /// <summary>Adds one label.</summary>
    /// <param name="task">The task id.</param>
    /// <param name="worker">The worker id.</param>
    /// <param name="label">The class, from 0 to K - 1 (checked when the set is built).</param>
    /// <returns>This builder.</returns>
    public AnnotationSetBuilder<TTask, TWorker> Add(TTask task, TWorker worker, int label)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(worker);
        if (!_taskIndex.TryGetValue(task, out var t))
        {
            t = _taskIds.Count;
            _taskIndex.Add(task, t);
            _taskIds.Add(task);
        }

        if (!_workerIndex.TryGetValue(worker, out var w))
        {
            w = _workerIds.Count;
            _workerIndex.Add(worker, w);
            _workerIds.Add(worker);
        }

        _tasks.Add(t);
        _workers.Add(w);
        _labels.Add(label);
        return this;
    }

    /// <summary>Declares a task that may have no labels (e.g. a gold task nobody labelled), so that it gets an index.</summary>
    /// <param name="task">The task id.</param>
    /// <returns>This builder.</returns>
    public AnnotationSetBuilder<TTask, TWorker> AddTask(TTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (_taskIndex.TryAdd(task, _taskIds.Count))
        {
            _taskIds.Add(task);
        }

        return this;
    }

    /// <summary>Builds the immutable set; the builder can keep being used afterwards.</summary>
    /// <param name="options">Class count and duplicate policy; <see langword="null"/> for <see cref="AnnotationSetOptions.Default"/>.</param>
    /// <param name="rowNames">Optional: names record <c>i</c> (0-based, in order of <see cref="Add"/>) in error messages, e.g. "labels.csv line 12".</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentException">A label is out of range (the message names the record) or a duplicate is rejected.</exception>
    public AnnotationSet Build(AnnotationSetOptions? options = null, Func<int, string>? rowNames = null) =>
        AnnotationSet.CreateFromBuilder(
            _taskIds,
            _workerIds,
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_tasks),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_workers),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_labels),
            options ?? AnnotationSetOptions.Default,
            rowNames);
}
