// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using TokenLabeling.Consensus.Aggregators;

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
        var n = annotations.LabelCount;

        // Start: θ = agreement with the majority vote (kept away from 0 and 1), ξ uniform.
        var frequencies = ModelMath.LabelFrequencies(annotations);
        var posteriors = new double[taskCount * k];
        ModelMath.WeightedVote(annotations, default, frequencies, goldLabels, posteriors);
        var competence = VoteDecisions.AgreementWithLabels(annotations, ModelMath.ArgMax(annotations, posteriors, frequencies, goldLabels));
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
        var pass = new Pass(annotations, goldLabels, posteriors, competence, randomWeight, spam, priors);
        var trace = new List<double>();
        var previous = double.NegativeInfinity;
        var converged = false;
        var iterations = 0;

        for (var it = 1; it <= o.MaxIterations; it++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            pass.PrepareTables();

            // E-step and the expected counts of the M-step, one fused pass per task range.
            pass.Chunks.Run(pass.Step);
            var objective = pass.Reduce();
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
            var knowing = pass.Knowing;
            var counts = pass.Counts;
            var spamCounts = pass.SpamCounts;
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
                pass.PosteriorMean().CopyTo(priors, 0);
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

    /// <summary>
    /// The E-step and the expected counts, one task range at a time (see <see cref="TaskChunks"/>): per-worker counts and the
    /// posterior sums are gathered per range and added in range order, so the result does not depend on how many cores ran them.
    /// </summary>
    private sealed class Pass : ChunkedPass
    {
        private readonly double[] _posteriors;
        private readonly double[] _competence;
        private readonly double[] _randomWeight;
        private readonly double[] _spam;
        private readonly double[] _priors;
        private readonly double[] _logPriors;
        private readonly double[] _baselines;
        private readonly double[] _logNormalizers;

        // Per (worker, answered class): log((1-θ)ξ(l)), log(θ + (1-θ)ξ(l)) - log((1-θ)ξ(l)), and θ / (θ + (1-θ)ξ(l)).
        private readonly double[] _randomTerm;
        private readonly double[] _knowingGain;
        private readonly double[] _knowingShare;

        // Per range: knowing mass per worker, spam counts per (worker, class), posterior sums per class, the objective.
        private readonly double[] _knowing;
        private readonly double[] _spamCounts;
        private readonly double[] _posteriorSums;
        private readonly double[] _objective;
        private readonly int[] _taskCounts;

        public Pass(AnnotationSet set, ReadOnlySpan<int> gold, double[] posteriors, double[] competence, double[] randomWeight, double[] spam, double[] priors)
            : base(set, gold)
        {
            _posteriors = posteriors;
            _competence = competence;
            _randomWeight = randomWeight;
            _spam = spam;
            _priors = priors;
            _logPriors = new double[K];
            _baselines = new double[set.TaskCount];
            _logNormalizers = new double[set.TaskCount];
            _randomTerm = new double[WorkerCount * K];
            _knowingGain = new double[WorkerCount * K];
            _knowingShare = new double[WorkerCount * K];
            Chunks = TaskChunks.Create(set.TaskOffsets, (long)WorkerCount * (K + 1));
            _knowing = new double[Chunks.Count * WorkerCount];
            _spamCounts = new double[Chunks.Count * WorkerCount * K];
            _posteriorSums = new double[Chunks.Count * K];
            _objective = new double[Chunks.Count];
            _taskCounts = new int[Chunks.Count];
            Knowing = new double[WorkerCount];
            SpamCounts = new double[WorkerCount * K];
            Counts = new double[WorkerCount];
            foreach (var w in Workers)
            {
                Counts[w]++;
            }

            Step = RunStep;
        }

        public TaskChunks Chunks { get; }

        /// <summary>Gets the E-step of one range with its expected counts.</summary>
        public Action<int> Step { get; }

        /// <summary>Gets the expected number of labels each worker gave knowingly (after <see cref="Reduce"/>).</summary>
        public double[] Knowing { get; }

        /// <summary>Gets the expected spam counts per (worker, class) (after <see cref="Reduce"/>).</summary>
        public double[] SpamCounts { get; }

        /// <summary>Gets the number of labels per worker.</summary>
        public double[] Counts { get; }

        /// <summary>The label terms depend only on (worker, answered class): W × K logarithms per iteration, not two per label.</summary>
        public void PrepareTables()
        {
            var k = K;
            for (var c = 0; c < k; c++)
            {
                _logPriors[c] = Math.Log(Math.Max(_priors[c], ModelMath.ProbabilityFloor));
            }

            for (var w = 0; w < WorkerCount; w++)
            {
                for (var l = 0; l < k; l++)
                {
                    var random = _randomWeight[w] * _spam[(w * k) + l];
                    var logRandom = Math.Log(Math.Max(random, ModelMath.ProbabilityFloor));
                    _randomTerm[(w * k) + l] = logRandom;
                    _knowingGain[(w * k) + l] = Math.Log(_competence[w] + random) - logRandom;
                    _knowingShare[(w * k) + l] = _competence[w] / (_competence[w] + random);
                }
            }
        }

        /// <summary>Adds the per-range sums in range order and returns the objective.</summary>
        public double Reduce()
        {
            var w = WorkerCount;
            var wk = w * K;
            _knowing.AsSpan(0, w).CopyTo(Knowing);
            _spamCounts.AsSpan(0, wk).CopyTo(SpamCounts);
            var objective = _objective[0];
            for (var c = 1; c < Chunks.Count; c++)
            {
                TensorPrimitives.Add(Knowing, _knowing.AsSpan(c * w, w), Knowing);
                TensorPrimitives.Add(SpamCounts, _spamCounts.AsSpan(c * wk, wk), SpamCounts);
                objective += _objective[c];
            }

            return objective;
        }

        /// <summary>The mean posterior over tasks with labels or gold (uniform when there are none), from the per-range sums.</summary>
        public double[] PosteriorMean() => ModelMath.MeanOfRangeSums(_posteriorSums, _taskCounts, K);

        // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunStep(int chunk)
        {
            var k = K;
            var t0 = Chunks.Start(chunk);
            var t1 = Chunks.End(chunk);
            var offsets = Offsets;
            var workers = Workers;
            var labels = Labels;
            var posteriors = _posteriors;
            var randomTerm = _randomTerm;
            var knowingGain = _knowingGain;
            var hasGold = Gold.Length > 0;

            // log p(c | labels) = log π_c + Σ log((1-θ)ξ(l)) + Σ_{labels equal to c} [log(θ + (1-θ)ξ(l)) - log((1-θ)ξ(l))].
            var objective = 0.0;
            for (var t = t0; t < t1; t++)
            {
                var row = posteriors.AsSpan(t * k, k);
                _logPriors.CopyTo(row);
                var baseline = 0.0;
                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    var cell = (workers[i] * k) + labels[i];
                    baseline += randomTerm[cell];
                    row[labels[i]] += knowingGain[cell];
                }

                _baselines[t] = baseline;
                if (hasGold && Gold[t] >= 0)
                {
                    objective += row[Gold[t]] + baseline;
                }
            }

            // One vectorized exponential over the range's T × K scores; gold and label-less rows are overwritten after it.
            ModelMath.SoftmaxRows(posteriors.AsSpan(t0 * k, (t1 - t0) * k), k, _logNormalizers.AsSpan(t0, t1 - t0));

            // A label equal to the true class was given knowingly with probability θ / (θ + (1-θ)ξ(l)).
            var knowing = _knowing.AsSpan(chunk * WorkerCount, WorkerCount);
            var spamCounts = _spamCounts.AsSpan(chunk * WorkerCount * k, WorkerCount * k);
            var posteriorSums = _posteriorSums.AsSpan(chunk * k, k);
            knowing.Clear();
            spamCounts.Clear();
            posteriorSums.Clear();
            var knowingShare = _knowingShare;
            var tasks = 0;
            for (var t = t0; t < t1; t++)
            {
                var row = posteriors.AsSpan(t * k, k);
                var start = offsets[t];
                var end = offsets[t + 1];
                if (hasGold && Gold[t] >= 0)
                {
                    row.Clear();
                    row[Gold[t]] = 1;
                }
                else if (end > start)
                {
                    objective += _logNormalizers[t] + _baselines[t];
                }
                else
                {
                    _priors.CopyTo(row);
                    continue;
                }

                tasks++;
                for (var c = 0; c < k; c++)
                {
                    posteriorSums[c] += row[c];
                }

                for (var i = start; i < end; i++)
                {
                    var cell = (workers[i] * k) + labels[i];
                    var knew = row[labels[i]] * knowingShare[cell];
                    knowing[workers[i]] += knew;
                    spamCounts[cell] += 1 - knew;
                }
            }

            _objective[chunk] = objective;
            _taskCounts[chunk] = tasks;
        }
    }
}
