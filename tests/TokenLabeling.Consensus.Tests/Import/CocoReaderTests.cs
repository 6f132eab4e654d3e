// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Geometry;
using TokenLabeling.Consensus.Import;
using static TokenLabeling.Consensus.Tests.Import.ImportTestData;

namespace TokenLabeling.Consensus.Tests.Import;

public sealed class CocoReaderTests
{
    [Fact]
    public void Reads_ImagesCategoriesBoxesAndAnnotators()
    {
        var coco = CocoReader.Read(PathOf("coco_small.json"));
        Assert.Equal([new CocoImage(1, "a.png", 4, 3), new CocoImage(2, "b.png", 10, 10)], coco.Images);
        Assert.Equal(["cat", "dog"], coco.Categories.Select(c => c.Name));
        Assert.Equal(4, coco.Annotations.Count);
        var a = coco.Annotations;
        Assert.Equal(new Box(0, 0, 2, 2), a[0].Box);
        Assert.Equal(new Box(1, 0, 3, 2), a[1].Box);   // bbox [x, y, w, h] → corners
        Assert.Equal(["alice", "bob", "7", "alice"], a.Select(x => x.Annotator));   // annotator, annotator, worker_id (number), annotator
        Assert.Equal([false, true, false, false], a.Select(x => x.IsCrowd));
        Assert.Equal(0.9f, a[3].Score);
        Assert.Null(a[3].Segmentation);
    }

    [Fact]
    public void Polygon_RasterizesPixelCentresInside()
    {
        // Square (0.5, 0.5)–(2.5, 2.5): centres 0.5 and 1.5 lie inside in both axes → 2 × 2 pixels at the top left.
        var seg = CocoReader.Read(PathOf("coco_small.json")).Annotations[0].Segmentation!;
        Assert.Equal(CocoSegmentationKind.Polygons, seg.Kind);
        Assert.Equal(Mask("##..", "##..", "....").Words.ToArray(), seg.ToMask().Words.ToArray());
    }

    [Fact]
    public void Triangle_And_UnionOfPolygons_HandComputed()
    {
        // Triangle (0,0) (4,0) (0,4): centre (x + 0.5, y + 0.5) is inside when x + y < 3 (x + y = 3 lies on the edge, excluded).
        var triangle = PolygonRasterizer.Fill([[0, 0, 4, 0, 0, 4]], 4, 4);
        Assert.Equal(Mask("###.", "##..", "#...", "....").Words.ToArray(), triangle.Words.ToArray());

        // Two separate unit squares on a 70-pixel-wide row (crossing a word boundary): pixels 1 and 65.
        var two = PolygonRasterizer.Fill([[1, 0, 2, 0, 2, 1, 1, 1], [65, 0, 66, 0, 66, 1, 65, 1]], 70, 1);
        Assert.Equal([1UL << 1, 1UL << 1], two.Words.ToArray());
        Assert.Throws<ArgumentException>(() => PolygonRasterizer.Fill([[0, 0, 1, 1]], 4, 4));
    }

    [Fact]
    public void UncompressedRle_IsColumnMajor()
    {
        // counts [3, 3, 6] on 3 rows × 4 columns: column 0 unset, column 1 set, columns 2–3 unset.
        var seg = CocoReader.Read(PathOf("coco_small.json")).Annotations[1].Segmentation!;
        Assert.Equal(CocoSegmentationKind.UncompressedRle, seg.Kind);
        Assert.Equal(Mask(".#..", ".#..", ".#..").Words.ToArray(), seg.ToMask().Words.ToArray());
    }

    [Fact]
    public void CompressedRle_DecodesDeltasAndSigns()
    {
        // "251O": '2','5','1' are 2, 5, 1; 'O' is 31 = 0b11111: value −1 with the sign bit, plus counts[1] = 5 → 4.
        Assert.Equal([2u, 5u, 1u, 4u], CocoRle.DecompressCounts("251O"));
        // 'T' = 36: low 5 bits 4, continuation 0x20; '3' = 3 → 4 + 3·32 = 100.
        Assert.Equal([100u], CocoRle.DecompressCounts("T3"));

        // Runs 2 unset, 5 set, 1 unset, 4 set over pixels p (x = p / 3, y = p % 3).
        var seg = CocoReader.Read(PathOf("coco_small.json")).Annotations[2].Segmentation!;
        Assert.Equal(CocoSegmentationKind.CompressedRle, seg.Kind);
        Assert.Equal(Mask(".###", ".#.#", "####").Words.ToArray(), seg.ToMask().Words.ToArray());
    }

    [Theory]
    [InlineData("""{"images": [], "annotations": [{"id": 5, "image_id": 1, "category_id": 1}]}""", "annotation 5: image_id 1 is not in \"images\"")]
    [InlineData("""{"images": [{"id": 1, "width": 4, "height": 3}], "annotations": [{"id": 6, "image_id": 1, "category_id": 1, "bbox": [0, 0, 2]}]}""", "annotation 6: \"bbox\" must be [x, y, width, height]")]
    [InlineData("""{"images": [{"id": 1, "width": 4, "height": 3}], "annotations": [{"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, -2, 1]}]}""", "annotation 7: \"bbox\" has a negative size")]
    [InlineData("""{"images": [{"id": 1, "width": 4, "height": 3}], "annotations": [{"id": 8, "image_id": 1, "category_id": 1, "segmentation": {"counts": [3, 3], "size": [3, 4]}}]}""", "annotation 8: the RLE runs add up to 6 pixels")]
    [InlineData("""{"images": [{"id": 1, "width": 4, "height": 3}], "annotations": [{"id": 9, "image_id": 1, "category_id": 1, "segmentation": {"counts": [12], "size": [4, 3]}}]}""", "annotation 9: the RLE size 4 × 3")]
    [InlineData("""{"images": [{"id": 1, "width": 4, "height": 3}], "annotations": [{"id": 4, "image_id": 1, "category_id": 1, "segmentation": [[1, 1, 2, 2]]}]}""", "annotation 4: \"segmentation\" polygon 0 needs at least 3")]
    [InlineData("""{"images": [{"id": 1, "width": 4, "height": 3}], "annotations": [{"id": 3, "image_id": 1, "category_id": 1, "segmentation": {"counts": "2 1", "size": [3, 4]}}]}""", "annotation 3: \"segmentation.counts\": The compressed RLE has the character ' '")]
    [InlineData("""{"images": [{"id": 1, "width": "4", "height": 3}], "annotations": []}""", "image 1: \"width\" must be an integer, found the string \"4\"")]
    [InlineData("""{"images": [{"id": 1, "width": 4, "height": 3}]}""", "top level: missing \"annotations\"")]
    [InlineData("""{"images": [{"id": 1, "width": 4, "height": 3}], "categories": [{"id": 1}], "annotations": [{"id": 2, "image_id": 1, "category_id": 9}]}""", "annotation 2: category_id 9 is not in \"categories\"")]
    [InlineData("""{"images": [{"id": 1,""", "bad.json: line ")]
    public void Malformed_NamesFileElementAndProblem(string json, string expected)
    {
        var ex = Assert.Throws<AnnotationImportException>(() => CocoReader.Read(Json(json), "bad.json"));
        Assert.StartsWith("bad.json: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FormatException>(ex);
    }

    [Fact]
    public void MissingFile_ThrowsIOException() =>
        Assert.ThrowsAny<IOException>(() => CocoReader.Read(PathOf("does_not_exist.json")));
}
