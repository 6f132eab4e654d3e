// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Simulation.Engine;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation;

/// <summary>Runs one simulated market for a number of rounds.</summary>
public static class SimulationRunner
{
    /// <summary>Runs a scenario once with a given seed; the same scenario, seed and options always give the same result.</summary>
    /// <param name="scenario">The scenario (validated first).</param>
    /// <param name="seed">The run seed, e.g. from <see cref="Randomness.SimulationSeeds.ForRun"/> or a result row.</param>
    /// <param name="options">Execution options; <see langword="null"/> for <see cref="RunOptions.Default"/>.</param>
    /// <param name="cancellationToken">Stops the run between rounds.</param>
    /// <returns>The immutable result.</returns>
    /// <exception cref="ArgumentException">The scenario is invalid or names an aggregator that cannot be resolved.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static RunResult Run(Scenario scenario, ulong seed, RunOptions? options = null, CancellationToken cancellationToken = default) =>
        new SimulationRun(scenario, seed).Run(options ?? RunOptions.Default, cancellationToken);
}
