// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Cli;

/// <summary>A failure the user can fix: the message names the file, row or option at fault.</summary>
internal sealed class CliException : Exception
{
    public CliException(string message, int exitCode = CliApp.BadInput)
        : base(message) => ExitCode = exitCode;

    public CliException()
        : this("invalid input")
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException) => ExitCode = CliApp.BadInput;

    /// <summary>Gets the process exit code to return.</summary>
    public int ExitCode { get; }
}
