// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using BenchmarkDotNet.Attributes;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;
using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Benchmarks.Economics;

/// <summary>
/// Settlement plans for many workers with 18-decimal stakes (1–5,000 tokens) and a 1,000,000-token budget.
/// Baseline: the escrow rule on the 256-bit path, one thread; the others run on the default path (128-bit whenever every amount fits),
/// on all cores (an array of at least SettlementEngine.ParallelThreshold workers) except "one thread" (a span).
/// </summary>
[MemoryDiagnoser]
public class SettlementBenchmarks
{
    private WorkerOutcome[] _workers = [];
    private TokenAmount _budget;
    private SettlementPolicy _escrow = SettlementPresets.Recommended();
    private SettlementPolicy _kleros = SettlementPresets.Kleros();
    private SettlementPolicy _sapien = SettlementPresets.Sapien(new QaPenaltyTiers(300, 1000, 2000));

    [Params(1_000_000)]
    public int Workers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(20261124);
        var token = TokenAmount.Parse("1", 18);
        _workers = new WorkerOutcome[Workers];
        for (var i = 0; i < _workers.Length; i++)
        {
            var committed = rng.Next(1, 21);
            var revealed = rng.Next(0, committed + 1);
            var agreeing = rng.Next(0, revealed + 1);
            var flags = rng.Next(50) == 0 ? WorkerFlags.QaMinor : WorkerFlags.None;
            _workers[i] = new WorkerOutcome($"0x{i:x40}", token * (TokenAmount)(ulong)rng.Next(1, 5001), committed, revealed, agreeing, (double)agreeing / committed, 0, flags);
        }

        _budget = TokenAmount.Parse("1000000", 18);
        _escrow = SettlementPresets.Recommended();
        _kleros = SettlementPresets.Kleros();
        _sapien = SettlementPresets.Sapien(new QaPenaltyTiers(300, 1000, 2000));
    }

    [Benchmark(Baseline = true, Description = "escrow, 256-bit path")]
    public SettlementPlan EscrowWide() => SettlementEngine.Settle(_budget, _workers, _escrow, SettlementEngine.SettlementPath.Wide, CancellationToken.None);

    [Benchmark(Description = "escrow, one thread")]
    public SettlementPlan EscrowSingleThread() => SettlementEngine.Settle(_budget, _workers.AsSpan(), _escrow);

    [Benchmark(Description = "escrow")]
    public SettlementPlan Escrow() => SettlementEngine.Settle(_budget, _workers, _escrow);

    [Benchmark(Description = "kleros")]
    public SettlementPlan Kleros() => SettlementEngine.Settle(_budget, _workers, _kleros);

    [Benchmark(Description = "sapien (coherence-weighted)")]
    public SettlementPlan Sapien() => SettlementEngine.Settle(_budget, _workers, _sapien);
}
