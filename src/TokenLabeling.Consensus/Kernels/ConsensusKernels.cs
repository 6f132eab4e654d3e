// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using System.Runtime.Intrinsics;

namespace TokenLabeling.Consensus.Kernels;

/// <summary>
/// Span-based kernels behind the aggregators: vote counting, weighted tallies and the fused Dawid-Skene E/M step.
/// Each kernel has a plain scalar reference (<see cref="KernelPath.Scalar"/>, the test oracle) and Vector128/256/512 paths.
/// </summary>
/// <remarks>
/// <para>The kernels work on rows of K classes, so the vector lanes run across classes. <see cref="KernelPath.Auto"/> picks the widest
/// accelerated width whose lane count does not exceed K (for K = 4 doubles that is 256 bits); a forced wider path stays correct but
/// handles the whole row in its scalar tail.</para>
/// <para>Floating-point results of the vector paths may differ from the scalar reference in the last bits: they use the vector
/// <c>Exp</c>/<c>Log</c> approximations and a different summation order for the log-likelihood.</para>
/// </remarks>
public static partial class ConsensusKernels
{
    /// <summary>Resolves a requested path for a kernel whose vectors run across rows of <paramref name="rowLength"/> elements.</summary>
    internal static KernelPath ResolveRowPath(KernelPath requested, int rowLength, int elementSize)
    {
        var path = KernelPaths.Resolve(requested);
        if (requested != KernelPath.Auto)
        {
            return path;
        }

        while (path != KernelPath.Scalar && LaneCount(path, elementSize) > rowLength)
        {
            path--;
        }

        return path;
    }

    internal static int LaneCount(KernelPath path, int elementSize) => path switch
    {
        KernelPath.Vector128 => Vector128<byte>.Count / elementSize,
        KernelPath.Vector256 => Vector256<byte>.Count / elementSize,
        KernelPath.Vector512 => Vector512<byte>.Count / elementSize,
        _ => 1,
    };

    /// <summary>Checks CSR offsets: length T + 1, starting at 0 or more, non-decreasing, ending within <paramref name="itemCount"/>.</summary>
    internal static void CheckOffsets(ReadOnlySpan<int> offsets, int itemCount, string paramName)
    {
        if (offsets.IsEmpty)
        {
            throw new ArgumentException("Offsets must hold at least one entry (task count + 1).", paramName);
        }

        if (offsets[0] < 0)
        {
            throw new ArgumentException(Format($"Offsets[0] is {offsets[0]}; offsets must not be negative."), paramName);
        }

        for (var t = 1; t < offsets.Length; t++)
        {
            if (offsets[t] < offsets[t - 1])
            {
                throw new ArgumentException(Format($"Offsets decrease at task {t - 1} ({offsets[t - 1]} then {offsets[t]})."), paramName);
            }
        }

        if (offsets[^1] > itemCount)
        {
            throw new ArgumentException(Format($"The last offset ({offsets[^1]}) is beyond the {itemCount} labels."), paramName);
        }
    }

    /// <summary>Checks that every value read through the offsets lies in 0..<paramref name="limit"/>-1.</summary>
    internal static void CheckRange(ReadOnlySpan<int> values, ReadOnlySpan<int> offsets, int limit, string what, string paramName)
    {
        var from = offsets[0];
        var to = offsets[^1];
        for (var i = from; i < to; i++)
        {
            if ((uint)values[i] >= (uint)limit)
            {
                throw new ArgumentException(Format($"{what} at position {i} is {values[i]}; expected 0..{limit - 1}."), paramName);
            }
        }
    }

    internal static void CheckLength(int actual, int expected, string what, string paramName)
    {
        if (actual != expected)
        {
            throw new ArgumentException(Format($"{what} must have length {expected}, not {actual}."), paramName);
        }
    }

    internal static void CheckAtLeast(int actual, int expected, string what, string paramName)
    {
        if (actual < expected)
        {
            throw new ArgumentException(Format($"{what} is too short: length {actual}, need {expected}."), paramName);
        }
    }

    internal static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
