// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Settlement;

using static TokenLabeling.Cli.Tests.CliRunner;

namespace TokenLabeling.Cli.Tests;

public sealed class SettleCommandTests : IDisposable
{
    private const string Outcomes = """
        worker,committed,revealed,agreeing
        0xA,10,10,8
        0xB,10,7,7
        0xC,10,0,0
        0xD,0,0,0
        """;

    private const string Stakes = """
        worker,stake
        0xA,100
        0xB,100
        0xC,50
        0xD,33
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("tokenlabel-settle-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private (int Code, string Out, string Err) Settle(string outcomes, string stakes, string budget = "1000", string policy = "escrow:500:2000", params string[] extra)
    {
        string[] args = ["settle", "--outcomes", File("outcomes.csv", outcomes), "--stakes", File("stakes.csv", stakes), "--budget", budget, "--policy", policy, "--decimals", "0", "--output", Path.Combine(_dir, "plan.json"), .. extra];
        return Run(args);
    }

    [Fact]
    public void Settle_EscrowHandExample_PrintsTableAndWritesPlan()
    {
        // The escrow rule's hand-computed example (see EscrowPresetTests): payouts 612, 546, 40, 33; refund 2; fee 50.
        var (code, stdout, stderr) = Settle(Outcomes, Stakes);
        Assert.True(code == 0, stderr);
        Assert.Contains("| 0 | 0xA | 100 | 4 | 506 | 10 | 0 | 612 |", stdout, StringComparison.Ordinal);
        Assert.Contains("refund to requester 2;", stdout, StringComparison.Ordinal);
        Assert.Contains("balanced: in (budget + stakes) 1283 = out 1283", stdout, StringComparison.Ordinal);
        var plan = SettlementPlan.FromJson(System.IO.File.ReadAllText(Path.Combine(_dir, "plan.json")));
        Assert.Equal(new TokenAmount[] { 612, 546, 40, 33 }, plan.Payouts.ToArray());
    }

    [Fact]
    public void Settle_TokensWithDecimals_ParsesBudgetAndStakes()
    {
        string[] args = ["settle", "--outcomes", File("o.csv", Outcomes), "--stakes", File("s.csv", Stakes.Replace("0xA,100", "0xA,100.5", StringComparison.Ordinal)), "--budget", "1000", "--policy", "recommended"];
        var (code, stdout, stderr) = Run(args);
        Assert.True(code == 0, stderr);
        Assert.Contains("| 0xA | 100.5 |", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Settle_PolicyFile_IsRead()
    {
        var policy = File("policy.json", Economics.Presets.SettlementPresets.Kleros(5000).ToJson());
        var (code, stdout, stderr) = Settle(Outcomes, Stakes, policy: policy);
        Assert.True(code == 0, stderr);
        Assert.Contains("policy kleros", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("worker,committed,revealed,agreeing\n0xA,10,10,8\n0xB,10,7,7\n0xC,10,0,0\n0xE,0,0,0\n", "worker,stake\n0xA,100\n0xB,100\n0xC,50\n0xD,33\n", "1000", "'0xE' has no stake")]
    [InlineData("worker,committed,revealed,agreeing\n0xA,10,10,8\n", "worker,stake\n0xA,100\n0xB,5\n", "1000", "'0xB' has a stake but no row")]
    [InlineData("worker,committed,revealed,agreeing\n0xA,10,10,8\n", "worker,stake\n0xA,-100\n", "1000", "stake '-100' of worker '0xA'")]
    [InlineData("worker,committed,revealed,agreeing\n0xA,10,10,8\n", "worker,stake\n0xA,1" + "000000000000000000000000000000000000000000000000000000000000000000000000000000\n", "1000", "exceeds uint256")]
    [InlineData("worker,committed,revealed,agreeing,coherence\n0xA,10,10,8,1.5\n", "worker,stake\n0xA,100\n", "1000", "coherence '1.5'")]
    [InlineData("worker,committed,revealed,agreeing\n0xA,10,10,11\n", "worker,stake\n0xA,100\n", "1000", "worker 0 ('0xA')")]
    [InlineData("worker,committed,revealed,agreeing\n0xA,10,10,8\n0xA,1,1,1\n", "worker,stake\n0xA,100\n", "1000", "listed twice")]
    [InlineData("worker,committed,revealed\n0xA,10,10\n", "worker,stake\n0xA,100\n", "1000", "no 'agreeing' column")]
    [InlineData("worker,committed,revealed,agreeing\n0xA,10,10,8\n", "worker,stake\n0xA,100\n", "12.5.3", "--budget '12.5.3'")]
    [InlineData("worker,committed,revealed,agreeing,flags\n0xA,10,10,8,Oops\n", "worker,stake\n0xA,100\n", "1000", "unknown flag 'Oops'")]
    public void Settle_BadInput_Exits2WithClearMessageAndWritesNothing(string outcomes, string stakes, string budget, string expected)
    {
        var (code, _, stderr) = Settle(outcomes, stakes, budget);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(Path.Combine(_dir, "plan.json")));
    }

    [Fact]
    public void Settle_FeesAbove100Percent_Exits2()
    {
        var json = Economics.Presets.SettlementPresets.Escrow(500, 2000).ToJson().Replace("\"basisPoints\": 500", "\"basisPoints\": 10500", StringComparison.Ordinal);
        var (code, _, stderr) = Settle(Outcomes, Stakes, policy: File("bad-policy.json", json));
        Assert.Equal(2, code);
        Assert.Contains("bad-policy.json", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Settle_BadPresetAndMissingOption_Exit2()
    {
        Assert.Equal(2, Settle(Outcomes, Stakes, policy: "escrow:3000:100").Code);
        Assert.Contains("neither a policy file nor a preset", Settle(Outcomes, Stakes, policy: "nonsense").Err, StringComparison.Ordinal);
        var (code, _, stderr) = Run("settle", "--stakes", "x.csv");
        Assert.Equal(2, code);
        Assert.Contains("--outcomes", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Settle_Help_DocumentsLayouts()
    {
        var (code, stdout, _) = Run("settle", "--help");
        Assert.Equal(0, code);
        Assert.Contains("under_review", stdout, StringComparison.Ordinal);
        Assert.Contains("worker,stake", stdout, StringComparison.Ordinal);
    }
}
