// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Geometry;
using TokenLabeling.Consensus.Import;
using static TokenLabeling.Consensus.Tests.Import.ImportTestData;

namespace TokenLabeling.Consensus.Tests.Import;

public sealed class LabelStudioReaderTests
{
    [Fact]
    public void Reads_Choices_SkippingCancelledAnnotations()
    {
        var export = LabelStudioReader.Read(PathOf("labelstudio_small.json"));
        Assert.Equal(
            [
                new LabelStudioChoice("101", "5", "quality", "good"),
                new LabelStudioChoice("101", "6", "quality", "bad"),   // completed_by as an object: its id
                new LabelStudioChoice("102", "5", "quality", "bad"),
            ],
            export.Choices);
    }

    [Fact]
    public void Choices_BuildAnAnnotationSet_WithSortedClasses()
    {
        var labels = LabelStudioReader.Read(PathOf("labelstudio_small.json")).ToAnnotationSet();
        Assert.Equal(["bad", "good"], labels.Classes);
        Assert.Equal((3, 2, 2, 2), (labels.Set.LabelCount, labels.Set.TaskCount, labels.Set.WorkerCount, labels.Set.ClassCount));
        // Records in file order: (101, 5, good = 1), (101, 6, bad = 0), (102, 5, bad = 0); dense ids by first appearance.
        Assert.Equal([0, 0, 1], labels.Set.Tasks.ToArray());
        Assert.Equal([0, 1, 0], labels.Set.Workers.ToArray());
        Assert.Equal([1, 0, 0], labels.Set.Labels.ToArray());
    }

    [Fact]
    public void Rectangle_PercentToPixels()
    {
        // x 10 % of 200 = 20, y 20 % of 100 = 20, right (10 + 50) % of 200 = 120, bottom (20 + 30) % of 100 = 50.
        var r = Assert.Single(LabelStudioReader.Read(PathOf("labelstudio_small.json")).Rectangles);
        Assert.Equal(new LabelStudioRectangle("101", "5", "car", new Box(20, 20, 120, 50), 200, 100), r);
    }

    [Fact]
    public void Brush_DecodesLabelStudioRle()
    {
        // Runs (all repeats): 4 × 0, 8 × 255, 4 × 0 over 2 × 2 RGBA pixels → pixels 1 and 2 set.
        var b = Assert.Single(LabelStudioReader.Read(PathOf("labelstudio_small.json")).Brushes);
        Assert.Equal("road", b.Label);
        Assert.Equal(Mask(".#", "#.").Words.ToArray(), b.Mask.Words.ToArray());
    }

    [Fact]
    public void Rle_LiteralRun()
    {
        // Header: 3 values, 8-bit words, run sizes 4,4,4,4; one literal run of 3 values: 1, 2, 3.
        Assert.Equal([1, 2, 3], LabelStudioRle.DecodeValues([0, 0, 0, 3, 57, 153, 152, 32, 16, 32, 48]));
        Assert.Throws<FormatException>(() => LabelStudioRle.DecodeValues([0, 0, 0, 3, 57, 153, 152, 32, 16]));
    }

    [Theory]
    [InlineData("""{"id": 1}""", "top level: expected the JSON list of tasks")]
    [InlineData("""[{"id": 9, "annotations": [{"id": 3, "result": []}]}]""", "task 9, annotation 3: missing \"completed_by\"")]
    [InlineData("""[{"id": 9, "annotations": [{"id": 3, "completed_by": 1, "result": [{"type": "rectanglelabels", "original_width": 10, "original_height": 10, "value": {"x": 90, "y": 0, "width": 20, "height": 5, "rectanglelabels": ["a"]}}]}]}]""", "task 9, annotation 3, result 0: the rectangle (x 90, y 0, width 20, height 5) must lie within 0..100 percent")]
    [InlineData("""[{"id": 9, "annotations": [{"id": 3, "completed_by": 1, "result": [{"type": "rectanglelabels", "original_width": 10, "original_height": 10, "value": {"x": 0, "y": 0, "width": 20, "height": 5, "rotation": 30, "rectanglelabels": ["a"]}}]}]}]""", "rotated by 30")]
    [InlineData("""[{"id": 9, "annotations": [{"id": 3, "completed_by": 1, "result": [{"type": "brushlabels", "original_width": 2, "original_height": 2, "value": {"format": "rle", "rle": [0, 0, 0, 16, 57], "brushlabels": ["a"]}}]}]}]""", "task 9, annotation 3, result 0: \"value.rle\": The brush RLE ends early")]
    [InlineData("""[{"id": 9, "annotations": [{"id": 3, "completed_by": 1, "result": [{"type": "brushlabels", "original_width": 3, "original_height": 2, "value": {"format": "rle", "rle": [0, 0, 0, 16, 57, 153, 156, 48, 8, 255, 240, 192, 0], "brushlabels": ["a"]}}]}]}]""", "holds 16 values; a 3 × 2 RGBA image has 24")]
    [InlineData("""[{"id": 9, "annotations": [{"id": 3, "completed_by": 1, "result": [{"type": "choices", "value": {"choices": "yes"}}]}]}]""", "task 9, annotation 3, result 0: \"value.choices\" must be an array")]
    public void Malformed_NamesFileTaskAnnotationAndProblem(string json, string expected)
    {
        var ex = Assert.Throws<AnnotationImportException>(() => LabelStudioReader.Read(Json(json), "export.json"));
        Assert.StartsWith("export.json: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
