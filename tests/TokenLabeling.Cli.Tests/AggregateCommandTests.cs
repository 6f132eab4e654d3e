// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using TokenLabeling.TestUtilities;

using static TokenLabeling.Cli.Tests.CliRunner;

namespace TokenLabeling.Cli.Tests;

public sealed class AggregateCommandTests : IDisposable
{
    // t1: a, a, b -> a (2/3); t2: b, c -> tie -> b (lowest class id); t3: c -> c.
    private const string Labels = """
        task,worker,label
        t1,w1,0
        t1,w2,0
        t1,w3,1
        t2,w1,1
        t2,w2,2
        t3,w3,2
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("tokenlabel-aggregate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MajorityVote_WritesTaskLabelConfidence()
    {
        var output = Path.Combine(_dir, "out.csv");
        var (code, stdout, stderr) = Run("aggregate", "--method", "mv", "--input", Write("labels.csv", Labels), "--output", output);
        Assert.True(code == 0, stderr);
        Assert.Equal("task,label,confidence\nt1,0,0.666667\nt2,1,0.5\nt3,2,1\n", File.ReadAllText(output));
        Assert.Contains("mv: 3 tasks, 3 workers, 6 labels, 3 classes", stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr);
    }

    [Fact]
    public void Threshold_AddsADecisionColumn()
    {
        var output = Path.Combine(_dir, "out.csv");
        var (code, stdout, _) = Run("aggregate", "--input", Write("labels.csv", Labels), "--output", output, "--threshold", "0.6");
        Assert.Equal(0, code);
        Assert.Equal("task,label,confidence,decision\nt1,0,0.666667,accepted\nt2,1,0.5,needs_review\nt3,2,1,accepted\n", File.ReadAllText(output));
        Assert.Contains("accepted: 2, needs review: 1", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Gold_PrintsAccuracy()
    {
        var gold = Write("gold.csv", "task,label\nt1,0\nt2,2\nt9,1\n");
        var (code, stdout, stderr) = Run("aggregate", "--input", Write("labels.csv", Labels), "--output", Path.Combine(_dir, "o.csv"), "--gold", gold);
        Assert.Equal(0, code);
        Assert.Contains("accuracy: 0.5000 on 2 gold tasks", stdout, StringComparison.Ordinal); // t1 right, t2 wrong
        Assert.Contains("1 gold answer(s) in gold.csv are for tasks without labels", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void DawidSkene_OnBluebirds_ReachesTheReferenceAccuracy()
    {
        var dir = Datasets.Find("bluebirds");
        var output = Path.Combine(_dir, "bluebirds.csv");
        var (code, stdout, stderr) = Run(
            "aggregate", "--method", "ds", "--input", Path.Combine(dir, "labels.csv"), "--gold", Path.Combine(dir, "gold.csv"), "--output", output, "--iterations", "100", "--timing");
        Assert.True(code == 0, stderr);
        var line = stdout.Split('\n').Single(l => l.StartsWith("accuracy:", StringComparison.Ordinal));
        var accuracy = double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.True(accuracy >= 0.8889 - 0.005, line); // REFERENCE.md: crowd-kit ds on bluebirds 0.8889
        Assert.Contains("iterations:", stdout, StringComparison.Ordinal);
        Assert.Contains("time:", stdout, StringComparison.Ordinal);
        Assert.Equal(109, File.ReadAllLines(output).Length);
    }

    [Fact]
    public void Duplicates_AreKeptWithOneWarning_OrRejectedNamingTheLines()
    {
        var input = Write("dup.csv", "task,worker,label\nt1,w1,0\nt1,w1,1\nt1,w2,1\nt2,w1,0\nt2,w1,0\n");
        var output = Path.Combine(_dir, "out.csv");
        var (code, _, stderr) = Run("aggregate", "--input", input, "--output", output);
        Assert.Equal(0, code);
        Assert.Equal("tokenlabel aggregate: warning: dup.csv has 2 duplicate (task, worker) label(s); all kept (--duplicates keep-all).", stderr.Trim());

        (code, _, _) = Run("aggregate", "--input", input, "--output", output, "--duplicates", "keep-last");
        Assert.Equal(0, code);
        Assert.StartsWith("task,label,confidence\nt1,1,1\n", File.ReadAllText(output), StringComparison.Ordinal);

        File.Delete(output);
        (code, _, stderr) = Run("aggregate", "--input", input, "--output", output, "--duplicates", "reject");
        Assert.Equal(2, code);
        Assert.Contains("dup.csv line 2 and dup.csv line 3", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("task,label\nt1,0\n", "bad.csv line 1: missing column 'worker'")]
    [InlineData("task,worker,label\nt1,w1,0\nt1,w2,yes\n", "bad.csv line 3: label 'yes' is not an integer class id.")]
    [InlineData("task,worker,label\nt1,w1,-1\n", "bad.csv line 2: label -1 is negative")]
    [InlineData("task,worker,label\nt1,w1\n", "bad.csv line 2: expected 3 fields")]
    [InlineData("task,worker,label\n,w1,0\n", "bad.csv line 2: the task id is empty.")]
    [InlineData("", "bad.csv: is empty; expected a header row 'task,worker,label'.")]
    [InlineData("task,worker,label\n", "bad.csv: has a header but no labels.")]
    public void BadInput_ExitsTwo_NamingFileAndLine_AndWritesNothing(string text, string message)
    {
        var output = Path.Combine(_dir, "out.csv");
        var (code, _, stderr) = Run("aggregate", "--input", Write("bad.csv", text), "--output", output);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void BadOptions_ExitTwo()
    {
        var input = Write("labels.csv", Labels);
        var output = Path.Combine(_dir, "out.csv");
        Assert.Contains("unknown --method 'em'. Known methods: mv, wmv, ds, onecoin-ds", Run("aggregate", "--method", "em", "--input", input, "--output", output).Err, StringComparison.Ordinal);
        Assert.Equal(2, Run("aggregate", "--input", input, "--output", output, "--threshold", "1.5").Code);
        Assert.Equal(2, Run("aggregate", "--input", input, "--output", output, "--iterations", "0").Code);
        Assert.Equal(2, Run("aggregate", "--input", input, "--output", output, "--duplicates", "drop").Code);
        Assert.Equal(2, Run("aggregate", "--input", input, "--output", output, "--colour", "red").Code);
        Assert.Contains("does not exist", Run("aggregate", "--input", Path.Combine(_dir, "none.csv"), "--output", output).Err, StringComparison.Ordinal);
        Assert.Contains("gold.csv line 2: gold label 7 is outside", Run("aggregate", "--input", input, "--output", output, "--gold", Write("gold.csv", "task,label\nt1,7\n")).Err, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
