// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Tests.Engine;

public class SettlementByHandTests
{
    // Five workers label every item: three perfect honest workers and two majority-class spammers who always answer class 0
    // (both classes have prior 0.5; a tie in the prior picks the lower class). Truth is 1 on some items (n1 of them):
    // there the spammers are outvoted 3-2 (agreement 0.6, accepted at threshold 0.6) and lose half of a 10-token stake each,
    // 10 tokens in all, split among the 3 honest labels: floor(10,000,000 / 3) = 3,333,333 units each, 1 unit of dust to the treasury.
    private static Scenario Scenario(IncentivePolicy policy) => new()
    {
        Rounds = 1,
        TasksPerRound = 50,
        ClassCount = 2,
        ClassPrior = [0.5, 0.5],
        LabelsPerTask = 5,
        Policy = policy,
        Population = new PopulationModel
        {
            WorkerCount = 5,
            Mix = new StrategyMix { Honest = 3, MajorityClassSpammer = 2 },
            SkillMin = 1,
            SkillMax = 1,
            EffortCostPerLabel = 0,
            StartingBalance = TokenUnits.FromTokens(1000),
        },
    };

    [Fact]
    public void DefaultPolicy_PaysAndSlashesAsComputedByHand()
    {
        var result = SimulationRunner.Run(Scenario(PolicyPresets.Default), 5);
        var round = result.Rounds[0];
        var spam = round.ByStrategy[(int)Strategy.MajorityClassSpammer];
        var honest = round.ByStrategy[(int)Strategy.Honest];
        var n0 = spam.CoherentLabels / 2;
        var n1 = 50 - n0;
        Assert.InRange(n1, 10, 40);
        Assert.Equal(50, round.Accepted);
        Assert.Equal(50, round.CorrectAccepted);
        Assert.Equal(n1 * 10_000_000L, round.Slashed);
        Assert.Equal(n1 * 3 * 3_333_333L, round.SlashedToPeers);
        Assert.Equal(n1 * 1L, round.SlashedToTreasury);
        Assert.Equal((3 * 50 * 1_000_000L) + (2 * n0 * 1_000_000L), round.RequesterPaid);
        Assert.Equal((3 * 50 * 1_000_000L) + (n1 * 3 * 3_333_333L), honest.Profit);
        Assert.Equal((2 * n0 * 1_000_000L) - (n1 * 2 * 5_000_000L), spam.Profit);
    }

    [Fact]
    public void KlerosPolicy_SplitsFeesAndWholeStakesAmongCoherentJurors()
    {
        var result = SimulationRunner.Run(Scenario(PolicyPresets.Kleros), 5);
        var round = result.Rounds[0];
        var spam = round.ByStrategy[(int)Strategy.MajorityClassSpammer];
        var honest = round.ByStrategy[(int)Strategy.Honest];
        var n0 = spam.CoherentLabels / 2;
        var n1 = 50 - n0;

        // Truth 0: all five coherent, fee pool 5 tokens split 5 ways. Truth 1: pool 5 tokens over 3 -> 1,666,666 each (dust 2),
        // and 2 × 10 tokens slashed over 3 -> 6,666,666 each (dust 2).
        Assert.Equal(n1 * 20_000_000L, round.Slashed);
        Assert.Equal(n1 * 2L, round.SlashedToTreasury);
        Assert.Equal(n1 * 4L, round.Treasury);
        Assert.Equal(50 * 5_000_000L, round.RequesterPaid);
        Assert.Equal((3 * n0 * 1_000_000L) + (n1 * 3 * (1_666_666L + 6_666_666L)), honest.Profit);
        Assert.Equal((2 * n0 * 1_000_000L) - (n1 * 2 * 10_000_000L), spam.Profit);
    }

    [Fact]
    public void FlatFee_PaysEveryLabelTheSame()
    {
        var result = SimulationRunner.Run(Scenario(PolicyPresets.FlatFee), 5);
        var round = result.Rounds[0];
        Assert.Equal(250 * 1_000_000L, round.RequesterPaid);
        Assert.Equal(0, round.Slashed);
        Assert.Equal(150 * 1_000_000L, round.ByStrategy[(int)Strategy.Honest].Profit);
        Assert.Equal(100 * 1_000_000L, round.ByStrategy[(int)Strategy.MajorityClassSpammer].Profit);
    }
}
