// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using TokenLabeling.Consensus.Models;

namespace TokenLabeling.Consensus.Streaming;

/// <summary>Dawid-Skene parameters: class priors and one confusion matrix per worker, with the E-step that applies them.</summary>
/// <remarks>
/// Immutable and thread-safe, so one model can be sent to many shards. Workers beyond <see cref="WorkerCount"/> (not seen when the
/// model was made) get a uniform confusion matrix: their labels do not move a posterior until the model has data on them.
/// </remarks>
public sealed class DawidSkeneModel
{
    /// <summary>The default pseudo-count of the M-step.</summary>
    public const double DefaultSmoothing = 1e-4;

    private readonly double[] _priors;
    private readonly double[] _logPriors;
    private readonly double[] _confusion;
    private readonly double[] _logConfusion;

    private DawidSkeneModel(int classCount, double[] priors, double[] confusion)
    {
        ClassCount = classCount;
        _priors = priors;
        _confusion = confusion;
        _logPriors = priors.Select(p => Math.Log(Math.Max(p, 1e-300))).ToArray();
        _logConfusion = confusion.Select(p => Math.Log(Math.Max(p, 1e-300))).ToArray();
    }

    /// <summary>Gets the class count K.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the number of workers with their own confusion matrix.</summary>
    public int WorkerCount => _confusion.Length / (ClassCount * ClassCount);

    /// <summary>Gets the class priors (length K).</summary>
    public ReadOnlySpan<double> ClassPriors => _priors;

    /// <summary>Gets the confusion matrices, <c>WorkerCount × K × K</c>, rows summing to 1.</summary>
    public ReadOnlySpan<double> ConfusionMatrices => _confusion;

    /// <summary>Builds the aggregation result of a set under this model (posteriors, labels, priors, confusion matrices).</summary>
    /// <param name="annotations">The labels (global worker indices; workers beyond the set's own count are not reported).</param>
    /// <param name="gold">Known answers to clamp, or <see langword="null"/>.</param>
    /// <param name="iterations">The iterations that produced the model, for the record.</param>
    /// <param name="converged">Whether the fit converged, for the record.</param>
    /// <param name="trace">The objective per iteration, for the record.</param>
    /// <returns>The result, in the common shape; worker skill is the prior-weighted diagonal <c>Σ_c π_c e[c, c]</c>.</returns>
    /// <exception cref="ArgumentException">The class counts differ or the gold does not fit.</exception>
    public AggregationResult ToResult(AnnotationSet annotations, GoldLabels? gold = null, int iterations = 0, bool converged = true, ReadOnlySpan<double> trace = default)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        var k = ClassCount;
        var posteriors = new double[annotations.TaskCount * k];
        Posteriors(annotations, posteriors, gold);
        var labels = new int[annotations.TaskCount];
        var offsets = annotations.TaskOffsets;
        for (var t = 0; t < labels.Length; t++)
        {
            var hasGold = gold is not null && gold.Labels[t] >= 0;
            if (offsets[t + 1] == offsets[t] && !hasGold)
            {
                labels[t] = -1;
                continue;
            }

            var best = 0;
            for (var c = 1; c < k; c++)
            {
                if (posteriors[(t * k) + c] > posteriors[(t * k) + best])
                {
                    best = c;
                }
            }

            labels[t] = best;
        }

        var w = annotations.WorkerCount;
        var confusion = new double[w * k * k];
        var skills = new double[w];
        for (var j = 0; j < w; j++)
        {
            var block = confusion.AsSpan(j * k * k, k * k);
            if (j < WorkerCount)
            {
                _confusion.AsSpan(j * k * k, k * k).CopyTo(block);
            }
            else
            {
                block.Fill(1.0 / k);
            }

            for (var c = 0; c < k; c++)
            {
                skills[j] += _priors[c] * block[(c * k) + c];
            }
        }

        return new AggregationResult("online-ds", k, labels, posteriors, (double[])_priors.Clone(), skills, confusion, iterations, converged, trace.ToArray());
    }

    /// <summary>Computes the posteriors of every task of a set (the E-step) and their log-likelihood.</summary>
    /// <param name="annotations">The labels (global worker indices).</param>
    /// <param name="destination">Receives <c>TaskCount × K</c> posteriors; tasks without labels or gold get the priors.</param>
    /// <param name="gold">Known answers to clamp, or <see langword="null"/>.</param>
    /// <returns>The log-likelihood of the labels (gold tasks at their known class).</returns>
    /// <exception cref="ArgumentException">The class counts differ, the destination is too short, or the gold does not fit.</exception>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Posteriors(AnnotationSet annotations, Span<double> destination, GoldLabels? gold = null)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        var k = ClassCount;
        if (annotations.ClassCount != k)
        {
            throw new ArgumentException($"The model has {k} classes but the set has {annotations.ClassCount}.", nameof(annotations));
        }

        if (destination.Length < annotations.TaskCount * k)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; {annotations.TaskCount} × {k} are needed.", nameof(destination));
        }

        if (gold is not null && (gold.Labels.Length != annotations.TaskCount || gold.ClassCount != k))
        {
            throw new ArgumentException($"The gold labels cover {gold.Labels.Length} tasks and {gold.ClassCount} classes; the set has {annotations.TaskCount} and {k}.", nameof(gold));
        }

        var offsets = annotations.TaskOffsets;
        var workers = annotations.Workers;
        var labels = annotations.Labels;
        var known = gold is null ? default : gold.Labels;
        var logLikelihood = 0.0;
        for (var t = 0; t < annotations.TaskCount; t++)
        {
            var row = destination.Slice(t * k, k);
            var goldClass = known.IsEmpty ? -1 : known[t];
            if (offsets[t + 1] == offsets[t] && goldClass < 0)
            {
                _priors.CopyTo(row);
                continue;
            }

            logLikelihood += TaskPosterior(workers[offsets[t]..offsets[t + 1]], labels[offsets[t]..offsets[t + 1]], goldClass, row);
        }

        return logLikelihood;
    }

    /// <summary>Runs the E-step on a set and returns the statistics it contributes (to be merged with other shards').</summary>
    /// <param name="annotations">The labels of one shard of tasks (global worker indices).</param>
    /// <param name="gold">Known answers to clamp, or <see langword="null"/>.</param>
    /// <param name="logLikelihood">The log-likelihood of the shard's labels under this model.</param>
    /// <returns>The shard's statistics.</returns>
    /// <exception cref="ArgumentException">The class counts differ or the gold does not fit.</exception>
    public DawidSkeneStatistics Expect(AnnotationSet annotations, GoldLabels? gold, out double logLikelihood)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        var posteriors = new double[annotations.TaskCount * ClassCount];
        logLikelihood = Posteriors(annotations, posteriors, gold);
        if (gold is not null)
        {
            // Gold tasks without labels still count toward the priors; FromPosteriors skips label-less tasks, so add them here.
            var extra = DawidSkeneStatistics.FromPosteriors(annotations, posteriors);
            var goldOnly = new double[ClassCount];
            long count = 0;
            var offsets = annotations.TaskOffsets;
            for (var t = 0; t < annotations.TaskCount; t++)
            {
                if (gold.Labels[t] >= 0 && offsets[t + 1] == offsets[t])
                {
                    goldOnly[gold.Labels[t]]++;
                    count++;
                }
            }

            return count == 0 ? extra : extra.Merge(new DawidSkeneStatistics(ClassCount, goldOnly, [], count, 0));
        }

        return DawidSkeneStatistics.FromPosteriors(annotations, posteriors);
    }

    /// <summary>Computes one task's posterior from its labels; returns the log of the normalizer (the task's log-likelihood).</summary>
    internal double TaskPosterior(ReadOnlySpan<int> workers, ReadOnlySpan<int> labels, int goldClass, Span<double> row)
    {
        var k = ClassCount;
        var seen = WorkerCount;
        var uniform = -Math.Log(k);
        _logPriors.CopyTo(row);
        for (var i = 0; i < workers.Length; i++)
        {
            var w = workers[i];
            if (w >= seen)
            {
                for (var c = 0; c < k; c++)
                {
                    row[c] += uniform;
                }

                continue;
            }

            var baseIndex = (w * k * k) + labels[i];
            for (var c = 0; c < k; c++)
            {
                row[c] += _logConfusion[baseIndex + (c * k)];
            }
        }

        if (goldClass >= 0)
        {
            var value = row[goldClass];
            row.Clear();
            row[goldClass] = 1;
            return value;
        }

        return ModelMath.SoftmaxInPlace(row);
    }

    internal static DawidSkeneModel FromCounts(int k, ReadOnlySpan<double> classCounts, ReadOnlySpan<double> confusionCounts, double smoothing)
    {
        if (!(smoothing >= 0) || !double.IsFinite(smoothing))
        {
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "The smoothing pseudo-count must be finite and non-negative.");
        }

        var priors = new double[k];
        var total = 0.0;
        for (var c = 0; c < k; c++)
        {
            priors[c] = Math.Max(0, classCounts[c]) + smoothing;
            total += priors[c];
        }

        Normalize(priors, total);
        var confusion = new double[confusionCounts.Length];
        for (var r = 0; r < confusion.Length / k; r++)
        {
            var rowTotal = 0.0;
            for (var l = 0; l < k; l++)
            {
                // Incremental updates subtract and re-add contributions; clamp the rounding residue at zero.
                confusion[(r * k) + l] = Math.Max(0, confusionCounts[(r * k) + l]) + smoothing;
                rowTotal += confusion[(r * k) + l];
            }

            Normalize(confusion.AsSpan(r * k, k), rowTotal);
        }

        return new DawidSkeneModel(k, priors, confusion);
    }

    private static void Normalize(Span<double> values, double total)
    {
        if (total > 0)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] /= total;
            }
        }
        else
        {
            values.Fill(1.0 / values.Length);
        }
    }
}
