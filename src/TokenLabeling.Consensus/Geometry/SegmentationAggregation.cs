// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Numerics;

namespace TokenLabeling.Consensus.Geometry;

/// <summary>Options of <see cref="SegmentationAggregation.Em"/>.</summary>
public sealed record SegmentationEmOptions
{
    /// <summary>Gets the default options.</summary>
    public static SegmentationEmOptions Default { get; } = new();

    /// <summary>Gets the most E/M rounds. Default 100.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Gets the convergence tolerance: stop when no worker's reliability moves by more than this. Default 1e-6.</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>Gets the bound that keeps reliabilities inside [ε, 1 − ε], so log-odds stay finite. Default 1e-6.</summary>
    public double Epsilon { get; init; } = 1e-6;
}

/// <summary>The result of <see cref="SegmentationAggregation.Em"/>.</summary>
/// <param name="Mask">The aggregated mask: pixels whose posterior probability of being foreground exceeds 0.5.</param>
/// <param name="Reliability">Per worker (in input order), the estimated probability that the worker labels a pixel correctly.</param>
/// <param name="ForegroundPrior">The estimated fraction of foreground pixels.</param>
/// <param name="Iterations">The number of E/M rounds run.</param>
/// <param name="Converged">Whether the tolerance was reached within the iteration limit.</param>
public sealed record SegmentationEmResult(BitMask Mask, IReadOnlyList<double> Reliability, double ForegroundPrior, int Iterations, bool Converged);

/// <summary>Aggregates several workers' binary masks of one image into one mask.</summary>
public static class SegmentationAggregation
{
    /// <summary>Sets each pixel that more than half of the masks set (ties, possible with an even count, stay unset).</summary>
    /// <param name="masks">The workers' masks, all of one size; at least one.</param>
    /// <returns>The majority mask.</returns>
    /// <exception cref="ArgumentException">No mask is given, or the masks differ in size (the message names the first that differs).</exception>
    public static BitMask MajorityVote(IReadOnlyList<BitMask> masks)
    {
        var (width, height) = CheckSizes(masks);
        var wpr = BitMask.WordsFor(width);
        var words = BitMask.Allocate(width, height);
        var counts = new int[wpr * 64];
        var needed = (masks.Count / 2) + 1;
        for (var y = 0; y < height; y++)
        {
            Array.Clear(counts);
            foreach (var mask in masks)
            {
                var row = mask.Row(y);
                for (var w = 0; w < row.Length; w++)
                {
                    for (var bits = row[w]; bits != 0; bits &= bits - 1)
                    {
                        counts[(w << 6) + BitOperations.TrailingZeroCount(bits)]++;
                    }
                }
            }

            for (var x = 0; x < width; x++)
            {
                if (counts[x] >= needed)
                {
                    words[(y * wpr) + (x >> 6)] |= 1UL << x;
                }
            }
        }

        return new BitMask(width, height, words);
    }

    /// <summary>
    /// Aggregates masks with an expectation–maximization model in which each worker labels every pixel correctly with an
    /// unknown probability (their reliability), independently across pixels and workers.
    /// </summary>
    /// <param name="masks">The workers' masks, all of one size; at least one.</param>
    /// <param name="options">The options; <see langword="null"/> for <see cref="SegmentationEmOptions.Default"/>.</param>
    /// <param name="progress">Optional: receives the iteration number after each round.</param>
    /// <param name="cancellationToken">Cancels between rounds.</param>
    /// <returns>The mask, the reliabilities, the prior, and how the iteration ended.</returns>
    /// <exception cref="ArgumentException">No mask is given, the masks differ in size, or an option is out of range.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <remarks>
    /// <para>Start: each pixel's probability is the fraction of workers who set it (a soft majority vote).
    /// M-step: reliability <c>q_w = (Σ_{set by w} p + Σ_{not set by w} (1 − p)) / pixels</c> and prior <c>π = Σ p / pixels</c>.
    /// E-step: <c>logit p = logit π + Σ_w (set ? +1 : −1) · logit q_w</c>. Both steps touch only the set pixels of each mask,
    /// so a round costs O(pixels + set pixels).</para>
    /// <para>This is the model of crowd-kit's SegmentationEM (one reliability per worker), written from its description.</para>
    /// </remarks>
    public static SegmentationEmResult Em(IReadOnlyList<BitMask> masks, SegmentationEmOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= SegmentationEmOptions.Default;
        if (options.MaxIterations < 1 || !(options.Tolerance > 0) || !(options.Epsilon > 0 && options.Epsilon < 0.5))
        {
            throw new ArgumentException("MaxIterations must be at least 1, Tolerance positive and Epsilon in (0, 0.5).", nameof(options));
        }

        var (width, height) = CheckSizes(masks);
        var pixels = (long)width * height;
        var workers = masks.Count;
        var p = new double[pixels];
        var setCounts = new long[workers];
        for (var w = 0; w < workers; w++)
        {
            setCounts[w] = masks[w].CountSet();
            ForEachSet(masks[w], pixel => p[pixel] += 1.0 / workers);
        }

        var q = new double[workers];
        var prior = 0.5;
        var converged = false;
        var iteration = 0;
        if (pixels == 0)
        {
            Array.Fill(q, 1.0 - options.Epsilon);
            return new SegmentationEmResult(new BitMask(width, height, []), q, prior, 0, true);
        }

        var logit = new double[pixels];
        while (iteration < options.MaxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            iteration++;

            // M-step.
            var total = 0.0;
            for (long i = 0; i < pixels; i++)
            {
                total += p[i];
            }

            var maxChange = 0.0;
            for (var w = 0; w < workers; w++)
            {
                var onSet = 0.0;
                ForEachSet(masks[w], pixel => onSet += p[pixel]);

                // Σ_set p + Σ_unset (1 − p) = Σ_set p + (pixels − |set|) − (total − Σ_set p).
                var correct = (2 * onSet) + (pixels - setCounts[w]) - total;
                var next = Math.Clamp(correct / pixels, options.Epsilon, 1 - options.Epsilon);
                maxChange = Math.Max(maxChange, Math.Abs(next - q[w]));
                q[w] = next;
            }

            prior = Math.Clamp(total / pixels, options.Epsilon, 1 - options.Epsilon);

            // E-step: start every pixel at "no worker set it", then add 2·logit q_w for each worker who did.
            var baseLogit = Math.Log(prior / (1 - prior));
            for (var w = 0; w < workers; w++)
            {
                baseLogit -= Math.Log(q[w] / (1 - q[w]));
            }

            Array.Fill(logit, baseLogit);
            for (var w = 0; w < workers; w++)
            {
                var step = 2 * Math.Log(q[w] / (1 - q[w]));
                ForEachSet(masks[w], pixel => logit[pixel] += step);
            }

            for (long i = 0; i < pixels; i++)
            {
                p[i] = 1.0 / (1.0 + Math.Exp(-logit[i]));
            }

            progress?.Report(iteration);
            if (iteration > 1 && maxChange <= options.Tolerance)
            {
                converged = true;
                break;
            }
        }

        var wpr = BitMask.WordsFor(width);
        var words = BitMask.Allocate(width, height);
        for (long i = 0; i < pixels; i++)
        {
            if (p[i] > 0.5)
            {
                var y = (int)(i / width);
                var x = (int)(i % width);
                words[(y * wpr) + (x >> 6)] |= 1UL << x;
            }
        }

        return new SegmentationEmResult(new BitMask(width, height, words), q, prior, iteration, converged);
    }

    private static void ForEachSet(BitMask mask, Action<long> action)
    {
        for (var y = 0; y < mask.Height; y++)
        {
            var row = mask.Row(y);
            var rowStart = (long)y * mask.Width;
            for (var w = 0; w < row.Length; w++)
            {
                for (var bits = row[w]; bits != 0; bits &= bits - 1)
                {
                    action(rowStart + (w << 6) + BitOperations.TrailingZeroCount(bits));
                }
            }
        }
    }

    private static (int Width, int Height) CheckSizes(IReadOnlyList<BitMask> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        if (masks.Count == 0)
        {
            throw new ArgumentException("At least one mask is needed.", nameof(masks));
        }

        for (var k = 0; k < masks.Count; k++)
        {
            ArgumentNullException.ThrowIfNull(masks[k], $"{nameof(masks)}[{k}]");
            if (masks[k].Width != masks[0].Width || masks[k].Height != masks[0].Height)
            {
                throw new ArgumentException($"Mask {k} is {masks[k].Width} × {masks[k].Height}; mask 0 is {masks[0].Width} × {masks[0].Height}.", nameof(masks));
            }
        }

        return (masks[0].Width, masks[0].Height);
    }
}
