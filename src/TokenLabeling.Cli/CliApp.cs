// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Cli;

/// <summary>Entry point that tests can call in-process with their own writers.</summary>
internal static class CliApp
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for an unexpected failure.</summary>
    public const int Failure = 1;

    /// <summary>Exit code for bad input or bad usage: the message says which file, row or option.</summary>
    public const int BadInput = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        var commands = CommandRegistry.All;
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            WriteUsage(stdout, commands);
            return args.Length == 0 ? BadInput : Ok;
        }

        var command = commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            stderr.WriteLine($"tokenlabel: unknown command '{args[0]}'. Known commands: {string.Join(", ", commands.Select(c => c.Name))}.");
            return BadInput;
        }

        try
        {
            var options = CommandLineOptions.Parse(args.AsSpan(1));
            if (options.Has("help"))
            {
                stdout.WriteLine(command.Usage);
                return Ok;
            }

            return command.Run(options, stdout, stderr);
        }
        catch (CliException ex)
        {
            stderr.WriteLine($"tokenlabel {command.Name}: {ex.Message}");
            return ex.ExitCode;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"tokenlabel {command.Name}: {ex.Message}");
            return BadInput;
        }
    }

    private static void WriteUsage(TextWriter stdout, IReadOnlyList<ICliCommand> commands)
    {
        stdout.WriteLine("usage: tokenlabel <command> [options]");
        stdout.WriteLine();
        foreach (var c in commands)
        {
            stdout.WriteLine($"  {c.Name,-12} {c.Summary}");
        }

        stdout.WriteLine();
        stdout.WriteLine("Run 'tokenlabel <command> --help' for a command's options.");
    }
}
