// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;

namespace TokenLabeling.Economics.Presets;

/// <summary>Sapien's staking rules: the vault's lock-up multiplier and the litepaper's stake tiers.</summary>
public static class SapienStaking
{
    /// <summary>
    /// Gets the vault's lock-up multiplier (<c>SapienVault.sol</c>):
    /// <c>10000 + min(lockup, 365 d) × min(amount, 2500 tokens) × 5000 / (365 d × 2500 tokens)</c> bps, at most 1.5×.
    /// </summary>
    public static LockupMultiplier Multiplier { get; } = new(5000, TimeSpan.FromDays(365), TokenAmount.Parse("2500", 18));

    /// <summary>
    /// Gets the litepaper's tiers by reputation (0–1000): Trainee 0–199 (no stake, ≤ 100 tasks), Contributor 200–599 (250 tokens),
    /// Expert 600–799 (5,000 tokens), Master 800–1000 (5,000 tokens; the litepaper names no larger stake).
    /// </summary>
    public static StakePolicy Tiers { get; } = new(
        [
            new StakeTier("Trainee", 0, TokenAmount.Zero, 100),
            new StakeTier("Contributor", 200, TokenAmount.Parse("250", 18), null),
            new StakeTier("Expert", 600, TokenAmount.Parse("5000", 18), null),
            new StakeTier("Master", 800, TokenAmount.Parse("5000", 18), null),
        ],
        StakeScope.PerTask);
}
