// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Cli;

/// <summary>One sub-command of <c>tokenlabel</c>.</summary>
internal interface ICliCommand
{
    /// <summary>Gets the word that selects the command, e.g. <c>aggregate</c>.</summary>
    string Name { get; }

    /// <summary>Gets a one-line description for the command list.</summary>
    string Summary { get; }

    /// <summary>Gets the full usage text.</summary>
    string Usage { get; }

    /// <summary>Runs the command; throws <see cref="CliException"/> for bad input.</summary>
    int Run(CommandLineOptions options, TextWriter stdout, TextWriter stderr);
}
