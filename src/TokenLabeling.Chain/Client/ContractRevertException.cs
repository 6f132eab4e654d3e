// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Chain.Client;

/// <summary>
/// A transaction or call reverted. Carries the decoded custom error (for example <c>AlreadyClaimed</c> with
/// its arguments) when the revert data matches an error of the escrow or token contracts.
/// </summary>
public sealed class ContractRevertException : Exception
{
    /// <summary>Initializes a new instance with a message only.</summary>
    public ContractRevertException()
        : this("The contract call reverted.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What failed.</param>
    public ContractRevertException(string message)
        : base(message)
    {
        ErrorName = string.Empty;
        Arguments = new Dictionary<string, object?>();
    }

    /// <summary>Initializes a new instance with a message and the exception that reported the revert.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The exception raised by the RPC layer.</param>
    public ContractRevertException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorName = string.Empty;
        Arguments = new Dictionary<string, object?>();
    }

    /// <summary>Initializes a new instance with a decoded error.</summary>
    /// <param name="operation">The contract function that was called.</param>
    /// <param name="errorName">Name of the custom error, <c>Error</c>/<c>Panic</c> for the built-in ones, empty when unknown.</param>
    /// <param name="error">The decoded error object (a generated <c>…Error</c> type), or <see langword="null"/>.</param>
    /// <param name="arguments">The error's arguments by name.</param>
    /// <param name="revertData">The raw revert data (0x-prefixed hex), or empty.</param>
    /// <param name="transactionHash">Hash of the mined failed transaction, when there is one.</param>
    /// <param name="innerException">The exception raised by the RPC layer, if any.</param>
    public ContractRevertException(
        string operation,
        string errorName,
        object? error,
        IReadOnlyDictionary<string, object?> arguments,
        string revertData,
        string? transactionHash,
        Exception? innerException)
        : base(Describe(operation, errorName, arguments, revertData, transactionHash), innerException)
    {
        Operation = operation;
        ErrorName = errorName;
        Error = error;
        Arguments = arguments;
        RevertData = revertData;
        TransactionHash = transactionHash;
    }

    /// <summary>Gets the contract function that was called.</summary>
    public string Operation { get; } = string.Empty;

    /// <summary>Gets the name of the custom error (for example <c>AlreadyClaimed</c>), or empty when unknown.</summary>
    public string ErrorName { get; }

    /// <summary>Gets the decoded error object (a generated binding type such as <c>AlreadyClaimedError</c>).</summary>
    public object? Error { get; }

    /// <summary>Gets the error's arguments by parameter name.</summary>
    public IReadOnlyDictionary<string, object?> Arguments { get; }

    /// <summary>Gets the raw revert data (0x-prefixed hex), or empty.</summary>
    public string RevertData { get; } = string.Empty;

    /// <summary>Gets the hash of the mined failed transaction, or <see langword="null"/> when it failed before mining.</summary>
    public string? TransactionHash { get; }

    /// <summary>Returns the decoded error as <typeparamref name="TError"/> when it is one.</summary>
    /// <typeparam name="TError">A generated error type.</typeparam>
    /// <returns><see langword="true"/> when the revert was this error.</returns>
    public bool Is<TError>()
        where TError : class => Error is TError;

    private static string Describe(
        string operation, string errorName, IReadOnlyDictionary<string, object?> arguments, string revertData, string? hash)
    {
        var what = errorName.Length == 0
            ? $"reverted (data {(revertData.Length == 0 ? "none" : revertData)})"
            : $"reverted with {errorName}({string.Join(", ", arguments.Select(a => $"{a.Key}: {a.Value}"))})";
        return hash is null ? $"{operation} {what}." : $"{operation} {what} in transaction {hash}.";
    }
}
