// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Aggregators;

/// <summary>How <see cref="MajorityVote"/> and <see cref="WeightedMajorityVote"/> resolve an exact tie between classes.</summary>
public enum MajorityVoteTieBreaking
{
    /// <summary>The lowest tied class id wins (as in crowd-kit, so results are comparable with it). The default.</summary>
    LowestClassId = 0,

    /// <summary>
    /// One of the tied classes is chosen by a seeded hash of the task's external id (FNV-1a over its invariant text form, mixed with
    /// the seed): reproducible across runs and machines, unbiased across tasks, and unchanged when tasks are reordered or re-indexed.
    /// </summary>
    SeededHash = 1,
}
