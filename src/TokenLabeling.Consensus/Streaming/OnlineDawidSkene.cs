// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using TokenLabeling.Consensus.Models;

namespace TokenLabeling.Consensus.Streaming;

/// <summary>Options of <see cref="OnlineDawidSkene"/>.</summary>
public sealed record OnlineDawidSkeneOptions
{
    /// <summary>Gets the default options.</summary>
    public static OnlineDawidSkeneOptions Default { get; } = new();

    /// <summary>Gets the pseudo-count added to every class count and confusion cell, &gt; 0. Default 1e-4.</summary>
    public double Smoothing { get; init; } = DawidSkeneModel.DefaultSmoothing;

    /// <summary>Gets the number of incremental E-step passes over the tasks a batch touched. Default 3.</summary>
    public int PassesPerBatch { get; init; } = 3;

    internal void Validate()
    {
        if (!(Smoothing > 0) || !double.IsFinite(Smoothing))
        {
            throw new ArgumentOutOfRangeException(nameof(Smoothing), Smoothing, "The smoothing pseudo-count must be finite and positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(PassesPerBatch, nameof(PassesPerBatch));
    }
}

/// <summary>
/// Dawid-Skene for labels that arrive in batches: posteriors and confusion matrices are updated from the tasks a batch touches,
/// without refitting from scratch (incremental EM, Neal and Hinton 1998).
/// </summary>
/// <remarks>
/// <para>The model keeps the sufficient statistics (<see cref="DawidSkeneStatistics"/>) as a running sum of one contribution per
/// task. When a batch arrives, each touched task's old contribution is removed, its posterior is recomputed from all its labels
/// under the current parameters, and the new contribution is added; this is repeated <see cref="OnlineDawidSkeneOptions.PassesPerBatch"/>
/// times. A task seen for the first time starts from its vote shares, as batch EM does. Every step does not decrease the EM
/// objective, and <see cref="Refine"/> sweeps all tasks to move toward the batch fit.</para>
/// <para>Sharding: tasks may be split among several instances that share one worker numbering. Each publishes
/// <see cref="Statistics"/>; each takes the others' merged statistics through <see cref="SetExternalStatistics"/>, which then count in
/// its parameters. After such an exchange all instances hold the same parameters, and a single-machine E-step over the union
/// gives the same posteriors as the shards (see <see cref="ShardedDawidSkene"/> for the exact batch form).</para>
/// <para>Not thread-safe: one writer at a time. Task and worker ids are dense non-negative integers; arrays grow as new ids appear.</para>
/// </remarks>
public sealed class OnlineDawidSkene
{
    private readonly int _k;
    private readonly double _smoothing;
    private readonly List<TaskLabels> _tasks = [];
    private double[] _posteriors = [];
    private int[] _gold = [];
    private readonly double[] _classCounts;
    private double[] _confusion = [];
    private double[] _rowTotals = [];
    private long _contributingTasks;
    private long _labelCount;
    private int _workerCount;
    private DawidSkeneStatistics? _external;

    /// <summary>Initializes an empty model.</summary>
    /// <param name="classCount">The class count K, at least 2.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 2 or an option is out of range.</exception>
    public OnlineDawidSkene(int classCount, OnlineDawidSkeneOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        Options = options ?? OnlineDawidSkeneOptions.Default;
        Options.Validate();
        _k = classCount;
        _smoothing = Options.Smoothing;
        _classCounts = new double[classCount];
    }

    /// <summary>Gets the options.</summary>
    public OnlineDawidSkeneOptions Options { get; }

    /// <summary>Gets the class count K.</summary>
    public int ClassCount => _k;

    /// <summary>Gets the number of task slots (largest task id seen + 1).</summary>
    public int TaskCount => _tasks.Count;

    /// <summary>Gets the number of worker slots (largest worker id seen + 1).</summary>
    public int WorkerCount => _workerCount;

    /// <summary>Gets the number of labels observed.</summary>
    public long LabelCount => _labelCount;

    /// <summary>Gets a snapshot of this instance's own statistics (its tasks only, without external statistics).</summary>
    public DawidSkeneStatistics Statistics =>
        new(_k, (double[])_classCounts.Clone(), _confusion.AsSpan(0, _workerCount * _k * _k).ToArray(), _contributingTasks, _labelCount);

    /// <summary>Adds a batch of labels and updates the posteriors of the tasks it touches.</summary>
    /// <param name="tasks">Task id per label (dense, ≥ 0).</param>
    /// <param name="workers">Worker id per label (dense, ≥ 0, shared across shards).</param>
    /// <param name="labels">Class per label, 0..K-1.</param>
    /// <exception cref="ArgumentException">The spans differ in length, or an entry is out of range (the message names the batch row); nothing is applied then.</exception>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Observe(ReadOnlySpan<int> tasks, ReadOnlySpan<int> workers, ReadOnlySpan<int> labels)
    {
        if (tasks.Length != workers.Length || tasks.Length != labels.Length)
        {
            throw new ArgumentException($"The task, worker and label spans must have the same length (got {tasks.Length}, {workers.Length} and {labels.Length}).", nameof(tasks));
        }

        for (var i = 0; i < tasks.Length; i++)
        {
            if (tasks[i] < 0 || workers[i] < 0 || labels[i] < 0 || labels[i] >= _k)
            {
                throw new ArgumentException($"Batch row {i}: task {tasks[i]}, worker {workers[i]}, label {labels[i]}; ids must be ≥ 0 and labels in 0..{_k - 1}.", nameof(tasks));
            }
        }

        var maxTask = -1;
        var maxWorker = -1;
        foreach (var t in tasks)
        {
            maxTask = Math.Max(maxTask, t);
        }

        foreach (var w in workers)
        {
            maxWorker = Math.Max(maxWorker, w);
        }

        EnsureTasks(maxTask + 1);
        EnsureWorkers(maxWorker + 1);
        var touched = new List<int>();
        for (var i = 0; i < tasks.Length; i++)
        {
            var entry = _tasks[tasks[i]];
            if (!entry.Touched)
            {
                entry.Touched = true;
                touched.Add(tasks[i]);
            }

            entry.Add(workers[i], labels[i]);
        }

        _labelCount += tasks.Length;
        foreach (var t in touched)
        {
            var entry = _tasks[t];
            entry.Touched = false;
            var row = _posteriors.AsSpan(t * _k, _k);
            var isNew = !entry.HasContribution;
            if (entry.HasContribution)
            {
                Contribute(t, entry.Contributed, -1);
            }

            if (isNew && _gold[t] < 0)
            {
                // First labels of the task: start from its vote shares, as batch EM starts from the majority vote.
                row.Clear();
                for (var i = 0; i < entry.Count; i++)
                {
                    row[entry.Labels[i]] += 1.0 / entry.Count;
                }
            }

            Contribute(t, entry.Count, +1);
        }

        for (var pass = 0; pass < Options.PassesPerBatch; pass++)
        {
            foreach (var t in touched)
            {
                Update(t);
            }
        }
    }

    /// <summary>Fixes the answer of a task (a gold task): its posterior becomes one-hot and stays so.</summary>
    /// <param name="task">The task id (dense, ≥ 0).</param>
    /// <param name="label">The known class, 0..K-1.</param>
    /// <exception cref="ArgumentOutOfRangeException">The task id is negative or the class is out of range.</exception>
    public void SetGold(int task, int label)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(task);
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(label, _k);
        EnsureTasks(task + 1);
        var entry = _tasks[task];
        if (entry.HasContribution)
        {
            Contribute(task, entry.Contributed, -1);
        }

        _gold[task] = label;
        var row = _posteriors.AsSpan(task * _k, _k);
        row.Clear();
        row[label] = 1;
        Contribute(task, entry.Count, +1);
    }

    /// <summary>Sets the statistics of the other shards, which then count in this instance's parameters.</summary>
    /// <param name="others">The merged statistics of every other shard (not including this one), or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">The class count differs.</exception>
    public void SetExternalStatistics(DawidSkeneStatistics? others)
    {
        if (others is not null && others.ClassCount != _k)
        {
            throw new ArgumentException($"The external statistics have {others.ClassCount} classes; this model has {_k}.", nameof(others));
        }

        if (others is not null)
        {
            EnsureWorkers(others.WorkerCount);
        }

        _external = others;
    }

    /// <summary>Sweeps every task once per sweep, recomputing its posterior under the current parameters (incremental EM).</summary>
    /// <param name="sweeps">The number of sweeps, ≥ 0.</param>
    /// <param name="cancellationToken">Stops between sweeps.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sweeps"/> is negative.</exception>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Refine(int sweeps = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sweeps);
        for (var s = 0; s < sweeps; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var t = 0; t < _tasks.Count; t++)
            {
                if (_tasks[t].Count > 0)
                {
                    Update(t);
                }
            }
        }
    }

    /// <summary>Returns the current posterior of a task (the priors' start for a task without labels is all zeros until it gets some).</summary>
    /// <param name="task">The task id.</param>
    /// <exception cref="ArgumentOutOfRangeException">The task id is outside 0..TaskCount-1.</exception>
    public ReadOnlySpan<double> GetPosterior(int task)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(task);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(task, _tasks.Count);
        return _posteriors.AsSpan(task * _k, _k);
    }

    /// <summary>Returns the current parameters (own plus external statistics, smoothed).</summary>
    /// <returns>An immutable model that can be sent to other shards or applied to any set.</returns>
    public DawidSkeneModel CurrentModel()
    {
        var own = Statistics;
        return (_external is null ? own : own.Merge(_external)).ToModel(_smoothing);
    }

    /// <summary>Returns the current state in the common result shape (stored posteriors, labels, priors, confusion matrices).</summary>
    /// <returns>The result; tasks without labels or gold get label -1 and the class priors as posterior.</returns>
    public AggregationResult ToResult()
    {
        var model = CurrentModel();
        var posteriors = _posteriors.AsSpan(0, _tasks.Count * _k).ToArray();
        var labels = new int[_tasks.Count];
        for (var t = 0; t < labels.Length; t++)
        {
            var row = posteriors.AsSpan(t * _k, _k);
            if (_tasks[t].Count == 0 && _gold[t] < 0)
            {
                labels[t] = -1;
                model.ClassPriors.CopyTo(row);
                continue;
            }

            var best = 0;
            for (var c = 1; c < _k; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            labels[t] = best;
        }

        var confusion = model.ConfusionMatrices.Slice(0, _workerCount * _k * _k).ToArray();
        var skills = new double[_workerCount];
        for (var w = 0; w < _workerCount; w++)
        {
            for (var c = 0; c < _k; c++)
            {
                skills[w] += model.ClassPriors[c] * confusion[(((w * _k) + c) * _k) + c];
            }
        }

        return new AggregationResult("online-ds", _k, labels, posteriors, model.ClassPriors.ToArray(), skills, confusion, 0, true, Array.Empty<double>());
    }

    // Neal-Hinton step for one task: posterior under the current statistics, then swap its contribution.
    private void Update(int t)
    {
        var entry = _tasks[t];
        if (_gold[t] >= 0)
        {
            return;
        }

        Span<double> row = stackalloc double[_k];
        var externalCounts = _external is null ? default : _external.ClassCounts;
        var externalConfusion = _external is null ? default : _external.ConfusionCounts;
        var totalTasks = _contributingTasks + (_external?.TaskCount ?? 0) + (_k * _smoothing);
        for (var c = 0; c < _k; c++)
        {
            // Parameters from the full statistics, the task's current contribution included (the Neal-Hinton step).
            var count = _classCounts[c] + (externalCounts.IsEmpty ? 0 : externalCounts[c]) + _smoothing;
            row[c] = Math.Log(Math.Max(count, 1e-300) / totalTasks);
        }

        for (var i = 0; i < entry.Count; i++)
        {
            var w = entry.Workers[i];
            var l = entry.Labels[i];
            for (var c = 0; c < _k; c++)
            {
                var cell = (((w * _k) + c) * _k) + l;
                var rowIndex = (w * _k) + c;
                var numerator = _confusion[cell] + _smoothing + (cell < externalConfusion.Length ? externalConfusion[cell] : 0);
                var denominator = _rowTotals[rowIndex] + (_k * _smoothing) + ExternalRowTotal(externalConfusion, rowIndex);
                row[c] += Math.Log(Math.Max(numerator, 1e-300) / denominator);
            }
        }

        ModelMath.SoftmaxInPlace(row);
        Contribute(t, entry.Contributed, -1);
        row.CopyTo(_posteriors.AsSpan(t * _k, _k));

        Contribute(t, entry.Count, +1);
    }

    private double ExternalRowTotal(ReadOnlySpan<double> externalConfusion, int rowIndex)
    {
        var start = rowIndex * _k;
        if (start + _k > externalConfusion.Length)
        {
            return 0;
        }

        var sum = 0.0;
        for (var l = 0; l < _k; l++)
        {
            sum += externalConfusion[start + l];
        }

        return sum;
    }

    // Adds (sign +1) or removes (sign -1) a task's contribution: its posterior over its first `count` labels.
    private void Contribute(int t, int count, int sign)
    {
        var entry = _tasks[t];
        if (sign < 0 && !entry.HasContribution)
        {
            return;
        }

        if (sign > 0 && count == 0 && _gold[t] < 0)
        {
            return;
        }

        var posterior = _posteriors.AsSpan(t * _k, _k);
        DawidSkeneStatistics.Accumulate(posterior, entry.Workers.AsSpan(0, count), entry.Labels.AsSpan(0, count), _classCounts, _confusion, sign);
        for (var i = 0; i < count; i++)
        {
            var rowBase = entry.Workers[i] * _k;
            for (var c = 0; c < _k; c++)
            {
                _rowTotals[rowBase + c] += sign * posterior[c];
            }
        }

        _contributingTasks += sign;
        entry.Contributed = sign > 0 ? count : 0;
        entry.HasContribution = sign > 0;
    }

    private void EnsureTasks(int count)
    {
        if (count <= _tasks.Count)
        {
            return;
        }

        var capacity = Math.Max(count, _posteriors.Length / _k * 2);
        if (capacity * _k > _posteriors.Length)
        {
            Array.Resize(ref _posteriors, capacity * _k);
            var old = _gold.Length;
            Array.Resize(ref _gold, capacity);
            _gold.AsSpan(old).Fill(-1);
        }

        while (_tasks.Count < count)
        {
            _tasks.Add(new TaskLabels());
        }
    }

    private void EnsureWorkers(int count)
    {
        if (count <= _workerCount)
        {
            return;
        }

        var needed = count * _k * _k;
        if (needed > _confusion.Length)
        {
            var capacity = Math.Max(count, _confusion.Length / (_k * _k) * 2);
            Array.Resize(ref _confusion, capacity * _k * _k);
            Array.Resize(ref _rowTotals, capacity * _k);
        }

        _workerCount = count;
    }

    private sealed class TaskLabels
    {
        public int[] Workers = [];
        public int[] Labels = [];

        public int Count { get; private set; }

        // The number of labels covered by the task's current contribution to the statistics (0 = none).
        public int Contributed { get; set; }

        public bool HasContribution { get; set; }

        public bool Touched { get; set; }

        public void Add(int worker, int label)
        {
            if (Count == Workers.Length)
            {
                var capacity = Math.Max(4, Count * 2);
                Array.Resize(ref Workers, capacity);
                Array.Resize(ref Labels, capacity);
            }

            Workers[Count] = worker;
            Labels[Count] = label;
            Count++;
        }
    }
}
