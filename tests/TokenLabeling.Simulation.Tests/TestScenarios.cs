// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Simulation.Engine;
using TokenLabeling.Simulation.Experiments;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Tests;

internal static class TestScenarios
{
    public static StrategyMix EveryStrategy { get; } = new()
    {
        Honest = 4, RandomSpammer = 1, MajorityClassSpammer = 1, LazyCopier = 1, ColludingBloc = 1, Sybil = 1, ProfitMaximizer = 1,
    };

    public static Scenario Small(IncentivePolicy policy, StrategyMix? mix = null) => new()
    {
        Name = "small-" + policy.Name,
        Rounds = 6,
        TasksPerRound = 60,
        ClassCount = 3,
        ClassPrior = [0.5, 0.3, 0.2],
        DifficultyMean = 0.2,
        DifficultySpread = 0.2,
        LabelsPerTask = 5,
        CommitReveal = false,
        Policy = policy,
        Population = new PopulationModel { WorkerCount = 40, Mix = mix ?? EveryStrategy, StartingBalance = TokenUnits.FromTokens(30) },
        Adaptation = new AdaptationModel { ImitationRate = 0.2 },
    };

    /// <summary>Writes one run's rows (run and rounds) to CSV text, the form in which results are compared.</summary>
    public static string ToCsv(RunResult result, Scenario scenario)
    {
        var runs = new StringWriter();
        var rounds = new StringWriter();
        var csv = new ResultCsv(runs, rounds);
        csv.Write(new RunRecord(new SweepPoint(0, [], scenario), 0, result.Seed, result, null));
        return new StringBuilder().Append(runs).Append(rounds).ToString();
    }

    /// <summary>
    /// Whether every round of a run keeps the economy closed: what workers, treasury and burn hold came from the starting balances,
    /// the requester or the mint, and every slashed token went to peers, treasury, burn or the requester.
    /// </summary>
    public static bool SupplyIsConservedEveryRound(Scenario scenario, RunResult result)
    {
        var pop = scenario.Population;
        var sybils = result.Rounds[0].ByStrategy[(int)Strategy.Sybil].Workers;
        var initial = ((long)(pop.WorkerCount - sybils) * pop.StartingBalance) + (sybils * (pop.StartingBalance / pop.SybilIdentities));
        foreach (var round in result.Rounds)
        {
            if (round.WorkerBalances + round.Treasury + round.Burned != initial + round.RequesterPaidTotal + round.Minted
                || round.Slashed != round.SlashedToPeers + round.SlashedToTreasury + round.SlashedBurned + round.SlashedToRequester)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The scenario with only honest, perfectly skilled workers and items of no difficulty.</summary>
    public static Scenario PerfectHonestCrowd(Scenario scenario) => scenario with
    {
        DifficultyMean = 0,
        DifficultySpread = 0,
        Population = scenario.Population with { Mix = new StrategyMix { Honest = 1 }, SkillMin = 1, SkillMax = 1, StartingBalance = TokenUnits.FromTokens(1000) },
    };
}
