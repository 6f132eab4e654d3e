// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Models;

/// <summary>Each worker's accuracy on the tasks whose answer is known (gold tasks).</summary>
/// <remarks>Immutable. Works with any aggregator's input: it reads only the labels and the gold answers.</remarks>
public sealed class WorkerGoldAccuracy
{
    private readonly int[] _answered;
    private readonly int[] _correct;

    private WorkerGoldAccuracy(int[] answered, int[] correct)
    {
        _answered = answered;
        _correct = correct;
    }

    /// <summary>Gets the number of workers.</summary>
    public int WorkerCount => _answered.Length;

    /// <summary>Gets, per worker, the number of labels it gave on gold tasks (duplicates count separately).</summary>
    public ReadOnlySpan<int> Answered => _answered;

    /// <summary>Gets, per worker, the number of those labels that match the gold answer.</summary>
    public ReadOnlySpan<int> Correct => _correct;

    /// <summary>Counts each worker's labels on gold tasks and how many match.</summary>
    /// <param name="annotations">The labels.</param>
    /// <param name="gold">The known answers; must cover the set's tasks and classes.</param>
    /// <returns>The counts per worker.</returns>
    /// <exception cref="ArgumentException">The gold labels do not fit the set.</exception>
    public static WorkerGoldAccuracy Compute(AnnotationSet annotations, GoldLabels gold)
    {
        ArgumentNullException.ThrowIfNull(gold);
        var known = ModelMath.CheckInputs(annotations, gold, "gold accuracy");
        var answered = new int[annotations.WorkerCount];
        var correct = new int[annotations.WorkerCount];
        var tasks = annotations.Tasks;
        var workers = annotations.Workers;
        var labels = annotations.Labels;
        for (var i = 0; i < labels.Length; i++)
        {
            var truth = known[tasks[i]];
            if (truth >= 0)
            {
                answered[workers[i]]++;
                if (labels[i] == truth)
                {
                    correct[workers[i]]++;
                }
            }
        }

        return new WorkerGoldAccuracy(answered, correct);
    }

    /// <summary>Returns a worker's accuracy on gold, if it answered any gold task.</summary>
    /// <param name="worker">The dense worker index.</param>
    /// <param name="accuracy">The share of its gold labels that are right, in [0, 1]; 0 when it answered none.</param>
    /// <returns><see langword="true"/> when the worker answered at least one gold task.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="worker"/> is out of range.</exception>
    public bool TryGetAccuracy(int worker, out double accuracy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(worker);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(worker, WorkerCount);
        accuracy = _answered[worker] > 0 ? (double)_correct[worker] / _answered[worker] : 0;
        return _answered[worker] > 0;
    }

    /// <summary>Returns a worker's accuracy on gold.</summary>
    /// <param name="worker">The dense worker index.</param>
    /// <returns>The share of its gold labels that are right, in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="worker"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException">The worker answered no gold task (the message names it).</exception>
    public double GetAccuracy(int worker) =>
        TryGetAccuracy(worker, out var accuracy)
            ? accuracy
            : throw new InvalidOperationException($"Worker index {worker} answered no gold task, so it has no accuracy on gold.");
}
