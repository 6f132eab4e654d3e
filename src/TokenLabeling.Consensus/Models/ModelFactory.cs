// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Aggregators;

namespace TokenLabeling.Consensus.Models;

/// <summary>Creates the models of this namespace from the generic settings of the <see cref="Aggregators.Aggregators"/> registry.</summary>
internal static class ModelFactory
{
    public static ILabelAggregator ZeroBasedSkill(AggregatorSettings settings) => new ZeroBasedSkill(ZeroBasedSkillOptions.Default with
    {
        MaxIterations = settings.MaxIterations ?? ZeroBasedSkillOptions.Default.MaxIterations,
        Tolerance = Tolerance(settings, ZeroBasedSkillOptions.Default.Tolerance),
    });

    public static ILabelAggregator Glad(AggregatorSettings settings) => new Glad(GladOptions.Default with
    {
        MaxIterations = settings.MaxIterations ?? GladOptions.Default.MaxIterations,
        Tolerance = Tolerance(settings, GladOptions.Default.Tolerance),
    });

    public static ILabelAggregator Mace(AggregatorSettings settings) => new Mace(MaceOptions.Default with
    {
        MaxIterations = settings.MaxIterations ?? MaceOptions.Default.MaxIterations,
        Tolerance = Tolerance(settings, MaceOptions.Default.Tolerance),
    });

    public static ILabelAggregator MMSR(AggregatorSettings settings) => new MMSR(MMSROptions.Default with
    {
        MaxIterations = settings.MaxIterations ?? MMSROptions.Default.MaxIterations,
        Tolerance = Tolerance(settings, MMSROptions.Default.Tolerance),
    });

    public static ILabelAggregator Kos(AggregatorSettings settings) =>
        new Kos(KosOptions.Default with { Iterations = settings.MaxIterations ?? KosOptions.Default.Iterations });

    // The registry's convention: a negative tolerance runs every iteration, which these models spell as 0.
    private static double Tolerance(AggregatorSettings settings, double fallback) =>
        settings.Tolerance is { } t ? Math.Max(0, t) : fallback;
}
