// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using Nethereum.ABI;
using Nethereum.Util;
using TokenLabeling.Chain.Commitments;

namespace TokenLabeling.Chain.Tests.Commitments;

public sealed class LabelCommitmentsTests
{
    private const string Escrow = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    private const string Worker = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

    [Fact]
    public void Keccak_OfEmptyInput_IsThePublishedValue() =>
        Assert.Equal("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", Convert.ToHexString(Sha3Keccack.Current.CalculateHash([])).ToLowerInvariant());

    [Fact]
    public void Commitment_IsKeccakOfAbiEncodedChainContractTaskItemWorkerLabelSalt()
    {
        var salt = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var encoded = new ABIEncode().GetABIEncoded(
            new ABIValue("uint256", new BigInteger(31337)), new ABIValue("address", Escrow), new ABIValue("uint256", new BigInteger(4)),
            new ABIValue("uint256", new BigInteger(11)), new ABIValue("address", Worker), new ABIValue("uint256", new BigInteger(2)),
            new ABIValue("bytes32", salt));
        Assert.Equal(7 * 32, encoded.Length);
        Assert.Equal(Sha3Keccack.Current.CalculateHash(encoded), LabelCommitments.Compute(31337, Escrow, 4, 11, Worker, 2, salt));
    }

    [Fact]
    public void Commitment_ChangesWithEveryBoundField()
    {
        var salt = LabelCommitments.CreateSalt();
        var baseline = Convert.ToHexString(LabelCommitments.Compute(31337, Escrow, 4, 11, Worker, 2, salt));
        string[] variants =
        [
            Convert.ToHexString(LabelCommitments.Compute(1, Escrow, 4, 11, Worker, 2, salt)),
            Convert.ToHexString(LabelCommitments.Compute(31337, Worker, 4, 11, Worker, 2, salt)),
            Convert.ToHexString(LabelCommitments.Compute(31337, Escrow, 5, 11, Worker, 2, salt)),
            Convert.ToHexString(LabelCommitments.Compute(31337, Escrow, 4, 12, Worker, 2, salt)),
            Convert.ToHexString(LabelCommitments.Compute(31337, Escrow, 4, 11, Escrow, 2, salt)),
            Convert.ToHexString(LabelCommitments.Compute(31337, Escrow, 4, 11, Worker, 3, salt)),
            Convert.ToHexString(LabelCommitments.Compute(31337, Escrow, 4, 11, Worker, 2, LabelCommitments.CreateSalt())),
        ];
        Assert.DoesNotContain(baseline, variants);
        Assert.Equal(variants.Length, variants.Distinct().Count());
    }

    [Fact]
    public void Salts_Are32RandomBytes()
    {
        var a = LabelCommitments.CreateSalt();
        var b = LabelCommitments.CreateSalt();
        Assert.Equal(32, a.Length);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Compute_ValidatesItsInputs()
    {
        Assert.Throws<ArgumentException>(() => LabelCommitments.Compute(1, Escrow, 1, 0, Worker, 0, new byte[31]));
        Assert.Throws<ArgumentException>(() => LabelCommitments.Compute(1, "0x1234", 1, 0, Worker, 0, new byte[32]));
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelCommitments.Compute(1, Escrow, -1, 0, Worker, 0, new byte[32]));
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelCommitments.Compute(1, Escrow, 1, -1, Worker, 0, new byte[32]));
    }
}
