// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using System.Numerics;
using System.Text.Json;
using TokenLabeling.Chain.Client;
using TokenLabeling.Chain.DevChain;

namespace TokenLabeling.Chain.IntegrationTests.Infrastructure;

/// <summary>
/// One anvil node for the whole test assembly: started from the pinned npm package on 127.0.0.1 on a free port,
/// with a token and an escrow deployed, stopped by its process id on dispose.
/// </summary>
public sealed class AnvilFixture : IAsyncLifetime
{
    public const int WorkerKeyCount = 16;

    private AnvilNode? _node;
    private readonly List<ChainSigner> _signers = [];

    public AnvilNode Node => _node ?? throw new InvalidOperationException("The node is not running.");

    public ChainSigner Admin { get; private set; } = null!;

    public ChainSigner Settler { get; private set; } = null!;

    public string Treasury { get; private set; } = string.Empty;

    public ChainSigner TreasurySigner { get; private set; } = null!;

    public IReadOnlyList<ChainSigner> Workers { get; private set; } = [];

    public TokenClient Token { get; private set; } = null!;

    /// <summary>Disjoint groups of four workers, so that independent rounds can run side by side.</summary>
    public IReadOnlyList<IReadOnlyList<ChainSigner>> WorkerGroups { get; private set; } = [];

    public EscrowClient Escrow { get; private set; } = null!;

    /// <summary>The anvil binary of this checkout, or an exception that says how to install it.</summary>
    public static string LocateAnvil() =>
        AnvilNode.TryLocate(AppContext.BaseDirectory, out var binary, out var problem) ? binary : throw new InvalidOperationException(problem);

    public async Task InitializeAsync()
    {
        _node = await AnvilNode.StartAsync(LocateAnvil());
        var keys = AnvilNode.DevelopmentKeys;
        Admin = NewSigner(keys[0]);
        Settler = NewSigner(keys[1]);
        TreasurySigner = NewSigner(keys[2]);
        Treasury = TreasurySigner.Address;
        // Anvil funds seven more development accounts; the other workers get derived keys funded here.
        var workerKeys = keys.Skip(3).ToList();
        for (var i = 0; workerKeys.Count < WorkerKeyCount; i++)
        {
            workerKeys.Add("0x" + Convert.ToHexString(Nethereum.Util.Sha3Keccack.Current.CalculateHash(
                System.Text.Encoding.UTF8.GetBytes($"tokenlabeling-test-worker-{i}"))));
        }

        Workers = [.. workerKeys.Select(NewSigner)];
        foreach (var w in Workers)
        {
            await SetEtherBalanceAsync(w.Address, BigInteger.Pow(10, 22));
        }


        (Token, _) = await TokenClient.DeployAsync(Admin, "Label Token", "LBL", BigInteger.Pow(10, 30));
        (Escrow, _) = await EscrowClient.DeployAsync(Admin, Admin.Address, Treasury);
        await Escrow.GrantRoleAsync(EscrowClient.SettlerRole, Settler.Address);
        await Escrow.GrantRoleAsync(EscrowClient.ArbiterRole, Admin.Address);
        foreach (var w in Workers)
        {
            await Token.TransferAsync(w.Address, BigInteger.Pow(10, 27));
        }

        WorkerGroups = [.. Workers.Chunk(4).Select(g => (IReadOnlyList<ChainSigner>)g)];
    }

    public Task DisposeAsync()
    {
        foreach (var s in _signers)
        {
            s.Dispose();
        }

        _node?.Dispose();
        return Task.CompletedTask;
    }

    public ChainSigner NewSigner(string privateKey)
    {
        var signer = new ChainSigner(Node.RpcUrl, privateKey, AnvilNode.ChainId, TimeSpan.FromMilliseconds(1))
        {
            // Skips gas estimation on this local node; a revert still surfaces (status 0, replayed for its data).
            FixedGasLimit = 3_000_000,
        };
        _signers.Add(signer);
        return signer;
    }

    /// <summary>Takes a snapshot; a snapshot is consumed by its revert, so take a new one per test.</summary>
    public async Task<string> SnapshotAsync()
    {
        using var doc = JsonDocument.Parse(await Node.RpcAsync("evm_snapshot"));
        return doc.RootElement.GetProperty("result").GetString()!;
    }

    /// <summary>Reverts to a snapshot and re-reads every signer's nonce (they went back with the state).</summary>
    public async Task RevertAsync(string snapshot)
    {
        var response = await Node.RpcAsync("evm_revert", $"[\"{snapshot}\"]");
        if (!response.Contains("true", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"evm_revert {snapshot} failed: {response}");
        }

        foreach (var s in _signers)
        {
            await s.ResetNonceAsync();
        }
    }

    /// <summary>Mines a block at exactly <paramref name="timestamp"/> (chain time only moves forward).</summary>
    public async Task SetTimeAsync(ulong timestamp)
    {
        await Node.RpcAsync("evm_setNextBlockTimestamp", $"[{timestamp.ToString(CultureInfo.InvariantCulture)}]");
        await Node.RpcAsync("evm_mine");
    }

    public async Task SetEtherBalanceAsync(string account, BigInteger wei) =>
        await Node.RpcAsync("anvil_setBalance", $"[\"{account}\",\"0x{wei.ToString("x", CultureInfo.InvariantCulture).TrimStart('0')}\"]");
}

[CollectionDefinition(Name)]
public sealed class AnvilCollection : ICollectionFixture<AnvilFixture>
{
    public const string Name = "anvil";
}

/// <summary>Every test starts from the fixture's deployed state: a snapshot before, a revert after.</summary>
public abstract class ChainTest(AnvilFixture chain) : IAsyncLifetime
{
    private string _snapshot = string.Empty;

    protected AnvilFixture Chain { get; } = chain;

    public async Task InitializeAsync() => _snapshot = await Chain.SnapshotAsync();

    public Task DisposeAsync() => Chain.RevertAsync(_snapshot);
}
