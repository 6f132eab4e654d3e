// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Simulation.Scenarios;

/// <summary>The share of the population that plays each strategy at the start; shares are normalised to sum to 1.</summary>
public sealed record StrategyMix
{
    /// <summary>Gets the share of honest workers.</summary>
    public double Honest { get; init; } = 1;

    /// <summary>Gets the share of random spammers.</summary>
    public double RandomSpammer { get; init; }

    /// <summary>Gets the share of majority-class spammers.</summary>
    public double MajorityClassSpammer { get; init; }

    /// <summary>Gets the share of lazy copiers.</summary>
    public double LazyCopier { get; init; }

    /// <summary>Gets the share of colluding-bloc members.</summary>
    public double ColludingBloc { get; init; }

    /// <summary>Gets the share of sybil identities.</summary>
    public double Sybil { get; init; }

    /// <summary>Gets the share of profit maximisers (effort chosen by expected profit).</summary>
    public double ProfitMaximizer { get; init; }

    /// <summary>Returns the share of one strategy (before normalisation).</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The share.</returns>
    public double Get(Strategy strategy) => strategy switch
    {
        Strategy.Honest => Honest,
        Strategy.RandomSpammer => RandomSpammer,
        Strategy.MajorityClassSpammer => MajorityClassSpammer,
        Strategy.LazyCopier => LazyCopier,
        Strategy.ColludingBloc => ColludingBloc,
        Strategy.Sybil => Sybil,
        Strategy.ProfitMaximizer => ProfitMaximizer,
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown strategy."),
    };

    /// <summary>Returns a mix whose adversarial strategies together take <paramref name="share"/> of the population, keeping their relative weights,
    /// and whose honest and profit-maximising workers share the rest in their relative weights.</summary>
    /// <param name="share">The adversarial share, 0 to 1.</param>
    /// <param name="adversaryWeights">The relative weights of adversarial strategies to use when this mix has none; <see langword="null"/> for equal weights of all five.</param>
    /// <returns>The new mix.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="share"/> is outside [0, 1].</exception>
    public StrategyMix WithAdversaryShare(double share, StrategyMix? adversaryWeights = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(share, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(share, 1);
        var adv = this;
        var advTotal = RandomSpammer + MajorityClassSpammer + LazyCopier + ColludingBloc + Sybil;
        if (advTotal <= 0)
        {
            adv = adversaryWeights ?? new StrategyMix { RandomSpammer = 1, MajorityClassSpammer = 1, LazyCopier = 1, ColludingBloc = 1, Sybil = 1 };
            advTotal = adv.RandomSpammer + adv.MajorityClassSpammer + adv.LazyCopier + adv.ColludingBloc + adv.Sybil;
        }

        var goodTotal = Honest + ProfitMaximizer;
        var honest = goodTotal > 0 ? Honest / goodTotal : 1;
        var maximizer = goodTotal > 0 ? ProfitMaximizer / goodTotal : 0;
        var a = advTotal > 0 ? share / advTotal : 0;
        return new StrategyMix
        {
            Honest = (1 - share) * honest,
            ProfitMaximizer = (1 - share) * maximizer,
            RandomSpammer = adv.RandomSpammer * a,
            MajorityClassSpammer = adv.MajorityClassSpammer * a,
            LazyCopier = adv.LazyCopier * a,
            ColludingBloc = adv.ColludingBloc * a,
            Sybil = adv.Sybil * a,
        };
    }
}

/// <summary>The simulated crowd.</summary>
public sealed record PopulationModel
{
    /// <summary>Gets the number of worker identities (sybil identities count one each). Example: 200.</summary>
    public int WorkerCount { get; init; } = 200;

    /// <summary>Gets the strategy shares at the start.</summary>
    public StrategyMix Mix { get; init; } = new();

    /// <summary>Gets the lowest skill (probability of a correct label on an easy item at full effort). Skills are uniform in [<see cref="SkillMin"/>, <see cref="SkillMax"/>].</summary>
    public double SkillMin { get; init; } = 0.7;

    /// <summary>Gets the highest skill.</summary>
    public double SkillMax { get; init; } = 0.9;

    /// <summary>Gets the worker's own cost of one full-effort label in base units (time valued in tokens; not a token transfer). Example: 0.2 token.</summary>
    public long EffortCostPerLabel { get; init; } = TokenUnits.PerToken / 5;

    /// <summary>Gets the cost of one no-effort label (spam, copy, bloc answer) in base units.</summary>
    public long LowEffortCostPerLabel { get; init; }

    /// <summary>Gets the simulated seconds one full-effort label takes. Example: 30.</summary>
    public double FullEffortSeconds { get; init; } = 30;

    /// <summary>Gets the simulated seconds one no-effort label takes. Example: 3.</summary>
    public double LowEffortSeconds { get; init; } = 3;

    /// <summary>Gets each worker's starting balance in base units (a sybil owner's balance is split over its identities). Example: 100 tokens.</summary>
    public long StartingBalance { get; init; } = TokenUnits.FromTokens(100);

    /// <summary>Gets the number of identities per sybil owner. Example: 5.</summary>
    public int SybilIdentities { get; init; } = 5;
}

/// <summary>Strategy revision between rounds (pairwise proportional imitation, a discrete replicator dynamic).</summary>
public sealed record AdaptationModel
{
    /// <summary>Gets the probability that a worker revises its strategy after a round; 0 disables adaptation. Example: 0.1.</summary>
    public double ImitationRate { get; init; }
}

/// <summary>A complete, immutable description of one simulated market.</summary>
public sealed record Scenario
{
    /// <summary>Gets the scenario name.</summary>
    public string Name { get; init; } = "scenario";

    /// <summary>Gets the number of rounds. Example: 20.</summary>
    public int Rounds { get; init; } = 20;

    /// <summary>Gets the number of items labelled per round. Example: 200.</summary>
    public int TasksPerRound { get; init; } = 200;

    /// <summary>Gets the number of classes K (2 to 16).</summary>
    public int ClassCount { get; init; } = 4;

    /// <summary>Gets the class prior of the hidden truth (K weights, normalised); empty for uniform.</summary>
    public IReadOnlyList<double> ClassPrior { get; init; } = [];

    /// <summary>Gets the mean item difficulty in [0, 1]: at difficulty d a worker of skill s is correct with probability 1/K + (s − 1/K)(1 − d).</summary>
    public double DifficultyMean { get; init; }

    /// <summary>Gets the half-width of the uniform spread of difficulty around its mean (clamped to [0, 1]).</summary>
    public double DifficultySpread { get; init; }

    /// <summary>Gets the number of distinct workers assigned to each item. Example: 5.</summary>
    public int LabelsPerTask { get; init; } = 5;

    /// <summary>Gets whether workers are drawn in proportion to their balance (stake-aware, as Kleros draws jurors) instead of uniformly among the eligible.</summary>
    public bool StakeWeightedAssignment { get; init; }

    /// <summary>Gets whether labels are hidden until all are in (commit-reveal): lazy copiers then have nothing to copy.</summary>
    public bool CommitReveal { get; init; } = true;

    /// <summary>Gets the aggregator name: <c>mv</c> (built-in fast path) or any name the caller's resolver knows (e.g. <c>ds</c>).</summary>
    public string Aggregator { get; init; } = "mv";

    /// <summary>Gets the per-item settlement rules used when <see cref="Settlement"/> is <see langword="null"/>.</summary>
    public IncentivePolicy Policy { get; init; } = PolicyPresets.Default;

    /// <summary>Gets the Economics settlement of each round (any <see cref="Economics.Presets.SettlementPresets"/> policy or a custom one);
    /// when set it replaces <see cref="Policy"/>: labels are counted per worker during the round and each round is settled as one task.</summary>
    public RoundSettlement? Settlement { get; init; }

    /// <summary>Gets the crowd.</summary>
    public PopulationModel Population { get; init; } = new();

    /// <summary>Gets the strategy revision between rounds.</summary>
    public AdaptationModel Adaptation { get; init; } = new();

    /// <summary>Checks every field and throws naming the first one out of range.</summary>
    /// <exception cref="ArgumentException">A field is out of range (the message names it).</exception>
    public void Validate()
    {
        Check(Rounds is >= 1 and <= 1_000_000, nameof(Rounds), "must lie in 1..1000000");
        Check(TasksPerRound is >= 1 and <= 100_000_000, nameof(TasksPerRound), "must lie in 1..100000000");
        Check(ClassCount is >= 2 and <= 16, nameof(ClassCount), "must lie in 2..16");
        Check(ClassPrior.Count == 0 || ClassPrior.Count == ClassCount, nameof(ClassPrior), $"must be empty or hold {ClassCount} weights");
        Check(ClassPrior.All(p => double.IsFinite(p) && p >= 0) && (ClassPrior.Count == 0 || ClassPrior.Sum() > 0), nameof(ClassPrior), "must hold finite non-negative weights with a positive sum");
        Check(DifficultyMean is >= 0 and <= 1, nameof(DifficultyMean), "must lie in [0, 1]");
        Check(DifficultySpread is >= 0 and <= 1, nameof(DifficultySpread), "must lie in [0, 1]");
        Check(LabelsPerTask is >= 1 and <= 64, nameof(LabelsPerTask), "must lie in 1..64");
        Check(!string.IsNullOrWhiteSpace(Aggregator), nameof(Aggregator), "must name an aggregator");
        ArgumentNullException.ThrowIfNull(Policy);
        Policy.Validate();
        Settlement?.Validate();
        var p = Population ?? throw new ArgumentException("Population is required.", nameof(Population));
        Check(p.WorkerCount is >= 1 and <= 10_000_000, "Population.WorkerCount", "must lie in 1..10000000");
        Check(p.SkillMin is >= 0 and <= 1 && p.SkillMax is >= 0 and <= 1 && p.SkillMin <= p.SkillMax, "Population.SkillMin/SkillMax", "must satisfy 0 <= SkillMin <= SkillMax <= 1");
        Check(p.EffortCostPerLabel >= 0 && p.LowEffortCostPerLabel >= 0, "Population.EffortCostPerLabel", "must not be negative");
        Check(p.StartingBalance >= 0, "Population.StartingBalance", "must not be negative");
        Check(double.IsFinite(p.FullEffortSeconds) && p.FullEffortSeconds > 0 && double.IsFinite(p.LowEffortSeconds) && p.LowEffortSeconds > 0, "Population.FullEffortSeconds/LowEffortSeconds", "must be positive");
        Check(p.SybilIdentities is >= 1 and <= 1000, "Population.SybilIdentities", "must lie in 1..1000");
        var mix = p.Mix ?? throw new ArgumentException("Population.Mix is required.", "Population.Mix");
        var total = 0.0;
        foreach (var s in Strategies.All)
        {
            var share = mix.Get(s);
            Check(double.IsFinite(share) && share >= 0, $"Population.Mix.{s}", "must be a finite non-negative share");
            total += share;
        }

        Check(total > 0, "Population.Mix", "must have a positive total");
        Check(Adaptation is not null && Adaptation.ImitationRate is >= 0 and <= 1, "Adaptation.ImitationRate", "must lie in [0, 1]");
    }

    private void Check(bool ok, string field, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"Scenario '{Name}': {field} {rule}.", field);
        }
    }
}
