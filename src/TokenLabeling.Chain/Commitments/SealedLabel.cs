// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Chain.Commitments;

/// <summary>
/// A label committed on chain together with the secret needed to reveal it. Keep it (for example in the
/// annotator's local store) from before the commit is sent until the reveal is mined.
/// </summary>
/// <param name="Item">Item index within the task.</param>
/// <param name="Label">The hidden label.</param>
/// <param name="Salt">The 32-byte salt drawn from a cryptographic random number generator.</param>
/// <param name="Commitment">The 32-byte commitment sent on chain.</param>
public sealed record SealedLabel(uint Item, byte Label, ReadOnlyMemory<byte> Salt, ReadOnlyMemory<byte> Commitment);
