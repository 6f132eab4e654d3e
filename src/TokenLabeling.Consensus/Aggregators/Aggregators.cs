// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Diagnostics.CodeAnalysis;

namespace TokenLabeling.Consensus.Aggregators;

/// <summary>Generic knobs a caller (such as the command line) can pass to any registered method; each method applies those it has.</summary>
public sealed record AggregatorSettings
{
    /// <summary>Gets the default settings: every method's own defaults.</summary>
    public static AggregatorSettings Default { get; } = new();

    /// <summary>Gets the iteration limit of iterative methods, or <see langword="null"/> for the method's default.</summary>
    public int? MaxIterations { get; init; }

    /// <summary>Gets the stopping tolerance of iterative methods (negative: run every iteration), or <see langword="null"/> for the default.</summary>
    public double? Tolerance { get; init; }

    /// <summary>Gets the seed of randomised methods, or <see langword="null"/> for the default.</summary>
    public int? Seed { get; init; }
}

/// <summary>The registry of aggregation methods by short name (<c>mv</c>, <c>wmv</c>, <c>ds</c>, <c>onecoin-ds</c>, ...).</summary>
/// <remarks>One table row per method; names are lower-case and matched case-insensitively.</remarks>
public static class Aggregators
{
    private static readonly (string Name, string Description, Func<AggregatorSettings, ILabelAggregator> Create)[] s_methods =
    [
        ("mv", "majority vote (ties: lowest class id)", _ => new MajorityVote()),
        ("wmv", "weighted majority vote (one-coin log-odds weights from agreement with the majority)", _ => new WeightedMajorityVote()),
        ("ds", "Dawid-Skene, full confusion matrices (EM)", s => new DawidSkene(DawidSkeneFrom(s))),
        ("onecoin-ds", "one-coin Dawid-Skene, one skill per worker (EM)", s => new OneCoinDawidSkene(DawidSkeneFrom(s))),
        ("glad", "GLAD: worker ability times task easiness (EM with Newton M-step)", Models.ModelFactory.Glad),
        ("mace", "MACE: worker competence and spamming distribution (variational)", Models.ModelFactory.Mace),
        ("wawa", "worker agreement with aggregate (majority vote weighted by agreement)", _ => new Models.Wawa()),
        ("zbs", "zero-based skill (iteratively re-weighted vote)", Models.ModelFactory.ZeroBasedSkill),
        ("mmsr", "M-MSR: skills from robust rank-one fit of pairwise agreement", Models.ModelFactory.MMSR),
        ("kos", "KOS message passing, two classes only (bias-corrected)", Models.ModelFactory.Kos),
    ];

    /// <summary>Gets the registered method names, in table order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. s_methods.Select(m => m.Name)];

    /// <summary>Returns the one-line description of a method.</summary>
    /// <param name="name">The method name.</param>
    /// <exception cref="ArgumentException">The name is not registered (the message lists the known names).</exception>
    public static string Describe(string name) => s_methods[IndexOf(name)].Description;

    /// <summary>Creates the aggregator registered under a name.</summary>
    /// <param name="name">The method name, e.g. <c>ds</c>.</param>
    /// <param name="aggregator">The aggregator, or <see langword="null"/> when the name is unknown.</param>
    /// <param name="settings">Generic settings; <see langword="null"/> for the method's defaults.</param>
    /// <returns><see langword="true"/> if the name is registered.</returns>
    public static bool TryCreate(string name, [NotNullWhen(true)] out ILabelAggregator? aggregator, AggregatorSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var m in s_methods)
        {
            if (string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                aggregator = m.Create(settings ?? AggregatorSettings.Default);
                return true;
            }
        }

        aggregator = null;
        return false;
    }

    /// <summary>Creates the aggregator registered under a name.</summary>
    /// <param name="name">The method name, e.g. <c>ds</c>.</param>
    /// <param name="settings">Generic settings; <see langword="null"/> for the method's defaults.</param>
    /// <returns>The aggregator.</returns>
    /// <exception cref="ArgumentException">The name is not registered (the message lists the known names), or a setting is out of range.</exception>
    public static ILabelAggregator Create(string name, AggregatorSettings? settings = null) =>
        s_methods[IndexOf(name)].Create(settings ?? AggregatorSettings.Default);

    private static int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = 0; i < s_methods.Length; i++)
        {
            if (string.Equals(s_methods[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new ArgumentException($"Unknown aggregation method '{name}'. Known methods: {string.Join(", ", Names)}.", nameof(name));
    }

    private static DawidSkeneOptions DawidSkeneFrom(AggregatorSettings s) => DawidSkeneOptions.Default with
    {
        MaxIterations = s.MaxIterations ?? DawidSkeneOptions.Default.MaxIterations,
        Tolerance = s.Tolerance ?? DawidSkeneOptions.Default.Tolerance,
    };
}
