// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Cli;

/// <summary>The commands <c>tokenlabel</c> knows, in the order the help lists them.</summary>
internal static class CommandRegistry
{
    public static IReadOnlyList<ICliCommand> All { get; } =
    [
        // One line per command; each command lives in Commands/<Name>Command.cs.
        new Commands.AggregateCommand(),
        new Commands.AgreementCommand(),
        new Commands.SimulateCommand(),
        new Commands.SettleCommand(),
        new Commands.BoxesCommand(),
        new Commands.IouCommand(),
    ];
}
