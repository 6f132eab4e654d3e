// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text.Json;
using TokenLabeling.Economics.Amounts;

namespace TokenLabeling.Economics.Settlement;

public sealed partial class SettlementPlan
{
    /// <summary>Serializes the plan for audit: every amount as a string of base units, workers in input order.</summary>
    /// <param name="indented">Whether to indent the JSON.</param>
    /// <returns>The JSON text; <see cref="FromJson"/> reads it back to an equal plan.</returns>
    public string ToJson(bool indented = true)
    {
        var workers = new SettlementPlanDocument.WorkerLine[WorkerCount];
        for (var i = 0; i < workers.Length; i++)
        {
            var w = GetWorker(i);
            workers[i] = new(w.WorkerId, w.Stake, w.Slash, w.Reward, w.Redistribution, w.HeldBack, w.Payout);
        }

        var doc = new SettlementPlanDocument(
            SettlementPlanDocument.CurrentFormat,
            PolicyName,
            Budget,
            [.. _fees.Select(f => new SettlementPlanDocument.FeeEntry(f.Name, f.Amount))],
            RewardPool,
            new SettlementPlanDocument.TotalsBlock(TotalStakes, TotalSlashed, TotalRewards, TotalRedistributed, TotalHeldBack, TotalPayouts, TotalFees),
            new SettlementPlanDocument.UnallocatedBlock(UnspentRewards, RedistributionDust, SlashedNotShared),
            new SettlementPlanDocument.RecipientsBlock(RequesterRefund, ToTreasury, ToOwner, Burned, CarriedOver),
            workers);
        var context = indented ? EconomicsJsonContext.CreateIndented() : EconomicsJsonContext.Default;
        return JsonSerializer.Serialize(doc, context.SettlementPlanDocument);
    }

    /// <summary>Reads a plan written by <see cref="ToJson"/> and checks that its books balance.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="JsonException">The text is not a settlement plan, or an amount is invalid.</exception>
    /// <exception cref="InvalidDataException">The plan does not balance (the message lists every failed check).</exception>
    public static SettlementPlan FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var doc = JsonSerializer.Deserialize(json, EconomicsJsonContext.Default.SettlementPlanDocument)
            ?? throw new JsonException("The JSON is null, not a settlement plan.");
        if (doc.Format != SettlementPlanDocument.CurrentFormat)
        {
            throw new JsonException($"Unknown settlement plan format '{doc.Format}'; expected '{SettlementPlanDocument.CurrentFormat}'.");
        }

        if (doc.Workers is null || doc.Fees is null || doc.Totals is null || doc.Unallocated is null || doc.Recipients is null || doc.Policy is null)
        {
            throw new JsonException("The settlement plan is missing a section (policy, fees, totals, unallocated, recipients or workers).");
        }

        var n = doc.Workers.Count;
        var ids = new string[n];
        var anyHeld = doc.Workers.Any(w => w is not null && !w.HeldBack.IsZero);
        // Payouts are not stored but derived; each line's payout is checked against its parts as it is read.
        var columns = new PlanColumns<TokenAmount, TokenAmountMath>(n, anyHeld);
        for (var i = 0; i < n; i++)
        {
            var w = doc.Workers[i] ?? throw new JsonException($"worker {i} is null.");
            ids[i] = string.IsNullOrEmpty(w.Id) ? throw new JsonException($"worker {i} has no id.") : w.Id;
            columns.Stakes[i] = w.Stake;
            columns.Slashes[i] = w.Slash;
            columns.Rewards[i] = w.Reward;
            columns.Redistributions[i] = w.Redistribution;
            if (w.Stake < w.Slash || w.Stake - w.Slash + w.Reward + w.Redistribution != w.Payout)
            {
                throw new InvalidDataException($"worker {i} ('{w.Id}'): payout {w.Payout} is not stake − slash + reward + redistribution.");
            }
            if (columns.HeldBack is { } held)
            {
                held[i] = w.HeldBack;
            }
        }

        var t = doc.Totals;
        var totals = new SettlementTotals
        {
            Fees = t.Fees,
            RewardPool = doc.RewardPool,
            Stakes = t.Stakes,
            Slashed = t.Slashed,
            Rewards = t.Rewards,
            Redistributed = t.Redistributed,
            HeldBack = t.HeldBack,
            Payouts = t.Payouts,
            UnspentRewards = doc.Unallocated.UnspentRewards,
            RedistributionDust = doc.Unallocated.RedistributionDust,
            SlashedNotShared = doc.Unallocated.SlashedNotShared,
            Requester = doc.Recipients.Requester,
            Treasury = doc.Recipients.Treasury,
            Owner = doc.Recipients.Owner,
            Burned = doc.Recipients.Burned,
            CarriedOver = doc.Recipients.CarriedOver,
        };
        var fees = doc.Fees.Select((f, i) => f is null || string.IsNullOrEmpty(f.Name) ? throw new JsonException($"fee {i} has no name.") : new FeeCharge(f.Name, f.Amount)).ToArray();
        SettlementPlan plan;
        try
        {
            plan = new SettlementPlan(doc.Policy, doc.Budget, fees, ids, columns, in totals);
        }
        catch (OverflowException ex)
        {
            throw new InvalidDataException("The settlement plan's totals overflow uint256.", ex);
        }

        SettlementVerification check;
        try
        {
            check = plan.Verify();
        }
        catch (OverflowException ex)
        {
            throw new InvalidDataException("The settlement plan's amounts overflow uint256 when added up.", ex);
        }

        if (!check.IsBalanced)
        {
            throw new InvalidDataException("The settlement plan does not balance: " + string.Join(" ", check.Problems));
        }

        return plan;
    }
}
