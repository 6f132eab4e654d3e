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
        var labels = annotations.Labels;
        var n = annotations.LabelCount;
        var logOthers = Math.Log(k - 1);

        var alpha = new double[workerCount];
        alpha.AsSpan().Fill(o.AbilityPriorMean);
        var logBeta = new double[taskCount];
        logBeta.AsSpan().Fill(o.LogEasinessPriorMean);
        var beta = new double[taskCount];
        beta.AsSpan().Fill(Math.Exp(o.LogEasinessPriorMean));
        var priors = new double[k];
        priors.AsSpan().Fill(1.0 / k);
        var logPriors = new double[k];
        var posteriors = new double[taskCount * k];
        var correct = new double[n];
        var tasks = annotations.Tasks;

        // Per-label buffers, so that the transcendental functions run as whole-span (vectorized) operations.
        var x = new double[n];
        var sigma = new double[n];
        var logRight = new double[n];
        var gradient = new double[Math.Max(workerCount, taskCount)];
        var curvature = new double[gradient.Length];
        var baselines = new double[taskCount];
        var logNormalizers = new double[taskCount];
        var trace = new List<double>();
        var previous = double.NegativeInfinity;
        var converged = false;
        var iterations = 0;

        for (var it = 1; it <= o.MaxIterations; it++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // E-step: log p(c | labels) = log π_c + Σ log(off) + Σ_{labels equal to c} (log σ - log off).
            for (var c = 0; c < k; c++)
            {
                logPriors[c] = Math.Log(Math.Max(priors[c], ModelMath.ProbabilityFloor));
            }

            Products(tasks, workers, alpha, beta, x);
            TensorPrimitives.Sigmoid(x, sigma);
            TensorPrimitives.Log(sigma, logRight);
            var objective = 0.0;
            for (var t = 0; t < taskCount; t++)
            {
                var row = posteriors.AsSpan(t * k, k);
                logPriors.CopyTo(row);
                var baseline = 0.0;
                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    // log(1 - σ(x)) = log σ(x) - x, exactly, so one logarithm per label serves both outcomes.
                    var logWrong = logRight[i] - x[i] - logOthers;
                    baseline += logWrong;
                    row[labels[i]] += logRight[i] - logWrong;
                }

                baselines[t] = baseline;
                if (!goldLabels.IsEmpty && goldLabels[t] >= 0)
                {
                    objective += row[goldLabels[t]] + baseline;
                }
            }

            // One vectorized exponential over all T × K scores; gold and label-less rows are overwritten after it.
            ModelMath.SoftmaxRows(posteriors, k, logNormalizers);
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
            }

            objective += LogPriorDensity(alpha, logBeta);
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
                var mean = ModelMath.MeanPosterior(annotations, posteriors, goldLabels);
                mean.CopyTo(priors, 0);
            }

            for (var t = 0; t < taskCount; t++)
            {
                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    correct[i] = posteriors[(t * k) + labels[i]];
                }
            }

            for (var sweep = 0; sweep < o.NewtonSweeps; sweep++)
            {
                // σ(αβ) from the E-step is still current for the first ability update.
                if (sweep > 0)
                {
                    Products(tasks, workers, alpha, beta, x);
                    TensorPrimitives.Sigmoid(x, sigma);
                }

                UpdateAbilities(annotations, alpha, beta, sigma, correct, gradient, curvature);
                Products(tasks, workers, alpha, beta, x);
                TensorPrimitives.Sigmoid(x, sigma);
                UpdateEasiness(annotations, beta, logBeta, x, sigma, correct);
            }
        }

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
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateAbilities(AnnotationSet set, Span<double> alpha, ReadOnlySpan<double> beta, ReadOnlySpan<double> sigma, ReadOnlySpan<double> correct, Span<double> gradient, Span<double> curvature)
    {
        var offsets = set.TaskOffsets;
        var workers = set.Workers;
        var w = alpha.Length;
        var g = gradient[..w];
        var h = curvature[..w];
        g.Clear();
        h.Clear();
        for (var t = 0; t < beta.Length; t++)
        {
            var b = beta[t];
            for (var i = offsets[t]; i < offsets[t + 1]; i++)
            {
                var worker = workers[i];
                var s = sigma[i];
                g[worker] += (correct[i] - s) * b;
                h[worker] += s * (1 - s) * b * b;
            }
        }

        var inverseVariance = 1.0 / Options.AbilityPriorVariance;
        for (var j = 0; j < w; j++)
        {
            var grad = g[j] - ((alpha[j] - Options.AbilityPriorMean) * inverseVariance);
            alpha[j] += Math.Clamp(grad / (h[j] + inverseVariance), -MaxStep, MaxStep);
        }
    }

    // With x = α e^b: d/db = Σ (q - σ) x. The exact second derivative can be positive, so the step uses the Gauss-Newton
    // curvature Σ σ(1 - σ) x² plus the prior's, which keeps every step an ascent direction.
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateEasiness(AnnotationSet set, Span<double> beta, Span<double> logBeta, ReadOnlySpan<double> products, ReadOnlySpan<double> sigma, ReadOnlySpan<double> correct)
    {
        var offsets = set.TaskOffsets;
        var inverseVariance = 1.0 / Options.LogEasinessPriorVariance;
        for (var t = 0; t < beta.Length; t++)
        {
            var g = 0.0;
            var h = 0.0;
            for (var i = offsets[t]; i < offsets[t + 1]; i++)
            {
                var x = products[i];
                var s = sigma[i];
                g += (correct[i] - s) * x;
                h += s * (1 - s) * x * x;
            }

            g -= (logBeta[t] - Options.LogEasinessPriorMean) * inverseVariance;
            logBeta[t] += Math.Clamp(g / (h + inverseVariance), -MaxStep, MaxStep);
            beta[t] = Math.Exp(logBeta[t]);
        }
    }

    // x_i = α(worker of label i) · β(task of label i), kept inside ±700 so that σ(x) and log σ(x) stay finite.
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Products(ReadOnlySpan<int> tasks, ReadOnlySpan<int> workers, ReadOnlySpan<double> alpha, ReadOnlySpan<double> beta, Span<double> x)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = Math.Clamp(alpha[workers[i]] * beta[tasks[i]], -MaxProduct, MaxProduct);
        }
    }

    private const double MaxProduct = 700;

    // Newton steps are capped so that one bad curvature estimate cannot throw a parameter far away.
    private const double MaxStep = 2.0;
}
