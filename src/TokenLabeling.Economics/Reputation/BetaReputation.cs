// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Economics.Reputation;

/// <summary>
/// Beta reputation (Jøsang and Ismail 2002): evidence of <see cref="Positive"/> good and <see cref="Negative"/> bad outcomes,
/// expected quality <c>E = (r + 1) / (r + s + 2)</c>; older evidence fades by a forgetting factor λ: <c>r ← λ r + new</c>.
/// </summary>
/// <param name="Positive">Accumulated positive evidence r ≥ 0 (e.g. labels agreeing with consensus).</param>
/// <param name="Negative">Accumulated negative evidence s ≥ 0 (e.g. wrong or missed labels).</param>
public readonly record struct BetaReputation(double Positive, double Negative)
{
    /// <summary>Gets the prior: no evidence, expected quality 0.5.</summary>
    public static BetaReputation Prior => default;

    /// <summary>Gets the expected quality <c>(r + 1) / (r + s + 2)</c>, in (0, 1).</summary>
    public double Expected => (Positive + 1.0) / (Positive + Negative + 2.0);

    /// <summary>Gets the expected quality on a 0–1000 integer scale (Sapien's reputation range), floored.</summary>
    public int Score => (int)Math.Floor(Expected * 1000.0);

    /// <summary>Adds a round's evidence after fading the old by the forgetting factor.</summary>
    /// <param name="positive">New positive evidence, ≥ 0.</param>
    /// <param name="negative">New negative evidence, ≥ 0.</param>
    /// <param name="forgetting">λ in [0, 1]: 1 keeps all history, 0 keeps only this round. Typical: 0.9–0.98.</param>
    /// <returns>The updated reputation.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is negative, not finite, or λ is outside [0, 1].</exception>
    public BetaReputation Update(double positive, double negative, double forgetting)
    {
        if (!(positive >= 0 && double.IsFinite(positive)))
        {
            throw new ArgumentOutOfRangeException(nameof(positive), positive, "Positive evidence must be a finite number ≥ 0.");
        }

        if (!(negative >= 0 && double.IsFinite(negative)))
        {
            throw new ArgumentOutOfRangeException(nameof(negative), negative, "Negative evidence must be a finite number ≥ 0.");
        }

        if (!(forgetting >= 0 && forgetting <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(forgetting), forgetting, "The forgetting factor must be in [0, 1].");
        }

        return new BetaReputation((forgetting * Positive) + positive, (forgetting * Negative) + negative);
    }
}
