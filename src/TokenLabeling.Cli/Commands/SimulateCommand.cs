// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using System.Text;
using TokenLabeling.Simulation.Experiments;
using TokenLabeling.Simulation.Scenarios;
using TokenLabeling.Simulation.Serialization;

namespace TokenLabeling.Cli.Commands;

/// <summary><c>tokenlabel simulate</c>: Monte Carlo runs and sweeps of a scenario file, streamed to CSV, summarised and plotted.</summary>
internal sealed class SimulateCommand : ICliCommand
{
    public string Name => "simulate";

    public string Summary => "Simulate an incentive policy with synthetic workers (Monte Carlo runs, sweeps, CSV, plots).";

    public string Usage => """
        usage: tokenlabel simulate --scenario <file.json> [options]

          --scenario <file>   scenario file (schema: docs/simulation/scenario.schema.json)
          --runs <n>          Monte Carlo runs per sweep point (default: the file's experiment.runs, else 10)
          --seed <n>          experiment seed (default: the file's experiment.seed, else 1); every row carries its run seed
          --threads <n>       worker threads (default: all cores); results do not depend on it
          --out <dir>         output folder (default: simulation-results): runs.csv, rounds.csv, summary.md, *.png
          --no-rounds         skip rounds.csv (one row per round of every run)
          --no-plots          skip the PNG plots

        A live progress line is shown on stderr when it is a terminal. Ctrl+C stops after the current batch;
        rows already written stay in the CSV files.
        """;

    public int Run(CommandLineOptions options, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var scenarioPath = options.Required("scenario");
        var runsOption = options.Optional("runs");
        var seedOption = options.Optional("seed");
        var threads = options.Int32("threads", 0, 0, 4096);
        var outDir = options.Optional("out", "simulation-results")!;
        var noRounds = options.Has("no-rounds");
        var noPlots = options.Has("no-plots");
        options.ThrowOnUnknown();

        if (!File.Exists(scenarioPath))
        {
            throw new CliException($"scenario file '{scenarioPath}' does not exist.");
        }

        ExperimentSpec spec;
        try
        {
            spec = ScenarioFile.Parse(File.ReadAllText(scenarioPath));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new CliException($"scenario file '{scenarioPath}': {ex.Message}");
        }

        if (runsOption is not null)
        {
            spec = spec with { Runs = ParseInt("runs", runsOption, 1, 10_000_000) };
        }

        if (seedOption is not null)
        {
            spec = spec with
            {
                Seed = ulong.TryParse(seedOption, NumberStyles.None, CultureInfo.InvariantCulture, out var seed)
                    ? seed
                    : throw new CliException($"option --seed must be a whole number from 0 to {ulong.MaxValue}, not '{seedOption}'."),
            };
        }

        Directory.CreateDirectory(outDir);
        var live = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler? onCancel = null;
        if (live)
        {
            onCancel = (_, e) =>
            {
                e.Cancel = true;
                cts.Cancel();
            };
            Console.CancelKeyPress += onCancel;
        }

        ExperimentReport report;
        var utf8 = new UTF8Encoding(false);
        try
        {
            using var runsWriter = new StreamWriter(Path.Combine(outDir, "runs.csv"), false, utf8);
            using var roundsWriter = noRounds ? null : new StreamWriter(Path.Combine(outDir, "rounds.csv"), false, utf8);
            var csv = new ResultCsv(runsWriter, roundsWriter);
            var progress = live ? new ProgressLine(stderr) : null;
            report = ExperimentRunner.Run(spec, csv.Write, new ExperimentOptions { MaxDegreeOfParallelism = threads }, progress, cts.Token);
            progress?.Finish();
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine();
            stderr.WriteLine($"tokenlabel simulate: cancelled; the rows written so far are in '{outDir}'.");
            return CliApp.Failure;
        }
        finally
        {
            if (onCancel is not null)
            {
                Console.CancelKeyPress -= onCancel;
            }
        }

        var table = SummaryTable(spec, report);
        stdout.Write(table);
        AtomicFile.Write(Path.Combine(outDir, "summary.md"), w =>
        {
            w.WriteLine($"# Simulation: {spec.Scenario.Name}");
            w.WriteLine();
            var policy = spec.Scenario.Settlement is { } settlement ? $"Economics settlement `{settlement.Name}` per round" : $"Policy `{spec.Scenario.Policy.Name}`";
            w.WriteLine($"{policy}, aggregator `{spec.Scenario.Aggregator}`, {spec.Runs} runs per point, experiment seed {spec.Seed}.");
            w.WriteLine();
            w.Write(table);
        });

        if (!noPlots)
        {
            SimulationPlots.WriteAll(report, outDir);
        }

        stdout.WriteLine($"wrote {Path.Combine(outDir, "runs.csv")}{(noRounds ? string.Empty : ", rounds.csv")}, summary.md{(noPlots ? string.Empty : " and plots")}.");
        if (report.FailedRuns > 0)
        {
            stderr.WriteLine($"tokenlabel simulate: {report.FailedRuns} runs failed; their rows in runs.csv carry status 'failed' and the error.");
            return CliApp.Failure;
        }

        return CliApp.Ok;
    }

    internal static string SummaryTable(ExperimentSpec spec, ExperimentReport report)
    {
        var sb = new StringBuilder();
        var axes = spec.Sweep.Select(a => a.Parameter).ToArray();
        sb.Append("| point |");
        foreach (var a in axes)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {a} |");
        }

        sb.AppendLine(" runs | accuracy | review rate | tokens per correct label | ROI honest | best adversary (ROI) | honest most profitable |");
        sb.Append("|---:|");
        sb.Append(string.Concat(axes.Select(_ => "---:|")));
        sb.AppendLine("---:|---:|---:|---:|---:|---|---|");
        foreach (var p in report.Points)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {p.Point.Index} |");
            foreach (var v in p.Point.Parameters)
            {
                sb.Append(CultureInfo.InvariantCulture, $" {v.Value:0.###} |");
            }

            var adversary = Strategies.All.Where(s => Strategies.IsAdversarial(s) && p.Played[(int)s]).OrderByDescending(s => p.Roi[(int)s]).FirstOrDefault(Strategy.Honest);
            var adversaryText = adversary == Strategy.Honest ? "none" : string.Create(CultureInfo.InvariantCulture, $"{Strategies.ColumnName(adversary)} ({p.Roi[(int)adversary]:+0.000;-0.000})");
            var cost = p.CostPerCorrectLabel is { } c ? c.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
            var honest = p.Played[(int)Strategy.Honest] ? p.Roi[(int)Strategy.Honest].ToString("+0.000;-0.000", CultureInfo.InvariantCulture) : "n/a";
            sb.AppendLine(CultureInfo.InvariantCulture, $" {p.Runs} | {p.Accuracy:0.0000} | {p.ReviewRate:0.000} | {cost} | {honest} | {adversaryText} | {(p.HonestMostProfitable() ? "yes" : "no")} ({p.HonestMostProfitableShare:P0} of runs) |");
        }

        return sb.ToString();
    }

    private static int ParseInt(string name, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new CliException($"option --{name} must be an integer from {min} to {max}, not '{text}'.");

    /// <summary>Rewrites one stderr line with the run count; reports arrive on the calling thread after each batch.</summary>
    private sealed class ProgressLine(TextWriter stderr) : IProgress<ExperimentProgress>
    {
        public void Report(ExperimentProgress value)
        {
            stderr.Write(string.Create(CultureInfo.InvariantCulture, $"\r  {value.CompletedRuns}/{value.TotalRuns} runs ({100.0 * value.CompletedRuns / value.TotalRuns:0}%){(value.FailedRuns > 0 ? $", {value.FailedRuns} failed" : string.Empty)}   "));
            stderr.Flush();
        }

        public void Finish() => stderr.WriteLine();
    }
}

/// <summary>PNG plots of an experiment: accuracy and ROI per strategy against the first sweep axis, and population share over rounds.</summary>
internal static class SimulationPlots
{
    public static void WriteAll(ExperimentReport report, string outDir)
    {
        var points = report.Points;
        if (points.Count == 0)
        {
            return;
        }

        var axisName = points[0].Point.Parameters.Count > 0 ? points[0].Point.Parameters[0].Key : "point";
        double X(PointSummary p) => p.Point.Parameters.Count > 0 ? p.Point.Parameters[0].Value : p.Point.Index;

        // Series: one per combination of the other axes (first combination only for the ROI plot, to keep it readable).
        var groups = points.GroupBy(p => string.Join(", ", p.Point.Parameters.Skip(1).Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}={v.Value:0.###}")))).ToArray();

        var accuracy = new ScottPlot.Plot();
        foreach (var g in groups)
        {
            var series = accuracy.Add.Scatter(g.Select(X).ToArray(), g.Select(p => p.Accuracy).ToArray());
            series.LegendText = g.Key.Length == 0 ? "accuracy of accepted items" : g.Key;
        }

        accuracy.Title("Accuracy of accepted items");
        accuracy.XLabel(axisName);
        accuracy.YLabel("accuracy");
        accuracy.ShowLegend(ScottPlot.Edge.Right);
        accuracy.SavePng(Path.Combine(outDir, "accuracy.png"), 900, 540);

        var roi = new ScottPlot.Plot();
        var first = groups[0].ToArray();
        foreach (var s in Strategies.All)
        {
            if (!first.Any(p => p.Played[(int)s]))
            {
                continue;
            }

            var played = first.Where(p => p.Played[(int)s]).ToArray();
            var series = roi.Add.Scatter(played.Select(X).ToArray(), played.Select(p => p.Roi[(int)s]).ToArray());
            series.LegendText = Strategies.ColumnName(s);
        }

        roi.Title("Return on capital by strategy" + (groups[0].Key.Length == 0 ? string.Empty : $" ({groups[0].Key})"));
        roi.XLabel(axisName);
        roi.YLabel("ROI over the run");
        roi.ShowLegend(ScottPlot.Edge.Right);
        roi.SavePng(Path.Combine(outDir, "roi_by_strategy.png"), 900, 540);

        var last = points[^1];
        if (last.ShareByRound.Count > 0)
        {
            var share = new ScottPlot.Plot();
            var rounds = Enumerable.Range(0, last.ShareByRound.Count).Select(r => (double)r).ToArray();
            foreach (var s in Strategies.All)
            {
                var ys = last.ShareByRound.Select(row => row[(int)s]).ToArray();
                if (ys.All(y => y == 0))
                {
                    continue;
                }

                var series = share.Add.Scatter(rounds, ys);
                series.LegendText = Strategies.ColumnName(s);
                series.MarkerSize = 0;
            }

            var label = string.Join(", ", last.Point.Parameters.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}={v.Value:0.###}")));
            share.Title("Population share over rounds" + (label.Length == 0 ? string.Empty : $" ({label})"));
            share.XLabel("round");
            share.YLabel("share of identities");
            share.ShowLegend(ScottPlot.Edge.Right);
            share.SavePng(Path.Combine(outDir, "population_share.png"), 900, 540);
        }
    }
}
