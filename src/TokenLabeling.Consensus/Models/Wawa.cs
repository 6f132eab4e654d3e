// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace TokenLabeling.Consensus.Models;

/// <summary>
/// Worker Agreement With Aggregate: a majority vote, then each worker's share of labels that agree with it, then a majority vote
/// weighted by those shares.
/// </summary>
/// <remarks>
/// <para>One pass, no iterations. Gold tasks are the reference for the agreement step wherever they are known, so a worker who
/// answered gold tasks is judged on them as well as on the majority.</para>
/// <para>Ties in either vote follow <see cref="TieBreak"/> (by default the lower class id), never the order in which labels were stored.</para>
/// <para>The result carries the agreement shares as worker skills and soft-count confusion matrices (posterior mass per answered
/// class, with <see cref="ConfusionSmoothing"/> added to each cell), the latter computed when first read.</para>
/// </remarks>
public sealed class Wawa : ILabelAggregator
{
    /// <summary>The pseudo-count added to every cell of the reported confusion matrices.</summary>
    public const double ConfusionSmoothing = 0.5;

    /// <summary>Initializes the model.</summary>
    /// <param name="tieBreak">How exact ties in a vote are resolved.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tieBreak"/> is not a defined value.</exception>
    public Wawa(TieBreaking tieBreak = TieBreaking.LowestClassId)
    {
        if (!Enum.IsDefined(tieBreak))
        {
            throw new ArgumentOutOfRangeException(nameof(tieBreak), tieBreak, "Unknown tie-break rule.");
        }

        TieBreak = tieBreak;
    }

    /// <summary>Gets how exact ties in a vote are resolved.</summary>
    public TieBreaking TieBreak { get; }

    /// <inheritdoc/>
    public string Name => "wawa";

    /// <inheritdoc/>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public AggregationResult Aggregate(AnnotationSet annotations, GoldLabels? gold = null, IProgress<AggregationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var goldLabels = ModelMath.CheckInputs(annotations, gold, Name);
        cancellationToken.ThrowIfCancellationRequested();
        var k = annotations.ClassCount;
        // The label frequencies are the fallback of tasks without labels; they are needed before the first vote only when they
        // also break its ties, otherwise the first pass counts them on the way.
        var frequencies = TieBreak == TieBreaking.MostFrequentClass ? ModelMath.LabelFrequencies(annotations) : null;
        var pass = new Pass(annotations, goldLabels, frequencies, frequencies);

        // Majority vote and each worker's agreement with it, then the vote weighted by those shares with its soft counts: two
        // fused passes, one task range per core.
        int[] labels;
        double[] posteriors, priors, skills;
        try
        {
            pass.Chunks.Run(pass.MajorityStep);
            skills = pass.ReduceAgreement();
            cancellationToken.ThrowIfCancellationRequested();
            pass.Chunks.Run(pass.WeightedStep);
            (labels, posteriors, priors) = pass.ReduceWeighted();
        }
        finally
        {
            pass.ReturnBuffers();
        }

        // The soft-count confusion matrices follow from the posteriors; they are computed when first read.
        return new AggregationResult(Name, k, labels, posteriors, priors, skills, () => ModelMath.EmpiricalConfusion(annotations, posteriors, ConfusionSmoothing));
    }

    /// <summary>
    /// The two votes, one task range at a time (see <see cref="TaskChunks"/>): per-worker sums are gathered per range and added
    /// in range order, so the result does not depend on how many cores ran them.
    /// </summary>
    private sealed class Pass : ChunkedPass
    {
        private readonly double[] _frequencies;
        private readonly bool _countFrequencies;
        private readonly int[] _classCounts;
        private readonly double[]? _tieBreak;
        private readonly int[] _result;
        private readonly double[] _posteriors;
        private readonly double[] _skills;

        // Per range: agreeing labels and labels per worker; posterior sums and task counts; soft counts per (worker, class, answer).
        private readonly int[] _agree;
        private readonly int[] _counts;
        private readonly double[] _posteriorSums;
        private readonly int[] _taskCounts;

        public Pass(AnnotationSet set, ReadOnlySpan<int> gold, double[]? frequencies, double[]? tieBreak)
            : base(set, gold)
        {
            _frequencies = frequencies ?? new double[K];
            _countFrequencies = frequencies is null;
            _tieBreak = tieBreak;
            _result = new int[set.TaskCount];
            _posteriors = new double[set.TaskCount * K];
            _skills = new double[WorkerCount];
            Chunks = TaskChunks.Create(set.TaskOffsets, (long)WorkerCount * ((K * K) + 1));
            _agree = new int[Chunks.Count * WorkerCount];
            _counts = new int[Chunks.Count * WorkerCount];
            _posteriorSums = new double[Chunks.Count * K];
            _taskCounts = new int[Chunks.Count];
            _classCounts = new int[Chunks.Count * K];
            // The per-range soft counts come from the shared pool: a fresh multi-megabyte array per call lands on the large
            // object heap and brings a full collection every few calls.
            MajorityStep = RunMajorityStep;
            WeightedStep = RunWeightedStep;
        }

        public TaskChunks Chunks { get; }

        public Action<int> MajorityStep { get; }

        /// <summary>Returns the pooled per-range soft counts; the pass must not be used afterwards.</summary>
        public void ReturnBuffers()
        {
        }

        public Action<int> WeightedStep { get; }

        public double[] ReduceAgreement()
        {
            var w = WorkerCount;
            for (var j = 0; j < w; j++)
            {
                var agree = 0;
                var count = 0;
                for (var c = 0; c < Chunks.Count; c++)
                {
                    agree += _agree[(c * w) + j];
                    count += _counts[(c * w) + j];
                }

                _skills[j] = count > 0 ? (double)agree / count : 0;
            }

            if (_countFrequencies)
            {
                // Shares of each class among all labels (uniform when there are none), as ModelMath.LabelFrequencies.
                var total = 0L;
                for (var l = 0; l < K; l++)
                {
                    var count = 0L;
                    for (var c = 0; c < Chunks.Count; c++)
                    {
                        count += _classCounts[(c * K) + l];
                    }

                    _frequencies[l] = count;
                    total += count;
                }

                ModelMath.Normalize(_frequencies, total);
            }

            return _skills;
        }

        public (int[] Labels, double[] Posteriors, double[] Priors) ReduceWeighted() =>
            (_result, _posteriors, ModelMath.MeanOfRangeSums(_posteriorSums, _taskCounts, K));

        // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunMajorityStep(int chunk)
        {
            var k = K;
            var offsets = Offsets;
            var workers = Workers;
            var labels = Labels;
            var agree = _agree.AsSpan(chunk * WorkerCount, WorkerCount);
            var counts = _counts.AsSpan(chunk * WorkerCount, WorkerCount);
            var classCounts = _classCounts.AsSpan(chunk * k, k);
            agree.Clear();
            counts.Clear();
            classCounts.Clear();
            Span<double> votes = stackalloc double[k];
            for (var t = Chunks.Start(chunk); t < Chunks.End(chunk); t++)
            {
                var start = offsets[t];
                var end = offsets[t + 1];
                int majority;
                if (Gold.Length > 0 && Gold[t] >= 0)
                {
                    majority = Gold[t];
                }
                else if (end == start)
                {
                    majority = -1;
                }
                else
                {
                    votes.Clear();
                    for (var i = start; i < end; i++)
                    {
                        votes[labels[i]]++;
                    }

                    majority = ModelMath.ArgMax(votes, _tieBreak);
                }

                if (_countFrequencies)
                {
                    for (var i = start; i < end; i++)
                    {
                        classCounts[labels[i]]++;
                    }
                }

                for (var i = start; i < end; i++)
                {
                    counts[workers[i]]++;
                    agree[workers[i]] += labels[i] == majority ? 1 : 0;
                }
            }
        }

        // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunWeightedStep(int chunk)
        {
            var k = K;
            var offsets = Offsets;
            var workers = Workers;
            var labels = Labels;
            var skills = _skills;
            var posteriors = _posteriors;
            var posteriorSums = _posteriorSums.AsSpan(chunk * k, k);
            posteriorSums.Clear();
            var tasks = 0;
            for (var t = Chunks.Start(chunk); t < Chunks.End(chunk); t++)
            {
                var start = offsets[t];
                var end = offsets[t + 1];
                var row = posteriors.AsSpan(t * k, k);
                ModelMath.VoteRow(labels, workers, start, end, skills, _frequencies, row);

                var hasGold = Gold.Length > 0 && Gold[t] >= 0;
                if (hasGold)
                {
                    row.Clear();
                    row[Gold[t]] = 1;
                }

                if (end == start && !hasGold)
                {
                    _result[t] = -1;
                    continue;
                }

                _result[t] = ModelMath.ArgMax(row, _tieBreak);
                tasks++;
                for (var c = 0; c < k; c++)
                {
                    posteriorSums[c] += row[c];
                }
            }

            _taskCounts[chunk] = tasks;
        }
    }
}
