// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using Nethereum.ABI;
using Nethereum.Util;
using TokenLabeling.Chain.Merkle;

namespace TokenLabeling.Chain.Tests.Merkle;

public sealed class SettlementMerkleTreeTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.StartsWith("0x", StringComparison.Ordinal) ? hex[2..] : hex);

    private static byte[] Keccak(byte[] data) => Sha3Keccack.Current.CalculateHash(data);

    // A published OpenZeppelin StandardMerkleTree dump (format standard-v1, leaf encoding ["address", "uint256"]):
    // values (0x80d628ff4AC2aFf620C3474663F1e559234bbE0c, 0 / 1 / 2) at tree indices 4 / 3 / 2, root 0x0fecce44….
    private const string OzAccount = "0x80d628ff4AC2aFf620C3474663F1e559234bbE0c";
    private static readonly string[] s_ozLeaves =
    [
        "1867c4ebd455913e429523a5c2d4b3a79f58068b5a25af911956245ed03a659d",
        "36fb17c97ec80bb961ff0adff1af4a2a34847ecc40653c162e327117a76e3ec9",
        "d90245da324d7908326a3d56a9659741551a4603c397bf4dd373976bd85660e7",
    ];

    private const string OzRoot = "0fecce441c7468f17e3fe4a5f211b77a15b27c9ab3d33317df385dfbe5487034";

    [Fact]
    public void DoubleHashedLeaves_MatchOpenZeppelinStandardTree()
    {
        var encoder = new ABIEncode();
        for (var i = 0; i < 3; i++)
        {
            var inner = Keccak(encoder.GetABIEncoded(new ABIValue("address", OzAccount), new ABIValue("uint256", new BigInteger(i))));
            Assert.Equal(s_ozLeaves[i], Convert.ToHexString(Keccak(inner)).ToLowerInvariant());
        }
    }

    [Fact]
    public void Root_OfThreeLeaves_MatchesOpenZeppelinStandardTree_AndEveryProofVerifies()
    {
        var hashes = s_ozLeaves.Select(Hex).ToArray();
        var entries = Enumerable.Range(0, 3).Select(i => new SettlementLeaf(1, i, OzAccount, i)).ToArray();
        var tree = SettlementMerkleTree.FromLeafHashes(entries, hashes);

        Assert.Equal(OzRoot, Convert.ToHexString(tree.Root.Span).ToLowerInvariant());
        for (var i = 0; i < 3; i++)
        {
            Assert.True(SettlementMerkleTree.Verify(tree.GetProof(i), tree.Root.Span, hashes[i]));
        }
    }

    [Fact]
    public void HashPair_IsCommutative_AndSortsItsInputs()
    {
        var a = Hex(s_ozLeaves[0]);
        var b = Hex(s_ozLeaves[2]);
        var expected = Keccak([.. a, .. b]); // a < b byte-wise
        Assert.Equal(expected, SettlementMerkleTree.HashPair(a, b));
        Assert.Equal(expected, SettlementMerkleTree.HashPair(b, a));
    }

    [Fact]
    public void Leaf_IsDoubleHashedAbiEncodingOfTaskIndexAccountAmount()
    {
        var leaf = new SettlementLeaf(7, 3, "0x00000000000000000000000000000000000000aa", BigInteger.Pow(10, 18));
        var encoded = new ABIEncode().GetABIEncoded(
            new ABIValue("uint256", new BigInteger(7)), new ABIValue("uint256", new BigInteger(3)),
            new ABIValue("address", "0x00000000000000000000000000000000000000aa"), new ABIValue("uint256", BigInteger.Pow(10, 18)));
        Assert.Equal(128, encoded.Length);
        Assert.Equal(Keccak(Keccak(encoded)), leaf.ComputeHash());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(100)]
    [InlineData(257)]
    public void EveryProof_Verifies_AndProofLengthIsLogarithmic(int count)
    {
        var leaves = Enumerable.Range(0, count).Select(i => new SettlementLeaf(9, i, $"0x{i + 1:x40}", i * 1000)).ToArray();
        var tree = SettlementMerkleTree.Build(leaves);
        var depth = (int)Math.Ceiling(Math.Log2(count));
        for (var i = 0; i < count; i++)
        {
            var proof = tree.GetProof(i);
            Assert.True(proof.Count <= depth, $"leaf {i}: proof {proof.Count} > {depth}");
            Assert.True(SettlementMerkleTree.Verify(proof, tree.Root.Span, leaves[i].ComputeHash()), $"leaf {i} of {count}");
        }
    }

    [Fact]
    public void ProofOfOneLeaf_DoesNotVerifyAnother_NorATamperedAmount()
    {
        var leaves = Enumerable.Range(0, 6).Select(i => new SettlementLeaf(2, i, $"0x{i + 1:x40}", 500 + i)).ToArray();
        var tree = SettlementMerkleTree.Build(leaves);
        Assert.False(SettlementMerkleTree.Verify(tree.GetProof(0), tree.Root.Span, leaves[1].ComputeHash()));
        Assert.False(SettlementMerkleTree.Verify(tree.GetProof(0), tree.Root.Span, (leaves[0] with { Amount = 501 }).ComputeHash()));
        Assert.False(SettlementMerkleTree.Verify(tree.GetProof(0), tree.Root.Span, (leaves[0] with { TaskId = 3 }).ComputeHash()));
    }

    [Fact]
    public void Build_RejectsEmptyTrees_AndAnAccountTwiceInOneTask()
    {
        Assert.Throws<ArgumentException>(() => SettlementMerkleTree.Build([]));
        var e = Assert.Throws<ArgumentException>(() => SettlementMerkleTree.Build(
            [new SettlementLeaf(1, 0, "0x00000000000000000000000000000000000000AA", 1), new SettlementLeaf(1, 1, "0x00000000000000000000000000000000000000aa", 2)]));
        Assert.Contains("Leaf 1", e.Message, StringComparison.Ordinal);
    }
}
