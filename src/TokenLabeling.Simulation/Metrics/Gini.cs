// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Simulation.Metrics;

/// <summary>The Gini coefficient of non-negative amounts.</summary>
public static class Gini
{
    /// <summary>Computes the Gini coefficient: <c>Σ_i (2i − n − 1) x_(i) / (n Σ x)</c> over the sorted values.</summary>
    /// <param name="values">The amounts, represented as a span; not modified.</param>
    /// <param name="scratch">Scratch space of at least the same length (overwritten).</param>
    /// <returns>0 for perfect equality (or an empty or all-zero input), approaching 1 when one value holds everything.</returns>
    /// <exception cref="ArgumentException"><paramref name="scratch"/> is too short, or a value is negative (the message names its index).</exception>
    public static double Compute(ReadOnlySpan<long> values, Span<long> scratch)
    {
        if (scratch.Length < values.Length)
        {
            throw new ArgumentException($"Scratch holds {scratch.Length} values; {values.Length} are needed.", nameof(scratch));
        }

        var n = values.Length;
        var sorted = scratch[..n];
        values.CopyTo(sorted);
        sorted.Sort();
        if (n == 0 || sorted[0] < 0)
        {
            if (n > 0)
            {
                throw new ArgumentException($"Gini needs non-negative values; value at index {values.IndexOf(sorted[0])} is {sorted[0]}.", nameof(values));
            }

            return 0;
        }

        double total = 0;
        double weighted = 0;
        for (var i = 0; i < n; i++)
        {
            total += sorted[i];
            weighted += (2.0 * (i + 1) - n - 1) * sorted[i];
        }

        return total > 0 ? weighted / (n * total) : 0;
    }
}
