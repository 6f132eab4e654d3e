// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Simulation.Metrics;

namespace TokenLabeling.Simulation.Engine;

/// <summary>The outcome of one run: its seed (re-run it alone with <see cref="SimulationRunner.Run"/>), per-round metrics and totals. Immutable.</summary>
public sealed class RunResult
{
    internal RunResult(ulong seed, string scenarioName, string path, IReadOnlyList<RoundMetrics> rounds, RunSummary summary)
    {
        Seed = seed;
        ScenarioName = scenarioName;
        Path = path;
        Rounds = rounds;
        Summary = summary;
    }

    /// <summary>Gets the run seed.</summary>
    public ulong Seed { get; }

    /// <summary>Gets the scenario name.</summary>
    public string ScenarioName { get; }

    /// <summary>Gets the execution path: <c>fast-mv</c> or <c>general:&lt;aggregator&gt;</c>.</summary>
    public string Path { get; }

    /// <summary>Gets the per-round metrics (empty when <see cref="RunOptions.RecordRounds"/> is off).</summary>
    public IReadOnlyList<RoundMetrics> Rounds { get; }

    /// <summary>Gets the run totals.</summary>
    public RunSummary Summary { get; }
}
