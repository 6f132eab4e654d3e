// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Kernels;

namespace TokenLabeling.Consensus.Aggregators;

/// <summary>Options of <see cref="DawidSkene"/> and <see cref="OneCoinDawidSkene"/>.</summary>
public sealed record DawidSkeneOptions
{
    /// <summary>Gets the default options: 100 iterations, tolerance 1e-5 nats, no smoothing, probability floor 1e-10.</summary>
    public static DawidSkeneOptions Default { get; } = new();

    /// <summary>Gets the iteration limit (at least 1). Default: 100.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>
    /// Gets the stopping tolerance, in nats of the total log-likelihood of the labels: the run stops when an iteration changes the
    /// true log-likelihood by at most this much. A negative value runs exactly <see cref="MaxIterations"/> iterations. Default: 1e-5.
    /// </summary>
    public double Tolerance { get; init; } = 1e-5;

    /// <summary>
    /// Gets the Dirichlet pseudo-count added to every confusion cell (or to the correct/incorrect counts of a one-coin skill) and to every
    /// class count of the prior, in labels. 0 gives the maximum-likelihood estimate. Typical: 0 to 1. Default: 0.
    /// </summary>
    public double Smoothing { get; init; }

    /// <summary>
    /// Gets the floor applied to every probability before its logarithm, so that a confusion entry of 0 never makes a posterior 0/0.
    /// Must lie in (0, 1/K]. Default: 1e-10 (the clip value of the crowd-kit reference).
    /// </summary>
    public double MinProbability { get; init; } = 1e-10;

    /// <summary>Gets the kernel path (forced paths are for tests and benchmarks). Default: <see cref="KernelPath.Auto"/>.</summary>
    public KernelPath KernelPath { get; init; } = KernelPath.Auto;

    /// <summary>Gets the most threads used on large sets; -1 for all cores. The result never depends on it. Default: -1.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    internal void Validate(string paramName)
    {
        if (MaxIterations < 1)
        {
            throw new ArgumentOutOfRangeException(paramName, MaxIterations, "MaxIterations must be at least 1.");
        }

        if (double.IsNaN(Tolerance))
        {
            throw new ArgumentOutOfRangeException(paramName, Tolerance, "Tolerance must not be NaN.");
        }

        if (!double.IsFinite(Smoothing) || Smoothing < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, Smoothing, "Smoothing must be finite and not negative.");
        }

        if (!(MinProbability > 0 && MinProbability < 1))
        {
            throw new ArgumentOutOfRangeException(paramName, MinProbability, "MinProbability must lie in (0, 1).");
        }

        if (MaxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(paramName, MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be -1 or at least 1.");
        }

        _ = KernelPaths.Resolve(KernelPath);
    }
}
