// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Geometry;

/// <summary>One axis-aligned box by its corners, in pixels: left <see cref="X1"/>, top <see cref="Y1"/>, right <see cref="X2"/>, bottom <see cref="Y2"/>.</summary>
/// <param name="X1">The left edge.</param>
/// <param name="Y1">The top edge.</param>
/// <param name="X2">The right edge.</param>
/// <param name="Y2">The bottom edge.</param>
public readonly record struct Box(float X1, float Y1, float X2, float Y2)
{
    /// <summary>Gets the width, 0 for an inverted box.</summary>
    public float Width => MathF.Max(X2 - X1, 0f);

    /// <summary>Gets the height, 0 for an inverted box.</summary>
    public float Height => MathF.Max(Y2 - Y1, 0f);

    /// <summary>Gets the area, <c>Width · Height</c>.</summary>
    public float Area => Width * Height;

    /// <summary>Creates a box from its top-left corner and size (COCO's <c>[x, y, w, h]</c>).</summary>
    /// <param name="x">The left edge.</param>
    /// <param name="y">The top edge.</param>
    /// <param name="width">The width (non-negative).</param>
    /// <param name="height">The height (non-negative).</param>
    /// <returns>The box.</returns>
    /// <exception cref="ArgumentException">The width or height is negative or not finite.</exception>
    public static Box FromXywh(float x, float y, float width, float height) => FromFormat(x, y, width, height, BoxFormat.Xywh, 0);

    /// <summary>Returns the box as four numbers in a given format.</summary>
    /// <param name="format">The format.</param>
    /// <returns>The four numbers.</returns>
    public (float A, float B, float C, float D) ToFormat(BoxFormat format) => format switch
    {
        BoxFormat.Xyxy => (X1, Y1, X2, Y2),
        BoxFormat.Xywh => (X1, Y1, X2 - X1, Y2 - Y1),
        BoxFormat.Cxcywh => ((X1 + X2) * 0.5f, (Y1 + Y2) * 0.5f, X2 - X1, Y2 - Y1),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown box format."),
    };

    internal static Box FromFormat(float a, float b, float c, float d, BoxFormat format, int index)
    {
        if (format is BoxFormat.Xywh or BoxFormat.Cxcywh && !(c >= 0 && d >= 0))
        {
            throw new ArgumentException($"Box {index} has a negative or non-finite size ({c} × {d}).", nameof(format));
        }

        return format switch
        {
            BoxFormat.Xyxy => new Box(a, b, c, d),
            BoxFormat.Xywh => new Box(a, b, a + c, b + d),
            BoxFormat.Cxcywh => new Box(a - (c * 0.5f), b - (d * 0.5f), a + (c * 0.5f), b + (d * 0.5f)),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown box format."),
        };
    }
}
