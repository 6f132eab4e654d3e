// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Geometry;

/// <summary>
/// An immutable binary mask of <see cref="Width"/> × <see cref="Height"/> pixels, bit-packed by rows into 64-bit words.
/// </summary>
/// <remarks>
/// <para>Pixel (x, y) is bit <c>x % 64</c> (least significant first) of word <c>y · WordsPerRow + x / 64</c>. Each row starts
/// on a new word; the padding bits past <see cref="Width"/> are always 0, so counts over <see cref="Words"/> are pixel counts.</para>
/// <para>Instances are immutable and safe to share between threads.</para>
/// </remarks>
public sealed class BitMask
{
    private readonly ulong[] _words;

    internal BitMask(int width, int height, ulong[] words)
    {
        Width = width;
        Height = height;
        WordsPerRow = WordsFor(width);
        _words = words;
    }

    /// <summary>Gets the width in pixels.</summary>
    public int Width { get; }

    /// <summary>Gets the height in pixels.</summary>
    public int Height { get; }

    /// <summary>Gets the number of 64-bit words per row, <c>⌈Width / 64⌉</c>.</summary>
    public int WordsPerRow { get; }

    /// <summary>Gets every word, row after row (<see cref="Height"/> · <see cref="WordsPerRow"/> words).</summary>
    public ReadOnlySpan<ulong> Words => _words;

    /// <summary>Gets whether pixel (x, y) is set.</summary>
    /// <param name="x">The column, from 0 to <see cref="Width"/> - 1.</param>
    /// <param name="y">The row, from 0 to <see cref="Height"/> - 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">The pixel is outside the mask.</exception>
    public bool this[int x, int y]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(x);
            ArgumentOutOfRangeException.ThrowIfNegative(y);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, Width);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
            return (_words[(y * WordsPerRow) + (x >> 6)] & (1UL << x)) != 0;
        }
    }

    /// <summary>Returns the number of set pixels.</summary>
    /// <returns>The count.</returns>
    public long CountSet() => Kernels.MaskKernels.PopCount(_words);

    /// <summary>Returns the words of row <paramref name="y"/>.</summary>
    /// <param name="y">The row.</param>
    /// <returns>The row's words.</returns>
    public ReadOnlySpan<ulong> Row(int y) => _words.AsSpan(y * WordsPerRow, WordsPerRow);

    /// <summary>Creates a mask from one value per pixel, row-major; non-zero values are set.</summary>
    /// <param name="pixels">Width · height values, represented as a span.</param>
    /// <param name="width">The width in pixels.</param>
    /// <param name="height">The height in pixels.</param>
    /// <returns>The mask.</returns>
    /// <exception cref="ArgumentException">The size is negative or does not match the number of pixels.</exception>
    public static BitMask FromPixels(ReadOnlySpan<byte> pixels, int width, int height)
    {
        var words = Allocate(width, height);
        if (pixels.Length != (long)width * height)
        {
            throw new ArgumentException($"A {width} × {height} mask needs {(long)width * height} pixels; got {pixels.Length}.", nameof(pixels));
        }

        var wpr = WordsFor(width);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (pixels[(y * width) + x] != 0)
                {
                    words[(y * wpr) + (x >> 6)] |= 1UL << x;
                }
            }
        }

        return new BitMask(width, height, words);
    }

    /// <summary>Creates a mask with the pixels whose centres lie inside a box set.</summary>
    /// <param name="box">The box, in pixels; pixel (x, y) has its centre at (x + 0.5, y + 0.5).</param>
    /// <param name="width">The mask width.</param>
    /// <param name="height">The mask height.</param>
    /// <returns>The mask.</returns>
    /// <exception cref="ArgumentException">The size is negative.</exception>
    public static BitMask FromBox(Box box, int width, int height)
    {
        var words = Allocate(width, height);
        var wpr = WordsFor(width);
        var x0 = Math.Max(0, (int)MathF.Ceiling(box.X1 - 0.5f));
        var x1 = Math.Min(width, (int)MathF.Ceiling(box.X2 - 0.5f));
        var y0 = Math.Max(0, (int)MathF.Ceiling(box.Y1 - 0.5f));
        var y1 = Math.Min(height, (int)MathF.Ceiling(box.Y2 - 0.5f));
        for (var y = y0; y < y1; y++)
        {
            SetRun(words.AsSpan(y * wpr, wpr), x0, x1);
        }

        return new BitMask(width, height, words);
    }

    internal static int WordsFor(int width) => (int)(((uint)width + 63) >> 6);

    internal static ulong[] Allocate(int width, int height)
    {
        if (width < 0 || height < 0)
        {
            throw new ArgumentException($"A mask size cannot be negative (got {width} × {height}).", nameof(width));
        }

        var words = (long)WordsFor(width) * height;
        if (words > Array.MaxLength)
        {
            throw new ArgumentException($"A {width} × {height} mask is too large.", nameof(width));
        }

        return new ulong[words];
    }

    /// <summary>Sets bits [start, end) of a row.</summary>
    internal static void SetRun(Span<ulong> row, int start, int end)
    {
        while (start < end)
        {
            var word = start >> 6;
            var bit = start & 63;
            var take = Math.Min(64 - bit, end - start);
            var bits = take == 64 ? ulong.MaxValue : ((1UL << take) - 1) << bit;
            row[word] |= bits;
            start += take;
        }
    }
}
