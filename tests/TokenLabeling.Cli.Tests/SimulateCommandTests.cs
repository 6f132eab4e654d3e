// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using static TokenLabeling.Cli.Tests.CliRunner;

namespace TokenLabeling.Cli.Tests;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tokenlabel-simulate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Scenario(string json)
    {
        var path = Path.Combine(_dir, "scenario.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Simulate_WritesCsvSummaryAndPlots()
    {
        var scenario = Scenario("""
            { "rounds": 3, "tasksPerRound": 30, "population": { "workerCount": 20 },
              "experiment": { "runs": 2, "seed": 5, "sweep": [ { "parameter": "adversaryShare", "values": [0, 0.3] } ] } }
            """);
        var outDir = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = Run("simulate", "--scenario", scenario, "--out", outDir, "--runs", "3", "--threads", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains("| point | adversaryShare |", stdout, StringComparison.Ordinal);
        Assert.Empty(stderr);
        var runs = File.ReadAllLines(Path.Combine(outDir, "runs.csv"));
        Assert.Equal(1 + (2 * 3), runs.Length);
        Assert.StartsWith("point,adversaryShare,run,seed,status,", runs[0], StringComparison.Ordinal);
        Assert.Equal(1 + (2 * 3 * 3), File.ReadAllLines(Path.Combine(outDir, "rounds.csv")).Length);
        foreach (var png in new[] { "accuracy.png", "roi_by_strategy.png", "population_share.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(outDir, png));
            Assert.True(bytes.Length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', png);
        }
    }

    [Fact]
    public void Simulate_WithAnEconomicsSettlement_NamesItInTheSummary()
    {
        var scenario = Scenario("""
            { "rounds": 2, "tasksPerRound": 20, "population": { "workerCount": 15 },
              "settlement": { "preset": "kleros", "stakePerLabel": 2 }, "experiment": { "runs": 2 } }
            """);
        var outDir = Path.Combine(_dir, "econ");
        var (code, _, stderr) = Run("simulate", "--scenario", scenario, "--out", outDir, "--no-plots");
        Assert.True(code == 0, stderr);
        Assert.Contains("Economics settlement `kleros` per round", File.ReadAllText(Path.Combine(outDir, "summary.md")), StringComparison.Ordinal);
        Assert.Equal(1 + 2, File.ReadAllLines(Path.Combine(outDir, "runs.csv")).Length);
    }

    [Fact]
    public void Simulate_SameSeed_GivesTheSameCsv_WhateverTheThreads()
    {
        var scenario = Scenario("""{ "rounds": 2, "tasksPerRound": 20, "population": { "workerCount": 15 }, "experiment": { "runs": 5 } }""");
        Run("simulate", "--scenario", scenario, "--out", Path.Combine(_dir, "a"), "--threads", "1", "--no-plots");
        Run("simulate", "--scenario", scenario, "--out", Path.Combine(_dir, "b"), "--threads", "2", "--no-plots");
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a", "runs.csv")), File.ReadAllBytes(Path.Combine(_dir, "b", "runs.csv")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a", "rounds.csv")), File.ReadAllBytes(Path.Combine(_dir, "b", "rounds.csv")));
    }

    [Theory]
    [InlineData("""{ "rounds": 0 }""", "Rounds")]
    [InlineData("""{ "policy": { "preset": "nope" } }""", "nope")]
    [InlineData("""not json""", "scenario file")]
    public void Simulate_BadScenario_ExitsWith2_NamingTheProblem(string json, string expected)
    {
        var (code, _, stderr) = Run("simulate", "--scenario", Scenario(json), "--out", Path.Combine(_dir, "x"));
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_MissingFileOrBadOption_ExitsWith2()
    {
        Assert.Equal(2, Run("simulate", "--scenario", Path.Combine(_dir, "missing.json")).Code);
        Assert.Equal(2, Run("simulate", "--scenario", Scenario("{}"), "--runs", "0").Code);
        Assert.Equal(2, Run("simulate", "--scenario", Scenario("{}"), "--bogus", "1").Code);
    }
}
