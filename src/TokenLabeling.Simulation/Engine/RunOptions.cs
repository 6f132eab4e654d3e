// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus;

namespace TokenLabeling.Simulation.Engine;

/// <summary>How one run is executed and what it records. Immutable.</summary>
public sealed record RunOptions
{
    /// <summary>Gets the default options: the built-in fast path for <c>mv</c>, every round recorded.</summary>
    public static RunOptions Default { get; } = new();

    /// <summary>Gets an aggregator that replaces the scenario's named one; when set, every round runs through the general path
    /// (an <see cref="AnnotationSet"/> per round, the aggregator, and ledger settlement).</summary>
    public ILabelAggregator? Aggregator { get; init; }

    /// <summary>Gets a resolver from the scenario's aggregator name to an aggregator, used when the name is not <c>mv</c>
    /// before the Consensus name registry (<c>Aggregators.TryCreate</c>) is asked.</summary>
    public Func<string, ILabelAggregator?>? AggregatorResolver { get; init; }

    /// <summary>Gets whether per-round metrics are kept in <see cref="RunResult.Rounds"/>.</summary>
    public bool RecordRounds { get; init; } = true;

    /// <summary>Gets whether the earnings Gini is computed every round (a sort of all workers per round) rather than only at the end.</summary>
    public bool GiniEveryRound { get; init; } = true;
}
