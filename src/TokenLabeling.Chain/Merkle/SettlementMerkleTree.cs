// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Chain.Hashing;

namespace TokenLabeling.Chain.Merkle;

/// <summary>
/// A Merkle tree over settlement leaves whose proofs verify with OpenZeppelin's <c>MerkleProof</c>
/// (pairs hashed in sorted order, leaves double-hashed), as <c>LabelingEscrow</c> does on chain.
/// </summary>
/// <remarks>
/// <para>Leaf hashes are sorted before the tree is built, so an entry's position in the tree is not its index:
/// the tree keeps the map from entry to position. A node without a sibling is carried up unchanged.</para>
/// <para>Instances are immutable and safe to share between threads.</para>
/// </remarks>
public sealed class SettlementMerkleTree
{
    private readonly SettlementLeaf[] _leaves;
    private readonly int[] _positionOfEntry;
    private readonly byte[][][] _layers;

    private SettlementMerkleTree(SettlementLeaf[] leaves, int[] positionOfEntry, byte[][][] layers)
    {
        _leaves = leaves;
        _positionOfEntry = positionOfEntry;
        _layers = layers;
    }

    /// <summary>Gets the number of leaves.</summary>
    public int Count => _leaves.Length;

    /// <summary>Gets the 32-byte root.</summary>
    public ReadOnlyMemory<byte> Root => _layers[^1][0];

    /// <summary>Gets the root as 0x-prefixed hex.</summary>
    public string RootHex => AbiWords.ToHex(_layers[^1][0]);

    /// <summary>Gets the entries in the order they were given.</summary>
    public IReadOnlyList<SettlementLeaf> Leaves => _leaves;

    /// <summary>Builds the tree of <paramref name="leaves"/>.</summary>
    /// <param name="leaves">The entries, at least one; each (task, account) pair at most once.</param>
    /// <returns>The tree.</returns>
    /// <exception cref="ArgumentException">The list is empty or an account appears twice for one task.</exception>
    public static SettlementMerkleTree Build(IReadOnlyList<SettlementLeaf> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        if (leaves.Count == 0)
        {
            throw new ArgumentException("A settlement tree needs at least one leaf.", nameof(leaves));
        }

        // The contract marks claims by (account, task): a second leaf for the same pair could never be claimed.
        var seen = new HashSet<(System.Numerics.BigInteger, string)>();
        var copy = new SettlementLeaf[leaves.Count];
        var hashes = new byte[leaves.Count][];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = leaves[i];
            if (!seen.Add((copy[i].TaskId, copy[i].Account.ToUpperInvariant())))
            {
                throw new ArgumentException(
                    $"Leaf {i}: account {copy[i].Account} appears more than once in task {copy[i].TaskId}.", nameof(leaves));
            }

            hashes[i] = copy[i].ComputeHash();
        }

        return FromLeafHashes(copy, hashes);
    }

    /// <summary>Builds the tree from precomputed leaf hashes (one per entry), sorting them as OpenZeppelin's tree does.</summary>
    internal static SettlementMerkleTree FromLeafHashes(SettlementLeaf[] copy, byte[][] hashes)
    {
        var order = Enumerable.Range(0, copy.Length).ToArray();
        Array.Sort(order, (a, b) => Compare(hashes[a], hashes[b]));
        var positionOfEntry = new int[copy.Length];
        var bottom = new byte[copy.Length][];
        for (var p = 0; p < order.Length; p++)
        {
            positionOfEntry[order[p]] = p;
            bottom[p] = hashes[order[p]];
        }

        var layers = new List<byte[][]> { bottom };
        while (layers[^1].Length > 1)
        {
            var below = layers[^1];
            var above = new byte[(below.Length + 1) / 2][];
            for (var i = 0; i < above.Length; i++)
            {
                above[i] = 2 * i + 1 < below.Length ? HashPair(below[2 * i], below[2 * i + 1]) : below[2 * i];
            }

            layers.Add(above);
        }

        return new SettlementMerkleTree(copy, positionOfEntry, [.. layers]);
    }

    /// <summary>Gets the proof of the entry at <paramref name="entryIndex"/> (its index in the list given to <see cref="Build"/>).</summary>
    /// <param name="entryIndex">Index of the entry.</param>
    /// <returns>The sibling hashes from the leaf up, 32 bytes each.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the tree.</exception>
    public IReadOnlyList<byte[]> GetProof(int entryIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(entryIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(entryIndex, _leaves.Length);
        var proof = new List<byte[]>();
        var position = _positionOfEntry[entryIndex];
        for (var level = 0; level < _layers.Length - 1; level++)
        {
            var sibling = position ^ 1;
            if (sibling < _layers[level].Length)
            {
                proof.Add((byte[])_layers[level][sibling].Clone());
            }

            position >>= 1;
        }

        return proof;
    }

    /// <summary>Recomputes a root from a leaf hash and its proof, hashing each pair in sorted order.</summary>
    /// <param name="proof">The sibling hashes.</param>
    /// <param name="leafHash">The 32-byte leaf hash.</param>
    /// <returns>The root the proof leads to.</returns>
    public static byte[] ProcessProof(IEnumerable<byte[]> proof, byte[] leafHash)
    {
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(leafHash);
        var computed = leafHash;
        foreach (var sibling in proof)
        {
            computed = HashPair(computed, sibling);
        }

        return computed;
    }

    /// <summary>Checks a proof against a root, as <c>MerkleProof.verify</c> does.</summary>
    /// <param name="proof">The sibling hashes.</param>
    /// <param name="root">The 32-byte root.</param>
    /// <param name="leafHash">The 32-byte leaf hash.</param>
    /// <returns><see langword="true"/> when the proof leads to the root.</returns>
    public static bool Verify(IEnumerable<byte[]> proof, ReadOnlySpan<byte> root, byte[] leafHash) =>
        ProcessProof(proof, leafHash).AsSpan().SequenceEqual(root);

    /// <summary>Hashes two nodes in sorted order: <c>keccak256(min(a, b) ‖ max(a, b))</c>.</summary>
    /// <param name="a">First 32-byte node.</param>
    /// <param name="b">Second 32-byte node.</param>
    /// <returns>The parent node.</returns>
    public static byte[] HashPair(byte[] a, byte[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Span<byte> buffer = stackalloc byte[64];
        var (first, second) = Compare(a, b) <= 0 ? (a, b) : (b, a);
        first.CopyTo(buffer[..32]);
        second.CopyTo(buffer[32..]);
        return AbiWords.Keccak(buffer);
    }

    private static int Compare(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);
}
