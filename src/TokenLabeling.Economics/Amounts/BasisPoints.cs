// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Economics.Amounts;

/// <summary>Rates in basis points: 10000 bps = 100%, 1 bps = 0.01%.</summary>
public static class BasisPoints
{
    /// <summary>The number of basis points in 100% (Kleros' <c>ONE_BASIS_POINT</c>, Solidity's usual <c>10_000</c>).</summary>
    public const int Denominator = 10_000;

    /// <summary>Checks that a rate is within 0..10000 bps.</summary>
    /// <param name="basisPoints">The rate in basis points.</param>
    /// <param name="parameterName">The parameter or field the rate came from, named in the error.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is outside 0..10000.</exception>
    public static void Validate(int basisPoints, string parameterName)
    {
        if (basisPoints is < 0 or > Denominator)
        {
            throw new ArgumentOutOfRangeException(parameterName, basisPoints, $"{parameterName} must be a rate in basis points from 0 to {Denominator} (100%), not {basisPoints}.");
        }
    }

    /// <summary>Converts a fraction in [0, 1] to basis points, rounding to the nearest (ties to even).</summary>
    /// <param name="fraction">The fraction, e.g. a coherence of 0.75.</param>
    /// <param name="parameterName">The name used in the error.</param>
    /// <returns>The rate in basis points, 0 to 10000.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is NaN or outside [0, 1].</exception>
    public static int FromFraction(double fraction, string parameterName)
    {
        if (!(fraction >= 0.0 && fraction <= 1.0))
        {
            throw new ArgumentOutOfRangeException(parameterName, fraction, $"{parameterName} must be a fraction in [0, 1], not {fraction}.");
        }

        return (int)Math.Round(fraction * Denominator, MidpointRounding.ToEven);
    }
}
