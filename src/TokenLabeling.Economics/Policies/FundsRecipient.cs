// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Economics.Policies;

/// <summary>Who receives value that no worker earns: unspent or undivisible budget, slashed stake not given to peers, rounding dust.</summary>
public enum FundsRecipient
{
    /// <summary>Back to the requester who funded the task (the escrow rule's refund).</summary>
    Requester,

    /// <summary>To the platform treasury (Sapien sends QA penalties there).</summary>
    Treasury,

    /// <summary>To the protocol owner or governor (Kleros sends rounding leftovers there).</summary>
    Owner,

    /// <summary>Destroyed (Numerai burns negative payouts; Augur burns 20% of forfeited stake).</summary>
    Burn,

    /// <summary>Kept in the escrow and added to the next round's budget.</summary>
    CarryOver,
}
