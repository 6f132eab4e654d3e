// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Metrics;

/// <summary>What the workers playing one strategy did and earned in one round (or over a run).</summary>
/// <param name="Workers">The number of worker identities playing the strategy.</param>
/// <param name="Labels">The labels they gave.</param>
/// <param name="CoherentLabels">Their labels that matched the consensus.</param>
/// <param name="Profit">Their token gain minus their effort cost, in base units.</param>
/// <param name="Capital">Their starting capital (starting balances), in base units.</param>
public readonly record struct StrategyStats(int Workers, long Labels, long CoherentLabels, long Profit, long Capital)
{
    /// <summary>Gets the return on capital: <see cref="Profit"/> / <see cref="Capital"/> (0 when nobody plays the strategy).</summary>
    public double Roi => Capital > 0 ? (double)Profit / Capital : 0;

    /// <summary>Gets the profit per worker in tokens (0 when nobody plays the strategy).</summary>
    public double ProfitPerWorkerTokens => Workers > 0 ? TokenUnits.ToTokens(Profit) / Workers : 0;
}

/// <summary>The outcome of one simulated round. Amounts are exact base units (see <see cref="TokenUnits"/>).</summary>
/// <remarks>Immutable. Ledger totals (<see cref="WorkerBalances"/> to <see cref="Minted"/>) are cumulative since the start of the run; flows are per round.</remarks>
public sealed record RoundMetrics
{
    /// <summary>Gets the round index, from 0.</summary>
    public required int Round { get; init; }

    /// <summary>Gets the items labelled.</summary>
    public required int Tasks { get; init; }

    /// <summary>Gets the labels given.</summary>
    public required long Labels { get; init; }

    /// <summary>Gets the items whose agreement met the review threshold.</summary>
    public required int Accepted { get; init; }

    /// <summary>Gets the accepted items whose consensus equals the hidden truth.</summary>
    public required int CorrectAccepted { get; init; }

    /// <summary>Gets all items whose consensus equals the hidden truth, accepted or not.</summary>
    public required int CorrectAll { get; init; }

    /// <summary>Gets the tokens the requester paid this round (fees and rewards, after refunds and slashes returned to it).</summary>
    public required long RequesterPaid { get; init; }

    /// <summary>Gets the tokens slashed this round.</summary>
    public required long Slashed { get; init; }

    /// <summary>Gets the slashed tokens paid to coherent peers.</summary>
    public required long SlashedToPeers { get; init; }

    /// <summary>Gets the slashed tokens (and rounding dust) sent to the treasury.</summary>
    public required long SlashedToTreasury { get; init; }

    /// <summary>Gets the slashed tokens burned.</summary>
    public required long SlashedBurned { get; init; }

    /// <summary>Gets the slashed tokens returned to the requester.</summary>
    public required long SlashedToRequester { get; init; }

    /// <summary>Gets the tokens minted this round.</summary>
    public required long MintedThisRound { get; init; }

    /// <summary>Gets the simulated wall-clock seconds of the round: the busiest worker's labelling time.</summary>
    public required double SimulatedSeconds { get; init; }

    /// <summary>Gets the Gini coefficient of the workers' cumulative gross earnings (0 equal, 1 one worker earns all); 0 when not computed.</summary>
    public required double EarningsGini { get; init; }

    /// <summary>Gets the sum of worker balances at the end of the round.</summary>
    public required long WorkerBalances { get; init; }

    /// <summary>Gets the treasury balance.</summary>
    public required long Treasury { get; init; }

    /// <summary>Gets the tokens burned so far.</summary>
    public required long Burned { get; init; }

    /// <summary>Gets the requester's net payments so far.</summary>
    public required long RequesterPaidTotal { get; init; }

    /// <summary>Gets the tokens minted so far.</summary>
    public required long Minted { get; init; }

    /// <summary>Gets the per-strategy statistics, indexed by <see cref="Strategy"/>.</summary>
    public required IReadOnlyList<StrategyStats> ByStrategy { get; init; }

    /// <summary>Gets the accuracy of accepted items against the hidden truth (0 when none was accepted).</summary>
    public double Accuracy => Accepted > 0 ? (double)CorrectAccepted / Accepted : 0;

    /// <summary>Gets the share of items that need review.</summary>
    public double ReviewRate => Tasks > 0 ? (double)(Tasks - Accepted) / Tasks : 0;

    /// <summary>Gets the requester's tokens per correct accepted label, or <see langword="null"/> when no accepted item was correct.</summary>
    public double? CostPerCorrectLabel => CorrectAccepted > 0 ? TokenUnits.ToTokens(RequesterPaid) / CorrectAccepted : null;

    /// <summary>Gets the share of worker identities playing a strategy this round.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The share in [0, 1].</returns>
    public double Share(Strategy strategy)
    {
        var total = 0;
        foreach (var s in ByStrategy)
        {
            total += s.Workers;
        }

        return total > 0 ? (double)ByStrategy[(int)strategy].Workers / total : 0;
    }
}
