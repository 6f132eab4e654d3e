// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text;
using TokenLabeling.Simulation.Experiments;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Tests.Experiments;

public class DeterminismTests
{
    private static ExperimentSpec Spec() => new()
    {
        Scenario = TestScenarios.Small(PolicyPresets.Default),
        Runs = 7,
        Seed = 2026,
        Sweep = [new SweepAxis("adversaryShare", [0, 0.3]), new SweepAxis("slashBps", [0, 5000])],
    };

    private static (byte[] Runs, byte[] Rounds) RunToCsv(int threads)
    {
        using var runs = new MemoryStream();
        using var rounds = new MemoryStream();
        using (var runWriter = new StreamWriter(runs, new UTF8Encoding(false), leaveOpen: true))
        using (var roundWriter = new StreamWriter(rounds, new UTF8Encoding(false), leaveOpen: true))
        {
            var csv = new ResultCsv(runWriter, roundWriter);
            ExperimentRunner.Run(Spec(), csv.Write, new ExperimentOptions { MaxDegreeOfParallelism = threads });
        }

        return (runs.ToArray(), rounds.ToArray());
    }

    [Fact]
    public void SameSeed_GivesByteIdenticalCsv_WithOneAndTwoThreads()
    {
        var one = RunToCsv(1);
        var two = RunToCsv(2);
        Assert.Equal(one.Runs, two.Runs);
        Assert.Equal(one.Rounds, two.Rounds);
        var lines = Encoding.UTF8.GetString(one.Runs).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + (4 * 7), lines.Length);
    }

    [Fact]
    public void AnyRow_CanBeReRunAloneFromItsSeed()
    {
        var spec = Spec();
        var rows = new List<RunRecord>();
        ExperimentRunner.Run(spec, rows.Add);
        var row = rows[17];
        Assert.Equal(SimulationSeeds(spec.Seed, row.Point.Index, row.Run), row.Seed);
        var again = SimulationRunner.Run(row.Point.Scenario, row.Seed);
        Assert.Equal(TestScenarios.ToCsv(row.Result!, row.Point.Scenario), TestScenarios.ToCsv(again, row.Point.Scenario));
    }

    [Fact]
    public void FailedRun_IsKeptAsAFailedRow_AndTheOthersGoOn()
    {
        var spec = Spec() with { Scenario = Spec().Scenario with { Aggregator = "no-such-aggregator" }, Sweep = [] };
        var runs = new StringWriter();
        var csv = new ResultCsv(runs);
        var report = ExperimentRunner.Run(spec, csv.Write);
        Assert.Equal(7, report.FailedRuns);
        var lines = runs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        Assert.Contains(",failed,\"ArgumentException: ", lines[1], StringComparison.Ordinal);
        Assert.Equal(lines[0].Split(',').Length, CountFieldsOutsideQuotes(lines[1]));
    }

    [Fact]
    public void Cancellation_StopsTheExperiment_AfterDeliveringWholeBatches()
    {
        using var cts = new CancellationTokenSource();
        var delivered = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => ExperimentRunner.Run(
            Spec() with { Runs = 200 },
            _ =>
            {
                if (++delivered == 1)
                {
                    cts.Cancel();
                }
            },
            new ExperimentOptions { MaxDegreeOfParallelism = 2 },
            null,
            cts.Token));
        Assert.InRange(delivered, 1, 799);
    }

    [Fact]
    public void Progress_ReportsEveryRun()
    {
        var last = default(ExperimentProgress);
        var progress = new SynchronousProgress(p => last = p);
        ExperimentRunner.Run(Spec(), null, null, progress);
        Assert.Equal(new ExperimentProgress(28, 28, 0), last);
    }

    private static int CountFieldsOutsideQuotes(string line)
    {
        var fields = 1;
        var quoted = false;
        foreach (var c in line)
        {
            quoted ^= c == '"';
            fields += !quoted && c == ',' ? 1 : 0;
        }

        return fields;
    }

    private static ulong SimulationSeeds(ulong seed, int point, int run) => Simulation.Randomness.SimulationSeeds.ForRun(seed, point, run);

    private sealed class SynchronousProgress(Action<ExperimentProgress> report) : IProgress<ExperimentProgress>
    {
        public void Report(ExperimentProgress value) => report(value);
    }
}
