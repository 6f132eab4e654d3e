// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Geometry;

namespace TokenLabeling.Consensus.Import;

/// <summary>COCO run-length encoding of masks: runs over pixels in column-major order, starting with a run of zeros.</summary>
/// <remarks>
/// The compressed string form stores each count in 5-bit groups (least significant first), each written as the character
/// <c>'0' + group</c> with 0x20 marking "more groups follow" and 0x10 in the last group carrying the sign; from the fourth count
/// on, the value stored is the difference from the count two places before. This is the format of the COCO API's
/// <c>rleToString</c>.
/// </remarks>
public static class CocoRle
{
    /// <summary>Decodes the compressed string form of an RLE into run lengths.</summary>
    /// <param name="counts">The compressed string (the <c>counts</c> field of an RLE object).</param>
    /// <returns>The run lengths.</returns>
    /// <exception cref="FormatException">The string has a character outside the alphabet, ends mid-count, or gives a negative run.</exception>
    public static uint[] DecompressCounts(string counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var result = new List<uint>();
        var p = 0;
        while (p < counts.Length)
        {
            long x = 0;
            var k = 0;
            bool more;
            do
            {
                if (p >= counts.Length)
                {
                    throw new FormatException($"The compressed RLE ends in the middle of count {result.Count}.");
                }

                long c = counts[p] - 48;
                if (c is < 0 or > 63)
                {
                    throw new FormatException($"The compressed RLE has the character '{counts[p]}' at position {p}, outside '0'..'o'.");
                }

                if (k > 12)
                {
                    throw new FormatException($"Count {result.Count} of the compressed RLE is too long.");
                }

                x |= (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0)
                {
                    x |= -1L << (5 * k);
                }
            }
            while (more);

            if (result.Count > 2)
            {
                x += result[^2];
            }

            if (x is < 0 or > uint.MaxValue)
            {
                throw new FormatException($"Count {result.Count} of the compressed RLE decodes to {x}, outside 0..{uint.MaxValue}.");
            }

            result.Add((uint)x);
        }

        return [.. result];
    }

    /// <summary>Builds a mask from run lengths over a <paramref name="height"/> × <paramref name="width"/> image in column-major order.</summary>
    /// <param name="counts">Alternating runs of unset and set pixels, starting with unset (possibly 0).</param>
    /// <param name="height">The image height.</param>
    /// <param name="width">The image width.</param>
    /// <returns>The mask.</returns>
    /// <exception cref="FormatException">The runs do not add up to height · width.</exception>
    public static BitMask ToMask(ReadOnlySpan<uint> counts, int height, int width)
    {
        var words = BitMask.Allocate(width, height);
        var wpr = BitMask.WordsFor(width);
        long total = (long)height * width, position = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            var end = position + counts[i];
            if (end > total)
            {
                throw new FormatException($"The RLE runs add up to more than {height} × {width} = {total} pixels (at run {i}).");
            }

            if ((i & 1) == 1)
            {
                for (var pixel = position; pixel < end; pixel++)
                {
                    var x = (int)(pixel / height);
                    var y = (int)(pixel % height);
                    words[(y * wpr) + (x >> 6)] |= 1UL << x;
                }
            }

            position = end;
        }

        if (position != total)
        {
            throw new FormatException($"The RLE runs add up to {position} pixels; a {height} × {width} mask has {total}.");
        }

        return new BitMask(width, height, words);
    }
}
