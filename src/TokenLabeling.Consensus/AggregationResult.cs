// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus;

/// <summary>The outcome of truth inference over an <see cref="AnnotationSet"/>: one shape for every aggregator.</summary>
/// <remarks>
/// <para>Immutable and thread-safe. Per-task arrays are indexed by dense task index, per-worker arrays by dense worker index
/// (see <see cref="AnnotationSet.TaskIds"/> and <see cref="AnnotationSet.WorkerIds"/>).</para>
/// <para>Confusion matrices are stored row-major per worker: entry <c>[w, c, l]</c> at <c>(w * K + c) * K + l</c> is the probability that
/// worker <c>w</c> answers <c>l</c> when the true class is <c>c</c>.</para>
/// </remarks>
public sealed class AggregationResult
{
    private readonly int[] _labels;
    private readonly double[]? _posteriors;
    private readonly Lazy<double[]>? _lazyPosteriors;
    private readonly double[] _classPriors;
    private readonly double[]? _workerSkills;
    private readonly Lazy<double[]>? _lazyWorkerSkills;
    private readonly double[]? _confusion;
    private readonly Lazy<double[]>? _lazyConfusion;
    private readonly double[] _trace;

    /// <summary>Initializes a result, copying every array.</summary>
    /// <param name="method">The method name, e.g. <c>ds</c>.</param>
    /// <param name="classCount">The class count K.</param>
    /// <param name="labels">One class per task; -1 where a task has no labels and the method has nothing to fall back on.</param>
    /// <param name="posteriors">Task-major posteriors, <c>TaskCount × K</c>; each row sums to 1.</param>
    /// <param name="classPriors">The class priors, length K.</param>
    /// <param name="workerSkills">One skill in [0, 1] per worker, or <see langword="null"/> if the method estimates none.</param>
    /// <param name="confusionMatrices">Per-worker confusion matrices, <c>WorkerCount × K × K</c>, or <see langword="null"/>.</param>
    /// <param name="iterations">Iterations run (0 for one-pass methods).</param>
    /// <param name="converged">Whether the method met its stopping tolerance (true for one-pass methods).</param>
    /// <param name="logLikelihoodTrace">The objective after each iteration (empty for one-pass methods).</param>
    /// <exception cref="ArgumentException">The array lengths do not agree with each other.</exception>
    public AggregationResult(
        string method,
        int classCount,
        ReadOnlySpan<int> labels,
        ReadOnlySpan<double> posteriors,
        ReadOnlySpan<double> classPriors,
        ReadOnlySpan<double> workerSkills,
        ReadOnlySpan<double> confusionMatrices,
        int iterations,
        bool converged,
        ReadOnlySpan<double> logLikelihoodTrace)
        : this(
            method,
            classCount,
            labels.ToArray(),
            posteriors.ToArray(),
            classPriors.ToArray(),
            workerSkills.IsEmpty ? null : workerSkills.ToArray(),
            confusionMatrices.IsEmpty ? null : confusionMatrices.ToArray(),
            iterations,
            converged,
            logLikelihoodTrace.ToArray())
    {
    }

    /// <summary>Takes ownership of the arrays (no copy): callers inside the library must not keep writing to them.</summary>
    internal AggregationResult(
        string method,
        int classCount,
        int[] labels,
        double[] posteriors,
        double[] classPriors,
        double[]? workerSkills,
        double[]? confusionMatrices,
        int iterations,
        bool converged,
        double[] logLikelihoodTrace)
    {
        CheckMethodAndPriors(method, classCount, classPriors);
        if (posteriors.Length != labels.Length * classCount)
        {
            throw new ArgumentException($"Expected {labels.Length} × {classCount} posteriors, got {posteriors.Length}.", nameof(posteriors));
        }

        if (workerSkills is not null && confusionMatrices is not null && confusionMatrices.Length != workerSkills.Length * classCount * classCount)
        {
            throw new ArgumentException($"Expected {workerSkills.Length} × {classCount} × {classCount} confusion entries, got {confusionMatrices.Length}.", nameof(confusionMatrices));
        }

        if (confusionMatrices is not null && confusionMatrices.Length % (classCount * classCount) != 0)
        {
            throw new ArgumentException($"Confusion matrices must hold whole {classCount} × {classCount} blocks.", nameof(confusionMatrices));
        }

        Method = method;
        ClassCount = classCount;
        _labels = labels;
        _posteriors = posteriors;
        _classPriors = classPriors;
        _workerSkills = workerSkills;
        _confusion = confusionMatrices;
        Iterations = iterations;
        Converged = converged;
        _trace = logLikelihoodTrace;
    }

    /// <summary>
    /// Takes ownership of the labels and priors and computes the posteriors and worker skills on first use: one-pass methods whose
    /// posteriors follow from the labels (majority vote) skip writing <c>TaskCount × K</c> doubles that many callers never read.
    /// Materialisation is thread-safe and happens once.
    /// </summary>
    internal AggregationResult(
        string method,
        int classCount,
        int[] labels,
        Func<double[]> posteriors,
        double[] classPriors,
        Func<double[]> workerSkills)
    {
        CheckMethodAndPriors(method, classCount, classPriors);
        Method = method;
        ClassCount = classCount;
        _labels = labels;
        _lazyPosteriors = new Lazy<double[]>(() => CheckedLength(posteriors(), labels.Length * classCount, "posteriors"), LazyThreadSafetyMode.ExecutionAndPublication);
        _classPriors = classPriors;
        _lazyWorkerSkills = new Lazy<double[]>(workerSkills, LazyThreadSafetyMode.ExecutionAndPublication);
        Iterations = 0;
        Converged = true;
        _trace = [];
    }

    /// <summary>
    /// Takes ownership of the arrays and computes the confusion matrices on first use (once, thread-safe): one-pass methods whose
    /// matrices follow from the posteriors skip a scattered pass over every label for callers that never read them.
    /// </summary>
    internal AggregationResult(
        string method,
        int classCount,
        int[] labels,
        double[] posteriors,
        double[] classPriors,
        double[] workerSkills,
        Func<double[]> confusionMatrices)
        : this(method, classCount, labels, posteriors, classPriors, workerSkills, (double[]?)null, 0, true, Array.Empty<double>())
    {
        var expected = workerSkills.Length * classCount * classCount;
        _lazyConfusion = new Lazy<double[]>(() => CheckedLength(confusionMatrices(), expected, "confusion entries"), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private static void CheckMethodAndPriors(string method, int classCount, double[] classPriors)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (classPriors.Length != classCount)
        {
            throw new ArgumentException($"Expected {classCount} class priors, got {classPriors.Length}.", nameof(classPriors));
        }
    }

    /// <summary>Gets the method name, e.g. <c>mv</c> or <c>ds</c>.</summary>
    public string Method { get; }

    /// <summary>Gets the class count K.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the number of tasks.</summary>
    public int TaskCount => _labels.Length;

    /// <summary>Gets the inferred class of every task; -1 where a task has no labels and the method has nothing to fall back on.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Gets the task-major posteriors, <c>TaskCount × K</c>.</summary>
    /// <remarks>Some one-pass methods compute them on first access (once, thread-safe).</remarks>
    public ReadOnlySpan<double> Posteriors => PosteriorArray;

    /// <summary>Gets the estimated class priors (length K).</summary>
    public ReadOnlySpan<double> ClassPriors => _classPriors;

    /// <summary>Gets whether the method estimates one skill per worker.</summary>
    public bool HasWorkerSkills => _workerSkills is not null || _lazyWorkerSkills is not null;

    /// <summary>Gets one skill in [0, 1] per worker (empty when <see cref="HasWorkerSkills"/> is false).</summary>
    /// <remarks>Some one-pass methods compute them on first access (once, thread-safe).</remarks>
    public ReadOnlySpan<double> WorkerSkills => _workerSkills ?? _lazyWorkerSkills?.Value;

    /// <summary>Gets whether the method estimates per-worker confusion matrices.</summary>
    public bool HasConfusionMatrices => _confusion is not null || _lazyConfusion is not null;

    /// <summary>Gets the per-worker confusion matrices, <c>WorkerCount × K × K</c> (empty when <see cref="HasConfusionMatrices"/> is false).</summary>
    /// <remarks>Some one-pass methods compute them on first access (once, thread-safe).</remarks>
    public ReadOnlySpan<double> ConfusionMatrices => _confusion ?? _lazyConfusion?.Value;

    /// <summary>Gets the number of iterations run (0 for one-pass methods).</summary>
    public int Iterations { get; }

    /// <summary>Gets whether the stopping tolerance was met (true for one-pass methods).</summary>
    public bool Converged { get; }

    /// <summary>Gets the objective (log-likelihood for EM methods) after each iteration.</summary>
    public ReadOnlySpan<double> LogLikelihoodTrace => _trace;

    /// <summary>Returns the posterior of one task (length K).</summary>
    /// <param name="task">The dense task index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="task"/> is outside 0..TaskCount-1.</exception>
    public ReadOnlySpan<double> GetPosterior(int task)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(task);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(task, TaskCount);
        return PosteriorArray.AsSpan(task * ClassCount, ClassCount);
    }

    /// <summary>Returns the posterior probability of the inferred label of a task (0 when the task has no label).</summary>
    /// <param name="task">The dense task index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="task"/> is outside 0..TaskCount-1.</exception>
    public double GetConfidence(int task)
    {
        var posterior = GetPosterior(task);
        return _labels[task] >= 0 ? posterior[_labels[task]] : 0;
    }

    private double[] PosteriorArray => _posteriors ?? _lazyPosteriors!.Value;

    private static double[] CheckedLength(double[] values, int expected, string what) => values.Length == expected
        ? values
        : throw new InvalidOperationException($"Expected {expected} {what}, got {values.Length}.");

    /// <summary>Returns one worker's confusion matrix, K × K row-major (true class by row).</summary>
    /// <param name="worker">The dense worker index.</param>
    /// <exception cref="InvalidOperationException">The method estimates no confusion matrices.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="worker"/> is out of range.</exception>
    public ReadOnlySpan<double> GetConfusionMatrix(int worker)
    {
        var confusion = _confusion ?? _lazyConfusion?.Value ?? throw new InvalidOperationException($"Method '{Method}' estimates no confusion matrices.");
        var kk = ClassCount * ClassCount;
        ArgumentOutOfRangeException.ThrowIfNegative(worker);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(worker, confusion.Length / kk);
        return confusion.AsSpan(worker * kk, kk);
    }
}
