// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Geometry;

/// <summary>
/// An immutable set of axis-aligned boxes stored as a structure of arrays: four <see cref="float"/> columns
/// <c>x1, y1, x2, y2</c> (left, top, right, bottom) so that kernels read each coordinate contiguously.
/// </summary>
/// <remarks>
/// <para>Every coordinate is finite with magnitude at most <see cref="MaxCoordinate"/> (so that areas cannot overflow
/// <see cref="float"/>), and every box has <c>x2 ≥ x1</c> and <c>y2 ≥ y1</c>. Zero-width or zero-height boxes are allowed;
/// they have area 0 and an IoU of 0 with every box.</para>
/// <para>Instances are immutable and safe to share between threads.</para>
/// </remarks>
public sealed class BoxSet
{
    /// <summary>The largest coordinate magnitude accepted: 1e18, so that a width times a height stays below <see cref="float.MaxValue"/>.</summary>
    public const float MaxCoordinate = 1e18f;

    private readonly float[] _x1;
    private readonly float[] _y1;
    private readonly float[] _x2;
    private readonly float[] _y2;

    private BoxSet(float[] x1, float[] y1, float[] x2, float[] y2)
    {
        _x1 = x1;
        _y1 = y1;
        _x2 = x2;
        _y2 = y2;
    }

    /// <summary>Gets an empty set.</summary>
    public static BoxSet Empty { get; } = new([], [], [], []);

    /// <summary>Gets the number of boxes.</summary>
    public int Count => _x1.Length;

    /// <summary>Gets the left edges.</summary>
    public ReadOnlySpan<float> X1 => _x1;

    /// <summary>Gets the top edges.</summary>
    public ReadOnlySpan<float> Y1 => _y1;

    /// <summary>Gets the right edges.</summary>
    public ReadOnlySpan<float> X2 => _x2;

    /// <summary>Gets the bottom edges.</summary>
    public ReadOnlySpan<float> Y2 => _y2;

    /// <summary>Gets the columns as spans, the form the kernels take.</summary>
    public BoxColumns Columns => new(_x1, _y1, _x2, _y2);

    /// <summary>Gets box <paramref name="index"/>.</summary>
    /// <param name="index">The box index, from 0 to <see cref="Count"/> - 1.</param>
    public Box this[int index] => new(_x1[index], _y1[index], _x2[index], _y2[index]);

    /// <summary>Creates a set from four corner columns, copying them.</summary>
    /// <param name="x1">Left edges.</param>
    /// <param name="y1">Top edges.</param>
    /// <param name="x2">Right edges.</param>
    /// <param name="y2">Bottom edges.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentException">The columns differ in length, or a box is invalid (the message names its index).</exception>
    public static BoxSet FromColumns(ReadOnlySpan<float> x1, ReadOnlySpan<float> y1, ReadOnlySpan<float> x2, ReadOnlySpan<float> y2)
    {
        if (x1.Length != y1.Length || x1.Length != x2.Length || x1.Length != y2.Length)
        {
            throw new ArgumentException($"The four columns must have the same length (got {x1.Length}, {y1.Length}, {x2.Length}, {y2.Length}).", nameof(x1));
        }

        for (var i = 0; i < x1.Length; i++)
        {
            Validate(x1[i], y1[i], x2[i], y2[i], i, nameof(x1));
        }

        return new BoxSet(x1.ToArray(), y1.ToArray(), x2.ToArray(), y2.ToArray());
    }

    /// <summary>Creates a set from boxes.</summary>
    /// <param name="boxes">The boxes.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentException">A box is invalid (the message names its index).</exception>
    public static BoxSet FromBoxes(ReadOnlySpan<Box> boxes)
    {
        var x1 = new float[boxes.Length];
        var y1 = new float[boxes.Length];
        var x2 = new float[boxes.Length];
        var y2 = new float[boxes.Length];
        for (var i = 0; i < boxes.Length; i++)
        {
            var b = boxes[i];
            Validate(b.X1, b.Y1, b.X2, b.Y2, i, nameof(boxes));
            (x1[i], y1[i], x2[i], y2[i]) = (b.X1, b.Y1, b.X2, b.Y2);
        }

        return new BoxSet(x1, y1, x2, y2);
    }

    /// <summary>Creates a set from interleaved rows of four numbers in a given format.</summary>
    /// <param name="values">Four numbers per box, represented as a span of length 4·n.</param>
    /// <param name="format">How the four numbers describe a box.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentException">The length is not a multiple of 4, a size is negative, or a box is invalid (the message names its index).</exception>
    public static BoxSet FromInterleaved(ReadOnlySpan<float> values, BoxFormat format = BoxFormat.Xyxy)
    {
        if (values.Length % 4 != 0)
        {
            throw new ArgumentException($"Interleaved boxes need four numbers each; got {values.Length} numbers.", nameof(values));
        }

        var n = values.Length / 4;
        var boxes = new Box[n];
        for (var i = 0; i < n; i++)
        {
            boxes[i] = Box.FromFormat(values[4 * i], values[(4 * i) + 1], values[(4 * i) + 2], values[(4 * i) + 3], format, i);
        }

        return FromBoxes(boxes);
    }

    /// <summary>Creates a set from normalized coordinates (fractions of the image size, 0..1) in a given format.</summary>
    /// <param name="values">Four normalized numbers per box, represented as a span of length 4·n.</param>
    /// <param name="format">How the four numbers describe a box.</param>
    /// <param name="imageWidth">The image width in pixels (positive, finite).</param>
    /// <param name="imageHeight">The image height in pixels (positive, finite).</param>
    /// <returns>The set, in pixels.</returns>
    /// <exception cref="ArgumentException">The image size is not positive, or a box is invalid.</exception>
    public static BoxSet FromNormalized(ReadOnlySpan<float> values, BoxFormat format, float imageWidth, float imageHeight)
    {
        CheckImageSize(imageWidth, imageHeight);
        var scaled = values.ToArray();
        for (var i = 0; i < scaled.Length; i++)
        {
            scaled[i] *= (i % 2 == 0) ? imageWidth : imageHeight;
        }

        return FromInterleaved(scaled, format);
    }

    /// <summary>Writes the boxes as interleaved rows of four numbers in a given format.</summary>
    /// <param name="destination">Receives 4·<see cref="Count"/> numbers, represented as a span.</param>
    /// <param name="format">The output format.</param>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public void CopyTo(Span<float> destination, BoxFormat format = BoxFormat.Xyxy)
    {
        if (destination.Length < 4 * Count)
        {
            throw new ArgumentException($"The destination needs {4 * Count} numbers; it has {destination.Length}.", nameof(destination));
        }

        for (var i = 0; i < Count; i++)
        {
            var (a, b, c, d) = this[i].ToFormat(format);
            destination[4 * i] = a;
            destination[(4 * i) + 1] = b;
            destination[(4 * i) + 2] = c;
            destination[(4 * i) + 3] = d;
        }
    }

    /// <summary>Writes the boxes as interleaved normalized rows (fractions of the image size) in a given format.</summary>
    /// <param name="destination">Receives 4·<see cref="Count"/> numbers, represented as a span.</param>
    /// <param name="format">The output format.</param>
    /// <param name="imageWidth">The image width in pixels (positive, finite).</param>
    /// <param name="imageHeight">The image height in pixels (positive, finite).</param>
    /// <exception cref="ArgumentException">The destination is too short or the image size is not positive.</exception>
    public void CopyToNormalized(Span<float> destination, BoxFormat format, float imageWidth, float imageHeight)
    {
        CheckImageSize(imageWidth, imageHeight);
        CopyTo(destination, format);
        for (var i = 0; i < 4 * Count; i++)
        {
            destination[i] /= (i % 2 == 0) ? imageWidth : imageHeight;
        }
    }

    internal static void Validate(float x1, float y1, float x2, float y2, int index, string paramName)
    {
        if (!IsValidCoordinate(x1) || !IsValidCoordinate(y1) || !IsValidCoordinate(x2) || !IsValidCoordinate(y2))
        {
            throw new ArgumentException($"Box {index} ({x1}, {y1}, {x2}, {y2}) has a coordinate that is not finite or exceeds ±{MaxCoordinate}.", paramName);
        }

        if (x2 < x1 || y2 < y1)
        {
            throw new ArgumentException($"Box {index} ({x1}, {y1}, {x2}, {y2}) has x2 < x1 or y2 < y1; corners must be ordered (left ≤ right, top ≤ bottom).", paramName);
        }
    }

    private static bool IsValidCoordinate(float v) => float.IsFinite(v) && MathF.Abs(v) <= MaxCoordinate;

    private static void CheckImageSize(float width, float height)
    {
        if (!(float.IsFinite(width) && width > 0) || !(float.IsFinite(height) && height > 0))
        {
            throw new ArgumentException($"The image size must be positive and finite (got {width} × {height}).", nameof(width));
        }
    }
}

/// <summary>Four read-only coordinate columns of boxes (<c>x1, y1, x2, y2</c>), the span form kernels take.</summary>
public readonly ref struct BoxColumns
{
    /// <summary>Initializes the columns; they must have equal lengths (checked by the kernels).</summary>
    /// <param name="x1">Left edges.</param>
    /// <param name="y1">Top edges.</param>
    /// <param name="x2">Right edges.</param>
    /// <param name="y2">Bottom edges.</param>
    public BoxColumns(ReadOnlySpan<float> x1, ReadOnlySpan<float> y1, ReadOnlySpan<float> x2, ReadOnlySpan<float> y2)
    {
        X1 = x1;
        Y1 = y1;
        X2 = x2;
        Y2 = y2;
    }

    /// <summary>Gets the left edges.</summary>
    public ReadOnlySpan<float> X1 { get; }

    /// <summary>Gets the top edges.</summary>
    public ReadOnlySpan<float> Y1 { get; }

    /// <summary>Gets the right edges.</summary>
    public ReadOnlySpan<float> X2 { get; }

    /// <summary>Gets the bottom edges.</summary>
    public ReadOnlySpan<float> Y2 { get; }

    /// <summary>Gets the number of boxes (the length of <see cref="X1"/>).</summary>
    public int Length => X1.Length;

    internal void ThrowIfRagged(string paramName)
    {
        if (Y1.Length != X1.Length || X2.Length != X1.Length || Y2.Length != X1.Length)
        {
            throw new ArgumentException($"The four box columns must have the same length (got {X1.Length}, {Y1.Length}, {X2.Length}, {Y2.Length}).", paramName);
        }
    }
}
