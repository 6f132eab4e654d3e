// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Diagnostics;
using TokenLabeling.Chain.DevChain;

namespace TokenLabeling.Demo;

/// <summary>Finds the repository and installs the pinned chain toolchain (npm ci) when anvil is missing.</summary>
internal static class Toolchain
{
    public static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TokenLabeling.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DemoException("cannot find the repository (TokenLabeling.sln) above the demo; run it from a clone with `dotnet run --project samples/TokenLabeling.Demo`.");
    }

    public static async Task<string> EnsureAnvilAsync(TextWriter log, CancellationToken cancellationToken)
    {
        var root = FindRepositoryRoot();
        if (AnvilNode.TryLocate(root, out var binary, out _))
        {
            return binary;
        }

        var contracts = Path.Combine(root, "src", "TokenLabeling.Chain", "contracts");
        log.WriteLine($"Installing the pinned chain toolchain (npm ci in {Path.GetRelativePath(root, contracts)}) ...");
        var start = new ProcessStartInfo("npm", "ci --no-audit --no-fund")
        {
            WorkingDirectory = contracts,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var npm = Process.Start(start) ?? throw new DemoException("could not start npm; install Node.js and npm.");
        var stdout = npm.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = npm.StandardError.ReadToEndAsync(cancellationToken);
        await npm.WaitForExitAsync(cancellationToken);
        if (npm.ExitCode != 0)
        {
            throw new DemoException($"npm ci failed with exit code {npm.ExitCode}:\n{await stderr}{await stdout}");
        }

        return AnvilNode.TryLocate(root, out binary, out var problem)
            ? binary
            : throw new DemoException($"npm ci finished but anvil is still missing: {problem}");
    }
}
