// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Models;

/// <summary>
/// Multi-label aggregation by binary relevance: each label is decided separately ("selected or not") by any two-class
/// <see cref="ILabelAggregator"/>, on the answers of the workers who saw the task.
/// </summary>
/// <remarks>
/// <para>A worker who answered a task without selecting a label counts as a "no" for that label, so every label of a task is
/// judged by the same workers. Labels are treated as independent: correlations between labels are not modelled.</para>
/// <para>Immutable and thread-safe when the base aggregator is.</para>
/// </remarks>
public sealed class MultiLabel
{
    /// <summary>Initializes the aggregator.</summary>
    /// <param name="baseAggregator">The two-class aggregator applied to each label (for example <see cref="Mace"/> or Dawid-Skene).</param>
    public MultiLabel(ILabelAggregator baseAggregator)
    {
        ArgumentNullException.ThrowIfNull(baseAggregator);
        BaseAggregator = baseAggregator;
    }

    /// <summary>Gets the aggregator applied to each label.</summary>
    public ILabelAggregator BaseAggregator { get; }

    /// <summary>Decides every label of every task.</summary>
    /// <param name="annotations">The multi-label answers.</param>
    /// <param name="gold">Known selections per task (<see langword="null"/> entries for unknown tasks), or <see langword="null"/>.</param>
    /// <param name="progress">Receives one report per finished label (Iteration = labels done, MaxIterations = L).</param>
    /// <param name="cancellationToken">Stops between labels (and inside the base aggregator).</param>
    /// <returns>One two-class result per label and the combined selection per task.</returns>
    /// <exception cref="ArgumentException">The gold list does not have one entry per task, or a known selection uses a bit beyond the label count.</exception>
    public MultiLabelResult Aggregate(MultiLabelSet annotations, IReadOnlyList<ulong?>? gold = null, IProgress<AggregationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (gold is not null && gold.Count != annotations.TaskCount)
        {
            throw new ArgumentException($"Expected one gold entry per task ({annotations.TaskCount}), got {gold.Count}.", nameof(gold));
        }

        var allowed = annotations.LabelCount == 64 ? ulong.MaxValue : (1UL << annotations.LabelCount) - 1;
        for (var t = 0; gold is not null && t < gold.Count; t++)
        {
            if (gold[t] is { } known && (known & ~allowed) != 0)
            {
                throw new ArgumentException($"Gold selection of task {t} (0x{known:X}) uses a bit beyond label {annotations.LabelCount - 1}.", nameof(gold));
            }
        }

        var results = new AggregationResult[annotations.LabelCount];
        for (var l = 0; l < results.Length; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            GoldLabels? labelGold = null;
            if (gold is not null)
            {
                var column = new int[annotations.TaskCount];
                for (var t = 0; t < column.Length; t++)
                {
                    column[t] = gold[t] is { } known ? (int)((known >> l) & 1) : -1;
                }

                labelGold = new GoldLabels(column, 2);
            }

            results[l] = BaseAggregator.Aggregate(annotations.ForLabel(l), labelGold, null, cancellationToken);
            progress?.Report(new AggregationProgress(l + 1, results.Length, double.NaN, double.NaN));
        }

        return new MultiLabelResult(annotations.TaskCount, results);
    }
}

/// <summary>The outcome of <see cref="MultiLabel"/>: per-label results and the combined selections.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class MultiLabelResult
{
    private readonly AggregationResult[] _perLabel;
    private readonly double[] _probabilities;
    private readonly ulong[] _selections;

    internal MultiLabelResult(int taskCount, AggregationResult[] perLabel)
    {
        _perLabel = perLabel;
        TaskCount = taskCount;
        _probabilities = new double[taskCount * perLabel.Length];
        _selections = new ulong[taskCount];
        for (var l = 0; l < perLabel.Length; l++)
        {
            for (var t = 0; t < taskCount; t++)
            {
                _probabilities[(t * perLabel.Length) + l] = perLabel[l].GetPosterior(t)[1];
                if (perLabel[l].Labels[t] == 1)
                {
                    _selections[t] |= 1UL << l;
                }
            }
        }
    }

    /// <summary>Gets the number of tasks.</summary>
    public int TaskCount { get; }

    /// <summary>Gets the number of labels L.</summary>
    public int LabelCount => _perLabel.Length;

    /// <summary>Gets the probability that each label applies, task-major (<c>TaskCount × L</c>).</summary>
    public ReadOnlySpan<double> Probabilities => _probabilities;

    /// <summary>Gets the decided selection of every task as a bit mask.</summary>
    public ReadOnlySpan<ulong> Selections => _selections;

    /// <summary>Returns the two-class result of one label (class 1 = selected).</summary>
    /// <param name="label">The label, 0..L-1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is out of range.</exception>
    public AggregationResult GetLabelResult(int label)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(label, _perLabel.Length);
        return _perLabel[label];
    }
}
