// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using static TokenLabeling.Cli.Tests.CliRunner;

namespace TokenLabeling.Cli.Tests;

public sealed class AgreementCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tokenlabel-agreement-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PrintsTheCoefficients()
    {
        // Two items rated by three workers: (0, 0, 1) and (1, 1, 1). Fleiss' κ = 1/4 (hand-computed in AgreementCoefficientsTests).
        // Krippendorff nominal: o_01 = o_10 = 2 · 1 / 2 = 1, o_00 = 1, o_11 = 1 + 3 = 4... n = 6, n_0 = 2, n_1 = 4:
        // α = 1 − (n − 1) · (o_01 + o_10) / (n_0 n_1 + n_1 n_0) = 1 − 5 · 2 / 16 = 0.375.
        var input = Path.Combine(_dir, "labels.csv");
        File.WriteAllText(input, "task,worker,label\na,x,0\na,y,0\na,z,1\nb,x,1\nb,y,1\nb,z,1\n");
        var (code, stdout, stderr) = Run("agreement", "--input", input);
        Assert.True(code == 0, stderr);
        Assert.Contains("labels.csv: 6 labels, 2 tasks, 3 workers, 2 classes", stdout, StringComparison.Ordinal);
        Assert.Matches(@"Fleiss' kappa\s+0\.2500", stdout);
        Assert.Matches(@"Krippendorff's alpha \(nominal\)\s+0\.3750", stdout);
        Assert.Matches(@"Krippendorff's alpha \(interval\)\s+0\.3750", stdout); // two classes: δ² is the same
        Assert.Contains("mean pairwise Cohen's kappa", stdout, StringComparison.Ordinal);
        Assert.Matches(@"mean item agreement ratio\s+0\.8333", stdout); // (2/3 + 1) / 2
    }

    [Fact]
    public void UndefinedCoefficients_AreSaidSo()
    {
        var input = Path.Combine(_dir, "same.csv");
        File.WriteAllText(input, "task,worker,label\na,x,0\na,y,0\n");
        var (code, stdout, _) = Run("agreement", "--input", input);
        Assert.Equal(0, code);
        Assert.Contains("Fleiss' kappa                      undefined", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void BadInput_ExitsTwo()
    {
        var input = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(input, "task,worker\na,x\n");
        var (code, _, stderr) = Run("agreement", "--input", input);
        Assert.Equal(2, code);
        Assert.Contains("bad.csv line 1: missing column 'label'", stderr, StringComparison.Ordinal);
        Assert.Equal(2, Run("agreement").Code);
    }
}
