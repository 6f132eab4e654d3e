// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus;
using TokenLabeling.Consensus.Aggregators;
using TokenLabeling.Consensus.Agreement;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Cli.Tests;

/// <summary>The README's composition example, kept compiling and checked against a hand calculation.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void ConsensusThenSettlement_MatchesTheHandCalculationInTheReadme()
    {
        // --- README example start ---
        var labels = AnnotationSet.Create(new Annotation<string, string>[]
        {
            new("img-1", "alice", 1), new("img-1", "bob", 1), new("img-1", "carol", 0),
            new("img-2", "alice", 0), new("img-2", "bob", 0), new("img-2", "carol", 0),
            new("img-3", "alice", 1), new("img-3", "bob", 0),
        });
        var result = new MajorityVote().Aggregate(labels);
        var policy = new ConsensusPolicy { MinimumAnnotators = 3, AgreementThreshold = 0.6, Measure = ConsensusMeasure.AgreementRatio };
        var decisions = policy.Decide(labels, result);

        // Each worker's labels on accepted items, and how many agree with the consensus.
        var outcomes = new List<WorkerOutcome>();
        var workerIds = labels.GetWorkerIds<string>();
        for (var w = 0; w < labels.WorkerCount; w++)
        {
            int committed = 0, agreeing = 0, underReview = 0;
            for (var t = 0; t < labels.TaskCount; t++)
            {
                var at = labels.GetTaskWorkers(t).IndexOf(w);
                if (at < 0)
                {
                    continue;
                }

                if (decisions[t].Outcome == ConsensusOutcome.NeedsReview)
                {
                    underReview++;
                    continue;
                }

                committed++;
                agreeing += labels.GetTaskLabels(t)[at] == decisions[t].Label ? 1 : 0;
            }

            outcomes.Add(WorkerOutcome.FromCounts(workerIds[w], new TokenAmount(100), committed, committed, agreeing, underReview));
        }

        // Budget 1,000 base units, 2.5% platform fee, half of the stake share of each wrong label slashed.
        var plan = SettlementEngine.Settle(new TokenAmount(1000), outcomes.ToArray(), SettlementPresets.Escrow(platformFeeBasisPoints: 250, slashBasisPoints: 5000));
        plan.Verify().ThrowIfUnbalanced();
        // --- README example end ---

        // img-1: 1,1,0 -> 1 (2/3 >= 0.6, accepted); img-2: 0,0,0 -> 0 (accepted); img-3: two annotators -> review.
        Assert.Equal([ConsensusOutcome.Accepted, ConsensusOutcome.Accepted, ConsensusOutcome.NeedsReview], decisions.Select(d => d.Outcome));
        // fee = 1000 * 250 / 10000 = 25, pool 975; carol: 1 wrong of 2 -> slash 100 * 5000 * 1 / (10000 * 2) = 25.
        // agreeing A = 2 + 2 + 1 = 5: rewards 975*2/5 = 390, 390, 195; shares 25*2/5 = 10, 10, 5.
        // payouts: 100 + 390 + 10 = 500, 500, 100 - 25 + 195 + 5 = 275; refund 975 - 975 + 25 - 25 = 0.
        Assert.Equal([new TokenAmount(500), new TokenAmount(500), new TokenAmount(275)], plan.Workers.Select(p => p.Payout));
        Assert.Equal(new TokenAmount(25), plan.TotalFees);
        Assert.Equal(TokenAmount.Zero, plan.RequesterRefund);
    }
}
