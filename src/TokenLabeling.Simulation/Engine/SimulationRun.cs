// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using TokenLabeling.Consensus;
using TokenLabeling.Simulation.Metrics;
using TokenLabeling.Simulation.Randomness;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Engine;

/// <summary>The mutable state of one run and its round loop. One instance per run, one thread at a time.</summary>
/// <remarks>
/// <para>Every random draw of an item comes from a stream keyed by (run seed, round, item), so the labels of an item do not depend on
/// the order in which items are processed or on the execution path. Eligibility and assignment weights are fixed at the start of a round.</para>
/// <para>Two paths produce the same numbers: the fast path (majority vote counted per item in registers, settlement inline in integer
/// base units) and the general path (an <see cref="AnnotationSet"/> per round, any <see cref="ILabelAggregator"/>, ledger settlement).</para>
/// </remarks>
internal sealed partial class SimulationRun
{
    // Behaviour codes of a worker for one round (a profit maximiser maps to Skilled or Guess).
    internal const byte Skilled = 0;
    internal const byte Guess = 1;
    internal const byte MajorityClass = 2;
    internal const byte Copy = 3;
    internal const byte Bloc = 4;
    internal const byte SybilShared = 5;

    private const ulong BlocStreamTag = 0xB10C_B10C_0000_0001UL;
    private const ulong SybilStreamTag = 0x5B11_0000_0000_0002UL;
    private const ulong AdaptStreamTag = 0xADA9_0000_0000_0003UL;
    private const ulong SkillStreamTag = 0x5C11_0000_0000_0004UL;

    /// <summary>The count added per label event: one label (high half) plus one if coherent (low half).</summary>
    internal const long OneLabel = 1L << 32;

    private readonly Scenario _scenario;
    private readonly IncentivePolicy _policy;
    private readonly ulong _seed;
    private readonly int _n;
    private readonly int _k;
    private readonly int _perTask;
    private readonly double _invK;
    private readonly double[] _priorCdf;
    private readonly bool _uniformPrior;
    private readonly int _majorityClass;
    private readonly long _slashPerLabel;
    private readonly double _difficultyMean;
    private readonly double _difficultySpread;
    private readonly bool _stakeWeighted;
    private readonly bool _labelsVisible;
    private readonly long _stakeToBeAssigned;
    private readonly double _minReputation;
    private readonly double _forgetting;

    // Smallest coherent count that meets the review threshold, per label count (the same double comparison as the ledger path).
    private readonly int[] _minCoherentToAccept;

    // Per worker, for the whole run.
    private readonly Strategy[] _strategy;
    private readonly double[] _skillExcess;
    private readonly ulong[] _threshold;
    private readonly int[] _owner;
    private readonly long[] _balance;
    private readonly long[] _initialCapital;
    private readonly long[] _earned;
    private readonly double[] _repPositive;
    private readonly double[] _repNegative;

    // Per worker, per round.
    private readonly byte[] _behaviour;
    private readonly long[] _roundStartBalance;
    // Labels given (high 32 bits) and coherent labels (low 32 bits) per worker this round: one add per label event.
    private readonly long[] _labelCounts;
    private readonly int[] _eligible;
    private readonly long[] _cumulativeWeight;

    // Per eligible slot, this round: the skill threshold (bits 0-32), the behaviour (bits 33-35) and the worker (bits 36-63), one load per label.
    private readonly ulong[] _slotInfo;

    // Per worker: the stamp of the last item that drew it (the uniform fast path's duplicate check), and the stamp counter.
    private readonly int[] _drawStamp;
    private int _drawStampCounter;
    private const int SlotBehaviourShift = 33;
    private const int SlotWorkerShift = 36;
    private const ulong SlotThresholdMask = (1UL << 33) - 1;
    private readonly long[] _scratch;
    private int _eligibleCount;
    private ulong _roundKey;
    private int _round;

    // Ledger (cumulative) and round flows.
    private long _treasury;
    private long _burned;
    private long _requesterPaid;
    private long _minted;
    private RoundFlows _flows;

    // Profit maximisers' estimates of the agreement rate of a full-effort and a no-effort label.
    private double _agreeFullEffort;
    private double _agreeNoEffort;

    public SimulationRun(Scenario scenario, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        scenario.Validate();
        _scenario = scenario;
        _policy = scenario.Policy;
        _seed = seed;
        _k = scenario.ClassCount;
        _invK = 1.0 / _k;
        _perTask = scenario.LabelsPerTask;
        _slashPerLabel = _policy.SlashPerIncoherentLabel;
        _difficultyMean = scenario.DifficultyMean;
        _difficultySpread = scenario.DifficultySpread;
        _stakeWeighted = scenario.StakeWeightedAssignment;
        _labelsVisible = !scenario.CommitReveal;
        _settlement = scenario.Settlement;
        var reviewThreshold = _settlement?.ReviewThreshold ?? _policy.ReviewThreshold;
        _stakeToBeAssigned = _settlement?.StakePerLabel ?? _policy.StakePerLabel;
        _minReputation = _settlement?.MinReputation ?? _policy.MinReputation;
        _forgetting = _settlement?.ReputationForgetting ?? _policy.ReputationForgetting;
        _minCoherentToAccept = new int[65];
        for (var count = 1; count <= 64; count++)
        {
            var c = 0;
            while (c <= count && (double)c / count < reviewThreshold)
            {
                c++;
            }

            _minCoherentToAccept[count] = c;
        }
        (_priorCdf, _uniformPrior, _majorityClass) = BuildPrior(scenario);

        var pop = scenario.Population;
        _n = pop.WorkerCount;
        _strategy = new Strategy[_n];
        _skillExcess = new double[_n];
        _threshold = new ulong[_n];
        _owner = new int[_n];
        _balance = new long[_n];
        _initialCapital = new long[_n];
        _earned = new long[_n];
        _repPositive = new double[_n];
        _repNegative = new double[_n];
        _behaviour = new byte[_n];
        _roundStartBalance = new long[_n];
        _labelCounts = new long[_n];
        _eligible = new int[_n];
        _cumulativeWeight = new long[_n];
        _slotInfo = new ulong[_n];
        _drawStamp = new int[_n];
        _scratch = new long[_n];
        if (_settlement is { } settlement)
        {
            _kernel = RoundSettlementKernel.Supports(settlement.Policy) ? new RoundSettlementKernel(settlement.Policy) : null;
            if (reviewThreshold > 0)
            {
                _reviewCounts = new long[_n];
                _reviewTruth = new int[_n];
            }

            _partWorker = new int[_n];
            _partStake = new long[_n];
            _partCommitted = new int[_n];
            _partAgreeing = new int[_n];
            _partReview = new int[_n];
            _partFlags = new Economics.Settlement.WorkerFlags[_n];
            _partSlash = new long[_n];
            _partReward = new long[_n];
            _partShare = new long[_n];
            _partHeld = new long[_n];
            _gainPerAgreeingLabel = settlement.BudgetPerLabel;
            var slashing = settlement.Policy.Slashing;
            _lossPerWrongLabel = slashing.Basis == Economics.Policies.SlashBasis.None ? 0 : settlement.StakePerLabel * (double)slashing.RateBasisPoints / 10_000;
        }

        Populate(pop);

        var meanExcess = 0.0;
        foreach (var e in _skillExcess)
        {
            meanExcess += e;
        }

        _agreeFullEffort = _invK + (meanExcess / _n * (1 - scenario.DifficultyMean));
        _agreeNoEffort = _invK;
    }

    /// <summary>Gets the sum of worker balances.</summary>
    public long WorkerBalanceTotal
    {
        get
        {
            long total = 0;
            foreach (var b in _balance)
            {
                total += b;
            }

            return total;
        }
    }

    public RunResult Run(RunOptions options, CancellationToken cancellationToken)
    {
        var aggregator = options.Aggregator;
        if (aggregator is null && !string.Equals(_scenario.Aggregator, "mv", StringComparison.OrdinalIgnoreCase))
        {
            aggregator = options.AggregatorResolver?.Invoke(_scenario.Aggregator)
                ?? (Consensus.Aggregators.Aggregators.TryCreate(_scenario.Aggregator, out var known) ? known : null)
                ?? throw new ArgumentException($"Scenario '{_scenario.Name}': aggregator '{_scenario.Aggregator}' is unknown; known: {string.Join(", ", Consensus.Aggregators.Aggregators.Names)}.", nameof(options));
        }

        var rounds = options.RecordRounds ? new List<RoundMetrics>(_scenario.Rounds) : null;
        var totals = new RunTotals(Strategies.Count);
        for (_round = 0; _round < _scenario.Rounds; _round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BeginRound();
            if (aggregator is null)
            {
                RunRoundFast();
            }
            else
            {
                RunRoundGeneral(aggregator, cancellationToken);
            }

            if (_settlement is not null)
            {
                SettleRound(useKernel: aggregator is null && _kernel is not null);
            }

            var last = _round == _scenario.Rounds - 1;
            var metrics = EndRound(options.GiniEveryRound || last);
            totals.Add(metrics);
            rounds?.Add(metrics);
            if (!last)
            {
                Adapt();
            }
        }

        var finalShare = new double[Strategies.Count];
        foreach (var s in _strategy)
        {
            finalShare[(int)s] += 1.0 / _n;
        }

        var summary = totals.ToSummary(_scenario.Rounds, finalShare);
        var path = aggregator is null ? "fast-mv" : "general:" + aggregator.Name;
        if (_settlement is not null)
        {
            path += aggregator is null && _kernel is not null ? "+kernel" : "+engine";
        }
        return new RunResult(_seed, _scenario.Name, path, rounds is null ? [] : rounds.AsReadOnly(), summary);
    }

    private static (double[] Cdf, bool Uniform, int Majority) BuildPrior(Scenario scenario)
    {
        var k = scenario.ClassCount;
        var cdf = new double[k];
        if (scenario.ClassPrior.Count == 0)
        {
            for (var c = 0; c < k; c++)
            {
                cdf[c] = (c + 1.0) / k;
            }

            return (cdf, true, 0);
        }

        var total = scenario.ClassPrior.Sum();
        var acc = 0.0;
        var majority = 0;
        for (var c = 0; c < k; c++)
        {
            acc += scenario.ClassPrior[c] / total;
            cdf[c] = acc;
            if (scenario.ClassPrior[c] > scenario.ClassPrior[majority])
            {
                majority = c;
            }
        }

        cdf[k - 1] = 1.0;
        return (cdf, false, majority);
    }

    private void Populate(PopulationModel pop)
    {
        // Largest-remainder allocation of identities to strategies, in declaration order, so counts are exact and deterministic.
        var mix = pop.Mix;
        var total = Strategies.All.Sum(mix.Get);
        var counts = new int[Strategies.Count];
        var remainders = new double[Strategies.Count];
        var assigned = 0;
        for (var s = 0; s < Strategies.Count; s++)
        {
            var exact = mix.Get((Strategy)s) / total * _n;
            counts[s] = (int)Math.Floor(exact);
            remainders[s] = exact - counts[s];
            assigned += counts[s];
        }

        while (assigned < _n)
        {
            var best = 0;
            for (var s = 1; s < Strategies.Count; s++)
            {
                if (remainders[s] > remainders[best])
                {
                    best = s;
                }
            }

            counts[best]++;
            remainders[best] = -1;
            assigned++;
        }

        var w = 0;
        var sybilOwner = 0;
        for (var s = 0; s < Strategies.Count; s++)
        {
            for (var i = 0; i < counts[s]; i++, w++)
            {
                _strategy[w] = (Strategy)s;
                _owner[w] = -1;
                if ((Strategy)s == Strategy.Sybil)
                {
                    _owner[w] = sybilOwner;
                    if ((i + 1) % pop.SybilIdentities == 0)
                    {
                        sybilOwner++;
                    }
                }
            }
        }

        for (w = 0; w < _n; w++)
        {
            var rng = new SplitMix(SplitMix.Derive(_seed, SkillStreamTag, (ulong)w));
            var skill = pop.SkillMin + ((pop.SkillMax - pop.SkillMin) * rng.NextDouble());
            _skillExcess[w] = skill - _invK;
            _threshold[w] = Threshold(_skillExcess[w], 1 - _difficultyMean);

            // A sybil owner's one balance is split over its identities; the last identity of a short group keeps the same share.
            var capital = _strategy[w] == Strategy.Sybil ? pop.StartingBalance / pop.SybilIdentities : pop.StartingBalance;
            _balance[w] = capital;
            _initialCapital[w] = capital;
        }
    }

    /// <summary>Gets the random outputs one item uses when no worker is drawn twice: the truth, the ease, and one (two when stake-weighted) per label.</summary>
    private int DrawsPerItem => 1 + (_difficultySpread > 0 ? 1 : 0) + ((_stakeWeighted ? 2 : 1) * Math.Min(_perTask, _eligibleCount));

    private void BeginRound()
    {
        _roundKey = SplitMix.Derive(_seed, (ulong)_round + 1);
        _flows = default;
        Array.Copy(_balance, _roundStartBalance, _n);
        Array.Clear(_labelCounts);
        if (_reviewCounts is not null)
        {
            Array.Clear(_reviewCounts);
            Array.Clear(_reviewTruth!);
        }

        // A profit maximiser compares expected profit per label at full and at no effort under the policy's rules
        // (under an Economics policy: what an agreeing label earned and a disagreeing one cost in the last settlement).
        var reward = _settlement is null ? (double)(_policy.RewardPerLabel + _policy.MintPerCoherentLabel) : _gainPerAgreeingLabel;
        var slash = _settlement is null ? (double)_slashPerLabel : _lossPerWrongLabel;
        var pop = _scenario.Population;
        var fullEffortGain = (_agreeFullEffort * reward) - ((1 - _agreeFullEffort) * slash) - pop.EffortCostPerLabel;
        var noEffortGain = (_agreeNoEffort * reward) - ((1 - _agreeNoEffort) * slash) - pop.LowEffortCostPerLabel;
        var maximizerBehaviour = fullEffortGain >= noEffortGain ? Skilled : Guess;

        var eligible = 0;
        long weight = 0;
        var minRep = _minReputation;
        Span<byte> behaviourOf = stackalloc byte[Strategies.Count];
        for (var st = 0; st < Strategies.Count; st++)
        {
            behaviourOf[st] = (Strategy)st switch
            {
                Strategy.Honest => Skilled,
                Strategy.RandomSpammer => Guess,
                Strategy.MajorityClassSpammer => MajorityClass,
                Strategy.LazyCopier => Copy,
                Strategy.ColludingBloc => Bloc,
                Strategy.Sybil => SybilShared,
                _ => maximizerBehaviour,
            };
        }

        var stakeWeighted = _stakeWeighted;
        for (var w = 0; w < _n; w++)
        {
            var behaviour = behaviourOf[(int)_strategy[w]];
            _behaviour[w] = behaviour;
            if (_balance[w] < _stakeToBeAssigned)
            {
                continue;
            }

            if (minRep > 0 && (_repPositive[w] + 1) / (_repPositive[w] + _repNegative[w] + 2) < minRep)
            {
                continue;
            }

            _eligible[eligible] = w;
            _slotInfo[eligible] = _threshold[w] | ((ulong)behaviour << SlotBehaviourShift) | ((ulong)w << SlotWorkerShift);
            if (stakeWeighted)
            {
                weight += Math.Max(_balance[w], 1);
                _cumulativeWeight[eligible] = weight;
            }

            eligible++;
        }

        _eligibleCount = eligible;
    }

    /// <summary>Draws the truth, the workers and their labels of one item; returns the label count.</summary>
    /// <remarks>With uniform assignment one 64-bit draw serves two purposes: its high half picks the worker, its low half decides the label
    /// (SplitMix64 output halves are independent), so an honest label usually costs one draw.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int GenerateItem(int task, ref DrawCursor rng, Span<int> workers, Span<int> labels, out int truth)
    {
        truth = _uniformPrior ? rng.NextInt(_k) : DrawClass(ref rng);
        var perItemEase = _difficultySpread > 0;
        var ease = 0.0;
        if (perItemEase)
        {
            ease = 1 - Math.Clamp(_difficultyMean + (_difficultySpread * ((2 * rng.NextDouble()) - 1)), 0, 1);
        }

        var count = Math.Min(_perTask, _eligibleCount);
        var eligible = _eligible;
        var behaviours = _behaviour;
        var thresholds = _threshold;
        var stakeWeighted = _stakeWeighted;
        var eligibleCount = (ulong)(uint)_eligibleCount;
        var otherClasses = (ulong)(uint)(_k - 1);
        for (var i = 0; i < count; i++)
        {
            int w;
            ulong r;
            uint spare;
            do
            {
                r = rng.NextUInt64();
                if (stakeWeighted)
                {
                    w = DrawWeighted(r);
                    r = rng.NextUInt64();
                    spare = (uint)(r >> 32);
                }
                else
                {
                    // Multiply-shift: the high word picks the worker, the low word is left-over uniform entropy.
                    var product = (r >> 32) * eligibleCount;
                    w = eligible[(int)(product >> 32)];
                    spare = (uint)product;
                }
            }
            while (AlreadyDrawn(workers, i, w));

            workers[i] = w;
            var u = (uint)r;
            int label;
            switch (behaviours[w])
            {
                case Skilled:
                    // Correct with the worker's probability, else one of the other K - 1 classes chosen with the spare entropy (no branch).
                    var wrong = (int)((spare * otherClasses) >> 32);
                    wrong += wrong >= truth ? 1 : 0;
                    var threshold = perItemEase ? Threshold(_skillExcess[w], ease) : thresholds[w];
                    var correctMask = (int)((long)(u - threshold) >> 63); // -1 when u < threshold (both below 2^33), else 0
                    label = (truth & correctMask) | (wrong & ~correctMask);
                    break;
                default:
                    label = NonSkilledLabel(behaviours[w], w, u, i, labels, task);
                    break;
            }

            labels[i] = label;
        }

        return count;
    }

    /// <summary>The label of a worker who does not look at the item (every behaviour but <see cref="Skilled"/>).</summary>
    private int NonSkilledLabel(byte behaviour, int w, uint u, int i, Span<int> labels, int task) => behaviour switch
    {
        Guess => (int)(((ulong)u * (uint)_k) >> 32),
        MajorityClass => _majorityClass,
        Copy => _labelsVisible && i > 0 ? labels[0] : (int)(((ulong)u * (uint)_k) >> 32),
        Bloc => SharedLabel(BlocStreamTag, task),
        _ => SharedLabel(SybilStreamTag + (ulong)_owner[w], task),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AlreadyDrawn(Span<int> workers, int count, int w)
    {
        for (var j = 0; j < count; j++)
        {
            if (workers[j] == w)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The correct-label probability 1/K + (s − 1/K)(1 − d) as a threshold on a uniform 32-bit draw (2^32 means always).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Threshold(double skillExcess, double ease) => (ulong)Math.Clamp((_invK + (skillExcess * ease)) * 4294967296.0, 0, 4294967296.0);

    private int DrawClass(ref DrawCursor rng)
    {
        var u = rng.NextDouble();
        var c = 0;
        while (c < _k - 1 && u >= _priorCdf[c])
        {
            c++;
        }

        return c;
    }

    private int DrawWeighted(ulong random)
    {
        var total = (ulong)_cumulativeWeight[_eligibleCount - 1];
        var target = (long)Math.BigMul(random, total, out _);
        var index = Array.BinarySearch(_cumulativeWeight, 0, _eligibleCount, target + 1);
        return _eligible[index >= 0 ? index : ~index];
    }

    /// <summary>A label agreed by a group without looking at the item: a pure function of (run, round, group, item).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SharedLabel(ulong group, int task) =>
        (int)(((SplitMix.Derive(_roundKey ^ group, (ulong)task) >> 32) * (ulong)_k) >> 32);

    private RoundMetrics EndRound(bool computeGini)
    {
        var pop = _scenario.Population;
        long fullLabels = 0, fullCoherent = 0, guessLabels = 0, guessCoherent = 0, labels = 0;
        var lambda = _forgetting;

        // Reputation is read only to admit workers; without a reputation floor it is not kept.
        var trackReputation = _minReputation > 0;
        var effortCost = pop.EffortCostPerLabel;
        var lowEffortCost = pop.LowEffortCostPerLabel;

        // The busiest worker's time is the largest label count of each effort level times its seconds (multiplication by a positive
        // constant keeps the order, so this is the same double as the maximum over workers).
        var mostFull = 0;
        var mostLow = 0;
        const int StrategySlots = 8;
        Span<long> strategyLabels = stackalloc long[StrategySlots];
        Span<long> strategyCoherent = stackalloc long[StrategySlots];
        Span<long> strategyProfit = stackalloc long[StrategySlots];
        Span<long> strategyCapital = stackalloc long[StrategySlots];
        Span<int> strategyWorkers = stackalloc int[StrategySlots];
        strategyLabels.Clear();
        strategyCoherent.Clear();
        strategyProfit.Clear();
        strategyCapital.Clear();
        strategyWorkers.Clear();
        for (var w = 0; w < _n; w++)
        {
            var counts = _labelCounts[w];
            var n = (int)(counts >> 32);
            var c = (int)counts;
            labels += n;
            if (trackReputation)
            {
                _repPositive[w] = (lambda * _repPositive[w]) + c;
                _repNegative[w] = (lambda * _repNegative[w]) + (n - c);
            }

            var behaviour = _behaviour[w];
            var full = behaviour == Skilled;
            long cost;
            if (full)
            {
                fullLabels += n;
                fullCoherent += c;
                mostFull = Math.Max(mostFull, n);
                cost = n * effortCost;
            }
            else
            {
                if (behaviour == Guess)
                {
                    guessLabels += n;
                    guessCoherent += c;
                }

                mostLow = Math.Max(mostLow, n);
                cost = n * lowEffortCost;
            }

            var st = (int)_strategy[w] & (StrategySlots - 1);
            strategyWorkers[st]++;
            strategyLabels[st] += n;
            strategyCoherent[st] += c;
            strategyProfit[st] += _balance[w] - _roundStartBalance[w] - cost;
            strategyCapital[st] += _initialCapital[w];
        }

        var busiest = Math.Max(0.0, Math.Max(mostFull * pop.FullEffortSeconds, mostLow * pop.LowEffortSeconds));
        var stats = new StrategyStats[Strategies.Count];
        for (var st = 0; st < stats.Length; st++)
        {
            stats[st] = new StrategyStats(strategyWorkers[st], strategyLabels[st], strategyCoherent[st], strategyProfit[st], strategyCapital[st]);
        }

        if (fullLabels > 0)
        {
            _agreeFullEffort = (double)fullCoherent / fullLabels;
        }

        if (guessLabels > 0)
        {
            _agreeNoEffort = (double)guessCoherent / guessLabels;
        }

        var f = _flows;
        return new RoundMetrics
        {
            Round = _round,
            Tasks = _scenario.TasksPerRound,
            Labels = labels,
            Accepted = f.Accepted,
            CorrectAccepted = f.CorrectAccepted,
            CorrectAll = f.CorrectAll,
            RequesterPaid = f.RequesterPaid,
            Slashed = f.Slashed,
            SlashedToPeers = f.ToPeers,
            SlashedToTreasury = f.ToTreasury,
            SlashedBurned = f.Burned,
            SlashedToRequester = f.ToRequester,
            MintedThisRound = f.Minted,
            SimulatedSeconds = busiest,
            EarningsGini = computeGini ? Gini.Compute(_earned, _scratch) : 0,
            WorkerBalances = WorkerBalanceTotal,
            Treasury = _treasury,
            Burned = _burned,
            RequesterPaidTotal = _requesterPaid,
            Minted = _minted,
            ByStrategy = stats,
        };
    }

    /// <summary>Pairwise proportional imitation: a revising worker looks at one random other worker and copies its strategy
    /// with a probability proportional to how much more it earned this round. Sybil identities neither revise nor are copied.</summary>
    private void Adapt()
    {
        var rate = _scenario.Adaptation.ImitationRate;
        if (rate <= 0 || _n < 2)
        {
            return;
        }

        var pop = _scenario.Population;
        var profit = _scratch;
        long min = long.MaxValue, max = long.MinValue;
        for (var w = 0; w < _n; w++)
        {
            var cost = (_labelCounts[w] >> 32) * (_behaviour[w] == Skilled ? pop.EffortCostPerLabel : pop.LowEffortCostPerLabel);
            profit[w] = _balance[w] - _roundStartBalance[w] - cost;
            min = Math.Min(min, profit[w]);
            max = Math.Max(max, profit[w]);
        }

        if (max <= min)
        {
            return;
        }

        var next = new Strategy[_n];
        Array.Copy(_strategy, next, _n);
        var key = SplitMix.Derive(_roundKey, AdaptStreamTag);
        for (var w = 0; w < _n; w++)
        {
            if (_strategy[w] == Strategy.Sybil)
            {
                continue;
            }

            var rng = new SplitMix(SplitMix.Derive(key, (ulong)w));
            if (rng.NextDouble() >= rate)
            {
                continue;
            }

            var other = rng.NextInt(_n - 1);
            other = other >= w ? other + 1 : other;
            if (_strategy[other] == Strategy.Sybil || profit[other] <= profit[w])
            {
                continue;
            }

            if (rng.NextDouble() < (double)(profit[other] - profit[w]) / (max - min))
            {
                next[w] = _strategy[other];
            }
        }

        Array.Copy(next, _strategy, _n);
    }

    /// <summary>Round flows; reset at the start of each round.</summary>
    private struct RoundFlows
    {
        public int Accepted;
        public int CorrectAccepted;
        public int CorrectAll;
        public long RequesterPaid;
        public long Slashed;
        public long ToPeers;
        public long ToTreasury;
        public long Burned;
        public long ToRequester;
        public long Minted;
    }

    private sealed class RunTotals(int strategies)
    {
        private readonly long[] _labels = new long[strategies];
        private readonly long[] _coherent = new long[strategies];
        private readonly long[] _profit = new long[strategies];
        private readonly long[] _capital = new long[strategies];
        private readonly int[] _workers = new int[strategies];
        private long _tasks, _labelsTotal, _accepted, _correctAccepted, _correctAll, _paid, _slashed, _peers, _treasury, _burned, _requester, _minted;
        private double _seconds, _gini;

        public void Add(RoundMetrics m)
        {
            _tasks += m.Tasks;
            _labelsTotal += m.Labels;
            _accepted += m.Accepted;
            _correctAccepted += m.CorrectAccepted;
            _correctAll += m.CorrectAll;
            _paid += m.RequesterPaid;
            _slashed += m.Slashed;
            _peers += m.SlashedToPeers;
            _treasury += m.SlashedToTreasury;
            _burned += m.SlashedBurned;
            _requester += m.SlashedToRequester;
            _minted += m.MintedThisRound;
            _seconds += m.SimulatedSeconds;
            _gini = m.EarningsGini;
            for (var s = 0; s < _labels.Length; s++)
            {
                var st = m.ByStrategy[s];
                _labels[s] += st.Labels;
                _coherent[s] += st.CoherentLabels;
                _profit[s] += st.Profit;
                _capital[s] += st.Capital;
                _workers[s] = st.Workers;
            }
        }

        public RunSummary ToSummary(int rounds, double[] finalShare)
        {
            var stats = new StrategyStats[_labels.Length];
            for (var s = 0; s < stats.Length; s++)
            {
                stats[s] = new StrategyStats(_workers[s], _labels[s], _coherent[s], _profit[s], _capital[s] / rounds);
            }

            return new RunSummary
            {
                Rounds = rounds,
                Tasks = _tasks,
                Labels = _labelsTotal,
                Accepted = _accepted,
                CorrectAccepted = _correctAccepted,
                CorrectAll = _correctAll,
                RequesterPaid = _paid,
                Slashed = _slashed,
                SlashedToPeers = _peers,
                SlashedToTreasury = _treasury,
                SlashedBurned = _burned,
                SlashedToRequester = _requester,
                Minted = _minted,
                SimulatedSeconds = _seconds,
                EarningsGini = _gini,
                ByStrategy = stats,
                FinalShare = finalShare,
            };
        }
    }
}
