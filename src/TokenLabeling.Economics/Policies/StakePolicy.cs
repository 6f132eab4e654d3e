// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text.Json.Serialization;
using TokenLabeling.Economics.Amounts;

namespace TokenLabeling.Economics.Policies;

/// <summary>Whether a required stake is per task or per item.</summary>
public enum StakeScope
{
    /// <summary>One stake covers the whole task.</summary>
    PerTask,

    /// <summary>The stake is required for each item labelled.</summary>
    PerItem,
}

/// <summary>A stake tier: workers whose reputation reaches <see cref="MinReputation"/> must stake <see cref="RequiredStake"/>.</summary>
/// <param name="Name">The tier's name, e.g. <c>"Contributor"</c>.</param>
/// <param name="MinReputation">The lowest reputation in the tier (tiers are sorted by it; the first must start at 0).</param>
/// <param name="RequiredStake">The stake required, in base units, per task or per item.</param>
/// <param name="MaxTasksPerRound">A task quota for the tier, or <see langword="null"/> for none.</param>
public sealed record StakeTier(string Name, int MinReputation, TokenAmount RequiredStake, int? MaxTasksPerRound);

/// <summary>Required stake by tier, per task or per item.</summary>
public sealed record StakePolicy
{
    /// <summary>Initializes a new stake policy.</summary>
    /// <param name="tiers">The tiers, sorted by strictly increasing <see cref="StakeTier.MinReputation"/>, the first at 0.</param>
    /// <param name="scope">Whether the stake is per task or per item.</param>
    /// <exception cref="ArgumentException">The tiers are empty, unsorted, do not start at 0, or a quota is negative.</exception>
    [JsonConstructor]
    public StakePolicy(IReadOnlyList<StakeTier> tiers, StakeScope scope)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        if (tiers.Count == 0 || tiers[0].MinReputation != 0)
        {
            throw new ArgumentException("Stake tiers must be non-empty and the first must start at reputation 0.", nameof(tiers));
        }

        for (var i = 0; i < tiers.Count; i++)
        {
            if (i > 0 && tiers[i].MinReputation <= tiers[i - 1].MinReputation)
            {
                throw new ArgumentException($"Stake tier {i} ('{tiers[i].Name}') must start above tier {i - 1}'s reputation.", nameof(tiers));
            }

            if (tiers[i].MaxTasksPerRound is < 0)
            {
                throw new ArgumentException($"Stake tier {i} ('{tiers[i].Name}') has a negative task quota.", nameof(tiers));
            }
        }

        Tiers = [.. tiers];
        Scope = scope;
    }

    /// <summary>Gets the tiers.</summary>
    public IReadOnlyList<StakeTier> Tiers { get; }

    /// <summary>Gets the scope of the required stake.</summary>
    public StakeScope Scope { get; }

    /// <summary>Returns the tier for a reputation.</summary>
    /// <param name="reputation">The reputation, ≥ 0.</param>
    /// <returns>The highest tier whose minimum is at most <paramref name="reputation"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reputation"/> is negative.</exception>
    public StakeTier TierFor(int reputation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reputation);
        var tier = Tiers[0];
        foreach (var t in Tiers)
        {
            if (t.MinReputation <= reputation)
            {
                tier = t;
            }
        }

        return tier;
    }

    /// <summary>Returns the stake required for a worker of a given reputation to take a task of a given size.</summary>
    /// <param name="reputation">The worker's reputation.</param>
    /// <param name="items">The number of items in the task (used when the scope is per item), ≥ 0.</param>
    /// <returns>The required stake in base units.</returns>
    public TokenAmount RequiredStake(int reputation, int items)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        var tier = TierFor(reputation);
        return Scope == StakeScope.PerTask ? tier.RequiredStake : tier.RequiredStake * (TokenAmount)(ulong)items;
    }
}

/// <summary>
/// A lock-up multiplier (Sapien's vault): <c>10000 + min(lockup, maxLockup) × min(amount, maxAmount) × maxBonus / (maxLockup × maxAmount)</c> bps.
/// </summary>
public sealed record LockupMultiplier
{
    /// <summary>Initializes a new multiplier.</summary>
    /// <param name="maxBonusBasisPoints">The bonus at the maximum lock-up and amount, 0 to 10000 bps. Sapien: 5000 (+50%).</param>
    /// <param name="maxLockup">The lock-up beyond which there is no more bonus; positive. Sapien: 365 days.</param>
    /// <param name="maxAmount">The amount beyond which there is no more bonus; positive. Sapien: 2500 tokens.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public LockupMultiplier(int maxBonusBasisPoints, TimeSpan maxLockup, TokenAmount maxAmount)
    {
        BasisPoints.Validate(maxBonusBasisPoints, nameof(maxBonusBasisPoints));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLockup, TimeSpan.FromSeconds(1));
        if (maxAmount.IsZero)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAmount), "maxAmount must be positive.");
        }

        MaxBonusBasisPoints = maxBonusBasisPoints;
        MaxLockup = maxLockup;
        MaxAmount = maxAmount;
    }

    /// <summary>Gets the largest bonus in bps.</summary>
    public int MaxBonusBasisPoints { get; }

    /// <summary>Gets the lock-up with the largest bonus.</summary>
    public TimeSpan MaxLockup { get; }

    /// <summary>Gets the amount with the largest bonus.</summary>
    public TokenAmount MaxAmount { get; }

    /// <summary>Computes the multiplier for a stake, in whole seconds of lock-up, with floor division as the contract.</summary>
    /// <param name="amount">The staked amount in base units.</param>
    /// <param name="lockup">The lock-up period, ≥ 0; fractions of a second are ignored.</param>
    /// <returns>The multiplier in bps, 10000 to 10000 + max bonus.</returns>
    public int MultiplierBasisPoints(TokenAmount amount, TimeSpan lockup)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lockup, TimeSpan.Zero);
        var maxSeconds = (ulong)(MaxLockup.Ticks / TimeSpan.TicksPerSecond);
        var seconds = Math.Min((ulong)(lockup.Ticks / TimeSpan.TicksPerSecond), maxSeconds);
        var effective = TokenAmount.Min(amount, MaxAmount);
        var numerator = effective * (TokenAmount)(seconds * (ulong)MaxBonusBasisPoints);
        var bonus = numerator / (MaxAmount * (TokenAmount)maxSeconds);
        return BasisPoints.Denominator + (int)(ulong)bonus;
    }
}
