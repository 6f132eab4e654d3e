// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;
using TokenLabeling.Economics.Settlement;
using TokenLabeling.Simulation.Engine;
using TokenLabeling.Simulation.Experiments;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Tests.Engine;

/// <summary>Rounds settled through Economics: the fast path (votes in registers + round kernel) must equal the general path
/// (AnnotationSet + an independent plurality + SettlementEngine), and the economy must stay closed.</summary>
public class EconomicsSettlementTests
{
    public static TheoryData<string, bool> Presets()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in RoundSettlementPresets.ByName.Keys)
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    private static Scenario Small(RoundSettlement settlement) => TestScenarios.Small(PolicyPresets.Default) with { Name = "econ-" + settlement.Name, Settlement = settlement };

    [Theory]
    [MemberData(nameof(Presets))]
    public void FastPath_EqualsGeneralPathThroughSettlementEngine(string preset, bool stakeWeighted)
    {
        var scenario = Small(RoundSettlementPresets.ByName[preset]) with { StakeWeightedAssignment = stakeWeighted };
        for (ulong seed = 1; seed <= 3; seed++)
        {
            var fast = SimulationRunner.Run(scenario, seed);
            var general = SimulationRunner.Run(scenario, seed, new RunOptions { Aggregator = new ReferenceMajorityVote() });
            Assert.StartsWith("fast-mv+", fast.Path);
            Assert.Equal("general:reference-mv+engine", general.Path);
            Assert.Equal(TestScenarios.ToCsv(general, scenario), TestScenarios.ToCsv(fast, scenario));
        }
    }

    [Fact]
    public void KernelIsUsedWhereItApplies_AndTheEngineElsewhere()
    {
        Assert.Equal("fast-mv+kernel", SimulationRunner.Run(Small(RoundSettlementPresets.Kleros), 1).Path);
        Assert.Equal("fast-mv+engine", SimulationRunner.Run(Small(RoundSettlementPresets.Sapien), 1).Path);
    }

    [Fact]
    public void ComparisonModel_PaysOneTokenPerAgreeingLabel_AndSlashesHalfATokenPerWrongLabel()
    {
        // Two workers, one item per round with both of them, two classes: a perfect worker and one who is always wrong
        // (skill 0 with K = 2 means the other class). Plurality with a 1-1 tie picks the lower class, so count by hand per round.
        var scenario = new Scenario
        {
            Rounds = 1,
            TasksPerRound = 1,
            ClassCount = 2,
            LabelsPerTask = 2,
            Population = new PopulationModel { WorkerCount = 2, SkillMin = 1, SkillMax = 1, StartingBalance = TokenUnits.FromTokens(10) },
            Settlement = new RoundSettlement
            {
                Policy = ComparisonPolicy(),
                StakePerLabel = TokenUnits.FromTokens(1),
                BudgetPerLabel = TokenUnits.FromTokens(1),
            },
        };
        var result = SimulationRunner.Run(scenario, 5);
        var round = result.Rounds[0];

        // Both perfect workers agree: 2 labels, 2 agreeing, +1 token each, nothing slashed, requester pays 2 tokens of a 2-token budget.
        Assert.Equal(2, round.Labels);
        Assert.Equal(0, round.Slashed);
        Assert.Equal(TokenUnits.FromTokens(2), round.RequesterPaid);
        Assert.Equal(TokenUnits.FromTokens(22), round.WorkerBalances);
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 40)]
    public bool TokenSupply_IsConservedEveryRound(Scenario scenario, ulong seed) =>
        TestScenarios.SupplyIsConservedEveryRound(scenario, SimulationRunner.Run(scenario, seed));

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 25)]
    public bool PerfectHonestCrowd_GetsEveryItemRight_AndNobodyIsSlashed(Scenario scenario, ulong seed)
    {
        var result = SimulationRunner.Run(TestScenarios.PerfectHonestCrowd(scenario), seed);
        return result.Summary.CorrectAll == result.Summary.Tasks
            && result.Summary.Accepted == result.Summary.Tasks
            && result.Summary.Slashed == 0;
    }

    [Fact]
    public void SameSeed_GivesByteIdenticalCsv_WithOneAndTwoThreads()
    {
        var spec = new ExperimentSpec
        {
            Scenario = Small(RoundSettlementPresets.Recommended),
            Runs = 5,
            Seed = 77,
            Sweep = [new SweepAxis("adversaryShare", [0, 0.3]), new SweepAxis("slashBps", [1000, 5000])],
        };
        Assert.Equal(RunToCsv(spec, 1), RunToCsv(spec, 2));
    }

    internal static SettlementPolicy ComparisonPolicy() => new(
        "plus1-minus0.5",
        FeePolicy.None,
        new RewardPolicy(ShareWeighting.AgreeingLabels, ratePerLabel: new TokenAmount((ulong)TokenUnits.PerToken)),
        new SlashingPolicy(SlashBasis.WrongOrMissedLabels, 5_000),
        RedistributionPolicy.AllTo(FundsRecipient.Treasury));

    private static string RunToCsv(ExperimentSpec spec, int threads)
    {
        var runs = new StringWriter();
        var rounds = new StringWriter();
        var csv = new ResultCsv(runs, rounds);
        ExperimentRunner.Run(spec, csv.Write, new ExperimentOptions { MaxDegreeOfParallelism = threads });
        return new StringBuilder().Append(runs).Append(rounds).ToString();
    }

    public static class Arbitraries
    {
        public static Arbitrary<Scenario> Scenarios()
        {
            var gen =
                from preset in Gen.Elements(RoundSettlementPresets.ByName.Values.ToArray())
                from stake in Gen.Choose(0, 20)
                from budget in Gen.Choose(0, 20)
                from threshold in Gen.Choose(0, 100)
                from workers in Gen.Choose(1, 30)
                from perTask in Gen.Choose(1, 7)
                from classes in Gen.Choose(2, 6)
                from shares in Gen.ArrayOf(Gen.Choose(0, 3), 7)
                from weighted in Gen.Elements(true, false)
                from imitation in Gen.Choose(0, 10)
                from balance in Gen.Choose(0, 50)
                select new Scenario
                {
                    Rounds = 4,
                    TasksPerRound = 25,
                    ClassCount = classes,
                    LabelsPerTask = perTask,
                    CommitReveal = false,
                    StakeWeightedAssignment = weighted,
                    DifficultyMean = 0.1,
                    DifficultySpread = 0.1,
                    Settlement = preset with
                    {
                        StakePerLabel = TokenUnits.Parse((stake / 3.0).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture)),
                        BudgetPerLabel = TokenUnits.Parse((budget / 7.0).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture)),
                        ReviewThreshold = threshold / 100.0,
                    },
                    Population = new PopulationModel
                    {
                        WorkerCount = workers,
                        Mix = shares.Sum() == 0 ? new StrategyMix() : new StrategyMix
                        {
                            Honest = shares[0], RandomSpammer = shares[1], MajorityClassSpammer = shares[2], LazyCopier = shares[3],
                            ColludingBloc = shares[4], Sybil = shares[5], ProfitMaximizer = shares[6],
                        },
                        StartingBalance = TokenUnits.Parse((balance / 7.0).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture)),
                        SybilIdentities = 3,
                    },
                    Adaptation = new AdaptationModel { ImitationRate = imitation / 10.0 },
                };
            return gen.ToArbitrary();
        }

        public static Arbitrary<ulong> Seeds() => ArbMap.Default.GeneratorFor<ulong>().ToArbitrary();
    }
}
