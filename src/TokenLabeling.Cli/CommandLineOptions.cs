// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;

namespace TokenLabeling.Cli;

/// <summary>Parsed <c>--name value</c> and <c>--flag</c> options of one command.</summary>
internal sealed class CommandLineOptions
{
    private readonly Dictionary<string, string?> _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CommandLineOptions(Dictionary<string, string?> values) => _values = values;

    /// <summary>Parses options; a value that starts with <c>--</c> is taken as the next option, so flags need no value.</summary>
    public static CommandLineOptions Parse(ReadOnlySpan<string> args)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new CliException($"unexpected argument '{arg}': options take the form --name value.");
            }

            var name = arg[2..];
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            if (!values.TryAdd(name, value))
            {
                throw new CliException($"option --{name} is given more than once.");
            }
        }

        return new CommandLineOptions(values);
    }

    /// <summary>Returns whether the option is present.</summary>
    public bool Has(string name)
    {
        _read.Add(name);
        return _values.ContainsKey(name);
    }

    /// <summary>Returns the option's value, or throws naming the missing option.</summary>
    public string Required(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var value) || string.IsNullOrEmpty(value))
        {
            throw new CliException($"missing required option --{name}.");
        }

        return value;
    }

    /// <summary>Returns the option's value, or <paramref name="fallback"/> when absent.</summary>
    public string? Optional(string name, string? fallback = null)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var value) ? value ?? throw new CliException($"option --{name} needs a value.") : fallback;
    }

    /// <summary>Returns the option parsed as an integer within a range.</summary>
    public int Int32(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Optional(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new CliException($"option --{name} must be an integer from {min} to {max}, not '{text}'.");
        }

        return value;
    }

    /// <summary>Returns the option parsed as a finite number within a range.</summary>
    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        var text = Optional(name);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < min || value > max)
        {
            throw new CliException($"option --{name} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{text}'.");
        }

        return value;
    }

    /// <summary>Throws if an option was given that the command never asked about (a typo, usually).</summary>
    public void ThrowOnUnknown()
    {
        foreach (var name in _values.Keys)
        {
            if (!_read.Contains(name))
            {
                throw new CliException($"unknown option --{name}.");
            }
        }
    }
}
