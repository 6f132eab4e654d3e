// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;

namespace TokenLabeling.Consensus.Streaming;

/// <summary>
/// The sufficient statistics of Dawid-Skene: expected class counts and expected per-worker confusion counts. They add up across
/// tasks, so statistics computed on disjoint shards of tasks merge by summation.
/// </summary>
/// <remarks>
/// <para>Immutable and thread-safe. Worker indices are global: every shard must use the same dense worker index space (build shard
/// sets with <see cref="AnnotationSet.FromIndices"/> and a shared worker numbering). A shard that saw fewer workers simply has
/// fewer rows; merging pads with zeros.</para>
/// <para>Entry <c>[w, c, l]</c> of <see cref="ConfusionCounts"/>, at <c>(w * K + c) * K + l</c>, is the posterior mass of class
/// <c>c</c> summed over the labels <c>l</c> that worker <c>w</c> gave.</para>
/// </remarks>
public sealed class DawidSkeneStatistics
{
    private readonly double[] _classCounts;
    private readonly double[] _confusionCounts;

    internal DawidSkeneStatistics(int classCount, double[] classCounts, double[] confusionCounts, long taskCount, long labelCount)
    {
        ClassCount = classCount;
        _classCounts = classCounts;
        _confusionCounts = confusionCounts;
        TaskCount = taskCount;
        LabelCount = labelCount;
    }

    /// <summary>Gets the class count K.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the number of worker rows (the largest worker index seen + 1).</summary>
    public int WorkerCount => _confusionCounts.Length / (ClassCount * ClassCount);

    /// <summary>Gets the number of tasks (with at least one label or a gold answer) the statistics summarise.</summary>
    public long TaskCount { get; }

    /// <summary>Gets the number of labels the statistics summarise.</summary>
    public long LabelCount { get; }

    /// <summary>Gets the expected number of tasks of each class (length K).</summary>
    public ReadOnlySpan<double> ClassCounts => _classCounts;

    /// <summary>Gets the expected confusion counts, <c>WorkerCount × K × K</c>.</summary>
    public ReadOnlySpan<double> ConfusionCounts => _confusionCounts;

    /// <summary>Returns empty statistics (no tasks, no workers).</summary>
    /// <param name="classCount">The class count K, at least 1.</param>
    /// <returns>The empty statistics, the identity of <see cref="Merge(DawidSkeneStatistics)"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 1.</exception>
    public static DawidSkeneStatistics Empty(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        return new DawidSkeneStatistics(classCount, new double[classCount], [], 0, 0);
    }

    /// <summary>Computes the statistics of a set from given task posteriors (for example majority-vote shares, to start EM).</summary>
    /// <param name="annotations">The labels (worker indices global across shards).</param>
    /// <param name="posteriors">Task-major posteriors, <c>TaskCount × K</c>; tasks without labels are skipped.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="ArgumentException"><paramref name="posteriors"/> has the wrong length.</exception>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DawidSkeneStatistics FromPosteriors(AnnotationSet annotations, ReadOnlySpan<double> posteriors)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        var k = annotations.ClassCount;
        if (posteriors.Length != annotations.TaskCount * k)
        {
            throw new ArgumentException($"Expected {annotations.TaskCount} × {k} posteriors, got {posteriors.Length}.", nameof(posteriors));
        }

        var classCounts = new double[k];
        var confusion = new double[annotations.WorkerCount * k * k];
        var offsets = annotations.TaskOffsets;
        var workers = annotations.Workers;
        var labels = annotations.Labels;
        long tasks = 0;
        for (var t = 0; t < annotations.TaskCount; t++)
        {
            if (offsets[t + 1] == offsets[t])
            {
                continue;
            }

            tasks++;
            Accumulate(posteriors.Slice(t * k, k), workers[offsets[t]..offsets[t + 1]], labels[offsets[t]..offsets[t + 1]], classCounts, confusion, 1.0);
        }

        return new DawidSkeneStatistics(k, classCounts, confusion, tasks, annotations.LabelCount);
    }

    /// <summary>Adds two sets of statistics (from disjoint task shards).</summary>
    /// <param name="other">The other statistics, with the same class count.</param>
    /// <returns>The sum; worker rows missing on one side count as zero.</returns>
    /// <exception cref="ArgumentException">The class counts differ.</exception>
    public DawidSkeneStatistics Merge(DawidSkeneStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.ClassCount != ClassCount)
        {
            throw new ArgumentException($"Cannot merge statistics with {other.ClassCount} classes into statistics with {ClassCount}.", nameof(other));
        }

        var classCounts = new double[ClassCount];
        for (var c = 0; c < ClassCount; c++)
        {
            classCounts[c] = _classCounts[c] + other._classCounts[c];
        }

        var longer = _confusionCounts.Length >= other._confusionCounts.Length ? _confusionCounts : other._confusionCounts;
        var shorter = ReferenceEquals(longer, _confusionCounts) ? other._confusionCounts : _confusionCounts;
        var confusion = (double[])longer.Clone();
        for (var i = 0; i < shorter.Length; i++)
        {
            confusion[i] += shorter[i];
        }

        return new DawidSkeneStatistics(ClassCount, classCounts, confusion, TaskCount + other.TaskCount, LabelCount + other.LabelCount);
    }

    /// <summary>Adds any number of statistics.</summary>
    /// <param name="parts">The statistics to add; at least one.</param>
    /// <returns>The sum.</returns>
    /// <exception cref="ArgumentException"><paramref name="parts"/> is empty or the class counts differ.</exception>
    public static DawidSkeneStatistics Merge(IEnumerable<DawidSkeneStatistics> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        DawidSkeneStatistics? total = null;
        foreach (var part in parts)
        {
            total = total is null ? part : total.Merge(part);
        }

        return total ?? throw new ArgumentException("At least one set of statistics is needed.", nameof(parts));
    }

    /// <summary>Turns the statistics into model parameters (the M-step), with additive smoothing.</summary>
    /// <param name="smoothing">The pseudo-count added to every class count and confusion cell, ≥ 0. Typical: 1e-4 (larger values pull rarely seen workers toward uniform).</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="smoothing"/> is negative or not finite.</exception>
    public DawidSkeneModel ToModel(double smoothing = DawidSkeneModel.DefaultSmoothing) =>
        DawidSkeneModel.FromCounts(ClassCount, _classCounts, _confusionCounts, smoothing);

    internal static void Accumulate(ReadOnlySpan<double> posterior, ReadOnlySpan<int> workers, ReadOnlySpan<int> labels, Span<double> classCounts, Span<double> confusion, double sign)
    {
        var k = posterior.Length;
        for (var c = 0; c < k; c++)
        {
            classCounts[c] += sign * posterior[c];
        }

        for (var i = 0; i < workers.Length; i++)
        {
            var baseIndex = workers[i] * k * k;
            for (var c = 0; c < k; c++)
            {
                confusion[baseIndex + (c * k) + labels[i]] += sign * posterior[c];
            }
        }
    }
}
