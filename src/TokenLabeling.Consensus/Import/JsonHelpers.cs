// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using System.Text.Json;

namespace TokenLabeling.Consensus.Import;

/// <summary>Typed reads from a <see cref="JsonElement"/> that fail with a message naming the file, element and property.</summary>
internal readonly struct JsonContext(string source, string location)
{
    public string Source => source;

    public string Location => location;

    public AnnotationImportException Error(string problem, Exception? inner = null) => new(source, location, problem, inner);

    public JsonElement Required(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw Error($"expected a JSON object, found {Describe(obj)}.");
        }

        return obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw Error($"missing \"{name}\".");
    }

    public static JsonElement? Optional(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public long Int64(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var v) ? v : throw Error($"\"{name}\" must be an integer, found {Describe(value)}.");

    public double Number(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var v) && double.IsFinite(v) ? v : throw Error($"\"{name}\" must be a finite number, found {Describe(value)}.");

    public string String(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error($"\"{name}\" must be a string, found {Describe(value)}.");

    /// <summary>Reads an id that may be written as a number or a string.</summary>
    public string Id(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.String => value.GetString()!,
        _ => throw Error($"\"{name}\" must be a number or a string, found {Describe(value)}."),
    };

    public JsonElement Array(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Array ? value : throw Error($"\"{name}\" must be an array, found {Describe(value)}.");

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Truncate(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.Array => $"an array of {value.GetArrayLength()}",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => $"the value {value.GetRawText()}",
        _ => "null",
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");

    public static JsonDocument Parse(Stream stream, string source)
    {
        try
        {
            return JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, byte {ex.BytePositionInLine + 1}") : null;
            throw new AnnotationImportException(source, where, "not valid JSON (" + ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0] + ")", ex);
        }
    }
}
