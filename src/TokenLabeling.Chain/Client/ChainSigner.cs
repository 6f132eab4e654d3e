// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.RPC.NonceServices;
using Nethereum.RPC.TransactionReceipts;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace TokenLabeling.Chain.Client;

/// <summary>
/// One key, one account, one nonce sequence: every transaction of this key goes through this object, one at a
/// time, so nonces never collide. Create exactly one signer per private key and share it.
/// </summary>
/// <remarks>
/// Every transaction's receipt is checked: a mined transaction with status 0 raises a
/// <see cref="ContractRevertException"/> (its revert data recovered by replaying it as a call), and a transaction
/// refused at gas estimation raises one with the decoded custom error. After a failed send the nonce is re-read
/// from the node.
/// </remarks>
public sealed class ChainSigner : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Account _account;

    /// <summary>Initializes a signer.</summary>
    /// <param name="rpcUrl">JSON-RPC endpoint, for example <c>http://127.0.0.1:8545</c>.</param>
    /// <param name="privateKey">Hex private key (with or without 0x).</param>
    /// <param name="chainId">Chain id (31337 for a local anvil node).</param>
    /// <param name="receiptPollingInterval">How often to poll for a receipt; 100 ms when <see langword="null"/> (use a few ms on a local node).</param>
    /// <exception cref="ArgumentException">The URL or key is empty.</exception>
    public ChainSigner(string rpcUrl, string privateKey, BigInteger chainId, TimeSpan? receiptPollingInterval = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rpcUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(privateKey);
        _account = new Account(privateKey, chainId);
        Web3 = new Web3(_account, rpcUrl);
        _account.NonceService = new InMemoryNonceService(_account.Address, Web3.Client);
        Web3.TransactionManager.TransactionReceiptService = new TransactionReceiptPollingService(
            Web3.TransactionManager, (int)Math.Max(1, (receiptPollingInterval ?? TimeSpan.FromMilliseconds(100)).TotalMilliseconds));
        ChainId = chainId;
    }

    /// <summary>Gets the signer's address.</summary>
    public string Address => _account.Address;

    /// <summary>Gets the chain id the signer signs for.</summary>
    public BigInteger ChainId { get; }

    /// <summary>
    /// Gets or sets a gas limit given to every transaction that does not set its own, which skips gas estimation
    /// (one round trip less; useful on a local node). A transaction that then reverts is mined with status 0 and
    /// still raises <see cref="ContractRevertException"/> with the revert data recovered by a replay.
    /// </summary>
    public BigInteger? FixedGasLimit { get; set; }

    /// <summary>Gets the Web3 instance bound to this signer (use it for reads; send through this signer).</summary>
    public IWeb3 Web3 { get; }

    /// <summary>Sends a contract function as a transaction and waits for a successful receipt.</summary>
    /// <typeparam name="TFunction">The generated function message type.</typeparam>
    /// <param name="contractAddress">The contract.</param>
    /// <param name="function">The call; <c>Gas</c> may be set to skip estimation.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt summary.</returns>
    /// <exception cref="ContractRevertException">The transaction reverted.</exception>
    public async Task<ChainReceipt> SendAsync<TFunction>(
        string contractAddress, TFunction function, CancellationToken cancellationToken = default)
        where TFunction : FunctionMessage, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contractAddress);
        ArgumentNullException.ThrowIfNull(function);
        function.FromAddress = Address;
        if (function.Gas is null && FixedGasLimit is { } gas)
        {
            function.Gas = gas;
        }

        var operation = OperationName(typeof(TFunction).Name, "Function");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TransactionReceipt receipt;
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                receipt = await Web3.Eth.GetContractTransactionHandler<TFunction>()
                    .SendRequestAndWaitForReceiptAsync(contractAddress, function, cts).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await _account.NonceService.ResetNonceAsync().ConfigureAwait(false);
                throw Wrap(operation, e, transactionHash: null);
            }

            if (receipt.Status?.Value != BigInteger.One)
            {
                var data = await ReplayRevertDataAsync(contractAddress, function, receipt.BlockNumber).ConfigureAwait(false);
                throw Revert(operation, data, receipt.TransactionHash, null);
            }

            return ToReceipt(receipt);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deploys a contract and waits for a successful receipt.</summary>
    /// <typeparam name="TDeployment">The generated deployment message type.</typeparam>
    /// <param name="deployment">The deployment with its constructor arguments.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt summary, with the new contract's address.</returns>
    /// <exception cref="ContractRevertException">The deployment reverted.</exception>
    public async Task<ChainReceipt> DeployAsync<TDeployment>(TDeployment deployment, CancellationToken cancellationToken = default)
        where TDeployment : ContractDeploymentMessage, new()
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var operation = "deploy " + OperationName(typeof(TDeployment).Name, "Deployment");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TransactionReceipt receipt;
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                receipt = await Web3.Eth.GetContractDeploymentHandler<TDeployment>()
                    .SendRequestAndWaitForReceiptAsync(deployment, cts).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await _account.NonceService.ResetNonceAsync().ConfigureAwait(false);
                throw Wrap(operation, e, transactionHash: null);
            }

            if (receipt.Status?.Value != BigInteger.One)
            {
                throw Revert(operation, string.Empty, receipt.TransactionHash, null);
            }

            return ToReceipt(receipt);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Calls a view function (eth_call) from this signer's address and decodes its output.</summary>
    /// <typeparam name="TFunction">The generated function message type.</typeparam>
    /// <typeparam name="TOutput">The generated output type.</typeparam>
    /// <param name="contractAddress">The contract.</param>
    /// <param name="function">The call.</param>
    /// <returns>The decoded output.</returns>
    /// <exception cref="ContractRevertException">The call reverted.</exception>
    public async Task<TOutput> CallAsync<TFunction, TOutput>(string contractAddress, TFunction function)
        where TFunction : FunctionMessage, new()
        where TOutput : IFunctionOutputDTO, new()
    {
        ArgumentNullException.ThrowIfNull(function);
        function.FromAddress = Address;
        try
        {
            return await Web3.Eth.GetContractQueryHandler<TFunction>()
                .QueryDeserializingToObjectAsync<TOutput>(function, contractAddress).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Wrap(OperationName(typeof(TFunction).Name, "Function"), e, transactionHash: null);
        }
    }

    /// <summary>Simulates a transaction with eth_call (no state change) and reports whether and how it would revert.</summary>
    /// <typeparam name="TFunction">The generated function message type.</typeparam>
    /// <param name="contractAddress">The contract.</param>
    /// <param name="function">The call.</param>
    /// <returns><see langword="null"/> when the call succeeds, otherwise the revert.</returns>
    public async Task<ContractRevertException?> SimulateAsync<TFunction>(string contractAddress, TFunction function)
        where TFunction : FunctionMessage, new()
    {
        ArgumentNullException.ThrowIfNull(function);
        function.FromAddress = Address;
        try
        {
            await Web3.Eth.GetContractQueryHandler<TFunction>()
                .QueryRawAsync(contractAddress, function, BlockParameter.CreateLatest()).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Wrap(OperationName(typeof(TFunction).Name, "Function"), e, transactionHash: null);
        }
    }

    /// <summary>Re-reads the account's nonce from the node (after transactions were sent by other means).</summary>
    /// <returns>A task that completes when the nonce was reset.</returns>
    public Task ResetNonceAsync() => _account.NonceService.ResetNonceAsync();

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    private async Task<string> ReplayRevertDataAsync<TFunction>(string contract, TFunction function, HexBigInteger block)
        where TFunction : FunctionMessage, new()
    {
        try
        {
            // Replaying on the state before the block gives the revert data of a transaction mined with status 0
            // (exact when it was the only one of its kind in the block, which is the case on a local node).
            var before = new BlockParameter(new HexBigInteger(BigInteger.Max(BigInteger.Zero, block.Value - 1)));
            await Web3.Eth.GetContractQueryHandler<TFunction>().QueryRawAsync(contract, function, before).ConfigureAwait(false);
            return string.Empty;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return RevertDataOf(e) ?? string.Empty;
        }
    }

    internal static ContractRevertException Wrap(string operation, Exception e, string? transactionHash)
    {
        if (e is ContractRevertException already)
        {
            return already;
        }

        var data = RevertDataOf(e);
        if (data is null && FindInChain<SmartContractRevertException>(e) is { } reason)
        {
            return new ContractRevertException(
                operation, "Error", null, new Dictionary<string, object?> { ["message"] = reason.RevertMessage }, string.Empty,
                transactionHash, e);
        }

        return Revert(operation, data ?? string.Empty, transactionHash, e);
    }

    private static ContractRevertException Revert(string operation, string data, string? transactionHash, Exception? inner)
    {
        if (ContractErrorDecoder.TryDecode(data, out var name, out var error, out var arguments))
        {
            return new ContractRevertException(operation, name, error, arguments, data, transactionHash, inner);
        }

        return new ContractRevertException(
            operation, string.Empty, null, new Dictionary<string, object?>(), data, transactionHash, inner);
    }

    private static string? RevertDataOf(Exception e)
    {
        if (FindInChain<SmartContractCustomErrorRevertException>(e) is { } custom)
        {
            return custom.ExceptionEncodedData;
        }

        if (FindInChain<RpcResponseException>(e) is { RpcError.Data: { } data })
        {
            var text = (data.ToString() ?? string.Empty).Trim('"');
            return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text : null;
        }

        return null;
    }

    private static T? FindInChain<T>(Exception e)
        where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Count > 0)
            {
                return FindInChain<T>(aggregate.InnerExceptions[0]);
            }
        }

        return null;
    }

    private static ChainReceipt ToReceipt(TransactionReceipt receipt) =>
        new(receipt.TransactionHash, receipt.BlockNumber.Value, receipt.GasUsed.Value, receipt.ContractAddress);

    private static string OperationName(string typeName, string suffix)
    {
        var name = typeName.EndsWith(suffix, StringComparison.Ordinal) ? typeName[..^suffix.Length] : typeName;
        return name.Length == 0 ? typeName : char.ToLowerInvariant(name[0]) + name[1..];
    }
}
