// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Geometry;

/// <summary>One box drawn by one annotator on an image.</summary>
/// <param name="Annotator">The annotator's id.</param>
/// <param name="Box">The box, in pixels.</param>
/// <param name="Category">The class of the object; boxes of different categories are never matched.</param>
/// <param name="Confidence">The annotator's (or model's) confidence, positive; used by <see cref="BoxFusion.ConfidenceWeighted"/>. Default 1.</param>
public readonly record struct AnnotatedBox(string Annotator, Box Box, int Category = 0, float Confidence = 1f);

/// <summary>How the boxes of one cluster are merged into the consensus box.</summary>
public enum BoxFusion
{
    /// <summary>The mean of each coordinate.</summary>
    Mean = 0,

    /// <summary>The median of each coordinate (the mean of the two middle values for an even count); robust to one careless box.</summary>
    Median = 1,

    /// <summary>The mean of each coordinate weighted by <see cref="AnnotatedBox.Confidence"/>.</summary>
    ConfidenceWeighted = 2,
}

/// <summary>Options of <see cref="BoxConsensus"/>.</summary>
public sealed record BoxConsensusOptions
{
    /// <summary>Gets the default options: IoU 0.5, a majority of annotators, mean fusion.</summary>
    public static BoxConsensusOptions Default { get; } = new();

    /// <summary>Gets the least IoU for a box to join a cluster, in (0, 1]. Default 0.5 (the PASCAL VOC / COCO AP50 rule).</summary>
    public float IouThreshold { get; init; } = 0.5f;

    /// <summary>
    /// Gets the least number of distinct annotators a cluster needs to become a consensus box, or <see langword="null"/> for a
    /// strict majority of the annotators of the image (⌊n/2⌋ + 1). Default <see langword="null"/>.
    /// </summary>
    public int? MinAnnotators { get; init; }

    /// <summary>Gets how clustered boxes are merged. Default <see cref="BoxFusion.Mean"/>.</summary>
    public BoxFusion Fusion { get; init; } = BoxFusion.Mean;
}

/// <summary>A consensus box and the boxes it was fused from.</summary>
/// <param name="Box">The fused box.</param>
/// <param name="Category">The category shared by its members.</param>
/// <param name="Support">The number of annotators who drew it.</param>
/// <param name="Members">Indices, into the input list, of the boxes fused into it (one per annotator).</param>
/// <param name="MeanIou">The mean IoU of the members with the fused box.</param>
public sealed record ConsensusBox(Box Box, int Category, int Support, IReadOnlyList<int> Members, float MeanIou);

/// <summary>How one annotator's boxes compare with the consensus.</summary>
/// <param name="Annotator">The annotator's id.</param>
/// <param name="Boxes">The number of boxes the annotator drew.</param>
/// <param name="Matched">The number of those boxes that belong to a consensus box.</param>
/// <param name="Precision"><c>Matched / Boxes</c>; 1 when the annotator drew nothing.</param>
/// <param name="Recall"><c>Matched / consensus boxes</c>; 1 when there is no consensus box.</param>
public sealed record AnnotatorBoxScore(string Annotator, int Boxes, int Matched, double Precision, double Recall);

/// <summary>The consensus of one image.</summary>
/// <param name="Boxes">The consensus boxes, in the order their clusters were formed (annotator id, then category and position).</param>
/// <param name="Annotators">One score per annotator, ordered by id (ordinal).</param>
/// <param name="Agreement">
/// The mean, over every pair of annotators, of the F1 of their one-to-one matching at the IoU threshold
/// (<c>2·matches / (|A| + |B|)</c>, 1 when both drew nothing), in [0, 1]; <see langword="null"/> with fewer than two annotators.
/// </param>
/// <param name="MinAnnotators">The support a cluster needed to become a consensus box.</param>
public sealed record BoxConsensusResult(IReadOnlyList<ConsensusBox> Boxes, IReadOnlyList<AnnotatorBoxScore> Annotators, double? Agreement, int MinAnnotators);

/// <summary>
/// Merges the boxes several annotators drew on one image into consensus boxes.
/// </summary>
/// <remarks>
/// <para><b>Clustering rule.</b> Annotators are taken in ordinal order of their ids (so the result does not depend on the
/// order of the input). The first annotator's boxes each open a cluster. Each next annotator's boxes are matched one-to-one to
/// the current clusters by an optimal assignment (<see cref="BoxMatching"/>) on the IoU between the box and the cluster's fused
/// box, only for pairs with IoU ≥ <see cref="BoxConsensusOptions.IouThreshold"/> and the same category; a matched box joins its
/// cluster (whose fused box is recomputed), an unmatched one opens a new cluster. So a cluster holds at most one box per
/// annotator. A cluster becomes a consensus box when at least <see cref="BoxConsensusOptions.MinAnnotators"/> annotators
/// are in it (default: a strict majority of the image's annotators).</para>
/// <para><b>Scores.</b> An annotator's box counts as matched when its cluster became a consensus box. Because each
/// annotator's box helped form the consensus, precision and recall are optimistic for small crowds.</para>
/// </remarks>
public static class BoxConsensus
{
    /// <summary>Computes the consensus of one image.</summary>
    /// <param name="boxes">Every box drawn on the image, by every annotator.</param>
    /// <param name="options">The options; <see langword="null"/> for <see cref="BoxConsensusOptions.Default"/>.</param>
    /// <param name="annotators">
    /// Optional: every annotator who saw the image, including those who drew no box (they count towards the majority, and get
    /// a score). Annotators found in <paramref name="boxes"/> are added.
    /// </param>
    /// <returns>The consensus boxes, per-annotator scores and the image's agreement.</returns>
    /// <exception cref="ArgumentException">An option is out of range, or a box is invalid or has a non-positive confidence (the message names its index).</exception>
    public static BoxConsensusResult Compute(IReadOnlyList<AnnotatedBox> boxes, BoxConsensusOptions? options = null, IEnumerable<string>? annotators = null)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        options ??= BoxConsensusOptions.Default;
        if (!(options.IouThreshold > 0f && options.IouThreshold <= 1f))
        {
            throw new ArgumentException($"IouThreshold must lie in (0, 1]; got {options.IouThreshold}.", nameof(options));
        }

        if (options.MinAnnotators is < 1)
        {
            throw new ArgumentException($"MinAnnotators must be at least 1; got {options.MinAnnotators}.", nameof(options));
        }

        var byAnnotator = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var a in annotators ?? [])
        {
            ArgumentNullException.ThrowIfNull(a, nameof(annotators));
            byAnnotator.TryAdd(a, []);
        }

        for (var k = 0; k < boxes.Count; k++)
        {
            var b = boxes[k];
            if (b.Annotator is null)
            {
                throw new ArgumentException($"Box {k} has no annotator.", nameof(boxes));
            }

            BoxSet.Validate(b.Box.X1, b.Box.Y1, b.Box.X2, b.Box.Y2, k, nameof(boxes));
            if (!(b.Confidence > 0f && float.IsFinite(b.Confidence)))
            {
                throw new ArgumentException($"Box {k} (annotator '{b.Annotator}') has confidence {b.Confidence}; it must be positive and finite.", nameof(boxes));
            }

            if (!byAnnotator.TryGetValue(b.Annotator, out var list))
            {
                byAnnotator.Add(b.Annotator, list = []);
            }

            list.Add(k);
        }

        // Within an annotator, boxes are taken by category then position, so the input order never changes the clusters.
        foreach (var list in byAnnotator.Values)
        {
            list.Sort((p, q) =>
            {
                var (a, b) = (boxes[p], boxes[q]);
                var c = a.Category.CompareTo(b.Category);
                c = c != 0 ? c : a.Box.X1.CompareTo(b.Box.X1);
                c = c != 0 ? c : a.Box.Y1.CompareTo(b.Box.Y1);
                c = c != 0 ? c : a.Box.X2.CompareTo(b.Box.X2);
                c = c != 0 ? c : a.Box.Y2.CompareTo(b.Box.Y2);
                return c != 0 ? c : p.CompareTo(q);
            });
        }

        var annotatorCount = byAnnotator.Count;
        var minAnnotators = options.MinAnnotators ?? ((annotatorCount / 2) + 1);
        var clusters = new List<Cluster>();
        foreach (var (_, members) in byAnnotator)
        {
            if (members.Count == 0)
            {
                continue;
            }

            var mine = BoxSet.FromBoxes(members.Select(k => boxes[k].Box).ToArray());
            var matches = clusters.Count == 0
                ? []
                : BoxMatching.Match(
                    mine,
                    BoxSet.FromBoxes(clusters.Select(c => c.Fused).ToArray()),
                    options.IouThreshold,
                    members.Select(k => boxes[k].Category).ToArray(),
                    clusters.Select(c => c.Category).ToArray());
            var joined = new bool[members.Count];
            foreach (var match in matches)
            {
                clusters[match.B].Add(members[match.A], boxes, options.Fusion);
                joined[match.A] = true;
            }

            for (var i = 0; i < members.Count; i++)
            {
                if (!joined[i])
                {
                    var c = new Cluster(boxes[members[i]].Category);
                    c.Add(members[i], boxes, options.Fusion);
                    clusters.Add(c);
                }
            }
        }

        var consensus = new List<ConsensusBox>();
        var accepted = new bool[boxes.Count];
        foreach (var c in clusters.Where(c => c.Members.Count >= minAnnotators))
        {
            var meanIou = c.Members.Average(k => Kernels.BoxKernels.Iou(boxes[k].Box, c.Fused));
            consensus.Add(new ConsensusBox(c.Fused, c.Category, c.Members.Count, c.Members.ToArray(), meanIou));
            foreach (var k in c.Members)
            {
                accepted[k] = true;
            }
        }

        var scores = new List<AnnotatorBoxScore>(annotatorCount);
        foreach (var (annotator, members) in byAnnotator)
        {
            var matched = members.Count(k => accepted[k]);
            scores.Add(new AnnotatorBoxScore(
                annotator,
                members.Count,
                matched,
                members.Count == 0 ? 1.0 : (double)matched / members.Count,
                consensus.Count == 0 ? 1.0 : (double)matched / consensus.Count));
        }

        return new BoxConsensusResult(consensus.ToArray(), scores.ToArray(), PairwiseAgreement(boxes, byAnnotator.Values.ToArray(), options.IouThreshold), minAnnotators);
    }

    private static double? PairwiseAgreement(IReadOnlyList<AnnotatedBox> boxes, List<int>[] groups, float threshold)
    {
        if (groups.Length < 2)
        {
            return null;
        }

        var sets = groups.Select(g => BoxSet.FromBoxes(g.Select(k => boxes[k].Box).ToArray())).ToArray();
        var categories = groups.Select(g => g.Select(k => boxes[k].Category).ToArray()).ToArray();
        double sum = 0;
        var pairs = 0;
        for (var p = 0; p < groups.Length; p++)
        {
            for (var q = p + 1; q < groups.Length; q++)
            {
                var total = sets[p].Count + sets[q].Count;
                sum += total == 0 ? 1.0 : 2.0 * BoxMatching.Match(sets[p], sets[q], threshold, categories[p], categories[q]).Count / total;
                pairs++;
            }
        }

        return sum / pairs;
    }

    private sealed class Cluster(int category)
    {
        public int Category { get; } = category;

        public List<int> Members { get; } = [];

        public Box Fused { get; private set; }

        public void Add(int index, IReadOnlyList<AnnotatedBox> boxes, BoxFusion fusion)
        {
            Members.Add(index);
            Fused = Fuse(Members.Select(k => boxes[k]).ToArray(), fusion);
        }
    }

    /// <summary>Fuses boxes into one.</summary>
    /// <param name="boxes">The boxes to fuse; at least one.</param>
    /// <param name="fusion">How to merge their coordinates.</param>
    /// <returns>The fused box.</returns>
    /// <exception cref="ArgumentException">No box is given, or a confidence is not positive (for <see cref="BoxFusion.ConfidenceWeighted"/>).</exception>
    public static Box Fuse(IReadOnlyList<AnnotatedBox> boxes, BoxFusion fusion)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        if (boxes.Count == 0)
        {
            throw new ArgumentException("At least one box is needed to fuse.", nameof(boxes));
        }

        switch (fusion)
        {
            case BoxFusion.Mean:
            case BoxFusion.ConfidenceWeighted:
                {
                    double w = 0, x1 = 0, y1 = 0, x2 = 0, y2 = 0;
                    for (var k = 0; k < boxes.Count; k++)
                    {
                        var b = boxes[k];
                        double weight = fusion == BoxFusion.Mean ? 1.0 : b.Confidence;
                        if (!(weight > 0 && double.IsFinite(weight)))
                        {
                            throw new ArgumentException($"Box {k} has confidence {b.Confidence}; weights must be positive and finite.", nameof(boxes));
                        }

                        w += weight;
                        x1 += weight * b.Box.X1;
                        y1 += weight * b.Box.Y1;
                        x2 += weight * b.Box.X2;
                        y2 += weight * b.Box.Y2;
                    }

                    return new Box((float)(x1 / w), (float)(y1 / w), (float)(x2 / w), (float)(y2 / w));
                }

            case BoxFusion.Median:
                return new Box(
                    Median(boxes.Select(b => b.Box.X1)),
                    Median(boxes.Select(b => b.Box.Y1)),
                    Median(boxes.Select(b => b.Box.X2)),
                    Median(boxes.Select(b => b.Box.Y2)));
            default:
                throw new ArgumentOutOfRangeException(nameof(fusion), fusion, "Unknown fusion.");
        }
    }

    private static float Median(IEnumerable<float> values)
    {
        var v = values.ToArray();
        Array.Sort(v);
        var mid = v.Length / 2;
        return v.Length % 2 == 1 ? v[mid] : (float)((v[mid - 1] + (double)v[mid]) / 2);
    }
}
