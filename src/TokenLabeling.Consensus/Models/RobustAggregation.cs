// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Models;

/// <summary>Per-task estimates from numeric answers.</summary>
/// <remarks>Immutable. Tasks without values have no estimate: <see cref="HasEstimate"/> is false and the estimate reads as NaN.</remarks>
public sealed class ContinuousAggregationResult
{
    private readonly double[] _estimates;
    private readonly double[] _spreads;
    private readonly int[] _counts;
    private readonly double[] _workerErrors;

    internal ContinuousAggregationResult(string method, double[] estimates, double[] spreads, int[] counts, double[] workerErrors)
    {
        Method = method;
        _estimates = estimates;
        _spreads = spreads;
        _counts = counts;
        _workerErrors = workerErrors;
    }

    /// <summary>Gets the method name, e.g. <c>median</c> or <c>trimmed-mean</c>.</summary>
    public string Method { get; }

    /// <summary>Gets the estimate per task (NaN where the task has no values; check <see cref="HasEstimate"/>).</summary>
    public ReadOnlySpan<double> Estimates => _estimates;

    /// <summary>Gets the median absolute deviation of each task's values from its estimate (0 for one value, NaN for none).</summary>
    public ReadOnlySpan<double> Spreads => _spreads;

    /// <summary>Gets the number of values per task.</summary>
    public ReadOnlySpan<int> Counts => _counts;

    /// <summary>Gets each worker's mean absolute distance from the estimates of the tasks it answered (0 for workers without values).</summary>
    public ReadOnlySpan<double> WorkerErrors => _workerErrors;

    /// <summary>Returns whether a task has an estimate (at least one value).</summary>
    /// <param name="task">The dense task index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="task"/> is out of range.</exception>
    public bool HasEstimate(int task)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(task);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(task, _counts.Length);
        return _counts[task] > 0;
    }
}

/// <summary>Outlier-resistant aggregation of numeric and ordinal answers: median, trimmed mean, ordinal median.</summary>
public static class RobustAggregation
{
    /// <summary>Takes the median of each task's values (the mean of the two middle values for an even count).</summary>
    /// <param name="annotations">The numeric answers.</param>
    /// <returns>The estimates; the median resists up to half of a task's values being arbitrary.</returns>
    public static ContinuousAggregationResult Median(ContinuousAnnotationSet annotations) =>
        Aggregate(annotations, "median", static sorted => Middle(sorted));

    /// <summary>Takes the mean of each task's values after dropping the lowest and highest share.</summary>
    /// <param name="annotations">The numeric answers.</param>
    /// <param name="trimFraction">The share dropped at each end, in [0, 0.5); the count dropped is rounded down. Typical: 0.2.</param>
    /// <returns>The estimates; with <paramref name="trimFraction"/> 0 this is the mean.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trimFraction"/> is outside [0, 0.5).</exception>
    public static ContinuousAggregationResult TrimmedMean(ContinuousAnnotationSet annotations, double trimFraction = 0.2)
    {
        if (!(trimFraction >= 0 && trimFraction < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(trimFraction), trimFraction, "The trim fraction must lie in [0, 0.5).");
        }

        return Aggregate(annotations, "trimmed-mean", sorted =>
        {
            var drop = (int)(sorted.Length * trimFraction);
            var kept = sorted[drop..^drop];
            var total = 0.0;
            foreach (var v in kept)
            {
                total += v;
            }

            return total / kept.Length;
        });
    }

    /// <summary>
    /// Takes the median class of each task for ordered classes (ratings 0..K-1): the lower median for an even count, so the result
    /// is always a class that was given.
    /// </summary>
    /// <param name="annotations">The labels, whose class ids are ordered.</param>
    /// <param name="gold">Known answers to keep, or <see langword="null"/>.</param>
    /// <returns>A result in the common shape: labels are medians, posteriors are vote shares (so the label need not be the most
    /// voted class), worker skill is <c>1 - mean |label - median| / (K - 1)</c>.</returns>
    /// <exception cref="ArgumentException">The gold labels do not fit the set.</exception>
    public static AggregationResult OrdinalMedian(AnnotationSet annotations, GoldLabels? gold = null)
    {
        var known = ModelMath.CheckInputs(annotations, gold, "ordinal-median");
        var k = annotations.ClassCount;
        var offsets = annotations.TaskOffsets;
        var labels = annotations.Labels;
        var result = new int[annotations.TaskCount];
        var posteriors = new double[annotations.TaskCount * k];
        ModelMath.WeightedVote(annotations, default, ModelMath.LabelFrequencies(annotations), known, posteriors);
        Span<int> counts = k <= 256 ? stackalloc int[k] : new int[k];
        for (var t = 0; t < result.Length; t++)
        {
            var n = offsets[t + 1] - offsets[t];
            if (!known.IsEmpty && known[t] >= 0)
            {
                result[t] = known[t];
                continue;
            }

            if (n == 0)
            {
                result[t] = -1;
                continue;
            }

            counts.Clear();
            for (var i = offsets[t]; i < offsets[t + 1]; i++)
            {
                counts[labels[i]]++;
            }

            // Lower median: the smallest class whose cumulative count reaches ceil(n / 2).
            var target = (n + 1) / 2;
            var cumulative = 0;
            for (var c = 0; c < k; c++)
            {
                cumulative += counts[c];
                if (cumulative >= target)
                {
                    result[t] = c;
                    break;
                }
            }
        }

        var skills = new double[annotations.WorkerCount];
        var answered = new int[annotations.WorkerCount];
        var workers = annotations.Workers;
        var tasks = annotations.Tasks;
        for (var i = 0; i < labels.Length; i++)
        {
            skills[workers[i]] += Math.Abs(labels[i] - result[tasks[i]]);
            answered[workers[i]]++;
        }

        for (var w = 0; w < skills.Length; w++)
        {
            skills[w] = answered[w] == 0 || k == 1 ? 0 : 1 - (skills[w] / answered[w] / (k - 1));
        }

        var priors = ModelMath.MeanPosterior(annotations, posteriors, known);
        return new AggregationResult("ordinal-median", k, result, posteriors, priors, skills, null, 0, true, Array.Empty<double>());
    }

    private static ContinuousAggregationResult Aggregate(ContinuousAnnotationSet annotations, string method, Func<double[], double> estimator)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        var estimates = new double[annotations.TaskCount];
        var spreads = new double[annotations.TaskCount];
        var counts = new int[annotations.TaskCount];
        for (var t = 0; t < estimates.Length; t++)
        {
            var values = annotations.GetTaskValues(t).ToArray();
            counts[t] = values.Length;
            if (values.Length == 0)
            {
                estimates[t] = double.NaN;
                spreads[t] = double.NaN;
                continue;
            }

            Array.Sort(values);
            estimates[t] = estimator(values);
            var deviations = values.Select(v => Math.Abs(v - estimates[t])).ToArray();
            Array.Sort(deviations);
            spreads[t] = Middle(deviations);
        }

        var errors = new double[annotations.WorkerCount];
        var answered = new int[annotations.WorkerCount];
        var offsets = annotations.TaskOffsets;
        var workers = annotations.Workers;
        var all = annotations.Values;
        for (var t = 0; t < estimates.Length; t++)
        {
            for (var i = offsets[t]; i < offsets[t + 1]; i++)
            {
                errors[workers[i]] += Math.Abs(all[i] - estimates[t]);
                answered[workers[i]]++;
            }
        }

        for (var w = 0; w < errors.Length; w++)
        {
            errors[w] = answered[w] > 0 ? errors[w] / answered[w] : 0;
        }

        return new ContinuousAggregationResult(method, estimates, spreads, counts, errors);
    }

    private static double Middle(double[] sorted)
    {
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }
}
