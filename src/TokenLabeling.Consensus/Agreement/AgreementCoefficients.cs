// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;

namespace TokenLabeling.Consensus.Agreement;

/// <summary>Inter-annotator agreement coefficients: Cohen's kappa, Fleiss' kappa, Krippendorff's alpha, and per-item agreement.</summary>
/// <remarks>
/// <para>Every coefficient comes as a <c>TryX(..., out double)</c> that returns <see langword="false"/> when the coefficient is undefined
/// (for example, when every label is the same class, so chance agreement is 1 and kappa is 0/0), and a throwing <c>X(...)</c>.
/// No method returns NaN.</para>
/// <para>Count-matrix overloads take one row of K class counts per item, task-major, as produced by
/// <see cref="Kernels.ConsensusKernels.CountVotes"/>.</para>
/// </remarks>
public static class AgreementCoefficients
{
    /// <summary>Computes Cohen's kappa of two raters over paired labels.</summary>
    /// <param name="rater1">The first rater's class per item, represented as a span.</param>
    /// <param name="rater2">The second rater's class per item, aligned with <paramref name="rater1"/>.</param>
    /// <param name="classCount">The class count K.</param>
    /// <param name="kappa">κ = (p_o − p_e) / (1 − p_e); 0 when undefined.</param>
    /// <returns><see langword="false"/> when there are no items or p_e = 1.</returns>
    /// <exception cref="ArgumentException">The spans differ in length or a class is outside 0..K-1 (the message names the item).</exception>
    public static bool TryCohensKappa(ReadOnlySpan<int> rater1, ReadOnlySpan<int> rater2, int classCount, out double kappa)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (rater1.Length != rater2.Length)
        {
            throw new ArgumentException($"The raters' spans differ in length ({rater1.Length} and {rater2.Length}).", nameof(rater2));
        }

        var m1 = new double[classCount];
        var m2 = new double[classCount];
        var agree = 0;
        for (var i = 0; i < rater1.Length; i++)
        {
            CheckClass(rater1[i], classCount, i, nameof(rater1));
            CheckClass(rater2[i], classCount, i, nameof(rater2));
            m1[rater1[i]]++;
            m2[rater2[i]]++;
            if (rater1[i] == rater2[i])
            {
                agree++;
            }
        }

        kappa = 0;
        var n = (double)rater1.Length;
        if (n == 0)
        {
            return false;
        }

        var pe = 0.0;
        for (var c = 0; c < classCount; c++)
        {
            pe += m1[c] / n * (m2[c] / n);
        }

        if (pe >= 1)
        {
            return false;
        }

        kappa = ((agree / n) - pe) / (1 - pe);
        return true;
    }

    /// <summary>Computes Cohen's kappa of two raters over paired labels.</summary>
    /// <param name="rater1">The first rater's class per item, represented as a span.</param>
    /// <param name="rater2">The second rater's class per item, aligned with <paramref name="rater1"/>.</param>
    /// <param name="classCount">The class count K.</param>
    /// <returns>κ = (p_o − p_e) / (1 − p_e).</returns>
    /// <exception cref="ArgumentException">The spans differ in length or a class is out of range.</exception>
    /// <exception cref="InvalidOperationException">Kappa is undefined: no items, or both raters always used one and the same class.</exception>
    public static double CohensKappa(ReadOnlySpan<int> rater1, ReadOnlySpan<int> rater2, int classCount) =>
        TryCohensKappa(rater1, rater2, classCount, out var kappa)
            ? kappa
            : throw new InvalidOperationException("Cohen's kappa is undefined: there are no paired items, or chance agreement is 1 (both raters used a single, identical class).");

    /// <summary>Computes Cohen's kappa of two workers of a set over the tasks both labelled (their first label on each).</summary>
    /// <param name="annotations">The labels.</param>
    /// <param name="workerA">The dense index of the first worker.</param>
    /// <param name="workerB">The dense index of the second worker.</param>
    /// <param name="kappa">The kappa; 0 when undefined.</param>
    /// <returns><see langword="false"/> when the workers share no task or chance agreement is 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A worker index is out of range.</exception>
    public static bool TryCohensKappa(AnnotationSet annotations, int workerA, int workerB, out double kappa)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentOutOfRangeException.ThrowIfNegative(workerA);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(workerA, annotations.WorkerCount);
        ArgumentOutOfRangeException.ThrowIfNegative(workerB);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(workerB, annotations.WorkerCount);
        var a = new List<int>();
        var b = new List<int>();
        for (var t = 0; t < annotations.TaskCount; t++)
        {
            var ws = annotations.GetTaskWorkers(t);
            var ls = annotations.GetTaskLabels(t);
            int la = -1, lb = -1;
            for (var i = 0; i < ws.Length; i++)
            {
                if (ws[i] == workerA && la < 0)
                {
                    la = ls[i];
                }
                else if (ws[i] == workerB && lb < 0)
                {
                    lb = ls[i];
                }
            }

            if (la >= 0 && lb >= 0)
            {
                a.Add(la);
                b.Add(lb);
            }
        }

        return TryCohensKappa(a.ToArray(), b.ToArray(), annotations.ClassCount, out kappa);
    }

    /// <summary>
    /// Computes the mean of Cohen's kappa over every pair of workers that share at least <paramref name="minimumSharedTasks"/> tasks
    /// and whose kappa is defined (Light's kappa when every pair qualifies).
    /// </summary>
    /// <param name="annotations">The labels.</param>
    /// <param name="minimumSharedTasks">The fewest shared tasks for a pair to count. Typical: 2 to 10.</param>
    /// <param name="kappa">The mean kappa; 0 when no pair qualifies.</param>
    /// <param name="pairs">The number of pairs averaged.</param>
    /// <returns><see langword="false"/> when no pair qualifies.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumSharedTasks"/> is less than 1.</exception>
    public static bool TryMeanPairwiseCohensKappa(AnnotationSet annotations, int minimumSharedTasks, out double kappa, out int pairs)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumSharedTasks, 1);
        var k = annotations.ClassCount;

        // One K × K table of paired answers per co-occurring worker pair (first label of each worker per task).
        var tables = new Dictionary<long, int[]>();
        var seen = new Dictionary<int, int>();
        for (var t = 0; t < annotations.TaskCount; t++)
        {
            seen.Clear();
            var ws = annotations.GetTaskWorkers(t);
            var ls = annotations.GetTaskLabels(t);
            for (var i = 0; i < ws.Length; i++)
            {
                seen.TryAdd(ws[i], ls[i]);
            }

            foreach (var (wa, la) in seen)
            {
                foreach (var (wb, lb) in seen)
                {
                    if (wa >= wb)
                    {
                        continue;
                    }

                    var key = ((long)wa << 32) | (uint)wb;
                    if (!tables.TryGetValue(key, out var table))
                    {
                        table = new int[k * k];
                        tables.Add(key, table);
                    }

                    table[(la * k) + lb]++;
                }
            }
        }

        var sum = 0.0;
        pairs = 0;
        foreach (var key in tables.Keys.Order())
        {
            var table = tables[key];
            if (TryKappaFromTable(table, k, minimumSharedTasks, out var pairKappa))
            {
                sum += pairKappa;
                pairs++;
            }
        }

        kappa = pairs > 0 ? sum / pairs : 0;
        return pairs > 0;
    }

    /// <summary>Computes Fleiss' kappa from per-item class counts (items may have different numbers of ratings).</summary>
    /// <param name="counts">Task-major <c>items × K</c> counts, represented as a span.</param>
    /// <param name="classCount">The class count K.</param>
    /// <param name="kappa">κ = (P̄ − P̄_e) / (1 − P̄_e); 0 when undefined.</param>
    /// <returns><see langword="false"/> when no item has two ratings or chance agreement is 1.</returns>
    /// <exception cref="ArgumentException">The counts do not hold whole rows of K, or a count is negative (the message names the item).</exception>
    /// <remarks>
    /// <para>Per item with n_i ≥ 2 ratings: P_i = (Σ_j n_ij² − n_i) / (n_i (n_i − 1)); P̄ is their mean. p_j is class j's share of all ratings
    /// of those items and P̄_e = Σ_j p_j². With the same number of ratings per item this is Fleiss (1971); items with fewer than two
    /// ratings carry no agreement information and are skipped.</para>
    /// </remarks>
    public static bool TryFleissKappa(ReadOnlySpan<int> counts, int classCount, out double kappa)
    {
        CheckCounts(counts, classCount);
        var share = new double[classCount];
        var pSum = 0.0;
        var items = 0;
        var ratings = 0.0;
        for (var r = 0; r < counts.Length; r += classCount)
        {
            var row = counts.Slice(r, classCount);
            var n = 0.0;
            var squares = 0.0;
            foreach (var c in row)
            {
                n += c;
                squares += (double)c * c;
            }

            if (n < 2)
            {
                continue;
            }

            items++;
            pSum += (squares - n) / (n * (n - 1));
            ratings += n;
            for (var j = 0; j < classCount; j++)
            {
                share[j] += row[j];
            }
        }

        kappa = 0;
        if (items == 0)
        {
            return false;
        }

        var pe = 0.0;
        foreach (var s in share)
        {
            pe += s / ratings * (s / ratings);
        }

        if (pe >= 1)
        {
            return false;
        }

        kappa = ((pSum / items) - pe) / (1 - pe);
        return true;
    }

    /// <summary>Computes Fleiss' kappa from per-item class counts.</summary>
    /// <param name="counts">Task-major <c>items × K</c> counts, represented as a span.</param>
    /// <param name="classCount">The class count K.</param>
    /// <returns>The kappa.</returns>
    /// <exception cref="ArgumentException">The counts are malformed.</exception>
    /// <exception cref="InvalidOperationException">Kappa is undefined (no item with two ratings, or all ratings in one class).</exception>
    public static double FleissKappa(ReadOnlySpan<int> counts, int classCount) =>
        TryFleissKappa(counts, classCount, out var kappa)
            ? kappa
            : throw new InvalidOperationException("Fleiss' kappa is undefined: no item has two ratings, or every rating is the same class.");

    /// <summary>Computes Fleiss' kappa of a set.</summary>
    /// <param name="annotations">The labels.</param>
    /// <param name="kappa">The kappa; 0 when undefined.</param>
    /// <returns><see langword="false"/> when undefined.</returns>
    public static bool TryFleissKappa(AnnotationSet annotations, out double kappa) =>
        TryFleissKappa(Counts(annotations), CheckedClassCount(annotations), out kappa);

    /// <summary>Computes Fleiss' kappa of a set.</summary>
    /// <param name="annotations">The labels.</param>
    /// <returns>The kappa.</returns>
    /// <exception cref="InvalidOperationException">Kappa is undefined.</exception>
    public static double FleissKappa(AnnotationSet annotations) => FleissKappa(Counts(annotations), CheckedClassCount(annotations));

    /// <summary>Computes Krippendorff's alpha from per-item class counts (missing ratings are simply absent from the counts).</summary>
    /// <param name="counts">Task-major <c>items × K</c> counts, represented as a span.</param>
    /// <param name="classCount">The class count K.</param>
    /// <param name="metric">The level of measurement of the classes.</param>
    /// <param name="alpha">α = 1 − D_o / D_e; 0 when undefined.</param>
    /// <returns><see langword="false"/> when fewer than two pairable values exist or the expected disagreement is 0.</returns>
    /// <exception cref="ArgumentException">The counts are malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is not defined.</exception>
    /// <remarks>
    /// Follows Krippendorff (2011), "Computing Krippendorff's alpha-reliability": the coincidence matrix
    /// <c>o_ck = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1)</c> over items with m_u ≥ 2 values, <c>n_c = Σ_k o_ck</c>, and
    /// <c>α = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck</c>.
    /// </remarks>
    public static bool TryKrippendorffAlpha(ReadOnlySpan<int> counts, int classCount, KrippendorffMetric metric, out double alpha)
    {
        CheckCounts(counts, classCount);
        if (!Enum.IsDefined(metric))
        {
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric.");
        }

        var k = classCount;
        var o = new double[k * k];
        for (var r = 0; r < counts.Length; r += k)
        {
            var row = counts.Slice(r, k);
            var m = 0.0;
            foreach (var c in row)
            {
                m += c;
            }

            if (m < 2)
            {
                continue;
            }

            for (var c = 0; c < k; c++)
            {
                if (row[c] == 0)
                {
                    continue;
                }

                for (var d = 0; d < k; d++)
                {
                    o[(c * k) + d] += row[c] * (double)(row[d] - (c == d ? 1 : 0)) / (m - 1);
                }
            }
        }

        var nc = new double[k];
        var n = 0.0;
        for (var c = 0; c < k; c++)
        {
            for (var d = 0; d < k; d++)
            {
                nc[c] += o[(c * k) + d];
            }

            n += nc[c];
        }

        var observed = 0.0;
        var expected = 0.0;
        for (var c = 0; c < k; c++)
        {
            for (var d = 0; d < k; d++)
            {
                var delta = Distance(metric, nc, c, d);
                observed += o[(c * k) + d] * delta;
                expected += nc[c] * nc[d] * delta;
            }
        }

        alpha = 0;
        if (n < 2 || expected <= 0)
        {
            return false;
        }

        alpha = 1 - ((n - 1) * observed / expected);
        return true;
    }

    /// <summary>Computes Krippendorff's alpha from per-item class counts.</summary>
    /// <param name="counts">Task-major <c>items × K</c> counts, represented as a span.</param>
    /// <param name="classCount">The class count K.</param>
    /// <param name="metric">The level of measurement of the classes.</param>
    /// <returns>The alpha.</returns>
    /// <exception cref="ArgumentException">The counts are malformed.</exception>
    /// <exception cref="InvalidOperationException">Alpha is undefined (fewer than two pairable values, or no variation at all).</exception>
    public static double KrippendorffAlpha(ReadOnlySpan<int> counts, int classCount, KrippendorffMetric metric) =>
        TryKrippendorffAlpha(counts, classCount, metric, out var alpha)
            ? alpha
            : throw new InvalidOperationException("Krippendorff's alpha is undefined: fewer than two pairable values, or every pairable value is the same class.");

    /// <summary>Computes Krippendorff's alpha of a set.</summary>
    /// <param name="annotations">The labels.</param>
    /// <param name="metric">The level of measurement of the classes.</param>
    /// <param name="alpha">The alpha; 0 when undefined.</param>
    /// <returns><see langword="false"/> when undefined.</returns>
    public static bool TryKrippendorffAlpha(AnnotationSet annotations, KrippendorffMetric metric, out double alpha) =>
        TryKrippendorffAlpha(Counts(annotations), CheckedClassCount(annotations), metric, out alpha);

    /// <summary>Computes Krippendorff's alpha of a set.</summary>
    /// <param name="annotations">The labels.</param>
    /// <param name="metric">The level of measurement of the classes.</param>
    /// <returns>The alpha.</returns>
    /// <exception cref="InvalidOperationException">Alpha is undefined.</exception>
    public static double KrippendorffAlpha(AnnotationSet annotations, KrippendorffMetric metric) =>
        KrippendorffAlpha(Counts(annotations), CheckedClassCount(annotations), metric);

    /// <summary>Computes per-item agreement: the share of the item's labels that name its most frequent class, and the entropy of its labels.</summary>
    /// <param name="annotations">The labels.</param>
    /// <param name="agreementRatio">The destination, one value per task in [1/K, 1]; 0 for a task without labels.</param>
    /// <param name="entropyBits">The destination, one value per task: −Σ p log₂ p of the label shares, in bits; log₂ K for a task without labels.</param>
    /// <exception cref="ArgumentException">A destination is shorter than the task count.</exception>
    public static void ItemAgreement(AnnotationSet annotations, Span<double> agreementRatio, Span<double> entropyBits)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        var t = annotations.TaskCount;
        var k = annotations.ClassCount;
        if (agreementRatio.Length < t || entropyBits.Length < t)
        {
            throw new ArgumentException($"The destinations need {t} entries (one per task); got {agreementRatio.Length} and {entropyBits.Length}.", nameof(agreementRatio));
        }

        var counts = Counts(annotations);
        for (var i = 0; i < t; i++)
        {
            var row = counts.AsSpan(i * k, k);
            var n = 0;
            var max = 0;
            foreach (var c in row)
            {
                n += c;
                max = Math.Max(max, c);
            }

            if (n == 0)
            {
                agreementRatio[i] = 0;
                entropyBits[i] = Math.Log2(k);
                continue;
            }

            agreementRatio[i] = (double)max / n;
            var h = 0.0;
            foreach (var c in row)
            {
                if (c > 0)
                {
                    var p = (double)c / n;
                    h -= p * Math.Log2(p);
                }
            }

            entropyBits[i] = Math.Max(0, h);
        }
    }

    /// <summary>Returns the task-major class counts of a set.</summary>
    internal static int[] Counts(AnnotationSet annotations)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        var counts = new int[annotations.TaskCount * annotations.ClassCount];
        Kernels.ConsensusKernels.CountVotesUnchecked(
            annotations.Labels, annotations.TaskOffsets, annotations.ClassCount, counts, Kernels.ConsensusKernels.ResolveRowPath(Kernels.KernelPath.Auto, annotations.ClassCount, sizeof(int)));
        return counts;
    }

    private static int CheckedClassCount(AnnotationSet annotations) => annotations.ClassCount;

    private static double Distance(KrippendorffMetric metric, double[] nc, int c, int d)
    {
        if (c == d)
        {
            return 0;
        }

        switch (metric)
        {
            case KrippendorffMetric.Nominal:
                return 1;
            case KrippendorffMetric.Interval:
                return (double)(c - d) * (c - d);
            default:
                var lo = Math.Min(c, d);
                var hi = Math.Max(c, d);
                var s = 0.0;
                for (var g = lo; g <= hi; g++)
                {
                    s += nc[g];
                }

                s -= (nc[c] + nc[d]) / 2;
                return s * s;
        }
    }

    private static bool TryKappaFromTable(int[] table, int k, int minimum, out double kappa)
    {
        var n = 0.0;
        var agree = 0.0;
        var rows = new double[k];
        var cols = new double[k];
        for (var a = 0; a < k; a++)
        {
            for (var b = 0; b < k; b++)
            {
                var v = table[(a * k) + b];
                n += v;
                rows[a] += v;
                cols[b] += v;
                if (a == b)
                {
                    agree += v;
                }
            }
        }

        kappa = 0;
        if (n < minimum || n == 0)
        {
            return false;
        }

        var pe = 0.0;
        for (var c = 0; c < k; c++)
        {
            pe += rows[c] / n * (cols[c] / n);
        }

        if (pe >= 1)
        {
            return false;
        }

        kappa = ((agree / n) - pe) / (1 - pe);
        return true;
    }

    private static void CheckCounts(ReadOnlySpan<int> counts, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (counts.Length % classCount != 0)
        {
            throw new ArgumentException($"The counts must hold whole rows of {classCount} classes; got {counts.Length} values.", nameof(counts));
        }

        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] < 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Count of item {i / classCount}, class {i % classCount} is {counts[i]}; counts cannot be negative."), nameof(counts));
            }
        }
    }

    private static void CheckClass(int label, int classCount, int item, string paramName)
    {
        if ((uint)label >= (uint)classCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Item {item}: class {label} is outside 0..{classCount - 1}."), paramName);
        }
    }
}
