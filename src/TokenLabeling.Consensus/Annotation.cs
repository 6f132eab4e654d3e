// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus;

/// <summary>One label given by one worker to one task, with external ids.</summary>
/// <typeparam name="TTask">The task id type.</typeparam>
/// <typeparam name="TWorker">The worker id type.</typeparam>
/// <param name="Task">The task (item) id.</param>
/// <param name="Worker">The worker (annotator) id.</param>
/// <param name="Label">The class id, from 0 to the class count - 1.</param>
public readonly record struct Annotation<TTask, TWorker>(TTask Task, TWorker Worker, int Label)
    where TTask : notnull
    where TWorker : notnull;

/// <summary>Options for building an <see cref="AnnotationSet"/>.</summary>
public sealed record AnnotationSetOptions
{
    /// <summary>Gets the default options: class count inferred, duplicates kept.</summary>
    public static AnnotationSetOptions Default { get; } = new();

    /// <summary>Gets the number of classes K; labels must lie in 0..K-1. <see langword="null"/> infers K as the largest label + 1.</summary>
    public int? ClassCount { get; init; }

    /// <summary>Gets what to do with several labels from one worker on one task. Default: <see cref="DuplicatePolicy.KeepAll"/>.</summary>
    public DuplicatePolicy Duplicates { get; init; } = DuplicatePolicy.KeepAll;
}
