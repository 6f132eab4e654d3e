// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;

namespace TokenLabeling.Consensus.Geometry.Kernels;

/// <summary>Plain scalar references for <see cref="MaskKernels"/>: one word at a time, the test oracle and the benchmark baseline.</summary>
public static class MaskKernelsReference
{
    /// <summary>Counts the bits set in both masks and in either mask, one word at a time.</summary>
    /// <param name="a">The first mask's words.</param>
    /// <param name="b">The second mask's words, as many as <paramref name="a"/>.</param>
    /// <returns>The counts.</returns>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static MaskOverlap Overlap(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"The masks must have the same number of words (got {a.Length} and {b.Length}).", nameof(b));
        }

        long inter = 0, union = 0;
        for (var i = 0; i < a.Length; i++)
        {
            inter += BitOperations.PopCount(a[i] & b[i]);
            union += BitOperations.PopCount(a[i] | b[i]);
        }

        return new MaskOverlap(inter, union);
    }
}
