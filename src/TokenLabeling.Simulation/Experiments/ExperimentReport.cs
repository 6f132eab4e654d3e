// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Experiments;

/// <summary>Means over the successful runs of one sweep point. Immutable.</summary>
public sealed record PointSummary
{
    /// <summary>Gets the sweep point.</summary>
    public required SweepPoint Point { get; init; }

    /// <summary>Gets the successful runs.</summary>
    public required int Runs { get; init; }

    /// <summary>Gets the failed runs.</summary>
    public required int FailedRuns { get; init; }

    /// <summary>Gets the mean accuracy of accepted items.</summary>
    public required double Accuracy { get; init; }

    /// <summary>Gets the mean share of all items whose consensus equals the truth.</summary>
    public required double ConsensusAccuracy { get; init; }

    /// <summary>Gets the mean review rate.</summary>
    public required double ReviewRate { get; init; }

    /// <summary>Gets the mean tokens per correct accepted label over runs where it is defined; <see langword="null"/> if none.</summary>
    public required double? CostPerCorrectLabel { get; init; }

    /// <summary>Gets the mean labels per simulated hour.</summary>
    public required double LabelsPerHour { get; init; }

    /// <summary>Gets the mean correct accepted items per simulated hour.</summary>
    public required double CorrectItemsPerHour { get; init; }

    /// <summary>Gets the mean final earnings Gini.</summary>
    public required double EarningsGini { get; init; }

    /// <summary>Gets the mean tokens slashed per run.</summary>
    public required double SlashedTokens { get; init; }

    /// <summary>Gets the mean requester tokens paid per run.</summary>
    public required double RequesterPaidTokens { get; init; }

    /// <summary>Gets the mean ROI per strategy, indexed by <see cref="Strategy"/>, over runs where the strategy held capital; <see cref="double.NaN"/> never appears (0 when never played).</summary>
    public required IReadOnlyList<double> Roi { get; init; }

    /// <summary>Gets whether each strategy was played in at least one run, indexed by <see cref="Strategy"/>.</summary>
    public required IReadOnlyList<bool> Played { get; init; }

    /// <summary>Gets the mean final share per strategy, indexed by <see cref="Strategy"/>.</summary>
    public required IReadOnlyList<double> FinalShare { get; init; }

    /// <summary>Gets the mean share per round and strategy: <c>[round][strategy]</c> (empty when rounds were not recorded).</summary>
    public required IReadOnlyList<IReadOnlyList<double>> ShareByRound { get; init; }

    /// <summary>Gets the mean accuracy per round (empty when rounds were not recorded).</summary>
    public required IReadOnlyList<double> AccuracyByRound { get; init; }

    /// <summary>Gets the share of runs in which honest work earned at least the ROI of every adversarial strategy played.</summary>
    public required double HonestMostProfitableShare { get; init; }

    /// <summary>Returns whether honest work had the highest mean ROI among the strategies played (ties count as highest).</summary>
    /// <returns><see langword="true"/> if no adversarial strategy out-earned honest work on average.</returns>
    public bool HonestMostProfitable()
    {
        foreach (var s in Strategies.All)
        {
            if (Strategies.IsAdversarial(s) && Played[(int)s] && Roi[(int)s] > Roi[(int)Strategy.Honest])
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The per-point aggregates of an experiment. Immutable.</summary>
/// <param name="Seed">The experiment seed.</param>
/// <param name="RunsPerPoint">The runs per point.</param>
/// <param name="Points">The point summaries in order.</param>
/// <param name="FailedRuns">The runs that failed.</param>
public sealed record ExperimentReport(ulong Seed, int RunsPerPoint, IReadOnlyList<PointSummary> Points, int FailedRuns);

/// <summary>Running sums for one point (constant memory per point).</summary>
internal sealed class PointAggregate(SweepPoint point, int rounds)
{
    private readonly double[] _roi = new double[Strategies.Count];
    private readonly int[] _roiRuns = new int[Strategies.Count];
    private readonly double[] _finalShare = new double[Strategies.Count];
    private readonly double[,] _shareByRound = new double[rounds, Strategies.Count];
    private readonly double[] _accuracyByRound = new double[rounds];
    private int _runs, _failed, _costRuns, _roundRuns, _honestBest;
    private double _accuracy, _consensus, _review, _cost, _lph, _cph, _gini, _slashed, _paid;

    public void Add(RunRecord record)
    {
        if (record.Result is not { } result)
        {
            _failed++;
            return;
        }

        var s = result.Summary;
        _runs++;
        _accuracy += s.Accuracy;
        _consensus += s.Tasks > 0 ? (double)s.CorrectAll / s.Tasks : 0;
        _review += s.ReviewRate;
        if (s.CostPerCorrectLabel is { } cost)
        {
            _cost += cost;
            _costRuns++;
        }

        _lph += s.LabelsPerHour;
        _cph += s.CorrectItemsPerHour;
        _gini += s.EarningsGini;
        _slashed += TokenUnits.ToTokens(s.Slashed);
        _paid += TokenUnits.ToTokens(s.RequesterPaid);
        var honestBest = true;
        for (var k = 0; k < Strategies.Count; k++)
        {
            _finalShare[k] += s.FinalShare[k];
            if (s.ByStrategy[k].Capital > 0)
            {
                _roi[k] += s.ByStrategy[k].Roi;
                _roiRuns[k]++;
                if (Strategies.IsAdversarial((Strategy)k) && s.ByStrategy[k].Roi > s.ByStrategy[(int)Strategy.Honest].Roi)
                {
                    honestBest = false;
                }
            }
        }

        _honestBest += honestBest ? 1 : 0;
        if (result.Rounds.Count == rounds)
        {
            _roundRuns++;
            for (var r = 0; r < rounds; r++)
            {
                var m = result.Rounds[r];
                _accuracyByRound[r] += m.Accuracy;
                for (var k = 0; k < Strategies.Count; k++)
                {
                    _shareByRound[r, k] += m.Share((Strategy)k);
                }
            }
        }
    }

    public PointSummary ToSummary()
    {
        var n = Math.Max(_runs, 1);
        var byRound = new IReadOnlyList<double>[_roundRuns > 0 ? rounds : 0];
        for (var r = 0; r < byRound.Length; r++)
        {
            var row = new double[Strategies.Count];
            for (var k = 0; k < row.Length; k++)
            {
                row[k] = _shareByRound[r, k] / _roundRuns;
            }

            byRound[r] = row;
        }

        return new PointSummary
        {
            Point = point,
            Runs = _runs,
            FailedRuns = _failed,
            Accuracy = _accuracy / n,
            ConsensusAccuracy = _consensus / n,
            ReviewRate = _review / n,
            CostPerCorrectLabel = _costRuns > 0 ? _cost / _costRuns : null,
            LabelsPerHour = _lph / n,
            CorrectItemsPerHour = _cph / n,
            EarningsGini = _gini / n,
            SlashedTokens = _slashed / n,
            RequesterPaidTokens = _paid / n,
            Roi = _roi.Select((v, k) => _roiRuns[k] > 0 ? v / _roiRuns[k] : 0).ToArray(),
            Played = _roiRuns.Select(c => c > 0).ToArray(),
            FinalShare = _finalShare.Select(v => v / n).ToArray(),
            ShareByRound = byRound,
            AccuracyByRound = _roundRuns > 0 ? _accuracyByRound.Select(v => v / _roundRuns).ToArray() : [],
            HonestMostProfitableShare = (double)_honestBest / n,
        };
    }
}
