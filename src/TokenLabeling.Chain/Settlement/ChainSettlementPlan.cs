// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;

namespace TokenLabeling.Chain.Settlement;

/// <summary>One worker's line of a settlement to post on chain.</summary>
/// <param name="Account">The worker's address (receives the payout).</param>
/// <param name="Payout">Stake back minus slash plus reward plus share, in base units.</param>
public readonly record struct ChainPayout(string Account, BigInteger Payout);

/// <summary>
/// The totals and per-worker payouts of one task's settlement, in base units, as the escrow needs them for a
/// Merkle settlement: the contract stores the root and checks <c>Σ payout + refund + fee = budget + Σ stake</c>.
/// </summary>
public sealed class ChainSettlementPlan
{
    /// <summary>Initializes a plan.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="payouts">Per-worker payouts; the position of each line is its leaf index.</param>
    /// <param name="refund">What goes back to the requester.</param>
    /// <param name="fee">What goes to the treasury.</param>
    /// <exception cref="ArgumentException">A payout, the refund or the fee is negative, or an account is empty.</exception>
    public ChainSettlementPlan(BigInteger taskId, IReadOnlyList<ChainPayout> payouts, BigInteger refund, BigInteger fee)
    {
        ArgumentNullException.ThrowIfNull(payouts);
        if (taskId.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(taskId), taskId, "Task ids start at 1.");
        }

        if (refund.Sign < 0 || fee.Sign < 0)
        {
            throw new ArgumentException($"Refund ({refund}) and fee ({fee}) must not be negative.", nameof(refund));
        }

        var copy = new ChainPayout[payouts.Count];
        var total = BigInteger.Zero;
        for (var i = 0; i < copy.Length; i++)
        {
            var p = payouts[i];
            if (string.IsNullOrWhiteSpace(p.Account) || p.Payout.Sign < 0)
            {
                throw new ArgumentException($"Payout line {i}: account '{p.Account}' with payout {p.Payout} is invalid.", nameof(payouts));
            }

            copy[i] = p;
            total += p.Payout;
        }

        TaskId = taskId;
        Payouts = copy;
        Refund = refund;
        Fee = fee;
        TotalPayout = total;
    }

    /// <summary>Gets the task.</summary>
    public BigInteger TaskId { get; }

    /// <summary>Gets the per-worker payouts (index = leaf index).</summary>
    public IReadOnlyList<ChainPayout> Payouts { get; }

    /// <summary>Gets the requester's refund.</summary>
    public BigInteger Refund { get; }

    /// <summary>Gets the platform fee.</summary>
    public BigInteger Fee { get; }

    /// <summary>Gets the sum of the payouts.</summary>
    public BigInteger TotalPayout { get; }
}
