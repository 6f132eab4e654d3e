// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Simulation.Engine;

namespace TokenLabeling.Simulation.Tests.Engine;

/// <summary>The packed plurality of the fast path against its scalar reference and hand-made cases.</summary>
[Trait("Category", "Kernels")]
public class PluralityTests
{
    [Fact]
    public void Plurality_EqualsTheScalarReference_OnRandomVotes()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 20_000; trial++)
        {
            var k = random.Next(2, 9);
            ulong votes = 0;
            var labels = random.Next(0, 65);
            for (var i = 0; i < labels; i++)
            {
                votes += 1UL << (random.Next(k) << 3);
            }

            Assert.Equal(SimulationRun.PluralityScalar(votes, k), SimulationRun.Plurality(votes, k));
        }
    }

    [Theory]
    [InlineData(new[] { 0, 0, 0, 0 }, -1, 0)]
    [InlineData(new[] { 2, 3, 3, 0 }, 1, 3)]
    [InlineData(new[] { 1, 1, 1, 1 }, 0, 1)]
    [InlineData(new[] { 0, 0, 0, 64 }, 3, 64)]
    [InlineData(new[] { 5, 0, 0, 0, 0, 0, 0, 6 }, 7, 6)]
    [InlineData(new[] { 4, 4 }, 0, 4)]
    public void Plurality_ByHand(int[] counts, int consensus, int top)
    {
        ulong votes = 0;
        for (var c = 0; c < counts.Length; c++)
        {
            votes |= (ulong)counts[c] << (c << 3);
        }

        Assert.Equal((consensus, top), SimulationRun.Plurality(votes, counts.Length));
        Assert.Equal((consensus, top), SimulationRun.PluralityScalar(votes, counts.Length));
    }
}
