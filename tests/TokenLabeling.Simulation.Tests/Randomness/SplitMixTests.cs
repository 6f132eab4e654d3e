// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Simulation.Randomness;

namespace TokenLabeling.Simulation.Tests.Randomness;

public class SplitMixTests
{
    [Fact]
    public void Mix_MatchesTheSplitMix64Finaliser()
    {
        // SplitMix64 with state 0: the first output is mix(0x9E3779B97F4A7C15) = 0xE220A8397B1DCDAF (Steele, Lea, Flood 2014; Vigna's reference).
        Assert.Equal(0xE220A8397B1DCDAFUL, SplitMix.Mix(0x9E3779B97F4A7C15UL));
    }

    [Fact]
    public void SameKey_GivesSameStream_AndDifferentKeysDiffer()
    {
        var a = new SplitMix(42);
        var b = new SplitMix(42);
        var c = new SplitMix(43);
        var same = 0;
        for (var i = 0; i < 100; i++)
        {
            var x = a.NextUInt64();
            Assert.Equal(x, b.NextUInt64());
            same += x == c.NextUInt64() ? 1 : 0;
        }

        Assert.Equal(0, same);
    }

    [Fact]
    public void NextInt_StaysInRange_AndIsRoughlyUniform()
    {
        var rng = new SplitMix(7);
        var counts = new int[5];
        for (var i = 0; i < 50_000; i++)
        {
            counts[rng.NextInt(5)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void RunSeeds_AreDistinctAcrossPointsAndRuns()
    {
        var seeds = new HashSet<ulong>();
        for (var p = 0; p < 20; p++)
        {
            for (var r = 0; r < 50; r++)
            {
                Assert.True(seeds.Add(SimulationSeeds.ForRun(1, p, r)));
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => SimulationSeeds.ForRun(1, -1, 0));
    }
}
