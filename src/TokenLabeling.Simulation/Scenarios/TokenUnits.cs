// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;

namespace TokenLabeling.Simulation.Scenarios;

/// <summary>Exact conversion between token text (<c>"12.5"</c>) and the simulator's integer base units (6 decimals).</summary>
/// <remarks>The simulated economy keeps every balance as a 64-bit count of base units, so books balance exactly
/// and the hot loop stays in integer registers. 1 token = 1,000,000 units; the largest balance is about 9.2e12 tokens.</remarks>
public static class TokenUnits
{
    /// <summary>Gets the number of decimals of one token.</summary>
    public const int Decimals = 6;

    /// <summary>Gets the number of base units in one token.</summary>
    public const long PerToken = 1_000_000;

    /// <summary>Returns the base units of a whole number of tokens.</summary>
    /// <param name="tokens">The token count.</param>
    /// <returns>The units.</returns>
    /// <exception cref="OverflowException">The amount does not fit.</exception>
    public static long FromTokens(long tokens) => checked(tokens * PerToken);

    /// <summary>Parses a decimal token amount exactly (for example <c>"0.5"</c> or <c>"2300"</c>).</summary>
    /// <param name="text">The amount: digits with at most 6 decimals, optionally signed.</param>
    /// <returns>The base units.</returns>
    /// <exception cref="FormatException">The text is not an amount or has more than 6 decimals (the message quotes it).</exception>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        var negative = s.StartsWith('-');
        if (negative || s.StartsWith('+'))
        {
            s = s[1..];
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? s : s[..dot];
        var frac = dot < 0 ? string.Empty : s[(dot + 1)..];
        if ((whole.Length == 0 && frac.Length == 0) || !IsDigits(whole) || !IsDigits(frac))
        {
            throw new FormatException($"'{text}' is not a token amount (expected digits with an optional '.' and at most {Decimals} decimals).");
        }

        if (frac.Length > Decimals)
        {
            throw new FormatException($"'{text}' has more than {Decimals} decimals; the simulator keeps amounts in exact units of 1e-{Decimals} token.");
        }

        try
        {
            var units = checked((whole.Length == 0 ? 0 : long.Parse(whole, NumberStyles.None, CultureInfo.InvariantCulture)) * PerToken
                + (frac.Length == 0 ? 0 : long.Parse(frac.PadRight(Decimals, '0'), NumberStyles.None, CultureInfo.InvariantCulture)));
            return negative ? -units : units;
        }
        catch (OverflowException ex)
        {
            throw new FormatException($"'{text}' is too large for a token amount.", ex);
        }
    }

    /// <summary>Formats base units as a token amount with the shortest exact decimals, e.g. <c>1.5</c>.</summary>
    /// <param name="units">The base units.</param>
    /// <returns>The text.</returns>
    public static string Format(long units)
    {
        var sign = units < 0 ? "-" : string.Empty;
        var abs = units == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(units);
        var whole = abs / PerToken;
        var frac = abs % PerToken;
        return frac == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{sign}{whole}")
            : string.Create(CultureInfo.InvariantCulture, $"{sign}{whole}.{frac.ToString("D6", CultureInfo.InvariantCulture).TrimEnd('0')}");
    }

    /// <summary>Converts base units to tokens as a double, for metrics and plots only (never for settlement).</summary>
    /// <param name="units">The base units.</param>
    /// <returns>The approximate token amount.</returns>
    public static double ToTokens(long units) => units / (double)PerToken;

    private static bool IsDigits(string s)
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
