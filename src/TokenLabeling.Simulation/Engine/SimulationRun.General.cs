// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus;
using TokenLabeling.Simulation.Randomness;
using TokenLabeling.Simulation.Scenarios;

namespace TokenLabeling.Simulation.Engine;

internal sealed partial class SimulationRun
{
    /// <summary>One round on the general path: all labels of the round into an <see cref="AnnotationSet"/>, any aggregator,
    /// then per item a list of transfers built from the policy, checked to balance, and posted to the ledger.</summary>
    private void RunRoundGeneral(ILabelAggregator aggregator, CancellationToken cancellationToken)
    {
        var tasks = _scenario.TasksPerRound;
        var capacity = tasks * _perTask;
        var taskOf = new int[capacity];
        var workerOf = new int[capacity];
        var labelOf = new int[capacity];
        var truth = new int[tasks];
        var start = new int[tasks + 1];
        var m = 0;
        for (var t = 0; t < tasks; t++)
        {
            start[t] = m;
            var rng = DrawCursor.Scalar(_roundKey, (ulong)t);
            var count = GenerateItem(t, ref rng, workerOf.AsSpan(m, _perTask), labelOf.AsSpan(m, _perTask), out truth[t]);
            taskOf.AsSpan(m, count).Fill(t);
            m += count;
        }

        start[tasks] = m;
        var set = AnnotationSet.FromIndices(taskOf.AsSpan(0, m), workerOf.AsSpan(0, m), labelOf.AsSpan(0, m), new AnnotationSetOptions { ClassCount = _k }, tasks, _n);
        var result = aggregator.Aggregate(set, null, null, cancellationToken);
        if (result.TaskCount != tasks)
        {
            throw new InvalidOperationException($"Aggregator '{aggregator.Name}' returned {result.TaskCount} labels for {tasks} items.");
        }

        var transfers = new List<Transfer>(4 * _perTask);
        for (var t = 0; t < tasks; t++)
        {
            SettleItemByLedger(workerOf.AsSpan(start[t], start[t + 1] - start[t]), labelOf.AsSpan(start[t], start[t + 1] - start[t]), truth[t], result.Labels[t], transfers);
        }
    }

    private void SettleItemByLedger(ReadOnlySpan<int> workers, ReadOnlySpan<int> labels, int truth, int consensus, List<Transfer> transfers)
    {
        if (workers.IsEmpty)
        {
            return;
        }

        if (_settlement is not null)
        {
            var coherent = 0;
            foreach (var label in labels)
            {
                coherent += consensus >= 0 && label == consensus ? 1 : 0;
            }

            CountItem(workers, labels, truth, consensus, coherent);
            return;
        }

        var coherentWorkers = new List<int>();
        var incoherentWorkers = new List<int>();
        for (var i = 0; i < workers.Length; i++)
        {
            _labelCounts[workers[i]] += OneLabel;
            if (consensus >= 0 && labels[i] == consensus)
            {
                _labelCounts[workers[i]]++;
                coherentWorkers.Add(workers[i]);
            }
            else
            {
                incoherentWorkers.Add(workers[i]);
            }
        }

        var agreement = (double)coherentWorkers.Count / workers.Length;
        var accepted = agreement >= _policy.ReviewThreshold;
        _flows.CorrectAll += consensus == truth ? 1 : 0;
        _flows.Accepted += accepted ? 1 : 0;
        _flows.CorrectAccepted += accepted && consensus == truth ? 1 : 0;

        // Phase 1: the flat fee for every label.
        transfers.Clear();
        foreach (var w in workers)
        {
            transfers.Add(new Transfer(Account.Requester, Account.Worker(w), _policy.FlatFeePerLabel));
        }

        Post(transfers);
        if (!accepted && !_policy.SettleReviewedItems)
        {
            return;
        }

        // Phase 2: slashes, each capped at the balance after phase 1, collected in an escrow account.
        transfers.Clear();
        foreach (var w in incoherentWorkers)
        {
            transfers.Add(new Transfer(Account.Worker(w), Account.Escrow, Math.Min(_policy.SlashPerIncoherentLabel, _balance[w])));
        }

        Post(transfers);
        var pool = transfers.Sum(x => x.Amount);

        // Phase 3: rewards, mint, and the slashed pool to its recipient; dust of equal splits to the treasury.
        transfers.Clear();
        foreach (var w in coherentWorkers)
        {
            transfers.Add(new Transfer(Account.Mint, Account.Worker(w), _policy.MintPerCoherentLabel));
            if (_policy.RewardSplit == RewardSplit.PerCoherentLabel)
            {
                transfers.Add(new Transfer(Account.Requester, Account.Worker(w), _policy.RewardPerLabel));
            }
        }

        if (_policy.RewardSplit == RewardSplit.SplitAmongCoherent && coherentWorkers.Count > 0)
        {
            SplitEqually(Account.Requester, _policy.RewardPerLabel * workers.Length, coherentWorkers, transfers, TransferKind.Reward);
        }

        if (pool > 0)
        {
            switch (_policy.SlashRecipient)
            {
                case SlashRecipient.CoherentPeers when coherentWorkers.Count > 0:
                    SplitEqually(Account.Escrow, pool, coherentWorkers, transfers, TransferKind.SlashShare);
                    break;
                case SlashRecipient.CoherentPeers:
                case SlashRecipient.Treasury:
                    transfers.Add(new Transfer(Account.Escrow, Account.Treasury, pool, TransferKind.SlashShare));
                    break;
                case SlashRecipient.Burn:
                    transfers.Add(new Transfer(Account.Escrow, Account.Burn, pool, TransferKind.SlashShare));
                    break;
                default:
                    transfers.Add(new Transfer(Account.Escrow, Account.Requester, pool, TransferKind.SlashShare));
                    break;
            }
        }

        Post(transfers);
        _flows.Slashed += pool;
    }

    private static void SplitEqually(Account from, long amount, List<int> recipients, List<Transfer> transfers, TransferKind kind)
    {
        var share = amount / recipients.Count;
        foreach (var w in recipients)
        {
            transfers.Add(new Transfer(from, Account.Worker(w), share, kind));
        }

        transfers.Add(new Transfer(from, Account.Treasury, amount - (share * recipients.Count), kind));
    }

    /// <summary>Posts a batch of transfers after checking that none is negative and that no worker or escrow would go below zero.</summary>
    private void Post(List<Transfer> transfers)
    {
        long escrow = _escrow;
        foreach (var x in transfers)
        {
            if (x.Amount < 0)
            {
                throw new InvalidOperationException($"Negative transfer of {x.Amount} units from {x.From} to {x.To}.");
            }

            if (x.From.Kind == AccountKind.Escrow)
            {
                escrow -= x.Amount;
            }
        }

        if (escrow < 0 && transfers.All(x => x.To.Kind != AccountKind.Escrow))
        {
            throw new InvalidOperationException("The transfers spend more than the slashed pool holds.");
        }

        foreach (var x in transfers)
        {
            Debit(x);
            Credit(x);
        }
    }

    private void Debit(Transfer x)
    {
        switch (x.From.Kind)
        {
            case AccountKind.Worker:
                if (_balance[x.From.Index] < x.Amount)
                {
                    throw new InvalidOperationException($"Worker {x.From.Index} holds {_balance[x.From.Index]} units and cannot pay {x.Amount}.");
                }

                _balance[x.From.Index] -= x.Amount;
                break;
            case AccountKind.Requester:
                _requesterPaid += x.Amount;
                _flows.RequesterPaid += x.Amount;
                break;
            case AccountKind.Mint:
                _minted += x.Amount;
                _flows.Minted += x.Amount;
                break;
            case AccountKind.Escrow:
                _escrow -= x.Amount;
                break;
            default:
                throw new InvalidOperationException($"Account {x.From} cannot pay.");
        }
    }

    private void Credit(Transfer x)
    {
        var slash = x.Kind == TransferKind.SlashShare;
        switch (x.To.Kind)
        {
            case AccountKind.Worker:
                _balance[x.To.Index] += x.Amount;
                _earned[x.To.Index] += x.Amount;
                _flows.ToPeers += slash ? x.Amount : 0;
                break;
            case AccountKind.Treasury:
                _treasury += x.Amount;
                _flows.ToTreasury += slash ? x.Amount : 0;
                break;
            case AccountKind.Burn:
                _burned += x.Amount;
                _flows.Burned += x.Amount;
                break;
            case AccountKind.Requester:
                _requesterPaid -= x.Amount;
                _flows.RequesterPaid -= x.Amount;
                _flows.ToRequester += x.Amount;
                break;
            case AccountKind.Escrow:
                _escrow += x.Amount;
                break;
            default:
                throw new InvalidOperationException($"Account {x.To} cannot receive.");
        }
    }

    private long _escrow;

    private enum AccountKind
    {
        Worker,
        Requester,
        Treasury,
        Burn,
        Mint,
        Escrow,
    }

    private enum TransferKind
    {
        Payment,
        Reward,
        SlashShare,
    }

    private readonly record struct Account(AccountKind Kind, int Index)
    {
        public static Account Requester => new(AccountKind.Requester, -1);

        public static Account Treasury => new(AccountKind.Treasury, -1);

        public static Account Burn => new(AccountKind.Burn, -1);

        public static Account Mint => new(AccountKind.Mint, -1);

        public static Account Escrow => new(AccountKind.Escrow, -1);

        public static Account Worker(int index) => new(AccountKind.Worker, index);

        public override string ToString() => Kind == AccountKind.Worker ? $"worker {Index}" : Kind.ToString().ToLowerInvariant();
    }

    private readonly record struct Transfer(Account From, Account To, long Amount, TransferKind Kind = TransferKind.Payment);
}
