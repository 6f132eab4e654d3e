// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;

namespace TokenLabeling.Chain.Client;

/// <summary>A mined, successful transaction: its hash, block and the gas it used.</summary>
/// <param name="TransactionHash">Transaction hash (0x-prefixed hex).</param>
/// <param name="BlockNumber">Block the transaction was mined in.</param>
/// <param name="GasUsed">Gas used by the transaction, from its receipt.</param>
/// <param name="ContractAddress">Address of the deployed contract for a deployment, otherwise <see langword="null"/>.</param>
public sealed record ChainReceipt(string TransactionHash, BigInteger BlockNumber, BigInteger GasUsed, string? ContractAddress = null);
