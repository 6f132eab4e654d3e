// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Geometry;

/// <summary>Pixel counts of two masks' intersection and union, and the IoU and Dice they give.</summary>
/// <param name="Intersection">The number of pixels set in both masks.</param>
/// <param name="Union">The number of pixels set in either mask.</param>
public readonly record struct MaskOverlap(long Intersection, long Union)
{
    /// <summary>Gets the intersection over union, <c>|A∩B| / |A∪B|</c>; 0 when both masks are empty (never NaN).</summary>
    public double Iou => Union == 0 ? 0.0 : (double)Intersection / Union;

    /// <summary>Gets the Dice coefficient, <c>2|A∩B| / (|A| + |B|)</c> with <c>|A| + |B| = |A∩B| + |A∪B|</c>; 0 when both are empty.</summary>
    public double Dice => Union == 0 ? 0.0 : 2.0 * Intersection / (Intersection + Union);
}
