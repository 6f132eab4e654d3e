// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Import;

/// <summary>A malformed annotation file: the message names the file, the element (annotation id, task id) and what is wrong.</summary>
public sealed class AnnotationImportException : FormatException
{
    /// <summary>Initializes a new instance with a message built from the file, the element and the problem.</summary>
    /// <param name="source">The file name (or another name for the stream).</param>
    /// <param name="location">Where in the file, e.g. <c>annotation 17</c>; <see langword="null"/> for the whole file.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public AnnotationImportException(string source, string? location, string problem, Exception? innerException = null)
        : base(location is null ? $"{source}: {problem}" : $"{source}: {location}: {problem}", innerException)
    {
        FileName = source;
        Location = location;
        Problem = problem;
    }

    /// <summary>Initializes a new instance with a plain message.</summary>
    public AnnotationImportException()
        : this("input", null, "malformed annotation file")
    {
    }

    /// <summary>Initializes a new instance with a plain message.</summary>
    /// <param name="message">The message.</param>
    public AnnotationImportException(string message)
        : this("input", null, message)
    {
    }

    /// <summary>Initializes a new instance with a plain message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AnnotationImportException(string message, Exception innerException)
        : this("input", null, message, innerException)
    {
    }

    /// <summary>Gets the file (or stream name) at fault.</summary>
    public string FileName { get; }

    /// <summary>Gets the element at fault, e.g. <c>annotation 17</c>, or <see langword="null"/>.</summary>
    public string? Location { get; }

    /// <summary>Gets what is wrong.</summary>
    public string Problem { get; }
}
