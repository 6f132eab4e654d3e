// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace TokenLabeling.Consensus.Models;

/// <summary>Options of <see cref="Glad"/>.</summary>
public sealed record GladOptions
{
    /// <summary>Gets the default options.</summary>
    public static GladOptions Default { get; } = new();

    /// <summary>Gets the EM iteration limit. Default 100.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Gets the stopping tolerance on the change of the objective per label; 0 runs every iteration. Default 1e-7.</summary>
    public double Tolerance { get; init; } = 1e-7;

    /// <summary>Gets the mean of the Gaussian prior on worker ability α. Default 1.</summary>
    public double AbilityPriorMean { get; init; } = 1.0;

    /// <summary>Gets the variance of the Gaussian prior on worker ability α. Default 1.</summary>
    public double AbilityPriorVariance { get; init; } = 1.0;

    /// <summary>Gets the mean of the Gaussian prior on the log-easiness ln β of a task. Default 0 (β = 1).</summary>
    public double LogEasinessPriorMean { get; init; }

    /// <summary>Gets the variance of the Gaussian prior on ln β. Default 1.</summary>
    public double LogEasinessPriorVariance { get; init; } = 1.0;

    /// <summary>Gets the number of alternating Newton sweeps (abilities, then easiness) per M-step. Default 2.</summary>
    public int NewtonSweeps { get; init; } = 2;

    /// <summary>Gets whether the class priors are re-estimated each iteration (otherwise uniform, as in the original model). Default false.</summary>
    public bool EstimateClassPriors { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
        ArgumentOutOfRangeException.ThrowIfNegative(Tolerance, nameof(Tolerance));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(AbilityPriorVariance, nameof(AbilityPriorVariance));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LogEasinessPriorVariance, nameof(LogEasinessPriorVariance));
        ArgumentOutOfRangeException.ThrowIfLessThan(NewtonSweeps, 1, nameof(NewtonSweeps));
        if (!double.IsFinite(AbilityPriorMean) || !double.IsFinite(LogEasinessPriorMean))
        {
            throw new ArgumentOutOfRangeException(nameof(AbilityPriorMean), "Prior means must be finite.");
        }
    }
}

/// <summary>
/// GLAD (Whitehill et al., NIPS 2009): a worker with ability α answers a task with easiness β correctly with probability σ(αβ),
/// and otherwise picks one of the other K - 1 classes uniformly.
/// </summary>
/// <remarks>
/// <para>Fitted by EM with MAP priors: the E-step computes class posteriors per task; the M-step takes Newton steps on each α
/// (one coordinate per worker) and each ln β (one coordinate per task, Gauss-Newton curvature so every step ascends), which is
/// linear in the number of labels per sweep. The objective in the trace is the log marginal likelihood plus the log priors.</para>
/// <para>Gold tasks keep their known class in every E-step. Reported worker skill is the mean of σ(αβ) over the worker's tasks;
/// the confusion matrices are the model's own one-coin matrices with that skill.</para>
/// </remarks>
public sealed class Glad : ILabelAggregator
{
    /// <summary>Initializes the model.</summary>
    /// <param name="options">The options; <see langword="null"/> for <see cref="GladOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Glad(GladOptions? options = null)
    {
        Options = options ?? GladOptions.Default;
        Options.Validate();
    }

    /// <summary>Gets the options.</summary>
    public GladOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "glad";

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
        var n = annotations.LabelCount;

        var alpha = new double[workerCount];
        alpha.AsSpan().Fill(o.AbilityPriorMean);
        var logBeta = new double[taskCount];
        logBeta.AsSpan().Fill(o.LogEasinessPriorMean);
        var beta = new double[taskCount];
        beta.AsSpan().Fill(Math.Exp(o.LogEasinessPriorMean));
        var priors = new double[k];
        priors.AsSpan().Fill(1.0 / k);
        var pass = new Pass(this, annotations, goldLabels, alpha, beta, logBeta, priors);
        var trace = new List<double>();
        var previous = double.NegativeInfinity;
        var converged = false;
        var iterations = 0;

        for (var it = 1; it <= o.MaxIterations; it++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var c = 0; c < k; c++)
            {
                pass.LogPriors[c] = Math.Log(Math.Max(priors[c], ModelMath.ProbabilityFloor));
            }

            // E-step, fused per task range with the gradient sums of the first ability update (σ(αβ) from the E-step is
            // still current for it).
            pass.Chunks.Run(pass.ExpectationStep);
            var objective = pass.SumObjective() + LogPriorDensity(alpha, logBeta);
            ModelMath.EnsureFinite(objective, Name, it, "the objective");
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

            // M-step.
            if (o.EstimateClassPriors)
            {
                var mean = ModelMath.MeanPosterior(annotations, pass.Posteriors, goldLabels);
                mean.CopyTo(priors, 0);
            }

            for (var sweep = 0; sweep < o.NewtonSweeps; sweep++)
            {
                UpdateAbilities(alpha, pass.ReduceAbilityGradients());
                pass.GatherAbilityGradients = sweep + 1 < o.NewtonSweeps;
                pass.Chunks.Run(pass.EasinessStep);
            }
        }

        var posteriors = pass.Posteriors;
        var skills = new double[workerCount];
        var counts = new int[workerCount];
        for (var t = 0; t < taskCount; t++)
        {
            for (var i = offsets[t]; i < offsets[t + 1]; i++)
            {
                skills[workers[i]] += ModelMath.Sigmoid(alpha[workers[i]] * beta[t]);
                counts[workers[i]]++;
            }
        }

        for (var w = 0; w < workerCount; w++)
        {
            skills[w] = counts[w] > 0 ? skills[w] / counts[w] : ModelMath.Sigmoid(alpha[w]);
        }

        var result = ModelMath.ArgMax(annotations, posteriors, priors, goldLabels);
        return new AggregationResult(Name, k, result, posteriors, priors, skills, ModelMath.OneCoinConfusion(skills, k), iterations, converged, trace.ToArray());
    }

    private double LogPriorDensity(ReadOnlySpan<double> alpha, ReadOnlySpan<double> logBeta)
    {
        var total = 0.0;
        foreach (var a in alpha)
        {
            var d = a - Options.AbilityPriorMean;
            total -= d * d / (2 * Options.AbilityPriorVariance);
        }

        foreach (var b in logBeta)
        {
            var d = b - Options.LogEasinessPriorMean;
            total -= d * d / (2 * Options.LogEasinessPriorVariance);
        }

        return total;
    }

    // d/dα Σ [q log σ(αβ) + (1 - q) log(1 - σ(αβ))] = Σ (q - σ) β; d²/dα² = -Σ σ(1 - σ) β². Both exact, so Newton ascends.
    private void UpdateAbilities(Span<double> alpha, (double[] Gradient, double[] Curvature) sums)
    {
        var inverseVariance = 1.0 / Options.AbilityPriorVariance;
        for (var j = 0; j < alpha.Length; j++)
        {
            var grad = sums.Gradient[j] - ((alpha[j] - Options.AbilityPriorMean) * inverseVariance);
            alpha[j] += Math.Clamp(grad / (sums.Curvature[j] + inverseVariance), -MaxStep, MaxStep);
        }
    }

    /// <summary>
    /// The passes over the labels, one task range at a time (see <see cref="TaskChunks"/>): per-label buffers of a range stay in
    /// cache between the steps of a pass, and per-worker sums are gathered per range and added in range order, so the result does
    /// not depend on how many cores ran the ranges.
    /// </summary>
    private sealed class Pass : ChunkedPass
    {
        private readonly Glad _model;
        private readonly double[] _alpha;
        private readonly double[] _beta;
        private readonly double[] _logBeta;
        private readonly double[] _priors;
        private readonly double _logOthers;

        // Per label: α·β (clamped), σ(α·β), log σ(α·β), and the posterior of the answered class.
        private readonly double[] _x;
        private readonly double[] _sigma;
        private readonly double[] _logRight;
        private readonly double[] _correct;
        private readonly double[] _baselines;
        private readonly double[] _logNormalizers;

        // Per range: the ability gradient and curvature sums (workers × ranges) and the objective.
        private readonly double[] _gradient;
        private readonly double[] _curvature;
        private readonly double[] _objective;
        private readonly double[] _gradientTotal;
        private readonly double[] _curvatureTotal;

        public Pass(Glad model, AnnotationSet set, ReadOnlySpan<int> gold, double[] alpha, double[] beta, double[] logBeta, double[] priors)
            : base(set, gold)
        {
            _model = model;
            _alpha = alpha;
            _beta = beta;
            _logBeta = logBeta;
            _priors = priors;
            _logOthers = Math.Log(K - 1);
            var n = set.LabelCount;
            _x = new double[n];
            _sigma = new double[n];
            _logRight = new double[n];
            _correct = new double[n];
            _baselines = new double[set.TaskCount];
            _logNormalizers = new double[set.TaskCount];
            LogPriors = new double[K];
            Posteriors = new double[set.TaskCount * K];
            Chunks = TaskChunks.Create(set.TaskOffsets, 2L * WorkerCount);
            _gradient = new double[Chunks.Count * WorkerCount];
            _curvature = new double[Chunks.Count * WorkerCount];
            _objective = new double[Chunks.Count];
            _gradientTotal = new double[WorkerCount];
            _curvatureTotal = new double[WorkerCount];
            ExpectationStep = RunExpectationStep;
            EasinessStep = RunEasinessStep;
        }

        public TaskChunks Chunks { get; }

        public double[] LogPriors { get; }

        public double[] Posteriors { get; }

        /// <summary>Gets or sets whether <see cref="EasinessStep"/> also gathers the ability sums at the new easiness.</summary>
        public bool GatherAbilityGradients { get; set; }

        /// <summary>Gets the E-step of one range, followed by the ability sums at the current parameters.</summary>
        public Action<int> ExpectationStep { get; }

        /// <summary>Gets the easiness Newton step of one range (at the current abilities), optionally followed by the ability sums.</summary>
        public Action<int> EasinessStep { get; }

        public double SumObjective()
        {
            var total = 0.0;
            foreach (var v in _objective)
            {
                total += v;
            }

            return total;
        }

        public (double[] Gradient, double[] Curvature) ReduceAbilityGradients()
        {
            var w = WorkerCount;
            _gradient.AsSpan(0, w).CopyTo(_gradientTotal);
            _curvature.AsSpan(0, w).CopyTo(_curvatureTotal);
            for (var c = 1; c < Chunks.Count; c++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(_gradientTotal, _gradient.AsSpan(c * w, w), _gradientTotal);
                System.Numerics.Tensors.TensorPrimitives.Add(_curvatureTotal, _curvature.AsSpan(c * w, w), _curvatureTotal);
            }

            return (_gradientTotal, _curvatureTotal);
        }

        // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunExpectationStep(int chunk)
        {
            var k = K;
            var t0 = Chunks.Start(chunk);
            var t1 = Chunks.End(chunk);
            var i0 = Offsets[t0];
            var i1 = Offsets[t1];
            var offsets = Offsets;
            var workers = Workers;
            var labels = Labels;
            var x = _x;
            var logRight = _logRight;
            var posteriors = Posteriors;
            var logPriors = LogPriors;
            Products(t0, t1);
            TensorPrimitives.Sigmoid(x.AsSpan(i0, i1 - i0), _sigma.AsSpan(i0, i1 - i0));
            TensorPrimitives.Log(_sigma.AsSpan(i0, i1 - i0), logRight.AsSpan(i0, i1 - i0));

            // log p(c | labels) = log π_c + Σ log(off) + Σ_{labels equal to c} (log σ - log off).
            var objective = 0.0;
            for (var t = t0; t < t1; t++)
            {
                var row = posteriors.AsSpan(t * k, k);
                logPriors.CopyTo(row);
                var baseline = 0.0;
                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    // log(1 - σ(x)) = log σ(x) - x, exactly, so one logarithm per label serves both outcomes.
                    var logWrong = logRight[i] - x[i] - _logOthers;
                    baseline += logWrong;
                    row[labels[i]] += logRight[i] - logWrong;
                }

                _baselines[t] = baseline;
                if (Gold.Length > 0 && Gold[t] >= 0)
                {
                    objective += row[Gold[t]] + baseline;
                }
            }

            // One vectorized exponential over the range's T × K scores; gold and label-less rows are overwritten after it.
            ModelMath.SoftmaxRows(posteriors.AsSpan(t0 * k, (t1 - t0) * k), k, _logNormalizers.AsSpan(t0, t1 - t0));
            var gradient = _gradient.AsSpan(chunk * WorkerCount, WorkerCount);
            var curvature = _curvature.AsSpan(chunk * WorkerCount, WorkerCount);
            gradient.Clear();
            curvature.Clear();
            var sigma = _sigma;
            var correct = _correct;
            for (var t = t0; t < t1; t++)
            {
                var row = posteriors.AsSpan(t * k, k);
                if (Gold.Length > 0 && Gold[t] >= 0)
                {
                    row.Clear();
                    row[Gold[t]] = 1;
                }
                else if (offsets[t + 1] > offsets[t])
                {
                    objective += _logNormalizers[t] + _baselines[t];
                }
                else
                {
                    _priors.CopyTo(row);
                }

                var b = _beta[t];
                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    var q = row[labels[i]];
                    correct[i] = q;
                    var s = sigma[i];
                    gradient[workers[i]] += (q - s) * b;
                    curvature[workers[i]] += s * (1 - s) * b * b;
                }
            }

            _objective[chunk] = objective;
        }

        // With x = α e^b: d/db = Σ (q - σ) x. The exact second derivative can be positive, so the step uses the Gauss-Newton
        // curvature Σ σ(1 - σ) x² plus the prior's, which keeps every step an ascent direction.
        // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunEasinessStep(int chunk)
        {
            var t0 = Chunks.Start(chunk);
            var t1 = Chunks.End(chunk);
            var i0 = Offsets[t0];
            var i1 = Offsets[t1];
            var offsets = Offsets;
            var x = _x;
            var sigma = _sigma;
            var correct = _correct;
            var logBeta = _logBeta;
            var o = _model.Options;
            var inverseVariance = 1.0 / o.LogEasinessPriorVariance;
            Products(t0, t1);
            TensorPrimitives.Sigmoid(x.AsSpan(i0, i1 - i0), sigma.AsSpan(i0, i1 - i0));
            for (var t = t0; t < t1; t++)
            {
                var g = 0.0;
                var h = 0.0;
                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    var xi = x[i];
                    var s = sigma[i];
                    g += (correct[i] - s) * xi;
                    h += s * (1 - s) * xi * xi;
                }

                g -= (logBeta[t] - o.LogEasinessPriorMean) * inverseVariance;
                logBeta[t] += Math.Clamp(g / (h + inverseVariance), -MaxStep, MaxStep);
            }

            TensorPrimitives.Exp(logBeta.AsSpan(t0, t1 - t0), _beta.AsSpan(t0, t1 - t0));
            if (!GatherAbilityGradients)
            {
                return;
            }

            Products(t0, t1);
            TensorPrimitives.Sigmoid(x.AsSpan(i0, i1 - i0), sigma.AsSpan(i0, i1 - i0));
            var gradient = _gradient.AsSpan(chunk * WorkerCount, WorkerCount);
            var curvature = _curvature.AsSpan(chunk * WorkerCount, WorkerCount);
            gradient.Clear();
            curvature.Clear();
            var workers = Workers;
            for (var t = t0; t < t1; t++)
            {
                var b = _beta[t];
                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    var s = sigma[i];
                    gradient[workers[i]] += (correct[i] - s) * b;
                    curvature[workers[i]] += s * (1 - s) * b * b;
                }
            }
        }

        // x_i = α(worker of label i) · β(task of label i), kept inside ±700 so that σ(x) and log σ(x) stay finite.
        private void Products(int t0, int t1)
        {
            var offsets = Offsets;
            var workers = Workers;
            var alpha = _alpha;
            var x = _x;
            for (var t = t0; t < t1; t++)
            {
                var b = _beta[t];
                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    x[i] = Math.Clamp(alpha[workers[i]] * b, -MaxProduct, MaxProduct);
                }
            }
        }
    }

    private const double MaxProduct = 700;

    // Newton steps are capped so that one bad curvature estimate cannot throw a parameter far away.
    private const double MaxStep = 2.0;
}
