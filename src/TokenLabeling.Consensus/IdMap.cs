// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Collections.Frozen;
using System.Globalization;

namespace TokenLabeling.Consensus;

/// <summary>Maps external ids (of any type) to dense indices 0..Count-1 and back.</summary>
/// <remarks>Indices are assigned in order of first appearance. Instances are immutable and thread-safe.</remarks>
public abstract class IdMap
{
    private protected IdMap()
    {
    }

    /// <summary>Gets the number of distinct ids.</summary>
    public abstract int Count { get; }

    /// <summary>Gets the type of the external ids.</summary>
    public abstract Type IdType { get; }

    /// <summary>Returns the external id at a dense index, boxed.</summary>
    /// <param name="index">The dense index, from 0 to <see cref="Count"/> - 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside 0..Count-1.</exception>
    public abstract object GetIdObject(int index);

    /// <summary>Formats the external id at a dense index with the invariant culture (for CSV output and messages).</summary>
    /// <param name="index">The dense index, from 0 to <see cref="Count"/> - 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside 0..Count-1.</exception>
    public string Format(int index) => Convert.ToString(GetIdObject(index), CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>Returns an identity map over 0..count-1 (ids are the indices themselves).</summary>
    /// <param name="count">The number of ids.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public static IdMap<int> Identity(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var ids = new int[count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = i;
        }

        return new IdMap<int>(ids);
    }
}

/// <summary>Maps external ids of type <typeparamref name="TId"/> to dense indices and back.</summary>
/// <typeparam name="TId">The external id type, e.g. <see cref="string"/>, <see cref="long"/> or <see cref="Guid"/>.</typeparam>
public sealed class IdMap<TId> : IdMap
    where TId : notnull
{
    private readonly TId[] _ids;
    private readonly FrozenDictionary<TId, int> _indices;

    /// <summary>Initializes a map from ids listed in dense-index order.</summary>
    /// <param name="ids">The distinct ids; <c>ids[i]</c> gets index <c>i</c>.</param>
    /// <exception cref="ArgumentException">An id appears twice.</exception>
    public IdMap(IEnumerable<TId> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        _ids = [.. ids];
        var dict = new Dictionary<TId, int>(_ids.Length);
        for (var i = 0; i < _ids.Length; i++)
        {
            if (!dict.TryAdd(_ids[i], i))
            {
                throw new ArgumentException($"Id '{_ids[i]}' appears twice (at indices {dict[_ids[i]]} and {i}).", nameof(ids));
            }
        }

        _indices = dict.ToFrozenDictionary();
    }

    /// <inheritdoc/>
    public override int Count => _ids.Length;

    /// <inheritdoc/>
    public override Type IdType => typeof(TId);

    /// <summary>Gets the ids in dense-index order.</summary>
    public ReadOnlySpan<TId> Ids => _ids;

    /// <summary>Returns the external id at a dense index.</summary>
    /// <param name="index">The dense index, from 0 to <see cref="Count"/> - 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside 0..Count-1.</exception>
    public TId this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _ids.Length);
            return _ids[index];
        }
    }

    /// <inheritdoc/>
    public override object GetIdObject(int index) => this[index];

    /// <summary>Returns the dense index of an id.</summary>
    /// <param name="id">The external id.</param>
    /// <param name="index">The dense index, or -1 when the id is unknown.</param>
    /// <returns><see langword="true"/> when the id is known.</returns>
    public bool TryGetIndex(TId id, out int index)
    {
        if (_indices.TryGetValue(id, out index))
        {
            return true;
        }

        index = -1;
        return false;
    }

    /// <summary>Returns the dense index of an id, or throws naming the id.</summary>
    /// <param name="id">The external id.</param>
    /// <exception cref="KeyNotFoundException">The id is unknown.</exception>
    public int GetIndex(TId id) =>
        _indices.TryGetValue(id, out var index) ? index : throw new KeyNotFoundException($"Unknown id '{id}'.");
}
