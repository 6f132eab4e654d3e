// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text.Json.Serialization;
using TokenLabeling.Economics.Amounts;

namespace TokenLabeling.Economics.Policies;

/// <summary>One fee taken from the task budget before rewards: <c>min(floor(budget × bps / 10000), cap)</c>.</summary>
public sealed record FeeLine
{
    /// <summary>Initializes a new fee line.</summary>
    /// <param name="name">What the fee pays, e.g. <c>"platform"</c>, <c>"reputation-oracle"</c>.</param>
    /// <param name="basisPoints">The rate in basis points of the budget, 0 to 10000. Typical: 100–1000 (1–10%); HUMAN caps each oracle at 2500.</param>
    /// <param name="cap">The most the fee may take, in base units; <see langword="null"/> for no cap.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="basisPoints"/> is outside 0..10000.</exception>
    [JsonConstructor]
    public FeeLine(string name, int basisPoints, TokenAmount? cap = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Amounts.BasisPoints.Validate(basisPoints, $"fee '{name}' basisPoints");
        Name = name;
        BasisPoints = basisPoints;
        Cap = cap;
    }

    /// <summary>Gets the fee's name.</summary>
    public string Name { get; }

    /// <summary>Gets the rate in basis points of the budget.</summary>
    public int BasisPoints { get; }

    /// <summary>Gets the cap in base units, or <see langword="null"/> for none.</summary>
    public TokenAmount? Cap { get; }

    /// <summary>Computes the fee on a budget.</summary>
    /// <param name="budget">The task budget in base units.</param>
    /// <returns><c>min(floor(budget × bps / 10000), cap)</c>.</returns>
    public TokenAmount On(TokenAmount budget)
    {
        var fee = TokenAmount.MulDiv(budget, (ulong)BasisPoints, Amounts.BasisPoints.Denominator);
        return Cap is { } cap ? TokenAmount.Min(fee, cap) : fee;
    }
}

/// <summary>Fees taken from the task budget before rewards are split, all paid to the treasury.</summary>
public sealed record FeePolicy
{
    /// <summary>Initializes a new fee policy.</summary>
    /// <param name="lines">The fees, taken in order; their rates may add up to at most 10000 bps (100%).</param>
    /// <param name="maxLineBasisPoints">The highest rate any one fee may have, 0 to 10000 bps. HUMAN's escrow: 2500 (25%) per oracle.</param>
    /// <exception cref="ArgumentException">The rates add up to more than 100%, a fee exceeds <paramref name="maxLineBasisPoints"/>, or two fees share a name.</exception>
    [JsonConstructor]
    public FeePolicy(IReadOnlyList<FeeLine> lines, int maxLineBasisPoints = Amounts.BasisPoints.Denominator)
    {
        Amounts.BasisPoints.Validate(maxLineBasisPoints, nameof(maxLineBasisPoints));
        ArgumentNullException.ThrowIfNull(lines);
        var total = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i] ?? throw new ArgumentException($"fee line {i} is null.", nameof(lines));
            if (!names.Add(line.Name))
            {
                throw new ArgumentException($"fee '{line.Name}' is listed twice.", nameof(lines));
            }

            if (line.BasisPoints > maxLineBasisPoints)
            {
                throw new ArgumentException($"fee '{line.Name}' is {line.BasisPoints} bps, above the {maxLineBasisPoints} bps allowed per fee.", nameof(lines));
            }

            total += line.BasisPoints;
        }

        if (total > Amounts.BasisPoints.Denominator)
        {
            throw new ArgumentException($"fees add up to {total} bps, more than 100% (10000 bps) of the budget.", nameof(lines));
        }

        Lines = [.. lines];
        MaxLineBasisPoints = maxLineBasisPoints;
    }

    /// <summary>Gets a policy with no fees.</summary>
    public static FeePolicy None { get; } = new([]);

    /// <summary>Gets the fee lines.</summary>
    public IReadOnlyList<FeeLine> Lines { get; }

    /// <summary>Gets the highest rate any one fee may have, in bps.</summary>
    public int MaxLineBasisPoints { get; }

    /// <summary>Gets the sum of the fee rates in basis points.</summary>
    [JsonIgnore]
    public int TotalBasisPoints => Lines.Sum(l => l.BasisPoints);

    /// <summary>Creates a policy with one platform fee.</summary>
    /// <param name="basisPoints">The platform fee rate, 0 to 10000 bps. Typical: 500 (5%).</param>
    /// <param name="cap">An optional cap in base units.</param>
    /// <returns>The policy.</returns>
    public static FeePolicy Platform(int basisPoints, TokenAmount? cap = null) => new([new FeeLine("platform", basisPoints, cap)]);

    /// <summary>Creates HUMAN Protocol-style oracle fees: each a percentage of the funded amount, at most 25% each, floor division.</summary>
    /// <param name="oracleBasisPoints">Each oracle's name and rate in bps (0 to 2500).</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentException">A rate exceeds 25% or the rates exceed 100% in total.</exception>
    public static FeePolicy HumanOracles(params IReadOnlyList<(string Name, int BasisPoints)> oracleBasisPoints)
    {
        ArgumentNullException.ThrowIfNull(oracleBasisPoints);
        return new([.. oracleBasisPoints.Select(o => new FeeLine(o.Name, o.BasisPoints))], 2500);
    }

    /// <inheritdoc/>
    public bool Equals(FeePolicy? other) => other is not null && MaxLineBasisPoints == other.MaxLineBasisPoints && Lines.SequenceEqual(other.Lines);

    /// <inheritdoc/>
    public override int GetHashCode() => Lines.Count;
}
