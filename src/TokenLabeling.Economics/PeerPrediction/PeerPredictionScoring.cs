// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Economics.PeerPrediction;

/// <summary>
/// Scoring rules that need no gold labels: output agreement, Correlated Agreement (Shnayder et al. 2016),
/// Peer Truth Serum (Radanovic and Faltings, PTSC form) and Determinant Mutual Information (Kong 2020).
/// Each checks its minimum-data requirement and returns per-worker scores usable as coherence.
/// </summary>
/// <remarks>Every rule has a throwing form and a <c>Try</c> form that reports why the data do not suffice.</remarks>
public static class PeerPredictionScoring
{
    /// <summary>
    /// Output agreement: for each task a worker reported, the share of the other reporters who gave the same label; averaged over the worker's tasks.
    /// Needs every worker to share at least one task with a peer. Raw and coherence are in [0, 1].
    /// </summary>
    /// <param name="reports">The reports.</param>
    /// <returns>The scores.</returns>
    /// <exception cref="ArgumentException">A worker shares no task with any peer.</exception>
    public static PeerPredictionScores OutputAgreement(ReportMatrix reports) => Throw(TryOutputAgreement(reports, out var s, out var why), s, why);

    /// <summary>Output agreement, reporting insufficient data instead of throwing.</summary>
    /// <param name="reports">The reports.</param>
    /// <param name="scores">The scores, or <see langword="null"/>.</param>
    /// <param name="reason">Why the data do not suffice, or <see langword="null"/>.</param>
    /// <returns>Whether scores were computed.</returns>
    public static bool TryOutputAgreement(ReportMatrix reports, out PeerPredictionScores? scores, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(reports);
        scores = null;
        var raw = new double[reports.Workers];
        for (var i = 0; i < reports.Workers; i++)
        {
            double sum = 0;
            var tasks = 0;
            for (var t = 0; t < reports.Tasks; t++)
            {
                var x = reports[i, t];
                if (x < 0)
                {
                    continue;
                }

                int peers = 0, agree = 0;
                for (var j = 0; j < reports.Workers; j++)
                {
                    var y = reports[j, t];
                    if (j != i && y >= 0)
                    {
                        peers++;
                        agree += x == y ? 1 : 0;
                    }
                }

                if (peers > 0)
                {
                    sum += (double)agree / peers;
                    tasks++;
                }
            }

            if (tasks == 0)
            {
                reason = $"output agreement needs every worker to share a task with a peer; worker {i} shares none.";
                return false;
            }

            raw[i] = sum / tasks;
        }

        reason = null;
        scores = new PeerPredictionScores("output-agreement", raw, raw);
        return true;
    }

    /// <summary>
    /// Correlated Agreement: <c>S(x, y) = 1[Δ_xy &gt; 0]</c> with <c>Δ = P(x, y) − P(x) P(y)</c> learned from all pairs of reports on shared tasks;
    /// a worker's score against a peer is the mean of S on shared (bonus) tasks minus its mean over pairs of distinct tasks (penalty),
    /// averaged over peers. Raw in [−1, 1]; coherence = (raw + 1) / 2.
    /// Needs at least two tasks with two reports each, and every worker to share a task with a peer who also did some other task.
    /// </summary>
    /// <param name="reports">The reports.</param>
    /// <returns>The scores.</returns>
    /// <exception cref="ArgumentException">The data do not meet the requirement (the message says which).</exception>
    public static PeerPredictionScores CorrelatedAgreement(ReportMatrix reports) => Throw(TryCorrelatedAgreement(reports, out var s, out var why), s, why);

    /// <summary>Correlated Agreement, reporting insufficient data instead of throwing.</summary>
    /// <param name="reports">The reports.</param>
    /// <param name="scores">The scores, or <see langword="null"/>.</param>
    /// <param name="reason">Why the data do not suffice, or <see langword="null"/>.</param>
    /// <returns>Whether scores were computed.</returns>
    public static bool TryCorrelatedAgreement(ReportMatrix reports, out PeerPredictionScores? scores, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(reports);
        scores = null;
        var c = reports.Classes;
        var joint = new double[c, c];
        double pairs = 0;
        var richTasks = 0;
        for (var t = 0; t < reports.Tasks; t++)
        {
            var reporters = 0;
            for (var i = 0; i < reports.Workers; i++)
            {
                var x = reports[i, t];
                if (x < 0)
                {
                    continue;
                }

                reporters++;
                for (var j = i + 1; j < reports.Workers; j++)
                {
                    var y = reports[j, t];
                    if (y >= 0)
                    {
                        joint[x, y] += 1;
                        joint[y, x] += 1;
                        pairs += 2;
                    }
                }
            }

            richTasks += reporters >= 2 ? 1 : 0;
        }

        if (richTasks < 2)
        {
            reason = $"correlated agreement needs at least 2 tasks with 2 or more reports to learn Δ; found {richTasks}.";
            return false;
        }

        var marginal = new double[c];
        for (var x = 0; x < c; x++)
        {
            for (var y = 0; y < c; y++)
            {
                marginal[x] += joint[x, y] / pairs;
            }
        }

        var score = new bool[c, c];
        for (var x = 0; x < c; x++)
        {
            for (var y = 0; y < c; y++)
            {
                score[x, y] = (joint[x, y] / pairs) - (marginal[x] * marginal[y]) > 1e-12;
            }
        }

        var counts = LabelCounts(reports);
        var raw = new double[reports.Workers];
        for (var i = 0; i < reports.Workers; i++)
        {
            double total = 0;
            var peers = 0;
            for (var j = 0; j < reports.Workers; j++)
            {
                if (j == i)
                {
                    continue;
                }

                int shared = 0, bonus = 0, sameTaskPenalty = 0;
                for (var t = 0; t < reports.Tasks; t++)
                {
                    int x = reports[i, t], y = reports[j, t];
                    if (x >= 0 && y >= 0)
                    {
                        shared++;
                        var s = score[x, y] ? 1 : 0;
                        bonus += s;
                        sameTaskPenalty += s;
                    }
                }

                long penaltyPairs = ((long)counts.Total[i] * counts.Total[j]) - shared;
                if (shared == 0 || penaltyPairs <= 0)
                {
                    continue;
                }

                double penalty = -sameTaskPenalty;
                for (var x = 0; x < c; x++)
                {
                    for (var y = 0; y < c; y++)
                    {
                        if (score[x, y])
                        {
                            penalty += (double)counts.ByClass[i, x] * counts.ByClass[j, y];
                        }
                    }
                }

                total += ((double)bonus / shared) - (penalty / penaltyPairs);
                peers++;
            }

            if (peers == 0)
            {
                reason = $"correlated agreement needs every worker to share a task with a peer who also did another task; worker {i} has none.";
                return false;
            }

            raw[i] = total / peers;
        }

        reason = null;
        scores = new PeerPredictionScores("correlated-agreement", raw, [.. raw.Select(r => Math.Clamp((r + 1) / 2, 0, 1))]);
        return true;
    }

    /// <summary>
    /// Peer Truth Serum (PTSC form, α = 0, β = 1): on each task, against each peer on it, <c>1[r_i = r_peer] / R(r_i) − 1</c>, where R is the
    /// frequency of the label among reports on the other tasks; averaged. Uninformed strategies earn about 0. Coherence is the raw score
    /// rescaled by min–max over workers. A term whose label never occurs on other tasks scores 0.
    /// Needs at least 2 tasks and every worker to share a task with a peer.
    /// </summary>
    /// <param name="reports">The reports.</param>
    /// <returns>The scores.</returns>
    /// <exception cref="ArgumentException">The data do not meet the requirement.</exception>
    public static PeerPredictionScores PeerTruthSerum(ReportMatrix reports) => Throw(TryPeerTruthSerum(reports, out var s, out var why), s, why);

    /// <summary>Peer Truth Serum, reporting insufficient data instead of throwing.</summary>
    /// <param name="reports">The reports.</param>
    /// <param name="scores">The scores, or <see langword="null"/>.</param>
    /// <param name="reason">Why the data do not suffice, or <see langword="null"/>.</param>
    /// <returns>Whether scores were computed.</returns>
    public static bool TryPeerTruthSerum(ReportMatrix reports, out PeerPredictionScores? scores, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(reports);
        scores = null;
        if (reports.Tasks < 2)
        {
            reason = "peer truth serum needs at least 2 tasks to estimate the report distribution on other tasks.";
            return false;
        }

        var c = reports.Classes;
        var perTask = new int[reports.Tasks, c];
        var all = new int[c];
        long allTotal = 0;
        for (var t = 0; t < reports.Tasks; t++)
        {
            for (var i = 0; i < reports.Workers; i++)
            {
                var x = reports[i, t];
                if (x >= 0)
                {
                    perTask[t, x]++;
                    all[x]++;
                    allTotal++;
                }
            }
        }

        var raw = new double[reports.Workers];
        for (var i = 0; i < reports.Workers; i++)
        {
            double sum = 0;
            var terms = 0;
            for (var t = 0; t < reports.Tasks; t++)
            {
                var x = reports[i, t];
                if (x < 0)
                {
                    continue;
                }

                long othersTotal = allTotal;
                for (var k = 0; k < c; k++)
                {
                    othersTotal -= perTask[t, k];
                }

                var frequency = othersTotal == 0 ? 0 : (double)(all[x] - perTask[t, x]) / othersTotal;
                for (var j = 0; j < reports.Workers; j++)
                {
                    var y = reports[j, t];
                    if (j == i || y < 0)
                    {
                        continue;
                    }

                    sum += frequency > 0 ? ((x == y ? 1.0 : 0.0) / frequency) - 1.0 : 0.0;
                    terms++;
                }
            }

            if (terms == 0)
            {
                reason = $"peer truth serum needs every worker to share a task with a peer; worker {i} shares none.";
                return false;
            }

            raw[i] = sum / terms;
        }

        reason = null;
        scores = new PeerPredictionScores("peer-truth-serum", raw, MinMax(raw));
        return true;
    }

    /// <summary>
    /// Determinant Mutual Information: for each pair of workers with at least 2C shared tasks, the shared tasks (in task order) are split
    /// into halves, C×C count matrices M¹ and M² are built from each half, and the pair pays <c>det(M¹) · det(M²)</c>; a worker's score is
    /// the mean over its qualifying pairs. Dominantly truthful; uninformative reporting scores 0. Coherence is min–max rescaled.
    /// Needs at least 2 workers and, for every worker, a peer with at least 2C shared tasks.
    /// </summary>
    /// <param name="reports">The reports.</param>
    /// <returns>The scores.</returns>
    /// <exception cref="ArgumentException">The data do not meet the requirement.</exception>
    public static PeerPredictionScores Dmi(ReportMatrix reports) => Throw(TryDmi(reports, out var s, out var why), s, why);

    /// <summary>DMI, reporting insufficient data instead of throwing.</summary>
    /// <param name="reports">The reports.</param>
    /// <param name="scores">The scores, or <see langword="null"/>.</param>
    /// <param name="reason">Why the data do not suffice, or <see langword="null"/>.</param>
    /// <returns>Whether scores were computed.</returns>
    public static bool TryDmi(ReportMatrix reports, out PeerPredictionScores? scores, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(reports);
        scores = null;
        var c = reports.Classes;
        if (reports.Workers < 2)
        {
            reason = "DMI needs at least 2 workers.";
            return false;
        }

        var raw = new double[reports.Workers];
        var sharedTasks = new List<int>();
        for (var i = 0; i < reports.Workers; i++)
        {
            double total = 0;
            var pairs = 0;
            for (var j = 0; j < reports.Workers; j++)
            {
                if (j == i)
                {
                    continue;
                }

                sharedTasks.Clear();
                for (var t = 0; t < reports.Tasks; t++)
                {
                    if (reports[i, t] >= 0 && reports[j, t] >= 0)
                    {
                        sharedTasks.Add(t);
                    }
                }

                if (sharedTasks.Count < 2 * c)
                {
                    continue;
                }

                var half = sharedTasks.Count / 2;
                var m1 = new double[c, c];
                var m2 = new double[c, c];
                for (var k = 0; k < 2 * half; k++)
                {
                    var t = sharedTasks[k];
                    (k < half ? m1 : m2)[reports[i, t], reports[j, t]] += 1;
                }

                total += Determinant(m1) * Determinant(m2);
                pairs++;
            }

            if (pairs == 0)
            {
                reason = $"DMI needs every worker to share at least 2C = {2 * c} tasks with some peer; worker {i} has no such peer.";
                return false;
            }

            raw[i] = total / pairs;
        }

        reason = null;
        scores = new PeerPredictionScores("dmi", raw, MinMax(raw));
        return true;
    }

    /// <summary>The determinant by Gaussian elimination with partial pivoting (matrices are at most C×C, C small).</summary>
    internal static double Determinant(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var det = 1.0;
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = r;
                }
            }

            if (a[pivot, col] == 0)
            {
                return 0;
            }

            if (pivot != col)
            {
                for (var k = 0; k < n; k++)
                {
                    (a[pivot, k], a[col, k]) = (a[col, k], a[pivot, k]);
                }

                det = -det;
            }

            det *= a[col, col];
            for (var r = col + 1; r < n; r++)
            {
                var f = a[r, col] / a[col, col];
                for (var k = col; k < n; k++)
                {
                    a[r, k] -= f * a[col, k];
                }
            }
        }

        return Math.Round(det, 9);
    }

    private static (int[] Total, int[,] ByClass) LabelCounts(ReportMatrix reports)
    {
        var total = new int[reports.Workers];
        var byClass = new int[reports.Workers, reports.Classes];
        for (var i = 0; i < reports.Workers; i++)
        {
            for (var t = 0; t < reports.Tasks; t++)
            {
                var x = reports[i, t];
                if (x >= 0)
                {
                    total[i]++;
                    byClass[i, x]++;
                }
            }
        }

        return (total, byClass);
    }

    private static double[] MinMax(double[] raw)
    {
        var min = raw.Min();
        var max = raw.Max();
        // Everyone equal: informative agreement (a positive score) counts as full coherence, none as zero.
        return max > min ? [.. raw.Select(r => (r - min) / (max - min))] : [.. raw.Select(_ => max > 0 ? 1.0 : 0.0)];
    }

    private static PeerPredictionScores Throw(bool ok, PeerPredictionScores? scores, string? reason) =>
        ok ? scores! : throw new ArgumentException(reason, "reports");
}
