// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using System.Text;
using Nethereum.ABI;
using Nethereum.Util;
using TokenLabeling.Chain.Bindings.LabelingEscrow.ContractDefinition;
using TokenLabeling.Chain.Client;

namespace TokenLabeling.Chain.Tests.Client;

public sealed class ContractErrorDecoderTests
{
    private static string RevertData(string signature, params ABIValue[] args)
    {
        var selector = Sha3Keccack.Current.CalculateHash(Encoding.ASCII.GetBytes(signature)).AsSpan(0, 4).ToArray();
        return "0x" + Convert.ToHexString([.. selector, .. new ABIEncode().GetABIEncoded(args)]);
    }

    [Fact]
    public void DecodesACustomErrorWithItsArguments()
    {
        var data = RevertData("AlreadyClaimed(uint256,address)", new ABIValue("uint256", new BigInteger(5)), new ABIValue("address", "0x00000000000000000000000000000000000000a1"));
        Assert.True(ContractErrorDecoder.TryDecode(data, out var name, out var error, out var args));
        Assert.Equal("AlreadyClaimed", name);
        var typed = Assert.IsType<AlreadyClaimedError>(error);
        Assert.Equal((BigInteger)5, typed.TaskId);
        Assert.Equal((BigInteger)5, args["taskId"]);
    }

    [Fact]
    public void DecodesBuiltInErrorAndPanic_AndRejectsUnknownSelectors()
    {
        Assert.True(ContractErrorDecoder.TryDecode(RevertData("Error(string)", new ABIValue("string", "nope")), out var name, out _, out var args));
        Assert.Equal(("Error", "nope"), (name, (string)args["message"]!));
        Assert.True(ContractErrorDecoder.TryDecode(RevertData("Panic(uint256)", new ABIValue("uint256", new BigInteger(0x11))), out name, out _, out args));
        Assert.Equal(("Panic", (BigInteger)0x11), (name, (BigInteger)args["code"]!));
        Assert.False(ContractErrorDecoder.TryDecode("0xdeadbeef", out _, out _, out _));
        Assert.False(ContractErrorDecoder.TryDecode(string.Empty, out _, out _, out _));
    }
}
