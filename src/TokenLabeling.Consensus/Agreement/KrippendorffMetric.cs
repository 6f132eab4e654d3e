// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Agreement;

/// <summary>The difference function δ² of Krippendorff's alpha, chosen by the level of measurement of the labels.</summary>
public enum KrippendorffMetric
{
    /// <summary>Classes are unordered categories: δ² = 0 for equal values, 1 otherwise.</summary>
    Nominal = 0,

    /// <summary>Classes are ordered ranks (by class id): δ² between c and k is the squared count of pairable values between them, minus half of each end.</summary>
    Ordinal = 1,

    /// <summary>Class ids are equally spaced numbers: δ² = (c − k)².</summary>
    Interval = 2,
}
