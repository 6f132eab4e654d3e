// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Geometry;

/// <summary>
/// Solves the rectangular linear assignment problem: pick at most one column per row and one row per column so that
/// min(rows, cols) pairs are made with the least total cost.
/// </summary>
/// <remarks>
/// Shortest augmenting paths with row and column potentials (the Hungarian method in the Jonker–Volgenant form), O(n²·m)
/// for n = min(rows, cols) and m = max(rows, cols). Exact for finite costs; ties go to the lowest column index found first, so
/// results are deterministic.
/// </remarks>
public static class LinearAssignment
{
    /// <summary>Finds a minimum-cost assignment.</summary>
    /// <param name="cost">The costs, row-major, <paramref name="rows"/> × <paramref name="cols"/>, all finite.</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="cols">The number of columns.</param>
    /// <param name="rowToColumn">Receives, per row, its column or −1 when the row is left out (only when rows &gt; cols).</param>
    /// <returns>The total cost of the assignment.</returns>
    /// <exception cref="ArgumentException">The sizes do not match, or a cost is not finite (the message names its row and column).</exception>
    public static double Solve(ReadOnlySpan<double> cost, int rows, int cols, Span<int> rowToColumn)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (cost.Length != (long)rows * cols)
        {
            throw new ArgumentException($"A {rows} × {cols} cost matrix needs {(long)rows * cols} values; got {cost.Length}.", nameof(cost));
        }

        if (rowToColumn.Length < rows)
        {
            throw new ArgumentException($"rowToColumn needs {rows} elements; it has {rowToColumn.Length}.", nameof(rowToColumn));
        }

        for (var k = 0; k < cost.Length; k++)
        {
            if (!double.IsFinite(cost[k]))
            {
                throw new ArgumentException($"Cost at row {k / cols}, column {k % cols} is not finite ({cost[k]}).", nameof(cost));
            }
        }

        rowToColumn[..rows].Fill(-1);
        if (rows == 0 || cols == 0)
        {
            return 0;
        }

        var transpose = rows > cols;
        var n = transpose ? cols : rows;
        var m = transpose ? rows : cols;
        var c = new double[n * m];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < m; j++)
            {
                c[(i * m) + j] = transpose ? cost[(j * cols) + i] : cost[(i * cols) + j];
            }
        }

        // 1-based arrays as in the textbook form: index 0 is the virtual start column.
        var u = new double[n + 1];
        var v = new double[m + 1];
        var match = new int[m + 1];
        var way = new int[m + 1];
        var minv = new double[m + 1];
        var used = new bool[m + 1];
        for (var i = 1; i <= n; i++)
        {
            match[0] = i;
            var j0 = 0;
            Array.Fill(minv, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                used[j0] = true;
                int i0 = match[j0], j1 = 0;
                var delta = double.PositiveInfinity;
                for (var j = 1; j <= m; j++)
                {
                    if (used[j])
                    {
                        continue;
                    }

                    var cur = c[((i0 - 1) * m) + j - 1] - u[i0] - v[j];
                    if (cur < minv[j])
                    {
                        minv[j] = cur;
                        way[j] = j0;
                    }

                    if (minv[j] < delta)
                    {
                        delta = minv[j];
                        j1 = j;
                    }
                }

                for (var j = 0; j <= m; j++)
                {
                    if (used[j])
                    {
                        u[match[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minv[j] -= delta;
                    }
                }

                j0 = j1;
            }
            while (match[j0] != 0);

            do
            {
                var j1 = way[j0];
                match[j0] = match[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }

        var total = 0.0;
        for (var j = 1; j <= m; j++)
        {
            if (match[j] == 0)
            {
                continue;
            }

            int r = transpose ? j - 1 : match[j] - 1, col = transpose ? match[j] - 1 : j - 1;
            rowToColumn[r] = col;
            total += cost[(r * cols) + col];
        }

        return total;
    }
}
