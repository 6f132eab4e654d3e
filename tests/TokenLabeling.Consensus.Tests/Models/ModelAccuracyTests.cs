// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Models;
using TokenLabeling.TestUtilities;
using Xunit.Abstractions;

namespace TokenLabeling.Consensus.Tests.Models;

/// <summary>
/// Accuracy on the gold tasks of every reference dataset, against crowd-kit 1.4.1 with default parameters as listed in
/// <c>../shared/datasets/REFERENCE.md</c> ("Reference accuracy" table). Each model must reach the reference minus 0.5 percentage points.
/// </summary>
public class ModelAccuracyTests(ITestOutputHelper output)
{
    private const double Slack = 0.005;

    // REFERENCE.md, "Reference accuracy": columns wawa, zbs, glad, mmsr, mace, kos. NaN = no reference (KOS is binary only).
    private static readonly Dictionary<string, Dictionary<string, double>> s_reference = new()
    {
        ["bluebirds"] = new() { ["wawa"] = 0.7593, ["zbs"] = 0.7593, ["glad"] = 0.7222, ["mmsr"] = 0.7130, ["mace"] = 0.7222, ["kos"] = 0.7222 },
        ["snow_rte"] = new() { ["wawa"] = 0.9213, ["zbs"] = 0.9213, ["glad"] = 0.9250, ["mmsr"] = 0.8575, ["mace"] = 0.9250, ["kos"] = 0.4975 },
        ["snow_temp"] = new() { ["wawa"] = 0.9437, ["zbs"] = 0.9437, ["glad"] = 0.9351, ["mmsr"] = 0.9242, ["mace"] = 0.9394, ["kos"] = 0.5693 },
        ["snow_wsd"] = new() { ["wawa"] = 0.9944, ["zbs"] = 0.9944, ["glad"] = 0.9944, ["mmsr"] = 0.9944, ["mace"] = 0.9944 },
        ["zheng_s4_Dog"] = new() { ["wawa"] = 0.8290, ["zbs"] = 0.8302, ["glad"] = 0.8340, ["mmsr"] = 0.8278, ["mace"] = 0.8352 },
        ["zhou_web"] = new() { ["wawa"] = 0.8168, ["zbs"] = 0.8262, ["glad"] = 0.8213, ["mmsr"] = 0.6834, ["mace"] = 0.8115 },
        ["zencrowd_us"] = new() { ["wawa"] = 0.8657, ["zbs"] = 0.8623, ["glad"] = 0.8760, ["mmsr"] = 0.8676, ["mace"] = 0.8319, ["kos"] = 0.8730 },
        ["zheng_d_sentiment"] = new() { ["wawa"] = 0.9510, ["zbs"] = 0.9530, ["glad"] = 0.9480, ["mmsr"] = 0.9370, ["mace"] = 0.9500, ["kos"] = 0.9330 },
    };

    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var dataset in Datasets.All.Where(d => Datasets.TryFind(d) is not null))
            {
                foreach (var model in s_reference[dataset].Keys)
                {
                    data.Add(dataset, model);
                }
            }

            return data;
        }
    }

    internal static ILabelAggregator Create(string model) => model switch
    {
        "wawa" => new Wawa(),
        "zbs" => new ZeroBasedSkill(),
        "glad" => new Glad(),
        "mmsr" => new MMSR(),
        "mace" => new Mace(),
        "kos" => new Kos(),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, null),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReachesTheReferenceAccuracy(string dataset, string model)
    {
        var (set, gold) = ModelDatasets.Load(dataset);
        var result = Create(model).Aggregate(set);
        var accuracy = gold.Accuracy(result.Labels);
        var reference = s_reference[dataset][model];
        output.WriteLine($"ACCURACY {dataset} {model} {accuracy:F4} reference {reference:F4}");
        Assert.True(accuracy >= reference - Slack, $"{model} on {dataset}: {accuracy:F4} < reference {reference:F4} - {Slack}");
    }

    [Fact]
    public void TheBundledBluebirdsSetIsAlwaysChecked() =>
        Assert.Contains(Cases, row => (string)row[0] == "bluebirds");
}
