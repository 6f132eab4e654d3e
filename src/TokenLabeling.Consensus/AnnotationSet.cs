// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace TokenLabeling.Consensus;

/// <summary>
/// An immutable set of crowdsourced labels in columnar form: for every label its dense task index, worker index and class,
/// stored contiguously in task order with CSR offsets by task (and, built on first use, by worker).
/// </summary>
/// <remarks>
/// <para>Labels cost 12 bytes each (three <see cref="int"/> columns) plus 4 bytes per task for the offsets; the by-worker
/// view adds 4 bytes per label and 4 per worker the first time an algorithm asks for it. Within a task, labels keep
/// their input order.</para>
/// <para>Instances are immutable and safe to share across threads; every aggregator reads the same instance.</para>
/// </remarks>
public sealed partial class AnnotationSet
{
    private readonly int[] _tasks;
    private readonly int[] _workers;
    private readonly int[] _labels;
    private readonly int[] _taskOffsets;
    private WorkerView? _workerView;

    private AnnotationSet(int[] tasks, int[] workers, int[] labels, int[] taskOffsets, IdMap taskIds, IdMap workerIds, int classCount, int duplicateLabels)
    {
        _tasks = tasks;
        _workers = workers;
        _labels = labels;
        _taskOffsets = taskOffsets;
        TaskIds = taskIds;
        WorkerIds = workerIds;
        ClassCount = classCount;
        DuplicateLabelCount = duplicateLabels;
    }

    /// <summary>Gets the number of tasks (items). Task indices run from 0 to <c>TaskCount - 1</c>.</summary>
    public int TaskCount => TaskIds.Count;

    /// <summary>Gets the number of workers (annotators). Worker indices run from 0 to <c>WorkerCount - 1</c>.</summary>
    public int WorkerCount => WorkerIds.Count;

    /// <summary>Gets the number of classes K. Labels run from 0 to K - 1.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the number of labels stored.</summary>
    public int LabelCount => _labels.Length;

    /// <summary>
    /// Gets how many labels repeated an earlier (task, worker) pair in the input: kept under <see cref="DuplicatePolicy.KeepAll"/>,
    /// dropped under <see cref="DuplicatePolicy.KeepFirst"/> and <see cref="DuplicatePolicy.KeepLast"/>.
    /// </summary>
    public int DuplicateLabelCount { get; }

    /// <summary>Gets the external task ids by dense index.</summary>
    public IdMap TaskIds { get; }

    /// <summary>Gets the external worker ids by dense index.</summary>
    public IdMap WorkerIds { get; }

    /// <summary>Gets the task index of every label, in storage (task) order.</summary>
    public ReadOnlySpan<int> Tasks => _tasks;

    /// <summary>Gets the worker index of every label, in storage (task) order.</summary>
    public ReadOnlySpan<int> Workers => _workers;

    /// <summary>Gets the class of every label, in storage (task) order.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Gets the CSR offsets by task: the labels of task <c>t</c> are at <c>TaskOffsets[t]..TaskOffsets[t + 1]</c>. Length <c>TaskCount + 1</c>.</summary>
    public ReadOnlySpan<int> TaskOffsets => _taskOffsets;

    /// <summary>Gets the CSR offsets by worker into <see cref="WorkerOrder"/>. Length <c>WorkerCount + 1</c>. Built on first use.</summary>
    public ReadOnlySpan<int> WorkerOffsets => GetWorkerView().Offsets;

    /// <summary>
    /// Gets the storage positions of the labels grouped by worker: the labels of worker <c>w</c> are at positions
    /// <c>WorkerOrder[WorkerOffsets[w]..WorkerOffsets[w + 1]]</c>, in storage order. Built on first use.
    /// </summary>
    public ReadOnlySpan<int> WorkerOrder => GetWorkerView().Order;

    /// <summary>Gets the task column as its backing array, for parallel kernels that cannot capture spans; never written to.</summary>
    internal int[] TaskArray => _tasks;

    /// <summary>Gets the worker column as its backing array; never written to.</summary>
    internal int[] WorkerArray => _workers;

    /// <summary>Gets the label column as its backing array; never written to.</summary>
    internal int[] LabelArray => _labels;

    /// <summary>Gets the task offsets as their backing array; never written to.</summary>
    internal int[] TaskOffsetArray => _taskOffsets;

    /// <summary>Gets the typed task id map.</summary>
    /// <typeparam name="TId">The task id type the set was built with.</typeparam>
    /// <exception cref="InvalidOperationException">The set was built with another task id type.</exception>
    public IdMap<TId> GetTaskIds<TId>()
        where TId : notnull =>
        TaskIds as IdMap<TId> ?? throw new InvalidOperationException($"Task ids are of type {TaskIds.IdType.Name}, not {typeof(TId).Name}.");

    /// <summary>Gets the typed worker id map.</summary>
    /// <typeparam name="TId">The worker id type the set was built with.</typeparam>
    /// <exception cref="InvalidOperationException">The set was built with another worker id type.</exception>
    public IdMap<TId> GetWorkerIds<TId>()
        where TId : notnull =>
        WorkerIds as IdMap<TId> ?? throw new InvalidOperationException($"Worker ids are of type {WorkerIds.IdType.Name}, not {typeof(TId).Name}.");

    /// <summary>Returns the number of labels given to a task.</summary>
    /// <param name="task">The dense task index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="task"/> is outside 0..TaskCount-1.</exception>
    public int GetTaskLabelCount(int task)
    {
        CheckTask(task);
        return _taskOffsets[task + 1] - _taskOffsets[task];
    }

    /// <summary>Returns the classes given to a task, in input order.</summary>
    /// <param name="task">The dense task index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="task"/> is outside 0..TaskCount-1.</exception>
    public ReadOnlySpan<int> GetTaskLabels(int task)
    {
        CheckTask(task);
        return _labels.AsSpan(_taskOffsets[task], _taskOffsets[task + 1] - _taskOffsets[task]);
    }

    /// <summary>Returns the workers who labelled a task, aligned with <see cref="GetTaskLabels(int)"/>.</summary>
    /// <param name="task">The dense task index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="task"/> is outside 0..TaskCount-1.</exception>
    public ReadOnlySpan<int> GetTaskWorkers(int task)
    {
        CheckTask(task);
        return _workers.AsSpan(_taskOffsets[task], _taskOffsets[task + 1] - _taskOffsets[task]);
    }

    /// <summary>Returns the number of labels a worker gave.</summary>
    /// <param name="worker">The dense worker index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="worker"/> is outside 0..WorkerCount-1.</exception>
    public int GetWorkerLabelCount(int worker)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(worker);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(worker, WorkerCount);
        var offsets = GetWorkerView().Offsets;
        return offsets[worker + 1] - offsets[worker];
    }

    /// <summary>Returns a one-line description with the counts.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"AnnotationSet: {LabelCount} labels, {TaskCount} tasks, {WorkerCount} workers, {ClassCount} classes");

    private void CheckTask(int task)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(task);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(task, TaskCount);
    }

    private WorkerView GetWorkerView()
    {
        var view = Volatile.Read(ref _workerView);
        if (view is not null)
        {
            return view;
        }

        // Building twice on a race is harmless: both results are identical and one wins.
        view = WorkerView.Build(_workers, WorkerCount);
        return Interlocked.CompareExchange(ref _workerView, view, null) ?? view;
    }

    private sealed class WorkerView
    {
        private WorkerView(int[] offsets, int[] order)
        {
            Offsets = offsets;
            Order = order;
        }

        public int[] Offsets { get; }

        public int[] Order { get; }

        public static WorkerView Build(int[] workers, int workerCount)
        {
            var offsets = new int[workerCount + 1];
            foreach (var w in workers)
            {
                offsets[w + 1]++;
            }

            for (var w = 0; w < workerCount; w++)
            {
                offsets[w + 1] += offsets[w];
            }

            var cursor = offsets.AsSpan(0, workerCount).ToArray();
            var order = new int[workers.Length];
            for (var i = 0; i < workers.Length; i++)
            {
                order[cursor[workers[i]]++] = i;
            }

            return new WorkerView(offsets, order);
        }
    }

    /// <summary>Builds a set from dense columns: sorts by task (stably), applies the duplicate policy, validates classes.</summary>
    /// <param name="tasks">Dense task index per input record.</param>
    /// <param name="workers">Dense worker index per input record.</param>
    /// <param name="labels">Class per input record.</param>
    /// <param name="rowNames">Names input records for messages (e.g. "line 17 of labels.csv"); the record number is used when null.</param>
    private static AnnotationSet BuildDense(
        ReadOnlySpan<int> tasks,
        ReadOnlySpan<int> workers,
        ReadOnlySpan<int> labels,
        IdMap taskIds,
        IdMap workerIds,
        int? classCountOption,
        DuplicatePolicy duplicates,
        Func<int, string>? rowNames)
    {
        var n = tasks.Length;
        var taskCount = taskIds.Count;
        var workerCount = workerIds.Count;
        rowNames ??= static r => string.Create(CultureInfo.InvariantCulture, $"record {r}");

        var maxLabel = -1;
        for (var i = 0; i < n; i++)
        {
            var label = labels[i];
            if (label < 0)
            {
                throw new ArgumentException($"{rowNames(i)}: label {label} is negative; labels are class ids 0..K-1.", nameof(labels));
            }

            if (label > maxLabel)
            {
                maxLabel = label;
            }
        }

        var classCount = classCountOption ?? Math.Max(maxLabel + 1, 1);
        if (classCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCountOption), classCount, "The class count must be at least 1.");
        }

        if (maxLabel >= classCount)
        {
            for (var i = 0; i < n; i++)
            {
                if (labels[i] >= classCount)
                {
                    throw new ArgumentException($"{rowNames(i)}: label {labels[i]} is outside 0..{classCount - 1} (class count {classCount}).", nameof(labels));
                }
            }
        }

        // Stable counting sort by task.
        var offsets = new int[taskCount + 1];
        for (var i = 0; i < n; i++)
        {
            offsets[tasks[i] + 1]++;
        }

        for (var t = 0; t < taskCount; t++)
        {
            offsets[t + 1] += offsets[t];
        }

        var cursor = offsets.AsSpan(0, taskCount).ToArray();
        var sortedRows = new int[n];
        for (var i = 0; i < n; i++)
        {
            sortedRows[cursor[tasks[i]]++] = i;
        }

        // Duplicate (task, worker) pairs: one pass with a per-worker stamp of the last task seen.
        var keep = duplicates is DuplicatePolicy.KeepFirst or DuplicatePolicy.KeepLast ? new bool[n] : null;
        var stampTask = new int[workerCount];
        var stampPos = new int[workerCount];
        Array.Fill(stampTask, -1);
        var duplicateCount = 0;
        List<(int First, int Again)>? rejected = null;
        for (var t = 0; t < taskCount; t++)
        {
            for (var p = offsets[t]; p < offsets[t + 1]; p++)
            {
                var row = sortedRows[p];
                var w = workers[row];
                if (stampTask[w] != t)
                {
                    stampTask[w] = t;
                    stampPos[w] = p;
                    if (keep is not null)
                    {
                        keep[p] = true;
                    }

                    continue;
                }

                duplicateCount++;
                switch (duplicates)
                {
                    case DuplicatePolicy.Reject:
                        rejected ??= [];
                        if (rejected.Count < 5)
                        {
                            rejected.Add((sortedRows[stampPos[w]], row));
                        }

                        break;
                    case DuplicatePolicy.KeepLast:
                        keep![stampPos[w]] = false;
                        keep[p] = true;
                        stampPos[w] = p;
                        break;
                    default:
                        break;
                }
            }
        }

        if (rejected is not null)
        {
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"{duplicateCount} duplicate (task, worker) label(s) under DuplicatePolicy.Reject: ");
            for (var k = 0; k < rejected.Count; k++)
            {
                var (first, again) = rejected[k];
                sb.Append(k == 0 ? string.Empty : "; ");
                sb.Append(CultureInfo.InvariantCulture, $"task '{taskIds.Format(tasks[again])}', worker '{workerIds.Format(workers[again])}' at {rowNames(first)} and {rowNames(again)}");
            }

            if (duplicateCount > rejected.Count)
            {
                sb.Append("; ...");
            }

            throw new ArgumentException(sb.ToString(), nameof(duplicates));
        }

        var kept = keep is null ? n : n - duplicateCount;
        var outTasks = new int[kept];
        var outWorkers = new int[kept];
        var outLabels = new int[kept];
        if (keep is null)
        {
            for (var p = 0; p < n; p++)
            {
                var row = sortedRows[p];
                outTasks[p] = tasks[row];
                outWorkers[p] = workers[row];
                outLabels[p] = labels[row];
            }
        }
        else
        {
            var q = 0;
            var newOffsets = new int[taskCount + 1];
            for (var t = 0; t < taskCount; t++)
            {
                for (var p = offsets[t]; p < offsets[t + 1]; p++)
                {
                    if (!keep[p])
                    {
                        continue;
                    }

                    var row = sortedRows[p];
                    outTasks[q] = t;
                    outWorkers[q] = workers[row];
                    outLabels[q] = labels[row];
                    q++;
                }

                newOffsets[t + 1] = q;
            }

            Debug.Assert(q == kept, "kept count mismatch");
            offsets = newOffsets;
        }

        return new AnnotationSet(outTasks, outWorkers, outLabels, offsets, taskIds, workerIds, classCount, duplicateCount);
    }
}
