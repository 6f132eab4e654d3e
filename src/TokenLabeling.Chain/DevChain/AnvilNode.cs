// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Numerics;
using System.Text;

namespace TokenLabeling.Chain.DevChain;

/// <summary>
/// A local anvil node started from the pinned npm package, bound to 127.0.0.1 on a free port and stopped by its
/// process id on dispose. For tests and demos only.
/// </summary>
/// <remarks>
/// After some hundreds of blocks anvil writes older states to disk. Stopped by its process id it cannot remove them, so they
/// piled up under <c>~/.foundry/anvil/tmp</c> (1.7 GB per run of this repository's test suite). The node therefore keeps them in
/// a temporary folder of its own (<c>--cache-path</c>) and deletes it on dispose, unless the caller passes
/// <c>--cache-path</c> or <c>--prune-history</c> itself.
/// </remarks>
public sealed class AnvilNode : IDisposable
{
    /// <summary>Path of the anvil binary inside the contracts folder's <c>node_modules</c>.</summary>
    public const string RelativeBinaryPath = "src/TokenLabeling.Chain/contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

    /// <summary>Chain id the node runs with.</summary>
    public const long DefaultChainId = 31337;

    /// <summary>Mnemonic anvil derives its funded development accounts from (public test keys: never use them for real funds).</summary>
    public const string DevelopmentMnemonic = "test test test test test test test test test test test junk";

    private static readonly string[] s_developmentKeys =
    [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
        "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
        "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
        "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
        "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
        "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
    ];

    private readonly Process _process;
    private readonly HttpClient _http = new();
    private readonly string? _statePath;
    private int _disposed;

    private AnvilNode(Process process, int port, string binaryPath, string? statePath)
    {
        _process = process;
        _statePath = statePath;
        Port = port;
        BinaryPath = binaryPath;
        RpcUrl = $"http://127.0.0.1:{port}";
    }

    /// <summary>Gets the JSON-RPC URL.</summary>
    public string RpcUrl { get; }

    /// <summary>Gets the TCP port.</summary>
    public int Port { get; }

    /// <summary>Gets the anvil binary that runs.</summary>
    public string BinaryPath { get; }

    /// <summary>Gets the temporary folder anvil writes older states to, deleted on dispose; <see langword="null"/> when the caller
    /// passed <c>--cache-path</c> or <c>--prune-history</c>.</summary>
    public string? StateDirectory => _statePath;

    /// <summary>Gets the process id of the node.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Gets the chain id.</summary>
    public static BigInteger ChainId => DefaultChainId;

    /// <summary>Gets the private keys of anvil's ten funded development accounts (public test keys).</summary>
    public static IReadOnlyList<string> DevelopmentKeys => s_developmentKeys;

    /// <summary>Finds the anvil binary of the repository that contains <paramref name="startDirectory"/>.</summary>
    /// <param name="startDirectory">A folder inside the repository, typically <see cref="AppContext.BaseDirectory"/>.</param>
    /// <param name="binaryPath">The binary, when found.</param>
    /// <param name="problem">Why it was not found, with what to do.</param>
    /// <returns><see langword="true"/> when the binary exists.</returns>
    public static bool TryLocate(string startDirectory, out string binaryPath, out string problem)
    {
        binaryPath = string.Empty;
        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TokenLabeling.sln")))
            {
                var candidate = Path.Combine(dir.FullName, RelativeBinaryPath);
                if (File.Exists(candidate))
                {
                    binaryPath = candidate;
                    problem = string.Empty;
                    return true;
                }

                problem = $"anvil was not found at {candidate}. Install the pinned chain toolchain with " +
                    $"'npm ci' in {Path.Combine(dir.FullName, "src", "TokenLabeling.Chain", "contracts")} (CI runs it in eng/test.sh).";
                return false;
            }
        }

        problem = $"No folder holding TokenLabeling.sln above {startDirectory}: cannot locate anvil.";
        return false;
    }

    /// <summary>Starts anvil on 127.0.0.1 on a free port and waits until it answers JSON-RPC.</summary>
    /// <param name="binaryPath">The anvil binary (see <see cref="TryLocate"/>).</param>
    /// <param name="extraArguments">More command-line arguments, for example <c>--enable-tx-gas-limit</c>.</param>
    /// <param name="timeout">How long to wait for the node to answer; 20 s when <see langword="null"/>.</param>
    /// <returns>The running node.</returns>
    /// <exception cref="FileNotFoundException">The binary does not exist.</exception>
    /// <exception cref="TimeoutException">The node did not answer in time.</exception>
    public static async Task<AnvilNode> StartAsync(string binaryPath, IEnumerable<string>? extraArguments = null, TimeSpan? timeout = null)
    {
        if (!File.Exists(binaryPath))
        {
            throw new FileNotFoundException("anvil binary not found; run 'npm ci' in src/TokenLabeling.Chain/contracts.", binaryPath);
        }

        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var extra = extraArguments?.ToArray() ?? [];
        var ownStatePath = !extra.Any(a => a is "--cache-path" or "--prune-history" || a.StartsWith("--cache-path=", StringComparison.Ordinal) || a.StartsWith("--prune-history=", StringComparison.Ordinal));
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var info = new ProcessStartInfo(binaryPath)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            foreach (var a in new[] { "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--chain-id", DefaultChainId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent" })
            {
                info.ArgumentList.Add(a);
            }

            string? statePath = null;
            if (ownStatePath)
            {
                statePath = Directory.CreateTempSubdirectory("tokenlabeling-anvil-").FullName;
                info.ArgumentList.Add("--cache-path");
                info.ArgumentList.Add(statePath);
            }

            foreach (var a in extra)
            {
                info.ArgumentList.Add(a);
            }

            var process = Process.Start(info);
            if (process is null)
            {
                DeleteStatePath(statePath);
                throw new InvalidOperationException($"Could not start {binaryPath}.");
            }

            process.OutputDataReceived += static (_, _) => { };
            process.ErrorDataReceived += static (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var node = new AnvilNode(process, port, binaryPath, statePath);
            if (await node.WaitUntilReadyAsync(limit).ConfigureAwait(false))
            {
                return node;
            }

            node.Dispose();
            // Another process may have taken the port between probing and binding: try a fresh one.
            if (attempt >= 2)
            {
                throw new TimeoutException($"anvil did not answer JSON-RPC on port {port} within {limit.TotalSeconds:0} s.");
            }
        }
    }

    /// <summary>Sends a raw JSON-RPC request and returns the raw JSON response (for node-specific methods such as <c>evm_snapshot</c>).</summary>
    /// <param name="method">The method.</param>
    /// <param name="jsonParams">The params array as JSON, for example <c>[]</c> or <c>["0x1"]</c>.</param>
    /// <returns>The response body.</returns>
    public async Task<string> RpcAsync(string method, string jsonParams = "[]")
    {
        var body = $"{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"{method}\",\"params\":{jsonParams}}}";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(RpcUrl), content).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the node by its process id and deletes the states it wrote to disk.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
            _http.Dispose();
            DeleteStatePath(_statePath);
        }
    }

    private static void DeleteStatePath(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a folder in the temporary directory that could not be removed now is left to the system.
        }
    }

    private async Task<bool> WaitUntilReadyAsync(TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                return false;
            }

            try
            {
                var response = await RpcAsync("eth_chainId").ConfigureAwait(false);
                if (response.Contains("\"result\"", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
