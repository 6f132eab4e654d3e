// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using TokenLabeling.Consensus.Geometry;
using TokenLabeling.Consensus.Geometry.Kernels;
using TokenLabeling.Consensus.Kernels;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Geometry;

/// <summary>Mask overlap counts on every path against the scalar reference, across lengths in 64-bit words.</summary>
[Trait("Category", "Kernels")]
public sealed class MaskKernelTests
{
    public static TheoryData<KernelPath, int> PathsAndLengths() => BoxKernelTests.PathsAndLengths();

    private static ulong[] RandomWords(int n, int seed, double density)
    {
        var random = new Random(seed);
        var words = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            for (var bit = 0; bit < 64; bit++)
            {
                if (random.NextDouble() < density)
                {
                    words[i] |= 1UL << bit;
                }
            }
        }

        return words;
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void Overlap_MatchesReference_AllLengths(KernelPath path, int n)
    {
        foreach (var density in new[] { 0.0, 0.3, 0.97, 1.0 })
        {
            var a = RandomWords(n, n, density);
            var b = RandomWords(n, n + 5000, 0.5);
            Assert.Equal(MaskKernelsReference.Overlap(a, b), MaskKernels.Overlap(a, b, path));
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void PopCount_MatchesBitOperations(KernelPath path, int n)
    {
        var a = RandomWords(n, n + 17, 0.6);
        long expected = 0;
        foreach (var w in a)
        {
            expected += BitOperations.PopCount(w);
        }

        Assert.Equal(expected, MaskKernels.PopCount(a, path));
    }

    [Fact]
    public void Overlap_AllOnes_LongerThanTheByteAccumulatorFlush()
    {
        // 31 vectors saturate a byte counter at 248; 1,000 words of all ones cross several flushes on every width.
        var a = Enumerable.Repeat(ulong.MaxValue, 1000).ToArray();
        foreach (var p in KernelPaths.Supported)
        {
            Assert.Equal(new MaskOverlap(64_000, 64_000), MaskKernels.Overlap(a, a, p));
        }
    }

    [Fact]
    public void Overlap_SplitAcrossCores_MatchesReference()
    {
        // Just above the threshold with an odd tail, so chunks end on every alignment.
        var n = MaskKernels.ParallelThresholdWords + 13;
        var a = new ulong[n];
        var b = new ulong[n];
        var random = new Random(91);
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()));
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.AsSpan()));
        var expected = MaskKernelsReference.Overlap(a, b);
        foreach (var p in KernelPaths.Supported)
        {
            Assert.Equal(expected, MaskKernels.Overlap(a, b, p, maxDegreeOfParallelism: -1));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => MaskKernels.Overlap(a, b, KernelPath.Auto, 0));
    }

    [Fact]
    public void Overlap_ThrowsForMismatchedLengths() =>
        Assert.Throws<ArgumentException>(() => MaskKernels.Overlap(new ulong[3], new ulong[4]));
}
