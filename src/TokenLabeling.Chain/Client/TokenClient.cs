// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;
using TokenLabeling.Chain.Bindings.LabelToken.ContractDefinition;

namespace TokenLabeling.Chain.Client;

/// <summary>ERC-20 operations of one signer on one token (works with any ERC-20; minting needs <c>LabelToken</c>).</summary>
public sealed class TokenClient
{
    /// <summary>Initializes a client.</summary>
    /// <param name="signer">The signer that sends the transactions.</param>
    /// <param name="tokenAddress">The token.</param>
    public TokenClient(ChainSigner signer, string tokenAddress)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenAddress);
        Signer = signer;
        TokenAddress = tokenAddress;
    }

    /// <summary>Gets the signer.</summary>
    public ChainSigner Signer { get; }

    /// <summary>Gets the token's address.</summary>
    public string TokenAddress { get; }

    /// <summary>Deploys a <c>LabelToken</c> (ERC-20 with permit, 18 decimals) owned by the deployer.</summary>
    /// <param name="deployer">The signer that deploys and owns the token.</param>
    /// <param name="name">Token name.</param>
    /// <param name="symbol">Token symbol.</param>
    /// <param name="initialSupply">Supply minted to the deployer, in base units.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A client for the deployer on the new token, and the deployment receipt.</returns>
    public static async Task<(TokenClient Token, ChainReceipt Receipt)> DeployAsync(
        ChainSigner deployer, string name, string symbol, BigInteger initialSupply, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployer);
        var receipt = await deployer.DeployAsync(
            new LabelTokenDeployment { Name = name, Symbol = symbol, Owner = deployer.Address, InitialSupply = initialSupply },
            cancellationToken).ConfigureAwait(false);
        return (new TokenClient(deployer, receipt.ContractAddress!), receipt);
    }

    /// <summary>Returns a client for another signer on the same token.</summary>
    /// <param name="signer">The other signer.</param>
    /// <returns>The client.</returns>
    public TokenClient For(ChainSigner signer) => new(signer, TokenAddress);

    /// <summary>Reads a balance.</summary>
    /// <param name="account">The account.</param>
    /// <returns>The balance in base units.</returns>
    public async Task<BigInteger> BalanceOfAsync(string account) =>
        (await Signer.CallAsync<BalanceOfFunction, BalanceOfOutputDTO>(TokenAddress, new BalanceOfFunction { Account = account })
            .ConfigureAwait(false)).ReturnValue1;

    /// <summary>Reads an allowance.</summary>
    /// <param name="owner">The owner.</param>
    /// <param name="spender">The spender.</param>
    /// <returns>The allowance in base units.</returns>
    public async Task<BigInteger> AllowanceAsync(string owner, string spender) =>
        (await Signer.CallAsync<AllowanceFunction, AllowanceOutputDTO>(
            TokenAddress, new AllowanceFunction { Owner = owner, Spender = spender }).ConfigureAwait(false)).ReturnValue1;

    /// <summary>Approves <paramref name="spender"/> to move <paramref name="amount"/>.</summary>
    /// <param name="spender">The spender (the escrow).</param>
    /// <param name="amount">Amount in base units.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> ApproveAsync(string spender, BigInteger amount, CancellationToken cancellationToken = default) =>
        Signer.SendAsync(TokenAddress, new ApproveFunction { Spender = spender, Value = amount }, cancellationToken);

    /// <summary>Transfers tokens.</summary>
    /// <param name="to">Recipient.</param>
    /// <param name="amount">Amount in base units.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> TransferAsync(string to, BigInteger amount, CancellationToken cancellationToken = default) =>
        Signer.SendAsync(TokenAddress, new TransferFunction { To = to, Value = amount }, cancellationToken);

    /// <summary>Reads a balance as a <see cref="Economics.Amounts.TokenAmount"/>.</summary>
    /// <param name="account">The account.</param>
    /// <returns>The balance in base units.</returns>
    public async Task<Economics.Amounts.TokenAmount> BalanceAmountOfAsync(string account) =>
        Economics.Amounts.TokenAmount.FromBigInteger(await BalanceOfAsync(account).ConfigureAwait(false));

    /// <summary>Mints tokens (the signer must own the <c>LabelToken</c>).</summary>
    /// <param name="to">Recipient.</param>
    /// <param name="amount">Amount in base units.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The receipt.</returns>
    public Task<ChainReceipt> MintAsync(string to, BigInteger amount, CancellationToken cancellationToken = default) =>
        Signer.SendAsync(TokenAddress, new MintFunction { To = to, Amount = amount }, cancellationToken);

    /// <summary>Approves exactly what is missing for <paramref name="spender"/> to move <paramref name="amount"/>.</summary>
    /// <param name="spender">The spender.</param>
    /// <param name="amount">Amount needed.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The approval receipt, or <see langword="null"/> when the allowance already sufficed.</returns>
    public async Task<ChainReceipt?> EnsureAllowanceAsync(string spender, BigInteger amount, CancellationToken cancellationToken = default)
    {
        var current = await AllowanceAsync(Signer.Address, spender).ConfigureAwait(false);
        return current >= amount ? null : await ApproveAsync(spender, amount, cancellationToken).ConfigureAwait(false);
    }
}
