// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text.Json;

using static TokenLabeling.Cli.Tests.CliRunner;

namespace TokenLabeling.Cli.Tests;

public sealed class GeometryCommandTests : IDisposable
{
    // Image 1: annotators a, b, c as in the hand-computed consensus case (a and b agree on two objects, c finds one and
    // draws one spurious box). Image 2: only a.
    private const string Coco = """
        {
          "images": [ { "id": 1, "file_name": "one.png", "width": 100, "height": 100 }, { "id": 2, "file_name": "two.png", "width": 100, "height": 100 } ],
          "categories": [ { "id": 3, "name": "car" } ],
          "annotations": [
            { "id": 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 10, 10], "annotator": "a" },
            { "id": 2, "image_id": 1, "category_id": 3, "bbox": [20, 20, 10, 10], "annotator": "a" },
            { "id": 3, "image_id": 1, "category_id": 3, "bbox": [1, 1, 10, 10], "annotator": "b" },
            { "id": 4, "image_id": 1, "category_id": 3, "bbox": [20, 20, 10, 12], "annotator": "b" },
            { "id": 5, "image_id": 1, "category_id": 3, "bbox": [0, 0, 10, 12], "annotator": "c" },
            { "id": 6, "image_id": 1, "category_id": 3, "bbox": [50, 50, 10, 10], "annotator": "c" },
            { "id": 7, "image_id": 2, "category_id": 3, "bbox": [5, 5, 10, 10], "annotator": "a" }
          ]
        }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("tokenlabel-geometry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Iou_PrintsTheMatrix_HandComputed()
    {
        var a = File("a.csv", "x1,y1,x2,y2\n0,0,2,2\n10,10,12,12\n");
        var b = File("b.csv", "1,1,3,3\n0,0,2,2\n");
        var (code, output, err) = Run("iou", "--a", a, "--b", b);
        Assert.Equal(0, code);
        Assert.Equal("", err);
        // IoU([0,0,2,2], [1,1,3,3]) = 1 / 7 as float32; identical boxes 1; disjoint 0.
        Assert.Equal(["0.14285715,1", "0,0"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public void Iou_WritesTheMatrixFile_AndGiou()
    {
        var a = File("a.csv", "0,0,1,1\n");
        var b = File("b.csv", "2,0,3,1\n");
        var outPath = Path.Combine(_dir, "m.csv");
        var (code, output, _) = Run("iou", "--a", a, "--b", b, "--output", outPath, "--giou");
        Assert.Equal(0, code);
        Assert.Contains("1 × 1 GIoU", output, StringComparison.Ordinal);
        // GIoU: IoU 0, enclosing 3 × 1, union 2 → −1/3.
        Assert.Equal(-1f / 3, float.Parse(System.IO.File.ReadAllText(outPath).Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("0,0,2,2\n1,1,3\n", "row 2: expected 4 comma-separated numbers")]
    [InlineData("0,0,2,2\n0,0,abc,1\n", "row 2: field 3 ('abc') is not a finite number")]
    [InlineData("0,0,2,2\n\n5,0,4,1\n", "row 3: the box (5, 0, 4, 1) needs x1 <= x2")]
    public void Iou_BadRow_ExitsWith2_NamingFileAndRow(string csv, string expected)
    {
        var a = File("bad.csv", csv);
        var b = File("b.csv", "0,0,1,1\n");
        var (code, _, err) = Run("iou", "--a", a, "--b", b);
        Assert.Equal(2, code);
        Assert.Contains(a, err, StringComparison.Ordinal);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Iou_MissingFile_ExitsWith2()
    {
        var (code, _, err) = Run("iou", "--a", Path.Combine(_dir, "nope.csv"), "--b", File("b.csv", "0,0,1,1\n"));
        Assert.Equal(2, code);
        Assert.Contains("nope.csv: file not found", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Boxes_WritesConsensusAndPrintsPrecisionRecall()
    {
        var input = File("coco.json", Coco);
        var outPath = Path.Combine(_dir, "consensus.json");
        var (code, output, err) = Run("boxes", "--input", input, "--iou", "0.5", "--output", outPath);
        Assert.Equal(0, code);
        Assert.Equal("", err);

        // Image 1: majority 2 of 3 → two consensus boxes; image 2: one annotator, majority 1 → its box.
        Assert.Contains("2 images, 3 consensus boxes at IoU 0.5; mean agreement 0.667 over 1 images", output, StringComparison.Ordinal);
        var rows = output.Split('\n').Select(l => l.Trim()).ToArray();
        // a: 3 boxes all matched; consensus boxes on a's images 2 + 1 = 3. c: 1 of 2 matched, 1 of 2 consensus boxes.
        Assert.Contains(rows, r => r.StartsWith('a') && r.EndsWith("3        3      1.000    1.000", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith('c') && r.EndsWith("2        1      0.500    0.500", StringComparison.Ordinal));

        using var json = JsonDocument.Parse(System.IO.File.ReadAllText(outPath));
        var images = json.RootElement.GetProperty("images");
        Assert.Equal(2, images.GetArrayLength());
        var first = images[0].GetProperty("boxes")[0];
        // Mean of (0,0,10,10), (1,1,11,11), (0,0,10,12) as [x, y, w, h]: (1/3, 1/3, 10, 32/3).
        var bbox = first.GetProperty("bbox").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(1.0 / 3, bbox[0], 5);
        Assert.Equal(10.0, bbox[2], 5);
        Assert.Equal(32.0 / 3, bbox[3], 4);
        Assert.Equal([1L, 3L, 5L], first.GetProperty("annotation_ids").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(3, first.GetProperty("category_id").GetInt32());
        Assert.Equal(2.0 / 3, images[0].GetProperty("agreement").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, images[1].GetProperty("agreement").ValueKind);
    }

    [Fact]
    public void Boxes_MissingAnnotator_ExitsWith2_NamingFileAndAnnotation()
    {
        var input = File("noannotator.json", """{"images": [{"id": 1, "width": 9, "height": 9}], "annotations": [{"id": 42, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]}]}""");
        var (code, _, err) = Run("boxes", "--input", input);
        Assert.Equal(2, code);
        Assert.Contains("noannotator.json: annotation 42: no 'annotator'", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Boxes_MalformedCoco_ExitsWith2_NamingFileAndAnnotation()
    {
        var input = File("bad.json", """{"images": [{"id": 1, "width": 9, "height": 9}], "annotations": [{"id": 8, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1], "annotator": "x"}]}""");
        var (code, _, err) = Run("boxes", "--input", input);
        Assert.Equal(2, code);
        Assert.Contains("bad.json: annotation 8: \"bbox\" must be [x, y, width, height]", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--iou", "0")]
    [InlineData("--iou", "1.5")]
    [InlineData("--fusion", "max")]
    [InlineData("--min-annotators", "0")]
    public void Boxes_BadOption_ExitsWith2(string option, string value)
    {
        var (code, _, err) = Run("boxes", "--input", File("coco.json", Coco), option, value);
        Assert.Equal(2, code);
        Assert.Contains(option, err, StringComparison.Ordinal);
    }
}
