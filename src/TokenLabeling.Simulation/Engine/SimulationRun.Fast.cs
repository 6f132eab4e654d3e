// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TokenLabeling.Simulation.Randomness;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Engine;

internal sealed partial class SimulationRun
{
    /// <summary>One round on the fast path: per item, votes counted in two registers (8 bits per class), plurality (lowest class wins a tie), settlement inline.</summary>
    [SkipLocalsInit]
    private void RunRoundFast()
    {
        if (!_stakeWeighted && _uniformPrior && _difficultySpread == 0 && _k <= 8 && _eligibleCount >= _perTask)
        {
            RunRoundFastUniform();
            return;
        }

        Span<int> workers = stackalloc int[64];
        Span<int> labels = stackalloc int[64];
        Span<ulong> starts = stackalloc ulong[SplitMixBlock.Lanes];
        var drawsPerItem = DrawsPerItem;
        Span<ulong> block = stackalloc ulong[SplitMixBlock.Lanes * drawsPerItem];
        var tasks = _scenario.TasksPerRound;
        var k = _k;
        for (var t = 0; t < tasks; t++)
        {
            // Eight items' random streams are drawn side by side; an item that needs more (a worker drawn twice) continues its own stream.
            var lane = t & (SplitMixBlock.Lanes - 1);
            if (lane == 0)
            {
                SplitMixBlock.Fill(_roundKey, (ulong)t, drawsPerItem, starts, block);
            }

            var rng = new DrawCursor(block, lane, drawsPerItem, starts[lane]);
            var count = GenerateItem(t, ref rng, workers, labels, out var truth);

            // Votes packed 4 bits per class would overflow at 16 labels; 8 bits per class in two words covers 64 labels and 16 classes.
            ulong low = 0, high = 0;
            for (var i = 0; i < count; i++)
            {
                var shift = labels[i] << 3;
                var one = 1UL << (shift & 63);
                if (shift < 64)
                {
                    low += one;
                }
                else
                {
                    high += one;
                }
            }

            var consensus = -1;
            var top = 0;
            for (var c = 0; c < k; c++)
            {
                var v = (int)(((c < 8 ? low : high) >> ((c & 7) << 3)) & 0xFF);
                var better = v > top;
                top = better ? v : top;
                consensus = better ? c : consensus;
            }

            if (_settlement is null)
            {
                SettleItemFast(workers[..count], labels[..count], truth, consensus, top);
            }
            else
            {
                CountItem(workers[..count], labels[..count], truth, consensus, top);
            }
        }
    }

    /// <summary>The fast path when workers are drawn uniformly, the truth is uniform, every item is equally hard and K ≤ 8: the draws of eight
    /// items come from one vector fill, each label takes one packed per-slot word (worker, behaviour, skill threshold), and the vote is
    /// counted while the labels are made. Items that draw a worker twice are made again by <see cref="GenerateItem"/>, which continues
    /// the same stream, so every item gets exactly the labels the general path gives it.</summary>
    [SkipLocalsInit]
    private void RunRoundFastUniform()
    {
        Span<int> workers = stackalloc int[64];
        Span<int> labels = stackalloc int[64];
        Span<ulong> starts = stackalloc ulong[SplitMixBlock.Lanes];
        var perTask = _perTask;
        var drawsPerItem = 1 + perTask;
        Span<ulong> block = stackalloc ulong[SplitMixBlock.Lanes * drawsPerItem];
        var tasks = _scenario.TasksPerRound;
        var k = _k;
        var kU = (ulong)(uint)k;
        var otherClasses = (ulong)(uint)(k - 1);
        var eligibleCount = (ulong)(uint)_eligibleCount;
        ref var slots = ref MemoryMarshal.GetArrayDataReference(_slotInfo);
        ref var stamps = ref MemoryMarshal.GetArrayDataReference(_drawStamp);
        var economics = _settlement is not null;
        for (var t0 = 0; t0 < tasks; t0 += SplitMixBlock.Lanes)
        {
            SplitMixBlock.Fill(_roundKey, (ulong)t0, drawsPerItem, starts, block);
            var lanes = Math.Min(SplitMixBlock.Lanes, tasks - t0);
            for (var lane = 0; lane < lanes; lane++)
            {
                var task = t0 + lane;
                var truth = (int)(((block[lane] >> 32) * kU) >> 32);
                ulong votes = 0;
                var redo = false;

                // A worker already drawn for this item carries this item's stamp: one load instead of a scan of the item's workers.
                var stamp = NextDrawStamp();
                for (var i = 0; i < perTask; i++)
                {
                    var r = block[((i + 1) * SplitMixBlock.Lanes) + lane];
                    var product = (r >> 32) * eligibleCount;
                    var slot = Unsafe.Add(ref slots, (nint)(product >> 32));
                    var w = (int)(slot >> SlotWorkerShift);
                    ref var seen = ref Unsafe.Add(ref stamps, w);
                    if (seen == stamp)
                    {
                        redo = true;
                        break;
                    }

                    seen = stamp;
                    workers[i] = w;
                    var u = (uint)r;
                    var behaviour = (byte)((slot >> SlotBehaviourShift) & 7);
                    int label;
                    if (behaviour == Skilled)
                    {
                        var wrong = (int)(((uint)product * otherClasses) >> 32);
                        wrong += wrong >= truth ? 1 : 0;
                        var correctMask = (int)((long)(u - (slot & SlotThresholdMask)) >> 63);
                        label = (truth & correctMask) | (wrong & ~correctMask);
                    }
                    else
                    {
                        label = NonSkilledLabel(behaviour, w, u, i, labels, task);
                    }

                    labels[i] = label;
                    votes += 1UL << (label << 3);
                }

                if (redo)
                {
                    var rng = new DrawCursor(block, lane, drawsPerItem, starts[lane]);
                    _ = GenerateItem(task, ref rng, workers, labels, out truth);
                    votes = 0;
                    for (var i = 0; i < perTask; i++)
                    {
                        votes += 1UL << (labels[i] << 3);
                    }
                }

                var (consensus, top) = Plurality(votes, k);
                if (economics)
                {
                    CountItem(workers[..perTask], labels[..perTask], truth, consensus, top);
                }
                else
                {
                    SettleItemFast(workers[..perTask], labels[..perTask], truth, consensus, top);
                }
            }
        }
    }

    /// <summary>Returns a fresh stamp for <see cref="_drawStamp"/>; when the counter wraps, the stamps are cleared so an old one never matches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NextDrawStamp()
    {
        if (++_drawStampCounter == int.MaxValue)
        {
            Array.Clear(_drawStamp);
            _drawStampCounter = 1;
        }

        return _drawStampCounter;
    }

    /// <summary>The plurality of up to eight byte-packed vote counts: the class with the most votes, the lowest on a tie, and its count
    /// (-1 and 0 when there is no vote).</summary>
    /// <remarks>With SSE4.1 one <c>phminposuw</c> finds it: each class becomes the key <c>(255 − votes) × 256 + class</c>, whose minimum is the
    /// largest count and, among equal counts, the lowest class. <see cref="PluralityScalar"/> is the reference.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (int Consensus, int Top) Plurality(ulong votes, int k)
    {
        if (Sse41.IsSupported)
        {
            var counts = Sse41.ConvertToVector128Int16(Vector128.CreateScalar(votes).AsByte()).AsUInt16();
            var keys = ((Vector128.Create((ushort)255) - counts) << 8) | Vector128.Create((ushort)0, 1, 2, 3, 4, 5, 6, 7);

            // Classes at or above K hold no votes; pushing their keys to the top keeps them out.
            keys |= Vector128.GreaterThanOrEqual(Vector128.Create((ushort)0, 1, 2, 3, 4, 5, 6, 7), Vector128.Create((ushort)k));
            var min = Sse41.MinHorizontal(keys).ToScalar();
            var top = 255 - (min >> 8);
            return top == 0 ? (-1, 0) : (min & 0xFF, top);
        }

        return PluralityScalar(votes, k);
    }

    /// <summary>The plain reference of <see cref="Plurality"/>.</summary>
    internal static (int Consensus, int Top) PluralityScalar(ulong votes, int k)
    {
        var consensus = -1;
        var top = 0;
        for (var c = 0; c < k; c++)
        {
            var v = (int)((votes >> (c << 3)) & 0xFF);
            var better = v > top;
            top = better ? v : top;
            consensus = better ? c : consensus;
        }

        return (consensus, top);
    }

    /// <summary>Settles one item in place. The order matches the ledger path: flat fees, then slashes capped at the balance, then credits;
    /// since an item's workers are distinct, slashing one worker and crediting another commute, so one pass does both unless the
    /// slashed pool is shared among the coherent labels (then a second pass pays the shares).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SettleItemFast(ReadOnlySpan<int> workers, ReadOnlySpan<int> labels, int truth, int consensus, int coherent)
    {
        var count = workers.Length;
        if (count == 0)
        {
            return;
        }

        var correct = consensus == truth;
        var accepted = coherent >= _minCoherentToAccept[count];
        _flows.CorrectAll += correct ? 1 : 0;
        if (accepted)
        {
            _flows.Accepted++;
            _flows.CorrectAccepted += correct ? 1 : 0;
        }

        ref var balance = ref MemoryMarshal.GetArrayDataReference(_balance);
        ref var earned = ref MemoryMarshal.GetArrayDataReference(_earned);
        ref var counts = ref MemoryMarshal.GetArrayDataReference(_labelCounts);
        var fee = _policy.FlatFeePerLabel;
        if (fee != 0)
        {
            for (var i = 0; i < count; i++)
            {
                var w = workers[i];
                Unsafe.Add(ref balance, w) += fee;
                Unsafe.Add(ref earned, w) += fee;
            }

            _flows.RequesterPaid += fee * count;
            _requesterPaid += fee * count;
        }

        var settle = accepted || _policy.SettleReviewedItems;
        if (!settle)
        {
            for (var i = 0; i < count; i++)
            {
                Unsafe.Add(ref counts, workers[i]) += OneLabel + (labels[i] == consensus ? 1 : 0);
            }

            return;
        }

        long perCoherent = _policy.MintPerCoherentLabel;
        _minted += perCoherent * coherent;
        _flows.Minted += perCoherent * coherent;
        var reward = _policy.RewardPerLabel;
        if (_policy.RewardSplit == RewardSplit.PerCoherentLabel)
        {
            perCoherent += reward;
            _flows.RequesterPaid += reward * coherent;
            _requesterPaid += reward * coherent;
        }
        else if (coherent > 0)
        {
            var pot = reward * count;
            var share = pot / coherent;
            perCoherent += share;
            _treasury += pot - (share * coherent);
            _flows.RequesterPaid += pot;
            _requesterPaid += pot;
        }

        var slash = _slashPerLabel;
        var shareSlashes = slash > 0 && coherent > 0 && _policy.SlashRecipient == SlashRecipient.CoherentPeers;
        long pool = 0;
        for (var i = 0; i < count; i++)
        {
            // Branch-free: a coherent label is credited, an incoherent one slashed (capped at the balance).
            var w = workers[i];
            ref var b = ref Unsafe.Add(ref balance, w);
            var isCoherent = labels[i] == consensus ? 1L : 0L;
            Unsafe.Add(ref counts, w) += OneLabel + isCoherent;
            var credit = perCoherent * isCoherent;
            var s = Math.Min(slash, b) * (1 - isCoherent);
            b += credit - s;
            Unsafe.Add(ref earned, w) += credit;
            pool += s;
        }

        if (pool == 0)
        {
            return;
        }

        _flows.Slashed += pool;
        if (shareSlashes)
        {
            var share = pool / coherent;
            _flows.ToPeers += share * coherent;
            _flows.ToTreasury += pool - (share * coherent);
            _treasury += pool - (share * coherent);
            if (share != 0)
            {
                for (var i = 0; i < count; i++)
                {
                    if (labels[i] == consensus)
                    {
                        var w = workers[i];
                        Unsafe.Add(ref balance, w) += share;
                        Unsafe.Add(ref earned, w) += share;
                    }
                }
            }

            return;
        }

        switch (_policy.SlashRecipient)
        {
            case SlashRecipient.CoherentPeers:
            case SlashRecipient.Treasury:
                _flows.ToTreasury += pool;
                _treasury += pool;
                break;
            case SlashRecipient.Burn:
                _flows.Burned += pool;
                _burned += pool;
                break;
            default:
                _flows.ToRequester += pool;
                _flows.RequesterPaid -= pool;
                _requesterPaid -= pool;
                break;
        }
    }
}
