// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Simulation.Engine;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Tests.Engine;

/// <summary>The fast path (votes counted inline, integer settlement inline) must give the same numbers as the general path
/// (AnnotationSet + an independent plurality aggregator + transfer-by-transfer ledger settlement).</summary>
public class PathEquivalenceTests
{
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in PolicyPresets.ByName.Keys)
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FastPath_EqualsGeneralPath(string preset, bool stakeWeighted)
    {
        var scenario = TestScenarios.Small(PolicyPresets.ByName[preset]) with { StakeWeightedAssignment = stakeWeighted };
        for (ulong seed = 1; seed <= 3; seed++)
        {
            var fast = SimulationRunner.Run(scenario, seed);
            var general = SimulationRunner.Run(scenario, seed, new RunOptions { Aggregator = new ReferenceMajorityVote() });
            Assert.Equal("fast-mv", fast.Path);
            Assert.Equal("general:reference-mv", general.Path);
            Assert.Equal(TestScenarios.ToCsv(fast, scenario), TestScenarios.ToCsv(general, scenario));
        }
    }

    [Fact]
    public void FastPath_EqualsConsensusMajorityVote_ByName()
    {
        var scenario = TestScenarios.Small(PolicyPresets.Kleros);
        var fast = SimulationRunner.Run(scenario, 11);
        var general = SimulationRunner.Run(scenario, 11, new RunOptions { Aggregator = new TokenLabeling.Consensus.Aggregators.MajorityVote() });
        Assert.Equal("general:mv", general.Path);
        Assert.Equal(TestScenarios.ToCsv(fast, scenario), TestScenarios.ToCsv(general, scenario));
    }

    [Fact]
    public void DawidSkene_RunsThroughTheGeneralPath_AndConservesSupply()
    {
        var scenario = TestScenarios.Small(PolicyPresets.Default) with { Aggregator = "ds" };
        var result = SimulationRunner.Run(scenario, 3);
        Assert.Equal("general:ds", result.Path);
        Assert.InRange(result.Summary.Accuracy, 0.5, 1);
    }

    [Fact]
    public void GeneralPath_WithEveryRuleSwitchedOn_EqualsFastPath()
    {
        foreach (var recipient in Enum.GetValues<SlashRecipient>())
        {
            foreach (var split in Enum.GetValues<RewardSplit>())
            {
                var policy = new IncentivePolicy
                {
                    Name = $"{recipient}-{split}",
                    StakePerLabel = TokenUnits.Parse("3.3"),
                    SlashBps = 7_000,
                    SlashRecipient = recipient,
                    RewardPerLabel = TokenUnits.Parse("0.7"),
                    RewardSplit = split,
                    FlatFeePerLabel = TokenUnits.Parse("0.1"),
                    MintPerCoherentLabel = TokenUnits.Parse("0.05"),
                    ReviewThreshold = 0.55,
                    SettleReviewedItems = recipient == SlashRecipient.Burn,
                    MinReputation = 0.35,
                };
                var scenario = TestScenarios.Small(policy);
                var fast = SimulationRunner.Run(scenario, 99);
                var general = SimulationRunner.Run(scenario, 99, new RunOptions { Aggregator = new ReferenceMajorityVote() });
                Assert.Equal(TestScenarios.ToCsv(fast, scenario), TestScenarios.ToCsv(general, scenario));
            }
        }
    }

    public static TheoryData<string, int, int, bool> UniformCases()
    {
        var data = new TheoryData<string, int, int, bool>();
        foreach (var name in PolicyPresets.ByName.Keys)
        {
            foreach (var (classes, perTask) in new[] { (2, 1), (4, 5), (8, 7), (9, 3) })
            {
                data.Add(name, classes, perTask, false);
            }
        }

        foreach (var name in RoundSettlementPresets.ByName.Keys)
        {
            data.Add(name, 4, 5, true);
            data.Add(name, 8, 6, true);
        }

        return data;
    }

    /// <summary>Uniform truth, equal difficulty and uniform assignment take the specialised loop (one packed word per label, votes counted
    /// while labelling, redraws through the general generator); every strategy, visible labels and small worker pools (many redraws) included.</summary>
    [Theory]
    [MemberData(nameof(UniformCases))]
    public void UniformFastPath_EqualsGeneralPath(string preset, int classes, int perTask, bool economics)
    {
        var scenario = TestScenarios.Small(economics ? PolicyPresets.Default : PolicyPresets.ByName[preset]) with
        {
            ClassCount = classes,
            ClassPrior = [],
            DifficultyMean = 0.3,
            DifficultySpread = 0,
            LabelsPerTask = perTask,
            TasksPerRound = 61,
            Settlement = economics ? RoundSettlementPresets.ByName[preset] : null,
            Population = new PopulationModel { WorkerCount = 12, Mix = TestScenarios.EveryStrategy, StartingBalance = TokenUnits.FromTokens(30) },
        };
        for (ulong seed = 1; seed <= 3; seed++)
        {
            var fast = SimulationRunner.Run(scenario, seed);
            var general = SimulationRunner.Run(scenario, seed, new RunOptions { Aggregator = new ReferenceMajorityVote() });
            Assert.StartsWith("fast-mv", fast.Path);
            Assert.Equal(TestScenarios.ToCsv(general, scenario), TestScenarios.ToCsv(fast, scenario));
        }
    }
}
