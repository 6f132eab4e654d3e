// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Tests.Scenarios;

public class TokenUnitsTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1", 1_000_000L)]
    [InlineData("0.5", 500_000L)]
    [InlineData("2300", 2_300_000_000L)]
    [InlineData(".000001", 1L)]
    [InlineData("-1.25", -1_250_000L)]
    public void Parse_IsExact(string text, long units) => Assert.Equal(units, TokenUnits.Parse(text));

    [Theory]
    [InlineData("1.0000001")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("1e3")]
    public void Parse_RejectsWhatIsNotAnExactAmount(string text) => Assert.Throws<FormatException>(() => TokenUnits.Parse(text));

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(1_500_000L, "1.5")]
    [InlineData(3_333_333L, "3.333333")]
    [InlineData(-1L, "-0.000001")]
    public void Format_IsShortestExact(long units, string text) => Assert.Equal(text, TokenUnits.Format(units));
}
