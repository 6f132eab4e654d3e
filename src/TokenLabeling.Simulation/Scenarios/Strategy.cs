// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Simulation.Scenarios;

/// <summary>How a simulated worker produces labels.</summary>
public enum Strategy
{
    /// <summary>Works with full effort: correct with a probability set by skill and item difficulty.</summary>
    Honest = 0,

    /// <summary>Answers uniformly at random at almost no effort.</summary>
    RandomSpammer = 1,

    /// <summary>Always answers the class with the largest prior.</summary>
    MajorityClassSpammer = 2,

    /// <summary>Copies the first label already given on the item when labels are visible (no commit-reveal); guesses otherwise.</summary>
    LazyCopier = 3,

    /// <summary>Member of one bloc that reports a shared answer per item, agreed without looking at the item.</summary>
    ColludingBloc = 4,

    /// <summary>One of several identities of one owner who split one stake over them; the identities report the owner's shared answer.</summary>
    Sybil = 5,

    /// <summary>Chooses, each round, the effort (full or none) that maximises its expected profit under the policy.</summary>
    ProfitMaximizer = 6,
}

/// <summary>Helpers over <see cref="Strategy"/>.</summary>
public static class Strategies
{
    /// <summary>Gets the number of strategies.</summary>
    public const int Count = 7;

    /// <summary>Gets every strategy in declaration order.</summary>
    public static IReadOnlyList<Strategy> All { get; } =
    [
        Strategy.Honest, Strategy.RandomSpammer, Strategy.MajorityClassSpammer, Strategy.LazyCopier,
        Strategy.ColludingBloc, Strategy.Sybil, Strategy.ProfitMaximizer,
    ];

    /// <summary>Returns the snake_case name used in CSV columns and scenario files, e.g. <c>random_spammer</c>.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The name.</returns>
    public static string ColumnName(Strategy strategy) => strategy switch
    {
        Strategy.Honest => "honest",
        Strategy.RandomSpammer => "random_spammer",
        Strategy.MajorityClassSpammer => "majority_spammer",
        Strategy.LazyCopier => "lazy_copier",
        Strategy.ColludingBloc => "colluding_bloc",
        Strategy.Sybil => "sybil",
        Strategy.ProfitMaximizer => "profit_maximizer",
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown strategy."),
    };

    /// <summary>Returns whether the strategy is adversarial (anything but honest work or profit-seeking effort choice).</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns><see langword="true"/> for spammers, copiers, colluders and sybils.</returns>
    public static bool IsAdversarial(Strategy strategy) => strategy is not (Strategy.Honest or Strategy.ProfitMaximizer);
}
