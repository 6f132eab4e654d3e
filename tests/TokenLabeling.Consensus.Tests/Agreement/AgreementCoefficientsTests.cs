// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Aggregators;
using TokenLabeling.Consensus.Agreement;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Agreement;

public sealed class AgreementCoefficientsTests
{
    [Fact]
    public void FleissKappa_TextbookExample()
    {
        // Fleiss (1971) as tabulated on Wikipedia ("Fleiss' kappa", worked example): 10 subjects, 14 raters, 5 categories; κ = 0.210.
        int[] counts =
        [
            0, 0, 0, 0, 14,
            0, 2, 6, 4, 2,
            0, 0, 3, 5, 6,
            0, 3, 9, 2, 0,
            2, 2, 8, 1, 1,
            7, 7, 0, 0, 0,
            3, 2, 6, 3, 0,
            2, 5, 3, 2, 2,
            6, 5, 2, 1, 0,
            0, 2, 2, 3, 7,
        ];
        Assert.Equal(0.210, AgreementCoefficients.FleissKappa(counts, 5), 3);

        // Exactly: P̄ = 172/455 (0.378), P̄_e = Σ p_j² = 417/1960 (0.213, from p = 0.143, 0.200, 0.279, 0.150, 0.229), κ = 4211/20059.
        Tolerance.Equal(4211.0 / 20059, AgreementCoefficients.FleissKappa(counts, 5), 1e-12, 1e-12);
    }

    [Fact]
    public void FleissKappa_OfASet_MatchesTheCountsOverload()
    {
        // Two items rated by three workers: (0, 0, 1) and (1, 1, 1). Counts (2, 1) and (0, 3).
        var set = AnnotationSet.FromIndices([0, 0, 0, 1, 1, 1], [0, 1, 2, 0, 1, 2], [0, 0, 1, 1, 1, 1]);
        // P_1 = (4 + 1 − 3) / 6 = 1/3, P_2 = 1, P̄ = 2/3; p = (2/6, 4/6), P_e = 5/9; κ = (2/3 − 5/9) / (4/9) = 1/4.
        Tolerance.Equal(0.25, AgreementCoefficients.FleissKappa(set));
        Assert.True(AgreementCoefficients.TryFleissKappa(set, out var kappa));
        Tolerance.Equal(0.25, kappa);
    }

    // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: four observers, 12 units, values 1-5 with
    // missing data. Published: nominal α = 0.743, ordinal α = 0.815, interval α = 0.849.
    private static readonly int?[][] s_krippendorff =
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
        [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
    ];

    [Theory]
    [InlineData(KrippendorffMetric.Nominal, 0.743)]
    [InlineData(KrippendorffMetric.Ordinal, 0.815)]
    [InlineData(KrippendorffMetric.Interval, 0.849)]
    public void KrippendorffAlpha_PublishedExample(KrippendorffMetric metric, double published)
    {
        var set = KrippendorffSet();
        Assert.Equal(published, AgreementCoefficients.KrippendorffAlpha(set, metric), 3);
    }

    [Fact]
    public void KrippendorffAlpha_NominalExactValue()
    {
        // The coincidence matrix of the example gives α = 1 − 39 · 9.333… / (…) = 0.74342105… (hand-checked against the paper's 0.743).
        Tolerance.Equal(0.743421052631579, AgreementCoefficients.KrippendorffAlpha(KrippendorffSet(), KrippendorffMetric.Nominal), 1e-12, 1e-12);
        Tolerance.Equal(0.849107142857143, AgreementCoefficients.KrippendorffAlpha(KrippendorffSet(), KrippendorffMetric.Interval), 1e-12, 1e-12);
    }

    [Fact]
    public void CohensKappa_TextbookExample()
    {
        // Wikipedia ("Cohen's kappa", simple example): 50 items; both yes 20, A yes B no 5, A no B yes 10, both no 15.
        // p_o = 0.7, p_e = 0.5 · 0.6 + 0.5 · 0.4 = 0.5, κ = 0.4.
        var a = new List<int>();
        var b = new List<int>();
        void Add(int n, int x, int y)
        {
            a.AddRange(Enumerable.Repeat(x, n));
            b.AddRange(Enumerable.Repeat(y, n));
        }

        Add(20, 1, 1);
        Add(5, 1, 0);
        Add(10, 0, 1);
        Add(15, 0, 0);
        Tolerance.Equal(0.4, AgreementCoefficients.CohensKappa(a.ToArray(), b.ToArray(), 2));

        // The same through a set of two workers.
        var tasks = Enumerable.Range(0, 50).SelectMany(t => new[] { t, t }).ToArray();
        var workers = Enumerable.Range(0, 50).SelectMany(_ => new[] { 0, 1 }).ToArray();
        var labels = a.Zip(b, (x, y) => new[] { x, y }).SelectMany(p => p).ToArray();
        var set = AnnotationSet.FromIndices(tasks, workers, labels);
        Assert.True(AgreementCoefficients.TryCohensKappa(set, 0, 1, out var kappa));
        Tolerance.Equal(0.4, kappa);
        Assert.True(AgreementCoefficients.TryMeanPairwiseCohensKappa(set, 2, out var mean, out var pairs));
        Assert.Equal(1, pairs);
        Tolerance.Equal(0.4, mean);
    }

    [Fact]
    public void UndefinedCoefficients_ReturnFalseOrThrow_NeverNaN()
    {
        int[] oneClass = [0, 0, 0];
        Assert.False(AgreementCoefficients.TryCohensKappa(oneClass, oneClass, 2, out var k1));
        Assert.Equal(0, k1);
        Assert.Throws<InvalidOperationException>(() => AgreementCoefficients.CohensKappa(oneClass, oneClass, 2));
        Assert.False(AgreementCoefficients.TryCohensKappa([], [], 2, out _));
        Assert.False(AgreementCoefficients.TryFleissKappa([3, 0, 4, 0], 2, out _));
        Assert.Throws<InvalidOperationException>(() => AgreementCoefficients.FleissKappa([1, 0, 0, 1], 2)); // no item with two ratings
        Assert.False(AgreementCoefficients.TryKrippendorffAlpha([2, 0, 3, 0], 2, KrippendorffMetric.Nominal, out _));
        Assert.Throws<InvalidOperationException>(() => AgreementCoefficients.KrippendorffAlpha([1, 0], 2, KrippendorffMetric.Interval));
    }

    [Fact]
    public void BadInput_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => AgreementCoefficients.CohensKappa([0, 1], [0], 2));
        Assert.Throws<ArgumentException>(() => AgreementCoefficients.CohensKappa([0, 2], [0, 1], 2));
        Assert.Throws<ArgumentException>(() => AgreementCoefficients.FleissKappa([1, 2, 3], 2));
        Assert.Throws<ArgumentException>(() => AgreementCoefficients.FleissKappa([1, -2], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => AgreementCoefficients.KrippendorffAlpha([1, 1], 2, (KrippendorffMetric)9));
    }

    [Fact]
    public void ItemAgreement_HandComputed()
    {
        // Task 0: 0, 0, 1, 1 -> ratio 0.5, entropy 1 bit. Task 1: 2, 2, 2 -> 1, 0 bits. Task 2: none -> 0, log2 3.
        var set = AnnotationSet.FromIndices([0, 0, 0, 0, 1, 1, 1], [0, 1, 2, 3, 0, 1, 2], [0, 0, 1, 1, 2, 2, 2], new AnnotationSetOptions { ClassCount = 3 }, taskCount: 3);
        var ratio = new double[3];
        var entropy = new double[3];
        AgreementCoefficients.ItemAgreement(set, ratio, entropy);
        Tolerance.Equal([0.5, 1, 0], ratio);
        Tolerance.Equal([1, 0, Math.Log2(3)], entropy);
        Assert.Throws<ArgumentException>(() => AgreementCoefficients.ItemAgreement(set, new double[2], entropy));
    }

    [Fact]
    public void ConsensusPolicy_AcceptsOrSendsToReview()
    {
        // Task 0: 1, 1, 0 (MV 1, 2/3). Task 1: 0, 2 (tie -> 0, 1/2). Task 2: none.
        var set = AnnotationSet.FromIndices([0, 0, 0, 1, 1], [0, 1, 2, 0, 1], [1, 1, 0, 0, 2], new AnnotationSetOptions { ClassCount = 3 }, taskCount: 3);
        var result = new MajorityVote().Aggregate(set);
        var decisions = new ConsensusPolicy { AgreementThreshold = 0.6 }.Decide(set, result);
        Assert.Equal([ConsensusOutcome.Accepted, ConsensusOutcome.NeedsReview, ConsensusOutcome.NeedsReview], decisions.Select(d => d.Outcome));
        Assert.Equal(1, decisions[0].Label);
        Assert.Equal(3, decisions[0].Annotators);
        Tolerance.Equal(2.0 / 3, decisions[0].Agreement);

        var strict = new ConsensusPolicy { AgreementThreshold = 0.5, MinimumAnnotators = 3 }.Decide(set, result);
        Assert.Equal([ConsensusOutcome.Accepted, ConsensusOutcome.NeedsReview, ConsensusOutcome.NeedsReview], strict.Select(d => d.Outcome));
        var loose = new ConsensusPolicy { AgreementThreshold = 0.5, Measure = ConsensusMeasure.AgreementRatio }.Decide(set, result);
        Assert.Equal(ConsensusOutcome.Accepted, loose[1].Outcome);

        Assert.Throws<ArgumentOutOfRangeException>(() => new ConsensusPolicy { AgreementThreshold = 1.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConsensusPolicy { MinimumAnnotators = 0 });
    }

    private static AnnotationSet KrippendorffSet()
    {
        var builder = new AnnotationSetBuilder<int, int>();
        for (var coder = 0; coder < s_krippendorff.Length; coder++)
        {
            for (var unit = 0; unit < s_krippendorff[coder].Length; unit++)
            {
                if (s_krippendorff[coder][unit] is { } value)
                {
                    builder.Add(unit, coder, value - 1); // values 1..5 become class ids 0..4 (a shift: α is unchanged)
                }
            }
        }

        return builder.Build();
    }
}
