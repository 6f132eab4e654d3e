// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using System.Text;
using TokenLabeling.Simulation.Metrics;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Experiments;

/// <summary>Writes experiment results as CSV, one row per run and optionally one row per round, streamed as runs arrive.</summary>
/// <remarks>
/// <para>Columns: <c>point</c>, the swept parameters, <c>run</c>, <c>seed</c> (re-run a row alone with it), <c>status</c>, then metrics;
/// amounts in tokens with exact decimals, rates with round-trip precision, so the bytes depend only on the results.</para>
/// <para>Not thread-safe: call from the thread that receives <see cref="RunRecord"/>s.</para>
/// </remarks>
public sealed class ResultCsv
{
    private static readonly string[] s_runMetrics =
    [
        "accuracy", "consensus_accuracy", "review_rate", "cost_per_correct_label", "labels_per_hour", "correct_items_per_hour",
        "requester_paid", "slashed", "slashed_to_peers", "slashed_to_treasury", "slashed_burned", "slashed_to_requester", "minted", "earnings_gini",
    ];

    private static readonly string[] s_roundMetrics =
    [
        "round", "accuracy", "review_rate", "cost_per_correct_label", "labels", "requester_paid", "slashed", "slashed_to_peers", "slashed_to_treasury",
        "slashed_burned", "slashed_to_requester", "minted", "worker_balances", "treasury", "burned", "requester_paid_total", "minted_total", "earnings_gini",
    ];

    private readonly TextWriter _runs;
    private readonly TextWriter? _rounds;
    private readonly StringBuilder _line = new();
    private bool _headerWritten;

    /// <summary>Initializes a writer.</summary>
    /// <param name="runs">Receives one row per run.</param>
    /// <param name="rounds">Receives one row per round of each run; <see langword="null"/> for none.</param>
    public ResultCsv(TextWriter runs, TextWriter? rounds = null)
    {
        _runs = runs ?? throw new ArgumentNullException(nameof(runs));
        _rounds = rounds;
    }

    /// <summary>Writes the rows of one run (and the headers before the first).</summary>
    /// <param name="record">The run.</param>
    public void Write(RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_headerWritten)
        {
            WriteHeaders(record.Point);
            _headerWritten = true;
        }

        Prefix(record);
        if (record.Result is not { } result)
        {
            _line.Append(",failed,");
            AppendText(record.Error ?? "unknown error");
            for (var i = 1; i < s_runMetrics.Length + (4 * Strategies.Count); i++)
            {
                _line.Append(',');
            }

            _runs.WriteLine(_line.ToString());
            return;
        }

        var s = result.Summary;
        _line.Append(",ok,");
        Append(s.Accuracy).Append(',');
        Append(s.Tasks > 0 ? (double)s.CorrectAll / s.Tasks : 0).Append(',');
        Append(s.ReviewRate).Append(',');
        if (s.CostPerCorrectLabel is { } cost)
        {
            Append(cost);
        }

        _line.Append(',');
        Append(s.LabelsPerHour).Append(',');
        Append(s.CorrectItemsPerHour).Append(',');
        Tokens(s.RequesterPaid).Append(',');
        Tokens(s.Slashed).Append(',');
        Tokens(s.SlashedToPeers).Append(',');
        Tokens(s.SlashedToTreasury).Append(',');
        Tokens(s.SlashedBurned).Append(',');
        Tokens(s.SlashedToRequester).Append(',');
        Tokens(s.Minted).Append(',');
        Append(s.EarningsGini);
        AppendStrategies(s.ByStrategy, s.FinalShare);
        _runs.WriteLine(_line.ToString());

        if (_rounds is null)
        {
            return;
        }

        foreach (var m in result.Rounds)
        {
            Prefix(record);
            _line.Append(",ok,").Append(m.Round.ToString(CultureInfo.InvariantCulture)).Append(',');
            Append(m.Accuracy).Append(',');
            Append(m.ReviewRate).Append(',');
            if (m.CostPerCorrectLabel is { } c)
            {
                Append(c);
            }

            _line.Append(',').Append(m.Labels.ToString(CultureInfo.InvariantCulture)).Append(',');
            Tokens(m.RequesterPaid).Append(',');
            Tokens(m.Slashed).Append(',');
            Tokens(m.SlashedToPeers).Append(',');
            Tokens(m.SlashedToTreasury).Append(',');
            Tokens(m.SlashedBurned).Append(',');
            Tokens(m.SlashedToRequester).Append(',');
            Tokens(m.MintedThisRound).Append(',');
            Tokens(m.WorkerBalances).Append(',');
            Tokens(m.Treasury).Append(',');
            Tokens(m.Burned).Append(',');
            Tokens(m.RequesterPaidTotal).Append(',');
            Tokens(m.Minted).Append(',');
            Append(m.EarningsGini);
            var shares = Strategies.All.Select(m.Share).ToArray();
            AppendStrategies(m.ByStrategy, shares);
            _rounds.WriteLine(_line.ToString());
        }
    }

    private void WriteHeaders(SweepPoint point)
    {
        var prefix = string.Join(',', new[] { "point" }.Concat(point.Parameters.Select(p => p.Key)).Concat(["run", "seed", "status"]));
        var strategyColumns = Strategies.All.SelectMany(s =>
        {
            var n = Strategies.ColumnName(s);
            return new[] { $"share_{n}", $"roi_{n}", $"profit_per_worker_{n}", $"coherence_{n}" };
        });
        _runs.WriteLine(string.Join(',', new[] { prefix }.Concat(s_runMetrics).Concat(strategyColumns)));
        _rounds?.WriteLine(string.Join(',', new[] { prefix }.Concat(s_roundMetrics).Concat(strategyColumns)));
    }

    private void Prefix(RunRecord record)
    {
        _line.Clear();
        _line.Append(record.Point.Index.ToString(CultureInfo.InvariantCulture));
        foreach (var p in record.Point.Parameters)
        {
            _line.Append(',');
            Append(p.Value);
        }

        _line.Append(',').Append(record.Run.ToString(CultureInfo.InvariantCulture));
        _line.Append(',').Append(record.Seed.ToString(CultureInfo.InvariantCulture));
    }

    private void AppendStrategies(IReadOnlyList<StrategyStats> stats, IReadOnlyList<double> shares)
    {
        for (var k = 0; k < Strategies.Count; k++)
        {
            var st = stats[k];
            _line.Append(',');
            Append(shares[k]).Append(',');
            Append(st.Roi).Append(',');
            Append(st.ProfitPerWorkerTokens).Append(',');
            Append(st.Labels > 0 ? (double)st.CoherentLabels / st.Labels : 0);
        }
    }

    private StringBuilder Append(double value) => _line.Append(value.ToString("R", CultureInfo.InvariantCulture));

    private StringBuilder Tokens(long units) => _line.Append(TokenUnits.Format(units));

    private void AppendText(string text)
    {
        _line.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal).ReplaceLineEndings(" ")).Append('"');
    }
}
