// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Economics.PeerPrediction;

/// <summary>Workers' reports on tasks, dense: <c>labels[worker × tasks + task]</c> is a class in 0..C−1, or −1 when the worker did not report.</summary>
public sealed class ReportMatrix
{
    /// <summary>The value that marks a missing report.</summary>
    public const int Missing = -1;

    private readonly int[] _labels;

    /// <summary>Initializes a new report matrix.</summary>
    /// <param name="workers">The number of workers, ≥ 1.</param>
    /// <param name="tasks">The number of tasks, ≥ 1.</param>
    /// <param name="classes">The number of classes C, ≥ 2.</param>
    /// <param name="labels">Row-major reports, <paramref name="workers"/> × <paramref name="tasks"/>, each in −1..C−1; copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ArgumentException">The span has the wrong length or a label is out of range (the message names worker and task).</exception>
    public ReportMatrix(int workers, int tasks, int classes, ReadOnlySpan<int> labels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tasks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (labels.Length != (long)workers * tasks)
        {
            throw new ArgumentException($"Expected {workers} × {tasks} = {(long)workers * tasks} reports, got {labels.Length}.", nameof(labels));
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < Missing || labels[i] >= classes)
            {
                throw new ArgumentException($"Worker {i / tasks}, task {i % tasks}: label {labels[i]} is not in 0..{classes - 1} (or {Missing} for missing).", nameof(labels));
            }
        }

        Workers = workers;
        Tasks = tasks;
        Classes = classes;
        _labels = labels.ToArray();
    }

    /// <summary>Gets the number of workers.</summary>
    public int Workers { get; }

    /// <summary>Gets the number of tasks.</summary>
    public int Tasks { get; }

    /// <summary>Gets the number of classes.</summary>
    public int Classes { get; }

    /// <summary>Returns a worker's report on a task, or <see cref="Missing"/>.</summary>
    /// <param name="worker">The worker index.</param>
    /// <param name="task">The task index.</param>
    /// <returns>The label or −1.</returns>
    public int this[int worker, int task] => _labels[(worker * Tasks) + task];
}

/// <summary>Per-worker scores from a peer-prediction rule.</summary>
/// <param name="Mechanism">The rule's name.</param>
/// <param name="Raw">Each worker's score on the rule's own scale (NaN for a worker the rule could not score).</param>
/// <param name="Coherence">Each worker's score mapped to [0, 1] for use as <see cref="Settlement.WorkerOutcome.Coherence"/> (0 when unscored).</param>
public sealed record PeerPredictionScores(string Mechanism, IReadOnlyList<double> Raw, IReadOnlyList<double> Coherence);
