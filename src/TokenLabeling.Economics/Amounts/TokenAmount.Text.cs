// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using System.Numerics;

namespace TokenLabeling.Economics.Amounts;

public readonly partial struct TokenAmount
{
    /// <summary>The most decimals a token may declare (ERC-20's <c>decimals()</c> is a <c>uint8</c>; 77 digits already exceed 2^256).</summary>
    public const int MaxDecimals = 77;

    /// <summary>Parses a decimal string of whole tokens, e.g. <c>"12.5"</c>, into base units, without floating point.</summary>
    /// <param name="text">Digits with an optional '.' and fraction, e.g. <c>"1000"</c>, <c>"0.000000000000000001"</c>. No sign, exponent or grouping.</param>
    /// <param name="decimals">The token's decimals, 0 to 77; 18 for most ERC-20 tokens.</param>
    /// <returns>The amount in base units.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">The text is not a plain non-negative decimal, or has more fraction digits than <paramref name="decimals"/> (never rounded).</exception>
    /// <exception cref="OverflowException">The amount is 2^256 base units or more.</exception>
    public static TokenAmount Parse(string text, int decimals)
    {
        ArgumentNullException.ThrowIfNull(text);
        var error = TryParseCore(text, decimals, out var amount);
        return error switch
        {
            null => amount,
            _ when error.StartsWith("overflow:", StringComparison.Ordinal) => throw new OverflowException(error[9..]),
            _ => throw new FormatException(error),
        };
    }

    /// <summary>Tries to parse a decimal string of whole tokens into base units.</summary>
    /// <param name="text">The text, e.g. <c>"12.5"</c>.</param>
    /// <param name="decimals">The token's decimals, 0 to 77.</param>
    /// <param name="amount">The amount, or zero on failure.</param>
    /// <returns>Whether the text was a valid amount within range.</returns>
    public static bool TryParse(string? text, int decimals, out TokenAmount amount)
    {
        amount = default;
        return text is not null && TryParseCore(text, decimals, out amount) is null;
    }

    /// <summary>Parses a string of base units (an integer, e.g. <c>"1000000000000000000"</c>).</summary>
    /// <param name="text">Decimal digits only.</param>
    /// <returns>The amount.</returns>
    /// <exception cref="FormatException">The text is not a non-negative integer.</exception>
    /// <exception cref="OverflowException">The value is 2^256 or more.</exception>
    public static TokenAmount ParseBaseUnits(string text) => Parse(text, 0);

    /// <summary>Formats the amount as whole tokens with the given decimals, e.g. <c>"12.5"</c>; trailing fraction zeros are dropped.</summary>
    /// <param name="decimals">The token's decimals, 0 to 77.</param>
    /// <returns>The decimal string; exact.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decimals"/> is outside 0..77.</exception>
    public string ToDecimalString(int decimals)
    {
        ValidateDecimals(decimals);
        var digits = ToString();
        if (decimals == 0)
        {
            return digits;
        }

        if (digits.Length <= decimals)
        {
            digits = new string('0', decimals - digits.Length + 1) + digits;
        }

        var whole = digits[..^decimals];
        var fraction = digits[^decimals..].TrimEnd('0');
        return fraction.Length == 0 ? whole : whole + "." + fraction;
    }

    /// <summary>Formats the amount in base units, as an integer.</summary>
    /// <returns>The decimal digits of the base-unit count.</returns>
    public override string ToString() =>
        FitsInUInt128 ? Low128.ToString(CultureInfo.InvariantCulture) : ToBigInteger().ToString(CultureInfo.InvariantCulture);

    internal static void ValidateDecimals(int decimals)
    {
        if (decimals is < 0 or > MaxDecimals)
        {
            throw new ArgumentOutOfRangeException(nameof(decimals), decimals, $"decimals must be from 0 to {MaxDecimals}, not {decimals}.");
        }
    }

    private static string? TryParseCore(string text, int decimals, out TokenAmount amount)
    {
        ValidateDecimals(decimals);
        amount = default;
        var span = text.AsSpan();
        if (span.Length == 0)
        {
            return "An amount cannot be empty.";
        }

        var dot = span.IndexOf('.');
        var whole = dot < 0 ? span : span[..dot];
        var fraction = dot < 0 ? [] : span[(dot + 1)..];
        if ((whole.Length == 0 && fraction.Length == 0) || !IsDigits(whole) || !IsDigits(fraction))
        {
            return $"'{text}' is not a plain non-negative decimal amount (digits with an optional '.'; no sign, exponent or separators).";
        }

        if (dot >= 0 && fraction.Length == 0 && whole.Length == 0)
        {
            return $"'{text}' is not an amount.";
        }

        var trimmed = fraction.TrimEnd('0');
        if (trimmed.Length > decimals)
        {
            return $"'{text}' has {trimmed.Length} fraction digits but the token has {decimals} decimals: amounts are never rounded.";
        }

        var value = whole.Length == 0 ? BigInteger.Zero : BigInteger.Parse(whole, NumberStyles.None, CultureInfo.InvariantCulture);
        value *= BigInteger.Pow(10, decimals);
        if (trimmed.Length > 0)
        {
            value += BigInteger.Parse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture) * BigInteger.Pow(10, decimals - trimmed.Length);
        }

        if (!TryFromBigInteger(value, out amount))
        {
            return $"overflow:'{text}' with {decimals} decimals is 2^256 base units or more (beyond uint256).";
        }

        return null;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
