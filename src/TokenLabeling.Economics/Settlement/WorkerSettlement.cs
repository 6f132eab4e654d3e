// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.Amounts;

namespace TokenLabeling.Economics.Settlement;

/// <summary>One worker's line of a <see cref="SettlementPlan"/>, all amounts in base units.</summary>
/// <param name="Index">The worker's position in the input (the Merkle leaf index).</param>
/// <param name="WorkerId">The worker's opaque id.</param>
/// <param name="Stake">The stake locked for the round.</param>
/// <param name="Slash">The part of the stake taken, never more than <paramref name="Stake"/>.</param>
/// <param name="Reward">The reward from the pool, paid now.</param>
/// <param name="Redistribution">The worker's share of peers' slashed stake.</param>
/// <param name="HeldBack">Reward held until items under review resolve (not in <paramref name="Payout"/>).</param>
/// <param name="Payout">What the worker can withdraw now: <c>stake − slash + reward + redistribution</c>.</param>
public readonly record struct WorkerSettlement(
    int Index,
    string WorkerId,
    TokenAmount Stake,
    TokenAmount Slash,
    TokenAmount Reward,
    TokenAmount Redistribution,
    TokenAmount HeldBack,
    TokenAmount Payout)
{
    /// <summary>Gets the stake returned: <c>stake − slash</c>.</summary>
    public TokenAmount StakeReturned => Stake - Slash;

    /// <summary>Gets whether the worker gains (true) or loses relative to its stake, ignoring held-back reward.</summary>
    public bool IsNetGain => Payout >= Stake;
}

/// <summary>One fee charged on the budget.</summary>
/// <param name="Name">The fee's name, e.g. <c>"platform"</c>.</param>
/// <param name="Amount">The amount in base units, paid to the treasury.</param>
public readonly record struct FeeCharge(string Name, TokenAmount Amount);
