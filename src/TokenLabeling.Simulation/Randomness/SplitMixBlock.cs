// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TokenLabeling.Simulation.Randomness;

/// <summary>Draws the first outputs of eight neighbouring per-index streams (<see cref="SplitMix.ForIndex"/>) at once, eight lanes wide.</summary>
/// <remarks>
/// <para>Stream <c>i</c> starts at <c>s0 = Mix(familyKey + i·C)</c> and its <c>j</c>-th output (from 1) is <c>Mix(s0 + j·γ)</c>, so the outputs of
/// eight streams are independent and can be computed side by side: per output index, one vector of eight mixes. The values are exactly those of
/// <see cref="SplitMix.NextUInt64"/> on each stream; <see cref="DrawCursor"/> continues a stream one output at a time past the block.</para>
/// <para>Layout: <c>destination[(j − 1) × 8 + lane]</c> for output <c>j</c> of stream <c>firstIndex + lane</c>; <c>starts[lane]</c> is the stream's <c>s0</c>.</para>
/// </remarks>
internal static class SplitMixBlock
{
    /// <summary>The number of streams in a block.</summary>
    public const int Lanes = 8;

    internal const ulong Gamma = 0x9E3779B97F4A7C15UL;
    internal const ulong IndexMultiplier = 0xD1B54A32D192ED03UL;

    /// <summary>Which implementation fills a block (tests force each one).</summary>
    internal enum Path
    {
        /// <summary>The widest the hardware accelerates.</summary>
        Auto,

        /// <summary>Plain scalar code (the reference).</summary>
        Scalar,

        /// <summary>Two Vector256 halves.</summary>
        Vector256,

        /// <summary>One Vector512.</summary>
        Vector512,
    }

    /// <summary>Fills the first <paramref name="draws"/> outputs of the eight streams from <paramref name="firstIndex"/>.</summary>
    /// <param name="familyKey">The family key (as passed to <see cref="SplitMix.ForIndex"/>).</param>
    /// <param name="firstIndex">The index of lane 0's stream.</param>
    /// <param name="draws">Outputs per stream, ≥ 0.</param>
    /// <param name="starts">Receives each lane's initial state; 8 elements.</param>
    /// <param name="destination">Receives the outputs; at least <c>8 × draws</c> elements.</param>
    /// <param name="path">The implementation.</param>
    public static void Fill(ulong familyKey, ulong firstIndex, int draws, Span<ulong> starts, Span<ulong> destination, Path path = Path.Auto)
    {
        if (draws < 0 || starts.Length < Lanes || destination.Length < Lanes * draws)
        {
            throw new ArgumentException($"A block needs {Lanes} starts and {Lanes} × {draws} outputs; got {starts.Length} and {destination.Length}.", nameof(destination));
        }

        if (path == Path.Auto)
        {
            path = Vector512.IsHardwareAccelerated ? Path.Vector512 : Vector256.IsHardwareAccelerated ? Path.Vector256 : Path.Scalar;
        }

        switch (path)
        {
            case Path.Vector512:
                FillVector512(familyKey, firstIndex, draws, starts, destination);
                break;
            case Path.Vector256:
                FillVector256(familyKey, firstIndex, draws, starts, destination);
                break;
            default:
                FillScalar(familyKey, firstIndex, draws, starts, destination);
                break;
        }
    }

    /// <summary>The scalar reference.</summary>
    internal static void FillScalar(ulong familyKey, ulong firstIndex, int draws, Span<ulong> starts, Span<ulong> destination)
    {
        for (var lane = 0; lane < Lanes; lane++)
        {
            var s0 = SplitMix.Mix(familyKey + ((firstIndex + (ulong)lane) * IndexMultiplier));
            starts[lane] = s0;
            for (var j = 1; j <= draws; j++)
            {
                destination[((j - 1) * Lanes) + lane] = SplitMix.Mix(s0 + ((ulong)j * Gamma));
            }
        }
    }

    [SkipLocalsInit]
    private static void FillVector512(ulong familyKey, ulong firstIndex, int draws, Span<ulong> starts, Span<ulong> destination)
    {
        var index = Vector512.Create(firstIndex) + Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
        var s = Mix(Vector512.Create(familyKey) + (index * Vector512.Create(IndexMultiplier)));
        s.CopyTo(starts);
        var gamma = Vector512.Create(Gamma);
        for (var j = 0; j < draws; j++)
        {
            s += gamma;
            Mix(s).CopyTo(destination.Slice(j * Lanes, Lanes));
        }
    }

    [SkipLocalsInit]
    private static void FillVector256(ulong familyKey, ulong firstIndex, int draws, Span<ulong> starts, Span<ulong> destination)
    {
        var multiplier = Vector256.Create(IndexMultiplier);
        var key = Vector256.Create(familyKey);
        var lo = Mix(key + ((Vector256.Create(firstIndex) + Vector256.Create(0UL, 1, 2, 3)) * multiplier));
        var hi = Mix(key + ((Vector256.Create(firstIndex) + Vector256.Create(4UL, 5, 6, 7)) * multiplier));
        lo.CopyTo(starts);
        hi.CopyTo(starts[4..]);
        var gamma = Vector256.Create(Gamma);
        for (var j = 0; j < draws; j++)
        {
            lo += gamma;
            hi += gamma;
            Mix(lo).CopyTo(destination.Slice(j * Lanes, 4));
            Mix(hi).CopyTo(destination.Slice((j * Lanes) + 4, 4));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Mix(Vector512<ulong> z)
    {
        z = (z ^ Vector512.ShiftRightLogical(z, 30)) * Vector512.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector512.ShiftRightLogical(z, 27)) * Vector512.Create(0x94D049BB133111EBUL);
        return z ^ Vector512.ShiftRightLogical(z, 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Mix(Vector256<ulong> z)
    {
        z = (z ^ Vector256.ShiftRightLogical(z, 30)) * Vector256.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector256.ShiftRightLogical(z, 27)) * Vector256.Create(0x94D049BB133111EBUL);
        return z ^ Vector256.ShiftRightLogical(z, 31);
    }
}

/// <summary>Reads one stream's outputs from a filled block, then continues the stream one output at a time: the same values as
/// <see cref="SplitMix.NextUInt64"/> on <see cref="SplitMix.ForIndex"/> of that index.</summary>
internal ref struct DrawCursor
{
    private readonly ReadOnlySpan<ulong> _block;
    private readonly int _lane;
    private readonly int _prefilled;
    private readonly ulong _start;
    private int _used;

    /// <summary>Initializes a cursor over lane <paramref name="lane"/> of a block with <paramref name="prefilled"/> outputs per stream.</summary>
    public DrawCursor(ReadOnlySpan<ulong> block, int lane, int prefilled, ulong start)
    {
        _block = block;
        _lane = lane;
        _prefilled = prefilled;
        _start = start;
        _used = 0;
    }

    /// <summary>Initializes a cursor with nothing prefilled: stream <paramref name="index"/> of <paramref name="familyKey"/>, computed one output at a time.</summary>
    public static DrawCursor Scalar(ulong familyKey, ulong index) =>
        new([], 0, 0, SplitMix.Mix(familyKey + (index * SplitMixBlock.IndexMultiplier)));

    /// <summary>Returns the stream's next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var j = _used++;
        return j < _prefilled ? _block[(j * SplitMixBlock.Lanes) + _lane] : SplitMix.Mix(_start + ((ulong)(j + 1) * SplitMixBlock.Gamma));
    }

    /// <summary>Returns a uniform integer in <c>[0, bound)</c>, as <see cref="SplitMix.NextInt"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int bound) => (int)(((NextUInt64() >> 32) * (ulong)(uint)bound) >> 32);

    /// <summary>Returns a uniform double in <c>[0, 1)</c>, as <see cref="SplitMix.NextDouble"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
