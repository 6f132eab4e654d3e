// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Models;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Models;

/// <summary>Small sets whose results were worked out by hand (the arithmetic is in the comments).</summary>
public class ModelHandCalculatedTests
{
    // Three tasks, three workers, two classes:
    //   task 0: w0=0, w1=0, w2=1    task 1: w0=1, w1=1, w2=1    task 2: w0=0, w1=1, w2=1
    // Majority: [0, 1, 1]. Agreement: w0 2/3 (wrong on task 2), w1 3/3, w2 2/3 (wrong on task 0).
    private static AnnotationSet ThreeByThree() => AnnotationSet.FromIndices(
        [0, 0, 0, 1, 1, 1, 2, 2, 2],
        [0, 1, 2, 0, 1, 2, 0, 1, 2],
        [0, 0, 1, 1, 1, 1, 0, 1, 1],
        new AnnotationSetOptions { ClassCount = 2 });

    [Fact]
    public void WawaConfusionMatricesAreTheSmoothedSoftCounts_ComputedOnceWhenFirstRead()
    {
        // task 0: w0=0, w1=0; task 1: w0=1, w1=0. Majority [0, 0] (the tie on task 1 goes to class 0); agreement w0 1/2, w1 1.
        // Weighted vote: task 0 (1, 0); task 1: class 0 gets 1, class 1 gets 1/2 -> (2/3, 1/3).
        // Soft counts [w, c, l] + 0.5, rows normalised:
        //   w0, c0: l0 1 + .5, l1 2/3 + .5 -> (1.5, 7/6) / (8/3) = (.5625, .4375); c1: (0 + .5, 1/3 + .5) / (4/3) = (.375, .625)
        //   w1, c0: (5/3 + .5, 0 + .5) / (8/3) = (.8125, .1875);                    c1: (1/3 + .5, .5) / (4/3) = (.625, .375)
        var set = AnnotationSet.FromIndices([0, 0, 1, 1], [0, 1, 0, 1], [0, 0, 1, 0], new AnnotationSetOptions { ClassCount = 2 });
        var result = new Wawa().Aggregate(set);
        Tolerance.Equal([0.5, 1.0], result.WorkerSkills);
        Tolerance.Equal([1, 0, 2.0 / 3, 1.0 / 3], result.Posteriors);
        Assert.True(result.HasConfusionMatrices);

        var fromThreads = new double[2][];
        Parallel.For(0, 2, i => fromThreads[i] = result.ConfusionMatrices.ToArray());
        Tolerance.Equal([0.5625, 0.4375, 0.375, 0.625, 0.8125, 0.1875, 0.625, 0.375], fromThreads[0]);
        Assert.Equal(fromThreads[0], fromThreads[1]);
        Tolerance.Equal([0.8125, 0.1875, 0.625, 0.375], result.GetConfusionMatrix(1));
    }

    [Fact]
    public void WawaWeighsTheVoteByAgreementWithTheMajority()
    {
        var result = new Wawa().Aggregate(ThreeByThree());

        // Task 0: class 0 gets 2/3 + 1 = 5/3, class 1 gets 2/3 -> (5/7, 2/7). Task 2 mirrors it.
        Assert.Equal([0, 1, 1], result.Labels.ToArray());
        Tolerance.Equal([2.0 / 3, 1, 2.0 / 3], result.WorkerSkills);
        Tolerance.Equal([5.0 / 7, 2.0 / 7, 0, 1, 2.0 / 7, 5.0 / 7], result.Posteriors);
        Assert.Equal("wawa", result.Method);
        Assert.True(result.Converged);
    }

    [Fact]
    public void ZeroBasedSkillReachesTheAgreementFixedPointInTwoIterations()
    {
        // Iteration 1: equal skills, so the vote is the majority; with learning rate 1 the skills become the agreements.
        // Iteration 2: the weighted vote gives the same labels, the agreements do not move, the change is 0 < tolerance.
        var result = new ZeroBasedSkill().Aggregate(ThreeByThree());
        Assert.Equal(2, result.Iterations);
        Assert.True(result.Converged);
        Tolerance.Equal([2.0 / 3, 1, 2.0 / 3], result.WorkerSkills);
        Tolerance.Equal([5.0 / 7, 2.0 / 7, 0, 1, 2.0 / 7, 5.0 / 7], result.Posteriors);
        Tolerance.Equal([7.0 / 9, 7.0 / 9], result.LogLikelihoodTrace); // 7 of 9 labels agree with the aggregate
    }

    [Fact]
    public void GladFirstEStepUsesSigmoidOfAbilityTimesEasiness()
    {
        // With α = 1 and β = 1 every label is right with probability σ(1). Task 0 (0, 0, 1) under uniform priors:
        // p(0) ∝ σ²(1-σ), p(1) ∝ σ(1-σ)², so p(0) = σ(1). The priors contribute 0 at their means.
        var s = 1 / (1 + Math.Exp(-1));
        var result = new Glad(new GladOptions { MaxIterations = 1 }).Aggregate(ThreeByThree());
        Assert.Equal(1, result.Iterations);
        Tolerance.Equal(s, result.GetPosterior(0)[0], 1e-12);
        Tolerance.Equal(1 - s, result.GetPosterior(2)[0], 1e-12);
        Tolerance.Equal(1.0, result.GetPosterior(1)[1] / (s * s * s / ((s * s * s) + Math.Pow(1 - s, 3))), 1e-12);
        var expected = Math.Log(0.5 * ((s * s * (1 - s)) + (s * (1 - s) * (1 - s)))) * 2 + Math.Log(0.5 * ((s * s * s) + Math.Pow(1 - s, 3)));
        Tolerance.Equal(expected, result.LogLikelihoodTrace[0], 1e-12);
    }

    [Fact]
    public void MaceFirstEStepUsesCompetenceFromTheMajority()
    {
        // Start: θ = agreement clamped to [0.05, 0.95] = (2/3, 0.95, 2/3), ξ uniform (1/2), uniform priors.
        // Task 0, class 0: (2/3 + 1/6)(0.95 + 0.025)(1/6); class 1: (1/6)(0.025)(2/3 + 1/6). Ratio: p(0) = 0.975.
        var result = new Mace(new MaceOptions { MaxIterations = 1 }).Aggregate(ThreeByThree());
        Tolerance.Equal(0.975, result.GetPosterior(0)[0], 1e-12);
        Tolerance.Equal(0.975, result.GetPosterior(2)[1], 1e-12);
        Assert.Equal([0, 1, 1], result.Labels.ToArray());
    }

    [Fact]
    public void MaceReportsProperConfusionMatricesAndFindsTheSpammer()
    {
        // Workers 0-2 copy the truth; worker 3 always answers 0.
        var tasks = new List<int>();
        var workers = new List<int>();
        var labels = new List<int>();
        for (var t = 0; t < 40; t++)
        {
            for (var w = 0; w < 4; w++)
            {
                tasks.Add(t);
                workers.Add(w);
                labels.Add(w == 3 ? 0 : t % 2);
            }
        }

        var set = AnnotationSet.FromIndices(tasks.ToArray(), workers.ToArray(), labels.ToArray(), new AnnotationSetOptions { ClassCount = 2 });
        var result = new Mace().Aggregate(set);
        for (var t = 0; t < 40; t++)
        {
            Assert.Equal(t % 2, result.Labels[t]);
        }

        for (var w = 0; w < 4; w++)
        {
            var m = result.GetConfusionMatrix(w);
            Tolerance.Equal(1.0, m[0] + m[1], 1e-12);
            Tolerance.Equal(1.0, m[2] + m[3], 1e-12);
        }

        Assert.True(result.WorkerSkills[3] < 0.2, $"spammer competence {result.WorkerSkills[3]}");
        Assert.True(result.WorkerSkills[0] > 0.9, $"honest competence {result.WorkerSkills[0]}");
    }

    [Fact]
    public void MmsrRecoversAnExactRankOneSkillVector()
    {
        // 16 tasks, truth 0. Worker 0 is always right; worker 1 is wrong on tasks 0-3; worker 2 on tasks 3-6.
        // Agreements: a01 = a02 = 12/16, a12 = 10/16, so C = 2a - 1 = (0.5, 0.5, 0.25) = s sᵀ off the diagonal for s = (1, 0.5, 0.5).
        // The trimmed mean of two values drops nothing, and s is the positive fixed point: accuracies (1 + s)/2 = (1, 0.75, 0.75),
        // the first clamped to 0.999.
        var tasks = new List<int>();
        var workers = new List<int>();
        var labels = new List<int>();
        for (var t = 0; t < 16; t++)
        {
            for (var w = 0; w < 3; w++)
            {
                tasks.Add(t);
                workers.Add(w);
                var wrong = (w == 1 && t <= 3) || (w == 2 && t >= 3 && t <= 6);
                labels.Add(wrong ? 1 : 0);
            }
        }

        var set = AnnotationSet.FromIndices(tasks.ToArray(), workers.ToArray(), labels.ToArray(), new AnnotationSetOptions { ClassCount = 2 });
        var result = new MMSR().Aggregate(set);
        Assert.True(result.Converged);
        Tolerance.Equal([0.999, 0.75, 0.75], result.WorkerSkills, 1e-6, 1e-6);

        // Task 3: worker 0 (weight 0.999) says 0, workers 1 and 2 (0.75 each) say 1, so 1 wins with 1.5 / 2.499.
        Assert.Equal(1, result.Labels[3]);
        Tolerance.Equal(1.5 / 2.499, result.GetPosterior(3)[1], 1e-6, 1e-6);
        Assert.Equal(0, result.Labels[0]);
    }

    [Fact]
    public void KosFallsBackToTheMajorityOnATieAndRejectsMoreThanTwoClasses()
    {
        // Codes (bias removal off): task 0 = (w0: -1, w1: +1), task 1 = (w0: +1, w1: +1); worker messages start at 1.
        // Task sums: 0 and 2. Task-to-worker messages (leave one out): t0→w0 = 1, t0→w1 = -1, t1→w0 = 1, t1→w1 = 1.
        // Worker sums Σ a·x: w0 = -1 + 1 = 0, w1 = -1 + 1 = 0. Worker-to-task messages: w0→t0 = 1, w0→t1 = -1, w1→t0 = 1, w1→t1 = -1
        // (unit mean square already). Final scores: task 0 = -1 + 1 = 0 (a tie), task 1 = -1 - 1 = -2 (class 0).
        // The tie falls back to the majority vote, which also ties, then to the more frequent class overall: 1 (3 of 4 labels).
        var set = AnnotationSet.FromIndices([0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 1, 1], new AnnotationSetOptions { ClassCount = 2 });
        var result = new Kos(new KosOptions { Iterations = 1, RemoveWorkerBias = false }).Aggregate(set);
        Assert.Equal([1, 0], result.Labels.ToArray());
        Tolerance.Equal([0.5, 0.5], result.GetPosterior(0));
        Assert.True(result.GetPosterior(1)[0] > 0.5);

        var three = AnnotationSet.FromIndices([0], [0], [2], new AnnotationSetOptions { ClassCount = 3 });
        var error = Assert.Throws<ArgumentException>(() => new Kos().Aggregate(three));
        Assert.Contains("two classes", error.Message);
    }

    [Fact]
    public void KosLeavesEveryLabelOfTheReceivingWorkerOutOfItsMessages()
    {
        // Bias removal off, one round. Task 0: worker 0 says 1 twice (a kept duplicate), worker 1 says 0; task 1: both say 1.
        // Codes: t0 = (w0 +1, w0 +1, w1 -1), t1 = (w0 +1, w1 +1); worker messages start at 1. Task sums: t0 = 1, t1 = 2.
        // Task-to-worker messages leave out all of the receiving worker's labels on the task: t0→w0 = 1 - 2 = -1 (both labels),
        // t0→w1 = 1 + 1 = 2, t1→w0 = t1→w1 = 1. Worker sums Σ a·x: w0 = -1 - 1 + 1 = -1, w1 = -2 + 1 = -1.
        // Worker-to-task messages, again without the worker's own labels on that task: w0→t0 = -1 + 2 = 1 (each label),
        // w1→t0 = -1 + 2 = 1, w0→t1 = -1 - 1 = -2, w1→t1 = -1 - 1 = -2. Final scores (before a common positive scale):
        // t0 = 1 + 1 - 1 = 1, t1 = -2 - 2 = -4; mean |score| = 2.5, so P(class 1) = (1 + tanh(score / 2.5)) / 2.
        // (Leaving out only the one label would give scores 1 and -2 and P(class 1 | t0) = (1 + tanh(2 / 3)) / 2.)
        var set = AnnotationSet.FromIndices([0, 0, 0, 1, 1], [0, 0, 1, 0, 1], [1, 1, 0, 1, 1], new AnnotationSetOptions { ClassCount = 2 });
        var result = new Kos(new KosOptions { Iterations = 1, RemoveWorkerBias = false }).Aggregate(set);
        Assert.Equal([1, 0], result.Labels.ToArray());
        Tolerance.Equal((1 + Math.Tanh(1 / 2.5)) / 2, result.GetPosterior(0)[1], 1e-12, 1e-12);
        Tolerance.Equal((1 + Math.Tanh(-4 / 2.5)) / 2, result.GetPosterior(1)[1], 1e-12, 1e-12);
    }

    [Fact]
    public void KosTieOnAPerfectlySymmetricTaskGivesEqualPosteriors()
    {
        // Two tasks with one 0 and one 1 each from the same two workers: everything is symmetric, every score is 0.
        // Majority ties too, label frequencies tie, so the lower class wins, with a 0.5/0.5 posterior.
        var set = AnnotationSet.FromIndices([0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 1, 0], new AnnotationSetOptions { ClassCount = 2 });
        var result = new Kos().Aggregate(set);
        Assert.Equal([0, 0], result.Labels.ToArray());
        Tolerance.Equal([0.5, 0.5, 0.5, 0.5], result.Posteriors);
    }

    [Fact]
    public void TasksWithoutLabelsGetNoLabelAndThePriorAsPosterior()
    {
        var set = AnnotationSet.FromIndices([0, 0, 0], [0, 1, 2], [1, 1, 0], new AnnotationSetOptions { ClassCount = 2 }, taskCount: 2);
        foreach (var model in new ILabelAggregator[] { new Wawa(), new ZeroBasedSkill(), new Glad(), new Mace(), new MMSR(), new Kos() })
        {
            var result = model.Aggregate(set);
            Assert.Equal(-1, result.Labels[1]);
            Assert.Equal(1, result.Labels[0]);
            Tolerance.Equal(1.0, result.GetPosterior(1)[0] + result.GetPosterior(1)[1], 1e-12);
        }
    }
}
