// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;

namespace TokenLabeling.Demo;

/// <summary>Command-line options of the demo.</summary>
internal sealed record DemoOptions
{
    public const string Usage = """
        usage: dotnet run --project samples/TokenLabeling.Demo [-- options]

          --rpc URL      run against this node instead of starting a local anvil (needs --key)
          --key KEY      private key of a funded account on that node (requester, settler and gas for annotators)
          --items N      number of dataset items in the task (default 24, at most 108)
          --seed S       seed of the simulated spammers (default 7)
        """;

    public string? RpcUrl { get; init; }

    public string? PrivateKey { get; init; }

    public int Items { get; init; } = 24;

    public int Seed { get; init; } = 7;

    public bool ShowHelp { get; init; }

    public static DemoOptions Parse(string[] args)
    {
        var options = new DemoOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new DemoException($"option {args[i]} needs a value.");
            options = args[i] switch
            {
                "--rpc" => options with { RpcUrl = Next() },
                "--key" => options with { PrivateKey = Next() },
                "--items" => options with { Items = ParseInt(Next(), "--items", 2, 108) },
                "--seed" => options with { Seed = ParseInt(Next(), "--seed", 0, int.MaxValue) },
                "-h" or "--help" => options with { ShowHelp = true },
                _ => throw new DemoException($"unknown option '{args[i]}'.\n{Usage}"),
            };
        }

        if ((options.RpcUrl is null) != (options.PrivateKey is null))
        {
            throw new DemoException("--rpc and --key go together.");
        }

        return options;
    }

    private static int ParseInt(string text, string name, int min, int max) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new DemoException($"{name} must be an integer from {min} to {max}, not '{text}'.");
}

/// <summary>A failure the user can act on; the demo prints it and exits with code 2.</summary>
internal sealed class DemoException : Exception
{
    public DemoException(string message)
        : base(message)
    {
    }

    public DemoException()
    {
    }

    public DemoException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
