// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.IO;

/// <summary>A CSV input that cannot be read; the message names the source and the line.</summary>
public sealed class CsvFormatException : FormatException
{
    /// <summary>Initializes the exception.</summary>
    /// <param name="source">The source name, e.g. the file name.</param>
    /// <param name="line">The 1-based line number, or 0 for the file as a whole.</param>
    /// <param name="problem">What is wrong.</param>
    public CsvFormatException(string source, int line, string problem)
        : base(line > 0 ? $"{source} line {line}: {problem}" : $"{source}: {problem}")
    {
        Source = source;
        Line = line;
    }

    /// <summary>Initializes the exception with a message only.</summary>
    public CsvFormatException()
        : this("input", 0, "invalid CSV")
    {
    }

    /// <summary>Initializes the exception with a message only.</summary>
    /// <param name="message">The message.</param>
    public CsvFormatException(string message)
        : base(message) => Source = string.Empty;

    /// <summary>Initializes the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CsvFormatException(string message, Exception innerException)
        : base(message, innerException) => Source = string.Empty;

    /// <summary>Gets the source name (e.g. the file name).</summary>
    public new string Source { get; }

    /// <summary>Gets the 1-based line number, or 0 when the problem concerns the whole input.</summary>
    public int Line { get; }
}
