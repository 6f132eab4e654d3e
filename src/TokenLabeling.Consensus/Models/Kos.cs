// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;

namespace TokenLabeling.Consensus.Models;

/// <summary>Options of <see cref="Kos"/>.</summary>
public sealed record KosOptions
{
    /// <summary>Gets the default options.</summary>
    public static KosOptions Default { get; } = new();

    /// <summary>Gets the number of message-passing rounds. Default 10 (the messages align with the leading singular vectors within a few rounds; more only amplifies noise on small sets).</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>
    /// Gets whether each worker's excess bias (its mean ±1 answer minus the crowd's mean answer) is subtracted from its codes before
    /// message passing. Default true.
    /// </summary>
    /// <remarks>
    /// Without it the leading singular vector of the answer matrix is dominated by how often each worker says "1" rather than by
    /// whether it is right, and on sets with biased workers nearly every task gets the same label (the reference library is near
    /// chance on snow_rte and snow_temp for this reason). Subtracting the full per-worker mean would also remove the class balance
    /// that the whole crowd shares, which inflates minority answers; subtracting only the excess over the crowd keeps it.
    /// </remarks>
    public bool RemoveWorkerBias { get; init; } = true;

    internal void Validate() => ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1, nameof(Iterations));
}

/// <summary>
/// KOS (Karger, Oh and Shah, NIPS 2011): message passing on the task-worker graph for binary labels coded ±1.
/// </summary>
/// <remarks>
/// <para>Task-to-worker messages are <c>x(t→w) = Σ_{w'≠w} a(t,w') y(w'→t)</c>, worker-to-task messages are
/// <c>y(w→t) = Σ_{t'≠t} a(t',w) x(t'→w)</c>, rescaled to unit mean square each round. Worker messages start at 1, so the first
/// round is a leave-one-out majority vote and the result is deterministic. Class 1 is coded +1 and class 0 is coded -1.</para>
/// <para>Deliberate fixes of the defects listed for the reference library: a task whose final score is exactly 0 (a tie) falls back
/// to the majority vote and then to the more frequent class, instead of failing. Gold tasks keep their answer in the result (and
/// in the worker skills) but do not enter the messages.
/// KOS is defined for two classes only; other class counts are rejected with an <see cref="ArgumentException"/>.</para>
/// <para>KOS has no probabilistic model: the reported posterior of class 1 is <c>(1 + tanh(score / mean |score|)) / 2</c>, a
/// monotone confidence score rather than a calibrated probability. Worker skill is the worker's agreement with the final labels.</para>
/// </remarks>
public sealed class Kos : ILabelAggregator
{
    /// <summary>Initializes the model.</summary>
    /// <param name="options">The options; <see langword="null"/> for <see cref="KosOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Kos(KosOptions? options = null)
    {
        Options = options ?? KosOptions.Default;
        Options.Validate();
    }

    /// <summary>Gets the options.</summary>
    public KosOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "kos";

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The set does not have exactly two classes.</exception>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public AggregationResult Aggregate(AnnotationSet annotations, GoldLabels? gold = null, IProgress<AggregationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var goldLabels = ModelMath.CheckInputs(annotations, gold, Name);
        if (annotations.ClassCount != 2)
        {
            throw new ArgumentException($"kos: KOS is defined for two classes; the set has {annotations.ClassCount}. Use a multi-class model such as mace or glad.", nameof(annotations));
        }

        var taskCount = annotations.TaskCount;
        var workerCount = annotations.WorkerCount;
        var offsets = annotations.TaskOffsets;
        var workers = annotations.Workers;
        var labels = annotations.Labels;
        var tasks = annotations.Tasks;
        var n = labels.Length;
        var sign = new double[n];
        for (var i = 0; i < n; i++)
        {
            sign[i] = labels[i] == 1 ? 1 : -1;
        }

        if (Options.RemoveWorkerBias)
        {
            var bias = new double[workerCount];
            var counts = new int[workerCount];
            for (var i = 0; i < n; i++)
            {
                bias[workers[i]] += sign[i];
                counts[workers[i]]++;
            }

            // Only a worker's excess bias over the crowd's is removed: the crowd's own lean reflects the class balance of the tasks.
            var crowdMean = n > 0 ? bias.Sum() / n : 0;
            for (var i = 0; i < n; i++)
            {
                sign[i] -= (bias[workers[i]] / counts[workers[i]]) - crowdMean;
            }
        }

        var y = new double[n];
        y.AsSpan().Fill(1.0);
        var x = new double[n];
        var taskSums = new double[taskCount];
        var workerSums = new double[workerCount];
        var trace = new List<double>();
        for (var it = 1; it <= Options.Iterations; it++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TaskScores(annotations, sign, y, taskSums);
            workerSums.AsSpan().Clear();
            for (var i = 0; i < n; i++)
            {
                x[i] = taskSums[tasks[i]] - (sign[i] * y[i]);
                workerSums[workers[i]] += sign[i] * x[i];
            }

            var squares = 0.0;
            for (var i = 0; i < n; i++)
            {
                y[i] = workerSums[workers[i]] - (sign[i] * x[i]);
                squares += y[i] * y[i];
            }

            // Rescaling keeps the messages in range; the labels depend only on their signs and ratios.
            if (squares > 0)
            {
                var scale = 1.0 / Math.Sqrt(squares / n);
                for (var i = 0; i < n; i++)
                {
                    y[i] *= scale;
                }
            }

            trace.Add(double.NaN);
            progress?.Report(new AggregationProgress(it, Options.Iterations, double.NaN, double.NaN));
        }

        TaskScores(annotations, sign, y, taskSums);

        // Gold tasks stay out of the messages: one forced row can tip a small graph to the opposite singular vector (and flip
        // every other task). They keep their answer in the result, and the worker skills are measured against it.
        var frequencies = ModelMath.LabelFrequencies(annotations);
        var majority = new double[taskCount * 2];
        ModelMath.WeightedVote(annotations, default, frequencies, goldLabels, majority);
        var meanAbs = 0.0;
        foreach (var s in taskSums)
        {
            meanAbs += Math.Abs(s);
        }

        meanAbs = taskCount > 0 ? meanAbs / taskCount : 0;
        var posteriors = new double[taskCount * 2];
        var result = new int[taskCount];
        for (var t = 0; t < taskCount; t++)
        {
            var hasGold = !goldLabels.IsEmpty && goldLabels[t] >= 0;
            if (offsets[t + 1] == offsets[t] && !hasGold)
            {
                result[t] = -1;
                frequencies.CopyTo(posteriors.AsSpan(2 * t, 2));
                continue;
            }

            var score = taskSums[t];
            if (score == 0)
            {
                // Tie: fall back to the majority vote, and on a tied vote to the more frequent class.
                result[t] = ModelMath.ArgMax(majority.AsSpan(2 * t, 2), frequencies);
                posteriors[(2 * t) + result[t]] = 0.5;
                posteriors[(2 * t) + 1 - result[t]] = 0.5;
                continue;
            }

            var p1 = meanAbs > 0 ? (1 + Math.Tanh(score / meanAbs)) / 2 : 0.5;
            posteriors[2 * t] = 1 - p1;
            posteriors[(2 * t) + 1] = p1;
            result[t] = score > 0 ? 1 : 0;
        }

        ModelMath.ClampGold(posteriors, goldLabels, 2);
        for (var t = 0; t < taskCount; t++)
        {
            if (!goldLabels.IsEmpty && goldLabels[t] >= 0)
            {
                result[t] = goldLabels[t];
            }
        }

        var skills = new double[workerCount];
        var reference = result.Select(r => r < 0 ? 0 : r).ToArray();
        ModelMath.Agreement(annotations, reference, skills);
        var priors = ModelMath.MeanPosterior(annotations, posteriors, goldLabels);
        var confusion = ModelMath.EmpiricalConfusion(annotations, posteriors, Wawa.ConfusionSmoothing);
        return new AggregationResult(Name, 2, result, posteriors, priors, skills, confusion, Options.Iterations, true, trace.ToArray());
    }

    // Score of each task: Σ a(t,w) y(w→t).
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TaskScores(AnnotationSet set, ReadOnlySpan<double> sign, ReadOnlySpan<double> y, Span<double> taskSums)
    {
        var offsets = set.TaskOffsets;
        for (var t = 0; t < taskSums.Length; t++)
        {
            var sum = 0.0;
            for (var i = offsets[t]; i < offsets[t + 1]; i++)
            {
                sum += sign[i] * y[i];
            }

            taskSums[t] = sum;
        }
    }
}
