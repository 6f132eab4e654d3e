// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Reflection;
using System.Text.Json;
using Nethereum.ABI.FunctionEncoding.Attributes;
using TokenLabeling.Chain.Bindings.LabelingEscrow.ContractDefinition;
using TokenLabeling.Chain.Bindings.LabelToken.ContractDefinition;

namespace TokenLabeling.Chain.Tests.Contracts;

/// <summary>The committed artifacts and the generated bindings describe the same contracts.</summary>
public sealed class ArtifactTests
{
    private static readonly string s_contracts = FindContractsFolder();

    private static string FindContractsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TokenLabeling.sln")))
            {
                return Path.Combine(dir.FullName, "src", "TokenLabeling.Chain", "contracts");
            }
        }

        throw new InvalidOperationException("No folder holding TokenLabeling.sln above the test binaries.");
    }

    private static JsonElement Artifact(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(s_contracts, "compiled", name + ".json"))).RootElement;

    [Theory]
    [InlineData("LabelingEscrow")]
    [InlineData("LabelToken")]
    public void Artifacts_AreCompiledWithThePinnedSettings_AndFitTheContractSizeLimit(string name)
    {
        var a = Artifact(name);
        Assert.StartsWith("solc 0.8.28+commit.7893614a", a.GetProperty("compiler").GetString(), StringComparison.Ordinal);
        Assert.Equal("cancun", a.GetProperty("settings").GetProperty("evmVersion").GetString());
        Assert.True(a.GetProperty("settings").GetProperty("optimizer").GetProperty("enabled").GetBoolean());
        var runtimeBytes = (a.GetProperty("deployedBytecode").GetString()!.Length - 2) / 2;
        Assert.InRange(runtimeBytes, 1, 24_576); // EIP-170
    }

    [Fact]
    public void Bindings_CarryTheCommittedBytecode()
    {
        Assert.Equal(Artifact("LabelingEscrow").GetProperty("bytecode").GetString()![2..], LabelingEscrowDeploymentBase.BYTECODE);
        Assert.Equal(Artifact("LabelToken").GetProperty("bytecode").GetString()![2..], LabelTokenDeploymentBase.BYTECODE);
    }

    [Fact]
    public void Bindings_CoverEveryFunctionEventAndErrorOfTheEscrowAbi()
    {
        var abi = Artifact("LabelingEscrow").GetProperty("abi").EnumerateArray().ToArray();
        var types = typeof(LabelingEscrowDeployment).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(LabelingEscrowDeployment).Namespace).ToArray();
        var functions = types.Select(t => t.GetCustomAttribute<FunctionAttribute>(inherit: true)?.Name).Where(n => n is not null).ToHashSet();
        var events = types.Select(t => t.GetCustomAttribute<EventAttribute>(inherit: true)?.Name).Where(n => n is not null).ToHashSet();
        var errors = types.Select(t => t.GetCustomAttribute<ErrorAttribute>(inherit: true)?.Name).Where(n => n is not null).ToHashSet();
        foreach (var entry in abi)
        {
            var kind = entry.GetProperty("type").GetString();
            var name = kind is "constructor" ? null : entry.GetProperty("name").GetString();
            switch (kind)
            {
                case "function": Assert.Contains(name, functions); break;
                case "event": Assert.Contains(name, events); break;
                case "error": Assert.Contains(name, errors); break;
            }
        }

        string[] required = ["createTask", "join", "commit", "reveal", "settleOnChain", "postMerkleSettlement", "claim", "claimMany", "sweep", "cancelTask", "withdraw"];
        Assert.All(required, r => Assert.Contains(r, functions));
    }

    [Fact]
    public void EveryEscrowEvent_IndexesTheTaskFirst_AndNoStringOrBytesIsIndexed()
    {
        var abi = Artifact("LabelingEscrow").GetProperty("abi").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "event");
        // ClaimedMany pays several tasks at once and lists them in its data (ReadTimelineAsync reads it by signature).
        string[] global = ["Withdrawn", "ClaimedMany", "TreasuryChanged", "RoleGranted", "RoleRevoked", "RoleAdminChanged", "DefaultAdminTransferScheduled", "DefaultAdminTransferCanceled", "DefaultAdminDelayChangeScheduled", "DefaultAdminDelayChangeCanceled"];
        foreach (var e in abi)
        {
            var inputs = e.GetProperty("inputs").EnumerateArray().ToArray();
            Assert.DoesNotContain(inputs, i => i.GetProperty("indexed").GetBoolean() && i.GetProperty("type").GetString() is "string" or "bytes");
            if (!global.Contains(e.GetProperty("name").GetString()))
            {
                Assert.Equal("taskId", inputs[0].GetProperty("name").GetString());
                Assert.True(inputs[0].GetProperty("indexed").GetBoolean());
            }
        }
    }
}
