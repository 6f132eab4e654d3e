// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using TokenLabeling.Consensus.Aggregators;
using TokenLabeling.TestUtilities;
using Xunit.Abstractions;

namespace TokenLabeling.Consensus.Tests.Aggregators;

/// <summary>Accuracy on the real datasets against the crowd-kit reference table.</summary>
public sealed class DatasetAccuracyTests(ITestOutputHelper output)
{
    // Reference accuracies of crowd-kit 1.4.1 with default parameters, copied from ../shared/datasets/REFERENCE.md
    // ("Reference accuracy" table, columns mv, ds and "ds (100 it)"). Our methods must reach the reference minus 0.5 percentage points.
    // For ds the bar is the lower of crowd-kit's default-tolerance run and its 100-iteration run: our ds stops on the true
    // log-likelihood and so converges to the same fixed point as crowd-kit's 100-iteration run. crowd-kit's default run stops early
    // on its per-label objective (a defect REFERENCE.md describes); on zencrowd_us that early stop happens to score 0.8373 while the
    // converged model scores 0.8211 in both implementations.
    private static readonly Dictionary<string, (double Mv, double Ds, double Ds100)> s_reference = new()
    {
        ["bluebirds"] = (0.7593, 0.8889, 0.8981),
        ["snow_rte"] = (0.9187, 0.9275, 0.9275),
        ["snow_temp"] = (0.9394, 0.9416, 0.9416),
        ["snow_wsd"] = (0.9944, 0.9944, 0.9944),
        ["zheng_s4_Dog"] = (0.8178, 0.8426, 0.8426),
        ["zhou_web"] = (0.7765, 0.8292, 0.8281),
        ["zencrowd_us"] = (0.8686, 0.8373, 0.8211),
        ["zheng_d_sentiment"] = (0.9320, 0.9600, 0.9600),
    };

    // One fact per dataset, so that a dataset missing on this machine shows up as skipped with the reason.
    [DatasetFact("bluebirds")]
    public void Bluebirds() => MajorityVoteAndDawidSkeneReachTheReferenceAccuracy("bluebirds");

    [DatasetFact("snow_rte")]
    public void SnowRte() => MajorityVoteAndDawidSkeneReachTheReferenceAccuracy("snow_rte");

    [DatasetFact("snow_temp")]
    public void SnowTemp() => MajorityVoteAndDawidSkeneReachTheReferenceAccuracy("snow_temp");

    [DatasetFact("snow_wsd")]
    public void SnowWsd() => MajorityVoteAndDawidSkeneReachTheReferenceAccuracy("snow_wsd");

    [DatasetFact("zheng_s4_Dog")]
    public void ZhengS4Dog() => MajorityVoteAndDawidSkeneReachTheReferenceAccuracy("zheng_s4_Dog");

    [DatasetFact("zhou_web")]
    public void ZhouWeb() => MajorityVoteAndDawidSkeneReachTheReferenceAccuracy("zhou_web");

    [DatasetFact("zencrowd_us")]
    public void ZencrowdUs() => MajorityVoteAndDawidSkeneReachTheReferenceAccuracy("zencrowd_us");

    [DatasetFact("zheng_d_sentiment")]
    public void ZhengDSentiment() => MajorityVoteAndDawidSkeneReachTheReferenceAccuracy("zheng_d_sentiment");

    private void MajorityVoteAndDawidSkeneReachTheReferenceAccuracy(string dataset)
    {
        var (set, gold) = Load(dataset);
        var mv = gold.Accuracy(new MajorityVote().Aggregate(set).Labels);
        var dsResult = new DawidSkene().Aggregate(set);
        var ds = gold.Accuracy(dsResult.Labels);
        var oc = gold.Accuracy(new OneCoinDawidSkene().Aggregate(set).Labels);
        var wmv = gold.Accuracy(new WeightedMajorityVote().Aggregate(set).Labels);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{dataset}: mv {mv:F4} wmv {wmv:F4} ds {ds:F4} ({dsResult.Iterations} it, converged {dsResult.Converged}) onecoin-ds {oc:F4}"));
        var reference = s_reference[dataset];
        Assert.True(mv >= reference.Mv - 0.005, $"mv accuracy {mv:F4} on {dataset} is below the reference {reference.Mv:F4} - 0.005");
        var dsBar = Math.Min(reference.Ds, reference.Ds100);
        Assert.True(ds >= dsBar - 0.005, $"ds accuracy {ds:F4} on {dataset} is below the reference {dsBar:F4} - 0.005");
    }

    internal static (AnnotationSet Set, GoldLabels Gold) Load(string dataset)
    {
        var dir = Datasets.Find(dataset);
        var builder = new AnnotationSetBuilder<string, string>();
        foreach (var row in Datasets.ReadIntCsv(Path.Combine(dir, "labels.csv")))
        {
            builder.Add(row[0].ToString(CultureInfo.InvariantCulture), row[1].ToString(CultureInfo.InvariantCulture), row[2]);
        }

        var set = builder.Build();
        var answers = Datasets.ReadIntCsv(Path.Combine(dir, "gold.csv"))
            .Select(r => new KeyValuePair<string, int>(r[0].ToString(CultureInfo.InvariantCulture), r[1]));
        var gold = GoldLabels.FromIds(set, answers, out _);
        return (set, gold);
    }
}
