// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Geometry.Kernels;

namespace TokenLabeling.Consensus.Geometry;

/// <summary>A matched pair of boxes: index in the first set, index in the second, and their IoU.</summary>
/// <param name="A">The index in the first set.</param>
/// <param name="B">The index in the second set.</param>
/// <param name="Iou">The IoU of the two boxes, at least the matching threshold.</param>
public readonly record struct BoxMatch(int A, int B, float Iou);

/// <summary>One-to-one matching of two box sets by IoU.</summary>
public static class BoxMatching
{
    /// <summary>
    /// Matches boxes one-to-one so that as many pairs as possible reach the threshold and, among those matchings, the total
    /// IoU is largest.
    /// </summary>
    /// <param name="a">The first boxes.</param>
    /// <param name="b">The second boxes.</param>
    /// <param name="iouThreshold">The least IoU for a pair to match, in (0, 1]. Typical: 0.5.</param>
    /// <param name="categoriesA">Optional category per box of <paramref name="a"/>; boxes of different categories never match.</param>
    /// <param name="categoriesB">Optional category per box of <paramref name="b"/>, required with <paramref name="categoriesA"/>.</param>
    /// <returns>The matched pairs, ordered by index in <paramref name="a"/>.</returns>
    /// <exception cref="ArgumentException">The threshold is outside (0, 1] or the category spans do not fit the sets.</exception>
    /// <remarks>
    /// Solved as a linear assignment on the cost <c>1 − IoU</c>, where pairs below the threshold (or across categories) cost
    /// more than every allowed pair together, so the assignment first maximizes the number of allowed pairs; such pairs are then dropped.
    /// </remarks>
    public static IReadOnlyList<BoxMatch> Match(BoxSet a, BoxSet b, float iouThreshold = 0.5f, ReadOnlySpan<int> categoriesA = default, ReadOnlySpan<int> categoriesB = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var iou = BoxKernels.IouMatrix(a, b);
        return Match(iou, a.Count, b.Count, iouThreshold, categoriesA, categoriesB);
    }

    internal static IReadOnlyList<BoxMatch> Match(ReadOnlySpan<float> iou, int n, int m, float iouThreshold, ReadOnlySpan<int> categoriesA, ReadOnlySpan<int> categoriesB)
    {
        if (!(iouThreshold > 0f && iouThreshold <= 1f))
        {
            throw new ArgumentException($"The IoU threshold must lie in (0, 1]; got {iouThreshold}.", nameof(iouThreshold));
        }

        var withCategories = !categoriesA.IsEmpty || !categoriesB.IsEmpty;
        if (withCategories && (categoriesA.Length != n || categoriesB.Length != m))
        {
            throw new ArgumentException($"Categories must be given for every box of both sets (got {categoriesA.Length} for {n} and {categoriesB.Length} for {m}).", nameof(categoriesA));
        }

        if (n == 0 || m == 0)
        {
            return [];
        }

        // Each allowed pair costs at most 1, so a forbidden pair costing more than min(n, m) is never worth taking over any allowed one.
        var forbidden = Math.Min(n, m) + 1.0;
        var cost = new double[n * m];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < m; j++)
            {
                var v = iou[(i * m) + j];
                var allowed = v >= iouThreshold && (!withCategories || categoriesA[i] == categoriesB[j]);
                cost[(i * m) + j] = allowed ? 1.0 - v : forbidden;
            }
        }

        var assignment = new int[n];
        LinearAssignment.Solve(cost, n, m, assignment);
        var result = new List<BoxMatch>();
        for (var i = 0; i < n; i++)
        {
            var j = assignment[i];
            if (j >= 0 && cost[(i * m) + j] < forbidden)
            {
                result.Add(new BoxMatch(i, j, iou[(i * m) + j]));
            }
        }

        return result.ToArray();
    }
}
