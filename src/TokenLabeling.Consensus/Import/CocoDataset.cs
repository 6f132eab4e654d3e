// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Geometry;

namespace TokenLabeling.Consensus.Import;

/// <summary>One image of a COCO file.</summary>
/// <param name="Id">The image id.</param>
/// <param name="FileName">The <c>file_name</c>, or an empty string.</param>
/// <param name="Width">The width in pixels.</param>
/// <param name="Height">The height in pixels.</param>
public sealed record CocoImage(long Id, string FileName, int Width, int Height);

/// <summary>One category of a COCO file.</summary>
/// <param name="Id">The category id.</param>
/// <param name="Name">The category name.</param>
public sealed record CocoCategory(long Id, string Name);

/// <summary>The kind of a COCO segmentation.</summary>
public enum CocoSegmentationKind
{
    /// <summary>One or more polygons (<c>[[x0, y0, x1, y1, …], …]</c>).</summary>
    Polygons = 0,

    /// <summary>Run lengths as an array of integers (<c>{"counts": [..], "size": [h, w]}</c>).</summary>
    UncompressedRle = 1,

    /// <summary>Run lengths as the COCO API's compressed string (<c>{"counts": "…", "size": [h, w]}</c>).</summary>
    CompressedRle = 2,
}

/// <summary>A COCO segmentation, checked when read; <see cref="ToMask"/> rasterizes or decodes it.</summary>
public sealed class CocoSegmentation
{
    private readonly double[][] _polygons;
    private readonly uint[] _counts;

    internal CocoSegmentation(CocoSegmentationKind kind, double[][] polygons, uint[] counts, int height, int width)
    {
        Kind = kind;
        _polygons = polygons;
        _counts = counts;
        Height = height;
        Width = width;
    }

    /// <summary>Gets how the segmentation was written.</summary>
    public CocoSegmentationKind Kind { get; }

    /// <summary>Gets the mask height (the image's, or the RLE's <c>size[0]</c>).</summary>
    public int Height { get; }

    /// <summary>Gets the mask width.</summary>
    public int Width { get; }

    /// <summary>Gets the polygons (empty for RLE), each a flat <c>[x0, y0, …]</c> vertex list in pixels.</summary>
    public IReadOnlyList<double[]> Polygons => _polygons;

    /// <summary>Gets the run lengths (empty for polygons), column-major, starting with unset pixels.</summary>
    public ReadOnlySpan<uint> Counts => _counts;

    /// <summary>Rasterizes the polygons or decodes the runs.</summary>
    /// <returns>The mask, <see cref="Width"/> × <see cref="Height"/>.</returns>
    public BitMask ToMask() => Kind == CocoSegmentationKind.Polygons
        ? PolygonRasterizer.Fill(_polygons, Width, Height)
        : CocoRle.ToMask(_counts, Height, Width);
}

/// <summary>One annotation of a COCO file.</summary>
/// <param name="Id">The annotation id.</param>
/// <param name="ImageId">The image it belongs to.</param>
/// <param name="CategoryId">Its category.</param>
/// <param name="Box">Its <c>bbox</c> converted to corners, or <see langword="null"/> when absent.</param>
/// <param name="Annotator">Who drew it: the <c>annotator</c>, <c>worker_id</c> or <c>user_id</c> field, or <see langword="null"/>.</param>
/// <param name="Score">The <c>score</c> field (detections), or <see langword="null"/>.</param>
/// <param name="Segmentation">The segmentation, or <see langword="null"/> when absent or empty.</param>
/// <param name="IsCrowd">The <c>iscrowd</c> flag.</param>
public sealed record CocoAnnotation(long Id, long ImageId, long CategoryId, Box? Box, string? Annotator, float? Score, CocoSegmentation? Segmentation, bool IsCrowd);

/// <summary>The contents of a COCO instances file.</summary>
/// <param name="Images">The images, in file order.</param>
/// <param name="Categories">The categories, in file order.</param>
/// <param name="Annotations">The annotations, in file order.</param>
public sealed record CocoDataset(IReadOnlyList<CocoImage> Images, IReadOnlyList<CocoCategory> Categories, IReadOnlyList<CocoAnnotation> Annotations);
