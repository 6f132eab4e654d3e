// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using System.Text.Json;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;
using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Cli.Commands;

/// <summary><c>tokenlabel settle</c>: settles a round from CSV outcomes and stakes under a policy, prints the plan and writes it as JSON.</summary>
internal sealed class SettleCommand : ICliCommand
{
    private const int DefaultMaxRows = 50;

    public string Name => "settle";

    public string Summary => "Settle a labeling round: stakes, rewards, slashes, fees and refund, with books that balance.";

    public string Usage => """
        usage: tokenlabel settle --outcomes <outcomes.csv> --stakes <stakes.csv> --budget <tokens> --policy <policy> [options]

          --outcomes <file>   per-worker outcomes, CSV with a header row (columns in any order, no quoting):
                                worker        opaque id, e.g. a 0x address (required, unique)
                                committed     labels committed on items whose consensus was reached (required, >= 0)
                                revealed      labels revealed, <= committed (required)
                                agreeing      revealed labels agreeing with the consensus, <= revealed (required)
                                coherence     agreement in [0, 1] (optional; default agreeing / committed)
                                under_review  labels on items flagged for review (optional; default 0)
                                flags         QA flags joined by '|': QaWarning, QaMinor, QaMajor, QaSevere (optional)
          --stakes <file>     per-worker stakes, CSV with header 'worker,stake'; stake in tokens as a decimal string, e.g. 250.5
                              every worker must appear in both files, once
          --budget <tokens>   the task budget in tokens, as a decimal string, e.g. 1000 or 12.5
          --policy <policy>   a policy JSON file (as written by SettlementPolicy.ToJson), or a preset:
                                recommended | escrow:<platformFeeBps>:<slashBps> | kleros[:<alphaBps>]
          --decimals <n>      token decimals for --budget and stakes (default 18)
          --output <file>     write the plan as JSON (amounts in base units); written atomically
          --max-rows <n>      workers shown in the table (default 50; the JSON always has all)

        Exit code 2 on bad input, with the file, row or worker at fault.
        """;

    public int Run(CommandLineOptions options, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var outcomesPath = options.Required("outcomes");
        var stakesPath = options.Required("stakes");
        var budgetText = options.Required("budget");
        var policyText = options.Required("policy");
        var decimals = options.Int32("decimals", 18, 0, TokenAmount.MaxDecimals);
        var outputPath = options.Optional("output");
        var maxRows = options.Int32("max-rows", DefaultMaxRows, 0, int.MaxValue);
        options.ThrowOnUnknown();

        if (!TokenAmount.TryParse(budgetText, decimals, out var budget))
        {
            throw new CliException($"--budget '{budgetText}' is not an amount of tokens with at most {decimals} decimals (digits with an optional '.', no sign).");
        }

        var policy = LoadPolicy(policyText);
        var stakes = ReadStakes(stakesPath, decimals);
        var workers = ReadOutcomes(outcomesPath, stakes, stakesPath);

        var plan = SettlementEngine.Settle(budget, workers, policy);
        var check = plan.Verify();
        if (!check.IsBalanced)
        {
            stderr.WriteLine("tokenlabel settle: internal error, the plan does not balance: " + string.Join(" ", check.Problems));
            return CliApp.Failure;
        }

        if (outputPath is not null)
        {
            AtomicFile.Write(outputPath, w => w.Write(plan.ToJson()));
        }

        WriteTable(stdout, plan, decimals, maxRows);
        return CliApp.Ok;
    }

    private static SettlementPolicy LoadPolicy(string text)
    {
        var parts = text.Split(':');
        try
        {
            switch (parts[0])
            {
                case "recommended" when parts.Length == 1:
                    return SettlementPresets.Recommended();
                case "escrow" when parts.Length == 3:
                    return SettlementPresets.Escrow(ParseInt(parts[1], "escrow platformFeeBps"), ParseInt(parts[2], "escrow slashBps"));
                case "kleros" when parts.Length <= 2:
                    return parts.Length == 1 ? SettlementPresets.Kleros() : SettlementPresets.Kleros(ParseInt(parts[1], "kleros alphaBps"));
                default:
                    break;
            }
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--policy '{text}': {ex.Message}");
        }

        if (!File.Exists(text))
        {
            throw new CliException($"--policy '{text}' is neither a policy file nor a preset (recommended, escrow:<feeBps>:<slashBps>, kleros[:<alphaBps>]).");
        }

        try
        {
            return SettlementPolicy.FromJson(File.ReadAllText(text));
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw new CliException($"policy file '{text}': {ex.Message}");
        }
    }

    private static int ParseInt(string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new CliException($"{what} must be a non-negative integer, not '{text}'.");

    private static Dictionary<string, TokenAmount> ReadStakes(string path, int decimals)
    {
        var (header, rows) = ReadCsv(path);
        var worker = Column(header, "worker", path, required: true);
        var stake = Column(header, "stake", path, required: true);
        var stakes = new Dictionary<string, TokenAmount>(StringComparer.Ordinal);
        foreach (var (line, cells) in rows)
        {
            var id = Cell(cells, worker, path, line, "worker");
            var text = Cell(cells, stake, path, line, "stake");
            if (!TokenAmount.TryParse(text, decimals, out var amount))
            {
                throw new CliException($"{path} line {line}: stake '{text}' of worker '{id}' is not a non-negative amount of tokens with at most {decimals} decimals, or exceeds uint256.");
            }

            if (!stakes.TryAdd(id, amount))
            {
                throw new CliException($"{path} line {line}: worker '{id}' is listed twice.");
            }
        }

        return stakes;
    }

    private static WorkerOutcome[] ReadOutcomes(string path, Dictionary<string, TokenAmount> stakes, string stakesPath)
    {
        var (header, rows) = ReadCsv(path);
        var worker = Column(header, "worker", path, required: true);
        var committed = Column(header, "committed", path, required: true);
        var revealed = Column(header, "revealed", path, required: true);
        var agreeing = Column(header, "agreeing", path, required: true);
        var coherence = Column(header, "coherence", path, required: false);
        var underReview = Column(header, "under_review", path, required: false);
        var flags = Column(header, "flags", path, required: false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<WorkerOutcome>(rows.Count);
        foreach (var (line, cells) in rows)
        {
            var id = Cell(cells, worker, path, line, "worker");
            if (!seen.Add(id))
            {
                throw new CliException($"{path} line {line}: worker '{id}' is listed twice.");
            }

            if (!stakes.TryGetValue(id, out var stake))
            {
                throw new CliException($"{path} line {line}: worker '{id}' has no stake in {stakesPath} (unknown worker).");
            }

            var n = Count(cells, committed, path, line, "committed");
            var r = Count(cells, revealed, path, line, "revealed");
            var a = Count(cells, agreeing, path, line, "agreeing");
            var review = underReview < 0 || cells[underReview].Length == 0 ? 0 : Count(cells, underReview, path, line, "under_review");
            double c;
            if (coherence < 0 || cells[coherence].Length == 0)
            {
                c = n > 0 ? (double)Math.Min(a, n) / n : 0.0;
            }
            else if (!double.TryParse(cells[coherence], NumberStyles.Float, CultureInfo.InvariantCulture, out c) || !(c >= 0 && c <= 1))
            {
                throw new CliException($"{path} line {line}: coherence '{cells[coherence]}' of worker '{id}' must be a number in [0, 1].");
            }

            var f = WorkerFlags.None;
            if (flags >= 0 && cells[flags].Length > 0)
            {
                foreach (var name in cells[flags].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!Enum.TryParse<WorkerFlags>(name, ignoreCase: true, out var one) || !Enum.IsDefined(one) || int.TryParse(name, out _))
                    {
                        throw new CliException($"{path} line {line}: unknown flag '{name}' (QaWarning, QaMinor, QaMajor, QaSevere).");
                    }

                    f |= one;
                }
            }

            result.Add(new WorkerOutcome(id, stake, n, r, a, c, review, f));
        }

        foreach (var id in stakes.Keys)
        {
            if (!seen.Contains(id))
            {
                throw new CliException($"{stakesPath}: worker '{id}' has a stake but no row in {path} (unknown worker).");
            }
        }

        return [.. result];
    }

    private static (string[] Header, List<(int Line, string[] Cells)> Rows) ReadCsv(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"file '{path}' does not exist.");
        }

        var lines = File.ReadAllLines(path);
        var rows = new List<(int, string[])>();
        string[]? header = null;
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var cells = lines[i].Split(',', StringSplitOptions.TrimEntries);
            if (header is null)
            {
                header = [.. cells.Select(h => h.ToLowerInvariant())];
                continue;
            }

            if (cells.Length != header.Length)
            {
                throw new CliException($"{path} line {i + 1}: {cells.Length} fields, but the header has {header.Length}.");
            }

            rows.Add((i + 1, cells));
        }

        return (header ?? throw new CliException($"{path} is empty: a header row is required."), rows);
    }

    private static int Column(string[] header, string name, string path, bool required)
    {
        var index = Array.IndexOf(header, name);
        if (index < 0 && required)
        {
            throw new CliException($"{path}: the header has no '{name}' column (found: {string.Join(", ", header)}).");
        }

        return index;
    }

    private static string Cell(string[] cells, int column, string path, int line, string name) =>
        cells[column].Length > 0 ? cells[column] : throw new CliException($"{path} line {line}: '{name}' is empty.");

    private static int Count(string[] cells, int column, string path, int line, string name)
    {
        var text = Cell(cells, column, path, line, name);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new CliException($"{path} line {line}: '{name}' must be a non-negative integer, not '{text}'.");
    }

    private static void WriteTable(TextWriter stdout, SettlementPlan plan, int decimals, int maxRows)
    {
        string T(TokenAmount a) => a.ToDecimalString(decimals);
        stdout.WriteLine($"settlement plan: policy {plan.PolicyName}, {plan.WorkerCount} workers, amounts in tokens ({decimals} decimals)");
        stdout.WriteLine();
        stdout.WriteLine("| # | worker | stake | slash | reward | redistribution | held back | payout |");
        stdout.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        var shown = Math.Min(maxRows, plan.WorkerCount);
        for (var i = 0; i < shown; i++)
        {
            var w = plan.GetWorker(i);
            stdout.WriteLine($"| {i} | {w.WorkerId} | {T(w.Stake)} | {T(w.Slash)} | {T(w.Reward)} | {T(w.Redistribution)} | {T(w.HeldBack)} | {T(w.Payout)} |");
        }

        if (shown < plan.WorkerCount)
        {
            stdout.WriteLine($"| … | {plan.WorkerCount - shown} more (see --output) | | | | | | |");
        }

        stdout.WriteLine($"| | total | {T(plan.TotalStakes)} | {T(plan.TotalSlashed)} | {T(plan.TotalRewards)} | {T(plan.TotalRedistributed)} | {T(plan.TotalHeldBack)} | {T(plan.TotalPayouts)} |");
        stdout.WriteLine();
        stdout.WriteLine($"budget {T(plan.Budget)}; fees {T(plan.TotalFees)} ({string.Join(", ", plan.Fees.Select(f => $"{f.Name} {T(f.Amount)}"))}); reward pool {T(plan.RewardPool)}");
        stdout.WriteLine($"refund to requester {T(plan.RequesterRefund)}; treasury {T(plan.ToTreasury)}; owner {T(plan.ToOwner)}; burned {T(plan.Burned)}; carried over {T(plan.CarriedOver)}");
        stdout.WriteLine($"unspent rewards {T(plan.UnspentRewards)}; redistribution dust {T(plan.RedistributionDust)}; slashes not shared {T(plan.SlashedNotShared)}");
        stdout.WriteLine($"balanced: in (budget + stakes) {T(plan.TotalIn)} = out {T(plan.TotalOut)}");
    }
}
