// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Models;

/// <summary>
/// Scores workers by the expected misclassification cost of their labels after correcting them through their confusion matrices
/// (Ipeirotis, Provost and Wang, "Quality management on Amazon Mechanical Turk", HCOMP 2010).
/// </summary>
/// <remarks>
/// <para>A label <c>l</c> from a worker with confusion matrix <c>e</c> (row = true class) is turned into the soft label
/// <c>s_c ∝ π_c e[c, l]</c>. The cost of a soft label is <c>Σ_i Σ_j s_i s_j cost[i, j]</c> (the expected cost of deciding by drawing
/// from it), and the worker's expected cost is its average over the worker's answer distribution <c>P(l) = Σ_c π_c e[c, l]</c>.</para>
/// <para>The score is <c>1 - cost / cost(spammer)</c>, where a spammer's soft label is the prior itself. A worker whose answers
/// carry no information (a random spammer, or one who always gives the majority class) scores 0 however often it "agrees"; an
/// honest but noisy worker scores above 0; a perfect worker scores 1; systematic but invertible errors (a worker who swaps two
/// classes) also score 1, since correction recovers the truth.</para>
/// </remarks>
public static class WorkerQuality
{
    /// <summary>Computes the expected misclassification cost of one worker's corrected soft labels.</summary>
    /// <param name="confusion">The worker's confusion matrix, K × K row-major (row = true class); rows sum to 1.</param>
    /// <param name="priors">The class priors, length K, summing to 1.</param>
    /// <param name="costs">The cost of deciding class <c>j</c> when the truth is <c>i</c>, K × K row-major; empty for 0/1 costs.</param>
    /// <returns>The expected cost, ≥ 0.</returns>
    /// <exception cref="ArgumentException">The lengths do not match, or an entry is negative or not finite.</exception>
    public static double ExpectedCost(ReadOnlySpan<double> confusion, ReadOnlySpan<double> priors, ReadOnlySpan<double> costs = default)
    {
        var k = priors.Length;
        Validate(confusion, priors, costs);
        Span<double> soft = k <= 64 ? stackalloc double[k] : new double[k];
        var total = 0.0;
        for (var l = 0; l < k; l++)
        {
            var answerProbability = 0.0;
            for (var c = 0; c < k; c++)
            {
                soft[c] = priors[c] * confusion[(c * k) + l];
                answerProbability += soft[c];
            }

            if (answerProbability <= 0)
            {
                continue;
            }

            for (var c = 0; c < k; c++)
            {
                soft[c] /= answerProbability;
            }

            total += answerProbability * SoftLabelCost(soft, costs);
        }

        return total;
    }

    /// <summary>Computes the expected cost of a worker whose answers carry no information: the cost of the prior as a soft label.</summary>
    /// <param name="priors">The class priors, length K.</param>
    /// <param name="costs">The K × K cost matrix; empty for 0/1 costs.</param>
    /// <returns>The cost, ≥ 0.</returns>
    /// <exception cref="ArgumentException">The lengths do not match, or an entry is negative or not finite.</exception>
    public static double SpammerCost(ReadOnlySpan<double> priors, ReadOnlySpan<double> costs = default)
    {
        CheckVector(priors, nameof(priors));
        if (!costs.IsEmpty && costs.Length != priors.Length * priors.Length)
        {
            throw new ArgumentException($"Expected {priors.Length} × {priors.Length} costs, got {costs.Length}.", nameof(costs));
        }

        return SoftLabelCost(priors, costs);
    }

    /// <summary>Computes the quality score <c>1 - ExpectedCost / SpammerCost</c> of one worker.</summary>
    /// <param name="confusion">The worker's K × K confusion matrix.</param>
    /// <param name="priors">The class priors, length K.</param>
    /// <param name="costs">The K × K cost matrix; empty for 0/1 costs.</param>
    /// <returns>The score: 1 for a worker whose corrected labels are certain, 0 for a spammer; 1 when even a spammer costs nothing (one class).</returns>
    /// <exception cref="ArgumentException">The lengths do not match, or an entry is negative or not finite.</exception>
    public static double Score(ReadOnlySpan<double> confusion, ReadOnlySpan<double> priors, ReadOnlySpan<double> costs = default)
    {
        var spammer = SpammerCost(priors, costs);
        var cost = ExpectedCost(confusion, priors, costs);
        return spammer > 0 ? 1 - (cost / spammer) : 1;
    }

    /// <summary>Scores every worker of an aggregation result from its confusion matrices and class priors.</summary>
    /// <param name="result">A result that carries confusion matrices.</param>
    /// <param name="costs">The K × K cost matrix; empty for 0/1 costs.</param>
    /// <returns>One score per worker.</returns>
    /// <exception cref="ArgumentException">The result has no confusion matrices (the message names the method), or the costs do not fit.</exception>
    public static double[] Scores(AggregationResult result, ReadOnlySpan<double> costs = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!result.HasConfusionMatrices)
        {
            throw new ArgumentException($"Method '{result.Method}' reports no confusion matrices; worker quality needs them.", nameof(result));
        }

        var kk = result.ClassCount * result.ClassCount;
        var scores = new double[result.ConfusionMatrices.Length / kk];
        for (var w = 0; w < scores.Length; w++)
        {
            scores[w] = Score(result.GetConfusionMatrix(w), result.ClassPriors, costs);
        }

        return scores;
    }

    private static double SoftLabelCost(ReadOnlySpan<double> soft, ReadOnlySpan<double> costs)
    {
        var k = soft.Length;
        if (costs.IsEmpty)
        {
            // 0/1 costs: Σ_{i≠j} s_i s_j = 1 - Σ s_i² (with the sum taken as given, so unnormalized input is not silently fixed).
            var sum = 0.0;
            var squares = 0.0;
            foreach (var s in soft)
            {
                sum += s;
                squares += s * s;
            }

            return Math.Max(0, (sum * sum) - squares);
        }

        var total = 0.0;
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                total += soft[i] * soft[j] * costs[(i * k) + j];
            }
        }

        return total;
    }

    private static void Validate(ReadOnlySpan<double> confusion, ReadOnlySpan<double> priors, ReadOnlySpan<double> costs)
    {
        CheckVector(priors, nameof(priors));
        var k = priors.Length;
        if (confusion.Length != k * k)
        {
            throw new ArgumentException($"Expected a {k} × {k} confusion matrix ({k * k} entries), got {confusion.Length}.", nameof(confusion));
        }

        CheckVector(confusion, nameof(confusion));
        if (!costs.IsEmpty)
        {
            if (costs.Length != k * k)
            {
                throw new ArgumentException($"Expected {k} × {k} costs, got {costs.Length}.", nameof(costs));
            }

            CheckVector(costs, nameof(costs));
        }
    }

    private static void CheckVector(ReadOnlySpan<double> values, string name)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("At least one class is needed.", name);
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (!(values[i] >= 0) || !double.IsFinite(values[i]))
            {
                throw new ArgumentException($"Entry {i} is {values[i]}; every entry must be finite and non-negative.", name);
            }
        }
    }
}
