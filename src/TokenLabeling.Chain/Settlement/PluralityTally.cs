// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Chain.Settlement;

/// <summary>Per-worker counts of an on-chain plurality settlement (items flagged for review excluded).</summary>
/// <param name="Committed">Labels committed on accepted items.</param>
/// <param name="Revealed">Of those, labels revealed.</param>
/// <param name="Agreeing">Of those, labels equal to the item's plurality label.</param>
/// <param name="UnderReview">Labels committed on flagged items.</param>
public readonly record struct WorkerCounts(int Committed, int Revealed, int Agreeing, int UnderReview);

/// <summary>One label committed on an item: who committed it and what it revealed (null when never revealed).</summary>
/// <param name="Worker">The worker's index in the task.</param>
/// <param name="Label">The revealed label, or <see langword="null"/>.</param>
public readonly record struct ItemVote(int Worker, int? Label);

/// <summary>The result of <see cref="PluralityTally.Tally"/>.</summary>
/// <param name="Workers">Counts per worker index.</param>
/// <param name="AcceptedLabel">Per item, the accepted plurality label, or <see langword="null"/> when the item is flagged for review.</param>
public sealed record PluralityResult(IReadOnlyList<WorkerCounts> Workers, IReadOnlyList<int?> AcceptedLabel);

/// <summary>
/// The escrow's on-chain plurality rule, off chain: the counts a settlement engine needs to reproduce an on-chain
/// settlement, or to compute a plan for a Merkle settlement from revealed labels.
/// </summary>
/// <remarks>
/// An item is accepted when its most revealed label is unique and its votes reach <c>thresholdBps</c> of the labels
/// committed on the item (unrevealed labels count in the denominator): <c>top * 10000 ≥ threshold * committed</c>.
/// Items with no reveal, a tie for the top, or too little agreement are flagged for review and excluded from every
/// worker's counts.
/// </remarks>
public static class PluralityTally
{
    /// <summary>Tallies items.</summary>
    /// <param name="workerCount">Number of workers in the task.</param>
    /// <param name="items">Per item, the labels committed on it.</param>
    /// <param name="thresholdBps">Agreement threshold in basis points (0..10000).</param>
    /// <returns>The counts and the accepted labels.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is outside 0..10000.</exception>
    /// <exception cref="ArgumentException">A vote names a worker outside 0..workerCount-1 (the message says which item).</exception>
    public static PluralityResult Tally(int workerCount, IReadOnlyList<IReadOnlyList<ItemVote>> items, int thresholdBps)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegative(workerCount);
        ArgumentOutOfRangeException.ThrowIfNegative(thresholdBps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(thresholdBps, 10_000);
        var committed = new int[workerCount];
        var revealed = new int[workerCount];
        var agreeing = new int[workerCount];
        var review = new int[workerCount];
        var accepted = new int?[items.Count];
        var tally = new Dictionary<int, int>();
        for (var item = 0; item < items.Count; item++)
        {
            var votes = items[item];
            tally.Clear();
            foreach (var v in votes)
            {
                if (v.Worker < 0 || v.Worker >= workerCount)
                {
                    throw new ArgumentException($"Item {item}: worker {v.Worker} is outside 0..{workerCount - 1}.", nameof(items));
                }

                if (v.Label is int label)
                {
                    tally[label] = tally.GetValueOrDefault(label) + 1;
                }
            }

            var top = tally.Count == 0 ? 0 : tally.Values.Max();
            var topLabels = tally.Where(kv => kv.Value == top).Select(kv => kv.Key).ToArray();
            var ok = top > 0 && topLabels.Length == 1 && (long)top * 10_000 >= (long)thresholdBps * votes.Count;
            accepted[item] = ok ? topLabels[0] : null;
            foreach (var v in votes)
            {
                if (!ok)
                {
                    review[v.Worker]++;
                    continue;
                }

                committed[v.Worker]++;
                if (v.Label is int label)
                {
                    revealed[v.Worker]++;
                    if (label == topLabels[0])
                    {
                        agreeing[v.Worker]++;
                    }
                }
            }
        }

        var workers = new WorkerCounts[workerCount];
        for (var w = 0; w < workerCount; w++)
        {
            workers[w] = new WorkerCounts(committed[w], revealed[w], agreeing[w], review[w]);
        }

        return new PluralityResult(workers, accepted);
    }
}
