// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Chain.Settlement;

/// <summary>Converts an Economics <see cref="SettlementPlan"/> into what the escrow's Merkle settlement posts.</summary>
public static class SettlementPlanConversions
{
    /// <summary>
    /// Converts a plan computed with the escrow rule (<c>SettlementPresets.Escrow</c>) whose worker ids are the
    /// workers' addresses, in the order they joined the task (the order is the leaf index).
    /// </summary>
    /// <param name="plan">The plan; its books must balance.</param>
    /// <param name="taskId">The on-chain task.</param>
    /// <returns>The chain plan: per-worker payouts, the requester's refund and the fee.</returns>
    /// <exception cref="ArgumentException">
    /// The plan does not balance, or routes money somewhere the escrow cannot (treasury beyond the fee, owner, burn,
    /// carry-over or held-back rewards), or a worker id is not an address.
    /// </exception>
    public static ChainSettlementPlan ToChainPlan(this SettlementPlan plan, BigInteger taskId)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var verification = plan.Verify();
        if (!verification.IsBalanced)
        {
            throw new ArgumentException($"The plan does not balance: {string.Join("; ", verification.Problems)}", nameof(plan));
        }

        if (!plan.ToTreasury.IsZero || !plan.ToOwner.IsZero || !plan.Burned.IsZero || !plan.CarriedOver.IsZero || !plan.TotalHeldBack.IsZero)
        {
            throw new ArgumentException(
                $"Policy '{plan.PolicyName}' sends money to the treasury beyond the fee ({plan.ToTreasury}), the owner ({plan.ToOwner}), " +
                $"a burn ({plan.Burned}), a carry-over ({plan.CarriedOver}) or a holdback ({plan.TotalHeldBack}); the escrow pays only " +
                "workers, the requester and the fee.", nameof(plan));
        }

        var payouts = new ChainPayout[plan.WorkerCount];
        for (var i = 0; i < payouts.Length; i++)
        {
            var worker = plan.GetWorker(i);
            if (!IsAddress(worker.WorkerId))
            {
                throw new ArgumentException($"Worker {i}: id '{worker.WorkerId}' is not a 0x address.", nameof(plan));
            }

            payouts[i] = new ChainPayout(worker.WorkerId, worker.Payout.ToBigInteger());
        }

        return new ChainSettlementPlan(taskId, payouts, plan.RequesterRefund.ToBigInteger(), plan.TotalFees.ToBigInteger());
    }

    private static bool IsAddress(string id) =>
        id.Length == 42 && id.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && id.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF") == false;
}
