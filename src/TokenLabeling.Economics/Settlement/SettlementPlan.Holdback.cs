// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.Amounts;

namespace TokenLabeling.Economics.Settlement;

public sealed partial class SettlementPlan
{
    /// <summary>Resolves the review holdback: each worker's held reward is paid when its reviewed labels were approved, else returned to the requester.</summary>
    /// <param name="approved">One flag per worker, in input order, represented as a span.</param>
    /// <returns>What each worker receives and what returns to the requester; the two add up to <see cref="TotalHeldBack"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="approved"/> does not have one flag per worker.</exception>
    public HoldbackResolution ResolveHoldback(ReadOnlySpan<bool> approved)
    {
        if (approved.Length != WorkerCount)
        {
            throw new ArgumentException($"ResolveHoldback needs one flag per worker: {WorkerCount} expected, {approved.Length} given.", nameof(approved));
        }

        var released = new TokenAmount[WorkerCount];
        var returned = TokenAmount.Zero;
        for (var i = 0; i < released.Length; i++)
        {
            var held = _columns.Get(AmountColumnKind.HeldBack, i);
            if (approved[i])
            {
                released[i] = held;
            }
            else
            {
                returned += held;
            }
        }

        return new HoldbackResolution(released, returned);
    }
}

/// <summary>The outcome of <see cref="SettlementPlan.ResolveHoldback"/>.</summary>
public sealed class HoldbackResolution
{
    private readonly TokenAmount[] _released;

    internal HoldbackResolution(TokenAmount[] released, TokenAmount returnedToRequester)
    {
        _released = released;
        ReturnedToRequester = returnedToRequester;
        TotalReleased = TokenAmount.Sum(released);
    }

    /// <summary>Gets the held reward now paid to each worker, in input order.</summary>
    public ReadOnlySpan<TokenAmount> Released => _released;

    /// <summary>Gets the total paid to workers.</summary>
    public TokenAmount TotalReleased { get; }

    /// <summary>Gets the held rewards returned to the requester (reviews that went against the worker).</summary>
    public TokenAmount ReturnedToRequester { get; }
}
