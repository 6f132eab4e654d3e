// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenLabeling.Economics.Amounts;

/// <summary>Writes a <see cref="TokenAmount"/> as a JSON string of base units (JSON numbers lose precision above 2^53); reads a string or an integer.</summary>
public sealed class TokenAmountJsonConverter : JsonConverter<TokenAmount>
{
    /// <inheritdoc/>
    public override TokenAmount Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string text;
        if (reader.TokenType == JsonTokenType.String)
        {
            text = reader.GetString()!;
        }
        else if (reader.TokenType == JsonTokenType.Number)
        {
            text = System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
        }
        else
        {
            throw new JsonException($"A token amount must be a string of base units, not {reader.TokenType}.");
        }

        try
        {
            return TokenAmount.ParseBaseUnits(text);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new JsonException($"Invalid token amount '{text}': {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, TokenAmount value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
