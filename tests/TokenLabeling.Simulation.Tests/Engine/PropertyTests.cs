// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Tests.Engine;

public class PropertyTests
{
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 60)]
    public bool TokenSupply_IsConservedEveryRound(Scenario scenario, ulong seed) =>
        TestScenarios.SupplyIsConservedEveryRound(scenario, SimulationRunner.Run(scenario, seed));

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 40)]
    public bool PerfectHonestCrowd_GetsEveryItemRight_AndNobodyIsSlashed(Scenario scenario, ulong seed)
    {
        var result = SimulationRunner.Run(TestScenarios.PerfectHonestCrowd(scenario), seed);
        return result.Summary.CorrectAll == result.Summary.Tasks
            && result.Summary.Accepted == result.Summary.Tasks
            && result.Summary.Slashed == 0
            && result.Summary.Accuracy == 1;
    }

    public static class Arbitraries
    {
        public static Arbitrary<Scenario> Scenarios()
        {
            var gen =
                from presetIndex in Gen.Choose(0, PolicyPresets.ByName.Count - 1)
                from stake in Gen.Choose(0, 20)
                from slash in Gen.Choose(0, 10_000)
                from recipient in Gen.Elements(Enum.GetValues<SlashRecipient>())
                from split in Gen.Elements(Enum.GetValues<RewardSplit>())
                from threshold in Gen.Choose(0, 100)
                from settleReviewed in Gen.Elements(true, false)
                from workers in Gen.Choose(1, 30)
                from perTask in Gen.Choose(1, 7)
                from classes in Gen.Choose(2, 6)
                from shares in Gen.ArrayOf(Gen.Choose(0, 3), 7)
                from commitReveal in Gen.Elements(true, false)
                from weighted in Gen.Elements(true, false)
                from imitation in Gen.Choose(0, 10)
                from balance in Gen.Choose(0, 50)
                select new Scenario
                {
                    Rounds = 4,
                    TasksPerRound = 25,
                    ClassCount = classes,
                    LabelsPerTask = perTask,
                    CommitReveal = commitReveal,
                    StakeWeightedAssignment = weighted,
                    DifficultyMean = 0.1,
                    DifficultySpread = 0.1,
                    Policy = PolicyPresets.ByName.Values.ElementAt(presetIndex) with
                    {
                        StakePerLabel = TokenUnits.Parse((stake / 3.0).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture)),
                        SlashBps = slash,
                        SlashRecipient = recipient,
                        RewardSplit = split,
                        RewardPerLabel = 333_333,
                        ReviewThreshold = threshold / 100.0,
                        SettleReviewedItems = settleReviewed,
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
