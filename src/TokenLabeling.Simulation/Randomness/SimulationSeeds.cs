// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Simulation.Randomness;

/// <summary>Derives the seed of one run from the experiment seed, the sweep point and the Monte Carlo run index.</summary>
/// <remarks>The derived seed is written on every result row; <see cref="SimulationRunner.Run"/> with that seed re-runs the row alone.</remarks>
public static class SimulationSeeds
{
    /// <summary>Returns the seed of run <paramref name="run"/> at sweep point <paramref name="point"/>.</summary>
    /// <param name="experimentSeed">The experiment seed (any value).</param>
    /// <param name="point">The sweep point index, from 0.</param>
    /// <param name="run">The Monte Carlo run index, from 0.</param>
    /// <returns>The run seed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="point"/> or <paramref name="run"/> is negative.</exception>
    public static ulong ForRun(ulong experimentSeed, int point, int run)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(point);
        ArgumentOutOfRangeException.ThrowIfNegative(run);
        return SplitMix.Derive(experimentSeed, (ulong)point, (ulong)run);
    }
}
