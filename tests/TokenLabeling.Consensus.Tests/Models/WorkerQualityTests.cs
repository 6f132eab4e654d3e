// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Models;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Models;

public class WorkerQualityTests
{
    private static readonly double[] s_uniform = [0.5, 0.5];

    [Fact]
    public void HonestNoisyWorkerByHand()
    {
        // 80% accurate, balanced classes. Answer 0 (probability 1/2) corrects to (0.8, 0.2), cost 2·0.8·0.2 = 0.32; answer 1 mirrors it.
        // Spammer: 2·0.5·0.5 = 0.5. Score 1 - 0.32/0.5 = 0.36.
        double[] confusion = [0.8, 0.2, 0.2, 0.8];
        Tolerance.Equal(0.32, WorkerQuality.ExpectedCost(confusion, s_uniform), 1e-12);
        Tolerance.Equal(0.5, WorkerQuality.SpammerCost(s_uniform), 1e-12);
        Tolerance.Equal(0.36, WorkerQuality.Score(confusion, s_uniform), 1e-12);
    }

    [Fact]
    public void MajorityClassSpammerScoresZeroAndBelowAnHonestNoisyWorker()
    {
        // Priors 0.7/0.3. The spammer always answers 0: it is "right" 70% of the time, yet its answer corrects to the prior.
        // The honest worker is right 75% of the time on either class.
        double[] priors = [0.7, 0.3];
        double[] spammer = [1, 0, 1, 0];
        double[] honest = [0.75, 0.25, 0.25, 0.75];
        Tolerance.Equal(2 * 0.7 * 0.3, WorkerQuality.ExpectedCost(spammer, priors), 1e-12);
        Tolerance.Equal(0.0, WorkerQuality.Score(spammer, priors), 1e-12);
        Assert.True(WorkerQuality.Score(honest, priors) > 0.1);

        // Hand: answer 0 has P = 0.7·0.75 + 0.3·0.25 = 0.6 and corrects to (0.875, 0.125): cost 0.21875;
        // answer 1 has P = 0.4 and corrects to (0.4375, 0.5625): cost 0.4921875. Expected 0.13125 + 0.196875 = 0.328125.
        Tolerance.Equal(0.328125, WorkerQuality.ExpectedCost(honest, priors), 1e-12);
    }

    [Fact]
    public void SystematicSwapIsFullyCorrectable()
    {
        double[] swapper = [0, 1, 1, 0];
        Tolerance.Equal(1.0, WorkerQuality.Score(swapper, s_uniform), 1e-12);
    }

    [Fact]
    public void CostMatrixWeighsTheErrors()
    {
        // Missing class 1 costs 5, a false alarm 1. For the prior (0.5, 0.5): 0.25·1 + 0.25·5 = 1.5.
        double[] costs = [0, 1, 5, 0];
        Tolerance.Equal(1.5, WorkerQuality.SpammerCost(s_uniform, costs), 1e-12);
    }

    [Fact]
    public void ScoresFromAModelSeparateTheSpammer()
    {
        var tasks = new List<int>();
        var workers = new List<int>();
        var labels = new List<int>();
        var random = new Random(5);
        for (var t = 0; t < 300; t++)
        {
            var truth = t % 10 < 7 ? 0 : 1;
            for (var w = 0; w < 5; w++)
            {
                tasks.Add(t);
                workers.Add(w);
                labels.Add(w == 4 ? 0 : (random.NextDouble() < 0.8 ? truth : 1 - truth));
            }
        }

        var set = AnnotationSet.FromIndices(tasks.ToArray(), workers.ToArray(), labels.ToArray(), new AnnotationSetOptions { ClassCount = 2 });
        var scores = WorkerQuality.Scores(new Mace().Aggregate(set));
        for (var w = 0; w < 4; w++)
        {
            Assert.True(scores[w] > scores[4] + 0.2, $"honest worker {w}: {scores[w]:F3}, spammer {scores[4]:F3}");
        }

        Assert.InRange(scores[4], -0.05, 0.1);
    }

    [Fact]
    public void InvalidInputIsRejectedWithItsPosition()
    {
        var error = Assert.Throws<ArgumentException>(() => WorkerQuality.Score([0.5, double.NaN, 0.5, 0.5], s_uniform));
        Assert.Contains("Entry 1", error.Message);
        Assert.Throws<ArgumentException>(() => WorkerQuality.Score([1, 0, 0], s_uniform));
        Assert.Throws<ArgumentException>(() => WorkerQuality.Score([1, 0, 0, 1], s_uniform, [0, 1, 1]));
    }
}
