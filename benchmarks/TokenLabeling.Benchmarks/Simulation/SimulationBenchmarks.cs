// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using BenchmarkDotNet.Attributes;
using TokenLabeling.Consensus.Aggregators;
using TokenLabeling.Simulation;
using TokenLabeling.Simulation.Engine;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Benchmarks.Simulation;

/// <summary>Label events per second on the comparison model (also written for radCAD in benchmarks/compare/radcad/labeling_model.py):
/// 1,000 honest workers (skill 0.6-0.9), 1,000 items per round, 5 labels per item, 4 classes, plurality vote,
/// +1 token per agreeing label and -0.5 token of stake otherwise, exact integer settlement.</summary>
/// <remarks>Each benchmark reports time per label event (OperationsPerInvoke = label events), so 1 / Mean is the throughput.
/// The baseline is the general path (AnnotationSet per round + Consensus MajorityVote + transfer-by-transfer ledger).</remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class SimulationBenchmarks
{
    private const int Rounds = 20;
    private const int Tasks = 1_000;
    private const int PerTask = 5;
    private const int EventsPerRun = Rounds * Tasks * PerTask;

    private static readonly RunOptions s_fast = new() { RecordRounds = false, GiniEveryRound = false };
    private static readonly RunOptions s_generalMv = s_fast with { Aggregator = new MajorityVote(new MajorityVoteOptions { MaxDegreeOfParallelism = 1 }) };
    private static readonly RunOptions s_generalDs = s_fast with { Aggregator = new DawidSkene(new DawidSkeneOptions { MaxDegreeOfParallelism = 1 }) };

    /// <summary>Gets the benchmark model.</summary>
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

    [Benchmark(Baseline = true, OperationsPerInvoke = EventsPerRun)]
    public long GeneralPath_MajorityVote() => SimulationRunner.Run(Model, 1, s_generalMv).Summary.CorrectAll;

    [Benchmark(OperationsPerInvoke = EventsPerRun)]
    public long GeneralPath_DawidSkene() => SimulationRunner.Run(Model, 1, s_generalDs).Summary.CorrectAll;

    [Benchmark(OperationsPerInvoke = EventsPerRun)]
    public long FastPath_OneThread() => SimulationRunner.Run(Model, 1, s_fast).Summary.CorrectAll;

    [Benchmark(OperationsPerInvoke = 2 * EventsPerRun)]
    public long FastPath_TwoRunsInParallel()
    {
        var correct = new long[2];
        Parallel.For(0, 2, i => correct[i] = SimulationRunner.Run(Model, (ulong)i + 1, s_fast).Summary.CorrectAll);
        return correct[0] + correct[1];
    }
}
