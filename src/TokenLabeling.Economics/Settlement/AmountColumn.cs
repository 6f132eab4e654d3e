// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Collections;
using TokenLabeling.Economics.Amounts;

namespace TokenLabeling.Economics.Settlement;

/// <summary>One per-worker column of a <see cref="SettlementPlan"/> (stakes, slashes, payouts, ...), in input order.</summary>
/// <remarks>A view over the plan's compact storage: reading it allocates nothing; <see cref="ToArray"/> copies it.</remarks>
public readonly struct AmountColumn : IReadOnlyList<TokenAmount>, IEquatable<AmountColumn>
{
    private readonly PlanColumns? _columns;
    private readonly AmountColumnKind _kind;

    internal AmountColumn(PlanColumns columns, AmountColumnKind kind)
    {
        _columns = columns;
        _kind = kind;
    }

    /// <summary>Gets the number of workers.</summary>
    public int Count => _columns?.Count ?? 0;

    /// <summary>Gets one worker's amount.</summary>
    /// <param name="index">The worker's index.</param>
    /// <returns>The amount in base units.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public TokenAmount this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _columns!.Get(_kind, index);
        }
    }

    /// <summary>Tests two column views for equality (same plan and column).</summary>
    /// <param name="left">The first view.</param>
    /// <param name="right">The second view.</param>
    /// <returns>Whether they view the same column.</returns>
    public static bool operator ==(AmountColumn left, AmountColumn right) => left.Equals(right);

    /// <summary>Tests two column views for inequality.</summary>
    /// <param name="left">The first view.</param>
    /// <param name="right">The second view.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(AmountColumn left, AmountColumn right) => !left.Equals(right);

    /// <summary>Copies the column to a new array.</summary>
    /// <returns>The amounts in input order.</returns>
    public TokenAmount[] ToArray()
    {
        var result = new TokenAmount[Count];
        CopyTo(result);
        return result;
    }

    /// <summary>Copies the column into a span.</summary>
    /// <param name="destination">At least <see cref="Count"/> elements.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void CopyTo(Span<TokenAmount> destination)
    {
        if (destination.Length < Count)
        {
            throw new ArgumentException($"The destination holds {destination.Length} amounts; the column has {Count}.", nameof(destination));
        }

        for (var i = 0; i < Count; i++)
        {
            destination[i] = _columns!.Get(_kind, i);
        }
    }

    /// <inheritdoc/>
    public IEnumerator<TokenAmount> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _columns!.Get(_kind, i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(AmountColumn other) => ReferenceEquals(_columns, other._columns) && _kind == other._kind;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AmountColumn other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_columns, _kind);
}

internal enum AmountColumnKind
{
    Stake,
    Slash,
    Reward,
    Redistribution,
    HeldBack,
    Payout,
}

/// <summary>The per-worker amounts of a plan, stored in the narrowest type that holds them all; payouts are derived from the four stored columns.</summary>
internal abstract class PlanColumns
{
    public abstract int Count { get; }

    public abstract bool HasHeldBack { get; }

    public abstract TokenAmount Get(AmountColumnKind kind, int index);
}

internal sealed class PlanColumns<T, TMath> : PlanColumns
    where T : struct
    where TMath : IAmountMath<T>
{
    public PlanColumns(int count, bool heldBack)
    {
        Stakes = GC.AllocateUninitializedArray<T>(count);
        Slashes = GC.AllocateUninitializedArray<T>(count);
        Rewards = GC.AllocateUninitializedArray<T>(count);
        Redistributions = GC.AllocateUninitializedArray<T>(count);
        HeldBack = heldBack ? GC.AllocateUninitializedArray<T>(count) : null;
    }

    public T[] Stakes { get; }

    public T[] Slashes { get; }

    public T[] Rewards { get; }

    public T[] Redistributions { get; }

    public T[]? HeldBack { get; }

    public override int Count => Stakes.Length;

    public override bool HasHeldBack => HeldBack is not null;

    public override TokenAmount Get(AmountColumnKind kind, int index) => kind switch
    {
        AmountColumnKind.Stake => TMath.ToAmount(Stakes[index]),
        AmountColumnKind.Slash => TMath.ToAmount(Slashes[index]),
        AmountColumnKind.Reward => TMath.ToAmount(Rewards[index]),
        AmountColumnKind.Redistribution => TMath.ToAmount(Redistributions[index]),
        AmountColumnKind.HeldBack => HeldBack is null ? TokenAmount.Zero : TMath.ToAmount(HeldBack[index]),
        // Derived, not stored: one column fewer is 16 MB less to allocate per million workers.
        AmountColumnKind.Payout => TMath.ToAmount(TMath.Add(TMath.Add(TMath.Subtract(Stakes[index], Slashes[index]), Rewards[index]), Redistributions[index])),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
