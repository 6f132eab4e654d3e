// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus;

namespace TokenLabeling.Simulation.Tests;

/// <summary>Plain plurality vote written for the tests: the lowest class wins a tie, a task without labels gets -1.</summary>
internal sealed class ReferenceMajorityVote : ILabelAggregator
{
    public string Name => "reference-mv";

    public AggregationResult Aggregate(AnnotationSet annotations, GoldLabels? gold = null, IProgress<AggregationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var k = annotations.ClassCount;
        var labels = new int[annotations.TaskCount];
        var posteriors = new double[annotations.TaskCount * k];
        for (var t = 0; t < annotations.TaskCount; t++)
        {
            var votes = new int[k];
            foreach (var l in annotations.GetTaskLabels(t))
            {
                votes[l]++;
            }

            var best = -1;
            for (var c = 0; c < k; c++)
            {
                if (votes[c] > 0 && (best < 0 || votes[c] > votes[best]))
                {
                    best = c;
                }
            }

            labels[t] = best;
            var n = votes.Sum();
            for (var c = 0; c < k; c++)
            {
                posteriors[(t * k) + c] = n > 0 ? (double)votes[c] / n : 1.0 / k;
            }
        }

        var priors = Enumerable.Repeat(1.0 / k, k).ToArray();
        return new AggregationResult(Name, k, labels, posteriors, priors, [], [], 0, true, []);
    }
}
