// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Diagnostics;
using System.Globalization;
using TokenLabeling.Consensus;
using TokenLabeling.Consensus.Aggregators;
using TokenLabeling.Consensus.Agreement;
using TokenLabeling.Consensus.IO;

namespace TokenLabeling.Cli.Commands;

/// <summary><c>tokenlabel aggregate</c>: infers one label per task from a <c>task,worker,label</c> CSV and writes <c>task,label,confidence</c>.</summary>
internal sealed class AggregateCommand : ICliCommand
{
    public string Name => "aggregate";

    public string Summary => "Infer one label per task (majority vote, Dawid-Skene, ...) from a task,worker,label CSV.";

    public string Usage => $"""
        usage: tokenlabel aggregate --input <labels.csv> --output <out.csv> [options]

          --input <file>        labels, CSV with header 'task,worker,label' (ids are text, labels integer class ids from 0)
          --output <file>       writes 'task,label,confidence' (plus 'decision' with --threshold); written atomically
          --method <name>       {string.Join(" | ", Aggregators.Names)} (default mv)
          --gold <file>         gold answers, CSV 'task,label': prints the accuracy on the gold tasks (not used for inference)
          --iterations <n>      iteration limit of iterative methods (default 100)
          --tolerance <x>       stop when the log-likelihood changes by at most x nats; negative runs every iteration (default 1e-5)
          --threshold <t>       adds a decision column: 'accepted' when confidence >= t (in [0, 1]), else 'needs_review'
          --min-annotators <n>  with --threshold: items with fewer labels need review (default 1)
          --duplicates <rule>   several labels from one worker on one task: keep-all (default; warns with the count) |
                                reject | keep-first | keep-last
          --timing              print the aggregation time, wall and CPU (input and output excluded; a full garbage
                                collection before each run, not timed)
          --repeat <n>          with --timing: run the aggregation n times and report the fastest (default 1)

        Exit code 2 on bad input, with the file and line at fault; nothing is written then.
        """;

    public int Run(CommandLineOptions options, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var input = options.Required("input");
        var output = options.Required("output");
        var method = options.Optional("method", "mv")!;
        var goldPath = options.Optional("gold");
        int? iterations = options.Has("iterations") ? options.Int32("iterations", 100, 1, 1_000_000) : null;
        double? tolerance = options.Has("tolerance") ? options.Double("tolerance", 1e-5, -1e300, 1e300) : null;
        double? threshold = options.Has("threshold") ? options.Double("threshold", 0.5, 0, 1) : null;
        var minAnnotators = options.Int32("min-annotators", 1, 1, int.MaxValue);
        var duplicates = ParseDuplicates(options.Optional("duplicates", "keep-all")!);
        var timing = options.Has("timing");
        var repeat = options.Int32("repeat", 1, 1, 1000);
        options.ThrowOnUnknown();

        if (!Aggregators.TryCreate(method, out var aggregator, new AggregatorSettings { MaxIterations = iterations, Tolerance = tolerance }))
        {
            throw new CliException($"unknown --method '{method}'. Known methods: {string.Join(", ", Aggregators.Names)}.");
        }

        var set = ReadLabels(input, duplicates, stderr, Name);
        GoldLabels? gold = null;
        if (goldPath is not null)
        {
            gold = ReadGold(goldPath, set, stderr, Name);
        }

        AggregationResult? result = null;
        var fastest = TimeSpan.MaxValue;
        var fastestCpu = TimeSpan.MaxValue;
        var runs = timing ? repeat : 1;
        using var process = Process.GetCurrentProcess();
        do
        {
            if (timing)
            {
                // As BenchmarkDotNet does before each iteration: a full collection first, so that a run is not charged for the
                // garbage of the one before it (a large set's result arrays are large-object-heap allocations).
                result = null;
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
            }

            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            result = aggregator.Aggregate(set);
            watch.Stop();
            process.Refresh();
            cpu = process.TotalProcessorTime - cpu;
            fastest = watch.Elapsed < fastest ? watch.Elapsed : fastest;
            fastestCpu = cpu < fastestCpu ? cpu : fastestCpu;
        }
        while (--runs > 0);

        var decisions = threshold is { } t
            ? new ConsensusPolicy { AgreementThreshold = t, MinimumAnnotators = minAnnotators }.Decide(set, result)
            : null;
        AtomicFile.Write(output, w => AnnotationCsv.WriteResults(w, set, result, decisions));

        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(inv, $"{aggregator.Name}: {set.TaskCount} tasks, {set.WorkerCount} workers, {set.LabelCount} labels, {set.ClassCount} classes -> {output}"));
        if (result.Iterations > 0)
        {
            stdout.WriteLine(string.Create(inv, $"iterations: {result.Iterations}, converged: {(result.Converged ? "yes" : "no")}, log-likelihood: {result.LogLikelihoodTrace[^1]:F4}"));
        }

        if (decisions is not null)
        {
            var accepted = decisions.Count(d => d.Outcome == ConsensusOutcome.Accepted);
            stdout.WriteLine(string.Create(inv, $"accepted: {accepted}, needs review: {decisions.Count - accepted} (threshold {threshold:0.###}, at least {minAnnotators} annotator(s))"));
        }

        if (gold is not null)
        {
            stdout.WriteLine(gold.KnownCount == 0
                ? "accuracy: no gold task is in the labels"
                : string.Create(inv, $"accuracy: {gold.Accuracy(result.Labels):F4} on {gold.KnownCount} gold tasks"));
        }

        if (timing)
        {
            stdout.WriteLine(string.Create(inv, $"time: {fastest.TotalMilliseconds:F1} ms (aggregation only{(repeat > 1 ? $", fastest of {repeat} runs" : string.Empty)}); CPU time {fastestCpu.TotalMilliseconds:F1} ms, all threads"));
        }

        return CliApp.Ok;
    }

    internal static DuplicatePolicy ParseDuplicates(string text) => text switch
    {
        "keep-all" => DuplicatePolicy.KeepAll,
        "reject" => DuplicatePolicy.Reject,
        "keep-first" => DuplicatePolicy.KeepFirst,
        "keep-last" => DuplicatePolicy.KeepLast,
        _ => throw new CliException($"--duplicates must be keep-all, reject, keep-first or keep-last, not '{text}'."),
    };

    internal static AnnotationSet ReadLabels(string path, DuplicatePolicy duplicates, TextWriter stderr, string command)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"input file '{path}' does not exist.");
        }

        var set = AnnotationCsv.ReadFile(path, new AnnotationSetOptions { Duplicates = duplicates });
        if (set.DuplicateLabelCount > 0)
        {
            var what = duplicates == DuplicatePolicy.KeepAll ? "all kept (--duplicates keep-all)" : "only one kept per pair";
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tokenlabel {command}: warning: {Path.GetFileName(path)} has {set.DuplicateLabelCount} duplicate (task, worker) label(s); {what}."));
        }

        return set;
    }

    private static GoldLabels ReadGold(string path, AnnotationSet set, TextWriter stderr, string command)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"gold file '{path}' does not exist.");
        }

        var gold = AnnotationCsv.ReadGoldFile(path, set, out var unknown);
        if (unknown > 0)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tokenlabel {command}: warning: {unknown} gold answer(s) in {Path.GetFileName(path)} are for tasks without labels; ignored."));
        }

        return gold;
    }
}
