// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TokenLabeling.Economics.Policies;
using TokenLabeling.Simulation.Experiments;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Serialization;

/// <summary>Reads scenario files (JSON; schema in <c>docs/simulation/scenario.schema.json</c>) into an <see cref="ExperimentSpec"/>.</summary>
/// <remarks>Every field is optional and defaults to the value documented on <see cref="Scenario"/>; a policy starts from its
/// <c>preset</c> (default <c>default</c>) and fields override it. Token amounts are JSON numbers or strings in tokens with at most 6 decimals,
/// read exactly from their text. Unknown fields are errors, so a typo never silently falls back to a default.</remarks>
public static class ScenarioFile
{
    /// <summary>Parses a scenario file.</summary>
    /// <param name="json">The file's text.</param>
    /// <returns>The experiment: scenario, runs, seed and sweep axes (validated).</returns>
    /// <exception cref="FormatException">The JSON is malformed or a field has the wrong type (the message gives the path and line).</exception>
    /// <exception cref="ArgumentException">A value is out of range (the message names the field).</exception>
    public static ExperimentSpec Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ScenarioDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize(json, ScenarioJsonContext.Default.ScenarioDocument);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? string.Empty : $" at {ex.Path}";
            var line = ex.LineNumber is { } l ? $" (line {l + 1})" : string.Empty;
            throw new FormatException($"Scenario file is not valid{where}{line}: {ex.Message}", ex);
        }

        if (doc is null)
        {
            throw new FormatException("Scenario file is empty (expected a JSON object).");
        }

        var spec = doc.ToSpec();
        spec.Scenario.Validate();
        _ = spec.EnumeratePoints();
        return spec;
    }
}

internal sealed class ScenarioDocument
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; set; }

    public string? Name { get; set; }

    public int? Rounds { get; set; }

    public int? TasksPerRound { get; set; }

    public int? ClassCount { get; set; }

    public double[]? ClassPrior { get; set; }

    public double? DifficultyMean { get; set; }

    public double? DifficultySpread { get; set; }

    public int? LabelsPerTask { get; set; }

    public bool? StakeWeightedAssignment { get; set; }

    public bool? CommitReveal { get; set; }

    public string? Aggregator { get; set; }

    public PolicyDocument? Policy { get; set; }

    public SettlementDocument? Settlement { get; set; }

    public PopulationDocument? Population { get; set; }

    public double? ImitationRate { get; set; }

    public ExperimentDocument? Experiment { get; set; }

    public ExperimentSpec ToSpec()
    {
        var d = new Scenario();
        if (Policy is not null && Settlement is not null)
        {
            throw new ArgumentException("A scenario sets either 'policy' (per-item rules) or 'settlement' (an Economics policy per round), not both.", nameof(Settlement));
        }

        var scenario = new Scenario
        {
            Name = Name ?? d.Name,
            Rounds = Rounds ?? d.Rounds,
            TasksPerRound = TasksPerRound ?? d.TasksPerRound,
            ClassCount = ClassCount ?? d.ClassCount,
            ClassPrior = ClassPrior ?? [],
            DifficultyMean = DifficultyMean ?? d.DifficultyMean,
            DifficultySpread = DifficultySpread ?? d.DifficultySpread,
            LabelsPerTask = LabelsPerTask ?? d.LabelsPerTask,
            StakeWeightedAssignment = StakeWeightedAssignment ?? d.StakeWeightedAssignment,
            CommitReveal = CommitReveal ?? d.CommitReveal,
            Aggregator = Aggregator ?? d.Aggregator,
            Policy = (Policy ?? new PolicyDocument()).ToPolicy(),
            Settlement = Settlement?.ToSettlement(),
            Population = (Population ?? new PopulationDocument()).ToPopulation(),
            Adaptation = new AdaptationModel { ImitationRate = ImitationRate ?? 0 },
        };
        var e = Experiment ?? new ExperimentDocument();
        return new ExperimentSpec
        {
            Scenario = scenario,
            Runs = e.Runs ?? 10,
            Seed = e.Seed ?? 1,
            Sweep = (e.Sweep ?? []).Select((a, i) => new SweepAxis(
                a.Parameter ?? throw new ArgumentException($"experiment.sweep[{i}] needs a 'parameter'.", nameof(Experiment)),
                a.Values ?? throw new ArgumentException($"experiment.sweep[{i}] needs 'values'.", nameof(Experiment)))).ToArray(),
        };
    }
}

internal sealed class PolicyDocument
{
    public string? Preset { get; set; }

    public string? Name { get; set; }

    [JsonConverter(typeof(TokenAmountConverter))]
    public long? StakePerLabel { get; set; }

    public int? SlashBps { get; set; }

    public SlashRecipient? SlashRecipient { get; set; }

    [JsonConverter(typeof(TokenAmountConverter))]
    public long? RewardPerLabel { get; set; }

    public RewardSplit? RewardSplit { get; set; }

    [JsonConverter(typeof(TokenAmountConverter))]
    public long? FlatFeePerLabel { get; set; }

    [JsonConverter(typeof(TokenAmountConverter))]
    public long? MintPerCoherentLabel { get; set; }

    public double? ReviewThreshold { get; set; }

    public bool? SettleReviewedItems { get; set; }

    public double? MinReputation { get; set; }

    public double? ReputationForgetting { get; set; }

    public IncentivePolicy ToPolicy()
    {
        var presetName = Preset ?? "default";
        if (!PolicyPresets.ByName.TryGetValue(presetName, out var p))
        {
            throw new ArgumentException($"policy.preset '{presetName}' is unknown; known presets: {string.Join(", ", PolicyPresets.ByName.Keys)}.", nameof(Preset));
        }

        return p with
        {
            Name = Name ?? p.Name,
            StakePerLabel = StakePerLabel ?? p.StakePerLabel,
            SlashBps = SlashBps ?? p.SlashBps,
            SlashRecipient = SlashRecipient ?? p.SlashRecipient,
            RewardPerLabel = RewardPerLabel ?? p.RewardPerLabel,
            RewardSplit = RewardSplit ?? p.RewardSplit,
            FlatFeePerLabel = FlatFeePerLabel ?? p.FlatFeePerLabel,
            MintPerCoherentLabel = MintPerCoherentLabel ?? p.MintPerCoherentLabel,
            ReviewThreshold = ReviewThreshold ?? p.ReviewThreshold,
            SettleReviewedItems = SettleReviewedItems ?? p.SettleReviewedItems,
            MinReputation = MinReputation ?? p.MinReputation,
            ReputationForgetting = ReputationForgetting ?? p.ReputationForgetting,
        };
    }
}

internal sealed class SettlementDocument
{
    public string? Preset { get; set; }

    public JsonElement? Policy { get; set; }

    [JsonConverter(typeof(TokenAmountConverter))]
    public long? StakePerLabel { get; set; }

    [JsonConverter(typeof(TokenAmountConverter))]
    public long? BudgetPerLabel { get; set; }

    public double? ReviewThreshold { get; set; }

    public double? MinReputation { get; set; }

    public double? ReputationForgetting { get; set; }

    public QaDocument? Qa { get; set; }

    public RoundSettlement ToSettlement()
    {
        var presetName = Preset ?? "recommended";
        if (!RoundSettlementPresets.ByName.TryGetValue(presetName, out var p))
        {
            throw new ArgumentException($"settlement.preset '{presetName}' is unknown; known presets: {string.Join(", ", RoundSettlementPresets.ByName.Keys)}.", nameof(Preset));
        }

        var policy = p.Policy;
        if (Policy is { } element)
        {
            try
            {
                policy = SettlementPolicy.FromJson(element.GetRawText());
            }
            catch (JsonException ex)
            {
                throw new FormatException($"settlement.policy is not an Economics settlement policy: {ex.Message}", ex);
            }
        }

        return p with
        {
            Policy = policy,
            StakePerLabel = StakePerLabel ?? p.StakePerLabel,
            BudgetPerLabel = BudgetPerLabel ?? p.BudgetPerLabel,
            ReviewThreshold = ReviewThreshold ?? p.ReviewThreshold,
            MinReputation = MinReputation ?? p.MinReputation,
            ReputationForgetting = ReputationForgetting ?? p.ReputationForgetting,
            Qa = Qa is null ? p.Qa : new QaModel(Qa.MinorBelowCoherence ?? 0, Qa.MajorBelowCoherence ?? 0, Qa.SevereBelowCoherence ?? 0),
        };
    }
}

internal sealed class QaDocument
{
    public double? MinorBelowCoherence { get; set; }

    public double? MajorBelowCoherence { get; set; }

    public double? SevereBelowCoherence { get; set; }
}

internal sealed class PopulationDocument
{
    public int? WorkerCount { get; set; }

    public Dictionary<string, double>? Mix { get; set; }

    public double? SkillMin { get; set; }

    public double? SkillMax { get; set; }

    [JsonConverter(typeof(TokenAmountConverter))]
    public long? EffortCostPerLabel { get; set; }

    [JsonConverter(typeof(TokenAmountConverter))]
    public long? LowEffortCostPerLabel { get; set; }

    public double? FullEffortSeconds { get; set; }

    public double? LowEffortSeconds { get; set; }

    [JsonConverter(typeof(TokenAmountConverter))]
    public long? StartingBalance { get; set; }

    public int? SybilIdentities { get; set; }

    public PopulationModel ToPopulation()
    {
        var d = new PopulationModel();
        var mix = d.Mix;
        if (Mix is not null)
        {
            mix = new StrategyMix { Honest = 0 };
            foreach (var (key, share) in Mix)
            {
                var strategy = Strategies.All.FirstOrDefault(s => Strategies.ColumnName(s) == key || string.Equals(s.ToString(), key, StringComparison.OrdinalIgnoreCase));
                if (Strategies.ColumnName(strategy) != key && !string.Equals(strategy.ToString(), key, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"population.mix has unknown strategy '{key}'; known: {string.Join(", ", Strategies.All.Select(Strategies.ColumnName))}.", nameof(Mix));
                }

                mix = strategy switch
                {
                    Strategy.Honest => mix with { Honest = share },
                    Strategy.RandomSpammer => mix with { RandomSpammer = share },
                    Strategy.MajorityClassSpammer => mix with { MajorityClassSpammer = share },
                    Strategy.LazyCopier => mix with { LazyCopier = share },
                    Strategy.ColludingBloc => mix with { ColludingBloc = share },
                    Strategy.Sybil => mix with { Sybil = share },
                    _ => mix with { ProfitMaximizer = share },
                };
            }
        }

        return new PopulationModel
        {
            WorkerCount = WorkerCount ?? d.WorkerCount,
            Mix = mix,
            SkillMin = SkillMin ?? d.SkillMin,
            SkillMax = SkillMax ?? d.SkillMax,
            EffortCostPerLabel = EffortCostPerLabel ?? d.EffortCostPerLabel,
            LowEffortCostPerLabel = LowEffortCostPerLabel ?? d.LowEffortCostPerLabel,
            FullEffortSeconds = FullEffortSeconds ?? d.FullEffortSeconds,
            LowEffortSeconds = LowEffortSeconds ?? d.LowEffortSeconds,
            StartingBalance = StartingBalance ?? d.StartingBalance,
            SybilIdentities = SybilIdentities ?? d.SybilIdentities,
        };
    }
}

internal sealed class ExperimentDocument
{
    public int? Runs { get; set; }

    public ulong? Seed { get; set; }

    public SweepDocument[]? Sweep { get; set; }
}

internal sealed class SweepDocument
{
    public string? Parameter { get; set; }

    public double[]? Values { get; set; }
}

/// <summary>Reads a token amount exactly from the text of a JSON number or string.</summary>
internal sealed class TokenAmountConverter : JsonConverter<long?>
{
    public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType is not (JsonTokenType.Number or JsonTokenType.String))
        {
            throw new JsonException("A token amount must be a number or a string such as \"2.5\".");
        }

        var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : (reader.HasValueSequence ? Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence)) : Encoding.UTF8.GetString(reader.ValueSpan));
        try
        {
            var units = TokenUnits.Parse(text);
            return units < 0 ? throw new JsonException($"Token amount '{text}' must not be negative.") : units;
        }
        catch (FormatException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } v)
        {
            writer.WriteStringValue(TokenUnits.Format(v));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    Converters = [typeof(JsonStringEnumConverter<SlashRecipient>), typeof(JsonStringEnumConverter<RewardSplit>)])]
[JsonSerializable(typeof(ScenarioDocument))]
internal sealed partial class ScenarioJsonContext : JsonSerializerContext;
