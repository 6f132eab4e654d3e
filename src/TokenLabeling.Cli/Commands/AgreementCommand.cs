// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using TokenLabeling.Consensus.Agreement;

namespace TokenLabeling.Cli.Commands;

/// <summary><c>tokenlabel agreement</c>: prints agreement coefficients of a <c>task,worker,label</c> CSV.</summary>
internal sealed class AgreementCommand : ICliCommand
{
    public string Name => "agreement";

    public string Summary => "Print inter-annotator agreement (Fleiss, Krippendorff, Cohen) of a task,worker,label CSV.";

    public string Usage => """
        usage: tokenlabel agreement --input <labels.csv> [--duplicates keep-all|reject|keep-first|keep-last] [--min-shared <n>]

          --input <file>       labels, CSV with header 'task,worker,label'
          --duplicates <rule>  several labels from one worker on one task (default keep-all, with a warning giving the count)
          --min-shared <n>     worker pairs need at least n shared tasks for the mean pairwise Cohen's kappa (default 2)

        Prints Fleiss' kappa (items with two or more labels), Krippendorff's alpha (nominal, ordinal and interval, reading class
        ids as ranks and as equally spaced numbers), the mean pairwise Cohen's kappa, and the mean per-item agreement ratio
        and entropy. A coefficient that is undefined for the data is printed as 'undefined' with the reason.
        Exit code 2 on bad input, with the file and line at fault.
        """;

    public int Run(CommandLineOptions options, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var input = options.Required("input");
        var duplicates = AggregateCommand.ParseDuplicates(options.Optional("duplicates", "keep-all")!);
        var minShared = options.Int32("min-shared", 2, 1, int.MaxValue);
        options.ThrowOnUnknown();

        var set = AggregateCommand.ReadLabels(input, duplicates, stderr, Name);
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(inv, $"{Path.GetFileName(input)}: {set.LabelCount} labels, {set.TaskCount} tasks, {set.WorkerCount} workers, {set.ClassCount} classes"));
        Line(stdout, "Fleiss' kappa", AgreementCoefficients.TryFleissKappa(set, out var fleiss), fleiss, "no item has two labels, or every label is the same class");
        foreach (var metric in new[] { KrippendorffMetric.Nominal, KrippendorffMetric.Ordinal, KrippendorffMetric.Interval })
        {
            Line(stdout, $"Krippendorff's alpha ({metric.ToString().ToLowerInvariant()})", AgreementCoefficients.TryKrippendorffAlpha(set, metric, out var alpha), alpha, "fewer than two pairable labels, or no variation");
        }

        var defined = AgreementCoefficients.TryMeanPairwiseCohensKappa(set, minShared, out var cohen, out var pairs);
        Line(stdout, "mean pairwise Cohen's kappa", defined, cohen, $"no worker pair shares {minShared} tasks with a defined kappa");
        if (defined)
        {
            stdout.WriteLine(string.Create(inv, $"  over {pairs} worker pair(s) sharing at least {minShared} task(s)"));
        }

        var ratio = new double[set.TaskCount];
        var entropy = new double[set.TaskCount];
        AgreementCoefficients.ItemAgreement(set, ratio, entropy);
        var labelled = Enumerable.Range(0, set.TaskCount).Where(t => set.GetTaskLabelCount(t) > 0).ToArray();
        stdout.WriteLine(string.Create(inv, $"{"mean item agreement ratio",-34} {labelled.Average(t => ratio[t]):F4}"));
        stdout.WriteLine(string.Create(inv, $"{"mean item entropy (bits)",-34} {labelled.Average(t => entropy[t]):F4}"));
        return CliApp.Ok;
    }

    private static void Line(TextWriter stdout, string name, bool defined, double value, string reason) =>
        stdout.WriteLine(defined
            ? string.Create(CultureInfo.InvariantCulture, $"{name,-34} {value:F4}")
            : $"{name,-34} undefined ({reason})");
}
