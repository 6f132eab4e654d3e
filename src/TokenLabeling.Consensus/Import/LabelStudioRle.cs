// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Geometry;

namespace TokenLabeling.Consensus.Import;

/// <summary>Label Studio's brush mask encoding: a bit-packed run-length code of the RGBA bytes of the mask image.</summary>
/// <remarks>
/// Bits are read most significant first. Header: 32 bits value count (width · height · 4), 5 bits word size − 1, then four
/// 4-bit run-length field sizes − 1. Then, until every value is produced: 1 bit "repeat", 2 bits choosing a run-length field
/// size, that many bits n, giving a run of n + 1 values; a repeat run reads one word and repeats it, a literal run reads
/// n + 1 words. A pixel is set when its alpha byte (the fourth of its RGBA values) is non-zero.
/// </remarks>
public static class LabelStudioRle
{
    /// <summary>Decodes a brush RLE into the mask's RGBA values.</summary>
    /// <param name="rle">The encoded bytes (the <c>rle</c> array of a brush result).</param>
    /// <returns>The decoded values.</returns>
    /// <exception cref="FormatException">The code ends early or declares an impossible size.</exception>
    public static byte[] DecodeValues(ReadOnlySpan<byte> rle)
    {
        var reader = new BitReader(rle);
        var count = reader.Read(32);
        var wordSize = (int)reader.Read(5) + 1;
        if (wordSize > 8)
        {
            throw new FormatException($"The brush RLE declares {wordSize}-bit values; masks use 8-bit values.");
        }

        if (count > (ulong)Array.MaxLength)
        {
            throw new FormatException($"The brush RLE declares {count} values, too many.");
        }

        Span<int> sizes = stackalloc int[4];
        for (var k = 0; k < 4; k++)
        {
            sizes[k] = (int)reader.Read(4) + 1;
        }

        var output = new byte[count];
        var i = 0L;
        while (i < (long)count)
        {
            var repeat = reader.Read(1) == 1;
            var run = (long)reader.Read(sizes[(int)reader.Read(2)]) + 1;
            if (i + run > (long)count)
            {
                throw new FormatException($"A run of {run} values at value {i} passes the declared {count} values.");
            }

            if (repeat)
            {
                output.AsSpan((int)i, (int)run).Fill((byte)reader.Read(wordSize));
                i += run;
            }
            else
            {
                for (var end = i + run; i < end; i++)
                {
                    output[i] = (byte)reader.Read(wordSize);
                }
            }
        }

        return output;
    }

    /// <summary>Decodes a brush RLE into a mask of the given size.</summary>
    /// <param name="rle">The encoded bytes.</param>
    /// <param name="width">The image width (<c>original_width</c>).</param>
    /// <param name="height">The image height (<c>original_height</c>).</param>
    /// <returns>The mask: pixels whose alpha value is non-zero.</returns>
    /// <exception cref="FormatException">The code is malformed or does not hold width · height · 4 values.</exception>
    public static BitMask ToMask(ReadOnlySpan<byte> rle, int width, int height)
    {
        var values = DecodeValues(rle);
        if (values.LongLength != (long)width * height * 4)
        {
            throw new FormatException($"The brush RLE holds {values.LongLength} values; a {width} × {height} RGBA image has {(long)width * height * 4}.");
        }

        var words = BitMask.Allocate(width, height);
        var wpr = BitMask.WordsFor(width);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (values[(((long)y * width) + x) * 4 + 3] != 0)
                {
                    words[(y * wpr) + (x >> 6)] |= 1UL << x;
                }
            }
        }

        return new BitMask(width, height, words);
    }

    private ref struct BitReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private long _bit;

        public ulong Read(int bits)
        {
            if (_bit + bits > (long)_data.Length * 8)
            {
                throw new FormatException($"The brush RLE ends early: needed {bits} bits at bit {_bit} of {(long)_data.Length * 8}.");
            }

            ulong value = 0;
            for (var k = 0; k < bits; k++, _bit++)
            {
                value = (value << 1) | (uint)((_data[(int)(_bit >> 3)] >> (7 - (int)(_bit & 7))) & 1);
            }

            return value;
        }
    }
}
