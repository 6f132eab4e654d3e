// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Metrics;

/// <summary>The totals of one run. Amounts are exact base units.</summary>
/// <remarks>Per-strategy <see cref="StrategyStats.Profit"/> sums what workers earned while playing the strategy;
/// <see cref="StrategyStats.Capital"/> is the strategy's capital averaged over rounds, so <see cref="StrategyStats.Roi"/> is the run's return on the capital the strategy held.</remarks>
public sealed record RunSummary
{
    /// <summary>Gets the rounds run.</summary>
    public required int Rounds { get; init; }

    /// <summary>Gets the items labelled.</summary>
    public required long Tasks { get; init; }

    /// <summary>Gets the labels given.</summary>
    public required long Labels { get; init; }

    /// <summary>Gets the accepted items.</summary>
    public required long Accepted { get; init; }

    /// <summary>Gets the accepted items whose consensus equals the truth.</summary>
    public required long CorrectAccepted { get; init; }

    /// <summary>Gets all items whose consensus equals the truth.</summary>
    public required long CorrectAll { get; init; }

    /// <summary>Gets the requester's net payments.</summary>
    public required long RequesterPaid { get; init; }

    /// <summary>Gets the tokens slashed.</summary>
    public required long Slashed { get; init; }

    /// <summary>Gets the slashed tokens paid to coherent peers.</summary>
    public required long SlashedToPeers { get; init; }

    /// <summary>Gets the slashed tokens and dust sent to the treasury.</summary>
    public required long SlashedToTreasury { get; init; }

    /// <summary>Gets the slashed tokens burned.</summary>
    public required long SlashedBurned { get; init; }

    /// <summary>Gets the slashed tokens returned to the requester.</summary>
    public required long SlashedToRequester { get; init; }

    /// <summary>Gets the tokens minted.</summary>
    public required long Minted { get; init; }

    /// <summary>Gets the simulated seconds of all rounds.</summary>
    public required double SimulatedSeconds { get; init; }

    /// <summary>Gets the Gini coefficient of cumulative gross earnings at the end.</summary>
    public required double EarningsGini { get; init; }

    /// <summary>Gets per-strategy totals over the run, indexed by <see cref="Strategy"/>.</summary>
    public required IReadOnlyList<StrategyStats> ByStrategy { get; init; }

    /// <summary>Gets the share of identities per strategy after the last round, indexed by <see cref="Strategy"/>.</summary>
    public required IReadOnlyList<double> FinalShare { get; init; }

    /// <summary>Gets the accuracy of accepted items (0 when none was accepted).</summary>
    public double Accuracy => Accepted > 0 ? (double)CorrectAccepted / Accepted : 0;

    /// <summary>Gets the share of items that needed review.</summary>
    public double ReviewRate => Tasks > 0 ? (double)(Tasks - Accepted) / Tasks : 0;

    /// <summary>Gets the requester's tokens per correct accepted label, or <see langword="null"/> when none was correct.</summary>
    public double? CostPerCorrectLabel => CorrectAccepted > 0 ? TokenUnits.ToTokens(RequesterPaid) / CorrectAccepted : null;

    /// <summary>Gets the labels given per hour of simulated time.</summary>
    public double LabelsPerHour => SimulatedSeconds > 0 ? Labels / (SimulatedSeconds / 3600) : 0;

    /// <summary>Gets the correct accepted items per hour of simulated time.</summary>
    public double CorrectItemsPerHour => SimulatedSeconds > 0 ? CorrectAccepted / (SimulatedSeconds / 3600) : 0;

    /// <summary>Returns the strategy with the highest ROI among those played (ties: the lower enum value).</summary>
    /// <returns>The most profitable strategy.</returns>
    public Strategy MostProfitable()
    {
        var best = -1;
        for (var s = 0; s < ByStrategy.Count; s++)
        {
            if (ByStrategy[s].Workers > 0 || ByStrategy[s].Labels > 0)
            {
                if (best < 0 || ByStrategy[s].Roi > ByStrategy[best].Roi)
                {
                    best = s;
                }
            }
        }

        return best < 0 ? Strategy.Honest : (Strategy)best;
    }
}
