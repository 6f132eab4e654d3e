// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Simulation.Experiments;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Tests.Experiments;

public class SweepTests
{
    [Fact]
    public void Points_AreTheCartesianProduct_LastAxisFastest()
    {
        var spec = new ExperimentSpec
        {
            Scenario = new Scenario(),
            Sweep = [new SweepAxis("labelsPerTask", [3, 5]), new SweepAxis("stakePerLabel", [0, 2.5, 10])],
        };
        var points = spec.EnumeratePoints();
        Assert.Equal(6, points.Count);
        Assert.Equal(3, points[2].Scenario.LabelsPerTask);
        Assert.Equal(TokenUnits.FromTokens(10), points[2].Scenario.Policy.StakePerLabel);
        Assert.Equal(5, points[4].Scenario.LabelsPerTask);
        Assert.Equal(2_500_000, points[4].Scenario.Policy.StakePerLabel);
    }

    [Fact]
    public void AdversaryShare_SplitsTheCrowdAsAsked()
    {
        var mix = new StrategyMix { Honest = 1 }.WithAdversaryShare(0.4);
        Assert.Equal(0.6, mix.Honest, 12);
        Assert.Equal(0.08, mix.RandomSpammer, 12);
        Assert.Equal(0.08, mix.Sybil, 12);
        var custom = new StrategyMix { Honest = 3, ColludingBloc = 1 }.WithAdversaryShare(0.5);
        Assert.Equal(0.5, custom.ColludingBloc, 12);
        Assert.Equal(0, custom.RandomSpammer);
    }

    [Theory]
    [InlineData("noSuchParameter", 1)]
    [InlineData("labelsPerTask", 2.5)]
    [InlineData("adversaryShare", 1.5)]
    [InlineData("stakePerLabel", 0.0000001)]
    public void BadSweepValues_AreRejectedWithTheirName(string name, double value)
    {
        var ex = Assert.Throws<ArgumentException>(() => ScenarioParameters.Apply(new Scenario(), name, value));
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HonestStaysMostProfitable_UnderTheDefaultPolicy_AgainstRandomSpammers()
    {
        // An expected direction, not a number from the code: spammers agree with the consensus about 1/K of the time and lose stake otherwise.
        var spec = new ExperimentSpec
        {
            Scenario = TestScenarios.Small(PolicyPresets.Default, new StrategyMix { Honest = 0.7, RandomSpammer = 0.3 }) with { Adaptation = new AdaptationModel() },
            Runs = 4,
        };
        var report = ExperimentRunner.Run(spec);
        var point = report.Points[0];
        Assert.True(point.HonestMostProfitable());
        Assert.True(point.Roi[(int)Strategy.RandomSpammer] < 0);
    }
}
