// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using Nethereum.ABI.EIP712;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Signer;
using Nethereum.Signer.EIP712;
using TokenLabeling.Chain.Bindings.LabelingEscrow.ContractDefinition;
using TokenLabeling.Chain.DevChain;
using TokenLabeling.Chain.IntegrationTests.Infrastructure;

namespace TokenLabeling.Chain.IntegrationTests;

[Struct("Permit")]
public sealed class PermitMessage
{
    [Parameter("address", "owner", 1)]
    public string Owner { get; set; } = string.Empty;

    [Parameter("address", "spender", 2)]
    public string Spender { get; set; } = string.Empty;

    [Parameter("uint256", "value", 3)]
    public BigInteger Value { get; set; }

    [Parameter("uint256", "nonce", 4)]
    public BigInteger Nonce { get; set; }

    [Parameter("uint256", "deadline", 5)]
    public BigInteger Deadline { get; set; }
}

/// <summary>EIP-2612 permits: a budget approved by signature; a front-run (already used) permit does not block the task.</summary>
[Collection(AnvilCollection.Name)]
public sealed class PermitTests(AnvilFixture chain) : ChainTest(chain)
{
    [Fact]
    public async Task CreateTaskWithPermit_NeedsNoApproval_AndSurvivesAFrontRunPermit()
    {
        var requester = Chain.Workers[6];
        var key = AnvilNode.DevelopmentKeys[9];
        Assert.Equal(requester.Address, new EthECKey(key).GetPublicAddress());
        var token = Chain.Token.TokenAddress;
        var escrow = Chain.Escrow.EscrowAddress;
        var now = await Chain.Escrow.GetLatestBlockTimestampAsync();
        var p = new TaskParams
        {
            Token = token, Budget = 5000, MinStake = 0, ItemCount = 1, LabelCount = 2, AnnotatorsPerItem = 1, ThresholdBps = 5000,
            SlashBps = 0, FeeBps = 0, CommitDeadline = now + 3600, RevealDeadline = now + 7200, ClaimWindow = 3600,
            DatasetHash = new byte[32], DatasetUri = string.Empty,
        };
        var (v, r, s) = SignPermit(key, requester.Address, escrow, token, 5000, nonce: 0, deadline: now + 3600);
        var function = new CreateTaskWithPermitFunction { P = p, Deadline = now + 3600, V = v, R = r, S = s };

        // Someone submits the permit first (it is public in the mempool): the allowance is set, the nonce used.
        await Chain.Admin.SendAsync(token, new global::TokenLabeling.Chain.Bindings.LabelToken.ContractDefinition.PermitFunction
        {
            Owner = requester.Address, Spender = escrow, Value = 5000, Deadline = now + 3600, V = v, R = r, S = s,
        });
        var receipt = await requester.SendAsync(escrow, function);

        Assert.True(receipt.GasUsed > 0);
        Assert.Equal(BigInteger.Zero, await Chain.Token.AllowanceAsync(requester.Address, escrow));
        Assert.Equal((BigInteger)5000, await Chain.Token.BalanceOfAsync(escrow));
    }

    private static (byte V, byte[] R, byte[] S) SignPermit(string key, string owner, string spender, string token, BigInteger value, BigInteger nonce, BigInteger deadline)
    {
        var typedData = new TypedData<Domain>
        {
            Domain = new Domain { Name = "Label Token", Version = "1", ChainId = AnvilNode.ChainId, VerifyingContract = token },
            Types = MemberDescriptionFactory.GetTypesMemberDescription(typeof(Domain), typeof(PermitMessage)),
            PrimaryType = "Permit",
        };
        var message = new PermitMessage { Owner = owner, Spender = spender, Value = value, Nonce = nonce, Deadline = deadline };
        var signature = Convert.FromHexString(new Eip712TypedDataSigner().SignTypedDataV4(message, typedData, new EthECKey(key))[2..]);
        return (signature[64], signature[..32], signature[32..64]);
    }
}
