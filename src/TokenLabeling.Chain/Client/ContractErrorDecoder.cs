// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using System.Reflection;
using System.Text;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using TokenLabeling.Chain.Hashing;

namespace TokenLabeling.Chain.Client;

/// <summary>
/// Decodes revert data into the generated error types of the escrow and token bindings, by 4-byte selector.
/// </summary>
public static class ContractErrorDecoder
{
    private static readonly Dictionary<string, (Type Type, string Name, PropertyInfo[] Properties)> s_errors = Discover();

    /// <summary>Decodes revert data.</summary>
    /// <param name="revertData">Revert data as hex (with or without 0x).</param>
    /// <param name="errorName">The error's name; <c>Error</c> or <c>Panic</c> for the built-in ones; empty when unknown.</param>
    /// <param name="error">The decoded error object for custom errors, otherwise <see langword="null"/>.</param>
    /// <param name="arguments">The arguments by name.</param>
    /// <returns><see langword="true"/> when the selector was recognised.</returns>
    public static bool TryDecode(
        string? revertData, out string errorName, out object? error, out IReadOnlyDictionary<string, object?> arguments)
    {
        errorName = string.Empty;
        error = null;
        arguments = new Dictionary<string, object?>();
        if (string.IsNullOrEmpty(revertData))
        {
            return false;
        }

        var hex = revertData.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? revertData[2..] : revertData;
        if (hex.Length < 8)
        {
            return false;
        }

        var selector = hex[..8].ToUpperInvariant();
        var body = "0x" + hex[8..];
        var decoder = new ParameterDecoder();
        if (selector == "08C379A0")
        {
            errorName = "Error";
            var message = decoder.DecodeDefaultData(body, new Nethereum.ABI.Model.Parameter("string", "message"));
            arguments = new Dictionary<string, object?> { ["message"] = message[0].Result };
            return true;
        }

        if (selector == "4E487B71")
        {
            errorName = "Panic";
            var code = decoder.DecodeDefaultData(body, new Nethereum.ABI.Model.Parameter("uint256", "code"));
            arguments = new Dictionary<string, object?> { ["code"] = code[0].Result };
            return true;
        }

        if (!s_errors.TryGetValue(selector, out var known))
        {
            return false;
        }

        error = Activator.CreateInstance(known.Type);
        decoder.DecodeAttributes(body, error!, known.Properties);
        var values = new Dictionary<string, object?>();
        foreach (var property in known.Properties)
        {
            var attribute = property.GetCustomAttribute<ParameterAttribute>()!;
            values[attribute.Name] = property.GetValue(error);
        }

        errorName = known.Name;
        arguments = values;
        return true;
    }

    private static Dictionary<string, (Type, string, PropertyInfo[])> Discover()
    {
        var found = new Dictionary<string, (Type, string, PropertyInfo[])>(StringComparer.Ordinal);
        foreach (var type in typeof(ContractErrorDecoder).Assembly.GetTypes())
        {
            var attribute = type.GetCustomAttribute<ErrorAttribute>(inherit: true);
            if (attribute is null || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            {
                continue;
            }

            var properties = type.GetProperties()
                .Where(p => p.GetCustomAttribute<ParameterAttribute>() is not null)
                .OrderBy(p => p.GetCustomAttribute<ParameterAttribute>()!.Order)
                .ToArray();
            var signature = $"{attribute.Name}({string.Join(",", properties.Select(p => p.GetCustomAttribute<ParameterAttribute>()!.Type))})";
            var selector = Convert.ToHexString(AbiWords.Keccak(Encoding.ASCII.GetBytes(signature)).AsSpan(0, 4));
            // The same error (OpenZeppelin's ERC-20 errors, say) can be generated for two contracts: either type decodes it.
            found.TryAdd(selector, (type, attribute.Name, properties));
        }

        return found;
    }

    /// <summary>Gets the 4-byte selector of an error signature such as <c>AlreadyClaimed(uint256,address)</c>.</summary>
    /// <param name="signature">The canonical signature.</param>
    /// <returns>The selector as upper-case hex without 0x.</returns>
    public static string SelectorOf(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return Convert.ToHexString(AbiWords.Keccak(Encoding.ASCII.GetBytes(signature)).AsSpan(0, 4));
    }

}
