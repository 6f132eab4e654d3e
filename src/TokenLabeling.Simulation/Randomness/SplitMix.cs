// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;

namespace TokenLabeling.Simulation.Randomness;

/// <summary>A seeded, counter-based random stream (SplitMix64): the n-th output is a bijective mix of <c>seed + n·γ</c>.</summary>
/// <remarks>
/// <para>Every stream in the simulator is derived from a key (experiment seed, sweep point, run, round, task, ...) through
/// <see cref="Derive(ulong, ulong)"/>, so a value never depends on which thread computed it or on what ran before it.
/// This is what makes results identical for any thread count, and any result row repeatable alone.</para>
/// <para>A mutable value type: pass it by <see langword="ref"/>. Not for cryptography.</para>
/// </remarks>
public struct SplitMix
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    /// <summary>Initializes a stream from a 64-bit key.</summary>
    /// <param name="key">The stream key; equal keys give equal streams.</param>
    public SplitMix(ulong key) => _state = Mix(key ^ 0x6A09E667F3BCC909UL);

    /// <summary>Returns the next 64 random bits.</summary>
    /// <returns>A uniformly distributed 64-bit value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        _state += Gamma;
        return Mix(_state);
    }

    /// <summary>Returns a uniform integer in <c>[0, bound)</c> by multiply-shift (bias below 2^-32 per draw; deterministic).</summary>
    /// <param name="bound">The exclusive upper bound, from 1 to <see cref="int.MaxValue"/>.</param>
    /// <returns>The integer.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int bound) => (int)(((NextUInt64() >> 32) * (ulong)(uint)bound) >> 32);

    /// <summary>Returns a uniform double in <c>[0, 1)</c> with 53 random bits.</summary>
    /// <returns>The number.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Applies the SplitMix64 finaliser: a bijection of 64-bit values with full avalanche.</summary>
    /// <param name="z">The value to mix.</param>
    /// <returns>The mixed value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Derives a child key from a parent key and one coordinate (for example a run index or a task index).</summary>
    /// <param name="parent">The parent key.</param>
    /// <param name="coordinate">The coordinate.</param>
    /// <returns>The child key; distinct coordinates give unrelated keys.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Derive(ulong parent, ulong coordinate) => Mix(parent + Mix(coordinate + Gamma) * Gamma);

    /// <summary>Returns the stream for element <paramref name="index"/> of a family keyed by <paramref name="familyKey"/> (for example the items of one round).</summary>
    /// <param name="familyKey">The family key, itself derived (mixed) from the run seed.</param>
    /// <param name="index">The element index.</param>
    /// <returns>The stream; its state is the mix of a distinct counter value, so neighbouring indices give unrelated streams.</returns>
    /// <remarks>Cheaper than <c>new SplitMix(Derive(familyKey, index))</c> (one mix instead of three) for per-item streams in hot loops.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SplitMix ForIndex(ulong familyKey, ulong index)
    {
        SplitMix stream;
        stream._state = Mix(familyKey + (index * 0xD1B54A32D192ED03UL));
        return stream;
    }

    /// <summary>Derives a child key from a parent key and two coordinates.</summary>
    /// <param name="parent">The parent key.</param>
    /// <param name="first">The first coordinate.</param>
    /// <param name="second">The second coordinate.</param>
    /// <returns>The child key.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Derive(ulong parent, ulong first, ulong second) => Derive(Derive(parent, first), second);
}
