// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Economics.Tests;

public sealed class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExample_Compiles_AndMatchesTheEscrowRule()
    {
        // Same code as src/TokenLabeling.Economics/README.md.
        var lbl = new TokenUnit(18, "LBL");
        WorkerOutcome[] workers =
        [
            WorkerOutcome.FromCounts("0x1111111111111111111111111111111111111111", lbl.Parse("100"), 10, 10, 8),
            WorkerOutcome.FromCounts("0x2222222222222222222222222222222222222222", lbl.Parse("100"), 10, 7, 7),
        ];
        var plan = SettlementEngine.Settle(lbl.Parse("1000"), workers, SettlementPresets.Escrow(platformFeeBasisPoints: 500, slashBasisPoints: 2000));
        plan.Verify().ThrowIfUnbalanced();
        var lines = new List<string>();
        for (var i = 0; i < plan.WorkerCount; i++)
        {
            lines.Add($"{plan.WorkerIds[i]} {lbl.Format(plan.Payouts[i])}");
        }

        // Hand: fee 50, pool 950; slashes 100·2000·2/100000 = 4 and 6 tokens; S = 10, A = 15.
        // reward 950·8/15 = 506.666666666666666666 (floor to 18 decimals), 950·7/15 = 443.333333333333333333;
        // share 10·8/15 = 5.333333333333333333, 10·7/15 = 4.666666666666666666.
        // payout A = 100 − 4 + 506.666666666666666666 + 5.333333333333333333 = 607.999999999999999999
        // payout B = 100 − 6 + 443.333333333333333333 + 4.666666666666666666 = 541.999999999999999999
        Assert.Equal("0x1111111111111111111111111111111111111111 607.999999999999999999", lines[0]);
        Assert.Equal("0x2222222222222222222222222222222222222222 541.999999999999999999", lines[1]);
        // refund = (950 − 949.999999999999999999) + (10 − 9.999999999999999999) = 2 base units.
        Assert.Equal("0.000000000000000002", lbl.Format(plan.RequesterRefund));
        Assert.Contains("\"format\": \"tokenlabeling.settlement-plan/1\"", plan.ToJson());
    }
}
