// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using BenchmarkDotNet.Attributes;
using TokenLabeling.Consensus.Aggregators;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;
using TokenLabeling.Simulation;
using TokenLabeling.Simulation.Engine;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Benchmarks.Simulation;

/// <summary>Label events per second on the comparison model (also written for radCAD in benchmarks/compare/radcad/labeling_model.py):
/// 1,000 honest workers (skill 0.6-0.9), 1,000 items per round, 5 labels per item, 4 classes, plurality vote,
/// +1 token per agreeing label and -0.5 token of stake otherwise, exact integer settlement.</summary>
/// <remarks>
/// <para>Each benchmark reports time per label event (OperationsPerInvoke = label events), so 1 / Mean is the throughput.
/// The baseline is the general path (AnnotationSet per round + Consensus MajorityVote + transfer-by-transfer ledger).</para>
/// <para>Two settlements of the same rule: <c>PerItem_*</c> settles every item as it is labelled (the simulator's own per-item
/// <see cref="IncentivePolicy"/>); <c>Economics_*</c> settles each round as one task through an Economics <see cref="SettlementPolicy"/>
/// (reward rate 1 token per agreeing label, escrow slashing at 50% of 1 token locked per label, slashes to the treasury):
/// <c>SettlementEngine</c> on the general path, the round kernel proven equal to it on the fast path.</para>
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class SimulationBenchmarks
{
    private const int Rounds = 20;
    private const int Tasks = 1_000;
    private const int PerTask = 5;
    private const int EventsPerRun = Rounds * Tasks * PerTask;
    private const int RunsPerThread = 3;

    private static readonly RunOptions s_fast = new() { RecordRounds = false, GiniEveryRound = false };
    private static readonly RunOptions s_generalMv = s_fast with { Aggregator = new MajorityVote(new MajorityVoteOptions { MaxDegreeOfParallelism = 1 }) };
    private static readonly RunOptions s_generalDs = s_fast with { Aggregator = new DawidSkene(new DawidSkeneOptions { MaxDegreeOfParallelism = 1 }) };

    /// <summary>Gets the benchmark model, settled item by item.</summary>
    public static Scenario Model { get; } = new()
    {
        Name = "comparison-model",
        Rounds = Rounds,
        TasksPerRound = Tasks,
        ClassCount = 4,
        LabelsPerTask = PerTask,
        Policy = new IncentivePolicy
        {
            Name = "plus1-minus0.5",
            StakePerLabel = TokenUnits.FromTokens(1),
            SlashBps = 5_000,
            SlashRecipient = SlashRecipient.Treasury,
            RewardPerLabel = TokenUnits.FromTokens(1),
        },
        Population = new PopulationModel { WorkerCount = 1_000, SkillMin = 0.6, SkillMax = 0.9, StartingBalance = TokenUnits.FromTokens(1_000) },
    };

    /// <summary>Gets the benchmark model, each round settled through an Economics policy of the same rule.</summary>
    public static Scenario EconomicsModel { get; } = Model with
    {
        Name = "comparison-model-economics",
        Settlement = new RoundSettlement
        {
            Policy = new SettlementPolicy(
                "plus1-minus0.5",
                FeePolicy.None,
                new RewardPolicy(ShareWeighting.AgreeingLabels, ratePerLabel: new TokenAmount((ulong)TokenUnits.PerToken)),
                new SlashingPolicy(SlashBasis.WrongOrMissedLabels, 5_000),
                RedistributionPolicy.AllTo(FundsRecipient.Treasury)),
            StakePerLabel = TokenUnits.FromTokens(1),
            BudgetPerLabel = TokenUnits.FromTokens(1),
        },
    };

    [Benchmark(Baseline = true, OperationsPerInvoke = EventsPerRun)]
    public long PerItem_General_MajorityVote() => SimulationRunner.Run(Model, 1, s_generalMv).Summary.CorrectAll;

    [Benchmark(OperationsPerInvoke = EventsPerRun)]
    public long PerItem_General_DawidSkene() => SimulationRunner.Run(Model, 1, s_generalDs).Summary.CorrectAll;

    [Benchmark(OperationsPerInvoke = EventsPerRun)]
    public long PerItem_Fast_OneThread() => SimulationRunner.Run(Model, 1, s_fast).Summary.CorrectAll;

    [Benchmark(OperationsPerInvoke = 2 * RunsPerThread * EventsPerRun)]
    public long PerItem_Fast_TwoThreads() => TwoThreads(Model);

    [Benchmark(OperationsPerInvoke = EventsPerRun)]
    public long Economics_General_MajorityVote_SettlementEngine() => SimulationRunner.Run(EconomicsModel, 1, s_generalMv).Summary.CorrectAll;

    [Benchmark(OperationsPerInvoke = EventsPerRun)]
    public long Economics_General_DawidSkene_SettlementEngine() => SimulationRunner.Run(EconomicsModel, 1, s_generalDs).Summary.CorrectAll;

    [Benchmark(OperationsPerInvoke = EventsPerRun)]
    public long Economics_Fast_OneThread() => SimulationRunner.Run(EconomicsModel, 1, s_fast).Summary.CorrectAll;

    [Benchmark(OperationsPerInvoke = 2 * RunsPerThread * EventsPerRun)]
    public long Economics_Fast_TwoThreads() => TwoThreads(EconomicsModel);

    /// <summary>Two threads, each running <see cref="RunsPerThread"/> runs back to back (independent seeds), as an experiment does on two cores.</summary>
    private static long TwoThreads(Scenario scenario)
    {
        var correct = new long[2];
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, t =>
        {
            for (var r = 0; r < RunsPerThread; r++)
            {
                correct[t] += SimulationRunner.Run(scenario, (ulong)((t * RunsPerThread) + r + 1), s_fast).Summary.CorrectAll;
            }
        });
        return correct[0] + correct[1];
    }
}
