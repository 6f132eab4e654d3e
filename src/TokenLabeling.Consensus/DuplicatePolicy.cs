// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus;

/// <summary>Says what an <see cref="AnnotationSet"/> does with several labels from one worker on one task.</summary>
public enum DuplicatePolicy
{
    /// <summary>Every label counts, as if given by a separate annotation (several real datasets contain such pairs). The default.</summary>
    KeepAll = 0,

    /// <summary>Fail with an <see cref="ArgumentException"/> that names the offending input rows.</summary>
    Reject = 1,

    /// <summary>Keep the first label in input order and drop the rest.</summary>
    KeepFirst = 2,

    /// <summary>Keep the last label in input order and drop the rest.</summary>
    KeepLast = 3,
}
