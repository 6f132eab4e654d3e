// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.CompilerServices;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Engine;

internal sealed partial class SimulationRun
{
    /// <summary>One round on the fast path: per item, votes counted on the stack, plurality (lowest class wins a tie), settlement inline.</summary>
    [SkipLocalsInit]
    private void RunRoundFast()
    {
        Span<int> workers = stackalloc int[64];
        Span<int> labels = stackalloc int[64];
        Span<int> votes = stackalloc int[16];
        votes = votes[.._k];
        var tasks = _scenario.TasksPerRound;
        for (var t = 0; t < tasks; t++)
        {
            var count = GenerateItem(t, workers, labels, out var truth);
            votes.Clear();
            for (var i = 0; i < count; i++)
            {
                votes[labels[i]]++;
            }

            var consensus = -1;
            var top = 0;
            for (var c = 0; c < votes.Length; c++)
            {
                if (votes[c] > top)
                {
                    top = votes[c];
                    consensus = c;
                }
            }

            SettleItemFast(workers[..count], labels[..count], truth, consensus, top);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SettleItemFast(ReadOnlySpan<int> workers, ReadOnlySpan<int> labels, int truth, int consensus, int coherent)
    {
        var count = workers.Length;
        if (count == 0)
        {
            return;
        }

        var correct = consensus == truth;
        var accepted = (double)coherent / count >= _policy.ReviewThreshold;
        if (correct)
        {
            _flows.CorrectAll++;
        }

        if (accepted)
        {
            _flows.Accepted++;
            if (correct)
            {
                _flows.CorrectAccepted++;
            }
        }

        var balance = _balance;
        var earned = _earned;
        var fee = _policy.FlatFeePerLabel;
        for (var i = 0; i < count; i++)
        {
            var w = workers[i];
            _labelCount[w]++;
            if (labels[i] == consensus)
            {
                _coherentCount[w]++;
            }

            balance[w] += fee;
            earned[w] += fee;
        }

        _flows.RequesterPaid += fee * count;
        _requesterPaid += fee * count;
        if (!accepted && !_policy.SettleReviewedItems)
        {
            return;
        }

        // Slashes first (capped at the balance), then rewards, then the slashed pool to its recipient.
        long pool = 0;
        if (_slashPerLabel > 0)
        {
            for (var i = 0; i < count; i++)
            {
                if (labels[i] != consensus)
                {
                    var w = workers[i];
                    var s = Math.Min(_slashPerLabel, balance[w]);
                    balance[w] -= s;
                    pool += s;
                }
            }
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

        if (pool > 0)
        {
            _flows.Slashed += pool;
            switch (_policy.SlashRecipient)
            {
                case SlashRecipient.CoherentPeers when coherent > 0:
                    var share = pool / coherent;
                    perCoherent += share;
                    _flows.ToPeers += share * coherent;
                    _flows.ToTreasury += pool - (share * coherent);
                    _treasury += pool - (share * coherent);
                    break;
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

        if (perCoherent != 0)
        {
            for (var i = 0; i < count; i++)
            {
                if (labels[i] == consensus)
                {
                    var w = workers[i];
                    balance[w] += perCoherent;
                    earned[w] += perCoherent;
                }
            }
        }
    }
}
