// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using TokenLabeling.Consensus.Aggregators;

namespace TokenLabeling.Consensus.Models;

/// <summary>Options of <see cref="Kos"/>.</summary>
public sealed record KosOptions
{
    /// <summary>Gets the default options.</summary>
    public static KosOptions Default { get; } = new();

    /// <summary>Gets the number of message-passing rounds. Default 10 (the messages align with the leading singular vectors within a few rounds; more only amplifies noise on small sets).</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>
    /// Gets whether each worker's excess answer bias (over the crowd's) is subtracted from its codes before message passing.
    /// Default true.
    /// </summary>
    /// <remarks>
    /// <para>KOS assumes a worker is right with the same probability whatever the true class. Real workers also lean towards one
    /// answer, and without a correction the leading singular vector of the answer matrix follows how often each worker says "1"
    /// rather than whether it is right: on sets with biased workers nearly every task gets the same label (the reference library
    /// is near chance on snow_rte and snow_temp for this reason).</para>
    /// <para>A worker's bias is measured as in the two-coin model: the midpoint of its mean ±1 answer on the tasks currently
    /// labelled 1 and on those labelled 0, each with one pseudo-answer at the crowd's mean for that class. Its raw mean answer
    /// would mix bias with reliability whenever the classes are unbalanced (a reliable worker says the majority class more often
    /// than a careless one), and removing that would push good workers' codes towards the minority class. Only the excess over
    /// the crowd's own midpoint is removed, so the lean the whole crowd shares stays. The class of each task comes from the
    /// majority vote at first (gold tasks: their known answer) and from the sign of the current task score after every round,
    /// so bias and messages are estimated together at no extra pass over the labels.</para>
    /// </remarks>
    public bool RemoveWorkerBias { get; init; } = true;

    internal void Validate() => ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1, nameof(Iterations));
}

/// <summary>
/// KOS (Karger, Oh and Shah, NIPS 2011): message passing on the task-worker graph for binary labels coded ±1.
/// </summary>
/// <remarks>
/// <para>Task-to-worker messages are <c>x(t→w) = Σ_{w'≠w} a(t,w') y(w'→t)</c>, worker-to-task messages are
/// <c>y(w→t) = Σ_{t'≠t} a(t',w) x(t'→w)</c>, rescaled to unit mean square each round. Worker messages start at 1, so the first
/// round is a leave-one-out majority vote and the result is deterministic. Class 1 is coded +1 and class 0 is coded -1.</para>
/// <para>"All but w" means all but every label of worker <c>w</c>: when a worker labelled a task more than once (a duplicate
/// pair kept by <see cref="DuplicatePolicy.KeepAll"/>), none of its labels on that task enter the messages sent to it about that
/// task, so a worker never confirms itself.</para>
/// <para>Deliberate fixes of the defects listed for the reference library: worker bias is removed (see
/// <see cref="KosOptions.RemoveWorkerBias"/>); a task whose final score is exactly 0 (a tie) falls back to the majority vote and
/// then to the more frequent class, instead of failing. Gold tasks keep their answer in the result (and in the worker skills),
/// and their known class is used when measuring worker bias; their labels enter the messages like any other.
/// KOS is defined for two classes only; other class counts are rejected with an <see cref="ArgumentException"/>.</para>
/// <para>KOS has no probabilistic model: the reported posterior of class 1 is <c>(1 + tanh(score / mean |score|)) / 2</c>, a
/// monotone confidence score rather than a calibrated probability. Worker skill is the worker's agreement with the final labels.</para>
/// </remarks>
public sealed class Kos : ILabelAggregator
{
    /// <summary>Initializes the model.</summary>
    /// <param name="options">The options; <see langword="null"/> for <see cref="KosOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Kos(KosOptions? options = null)
    {
        Options = options ?? KosOptions.Default;
        Options.Validate();
    }

    /// <summary>Gets the options.</summary>
    public KosOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "kos";

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The set does not have exactly two classes.</exception>
    // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public AggregationResult Aggregate(AnnotationSet annotations, GoldLabels? gold = null, IProgress<AggregationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var goldLabels = ModelMath.CheckInputs(annotations, gold, Name);
        if (annotations.ClassCount != 2)
        {
            throw new ArgumentException($"kos: KOS is defined for two classes; the set has {annotations.ClassCount}. Use a multi-class model such as mace or glad.", nameof(annotations));
        }

        var taskCount = annotations.TaskCount;
        var workerCount = annotations.WorkerCount;
        var offsets = annotations.TaskOffsets;

        // Majority vote (ties: the more frequent class, then class 0; gold tasks: their answer): the first class of each task
        // for the bias estimate, and the fallback for a tied final score.
        var frequencies = ModelMath.LabelFrequencies(annotations);
        var majority = new double[taskCount * 2];
        ModelMath.WeightedVote(annotations, default, frequencies, goldLabels, majority);
        var positive = new bool[taskCount];
        for (var t = 0; t < taskCount; t++)
        {
            positive[t] = ModelMath.ArgMax(majority.AsSpan(2 * t, 2), frequencies) == 1;
        }

        var state = new MessageState(annotations, goldLabels, positive, Options.RemoveWorkerBias);
        var trace = new List<double>();
        for (var it = 1; it <= Options.Iterations; it++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            state.Round();
            trace.Add(double.NaN);
            progress?.Report(new AggregationProgress(it, Options.Iterations, double.NaN, double.NaN));
        }

        var taskSums = state.FinalScores();
        var meanAbs = 0.0;
        foreach (var s in taskSums)
        {
            meanAbs += Math.Abs(s);
        }

        meanAbs = taskCount > 0 ? meanAbs / taskCount : 0;
        var posteriors = new double[taskCount * 2];
        var result = new int[taskCount];
        for (var t = 0; t < taskCount; t++)
        {
            var hasGold = !goldLabels.IsEmpty && goldLabels[t] >= 0;
            if (offsets[t + 1] == offsets[t] && !hasGold)
            {
                result[t] = -1;
                frequencies.CopyTo(posteriors.AsSpan(2 * t, 2));
                continue;
            }

            var score = taskSums[t];
            if (score == 0)
            {
                // Tie: fall back to the majority vote, and on a tied vote to the more frequent class.
                result[t] = ModelMath.ArgMax(majority.AsSpan(2 * t, 2), frequencies);
                posteriors[(2 * t) + result[t]] = 0.5;
                posteriors[(2 * t) + 1 - result[t]] = 0.5;
                continue;
            }

            var p1 = meanAbs > 0 ? (1 + Math.Tanh(score / meanAbs)) / 2 : 0.5;
            posteriors[2 * t] = 1 - p1;
            posteriors[(2 * t) + 1] = p1;
            result[t] = score > 0 ? 1 : 0;
        }

        ModelMath.ClampGold(posteriors, goldLabels, 2);
        for (var t = 0; t < taskCount; t++)
        {
            if (!goldLabels.IsEmpty && goldLabels[t] >= 0)
            {
                result[t] = goldLabels[t];
            }
        }

        var reference = result.Select(r => r < 0 ? 0 : r).ToArray();
        var skills = VoteDecisions.AgreementWithLabels(annotations, reference);
        var priors = ModelMath.MeanPosterior(annotations, posteriors, goldLabels);
        var confusion = ModelMath.EmpiricalConfusion(annotations, posteriors, Wawa.ConfusionSmoothing);
        return new AggregationResult(Name, 2, result, posteriors, priors, skills, confusion, Options.Iterations, true, trace.ToArray());
    }

    /// <summary>
    /// The messages and the bias estimate, in one pass over the labels per round. For each task the pass first forms the worker
    /// messages into it from the previous round's worker sums (<c>y(w→t) = Σ_w − a(t,w)·x(t→w)</c>), then the task score, then the
    /// task messages out of it, stored as <c>a·x</c> and added to this round's worker sums. Messages are rescaled lazily: the
    /// previous round's worker messages are used as computed, and their root mean square, known at the end of the pass, becomes
    /// the factor of the next ones. Every message is linear in the one before, so this changes only a positive common factor of
    /// the scores, never a sign or a ratio. The pass runs one task range at a time (see <see cref="TaskChunks"/>) with per-range
    /// sums added in range order, so the result does not depend on how many cores ran it.
    /// </summary>
    private sealed class MessageState
    {
        private readonly int[] _offsets;
        private readonly int[] _workers;
        private readonly sbyte[] _signs;

        // Per label: 2·worker + answer; per worker: the code of answer 0 and of answer 1 (index 2w and 2w + 1).
        private readonly int[] _codes;
        private readonly double[] _codeTable;
        private readonly bool[]? _duplicateTasks;
        private readonly int[] _gold;
        private readonly bool[] _positive;
        private readonly bool _removeBias;
        private readonly int _workerCount;
        private readonly double[] _y;
        private readonly double[] _ax;
        private readonly double[] _workerSums;
        private readonly TaskChunks _chunks;
        private readonly Action<int> _pass;

        // Per worker: all its labels, and its "1" answers.
        private readonly int[] _labelsPerWorker;
        private readonly int[] _onesPerWorker;

        // Per worker: labels on tasks currently labelled 1 (high 32 bits) and "1" answers among them (low 32 bits).
        private readonly long[] _positiveCounts;

        // Per range: worker sums, positive-task counts and the sum of squared worker messages.
        private readonly double[] _chunkWorkerSums;
        private readonly long[] _chunkPositiveCounts;
        private readonly double[] _chunkSquares;

        // Per worker: the bias subtracted from its codes this round (0 when bias removal is off).
        private readonly double[] _bias;

        // Factor of the worker messages formed in the next pass (1 / root mean square of the last ones); none before round 1.
        private double _factor = 1.0;
        private bool _firstRound = true;

        public MessageState(AnnotationSet set, ReadOnlySpan<int> gold, bool[] positive, bool removeBias)
        {
            var n = set.LabelCount;
            _offsets = set.TaskOffsetArray;
            _workers = set.WorkerArray;
            _signs = new sbyte[n];
            _codes = new int[n];
            _workerCount = set.WorkerCount;
            _codeTable = new double[2 * _workerCount];
            _labelsPerWorker = new int[_workerCount];
            _onesPerWorker = new int[_workerCount];
            var labels = set.Labels;
            for (var i = 0; i < n; i++)
            {
                _signs[i] = (sbyte)(labels[i] == 1 ? 1 : -1);
                _codes[i] = (2 * _workers[i]) + (labels[i] == 1 ? 1 : 0);
                _labelsPerWorker[_workers[i]]++;
                _onesPerWorker[_workers[i]] += labels[i] == 1 ? 1 : 0;
            }

            _gold = gold.IsEmpty ? [] : gold.ToArray();
            _positive = positive;
            _removeBias = removeBias;
            _y = new double[n];
            _ax = new double[n];
            _workerSums = new double[_workerCount];
            _positiveCounts = new long[_workerCount];
            _bias = new double[_workerCount];
            _chunks = TaskChunks.Create(set.TaskOffsets, 2L * _workerCount);
            _chunkWorkerSums = new double[_chunks.Count * _workerCount];
            _chunkPositiveCounts = new long[_chunks.Count * _workerCount];
            _chunkSquares = new double[_chunks.Count];
            _pass = Pass;
            if (set.DuplicateLabelCount > 0)
            {
                _duplicateTasks = FindDuplicateTasks(set);
            }

            if (removeBias)
            {
                for (var t = 0; t < set.TaskCount; t++)
                {
                    if (positive[t])
                    {
                        for (var i = _offsets[t]; i < _offsets[t + 1]; i++)
                        {
                            _positiveCounts[_workers[i]] += (1L << 32) + (_signs[i] > 0 ? 1 : 0);
                        }
                    }
                }

                UpdateBias();
            }
            else
            {
                FillCodeTable();
            }
        }

        /// <summary>One round: worker messages into each task, task scores, task messages, and the class of each task.</summary>
        public void Round()
        {
            _chunks.Run(_pass);
            var w = _workerCount;
            _chunkWorkerSums.AsSpan(0, w).CopyTo(_workerSums);
            _chunkPositiveCounts.AsSpan(0, w).CopyTo(_positiveCounts);
            for (var c = 1; c < _chunks.Count; c++)
            {
                TensorPrimitives.Add(_workerSums, _chunkWorkerSums.AsSpan(c * w, w), _workerSums);

                // Integer counts: their sum is exact in any order.
                TensorPrimitives.Add(_positiveCounts, _chunkPositiveCounts.AsSpan(c * w, w), _positiveCounts);
            }

            var squares = 0.0;
            foreach (var v in _chunkSquares)
            {
                squares += v;
            }

            // Rescaling keeps the messages in range; the labels depend only on their signs and ratios.
            _factor = squares > 0 ? 1.0 / Math.Sqrt(squares / _y.Length) : 1.0;
            _firstRound = false;
            if (_removeBias)
            {
                UpdateBias();
            }
        }

        /// <summary>The score of each task, <c>Σ a(t,w) y(w→t)</c>, with the last worker messages and bias estimate (up to a positive factor).</summary>
        public double[] FinalScores()
        {
            var taskCount = _offsets.Length - 1;
            var scores = new double[taskCount];
            for (var t = 0; t < taskCount; t++)
            {
                var start = _offsets[t];
                var end = _offsets[t + 1];
                WorkerMessages(t, start, end);
                var sum = 0.0;
                for (var i = start; i < end; i++)
                {
                    sum += (_signs[i] - _bias[_workers[i]]) * _y[i];
                }

                scores[t] = sum;
            }

            return scores;
        }

        private static bool[] FindDuplicateTasks(AnnotationSet set)
        {
            var offsets = set.TaskOffsets;
            var workers = set.Workers;
            var result = new bool[set.TaskCount];
            var lastTask = new int[set.WorkerCount];
            lastTask.AsSpan().Fill(-1);
            for (var t = 0; t < set.TaskCount; t++)
            {
                for (var i = offsets[t]; i < offsets[t + 1]; i++)
                {
                    result[t] |= lastTask[workers[i]] == t;
                    lastTask[workers[i]] = t;
                }
            }

            return result;
        }

        // y(w→t) for the labels of task t: the worker's last sum minus its own labels' part on this task; 1 before round 1.
        // Returns the sum of their squares.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private double WorkerMessages(int t, int start, int end)
        {
            var y = _y;
            var ax = _ax;
            var workers = _workers;
            var workerSums = _workerSums;
            var factor = _factor;
            var squares = 0.0;
            if (_firstRound)
            {
                for (var i = start; i < end; i++)
                {
                    y[i] = 1.0;
                }

                return end - start;
            }

            if (_duplicateTasks is not null && _duplicateTasks[t])
            {
                for (var i = start; i < end; i++)
                {
                    var own = 0.0;
                    for (var j = start; j < end; j++)
                    {
                        own += workers[j] == workers[i] ? ax[j] : 0;
                    }

                    var v = factor * (workerSums[workers[i]] - own);
                    y[i] = v;
                    squares += v * v;
                }
            }
            else
            {
                for (var i = start; i < end; i++)
                {
                    var v = factor * (workerSums[workers[i]] - ax[i]);
                    y[i] = v;
                    squares += v * v;
                }
            }

            return squares;
        }

        // Runs once per call over every label: compile it fully optimized at once instead of tier 0 plus on-stack replacement.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Pass(int chunk)
        {
            var w = _workerCount;
            var workerSums = _chunkWorkerSums.AsSpan(chunk * w, w);
            var positiveCounts = _chunkPositiveCounts.AsSpan(chunk * w, w);
            workerSums.Clear();
            positiveCounts.Clear();
            var squares = _duplicateTasks is null && !_firstRound ? FastPass(chunk, workerSums, positiveCounts) : GeneralPass(chunk, workerSums, positiveCounts);
            _chunkSquares[chunk] = squares;
        }

        // Any round, duplicate pairs or not: worker messages first (they read the last round's a·x of the whole task), then the
        // score, then the task messages.
        private double GeneralPass(int chunk, Span<double> workerSums, Span<long> positiveCounts)
        {
            var workers = _workers;
            var signs = _signs;
            var y = _y;
            var ax = _ax;
            var bias = _bias;
            var offsets = _offsets;
            var squares = 0.0;
            for (var t = _chunks.Start(chunk); t < _chunks.End(chunk); t++)
            {
                var start = offsets[t];
                var end = offsets[t + 1];
                squares += WorkerMessages(t, start, end);
                var score = 0.0;
                for (var i = start; i < end; i++)
                {
                    score += (signs[i] - bias[workers[i]]) * y[i];
                }

                if (_duplicateTasks is not null && _duplicateTasks[t])
                {
                    for (var i = start; i < end; i++)
                    {
                        var own = 0.0;
                        for (var j = start; j < end; j++)
                        {
                            own += workers[j] == workers[i] ? (signs[j] - bias[workers[j]]) * y[j] : 0;
                        }

                        var v = (signs[i] - bias[workers[i]]) * (score - own);
                        ax[i] = v;
                        workerSums[workers[i]] += v;
                    }
                }
                else
                {
                    for (var i = start; i < end; i++)
                    {
                        var a = signs[i] - bias[workers[i]];
                        var v = a * (score - (a * y[i]));
                        ax[i] = v;
                        workerSums[workers[i]] += v;
                    }
                }

                CountClass(t, start, end, score, positiveCounts);
            }

            return squares;
        }

        // Rounds after the first on a set without duplicate pairs, the common case: each label's own part is just its own term,
        // so the worker message, the code and their product are formed in one loop (a·y kept in the y buffer), and the task
        // messages and the class counts in a second; codes come from a per-worker table of the two possible values
        // (answer 0: -1 - bias, answer 1: 1 - bias), indexed by 2·worker + answer; no bounds checks.
        private unsafe double FastPass(int chunk, Span<double> workerSums, Span<long> positiveCounts)
        {
            var offsets = _offsets;
            var factor = _factor;
            var squares = 0.0;
            var removeBias = _removeBias;
            var hasGold = _gold.Length > 0;
            fixed (int* codes = _codes)
            fixed (double* ay = _y, ax = _ax, table = _codeTable, lastSums = _workerSums, sums = workerSums)
            fixed (long* counts = positiveCounts)
            {
                // a·y is needed only until the task's messages are out, so a task of up to 64 labels keeps it on the stack instead
                // of writing and re-reading one double per label of a buffer far larger than the caches.
                const int LocalLabels = 64;
                var local = stackalloc double[LocalLabels];
                var gold = _gold;
                var positive = _positive;
                for (int t = _chunks.Start(chunk), last = _chunks.End(chunk); t < last; t++)
                {
                    var start = offsets[t];
                    var end = offsets[t + 1];
                    var onStack = end - start <= LocalLabels;
                    var first = onStack ? start : 0;
                    var products = onStack ? local : ay;

                    // Sums per task first: one long chain of additions across all labels would serialize the pass.
                    var score = 0.0;
                    var taskSquares = 0.0;
                    for (var i = start; i < end; i++)
                    {
                        var code = codes[i];
                        var v = factor * (lastSums[code >> 1] - ax[i]);
                        taskSquares += v * v;
                        var product = table[code] * v;
                        products[i - first] = product;
                        score += product;
                    }

                    squares += taskSquares;

                    // The class of the task for the next bias estimate: the sign of its score (a tie keeps the last class). The sign of
                    // a score is a coin flip to the branch predictor, so it is formed and used without branching on it.
                    var isPositive = (score > 0) | ((score == 0) & positive[t]);
                    if (hasGold && gold[t] >= 0)
                    {
                        isPositive = gold[t] == 1;
                    }

                    positive[t] = isPositive;
                    var countMask = removeBias ? -(long)(isPositive ? 1 : 0) : 0;
                    for (var i = start; i < end; i++)
                    {
                        var code = codes[i];
                        var value = table[code] * (score - products[i - first]);
                        ax[i] = value;
                        sums[code >> 1] += value;
                        counts[code >> 1] += countMask & ((1L << 32) + (code & 1));
                    }
                }
            }

            return squares;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void CountClass(int t, int start, int end, double score, Span<long> positiveCounts)
        {
            if (!_removeBias)
            {
                return;
            }

            // The class of the task for the next bias estimate: the sign of its score (a tie keeps the last class).
            var isPositive = _gold.Length > 0 && _gold[t] >= 0 ? _gold[t] == 1 : score > 0 || (score == 0 && _positive[t]);
            _positive[t] = isPositive;
            if (isPositive)
            {
                for (var i = start; i < end; i++)
                {
                    positiveCounts[_workers[i]] += (1L << 32) + (_signs[i] > 0 ? 1 : 0);
                }
            }
        }

        // Bias of a worker: the midpoint of its mean ±1 answer on each class, each mean with one pseudo-answer at the crowd's
        // mean for that class (the crowd's overall mean when no task is in the class); minus the crowd's own midpoint.
        private void UpdateBias()
        {
            var workerCount = _bias.Length;
            Span<long> labelsPerClass = stackalloc long[2];
            Span<long> onesPerClass = stackalloc long[2];
            for (var w = 0; w < workerCount; w++)
            {
                var positiveLabels = (int)(_positiveCounts[w] >> 32);
                var positiveOnes = (int)(_positiveCounts[w] & 0xFFFFFFFF);
                labelsPerClass[1] += positiveLabels;
                onesPerClass[1] += positiveOnes;
                labelsPerClass[0] += _labelsPerWorker[w] - positiveLabels;
                onesPerClass[0] += _onesPerWorker[w] - positiveOnes;
            }

            var total = labelsPerClass[0] + labelsPerClass[1];
            var overall = total > 0 ? ((2.0 * (onesPerClass[0] + onesPerClass[1])) - total) / total : 0;
            Span<double> crowd = stackalloc double[2];
            for (var c = 0; c < 2; c++)
            {
                crowd[c] = labelsPerClass[c] > 0 ? ((2.0 * onesPerClass[c]) - labelsPerClass[c]) / labelsPerClass[c] : overall;
            }

            var crowdBias = (crowd[0] + crowd[1]) / 2;
            for (var w = 0; w < workerCount; w++)
            {
                var positiveLabels = (int)(_positiveCounts[w] >> 32);
                var positiveOnes = (int)(_positiveCounts[w] & 0xFFFFFFFF);
                var negativeLabels = _labelsPerWorker[w] - positiveLabels;
                var negativeOnes = _onesPerWorker[w] - positiveOnes;
                var midpoint = (((2.0 * negativeOnes) - negativeLabels + crowd[0]) / (negativeLabels + 1))
                    + (((2.0 * positiveOnes) - positiveLabels + crowd[1]) / (positiveLabels + 1));
                _bias[w] = (midpoint / 2) - crowdBias;
            }

            FillCodeTable();
        }

        private void FillCodeTable()
        {
            for (var w = 0; w < _bias.Length; w++)
            {
                _codeTable[2 * w] = -1 - _bias[w];
                _codeTable[(2 * w) + 1] = 1 - _bias[w];
            }
        }
    }
}
