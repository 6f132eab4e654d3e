// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using System.Numerics;
using Nethereum.Signer;
using Nethereum.Util;
using TokenLabeling.Chain.Client;
using TokenLabeling.Chain.Commitments;
using TokenLabeling.Chain.DevChain;
using TokenLabeling.Consensus;
using TokenLabeling.Consensus.Aggregators;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Presets;
using TokenLabeling.Economics.Settlement;

namespace TokenLabeling.Demo;

/// <summary>One labeling round, start to finish.</summary>
internal static class DemoRound
{
    private const int Decimals = 18;
    private const ushort ThresholdBps = 6000;
    private const ushort SlashBps = 5000;
    private const ushort FeeBps = 250;
    private static readonly BigInteger s_unit = BigInteger.Pow(10, Decimals);

    public static async Task RunAsync(DemoOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var data = DemoData.Load(options.Items, options.Seed);
        output.WriteLine($"Dataset: bluebirds (Welinder et al., NIPS 2010; BSD licence, see data/NOTICE.md), items 0..{data.Items - 1}, {data.Annotators.Count} annotators.");

        AnvilNode? node = null;
        var signers = new List<ChainSigner>();
        try
        {
            string rpc;
            BigInteger chainId;
            string requesterKey;
            if (options.RpcUrl is null)
            {
                var binary = await Toolchain.EnsureAnvilAsync(output, cancellationToken);
                node = await AnvilNode.StartAsync(binary);
                rpc = node.RpcUrl;
                chainId = AnvilNode.ChainId;
                requesterKey = AnvilNode.DevelopmentKeys[0];
                output.WriteLine($"Started anvil (pid {node.ProcessId}) at {rpc}.");
            }
            else
            {
                rpc = options.RpcUrl;
                requesterKey = options.PrivateKey!;
                chainId = (await new Nethereum.Web3.Web3(rpc).Eth.ChainId.SendRequestAsync()).Value;
                output.WriteLine($"Using the node at {rpc} (chain id {chainId}).");
            }

            ChainSigner NewSigner(string key)
            {
                var s = new ChainSigner(rpc, key, chainId, TimeSpan.FromMilliseconds(node is null ? 1000 : 5));
                signers.Add(s);
                return s;
            }

            var requester = NewSigner(requesterKey);
            var chain = new ChainClock(node, requester);

            // Annotators: anvil's funded development keys locally, fresh keys funded with gas elsewhere.
            var annotatorKeys = node is not null
                ? AnvilNode.DevelopmentKeys.Skip(3).Take(data.Annotators.Count).ToArray()
                : [.. Enumerable.Range(0, data.Annotators.Count).Select(_ => EthECKey.GenerateKey().GetPrivateKey())];
            var annotators = annotatorKeys.Select(NewSigner).ToArray();
            var treasury = node is not null ? new EthECKey(AnvilNode.DevelopmentKeys[2]).GetPublicAddress() : EthECKey.GenerateKey().GetPublicAddress();
            if (node is null)
            {
                foreach (var a in annotators)
                {
                    await requester.Web3.Eth.GetEtherTransferService().TransferEtherAndWaitForReceiptAsync(a.Address, 0.01m, cancellationToken: cancellationToken);
                }
            }

            // Deploy the token and the escrow; the requester also acts as settler and arbiter.
            var (token, tokenReceipt) = await TokenClient.DeployAsync(requester, "Label Token", "LBL", 1_000_000 * s_unit);
            var (escrow, escrowReceipt) = await EscrowClient.DeployAsync(requester, requester.Address, treasury);
            await escrow.GrantRoleAsync(EscrowClient.SettlerRole, requester.Address, cancellationToken);
            output.WriteLine($"Deployed LabelToken at {token.TokenAddress} ({tokenReceipt.GasUsed:N0} gas) and LabelingEscrow at {escrow.EscrowAddress} ({escrowReceipt.GasUsed:N0} gas).");

            var stake = 100 * s_unit;
            var budget = 1_000 * s_unit;
            foreach (var a in annotators)
            {
                await token.TransferAsync(a.Address, 500 * s_unit, cancellationToken);
            }

            var before = new BigInteger[annotators.Length];
            for (var w = 0; w < annotators.Length; w++)
            {
                before[w] = await token.BalanceOfAsync(annotators[w].Address);
            }

            var created = await escrow.CreateTaskAsync(
                new TaskSpec
                {
                    Token = token.TokenAddress,
                    Budget = budget,
                    MinStake = stake,
                    ItemCount = (uint)data.Items,
                    LabelCount = 2,
                    AnnotatorsPerItem = (byte)annotators.Length,
                    ThresholdBps = ThresholdBps,
                    SlashBps = SlashBps,
                    FeeBps = FeeBps,
                    CommitWindow = TimeSpan.FromMinutes(node is null ? 2 : 60),
                    RevealWindow = TimeSpan.FromMinutes(node is null ? 2 : 60),
                    ClaimWindow = TimeSpan.FromDays(7),
                    DatasetHash = data.DatasetHash,
                    DatasetUri = "bluebirds:items/0-" + (data.Items - 1).ToString(CultureInfo.InvariantCulture),
                },
                cancellationToken);
            var taskId = created.TaskId;
            output.WriteLine($"Requester escrowed {Format(created.Budget)} LBL in task {taskId} ({created.Receipt.GasUsed:N0} gas): stake {Format(stake)} LBL, threshold {ThresholdBps / 100}%, slash {SlashBps / 100}%, fee {FeeBps / 100.0:0.##}%.");

            // Stake, commit hidden labels, then reveal (a withholding spammer keeps some reveals back).
            var gas = new BigInteger[annotators.Length];
            var sealedLabels = new IReadOnlyList<SealedLabel>[annotators.Length];
            for (var w = 0; w < annotators.Length; w++)
            {
                var join = await escrow.For(annotators[w]).JoinAsync(taskId, token.TokenAddress, stake, cancellationToken);
                var commit = await escrow.For(annotators[w]).CommitAsync(taskId, data.Annotators[w].Labels.Select((l, i) => ((uint)i, (byte)l)).ToArray(), cancellationToken);
                sealedLabels[w] = commit.Labels;
                gas[w] += join.GasUsed + commit.Receipt.GasUsed;
            }

            output.WriteLine($"{annotators.Length} annotators staked and committed {annotators.Length * data.Items} sealed labels (salts from a cryptographic RNG, kept by each annotator).");
            await chain.AdvanceToAsync(created.CommitDeadline, cancellationToken);
            for (var w = 0; w < annotators.Length; w++)
            {
                var reveal = sealedLabels[w].Where(s => !data.Annotators[w].Withheld.Contains((int)s.Item)).ToArray();
                if (reveal.Length > 0)
                {
                    gas[w] += (await escrow.For(annotators[w]).RevealAsync(taskId, reveal, cancellationToken)).GasUsed;
                }
            }

            await chain.AdvanceToAsync(created.RevealDeadline, cancellationToken);

            // Consensus from the labels revealed on chain (the audit trail is the source of truth).
            var timeline = await escrow.ReadTimelineAsync(taskId);
            var accountIndex = annotators.Select((a, i) => (a.Address.ToUpperInvariant(), i)).ToDictionary(p => p.Item1, p => p.i);
            var builder = new AnnotationSetBuilder<int, int>();
            for (var item = 0; item < data.Items; item++)
            {
                builder.AddTask(item);
            }

            foreach (var r in timeline.Reveals)
            {
                builder.Add((int)r.Item, accountIndex[r.Worker.ToUpperInvariant()], (int)r.Label);
            }

            var labels = builder.Build(new AnnotationSetOptions { ClassCount = 2, Duplicates = DuplicatePolicy.Reject });
            var mv = new MajorityVote().Aggregate(labels, cancellationToken: cancellationToken);
            var ds = new DawidSkene().Aggregate(labels, cancellationToken: cancellationToken);
            var decisions = Decide(labels, mv, data, annotators.Length);
            output.WriteLine($"Consensus on {labels.LabelCount} revealed labels: majority vote {Accuracy(mv, data):P1} and Dawid-Skene {Accuracy(ds, data):P1} correct against the gold answers; {decisions.Count(d => d.Accepted)} of {data.Items} items reach the {ThresholdBps / 100}% threshold, {decisions.Count(d => !d.Accepted)} go to review.");

            // Per-annotator outcome on accepted items, then the exact settlement plan.
            var outcomes = new WorkerOutcome[annotators.Length];
            for (var w = 0; w < annotators.Length; w++)
            {
                int committed = 0, revealed = 0, agreeing = 0, review = 0;
                for (var item = 0; item < data.Items; item++)
                {
                    if (!decisions[item].Accepted)
                    {
                        review++;
                        continue;
                    }

                    committed++;
                    if (!data.Annotators[w].Withheld.Contains(item))
                    {
                        revealed++;
                        agreeing += data.Annotators[w].Labels[item] == decisions[item].Label ? 1 : 0;
                    }
                }

                outcomes[w] = WorkerOutcome.FromCounts(annotators[w].Address, TokenAmount.FromBigInteger(stake), committed, revealed, agreeing, review);
            }

            var plan = SettlementEngine.Settle(TokenAmount.FromBigInteger(budget), outcomes, SettlementPresets.Escrow(FeeBps, SlashBps), cancellationToken);
            plan.Verify().ThrowIfUnbalanced();
            var published = await escrow.PublishSettlementAsync(taskId, plan, payoutId: 1, cancellationToken);
            output.WriteLine($"Settlement plan verified (budget + stakes = payouts + refund + fee, to the base unit); Merkle root {Convert.ToHexStringLower(published.Tree.Root.Span)} posted for {published.Receipt.GasUsed:N0} gas.");

            for (var w = 0; w < annotators.Length; w++)
            {
                gas[w] += (await escrow.For(annotators[w]).ClaimAsync(published.TicketFor(annotators[w].Address), cancellationToken)).GasUsed;
            }

            await escrow.WithdrawRefundAsync(taskId, cancellationToken);
            await escrow.For(node is not null ? NewSigner(AnvilNode.DevelopmentKeys[2]) : requester).WithdrawFeeAsync(taskId, cancellationToken);

            var after = new BigInteger[annotators.Length];
            for (var w = 0; w < annotators.Length; w++)
            {
                after[w] = await token.BalanceOfAsync(annotators[w].Address);
            }

            PrintTable(output, data, plan, outcomes, before, after, gas);
            output.WriteLine($"Requester refund {Format(plan.RequesterRefund.ToBigInteger())} LBL, treasury fee {Format(plan.TotalFees.ToBigInteger())} LBL, escrow balance left {Format(await token.BalanceOfAsync(escrow.EscrowAddress))} LBL.");
            PrintTimeline(output, await escrow.ReadTimelineAsync(taskId));
        }
        finally
        {
            foreach (var s in signers)
            {
                s.Dispose();
            }

            node?.Dispose();
        }
    }

    /// <summary>An item is accepted when its plurality label has at least the threshold share of the labels committed on it.</summary>
    private static ItemDecision[] Decide(AnnotationSet labels, AggregationResult mv, DemoData data, int committedPerItem)
    {
        var decisions = new ItemDecision[data.Items];
        for (var item = 0; item < data.Items; item++)
        {
            var top = mv.Labels[item];
            var votes = 0;
            foreach (var l in labels.GetTaskLabels(item))
            {
                votes += l == top ? 1 : 0;
            }

            var accepted = top >= 0 && (long)votes * 10_000 >= (long)ThresholdBps * committedPerItem;
            decisions[item] = new ItemDecision(accepted, top);
        }

        return decisions;
    }

    private static double Accuracy(AggregationResult result, DemoData data)
    {
        var hits = 0;
        for (var item = 0; item < data.Items; item++)
        {
            hits += result.Labels[item] == data.Gold[item] ? 1 : 0;
        }

        return (double)hits / data.Items;
    }

    private static void PrintTable(TextWriter output, DemoData data, SettlementPlan plan, WorkerOutcome[] outcomes, BigInteger[] before, BigInteger[] after, BigInteger[] gas)
    {
        output.WriteLine();
        output.WriteLine("Per annotator (LBL; agree = revealed labels matching the accepted consensus / labels on accepted items; gas = join + commit + reveal + claim):");
        output.WriteLine($"{"annotator",-22} {"kind",-22} {"stake",8} {"agree",7} {"reward",9} {"slash",8} {"share",8} {"before",9} {"after",9} {"net",9} {"gas",9}");
        for (var w = 0; w < outcomes.Length; w++)
        {
            var p = plan.Workers[w];
            var o = outcomes[w];
            output.WriteLine(
                $"{Short(o.WorkerId),-22} {data.Annotators[w].Kind,-22} {Format(o.Stake.ToBigInteger()),8} {o.Agreeing,3}/{o.Committed,-3} {Format(p.Reward.ToBigInteger()),9} {Format(p.Slash.ToBigInteger()),8} {Format(p.Redistribution.ToBigInteger()),8} {Format(before[w]),9} {Format(after[w]),9} {FormatSigned(after[w] - before[w]),9} {gas[w],9:N0}");
        }

        output.WriteLine();
    }

    private static void PrintTimeline(TextWriter output, TaskTimeline timeline)
    {
        output.WriteLine($"Audit trail of task {timeline.TaskId} read back from the chain: {timeline.Events.Count} events, dataset hash {timeline.DatasetHash}.");
        foreach (var group in timeline.Events.GroupBy(e => e.GetType().Name.Replace("Event", string.Empty, StringComparison.Ordinal)))
        {
            var first = group.First();
            output.WriteLine($"  {group.Key,-24} x{group.Count(),-4} first in block {first.BlockNumber}, tx {first.TransactionHash[..18]}...");
        }

        var commitment = timeline.Commitments.FirstOrDefault();
        if (commitment is not null)
        {
            output.WriteLine($"  e.g. commitment of {Short(commitment.Worker)} on item {commitment.Item}: {commitment.Commitment}");
        }
    }

    private static string Short(string address) => address.Length > 14 ? $"{address[..8]}...{address[^6..]}" : address;

    /// <summary>Whole tokens with two decimals, truncated (display only; amounts stay in base units).</summary>
    private static string Format(BigInteger baseUnits)
    {
        var abs = BigInteger.Abs(baseUnits);
        var hundredths = abs * 100 / s_unit;
        return string.Create(CultureInfo.InvariantCulture, $"{hundredths / 100}.{hundredths % 100:00}");
    }

    private static string FormatSigned(BigInteger baseUnits) => (baseUnits < 0 ? "-" : "+") + Format(baseUnits);

    private readonly record struct ItemDecision(bool Accepted, int Label);

    /// <summary>Moves chain time past a deadline: instantly on a local anvil, by waiting elsewhere.</summary>
    private sealed class ChainClock(AnvilNode? node, ChainSigner signer)
    {
        public async Task AdvanceToAsync(ulong timestamp, CancellationToken cancellationToken)
        {
            if (node is not null)
            {
                await node.RpcAsync("evm_setNextBlockTimestamp", $"[{timestamp.ToString(CultureInfo.InvariantCulture)}]");
                await node.RpcAsync("evm_mine");
                return;
            }

            while (true)
            {
                var block = await signer.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest());
                if ((ulong)block.Timestamp.Value >= timestamp)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            }
        }
    }
}

/// <summary>The slice of bluebirds used by the demo, and the simulated annotators' answers.</summary>
internal sealed record DemoData(int Items, int[] Gold, IReadOnlyList<DemoAnnotator> Annotators, byte[] DatasetHash)
{
    public static DemoData Load(int items, int seed)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "data");
        var rows = ReadCsv(Path.Combine(folder, "labels.csv"));
        var gold = ReadCsv(Path.Combine(folder, "gold.csv")).Where(r => r[0] < items).OrderBy(r => r[0]).Select(r => r[1]).ToArray();

        // Five real bluebirds workers answer honestly (their recorded labels); two simulated spammers do not.
        var annotators = new List<DemoAnnotator>();
        foreach (var worker in new[] { 0, 1, 2, 3, 4 })
        {
            var labels = new int[items];
            foreach (var r in rows.Where(r => r[1] == worker && r[0] < items))
            {
                labels[r[0]] = r[2];
            }

            annotators.Add(new DemoAnnotator($"honest (bluebirds #{worker})", labels, []));
        }

        var rng = new Random(seed);
        annotators.Add(new DemoAnnotator("random spammer", [.. Enumerable.Range(0, items).Select(_ => rng.Next(2))], []));
        var withheld = Enumerable.Range(0, items).Where(i => i % 3 == 0).ToHashSet();
        annotators.Add(new DemoAnnotator("constant + withholds", [.. Enumerable.Range(0, items).Select(_ => 1)], withheld));

        var slice = string.Join('\n', rows.Where(r => r[0] < items).Select(r => $"{r[0]},{r[1]},{r[2]}"));
        return new DemoData(items, gold, annotators, Sha3Keccack.Current.CalculateHash(System.Text.Encoding.UTF8.GetBytes(slice)));
    }

    private static int[][] ReadCsv(string path)
    {
        if (!File.Exists(path))
        {
            throw new DemoException($"missing demo data file {path}.");
        }

        return [.. File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
    }
}

/// <summary>One simulated annotator: a kind, a label per item, and the items whose label it will not reveal.</summary>
internal sealed record DemoAnnotator(string Kind, int[] Labels, HashSet<int> Withheld);
