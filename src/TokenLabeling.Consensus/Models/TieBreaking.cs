// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Models;

/// <summary>Says how a vote resolves an exact tie between classes.</summary>
/// <remarks>Either rule is deterministic and independent of the order in which labels were stored.</remarks>
public enum TieBreaking
{
    /// <summary>The lower class id wins (the convention of the reference implementations, so results are comparable with them).</summary>
    LowestClassId = 0,

    /// <summary>The class that is more frequent among all labels of the set wins; equal frequencies fall back to the lower id.</summary>
    MostFrequentClass = 1,
}
