// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text.Json.Serialization;

namespace TokenLabeling.Economics.Policies;

/// <summary>Everything a settlement needs to know besides the inputs: fees, rewards, slashing, redistribution and holdback.</summary>
/// <remarks>Immutable and validated on construction; build one from <see cref="Presets.SettlementPresets"/> or field by field.</remarks>
public sealed partial record SettlementPolicy
{
    /// <summary>Initializes a new settlement policy.</summary>
    /// <param name="name">A name for audit records, e.g. <c>"escrow"</c>.</param>
    /// <param name="fees">Fees taken from the budget.</param>
    /// <param name="reward">How the pool is split.</param>
    /// <param name="slashing">How stakes are slashed.</param>
    /// <param name="redistribution">Where slashed stake goes.</param>
    /// <param name="holdback">Review holdback; <see langword="null"/> for disabled.</param>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    /// <exception cref="ArgumentNullException">A part is null.</exception>
    [JsonConstructor]
    public SettlementPolicy(string name, FeePolicy fees, RewardPolicy reward, SlashingPolicy slashing, RedistributionPolicy redistribution, HoldbackPolicy? holdback = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(fees);
        ArgumentNullException.ThrowIfNull(reward);
        ArgumentNullException.ThrowIfNull(slashing);
        ArgumentNullException.ThrowIfNull(redistribution);
        Name = name;
        Fees = fees;
        Reward = reward;
        Slashing = slashing;
        Redistribution = redistribution;
        Holdback = holdback ?? HoldbackPolicy.Disabled;
    }

    /// <summary>Gets the policy's name.</summary>
    public string Name { get; }

    /// <summary>Gets the fee policy.</summary>
    public FeePolicy Fees { get; }

    /// <summary>Gets the reward policy.</summary>
    public RewardPolicy Reward { get; }

    /// <summary>Gets the slashing policy.</summary>
    public SlashingPolicy Slashing { get; }

    /// <summary>Gets the redistribution policy.</summary>
    public RedistributionPolicy Redistribution { get; }

    /// <summary>Gets the holdback policy.</summary>
    public HoldbackPolicy Holdback { get; }
}
