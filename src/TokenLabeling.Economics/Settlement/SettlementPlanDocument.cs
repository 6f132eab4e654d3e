// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text.Json.Serialization;
using TokenLabeling.Economics.Amounts;
using TokenLabeling.Economics.Policies;

namespace TokenLabeling.Economics.Settlement;

/// <summary>The JSON shape of a settlement plan (format <c>tokenlabeling.settlement-plan/1</c>).</summary>
internal sealed record SettlementPlanDocument(
    string Format,
    string Policy,
    TokenAmount Budget,
    IReadOnlyList<SettlementPlanDocument.FeeEntry> Fees,
    TokenAmount RewardPool,
    SettlementPlanDocument.TotalsBlock Totals,
    SettlementPlanDocument.UnallocatedBlock Unallocated,
    SettlementPlanDocument.RecipientsBlock Recipients,
    IReadOnlyList<SettlementPlanDocument.WorkerLine> Workers)
{
    public const string CurrentFormat = "tokenlabeling.settlement-plan/1";

    internal sealed record FeeEntry(string Name, TokenAmount Amount);

    internal sealed record TotalsBlock(TokenAmount Stakes, TokenAmount Slashed, TokenAmount Rewards, TokenAmount Redistributed, TokenAmount HeldBack, TokenAmount Payouts, TokenAmount Fees);

    internal sealed record UnallocatedBlock(TokenAmount UnspentRewards, TokenAmount RedistributionDust, TokenAmount SlashedNotShared);

    internal sealed record RecipientsBlock(TokenAmount Requester, TokenAmount Treasury, TokenAmount Owner, TokenAmount Burned, TokenAmount CarriedOver);

    internal sealed record WorkerLine(string Id, TokenAmount Stake, TokenAmount Slash, TokenAmount Reward, TokenAmount Redistribution, TokenAmount HeldBack, TokenAmount Payout);
}

/// <summary>Source-generated JSON metadata for plans and policies (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SettlementPlanDocument))]
[JsonSerializable(typeof(SettlementPolicy))]
internal sealed partial class EconomicsJsonContext : JsonSerializerContext
{
    /// <summary>Creates a context that writes indented JSON; not cached, since it is only used for audit output.</summary>
    public static EconomicsJsonContext CreateIndented() => new(new System.Text.Json.JsonSerializerOptions(Default!.Options) { WriteIndented = true });
}
