// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using TokenLabeling.Economics.Policies;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Experiments;

/// <summary>The scenario parameters a sweep can vary, by name.</summary>
public static class ScenarioParameters
{
    /// <summary>Gets the parameter names a sweep accepts, with what each sets.</summary>
    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["budgetPerLabel"] = "requester's budget per label of an Economics-settled round, tokens",
        ["adversaryShare"] = "share of adversarial identities, 0..1 (relative weights of the adversarial strategies kept; equal weights if the mix has none)",
        ["classCount"] = "number of classes K",
        ["commitReveal"] = "1 hides labels until all are in, 0 shows them (lazy copiers can copy)",
        ["difficultyMean"] = "mean item difficulty, 0..1",
        ["effortCost"] = "cost of one full-effort label, tokens",
        ["imitationRate"] = "probability that a worker revises its strategy after a round, 0..1",
        ["labelsPerTask"] = "workers per item",
        ["minReputation"] = "beta reputation needed to be assigned, 0..1",
        ["flatFeePerLabel"] = "flat fee per label, tokens",
        ["rewardPerLabel"] = "reward per coherent label, tokens",
        ["reviewThreshold"] = "agreement below which an item needs review, 0..1",
        ["rounds"] = "number of rounds",
        ["skillMax"] = "highest skill, 0..1",
        ["skillMin"] = "lowest skill, 0..1",
        ["slashBps"] = "share of the stake lost per incoherent label, basis points",
        ["stakePerLabel"] = "stake locked per label, tokens",
        ["tasksPerRound"] = "items per round",
        ["workerCount"] = "worker identities",
    };

    /// <summary>Returns the scenario with one parameter set.</summary>
    /// <param name="scenario">The base scenario.</param>
    /// <param name="name">The parameter name (see <see cref="Descriptions"/>).</param>
    /// <param name="value">The value; counts must be whole numbers and token amounts have at most 6 decimals.</param>
    /// <returns>The new scenario (not yet validated).</returns>
    /// <exception cref="ArgumentException">The name is unknown or the value does not fit the parameter (the message names both).</exception>
    public static Scenario Apply(Scenario scenario, string name, double value)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(name);
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"Sweep parameter '{name}' needs a finite value, not {value}.", nameof(value));
        }

        var p = scenario.Policy;
        var pop = scenario.Population;
        if (scenario.Settlement is { } settlement && ApplyToSettlement(settlement, name, value) is { } changed)
        {
            return scenario with { Settlement = changed };
        }

        return name switch
        {
            "budgetPerLabel" => throw new ArgumentException($"Sweep parameter '{name}' needs a scenario with an Economics settlement ('settlement').", nameof(name)),
            "adversaryShare" => scenario with { Population = pop with { Mix = pop.Mix.WithAdversaryShare(InRange(name, value, 0, 1)) } },
            "classCount" => scenario with { ClassCount = Whole(name, value), ClassPrior = [] },
            "commitReveal" => scenario with { CommitReveal = Whole(name, value) != 0 },
            "difficultyMean" => scenario with { DifficultyMean = InRange(name, value, 0, 1) },
            "effortCost" => scenario with { Population = pop with { EffortCostPerLabel = Tokens(name, value) } },
            "imitationRate" => scenario with { Adaptation = scenario.Adaptation with { ImitationRate = InRange(name, value, 0, 1) } },
            "labelsPerTask" => scenario with { LabelsPerTask = Whole(name, value) },
            "minReputation" => scenario with { Policy = p with { MinReputation = InRange(name, value, 0, 1) } },
            "flatFeePerLabel" => scenario with { Policy = p with { FlatFeePerLabel = Tokens(name, value) } },
            "rewardPerLabel" => scenario with { Policy = p with { RewardPerLabel = Tokens(name, value) } },
            "reviewThreshold" => scenario with { Policy = p with { ReviewThreshold = InRange(name, value, 0, 1) } },
            "rounds" => scenario with { Rounds = Whole(name, value) },
            "skillMax" => scenario with { Population = pop with { SkillMax = InRange(name, value, 0, 1) } },
            "skillMin" => scenario with { Population = pop with { SkillMin = InRange(name, value, 0, 1) } },
            "slashBps" => scenario with { Policy = p with { SlashBps = Whole(name, value) } },
            "stakePerLabel" => scenario with { Policy = p with { StakePerLabel = Tokens(name, value) } },
            "tasksPerRound" => scenario with { TasksPerRound = Whole(name, value) },
            "workerCount" => scenario with { Population = pop with { WorkerCount = Whole(name, value) } },
            _ => throw new ArgumentException($"Unknown sweep parameter '{name}'. Known: {string.Join(", ", Descriptions.Keys)}.", nameof(name)),
        };
    }

    /// <summary>Sets a parameter of an Economics round settlement; <see langword="null"/> when the parameter is not one of its own.</summary>
    private static RoundSettlement? ApplyToSettlement(RoundSettlement settlement, string name, double value)
    {
        var policy = settlement.Policy;
        switch (name)
        {
            case "stakePerLabel":
                return settlement with { StakePerLabel = Tokens(name, value) };
            case "budgetPerLabel":
                return settlement with { BudgetPerLabel = Tokens(name, value) };
            case "reviewThreshold":
                return settlement with { ReviewThreshold = InRange(name, value, 0, 1) };
            case "minReputation":
                return settlement with { MinReputation = InRange(name, value, 0, 1) };
            case "slashBps":
                var s = policy.Slashing;
                var slashing = new SlashingPolicy(s.Basis, Whole(name, value) is var bps and >= 0 and <= 10_000 ? bps : throw new ArgumentException($"Sweep parameter '{name}' must lie in 0..10000.", nameof(value)), s.ExemptAtOrAboveCoherence, s.CapBasisPoints, s.QaPenalties);
                return settlement with { Policy = new SettlementPolicy(policy.Name, policy.Fees, policy.Reward, slashing, policy.Redistribution, policy.Holdback) };
            case "rewardPerLabel":
            case "flatFeePerLabel":
                throw new ArgumentException($"Sweep parameter '{name}' belongs to the per-item policy; with an Economics settlement vary 'budgetPerLabel' or the policy itself.", nameof(name));
            default:
                return null;
        }
    }

    private static double InRange(string name, double value, double min, double max) =>
        value >= min && value <= max ? value : throw new ArgumentException($"Sweep parameter '{name}' must lie in [{min}, {max}], not {value.ToString(CultureInfo.InvariantCulture)}.", nameof(value));

    private static int Whole(string name, double value) =>
        value == Math.Floor(value) && value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw new ArgumentException($"Sweep parameter '{name}' must be a whole number, not {value.ToString(CultureInfo.InvariantCulture)}.", nameof(value));

    private static long Tokens(string name, double value)
    {
        try
        {
            return TokenUnits.Parse(value.ToString("0.######", CultureInfo.InvariantCulture)) is var units && Math.Abs(TokenUnits.ToTokens(units) - value) < 1e-9 * Math.Max(1, Math.Abs(value))
                ? units
                : throw new ArgumentException($"Sweep parameter '{name}' = {value.ToString(CultureInfo.InvariantCulture)} has more than {TokenUnits.Decimals} decimals.", nameof(value));
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"Sweep parameter '{name}' = {value.ToString(CultureInfo.InvariantCulture)} is not a token amount: {ex.Message}", nameof(value), ex);
        }
    }
}
