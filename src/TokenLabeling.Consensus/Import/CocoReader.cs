// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text.Json;
using TokenLabeling.Consensus.Geometry;

namespace TokenLabeling.Consensus.Import;

/// <summary>
/// Reads COCO instances JSON: images, categories and annotations with boxes, polygon masks and RLE masks (compressed string or
/// uncompressed counts). Every value is checked while reading, and an error names the file, the annotation or image id, and the problem.
/// </summary>
/// <remarks>
/// <para>COCO has no standard field for who drew an annotation; crowd exports add one. The reader takes the first of
/// <c>annotator</c>, <c>worker_id</c> and <c>user_id</c> (string or number).</para>
/// <para>Parsing uses <see cref="JsonDocument"/> (no reflection, so it is trimming- and AOT-safe) because COCO fields change
/// shape by value (a segmentation is a list or an object; RLE counts are a string or a list).</para>
/// </remarks>
public static class CocoReader
{
    private static readonly string[] s_annotatorFields = ["annotator", "worker_id", "user_id"];

    /// <summary>Reads a COCO file.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="AnnotationImportException">The file is not valid COCO; the message says where and why.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CocoDataset Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads COCO JSON from a stream.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="sourceName">The name used in error messages, e.g. the file name.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="AnnotationImportException">The content is not valid COCO.</exception>
    public static CocoDataset Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        using var doc = JsonContext.Parse(stream, sourceName);
        var root = doc.RootElement;
        var top = new JsonContext(sourceName, "top level");
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw top.Error($"expected a JSON object with \"images\" and \"annotations\", found {JsonContext.Describe(root)}.");
        }

        var images = new List<CocoImage>();
        var imageById = new Dictionary<long, CocoImage>();
        var index = 0;
        foreach (var e in top.Array(top.Required(root, "images"), "images").EnumerateArray())
        {
            var ctx = new JsonContext(sourceName, $"images[{index}]");
            var id = ctx.Int64(ctx.Required(e, "id"), "id");
            ctx = new JsonContext(sourceName, $"image {id}");
            var width = ctx.Int64(ctx.Required(e, "width"), "width");
            var height = ctx.Int64(ctx.Required(e, "height"), "height");
            if (width is < 1 or > 1 << 20 || height is < 1 or > 1 << 20)
            {
                throw ctx.Error($"width and height must be from 1 to {1 << 20} pixels; found {width} × {height}.");
            }

            var image = new CocoImage(id, JsonContext.Optional(e, "file_name") is { } f ? ctx.String(f, "file_name") : "", (int)width, (int)height);
            if (!imageById.TryAdd(id, image))
            {
                throw ctx.Error("the image id appears more than once.");
            }

            images.Add(image);
            index++;
        }

        var categories = new List<CocoCategory>();
        if (JsonContext.Optional(root, "categories") is { } cats)
        {
            index = 0;
            foreach (var e in top.Array(cats, "categories").EnumerateArray())
            {
                var ctx = new JsonContext(sourceName, $"categories[{index++}]");
                categories.Add(new CocoCategory(ctx.Int64(ctx.Required(e, "id"), "id"), JsonContext.Optional(e, "name") is { } n ? ctx.String(n, "name") : ""));
            }
        }

        var categoryIds = categories.Select(c => c.Id).ToHashSet();
        var annotations = new List<CocoAnnotation>();
        var annotationIds = new HashSet<long>();
        index = 0;
        foreach (var e in top.Array(top.Required(root, "annotations"), "annotations").EnumerateArray())
        {
            var ctx = new JsonContext(sourceName, $"annotations[{index}]");
            var id = ctx.Int64(ctx.Required(e, "id"), "id");
            ctx = new JsonContext(sourceName, $"annotation {id}");
            if (!annotationIds.Add(id))
            {
                throw ctx.Error("the annotation id appears more than once.");
            }

            var imageId = ctx.Int64(ctx.Required(e, "image_id"), "image_id");
            if (!imageById.TryGetValue(imageId, out var image))
            {
                throw ctx.Error($"image_id {imageId} is not in \"images\".");
            }

            var categoryId = ctx.Int64(ctx.Required(e, "category_id"), "category_id");
            if (categories.Count > 0 && !categoryIds.Contains(categoryId))
            {
                throw ctx.Error($"category_id {categoryId} is not in \"categories\".");
            }

            Box? box = null;
            if (JsonContext.Optional(e, "bbox") is { } bbox)
            {
                box = ReadBox(ctx, bbox);
            }

            string? annotator = null;
            foreach (var field in s_annotatorFields)
            {
                if (JsonContext.Optional(e, field) is { } a)
                {
                    annotator = ctx.Id(a, field);
                    break;
                }
            }

            float? score = null;
            if (JsonContext.Optional(e, "score") is { } s)
            {
                score = (float)ctx.Number(s, "score");
            }

            var crowd = JsonContext.Optional(e, "iscrowd") is { } c && ctx.Int64(c, "iscrowd") != 0;
            CocoSegmentation? segmentation = null;
            if (JsonContext.Optional(e, "segmentation") is { } seg)
            {
                segmentation = ReadSegmentation(ctx, seg, image);
            }

            annotations.Add(new CocoAnnotation(id, imageId, categoryId, box, annotator, score, segmentation, crowd));
            index++;
        }

        return new CocoDataset(images.ToArray(), categories.ToArray(), annotations.ToArray());
    }

    private static Box ReadBox(JsonContext ctx, JsonElement bbox)
    {
        if (bbox.ValueKind != JsonValueKind.Array || bbox.GetArrayLength() != 4)
        {
            throw ctx.Error($"\"bbox\" must be [x, y, width, height], found {JsonContext.Describe(bbox)}.");
        }

        var v = bbox.EnumerateArray().Select(x => ctx.Number(x, "bbox")).ToArray();
        if (v[2] < 0 || v[3] < 0)
        {
            throw ctx.Error($"\"bbox\" has a negative size ({v[2]} × {v[3]}).");
        }

        var box = new Box((float)v[0], (float)v[1], (float)(v[0] + v[2]), (float)(v[1] + v[3]));
        try
        {
            BoxSet.Validate(box.X1, box.Y1, box.X2, box.Y2, 0, "bbox");
        }
        catch (ArgumentException ex)
        {
            throw ctx.Error($"\"bbox\" is out of range ({string.Join(", ", v)}).", ex);
        }

        return box;
    }

    private static CocoSegmentation? ReadSegmentation(JsonContext ctx, JsonElement seg, CocoImage image)
    {
        if (seg.ValueKind == JsonValueKind.Array)
        {
            if (seg.GetArrayLength() == 0)
            {
                return null;
            }

            var polygons = new List<double[]>();
            var k = 0;
            foreach (var poly in seg.EnumerateArray())
            {
                if (poly.ValueKind != JsonValueKind.Array)
                {
                    throw ctx.Error($"\"segmentation\" polygon {k} must be an array of numbers, found {JsonContext.Describe(poly)}.");
                }

                var xy = poly.EnumerateArray().Select(x => ctx.Number(x, "segmentation")).ToArray();
                if (xy.Length < 6 || xy.Length % 2 != 0)
                {
                    throw ctx.Error($"\"segmentation\" polygon {k} needs at least 3 (x, y) vertices; it has {xy.Length} numbers.");
                }

                polygons.Add(xy);
                k++;
            }

            return new CocoSegmentation(CocoSegmentationKind.Polygons, [.. polygons], [], image.Height, image.Width);
        }

        if (seg.ValueKind != JsonValueKind.Object)
        {
            throw ctx.Error($"\"segmentation\" must be a list of polygons or an RLE object, found {JsonContext.Describe(seg)}.");
        }

        var size = ctx.Array(ctx.Required(seg, "size"), "segmentation.size");
        if (size.GetArrayLength() != 2)
        {
            throw ctx.Error("\"segmentation.size\" must be [height, width].");
        }

        var h = ctx.Int64(size[0], "segmentation.size");
        var w = ctx.Int64(size[1], "segmentation.size");
        if (h != image.Height || w != image.Width)
        {
            throw ctx.Error($"the RLE size {h} × {w} (height × width) differs from image {image.Id}'s {image.Height} × {image.Width}.");
        }

        var countsElement = ctx.Required(seg, "counts");
        uint[] counts;
        CocoSegmentationKind kind;
        if (countsElement.ValueKind == JsonValueKind.String)
        {
            kind = CocoSegmentationKind.CompressedRle;
            try
            {
                counts = CocoRle.DecompressCounts(countsElement.GetString()!);
            }
            catch (FormatException ex)
            {
                throw ctx.Error("\"segmentation.counts\": " + ex.Message, ex);
            }
        }
        else
        {
            kind = CocoSegmentationKind.UncompressedRle;
            counts = ctx.Array(countsElement, "segmentation.counts").EnumerateArray().Select(x =>
            {
                var v = ctx.Int64(x, "segmentation.counts");
                return v is >= 0 and <= uint.MaxValue ? (uint)v : throw ctx.Error($"\"segmentation.counts\" has the negative or too large run {v}.");
            }).ToArray();
        }

        long total = 0;
        foreach (var c in counts)
        {
            total += c;
        }

        if (total != h * w)
        {
            throw ctx.Error($"the RLE runs add up to {total} pixels; a {h} × {w} mask has {h * w}.");
        }

        return new CocoSegmentation(kind, [], counts, (int)h, (int)w);
    }
}
