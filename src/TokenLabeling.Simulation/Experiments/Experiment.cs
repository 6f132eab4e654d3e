// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Simulation.Engine;
using TokenLabeling.Simulation.Randomness;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Experiments;

/// <summary>One axis of a Cartesian parameter sweep.</summary>
/// <param name="Parameter">The parameter name (see <see cref="ScenarioParameters.Descriptions"/>).</param>
/// <param name="Values">The values, in order.</param>
public sealed record SweepAxis(string Parameter, IReadOnlyList<double> Values);

/// <summary>A Monte Carlo experiment: a scenario, optional sweep axes, runs per sweep point and an experiment seed. Immutable.</summary>
public sealed record ExperimentSpec
{
    /// <summary>Gets the base scenario.</summary>
    public required Scenario Scenario { get; init; }

    /// <summary>Gets the Monte Carlo runs per sweep point. Example: 200.</summary>
    public int Runs { get; init; } = 10;

    /// <summary>Gets the experiment seed; run seeds derive from it (see <see cref="SimulationSeeds.ForRun"/>).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Gets the sweep axes; points are their Cartesian product, the last axis varying fastest. Empty for one point.</summary>
    public IReadOnlyList<SweepAxis> Sweep { get; init; } = [];

    /// <summary>Returns the sweep points with their scenarios, each validated.</summary>
    /// <returns>The points in order.</returns>
    /// <exception cref="ArgumentException">An axis is empty or unknown, or a point gives an invalid scenario (the message names the point).</exception>
    public IReadOnlyList<SweepPoint> EnumeratePoints()
    {
        ArgumentNullException.ThrowIfNull(Scenario);
        ArgumentOutOfRangeException.ThrowIfLessThan(Runs, 1, nameof(Runs));
        foreach (var axis in Sweep)
        {
            if (axis.Values.Count == 0)
            {
                throw new ArgumentException($"Sweep axis '{axis.Parameter}' has no values.", nameof(Sweep));
            }
        }

        var total = 1;
        foreach (var axis in Sweep)
        {
            total = checked(total * axis.Values.Count);
        }

        var points = new List<SweepPoint>(total);
        for (var index = 0; index < total; index++)
        {
            var values = new KeyValuePair<string, double>[Sweep.Count];
            var scenario = Scenario;
            var rest = index;
            for (var a = Sweep.Count - 1; a >= 0; a--)
            {
                var axis = Sweep[a];
                values[a] = new(axis.Parameter, axis.Values[rest % axis.Values.Count]);
                rest /= axis.Values.Count;
            }

            foreach (var (name, value) in values)
            {
                scenario = ScenarioParameters.Apply(scenario, name, value);
            }

            try
            {
                scenario.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"Sweep point {index} ({string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"))}): {ex.Message}", nameof(Sweep), ex);
            }

            points.Add(new SweepPoint(index, values, scenario));
        }

        return points;
    }
}

/// <summary>One point of a sweep.</summary>
/// <param name="Index">The point index, from 0.</param>
/// <param name="Parameters">The swept parameters and their values at this point.</param>
/// <param name="Scenario">The scenario at this point.</param>
public sealed record SweepPoint(int Index, IReadOnlyList<KeyValuePair<string, double>> Parameters, Scenario Scenario);

/// <summary>Progress of an experiment.</summary>
/// <param name="CompletedRuns">Runs finished (including failed ones).</param>
/// <param name="TotalRuns">Runs in the experiment.</param>
/// <param name="FailedRuns">Runs that threw.</param>
public readonly record struct ExperimentProgress(int CompletedRuns, int TotalRuns, int FailedRuns);

/// <summary>The outcome of one run of an experiment, delivered in (point, run) order.</summary>
/// <param name="Point">The sweep point.</param>
/// <param name="Run">The run index within the point.</param>
/// <param name="Seed">The run seed: <see cref="SimulationRunner.Run"/> with the point's scenario and this seed reproduces the row.</param>
/// <param name="Result">The result, or <see langword="null"/> if the run failed.</param>
/// <param name="Error">The failure message, or <see langword="null"/>.</param>
public sealed record RunRecord(SweepPoint Point, int Run, ulong Seed, RunResult? Result, string? Error);

/// <summary>Execution settings of an experiment. Immutable.</summary>
public sealed record ExperimentOptions
{
    /// <summary>Gets the worker threads; 0 uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Gets the options of each run.</summary>
    public RunOptions RunOptions { get; init; } = RunOptions.Default;
}

/// <summary>Runs Monte Carlo experiments and sweeps in parallel and hands every run, in order, to a consumer.</summary>
public static class ExperimentRunner
{
    /// <summary>Runs every (point, run) pair, in parallel over runs, and calls <paramref name="onRun"/> for each in (point, run) order.</summary>
    /// <param name="spec">The experiment.</param>
    /// <param name="onRun">Receives each run in order, on the calling thread (write CSV rows here: memory stays constant).</param>
    /// <param name="options">Execution settings; <see langword="null"/> for defaults.</param>
    /// <param name="progress">Receives a report after each batch of runs; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the experiment; runs already delivered stay delivered.</param>
    /// <returns>Per-point aggregates.</returns>
    /// <exception cref="ArgumentException">The experiment is invalid.</exception>
    /// <exception cref="OperationCanceledException">The experiment was cancelled (after delivering the finished batch).</exception>
    /// <remarks>A run that throws is delivered with its error and counted as failed; the others go on. Runs are processed in batches of a few
    /// per thread and delivered in order after each batch, so the output is identical whatever the thread count.</remarks>
    public static ExperimentReport Run(
        ExperimentSpec spec,
        Action<RunRecord>? onRun = null,
        ExperimentOptions? options = null,
        IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new ExperimentOptions();
        var points = spec.EnumeratePoints();
        var dop = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount;
        var total = checked(points.Count * spec.Runs);
        var batchSize = Math.Max(8, 4 * dop);
        var batch = new RunRecord[batchSize];
        var aggregates = points.Select(p => new PointAggregate(p, p.Scenario.Rounds)).ToArray();
        var done = 0;
        var failed = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = dop, CancellationToken = cancellationToken };
        for (var first = 0; first < total; first += batchSize)
        {
            var count = Math.Min(batchSize, total - first);
            Parallel.For(0, count, parallel, i =>
            {
                var global = first + i;
                var point = points[global / spec.Runs];
                var run = global % spec.Runs;
                var seed = SimulationSeeds.ForRun(spec.Seed, point.Index, run);
                try
                {
                    batch[i] = new RunRecord(point, run, seed, SimulationRunner.Run(point.Scenario, seed, options.RunOptions, cancellationToken), null);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    batch[i] = new RunRecord(point, run, seed, null, $"{ex.GetType().Name}: {ex.Message}");
                }
            });

            for (var i = 0; i < count; i++)
            {
                var record = batch[i];
                batch[i] = null!;
                if (record.Result is null)
                {
                    failed++;
                }

                aggregates[record.Point.Index].Add(record);
                onRun?.Invoke(record);
            }

            done += count;
            progress?.Report(new ExperimentProgress(done, total, failed));
        }

        return new ExperimentReport(spec.Seed, spec.Runs, aggregates.Select(a => a.ToSummary()).ToArray(), failed);
    }
}
