// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus;

/// <summary>Infers one label per task (and a class posterior) from the labels of many workers.</summary>
/// <remarks>Implementations are immutable and thread-safe: one instance can aggregate many sets concurrently.</remarks>
public interface ILabelAggregator
{
    /// <summary>Gets the short method name used on the command line and in reports, e.g. <c>mv</c> or <c>ds</c>.</summary>
    string Name { get; }

    /// <summary>Infers the label of every task.</summary>
    /// <param name="annotations">The labels.</param>
    /// <param name="gold">Known answers for some tasks, held fixed during inference; <see langword="null"/> for none.</param>
    /// <param name="progress">Receives one report per iteration of iterative methods; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops long runs between iterations.</param>
    /// <returns>The immutable result.</returns>
    /// <exception cref="ArgumentException">The gold labels do not fit the set (wrong task count, class out of range).</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    AggregationResult Aggregate(
        AnnotationSet annotations,
        GoldLabels? gold = null,
        IProgress<AggregationProgress>? progress = null,
        CancellationToken cancellationToken = default);
}

/// <summary>Progress of an iterative aggregator.</summary>
/// <param name="Iteration">The iteration just finished, from 1.</param>
/// <param name="MaxIterations">The iteration limit.</param>
/// <param name="LogLikelihood">The log-likelihood (or the method's objective) after this iteration; <see cref="double.NaN"/> if the method has none.</param>
/// <param name="Change">The change of the objective since the previous iteration.</param>
public readonly record struct AggregationProgress(int Iteration, int MaxIterations, double LogLikelihood, double Change);

/// <summary>Known answers for some tasks of an <see cref="AnnotationSet"/>, by dense task index.</summary>
/// <remarks>Immutable. Aggregators clamp the posterior of a gold task to its known class.</remarks>
public sealed class GoldLabels
{
    private readonly int[] _labels;

    /// <summary>Initializes gold labels from one entry per task: a class, or -1 where the answer is unknown.</summary>
    /// <param name="labels">One entry per task (length = task count).</param>
    /// <param name="classCount">The class count K; entries must lie in -1..K-1.</param>
    /// <exception cref="ArgumentException">An entry is outside -1..K-1 (the message names the task index).</exception>
    public GoldLabels(ReadOnlySpan<int> labels, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        for (var t = 0; t < labels.Length; t++)
        {
            if (labels[t] < -1 || labels[t] >= classCount)
            {
                throw new ArgumentException($"Gold label of task index {t} is {labels[t]}; expected -1 (unknown) or a class from 0 to {classCount - 1}.", nameof(labels));
            }

            if (labels[t] >= 0)
            {
                KnownCount++;
            }
        }

        _labels = labels.ToArray();
        ClassCount = classCount;
    }

    /// <summary>Gets the class count K.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the number of tasks with a known answer.</summary>
    public int KnownCount { get; }

    /// <summary>Gets one entry per task: the known class, or -1.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Builds gold labels for a set from (task id, class) pairs; task ids not in the set are ignored and counted.</summary>
    /// <typeparam name="TTask">The task id type of the set.</typeparam>
    /// <param name="annotations">The set the gold applies to.</param>
    /// <param name="answers">The known answers.</param>
    /// <param name="unknownTasks">The number of answers whose task is not in the set.</param>
    /// <returns>The gold labels.</returns>
    /// <exception cref="ArgumentException">An answer's class is outside 0..K-1, or one task has two different answers.</exception>
    public static GoldLabels FromIds<TTask>(AnnotationSet annotations, IEnumerable<KeyValuePair<TTask, int>> answers, out int unknownTasks)
        where TTask : notnull
    {
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentNullException.ThrowIfNull(answers);
        var ids = annotations.GetTaskIds<TTask>();
        var labels = new int[annotations.TaskCount];
        Array.Fill(labels, -1);
        unknownTasks = 0;
        foreach (var (task, label) in answers)
        {
            if (label < 0 || label >= annotations.ClassCount)
            {
                throw new ArgumentException($"Gold answer for task '{task}' is {label}; expected a class from 0 to {annotations.ClassCount - 1}.", nameof(answers));
            }

            if (!ids.TryGetIndex(task, out var t))
            {
                unknownTasks++;
                continue;
            }

            if (labels[t] >= 0 && labels[t] != label)
            {
                throw new ArgumentException($"Task '{task}' has two different gold answers ({labels[t]} and {label}).", nameof(answers));
            }

            labels[t] = label;
        }

        return new GoldLabels(labels, annotations.ClassCount);
    }

    /// <summary>Returns the share of known tasks whose predicted label matches the gold answer.</summary>
    /// <param name="predicted">One predicted class per task.</param>
    /// <returns>The accuracy in [0, 1]; <see cref="double.NaN"/> is never returned: with no known task the result is 0.</returns>
    /// <exception cref="ArgumentException"><paramref name="predicted"/> has the wrong length.</exception>
    public double Accuracy(ReadOnlySpan<int> predicted)
    {
        if (predicted.Length != _labels.Length)
        {
            throw new ArgumentException($"Expected {_labels.Length} predictions (one per task), got {predicted.Length}.", nameof(predicted));
        }

        if (KnownCount == 0)
        {
            return 0;
        }

        var hits = 0;
        for (var t = 0; t < _labels.Length; t++)
        {
            if (_labels[t] >= 0 && _labels[t] == predicted[t])
            {
                hits++;
            }
        }

        return (double)hits / KnownCount;
    }
}
