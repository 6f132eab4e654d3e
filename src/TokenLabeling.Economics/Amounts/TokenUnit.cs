// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Economics.Amounts;

/// <summary>The decimals setting of a token: how many base units make one whole token (10^decimals), with an optional symbol.</summary>
/// <remarks>Amounts themselves are plain base-unit counts; the unit is needed only to read and write human amounts such as <c>"12.5"</c>.</remarks>
public sealed record TokenUnit
{
    /// <summary>Initializes a new token unit.</summary>
    /// <param name="decimals">The token's decimals, 0 to 77. Typical: 18 (most ERC-20 tokens), 6 (USDC).</param>
    /// <param name="symbol">A display symbol, e.g. <c>"LBL"</c>; may be empty.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decimals"/> is outside 0..77.</exception>
    public TokenUnit(int decimals, string symbol = "")
    {
        TokenAmount.ValidateDecimals(decimals);
        ArgumentNullException.ThrowIfNull(symbol);
        Decimals = decimals;
        Symbol = symbol;
    }

    /// <summary>Gets the unit of an 18-decimal ERC-20 token.</summary>
    public static TokenUnit Erc20 { get; } = new(18);

    /// <summary>Gets the number of decimals.</summary>
    public int Decimals { get; }

    /// <summary>Gets the display symbol.</summary>
    public string Symbol { get; }

    /// <summary>Gets one whole token in base units (10^decimals).</summary>
    public TokenAmount OneToken => TokenAmount.Parse("1", Decimals);

    /// <summary>Parses whole tokens, e.g. <c>"12.5"</c>, into base units.</summary>
    /// <param name="text">The decimal text.</param>
    /// <returns>The amount in base units.</returns>
    /// <exception cref="FormatException">The text is not a plain decimal or has too many fraction digits.</exception>
    /// <exception cref="OverflowException">The amount exceeds uint256.</exception>
    public TokenAmount Parse(string text) => TokenAmount.Parse(text, Decimals);

    /// <summary>Formats an amount as whole tokens, e.g. <c>"12.5"</c>.</summary>
    /// <param name="amount">The amount in base units.</param>
    /// <returns>The exact decimal text.</returns>
    public string Format(TokenAmount amount) => amount.ToDecimalString(Decimals);
}
