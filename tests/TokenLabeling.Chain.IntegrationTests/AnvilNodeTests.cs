// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using TokenLabeling.Chain.DevChain;
using TokenLabeling.Chain.IntegrationTests.Infrastructure;

namespace TokenLabeling.Chain.IntegrationTests;

/// <summary>The development node's own housekeeping: where its persisted states go and that they are removed.</summary>
public sealed class AnvilNodeTests
{
    [Fact]
    public async Task PersistedStates_GoToTheNodesFolder_AndAreDeletedOnDispose()
    {
        var anvilPath = AnvilFixture.LocateAnvil();
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var defaultFolder = Path.Combine(home, ".foundry", "anvil", "tmp");
        var before = Directory.Exists(defaultFolder) ? Directory.GetDirectories(defaultFolder).Length : 0;
        string folder;
        using (var node = await AnvilNode.StartAsync(anvilPath))
        {
            folder = node.StateDirectory ?? throw new InvalidOperationException("The node chose no state folder.");
            Assert.True(Directory.Exists(folder), folder);

            // Enough blocks for anvil to move older states out of memory.
            var response = await node.RpcAsync("anvil_mine", "[\"0x" + 1200.ToString("x", CultureInfo.InvariantCulture) + "\"]");
            Assert.Contains("\"result\"", response, StringComparison.Ordinal);
            var height = await node.RpcAsync("eth_blockNumber");
            Assert.Contains("0x4b0", height, StringComparison.Ordinal);
            Assert.NotEmpty(Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories));
        }

        Assert.False(Directory.Exists(folder), $"{folder} is still there after dispose.");
        var after = Directory.Exists(defaultFolder) ? Directory.GetDirectories(defaultFolder).Length : 0;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task CallersOwnCachePath_IsLeftAlone()
    {
        var anvilPath = AnvilFixture.LocateAnvil();
        var own = Directory.CreateTempSubdirectory("tokenlabeling-anvil-test-").FullName;
        try
        {
            using (var node = await AnvilNode.StartAsync(anvilPath, ["--cache-path", own]))
            {
                Assert.Null(node.StateDirectory);
            }

            Assert.True(Directory.Exists(own));
        }
        finally
        {
            Directory.Delete(own, recursive: true);
        }
    }
}
