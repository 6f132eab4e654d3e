// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using System.Text.Json;
using TokenLabeling.Consensus.Geometry;
using TokenLabeling.Consensus.Import;

namespace TokenLabeling.Cli.Commands;

/// <summary><c>tokenlabel boxes</c>: consensus boxes per image from a COCO file with several annotators, and per-annotator precision and recall.</summary>
internal sealed class BoxesCommand : ICliCommand
{
    public string Name => "boxes";

    public string Summary => "Consensus boxes per image from a multi-annotator COCO file, with per-annotator precision/recall.";

    public string Usage => """
        usage: tokenlabel boxes --input <coco.json> [--iou 0.5] [--min-annotators <n>] [--fusion mean|median|weighted] [--output <consensus.json>]

          --input <file>          COCO instances JSON; each annotation names who drew it in an 'annotator',
                                  'worker_id' or 'user_id' field, and has a bbox [x, y, width, height]
          --iou <t>               least IoU for two boxes to be the same object, in (0, 1] (default 0.5)
          --min-annotators <n>    annotators needed for a consensus box (default: a strict majority of the
                                  annotators who drew boxes on the image)
          --fusion <how>          mean (default), median, or weighted (by the 'score' field, default 1)
          --output <file>         write the consensus boxes per image as JSON; written atomically

        Boxes of different categories never match. Annotators are matched in id order with an optimal assignment on
        1 - IoU; see BoxConsensus for the clustering rule. Exit code 2 on bad input, naming the file and annotation id.
        """;

    public int Run(CommandLineOptions options, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        var input = options.Required("input");
        var iou = options.Double("iou", 0.5, 0, 1);
        var minText = options.Optional("min-annotators");
        var fusionText = options.Optional("fusion", "mean")!;
        var output = options.Optional("output");
        options.ThrowOnUnknown();
        if (iou <= 0)
        {
            throw new CliException("option --iou must be greater than 0.");
        }

        int? minAnnotators = null;
        if (minText is not null)
        {
            minAnnotators = int.TryParse(minText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1
                ? n
                : throw new CliException($"option --min-annotators must be a positive integer, not '{minText}'.");
        }

        var fusion = fusionText switch
        {
            "mean" => BoxFusion.Mean,
            "median" => BoxFusion.Median,
            "weighted" => BoxFusion.ConfidenceWeighted,
            _ => throw new CliException($"option --fusion must be mean, median or weighted, not '{fusionText}'."),
        };

        if (!File.Exists(input))
        {
            throw new CliException($"{input}: file not found.");
        }

        var coco = CocoReader.Read(input);
        var consensusOptions = new BoxConsensusOptions { IouThreshold = (float)iou, MinAnnotators = minAnnotators, Fusion = fusion };
        var perImage = new List<(CocoImage Image, List<CocoAnnotation> Annotations, BoxConsensusResult Result)>();
        var byImage = coco.Annotations.GroupBy(a => a.ImageId).ToDictionary(g => g.Key, g => g.ToList());
        var categoryIndex = new Dictionary<long, int>();
        foreach (var image in coco.Images)
        {
            if (!byImage.TryGetValue(image.Id, out var annotations))
            {
                continue;
            }

            var boxes = new List<AnnotatedBox>(annotations.Count);
            foreach (var a in annotations)
            {
                if (a.Annotator is null)
                {
                    throw new CliException($"{input}: annotation {a.Id}: no 'annotator', 'worker_id' or 'user_id' field says who drew it.");
                }

                if (a.Box is not { } box)
                {
                    throw new CliException($"{input}: annotation {a.Id}: no 'bbox'.");
                }

                if (fusion == BoxFusion.ConfidenceWeighted && a.Score is <= 0f)
                {
                    throw new CliException($"{input}: annotation {a.Id}: 'score' {a.Score} must be positive to weight a box.");
                }

                if (!categoryIndex.TryGetValue(a.CategoryId, out var category))
                {
                    categoryIndex.Add(a.CategoryId, category = categoryIndex.Count);
                }

                boxes.Add(new AnnotatedBox(a.Annotator, box, category, a.Score ?? 1f));
            }

            perImage.Add((image, annotations, BoxConsensus.Compute(boxes, consensusOptions)));
        }

        var totals = new SortedDictionary<string, (int Boxes, int Matched, int Consensus)>(StringComparer.Ordinal);
        foreach (var (_, _, result) in perImage)
        {
            foreach (var s in result.Annotators)
            {
                var t = totals.GetValueOrDefault(s.Annotator);
                totals[s.Annotator] = (t.Boxes + s.Boxes, t.Matched + s.Matched, t.Consensus + result.Boxes.Count);
            }
        }

        if (output is not null)
        {
            AtomicFile.Write(output, w => WriteJson(w, perImage, totals, iou));
        }

        var agreements = perImage.Where(p => p.Result.Agreement.HasValue).Select(p => p.Result.Agreement!.Value).ToArray();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{perImage.Count} images, {perImage.Sum(p => p.Result.Boxes.Count)} consensus boxes at IoU {iou}; mean agreement {(agreements.Length == 0 ? "n/a" : agreements.Average().ToString("0.000", CultureInfo.InvariantCulture))} over {agreements.Length} images with 2+ annotators"));
        stdout.WriteLine();
        stdout.WriteLine($"{"annotator",-20} {"boxes",7} {"matched",8} {"precision",10} {"recall",8}");
        foreach (var (annotator, t) in totals)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{annotator,-20} {t.Boxes,7} {t.Matched,8} {Ratio(t.Matched, t.Boxes),10:0.000} {Ratio(t.Matched, t.Consensus),8:0.000}"));
        }

        return CliApp.Ok;
    }

    private static double Ratio(int numerator, int denominator) => denominator == 0 ? 1.0 : (double)numerator / denominator;

    private static void WriteJson(
        TextWriter writer,
        List<(CocoImage Image, List<CocoAnnotation> Annotations, BoxConsensusResult Result)> perImage,
        SortedDictionary<string, (int Boxes, int Matched, int Consensus)> totals,
        double iou)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("iou_threshold", iou);
            json.WriteStartArray("images");
            foreach (var (image, annotations, result) in perImage)
            {
                json.WriteStartObject();
                json.WriteNumber("image_id", image.Id);
                json.WriteString("file_name", image.FileName);
                json.WriteNumber("annotators", result.Annotators.Count);
                json.WriteNumber("min_annotators", result.MinAnnotators);
                if (result.Agreement is { } agreement)
                {
                    json.WriteNumber("agreement", agreement);
                }
                else
                {
                    json.WriteNull("agreement");
                }

                json.WriteStartArray("boxes");
                foreach (var box in result.Boxes)
                {
                    var first = annotations[box.Members[0]];
                    json.WriteStartObject();
                    json.WriteStartArray("bbox");
                    json.WriteNumberValue(box.Box.X1);
                    json.WriteNumberValue(box.Box.Y1);
                    json.WriteNumberValue(box.Box.X2 - box.Box.X1);
                    json.WriteNumberValue(box.Box.Y2 - box.Box.Y1);
                    json.WriteEndArray();
                    json.WriteNumber("category_id", first.CategoryId);
                    json.WriteNumber("support", box.Support);
                    json.WriteNumber("mean_iou", box.MeanIou);
                    json.WriteStartArray("annotation_ids");
                    foreach (var k in box.Members)
                    {
                        json.WriteNumberValue(annotations[k].Id);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("annotators");
            foreach (var (annotator, t) in totals)
            {
                json.WriteStartObject();
                json.WriteString("annotator", annotator);
                json.WriteNumber("boxes", t.Boxes);
                json.WriteNumber("matched", t.Matched);
                json.WriteNumber("precision", Ratio(t.Matched, t.Boxes));
                json.WriteNumber("recall", Ratio(t.Matched, t.Consensus));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        writer.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        writer.WriteLine();
    }
}
