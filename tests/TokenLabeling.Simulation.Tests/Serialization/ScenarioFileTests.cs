// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Simulation.Scenarios;
using TokenLabeling.Simulation.Serialization;

namespace TokenLabeling.Simulation.Tests.Serialization;

public class ScenarioFileTests
{
    [Fact]
    public void Parse_ReadsEveryField_AndAmountsExactly()
    {
        var spec = ScenarioFile.Parse("""
            {
              // comments are allowed
              "name": "t", "rounds": 3, "tasksPerRound": 10, "classCount": 3, "classPrior": [2, 1, 1],
              "labelsPerTask": 3, "commitReveal": false, "stakeWeightedAssignment": true, "imitationRate": 0.1,
              "policy": { "preset": "kleros", "stakePerLabel": "2.5", "rewardPerLabel": 0.1, "slashRecipient": "burn" },
              "population": { "workerCount": 12, "mix": { "honest": 0.7, "colluding_bloc": 0.3 }, "startingBalance": 50 },
              "experiment": { "runs": 4, "seed": 9, "sweep": [ { "parameter": "adversaryShare", "values": [0, 0.2] } ] }
            }
            """);
        Assert.Equal(3, spec.Scenario.Rounds);
        Assert.Equal(2_500_000, spec.Scenario.Policy.StakePerLabel);
        Assert.Equal(100_000, spec.Scenario.Policy.RewardPerLabel);
        Assert.Equal(SlashRecipient.Burn, spec.Scenario.Policy.SlashRecipient);
        Assert.Equal(RewardSplit.SplitAmongCoherent, spec.Scenario.Policy.RewardSplit);
        Assert.Equal(0.3, spec.Scenario.Population.Mix.ColludingBloc);
        Assert.Equal(0, spec.Scenario.Population.Mix.RandomSpammer);
        Assert.Equal(50_000_000, spec.Scenario.Population.StartingBalance);
        Assert.Equal(4, spec.Runs);
        Assert.Equal(9UL, spec.Seed);
        Assert.Equal(2, spec.EnumeratePoints().Count);
    }

    [Fact]
    public void Parse_ReadsAnEconomicsSettlement_FromAPreset()
    {
        var spec = ScenarioFile.Parse("""
            { "settlement": { "preset": "kleros", "stakePerLabel": "2.5", "budgetPerLabel": 0.5, "reviewThreshold": 0.4,
                              "qa": { "minorBelowCoherence": 0.5, "majorBelowCoherence": 0.3, "severeBelowCoherence": 0.1 } } }
            """);
        var settlement = spec.Scenario.Settlement!;
        Assert.Equal("kleros", settlement.Policy.Name);
        Assert.Equal(TokenLabeling.Economics.Policies.SlashBasis.Incoherence, settlement.Policy.Slashing.Basis);
        Assert.Equal(2_500_000, settlement.StakePerLabel);
        Assert.Equal(500_000, settlement.BudgetPerLabel);
        Assert.Equal(0.4, settlement.ReviewThreshold);
        Assert.Equal(new QaModel(0.5, 0.3, 0.1), settlement.Qa);
    }

    [Fact]
    public void Parse_ReadsACustomEconomicsPolicy()
    {
        var spec = ScenarioFile.Parse("""
            { "settlement": { "stakePerLabel": 1, "budgetPerLabel": 1, "reviewThreshold": 0,
                "policy": { "name": "plus1-minus0.5", "fees": { "lines": [] },
                            "reward": { "weighting": "AgreeingLabels", "ratePerLabel": "1000000" },
                            "slashing": { "basis": "WrongOrMissedLabels", "rateBasisPoints": 5000 },
                            "redistribution": { "toCoherentPeers": false, "weighting": "AgreeingLabels", "otherwise": "Treasury", "dustTo": "Treasury" } } } }
            """);
        var settlement = spec.Scenario.Settlement!;
        Assert.Equal("plus1-minus0.5", settlement.Name);
        Assert.Equal(5_000, settlement.Policy.Slashing.RateBasisPoints);
        Assert.Equal(1_000_000UL, (ulong)settlement.Policy.Reward.RatePerLabel!.Value);
        Assert.Equal(0, settlement.ReviewThreshold);
        Assert.Null(settlement.Qa);
    }

    [Theory]
    [InlineData("""{ "rounds": 0 }""", "Rounds")]
    [InlineData("""{ "policy": { "preset": "kleros" }, "settlement": { "preset": "kleros" } }""", "not both")]
    [InlineData("""{ "settlement": { "preset": "nope" } }""", "nope")]
    [InlineData("""{ "settlement": { "policy": { "name": "x" } } }""", "settlement.policy")]
    [InlineData("""{ "settlement": { "reviewThreshold": 2 } }""", "ReviewThreshold")]
    [InlineData("""{ "settlement": { "qa": { "minorBelowCoherence": 0.1, "majorBelowCoherence": 0.5 } } }""", "Qa")]
    [InlineData("""{ "roundz": 3 }""", "roundz")]
    [InlineData("""{ "policy": { "preset": "nope" } }""", "nope")]
    [InlineData("""{ "policy": { "stakePerLabel": "1.0000001" } }""", "decimals")]
    [InlineData("""{ "population": { "mix": { "hacker": 1 } } }""", "hacker")]
    [InlineData("""{ "rounds": "three" }""", "rounds")]
    public void Parse_RejectsBadFiles_NamingTheField(string json, string expected)
    {
        var ex = Assert.ThrowsAny<Exception>(() => ScenarioFile.Parse(json));
        Assert.True(ex is FormatException or ArgumentException, ex.GetType().Name);
        Assert.Contains(expected, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void DocumentedExamples_AllParse()
    {
        var dir = FindDocs();
        if (dir is null)
        {
            return;
        }

        var files = Directory.GetFiles(dir, "*.json").Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var spec = ScenarioFile.Parse(File.ReadAllText(file));
            Assert.NotNull(spec.Scenario);
        }
    }

    private static string? FindDocs()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "simulation");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
