// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;

namespace TokenLabeling.Consensus.Models;

/// <summary>Options of <see cref="ZeroBasedSkill"/>.</summary>
public sealed record ZeroBasedSkillOptions
{
    /// <summary>Gets the default options.</summary>
    public static ZeroBasedSkillOptions Default { get; } = new();

    /// <summary>Gets the iteration limit. Default 100.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Gets the stopping tolerance on the largest skill change in one iteration; 0 runs every iteration. Default 1e-5.</summary>
    public double Tolerance { get; init; } = 1e-5;

    /// <summary>Gets the initial learning rate, in (0, 1]. Default 1.</summary>
    public double InitialLearningRate { get; init; } = 1.0;

    /// <summary>Gets the number of iterations after which the learning rate is multiplied by <see cref="LearningRateDecay"/>. Default 20.</summary>
    public int LearningRateDecayEvery { get; init; } = 20;

    /// <summary>Gets the factor applied to the learning rate every <see cref="LearningRateDecayEvery"/> iterations, in (0, 1]. Default 0.5.</summary>
    public double LearningRateDecay { get; init; } = 0.5;

    /// <summary>Gets how exact ties in a vote are resolved. Default <see cref="TieBreaking.LowestClassId"/>.</summary>
    public TieBreaking TieBreak { get; init; } = TieBreaking.LowestClassId;

    internal void Validate()
    {
        if (!Enum.IsDefined(TieBreak))
        {
            throw new ArgumentOutOfRangeException(nameof(TieBreak), TieBreak, "Unknown tie-break rule.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
        ArgumentOutOfRangeException.ThrowIfNegative(Tolerance, nameof(Tolerance));
        if (!(InitialLearningRate > 0 && InitialLearningRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(InitialLearningRate), InitialLearningRate, "The learning rate must lie in (0, 1].");
        }

        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRateDecay), LearningRateDecay, "The decay factor must lie in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(LearningRateDecayEvery, 1, nameof(LearningRateDecayEvery));
    }
}

/// <summary>
/// Zero-Based Skill: every worker starts with skill 1; each iteration takes a skill-weighted vote and moves every skill toward the
/// worker's agreement with that vote by a decaying learning rate.
/// </summary>
/// <remarks>
/// <para>The skill update is <c>s ← s + η (a - s)</c>, where <c>a</c> is the share of the worker's labels equal to the current
/// aggregate and <c>η</c> starts at <see cref="ZeroBasedSkillOptions.InitialLearningRate"/>. Gold tasks are fixed to their answer in
/// every vote. The objective in the trace is the label-weighted mean agreement with the aggregate.</para>
/// <para>Ties follow <see cref="ZeroBasedSkillOptions.TieBreak"/>; the iteration stops early once no skill moves by more than
/// <see cref="ZeroBasedSkillOptions.Tolerance"/> (with unchanged labels the update is then a fixed point).</para>
/// </remarks>
public sealed class ZeroBasedSkill : ILabelAggregator
{
    /// <summary>Initializes the model.</summary>
    /// <param name="options">The options; <see langword="null"/> for <see cref="ZeroBasedSkillOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public ZeroBasedSkill(ZeroBasedSkillOptions? options = null)
    {
        Options = options ?? ZeroBasedSkillOptions.Default;
        Options.Validate();
    }

    /// <summary>Gets the options.</summary>
    public ZeroBasedSkillOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "zbs";

    /// <inheritdoc/>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public AggregationResult Aggregate(AnnotationSet annotations, GoldLabels? gold = null, IProgress<AggregationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var goldLabels = ModelMath.CheckInputs(annotations, gold, Name);
        var k = annotations.ClassCount;
        var w = annotations.WorkerCount;
        var frequencies = ModelMath.LabelFrequencies(annotations);
        var order = ModelMath.TieBreakOrder(Options.TieBreak, frequencies);
        var skills = new double[w];
        skills.AsSpan().Fill(1.0);
        var agreement = new double[w];
        var counts = new int[w];
        var current = new int[annotations.TaskCount];
        var trace = new List<double>();
        var offsets = annotations.TaskOffsets;
        var workers = annotations.Workers;
        var labels = annotations.Labels;
        foreach (var worker in workers)
        {
            counts[worker]++;
        }

        Span<double> scores = stackalloc double[k];
        var rate = Options.InitialLearningRate;
        var iterations = 0;
        var converged = false;
        for (var it = 1; it <= Options.MaxIterations; it++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (it > 1 && (it - 1) % Options.LearningRateDecayEvery == 0)
            {
                rate *= Options.LearningRateDecay;
            }

            // Weighted vote, argmax and agreement count fused in one pass over each task's labels.
            agreement.AsSpan().Clear();
            var agreed = 0.0;
            for (var t = 0; t < current.Length; t++)
            {
                int truth;
                if (!goldLabels.IsEmpty && goldLabels[t] >= 0)
                {
                    truth = goldLabels[t];
                }
                else
                {
                    scores.Clear();
                    for (var i = offsets[t]; i < offsets[t + 1]; i++)
                    {
                        scores[labels[i]] += skills[workers[i]];
                    }

                    truth = ModelMath.ArgMax(scores, order);
                }

                current[t] = truth;
                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    if (labels[i] == truth)
                    {
                        agreement[workers[i]]++;
                        agreed++;
                    }
                }
            }

            var maxChange = 0.0;
            for (var j = 0; j < w; j++)
            {
                var share = counts[j] > 0 ? agreement[j] / counts[j] : 0;
                var delta = rate * (share - skills[j]);
                skills[j] += delta;
                maxChange = Math.Max(maxChange, Math.Abs(delta));
            }

            var objective = annotations.LabelCount > 0 ? agreed / annotations.LabelCount : 0;
            trace.Add(objective);
            iterations = it;
            progress?.Report(new AggregationProgress(it, Options.MaxIterations, objective, maxChange));
            if (maxChange < Options.Tolerance)
            {
                converged = true;
                break;
            }
        }

        var posteriors = new double[annotations.TaskCount * k];
        ModelMath.WeightedVote(annotations, skills, frequencies, goldLabels, posteriors);
        var result = ModelMath.ArgMax(annotations, posteriors, order, goldLabels);
        var priors = ModelMath.MeanPosterior(annotations, posteriors, goldLabels);
        var confusion = ModelMath.EmpiricalConfusion(annotations, posteriors, Wawa.ConfusionSmoothing);
        for (var j = 0; j < w; j++)
        {
            skills[j] = Math.Clamp(skills[j], 0, 1);
        }

        return new AggregationResult(Name, k, result, posteriors, priors, skills, confusion, iterations, converged, trace.ToArray());
    }
}
