// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using TokenLabeling.Economics.Amounts;

namespace TokenLabeling.Economics.Tests.Amounts;

public sealed class TokenAmountTests
{
    private static readonly BigInteger s_two256 = BigInteger.One << 256;

    [Fact]
    public void MaxValue_Is2To256Minus1()
    {
        Assert.Equal(s_two256 - 1, TokenAmount.MaxValue.ToBigInteger());
        Assert.Equal("115792089237316195423570985008687907853269984665640564039457584007913129639935", TokenAmount.MaxValue.ToString());
    }

    [Fact]
    public void Addition_Overflow_Throws()
    {
        Assert.Throws<OverflowException>(() => TokenAmount.MaxValue + TokenAmount.One);
        Assert.Equal(TokenAmount.MaxValue, (TokenAmount.MaxValue - TokenAmount.One) + TokenAmount.One);
    }

    [Fact]
    public void Addition_CarriesAcrossEveryLimb()
    {
        var a = TokenAmount.FromBigInteger((BigInteger.One << 192) - 1);
        Assert.Equal(BigInteger.One << 192, (a + TokenAmount.One).ToBigInteger());
        var b = TokenAmount.FromBigInteger((BigInteger.One << 128) - 1);
        Assert.Equal(BigInteger.One << 128, (b + TokenAmount.One).ToBigInteger());
    }

    [Fact]
    public void Subtraction_Underflow_Throws()
    {
        var ex = Assert.Throws<OverflowException>(() => new TokenAmount(5) - new TokenAmount(6));
        Assert.Contains("never negative", ex.Message);
        Assert.Equal(BigInteger.One << 128, (TokenAmount.FromBigInteger(BigInteger.One << 128) - TokenAmount.Zero).ToBigInteger());
        Assert.Equal((BigInteger.One << 128) - 1, (TokenAmount.FromBigInteger(BigInteger.One << 128) - TokenAmount.One).ToBigInteger());
    }

    [Fact]
    public void Multiplication_Overflow_Throws()
    {
        var half = TokenAmount.FromBigInteger(BigInteger.One << 128);
        Assert.Throws<OverflowException>(() => half * half);
        Assert.Equal(BigInteger.One << 255, (TokenAmount.FromBigInteger(BigInteger.One << 127) * half).ToBigInteger());
    }

    [Fact]
    public void MulDiv_ProductAbove2To256_ResultFits()
    {
        // OpenZeppelin's own cases: mulDiv(max, max, max) = max; mulDiv(max - 1, max - 1, max) = max - 2.
        var max = TokenAmount.MaxValue;
        Assert.Equal(max, TokenAmount.MulDiv(max, max, max));
        Assert.Equal(s_two256 - 3, TokenAmount.MulDiv(max - TokenAmount.One, max - TokenAmount.One, max).ToBigInteger());
        // (2^255 · 6) / 3 = 2^256 would overflow; (2^255 · 3) / 6 = 2^254.
        var p255 = TokenAmount.FromBigInteger(BigInteger.One << 255);
        Assert.Equal(BigInteger.One << 254, TokenAmount.MulDiv(p255, 3UL, 6UL).ToBigInteger());
        Assert.Throws<OverflowException>(() => TokenAmount.MulDiv(p255, 6UL, 3UL));
    }

    [Fact]
    public void MulDiv_ByZero_Throws()
    {
        Assert.Throws<DivideByZeroException>(() => TokenAmount.MulDiv(TokenAmount.One, TokenAmount.One, TokenAmount.Zero));
        Assert.Throws<DivideByZeroException>(() => TokenAmount.MulDiv(TokenAmount.One, 1UL, 0UL));
    }

    [Fact]
    public void MulDiv_RandomOperands_MatchesBigIntegerFloor()
    {
        var rng = new Random(20261124);
        for (var i = 0; i < 20_000; i++)
        {
            var x = RandomAmount(rng);
            var y = RandomAmount(rng);
            var d = RandomAmount(rng);
            if (d.IsZero)
            {
                continue;
            }

            var expected = x.ToBigInteger() * y.ToBigInteger() / d.ToBigInteger();
            if (expected >= s_two256)
            {
                Assert.Throws<OverflowException>(() => TokenAmount.MulDiv(x, y, d));
            }
            else
            {
                Assert.Equal(expected, TokenAmount.MulDiv(x, y, d).ToBigInteger());
            }

            var y64 = (ulong)(y.ToBigInteger() & ulong.MaxValue);
            var d64 = (ulong)(d.ToBigInteger() & ulong.MaxValue);
            if (d64 != 0)
            {
                var e64 = x.ToBigInteger() * y64 / d64;
                if (e64 < s_two256)
                {
                    Assert.Equal(e64, TokenAmount.MulDiv(x, y64, d64).ToBigInteger());
                }
            }
        }
    }

    [Fact]
    public void DivisionAndRemainder_MatchBigInteger()
    {
        var rng = new Random(7);
        for (var i = 0; i < 5_000; i++)
        {
            var a = RandomAmount(rng);
            var b = RandomAmount(rng);
            if (b.IsZero)
            {
                continue;
            }

            Assert.Equal(a.ToBigInteger() / b.ToBigInteger(), (a / b).ToBigInteger());
            Assert.Equal(a.ToBigInteger() % b.ToBigInteger(), (a % b).ToBigInteger());
            Assert.Equal(a.ToBigInteger().CompareTo(b.ToBigInteger()), a.CompareTo(b));
        }
    }

    [Fact]
    public void ProRataDivider_MatchesMulDiv()
    {
        var rng = new Random(11);
        for (var i = 0; i < 5_000; i++)
        {
            var total = RandomAmount(rng);
            UInt128 totalWeight = rng.Next(4) switch
            {
                0 => (UInt128)(ulong)rng.Next(1, 1000),
                1 => (UInt128)(ulong)rng.NextInt64(1, long.MaxValue),
                2 => ulong.MaxValue,
                _ => new UInt128((ulong)rng.NextInt64(1, 1000), (ulong)rng.NextInt64()),
            };
            var divider = new ProRata<TokenAmount, TokenAmountMath>(total, totalWeight);
            for (var k = 0; k < 4; k++)
            {
                var w = k == 0 ? totalWeight : k == 1 ? 0 : totalWeight / (UInt128)(ulong)rng.Next(1, 100);
                var expected = total.ToBigInteger() * (BigInteger)w / (BigInteger)totalWeight;
                Assert.Equal(expected, divider.Of(w).ToBigInteger());
            }
        }
    }

    [Theory]
    [InlineData("12.5", 18, "12500000000000000000")]
    [InlineData("0.000000000000000001", 18, "1")]
    [InlineData("1000", 18, "1000000000000000000000")]
    [InlineData("1.50", 2, "150")]
    [InlineData(".5", 1, "5")]
    [InlineData("7.", 0, "7")]
    [InlineData("0", 6, "0")]
    public void Parse_DecimalTokens_GivesBaseUnits(string text, int decimals, string baseUnits)
    {
        var amount = TokenAmount.Parse(text, decimals);
        Assert.Equal(baseUnits, amount.ToString());
    }

    [Theory]
    [InlineData("12500000000000000000", 18, "12.5")]
    [InlineData("1", 18, "0.000000000000000001")]
    [InlineData("0", 18, "0")]
    [InlineData("1000000", 6, "1")]
    [InlineData("123", 0, "123")]
    public void ToDecimalString_FormatsExactly(string baseUnits, int decimals, string expected) =>
        Assert.Equal(expected, TokenAmount.ParseBaseUnits(baseUnits).ToDecimalString(decimals));

    [Theory]
    [InlineData("-1")]
    [InlineData("1e18")]
    [InlineData("1,000")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("1.2.3")]
    [InlineData(" 1")]
    [InlineData("0.0000000000000000001")]
    public void Parse_Invalid_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => TokenAmount.Parse(text, 18));

    [Fact]
    public void Parse_BeyondUint256_ThrowsOverflow()
    {
        Assert.Throws<OverflowException>(() => TokenAmount.ParseBaseUnits((s_two256).ToString()));
        Assert.Equal(TokenAmount.MaxValue, TokenAmount.ParseBaseUnits((s_two256 - 1).ToString()));
        Assert.Throws<OverflowException>(() => TokenAmount.Parse("1" + new string('0', 60), 18));
    }

    [Fact]
    public void FromBigInteger_OutOfRange_ThrowsNeverTruncates()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenAmount.FromBigInteger(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenAmount.FromBigInteger(s_two256));
        Assert.False(TokenAmount.TryFromBigInteger(s_two256 + 5, out _));
    }

    [Fact]
    public void BigEndianWord_RoundTrips()
    {
        var value = TokenAmount.FromBigInteger((BigInteger.One << 200) + 0x1234);
        var bytes = new byte[32];
        value.WriteBigEndian(bytes);
        Assert.Equal(0x01, bytes[6]);
        Assert.Equal(0x34, bytes[31]);
        Assert.Equal(0x12, bytes[30]);
        Assert.Equal(value, TokenAmount.ReadBigEndian(bytes));
    }

    [Fact]
    public void NarrowingConversions_CheckRange()
    {
        Assert.Throws<OverflowException>(() => (ulong)TokenAmount.FromBigInteger(BigInteger.One << 64));
        Assert.Throws<OverflowException>(() => (UInt128)TokenAmount.FromBigInteger(BigInteger.One << 128));
        Assert.Equal(UInt128.MaxValue, (UInt128)TokenAmount.FromBigInteger((BigInteger.One << 128) - 1));
    }

    [Fact]
    public void ApplyBasisPoints_FloorsAndValidates()
    {
        Assert.Equal(new TokenAmount(33), new TokenAmount(1333).ApplyBasisPoints(250));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenAmount.One.ApplyBasisPoints(10_001));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenAmount.One.ApplyBasisPoints(-1));
    }

    internal static TokenAmount RandomAmount(Random rng)
    {
        var bits = rng.Next(6) switch
        {
            0 => 8,
            1 => 64,
            2 => 70,
            3 => 128,
            4 => 200,
            _ => 256,
        };
        var bytes = new byte[32];
        rng.NextBytes(bytes);
        var value = new BigInteger(bytes, isUnsigned: true) >> (256 - rng.Next(1, bits + 1));
        return TokenAmount.FromBigInteger(value);
    }
}
