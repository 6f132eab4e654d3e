// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.TestUtilities;

/// <summary>Magnitude-scaled floating-point comparison for kernel oracles.</summary>
public static class Tolerance
{
    /// <summary>Asserts |expected − actual| ≤ absolute + relative·max(|expected|, |actual|), naming the index on failure.</summary>
    public static void Equal(double expected, double actual, double relative = 1e-12, double absolute = 1e-12, string? where = null)
    {
        if (double.IsNaN(expected) && double.IsNaN(actual))
        {
            return;
        }

        var bound = absolute + (relative * Math.Max(Math.Abs(expected), Math.Abs(actual)));
        if (!(Math.Abs(expected - actual) <= bound))
        {
            Assert.Fail($"{where ?? "value"}: expected {expected:R}, actual {actual:R} (difference {Math.Abs(expected - actual):R} > {bound:R})");
        }
    }

    /// <summary>Asserts two spans are equal element-wise within tolerance.</summary>
    public static void Equal(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double relative = 1e-12, double absolute = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Equal(expected[i], actual[i], relative, absolute, $"[{i}]");
        }
    }

    /// <summary>Asserts two float spans are equal element-wise within tolerance.</summary>
    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float relative = 1e-6f, float absolute = 1e-6f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Equal(expected[i], actual[i], relative, absolute, $"[{i}]");
        }
    }
}
