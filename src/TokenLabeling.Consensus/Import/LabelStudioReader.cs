// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text.Json;
using TokenLabeling.Consensus.Geometry;

namespace TokenLabeling.Consensus.Import;

/// <summary>One choice a worker made on a task (a <c>choices</c> result; one record per chosen value).</summary>
/// <param name="TaskId">The task id.</param>
/// <param name="Annotator">The worker: the annotation's <c>completed_by</c> id.</param>
/// <param name="FromName">The control tag the choice came from (<c>from_name</c>), e.g. <c>sentiment</c>.</param>
/// <param name="Label">The chosen value.</param>
public sealed record LabelStudioChoice(string TaskId, string Annotator, string FromName, string Label);

/// <summary>One rectangle a worker drew (a <c>rectanglelabels</c> result), converted from percent to pixels.</summary>
/// <param name="TaskId">The task id.</param>
/// <param name="Annotator">The worker.</param>
/// <param name="Label">The first of its labels.</param>
/// <param name="Box">The box in pixels of the original image.</param>
/// <param name="ImageWidth">The <c>original_width</c>.</param>
/// <param name="ImageHeight">The <c>original_height</c>.</param>
public sealed record LabelStudioRectangle(string TaskId, string Annotator, string Label, Box Box, int ImageWidth, int ImageHeight);

/// <summary>One brush mask a worker painted (a <c>brushlabels</c> result in Label Studio's RLE).</summary>
/// <param name="TaskId">The task id.</param>
/// <param name="Annotator">The worker.</param>
/// <param name="Label">The first of its labels.</param>
/// <param name="Mask">The decoded mask.</param>
public sealed record LabelStudioBrush(string TaskId, string Annotator, string Label, BitMask Mask);

/// <summary>Choices turned into an <see cref="AnnotationSet"/>, with the class names behind the label indices.</summary>
/// <param name="Set">The set: tasks and workers by their Label Studio ids.</param>
/// <param name="Classes">Class names; label k of the set is <c>Classes[k]</c>. Ordered by ordinal string order.</param>
public sealed record LabelStudioLabels(AnnotationSet Set, IReadOnlyList<string> Classes);

/// <summary>The results of a Label Studio JSON export, by kind. Cancelled annotations are skipped.</summary>
/// <param name="Choices">Every choice.</param>
/// <param name="Rectangles">Every rectangle.</param>
/// <param name="Brushes">Every brush mask.</param>
public sealed record LabelStudioExport(IReadOnlyList<LabelStudioChoice> Choices, IReadOnlyList<LabelStudioRectangle> Rectangles, IReadOnlyList<LabelStudioBrush> Brushes)
{
    /// <summary>Builds an <see cref="AnnotationSet"/> from the choices of one control (or all choices when there is one control).</summary>
    /// <param name="fromName">The control tag whose choices to take, or <see langword="null"/> when the export has only one.</param>
    /// <param name="options">Set options; <see langword="null"/> for the defaults (class count from the names found).</param>
    /// <returns>The set and its class names.</returns>
    /// <exception cref="ArgumentException">Choices come from several controls and <paramref name="fromName"/> is not given, or no choice matches.</exception>
    public LabelStudioLabels ToAnnotationSet(string? fromName = null, AnnotationSetOptions? options = null)
    {
        var controls = Choices.Select(c => c.FromName).Distinct(StringComparer.Ordinal).ToArray();
        if (fromName is null && controls.Length > 1)
        {
            throw new ArgumentException($"The export has choices from several controls ({string.Join(", ", controls)}); name one.", nameof(fromName));
        }

        var chosen = Choices.Where(c => fromName is null || c.FromName == fromName).ToArray();
        if (chosen.Length == 0)
        {
            throw new ArgumentException(fromName is null ? "The export has no choices." : $"The export has no choices from '{fromName}'.", nameof(fromName));
        }

        var classes = chosen.Select(c => c.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = classes.Select((name, k) => (name, k)).ToDictionary(p => p.name, p => p.k, StringComparer.Ordinal);
        var builder = new AnnotationSetBuilder<string, string>();
        foreach (var c in chosen)
        {
            builder.Add(c.TaskId, c.Annotator, index[c.Label]);
        }

        options ??= new AnnotationSetOptions { ClassCount = classes.Length };
        return new LabelStudioLabels(builder.Build(options, i => $"task {chosen[i].TaskId}, annotator {chosen[i].Annotator}"), classes);
    }
}

/// <summary>
/// Reads Label Studio JSON exports (a list of tasks, each with annotations and their results): <c>choices</c>,
/// <c>rectanglelabels</c> (percent coordinates) and <c>brushlabels</c> (Label Studio's RLE). Other result types are ignored.
/// Errors name the file, the task id and annotation id, and the problem.
/// </summary>
public static class LabelStudioReader
{
    /// <summary>Reads an export file.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The results by kind.</returns>
    /// <exception cref="AnnotationImportException">The file is not a valid export; the message says where and why.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static LabelStudioExport Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads an export from a stream.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="sourceName">The name used in error messages.</param>
    /// <returns>The results by kind.</returns>
    /// <exception cref="AnnotationImportException">The content is not a valid export.</exception>
    public static LabelStudioExport Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        using var doc = JsonContext.Parse(stream, sourceName);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new AnnotationImportException(sourceName, "top level", $"expected the JSON list of tasks Label Studio exports, found {JsonContext.Describe(root)}.");
        }

        var choices = new List<LabelStudioChoice>();
        var rectangles = new List<LabelStudioRectangle>();
        var brushes = new List<LabelStudioBrush>();
        var t = 0;
        foreach (var task in root.EnumerateArray())
        {
            var ctx = new JsonContext(sourceName, $"tasks[{t++}]");
            var taskId = ctx.Id(ctx.Required(task, "id"), "id");
            ctx = new JsonContext(sourceName, $"task {taskId}");
            if (JsonContext.Optional(task, "annotations") is not { } annotations)
            {
                continue;
            }

            var a = 0;
            foreach (var annotation in ctx.Array(annotations, "annotations").EnumerateArray())
            {
                var actx = new JsonContext(sourceName, $"task {taskId}, annotations[{a++}]");
                var annotationId = JsonContext.Optional(annotation, "id") is { } idElement ? actx.Id(idElement, "id") : null;
                if (annotationId is not null)
                {
                    actx = new JsonContext(sourceName, $"task {taskId}, annotation {annotationId}");
                }

                if (JsonContext.Optional(annotation, "was_cancelled") is { ValueKind: JsonValueKind.True })
                {
                    continue;
                }

                var annotator = ReadAnnotator(actx, actx.Required(annotation, "completed_by"));
                if (JsonContext.Optional(annotation, "result") is not { } results)
                {
                    continue;
                }

                var r = 0;
                foreach (var result in actx.Array(results, "result").EnumerateArray())
                {
                    var rctx = new JsonContext(sourceName, $"{actx.Location}, result {r++}");
                    var type = JsonContext.Optional(result, "type") is { } ty ? rctx.String(ty, "type") : "";
                    switch (type)
                    {
                        case "choices":
                            {
                                var value = rctx.Required(result, "value");
                                var from = JsonContext.Optional(result, "from_name") is { } f ? rctx.String(f, "from_name") : "";
                                foreach (var c in rctx.Array(rctx.Required(value, "choices"), "value.choices").EnumerateArray())
                                {
                                    choices.Add(new LabelStudioChoice(taskId, annotator, from, rctx.String(c, "value.choices")));
                                }

                                break;
                            }

                        case "rectanglelabels":
                            rectangles.Add(ReadRectangle(rctx, result, taskId, annotator));
                            break;
                        case "brushlabels":
                            brushes.Add(ReadBrush(rctx, result, taskId, annotator));
                            break;
                    }
                }
            }
        }

        return new LabelStudioExport(choices.ToArray(), rectangles.ToArray(), brushes.ToArray());
    }

    private static string ReadAnnotator(JsonContext ctx, JsonElement completedBy) =>
        completedBy.ValueKind == JsonValueKind.Object ? ctx.Id(ctx.Required(completedBy, "id"), "completed_by.id") : ctx.Id(completedBy, "completed_by");

    private static (int Width, int Height) ReadImageSize(JsonContext ctx, JsonElement result)
    {
        var w = ctx.Int64(ctx.Required(result, "original_width"), "original_width");
        var h = ctx.Int64(ctx.Required(result, "original_height"), "original_height");
        return w is >= 1 and <= 1 << 20 && h is >= 1 and <= 1 << 20
            ? ((int)w, (int)h)
            : throw ctx.Error($"original_width and original_height must be from 1 to {1 << 20}; found {w} × {h}.");
    }

    private static string FirstLabel(JsonContext ctx, JsonElement value, string field)
    {
        var labels = ctx.Array(ctx.Required(value, field), "value." + field);
        return labels.GetArrayLength() > 0 ? ctx.String(labels[0], "value." + field) : throw ctx.Error($"\"value.{field}\" is empty.");
    }

    private static LabelStudioRectangle ReadRectangle(JsonContext ctx, JsonElement result, string taskId, string annotator)
    {
        var (width, height) = ReadImageSize(ctx, result);
        var value = ctx.Required(result, "value");
        var x = ctx.Number(ctx.Required(value, "x"), "value.x");
        var y = ctx.Number(ctx.Required(value, "y"), "value.y");
        var w = ctx.Number(ctx.Required(value, "width"), "value.width");
        var h = ctx.Number(ctx.Required(value, "height"), "value.height");
        if (JsonContext.Optional(value, "rotation") is { } rot && ctx.Number(rot, "value.rotation") != 0)
        {
            throw ctx.Error($"the rectangle is rotated by {rot.GetRawText()}°; only axis-aligned boxes are supported.");
        }

        if (w < 0 || h < 0 || x < -1e-6 || y < -1e-6 || x + w > 100 + 1e-6 || y + h > 100 + 1e-6)
        {
            throw ctx.Error($"the rectangle (x {x}, y {y}, width {w}, height {h}) must lie within 0..100 percent of the image.");
        }

        var box = new Box((float)(x * width / 100), (float)(y * height / 100), (float)((x + w) * width / 100), (float)((y + h) * height / 100));
        return new LabelStudioRectangle(taskId, annotator, FirstLabel(ctx, value, "rectanglelabels"), box, width, height);
    }

    private static LabelStudioBrush ReadBrush(JsonContext ctx, JsonElement result, string taskId, string annotator)
    {
        var (width, height) = ReadImageSize(ctx, result);
        var value = ctx.Required(result, "value");
        if (JsonContext.Optional(value, "format") is { } format && ctx.String(format, "value.format") != "rle")
        {
            throw ctx.Error($"brush format \"{format.GetString()}\" is not supported; only \"rle\" is.");
        }

        var rle = ctx.Array(ctx.Required(value, "rle"), "value.rle");
        var bytes = new byte[rle.GetArrayLength()];
        var k = 0;
        foreach (var b in rle.EnumerateArray())
        {
            var v = ctx.Int64(b, "value.rle");
            bytes[k++] = v is >= 0 and <= 255 ? (byte)v : throw ctx.Error($"\"value.rle\" has {v} at position {k - 1}; bytes are 0..255.");
        }

        try
        {
            return new LabelStudioBrush(taskId, annotator, FirstLabel(ctx, value, "brushlabels"), LabelStudioRle.ToMask(bytes, width, height));
        }
        catch (FormatException ex) when (ex is not AnnotationImportException)
        {
            throw ctx.Error("\"value.rle\": " + ex.Message, ex);
        }
    }
}
