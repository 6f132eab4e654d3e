// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Geometry;

namespace TokenLabeling.Consensus.Import;

/// <summary>Fills polygons into bit masks.</summary>
/// <remarks>
/// A pixel is set when its centre (x + 0.5, y + 0.5) lies inside a polygon by the even-odd rule; several polygons are united.
/// This is the usual scan-line rule; the COCO API rasterizes by a different (upsampled edge) rule, so masks can differ from
/// its output by a pixel along edges.
/// </remarks>
public static class PolygonRasterizer
{
    /// <summary>Rasterizes polygons given as flat <c>[x0, y0, x1, y1, …]</c> vertex lists, in pixels.</summary>
    /// <param name="polygons">The polygons; each has at least 3 vertices (6 numbers) and an even count of numbers.</param>
    /// <param name="width">The mask width.</param>
    /// <param name="height">The mask height.</param>
    /// <returns>The mask of the union of the polygons.</returns>
    /// <exception cref="ArgumentException">A polygon has fewer than 3 vertices, an odd count of numbers, or a non-finite coordinate.</exception>
    public static BitMask Fill(IReadOnlyList<double[]> polygons, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        var words = BitMask.Allocate(width, height);
        var wpr = BitMask.WordsFor(width);
        var crossings = new List<double>();
        for (var p = 0; p < polygons.Count; p++)
        {
            var poly = polygons[p];
            if (poly.Length < 6 || poly.Length % 2 != 0 || poly.Any(v => !double.IsFinite(v)))
            {
                throw new ArgumentException($"Polygon {p} needs at least 3 vertices as an even count of finite numbers; it has {poly.Length} numbers.", nameof(polygons));
            }

            var vertices = poly.Length / 2;
            var row = new ulong[wpr];
            for (var y = 0; y < height; y++)
            {
                var cy = y + 0.5;
                crossings.Clear();
                for (var i = 0; i < vertices; i++)
                {
                    double x0 = poly[2 * i], y0 = poly[(2 * i) + 1];
                    var j = (i + 1) % vertices;
                    double x1 = poly[2 * j], y1 = poly[(2 * j) + 1];

                    // Half-open in y so a vertex on the scan line is counted once.
                    if ((y0 <= cy && cy < y1) || (y1 <= cy && cy < y0))
                    {
                        crossings.Add(x0 + ((cy - y0) / (y1 - y0) * (x1 - x0)));
                    }
                }

                crossings.Sort();
                Array.Clear(row);
                for (var k = 0; k + 1 < crossings.Count; k += 2)
                {
                    // Pixels whose centre x + 0.5 lies in [left, right).
                    var start = (int)Math.Clamp(Math.Ceiling(crossings[k] - 0.5), 0, width);
                    var end = (int)Math.Clamp(Math.Ceiling(crossings[k + 1] - 0.5), 0, width);
                    BitMask.SetRun(row, start, end);
                }

                for (var w = 0; w < wpr; w++)
                {
                    words[(y * wpr) + w] |= row[w];
                }
            }
        }

        return new BitMask(width, height, words);
    }
}
