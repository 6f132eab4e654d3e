// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;

namespace TokenLabeling.Consensus.Models;

/// <summary>Options of <see cref="Mace"/>.</summary>
public sealed record MaceOptions
{
    /// <summary>Gets the default options.</summary>
    public static MaceOptions Default { get; } = new();

    /// <summary>Gets the EM iteration limit. Default 50.</summary>
    public int MaxIterations { get; init; } = 50;

    /// <summary>Gets the stopping tolerance on the change of the log-likelihood per label; 0 runs every iteration. Default 1e-7.</summary>
    public double Tolerance { get; init; } = 1e-7;

    /// <summary>Gets the Beta prior pseudo-count for "answered knowingly" (adds to the competence numerator). Default 0.5.</summary>
    public double CompetencePriorKnowing { get; init; } = 0.5;

    /// <summary>Gets the Beta prior pseudo-count for "answered at random". Default 0.5.</summary>
    public double CompetencePriorSpamming { get; init; } = 0.5;

    /// <summary>Gets the Dirichlet pseudo-count added to every class of a worker's spamming distribution. Default 10 (as in the original MACE).</summary>
    public double SpamSmoothing { get; init; } = 10.0;

    /// <summary>
    /// Gets whether the class priors are re-estimated (otherwise uniform, as in the original model). Default true: on sets whose
    /// classes are imbalanced (zencrowd_us) uniform priors cost about 3 points of accuracy.
    /// </summary>
    public bool EstimateClassPriors { get; init; } = true;

    /// <summary>
    /// Gets whether the M-step uses mean-field variational Bayes (weights <c>exp E[ln θ]</c> from digamma functions, as in the
    /// original MACE) instead of point estimates. Default true: the variational weights shrink workers with few labels harder.
    /// </summary>
    public bool Variational { get; init; } = true;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
        ArgumentOutOfRangeException.ThrowIfNegative(Tolerance, nameof(Tolerance));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CompetencePriorKnowing, nameof(CompetencePriorKnowing));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CompetencePriorSpamming, nameof(CompetencePriorSpamming));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SpamSmoothing, nameof(SpamSmoothing));
    }
}

/// <summary>
/// MACE, Multi-Annotator Competence Estimation (Hovy et al., NAACL 2013): each label is either the true class, with the worker's
/// competence θ, or a draw from the worker's own spamming distribution ξ.
/// </summary>
/// <remarks>
/// <para>Fitted by mean-field variational Bayes (or EM with pseudo-counts, see <see cref="MaceOptions.Variational"/>) from a
/// deterministic start (θ from agreement with the majority vote, ξ uniform), so one run replaces the random restarts of the
/// original. Memory is linear in labels + workers × K.</para>
/// <para>The label distribution given true class <c>c</c> is <c>θ [l = c] + (1 - θ) ξ(l)</c>; the result reports θ as the worker
/// skill and exactly that matrix as the confusion matrix. Gold tasks keep their known class in every E-step.</para>
/// </remarks>
public sealed class Mace : ILabelAggregator
{
    /// <summary>Initializes the model.</summary>
    /// <param name="options">The options; <see langword="null"/> for <see cref="MaceOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Mace(MaceOptions? options = null)
    {
        Options = options ?? MaceOptions.Default;
        Options.Validate();
    }

    /// <summary>Gets the options.</summary>
    public MaceOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "mace";

    /// <inheritdoc/>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public AggregationResult Aggregate(AnnotationSet annotations, GoldLabels? gold = null, IProgress<AggregationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var goldLabels = ModelMath.CheckInputs(annotations, gold, Name);
        var k = annotations.ClassCount;
        if (k == 1)
        {
            return ModelMath.SingleClass(annotations, goldLabels, Name);
        }

        var o = Options;
        var taskCount = annotations.TaskCount;
        var workerCount = annotations.WorkerCount;
        var offsets = annotations.TaskOffsets;
        var workers = annotations.Workers;
        var labels = annotations.Labels;
        var n = annotations.LabelCount;

        // Start: θ = agreement with the majority vote (kept away from 0 and 1), ξ uniform.
        var frequencies = ModelMath.LabelFrequencies(annotations);
        var posteriors = new double[taskCount * k];
        ModelMath.WeightedVote(annotations, default, frequencies, goldLabels, posteriors);
        var competence = new double[workerCount];
        ModelMath.Agreement(annotations, ModelMath.ArgMax(annotations, posteriors, frequencies, goldLabels), competence);
        for (var w = 0; w < workerCount; w++)
        {
            competence[w] = Math.Clamp(competence[w], 0.05, 0.95);
        }

        // Weight of "answered at random": 1 - θ under EM; under variational Bayes both weights are exp(E[ln ·]) and need not sum to 1.
        var randomWeight = new double[workerCount];
        for (var w = 0; w < workerCount; w++)
        {
            randomWeight[w] = 1 - competence[w];
        }

        var spam = new double[workerCount * k];
        spam.AsSpan().Fill(1.0 / k);
        var priors = new double[k];
        priors.AsSpan().Fill(1.0 / k);
        var logPriors = new double[k];
        var knowing = new double[workerCount];
        var randomTerm = new double[workerCount * k];
        var knowingShare = new double[workerCount * k];
        var knowingGain = new double[workerCount * k];
        var counts = new double[workerCount];
        var spamCounts = new double[workerCount * k];
        var baselines = new double[taskCount];
        var logNormalizers = new double[taskCount];
        var trace = new List<double>();
        var previous = double.NegativeInfinity;
        var converged = false;
        var iterations = 0;

        for (var it = 1; it <= o.MaxIterations; it++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var c = 0; c < k; c++)
            {
                logPriors[c] = Math.Log(Math.Max(priors[c], ModelMath.ProbabilityFloor));
            }

            // The label terms depend only on (worker, answered class): tabulate them once per iteration, W × K logarithms,
            // instead of two logarithms per label.
            for (var w = 0; w < workerCount; w++)
            {
                for (var l = 0; l < k; l++)
                {
                    var random = randomWeight[w] * spam[(w * k) + l];
                    var logRandom = Math.Log(Math.Max(random, ModelMath.ProbabilityFloor));
                    randomTerm[(w * k) + l] = logRandom;
                    knowingGain[(w * k) + l] = Math.Log(competence[w] + random) - logRandom;
                }
            }

            // E-step over tasks: log p(c | labels) = log π_c + Σ log((1-θ)ξ(l)) + Σ_{labels equal to c} [log(θ + (1-θ)ξ(l)) - log((1-θ)ξ(l))].
            var objective = 0.0;
            for (var t = 0; t < taskCount; t++)
            {
                var row = posteriors.AsSpan(t * k, k);
                logPriors.CopyTo(row);
                var baseline = 0.0;
                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    var cell = (workers[i] * k) + labels[i];
                    baseline += randomTerm[cell];
                    row[labels[i]] += knowingGain[cell];
                }

                baselines[t] = baseline;
                if (!goldLabels.IsEmpty && goldLabels[t] >= 0)
                {
                    objective += row[goldLabels[t]] + baseline;
                }
            }

            // One vectorized exponential over all T × K scores; gold and label-less rows are overwritten after it.
            ModelMath.SoftmaxRows(posteriors, k, logNormalizers);

            // The expected counts of the M-step are gathered in the same pass: a label equal to the true class was given
            // knowingly with probability θ / (θ + (1-θ)ξ(l)), which depends only on (worker, class) and is tabulated.
            for (var w = 0; w < workerCount; w++)
            {
                for (var l = 0; l < k; l++)
                {
                    knowingShare[(w * k) + l] = competence[w] / (competence[w] + (randomWeight[w] * spam[(w * k) + l]));
                }
            }

            knowing.AsSpan().Clear();
            counts.AsSpan().Clear();
            spamCounts.AsSpan().Clear();
            for (var t = 0; t < taskCount; t++)
            {
                var row = posteriors.AsSpan(t * k, k);
                if (!goldLabels.IsEmpty && goldLabels[t] >= 0)
                {
                    row.Clear();
                    row[goldLabels[t]] = 1;
                }
                else if (offsets[t + 1] > offsets[t])
                {
                    objective += logNormalizers[t] + baselines[t];
                }
                else
                {
                    priors.CopyTo(row);
                }

                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    var cell = (workers[i] * k) + labels[i];
                    var knew = row[labels[i]] * knowingShare[cell];
                    knowing[workers[i]] += knew;
                    counts[workers[i]]++;
                    spamCounts[cell] += 1 - knew;
                }
            }

            ModelMath.EnsureFinite(objective, Name, it, "the log-likelihood");
            trace.Add(objective);
            iterations = it;
            var change = objective - previous;
            progress?.Report(new AggregationProgress(it, o.MaxIterations, objective, change));
            if (Math.Abs(change) <= o.Tolerance * Math.Max(1, n))
            {
                converged = true;
                break;
            }

            previous = objective;
            if (it == o.MaxIterations)
            {
                break;
            }

            // M-step from the expected counts gathered above.
            for (var w = 0; w < workerCount; w++)
            {
                var knowingMass = knowing[w] + o.CompetencePriorKnowing;
                var randomMass = counts[w] - knowing[w] + o.CompetencePriorSpamming;
                var row = spam.AsSpan(w * k, k);
                var total = 0.0;
                for (var l = 0; l < k; l++)
                {
                    row[l] = spamCounts[(w * k) + l] + o.SpamSmoothing;
                    total += row[l];
                }

                if (o.Variational)
                {
                    var all = SpecialFunctions.Digamma(knowingMass + randomMass);
                    competence[w] = Math.Exp(SpecialFunctions.Digamma(knowingMass) - all);
                    randomWeight[w] = Math.Exp(SpecialFunctions.Digamma(randomMass) - all);
                    var allSpam = SpecialFunctions.Digamma(total);
                    for (var l = 0; l < k; l++)
                    {
                        row[l] = Math.Exp(SpecialFunctions.Digamma(row[l]) - allSpam);
                    }
                }
                else
                {
                    competence[w] = knowingMass / (knowingMass + randomMass);
                    randomWeight[w] = 1 - competence[w];
                    ModelMath.Normalize(row, total);
                }
            }

            if (o.EstimateClassPriors)
            {
                ModelMath.MeanPosterior(annotations, posteriors, goldLabels).CopyTo(priors, 0);
            }
        }

        var confusion = new double[workerCount * k * k];
        for (var w = 0; w < workerCount; w++)
        {
            // Report proper probabilities: rescale the two weights (and the spam distribution) so that each row sums to 1.
            var spamRow = spam.AsSpan(w * k, k);
            ModelMath.Normalize(spamRow);
            var scale = competence[w] + randomWeight[w];
            competence[w] /= scale;
            randomWeight[w] /= scale;
            for (var c = 0; c < k; c++)
            {
                for (var l = 0; l < k; l++)
                {
                    confusion[(((w * k) + c) * k) + l] = (randomWeight[w] * spam[(w * k) + l]) + (c == l ? competence[w] : 0);
                }
            }
        }

        var result = ModelMath.ArgMax(annotations, posteriors, priors, goldLabels);
        return new AggregationResult(Name, k, result, posteriors, priors, competence, confusion, iterations, converged, trace.ToArray());
    }
}
