// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text;
using TokenLabeling.Consensus.Geometry;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Import;

internal static class ImportTestData
{
    /// <summary>Gets the path of a hand-made file in tests/TokenLabeling.Consensus.Tests/Import/Data (read in place from the repository).</summary>
    public static string PathOf(string name) =>
        Path.Combine(Datasets.RepositoryRoot, "tests", "TokenLabeling.Consensus.Tests", "Import", "Data", name);

    public static MemoryStream Json(string text) => new(Encoding.UTF8.GetBytes(text));

    /// <summary>Parses rows of '#' (set) and '.' (unset) into a mask.</summary>
    public static BitMask Mask(params string[] rows) =>
        BitMask.FromPixels(rows.SelectMany(r => r.Select(c => c == '#' ? (byte)1 : (byte)0)).ToArray(), rows[0].Length, rows.Length);
}
