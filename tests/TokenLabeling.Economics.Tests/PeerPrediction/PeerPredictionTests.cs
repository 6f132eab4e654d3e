// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Economics.PeerPrediction;

namespace TokenLabeling.Economics.Tests.PeerPrediction;

public sealed class PeerPredictionTests
{
    [Fact]
    public void OutputAgreement_HandComputed()
    {
        // t0: A 0, B 0, C 1; t1: A 1, B 1, C 1. A: (1/2 + 2/2)/2 = 0.75; B 0.75; C: (0 + 1)/2 = 0.5.
        var m = new ReportMatrix(3, 2, 2, [0, 1, 0, 1, 1, 1]);
        var s = PeerPredictionScoring.OutputAgreement(m);
        Assert.Equal([0.75, 0.75, 0.5], s.Raw);
    }

    [Fact]
    public void OutputAgreement_WorkerWithoutPeer_Throws()
    {
        var m = new ReportMatrix(2, 2, 2, [0, -1, -1, 1]);
        var ex = Assert.Throws<ArgumentException>(() => PeerPredictionScoring.OutputAgreement(m));
        Assert.Contains("worker 0", ex.Message);
    }

    [Fact]
    public void CorrelatedAgreement_HandComputed()
    {
        // A = B = [0, 1, 0, 1]: Δ is positive on the diagonal only, so S = identity.
        // Bonus: all 4 shared tasks agree → 1. Penalty: 4·4 − 4 = 12 pairs of distinct tasks, of which equal labels:
        // n_A(0)n_B(0) + n_A(1)n_B(1) − 4 same-task = 8 − 4 = 4 → 1/3. Score 1 − 1/3 = 2/3; coherence (2/3 + 1)/2 = 5/6.
        var m = new ReportMatrix(2, 4, 2, [0, 1, 0, 1, 0, 1, 0, 1]);
        var s = PeerPredictionScoring.CorrelatedAgreement(m);
        Assert.Equal(2.0 / 3.0, s.Raw[0], 12);
        Assert.Equal(2.0 / 3.0, s.Raw[1], 12);
        Assert.Equal(5.0 / 6.0, s.Coherence[0], 12);
    }

    [Fact]
    public void CorrelatedAgreement_TooFewTasks_Throws()
    {
        var m = new ReportMatrix(2, 1, 2, [0, 0]);
        var ex = Assert.Throws<ArgumentException>(() => PeerPredictionScoring.CorrelatedAgreement(m));
        Assert.Contains("at least 2 tasks", ex.Message);
    }

    [Fact]
    public void PeerTruthSerum_HandComputed()
    {
        // A = B = [0, 1, 0, 1]. On task 0 (label 0) the other tasks hold labels 1,1,0,0,1,1 → R(0) = 2/6; term 1/(1/3) − 1 = 2.
        // Every task is symmetric: both score 2. An uninformed constant reporter against them scores below.
        var m = new ReportMatrix(2, 4, 2, [0, 1, 0, 1, 0, 1, 0, 1]);
        var s = PeerPredictionScoring.PeerTruthSerum(m);
        Assert.Equal(2.0, s.Raw[0], 12);
        Assert.Equal(2.0, s.Raw[1], 12);
        Assert.Throws<ArgumentException>(() => PeerPredictionScoring.PeerTruthSerum(new ReportMatrix(2, 1, 2, [0, 0])));
    }

    [Fact]
    public void Dmi_HandComputed_PermutationInvariant_UninformativeScoresZero()
    {
        // C = 2, 4 shared tasks: halves {t0, t1} and {t2, t3}.
        // A = B = [0, 1, 0, 1]: M1 = M2 = I → det 1 · 1 = 1. F = [1, 0, 1, 0] (labels swapped): det −1 · −1 = 1.
        // K = [0, 0, 0, 0] (constant): M has one non-zero column → det 0.
        // A: pairs (B 1, F 1, K 0) → 2/3; K: all 0.
        var m = new ReportMatrix(4, 4, 2, [0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0]);
        var s = PeerPredictionScoring.Dmi(m);
        Assert.Equal(2.0 / 3.0, s.Raw[0], 12);
        Assert.Equal(2.0 / 3.0, s.Raw[2], 12);
        Assert.Equal(0.0, s.Raw[3], 12);
        Assert.Equal(1.0, s.Coherence[0], 12);
        Assert.Equal(0.0, s.Coherence[3], 12);
    }

    [Fact]
    public void Dmi_FewerThan2CSharedTasks_Throws()
    {
        var m = new ReportMatrix(2, 3, 2, [0, 1, 0, 0, 1, 0]);
        var ex = Assert.Throws<ArgumentException>(() => PeerPredictionScoring.Dmi(m));
        Assert.Contains("2C = 4", ex.Message);
        Assert.False(PeerPredictionScoring.TryDmi(m, out var none, out var reason));
        Assert.Null(none);
        Assert.NotNull(reason);
    }

    [Fact]
    public void ReportMatrix_BadLabel_NamesWorkerAndTask()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ReportMatrix(2, 2, 2, [0, 1, 2, 0]));
        Assert.Contains("Worker 1, task 0", ex.Message);
        Assert.Throws<ArgumentException>(() => new ReportMatrix(2, 2, 2, [0, 1, 1]));
    }

    [Fact]
    public void Determinant_KnownValues()
    {
        Assert.Equal(-2.0, PeerPredictionScoring.Determinant(new double[,] { { 1, 2 }, { 3, 4 } }), 12);
        Assert.Equal(0.0, PeerPredictionScoring.Determinant(new double[,] { { 1, 2 }, { 2, 4 } }), 12);
        Assert.Equal(-3.0, PeerPredictionScoring.Determinant(new double[,] { { 0, 1, 0 }, { 1, 0, 0 }, { 0, 0, 3 } }), 12);
    }
}
