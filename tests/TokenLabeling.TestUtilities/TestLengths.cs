// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.TestUtilities;

/// <summary>Lengths that cross every vector-lane boundary (16, 32, 64 bytes) with odd tails.</summary>
public static class TestLengths
{
    /// <summary>0..70 and lane-boundary lengths up to 1,030.</summary>
    public static readonly IReadOnlyList<int> Standard =
        [.. Enumerable.Range(0, 71), 127, 128, 129, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 1030];

    /// <summary>The standard lengths as theory data.</summary>
    public static TheoryData<int> AsTheoryData()
    {
        var data = new TheoryData<int>();
        foreach (var n in Standard)
        {
            data.Add(n);
        }

        return data;
    }
}
