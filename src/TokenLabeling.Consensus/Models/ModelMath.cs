// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace TokenLabeling.Consensus.Models;

/// <summary>Shared building blocks of the models: validation, gold clamping, voting, argmax and empirical confusion matrices.</summary>
internal static class ModelMath
{
    /// <summary>The floor applied to probabilities before taking logarithms, so that no model ever produces -∞ or NaN.</summary>
    public const double ProbabilityFloor = 1e-12;

    /// <summary>Checks the set and the gold labels at the public boundary and returns the gold entries (empty when none).</summary>
    public static ReadOnlySpan<int> CheckInputs(AnnotationSet annotations, GoldLabels? gold, string method)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (gold is null)
        {
            return default;
        }

        if (gold.Labels.Length != annotations.TaskCount)
        {
            throw new ArgumentException($"{method}: gold labels cover {gold.Labels.Length} tasks but the set has {annotations.TaskCount}.", nameof(gold));
        }

        if (gold.ClassCount != annotations.ClassCount)
        {
            throw new ArgumentException($"{method}: gold labels have {gold.ClassCount} classes but the set has {annotations.ClassCount}.", nameof(gold));
        }

        return gold.Labels;
    }

    /// <summary>Overwrites the posterior rows of gold tasks with the one-hot vector of their known class.</summary>
    public static void ClampGold(Span<double> posteriors, ReadOnlySpan<int> gold, int k)
    {
        for (var t = 0; t < gold.Length; t++)
        {
            if (gold[t] >= 0)
            {
                var row = posteriors.Slice(t * k, k);
                row.Clear();
                row[gold[t]] = 1;
            }
        }
    }

    /// <summary>
    /// Writes weighted vote shares per task: <c>posteriors[t, c] = Σ weight[w] over labels c of task t, / Σ weight</c>.
    /// Tasks without labels (or with zero total weight) get the supplied fallback distribution; gold tasks are clamped.
    /// </summary>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightedVote(AnnotationSet set, ReadOnlySpan<double> workerWeights, ReadOnlySpan<double> fallback, ReadOnlySpan<int> gold, Span<double> posteriors)
    {
        var k = set.ClassCount;
        var offsets = set.TaskOffsets;
        var workers = set.Workers;
        var labels = set.Labels;
        for (var t = 0; t < set.TaskCount; t++)
        {
            VoteRow(labels, workers, offsets[t], offsets[t + 1], workerWeights, fallback, posteriors.Slice(t * k, k));
        }

        ClampGold(posteriors, gold, k);
    }

    /// <summary>
    /// One task's weighted vote shares: each label <c>i</c> in <c>[start, end)</c> adds its worker's weight (1 when
    /// <paramref name="workerWeights"/> is empty) to its class, and the row is divided by the total; a row with no weight gets
    /// <paramref name="fallback"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void VoteRow(
        ReadOnlySpan<int> labels, ReadOnlySpan<int> workers, int start, int end, ReadOnlySpan<double> workerWeights, ReadOnlySpan<double> fallback, Span<double> row)
    {
        row.Clear();
        var total = 0.0;
        for (var i = start; i < end; i++)
        {
            var weight = workerWeights.IsEmpty ? 1.0 : workerWeights[workers[i]];
            row[labels[i]] += weight;
            total += weight;
        }

        if (total > 0)
        {
            var inv = 1.0 / total;
            for (var c = 0; c < row.Length; c++)
            {
                row[c] *= inv;
            }
        }
        else
        {
            fallback.CopyTo(row);
        }
    }

    /// <summary>Returns the share of each class among all labels (uniform when the set has no labels).</summary>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] LabelFrequencies(AnnotationSet set)
    {
        var k = set.ClassCount;
        var freq = new double[k];
        foreach (var l in set.Labels)
        {
            freq[l]++;
        }

        Normalize(freq, set.LabelCount);
        return freq;
    }

    /// <summary>
    /// The mean posterior from per-range sums: range <c>c</c> holds K posterior sums at <c>c·K</c> and its task count; the sums are
    /// added in range order (uniform when no range has a task).
    /// </summary>
    public static double[] MeanOfRangeSums(ReadOnlySpan<double> posteriorSums, ReadOnlySpan<int> taskCounts, int k)
    {
        var mean = new double[k];
        var tasks = 0;
        for (var c = 0; c < taskCounts.Length; c++)
        {
            tasks += taskCounts[c];
            for (var l = 0; l < k; l++)
            {
                mean[l] += posteriorSums[(c * k) + l];
            }
        }

        Normalize(mean, tasks);
        return mean;
    }

    /// <summary>Divides by the total, or fills uniformly when the total is not positive.</summary>
    public static void Normalize(Span<double> values, double total)
    {
        if (total > 0 && double.IsFinite(total))
        {
            var inv = 1.0 / total;
            for (var i = 0; i < values.Length; i++)
            {
                values[i] *= inv;
            }
        }
        else
        {
            values.Fill(1.0 / values.Length);
        }
    }

    /// <summary>Normalizes a vector by its own sum (uniform when the sum is not positive).</summary>
    public static void Normalize(Span<double> values)
    {
        var total = 0.0;
        foreach (var v in values)
        {
            total += v;
        }

        Normalize(values, total);
    }

    /// <summary>
    /// Picks one class per task: the largest posterior; exact ties go to the class that the tie-break order ranks first
    /// (by default the more frequent class overall, then the lower id), so ties never depend on storage order.
    /// Tasks with no labels and no gold get -1.
    /// </summary>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int[] ArgMax(AnnotationSet set, ReadOnlySpan<double> posteriors, ReadOnlySpan<double> tieBreak, ReadOnlySpan<int> gold)
    {
        var k = set.ClassCount;
        var result = new int[set.TaskCount];
        var offsets = set.TaskOffsets;
        for (var t = 0; t < result.Length; t++)
        {
            if (offsets[t + 1] == offsets[t] && (gold.IsEmpty || gold[t] < 0))
            {
                result[t] = -1;
                continue;
            }

            result[t] = ArgMax(posteriors.Slice(t * k, k), tieBreak);
        }

        return result;
    }

    /// <summary>Returns the tie-break order for a rule: the label frequencies for <see cref="TieBreaking.MostFrequentClass"/>, empty (lower id first) otherwise.</summary>
    public static ReadOnlySpan<double> TieBreakOrder(TieBreaking rule, double[] frequencies) =>
        rule == TieBreaking.MostFrequentClass ? frequencies : default;

    /// <summary>Returns the index of the largest value; ties go to the larger <paramref name="tieBreak"/> entry, then the lower index.</summary>
    public static int ArgMax(ReadOnlySpan<double> row, ReadOnlySpan<double> tieBreak)
    {
        var best = 0;
        for (var c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best] || (row[c] == row[best] && !tieBreak.IsEmpty && tieBreak[c] > tieBreak[best]))
            {
                best = c;
            }
        }

        return best;
    }

    /// <summary>Returns the mean posterior over tasks that have labels or gold (uniform when there are none).</summary>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] MeanPosterior(AnnotationSet set, ReadOnlySpan<double> posteriors, ReadOnlySpan<int> gold)
    {
        var k = set.ClassCount;
        var priors = new double[k];
        var offsets = set.TaskOffsets;
        var n = 0;
        for (var t = 0; t < set.TaskCount; t++)
        {
            if (offsets[t + 1] == offsets[t] && (gold.IsEmpty || gold[t] < 0))
            {
                continue;
            }

            n++;
            for (var c = 0; c < k; c++)
            {
                priors[c] += posteriors[(t * k) + c];
            }
        }

        Normalize(priors, n);
        return priors;
    }

    /// <summary>
    /// Estimates each worker's confusion matrix from soft counts: entry <c>[w, c, l]</c> is the posterior mass of class <c>c</c>
    /// over the tasks where <c>w</c> answered <c>l</c>, row-normalized after adding <paramref name="smoothing"/> to every cell.
    /// Rows without mass become uniform.
    /// </summary>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] EmpiricalConfusion(AnnotationSet set, ReadOnlySpan<double> posteriors, double smoothing)
    {
        var k = set.ClassCount;
        var confusion = new double[set.WorkerCount * k * k];
        var tasks = set.Tasks;
        var workers = set.Workers;
        var labels = set.Labels;
        for (var i = 0; i < labels.Length; i++)
        {
            var baseIndex = workers[i] * k * k;
            var row = posteriors.Slice(tasks[i] * k, k);
            for (var c = 0; c < k; c++)
            {
                confusion[baseIndex + (c * k) + labels[i]] += row[c];
            }
        }

        for (var r = 0; r < set.WorkerCount * k; r++)
        {
            var row = confusion.AsSpan(r * k, k);
            var total = 0.0;
            for (var l = 0; l < k; l++)
            {
                row[l] += smoothing;
                total += row[l];
            }

            Normalize(row, total);
        }

        return confusion;
    }

    /// <summary>Builds a symmetric one-coin confusion matrix per worker: <c>skill</c> on the diagonal, the rest spread evenly.</summary>
    public static double[] OneCoinConfusion(ReadOnlySpan<double> skills, int k)
    {
        var confusion = new double[skills.Length * k * k];
        for (var w = 0; w < skills.Length; w++)
        {
            var off = k > 1 ? (1 - skills[w]) / (k - 1) : 0;
            for (var c = 0; c < k; c++)
            {
                for (var l = 0; l < k; l++)
                {
                    confusion[(((w * k) + c) * k) + l] = c == l ? (k > 1 ? skills[w] : 1) : off;
                }
            }
        }

        return confusion;
    }

    /// <summary>Throws when an objective or parameter stopped being finite, naming the method and the iteration.</summary>
    public static void EnsureFinite(double value, string method, int iteration, string what)
    {
        if (!double.IsFinite(value))
        {
            throw new ArithmeticException($"{method}: {what} became {value} at iteration {iteration}; the input is degenerate for this model.");
        }
    }

    /// <summary>Turns log-scores into probabilities in place and returns the log of their normalizer (log-sum-exp).</summary>
    public static double SoftmaxInPlace(Span<double> logScores)
    {
        var max = double.NegativeInfinity;
        foreach (var v in logScores)
        {
            max = Math.Max(max, v);
        }

        var total = 0.0;
        for (var c = 0; c < logScores.Length; c++)
        {
            logScores[c] = Math.Exp(logScores[c] - max);
            total += logScores[c];
        }

        var inv = 1.0 / total;
        for (var c = 0; c < logScores.Length; c++)
        {
            logScores[c] *= inv;
        }

        return max + Math.Log(total);
    }

    /// <summary>Returns log(1 + e^x) without overflow.</summary>
    public static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

    /// <summary>Returns the logistic function 1 / (1 + e^-x).</summary>
    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    /// <summary>The result for a set with one class: every task with labels or gold gets class 0 with certainty.</summary>
    public static AggregationResult SingleClass(AnnotationSet set, ReadOnlySpan<int> gold, string method)
    {
        var posteriors = new double[set.TaskCount];
        posteriors.AsSpan().Fill(1.0);
        var labels = ArgMax(set, posteriors, default, gold);
        var skills = new double[set.WorkerCount];
        skills.AsSpan().Fill(1.0);
        return new AggregationResult(method, 1, labels, posteriors, new[] { 1.0 }, skills, OneCoinConfusion(skills, 1), 0, true, Array.Empty<double>());
    }

    /// <summary>
    /// Turns every K-wide row of log-scores into probabilities in place, with one whole-span (vectorized) exponential, and writes
    /// each row's log-normalizer (log-sum-exp) into <paramref name="logNormalizers"/>.
    /// </summary>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxRows(Span<double> scores, int k, Span<double> logNormalizers)
    {
        var rows = logNormalizers.Length;
        for (var t = 0; t < rows; t++)
        {
            var row = scores.Slice(t * k, k);
            var max = double.NegativeInfinity;
            foreach (var v in row)
            {
                max = Math.Max(max, v);
            }

            logNormalizers[t] = max;
            for (var c = 0; c < k; c++)
            {
                row[c] -= max;
            }
        }

        TensorPrimitives.Exp(scores[..(rows * k)], scores);
        for (var t = 0; t < rows; t++)
        {
            var row = scores.Slice(t * k, k);
            var total = 0.0;
            foreach (var v in row)
            {
                total += v;
            }

            var inv = 1.0 / total;
            for (var c = 0; c < k; c++)
            {
                row[c] *= inv;
            }

            logNormalizers[t] += Math.Log(total);
        }
    }
}
