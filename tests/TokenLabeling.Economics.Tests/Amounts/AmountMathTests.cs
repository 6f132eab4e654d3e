// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using TokenLabeling.Economics.Amounts;

namespace TokenLabeling.Economics.Tests.Amounts;

/// <summary>The 128-bit settlement arithmetic against the plain BigInteger definition floor(x·y/d).</summary>
public sealed class AmountMathTests
{
    [Fact]
    public void UInt128MulDiv_MatchesBigIntegerFloor()
    {
        var rng = new Random(3);
        for (var i = 0; i < 20_000; i++)
        {
            var x = new UInt128((ulong)rng.NextInt64() >> rng.Next(0, 64), (ulong)rng.NextInt64());
            var y = (ulong)rng.NextInt64() >> rng.Next(0, 63);
            var d = Math.Max(1UL, (ulong)rng.NextInt64() >> rng.Next(0, 63));
            var expected = (BigInteger)x * y / d;
            if (expected > (BigInteger)UInt128.MaxValue)
            {
                Assert.Throws<OverflowException>(() => UInt128Math.MulDiv(x, y, d));
            }
            else
            {
                Assert.Equal(expected, (BigInteger)UInt128Math.MulDiv(x, y, d));
            }
        }
    }

    [Fact]
    public void UInt128ProRata_MatchesBigIntegerFloor_AndTokenAmountPath()
    {
        var rng = new Random(5);
        for (var i = 0; i < 5_000; i++)
        {
            var total = new UInt128((ulong)rng.NextInt64() >> rng.Next(0, 64), (ulong)rng.NextInt64());
            UInt128 totalWeight = rng.Next(3) switch
            {
                0 => (ulong)rng.Next(1, 1000),
                1 => (ulong)rng.NextInt64(1, long.MaxValue),
                _ => new UInt128((ulong)rng.Next(1, 100), (ulong)rng.NextInt64()),
            };
            var narrow = new ProRata<UInt128, UInt128Math>(total, totalWeight);
            var wide = new ProRata<TokenAmount, TokenAmountMath>(new TokenAmount(total), totalWeight);
            foreach (var w in new[] { totalWeight, UInt128.Zero, totalWeight / 3, totalWeight - 1 })
            {
                var expected = (BigInteger)total * (BigInteger)w / (BigInteger)totalWeight;
                Assert.Equal(expected, (BigInteger)narrow.Of(w));
                Assert.Equal(expected, wide.Of(w).ToBigInteger());
            }
        }
    }

    [Fact]
    public void UInt128Add_Overflow_Throws() =>
        Assert.Throws<OverflowException>(() => UInt128Math.Add(UInt128.MaxValue, UInt128.One));
}
