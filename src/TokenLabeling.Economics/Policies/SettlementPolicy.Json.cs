// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text.Json;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Economics.Policies;

public sealed partial record SettlementPolicy
{
    /// <summary>Serializes the policy (enums as names, amounts as strings of base units).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, EconomicsJsonContext.CreateIndented().SettlementPolicy);

    /// <summary>Reads a policy; every part is validated as on construction.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="JsonException">The text is not a policy or a field is missing or unknown.</exception>
    /// <exception cref="ArgumentException">A value is invalid (e.g. fees above 100%, a rate outside 0..10000 bps).</exception>
    public static SettlementPolicy FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, EconomicsJsonContext.Default.SettlementPolicy)
            ?? throw new JsonException("The JSON is null, not a settlement policy.");
    }
}
