// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Runtime.Intrinsics;

namespace TokenLabeling.Consensus.Kernels;

/// <summary>Selects which hardware path a SIMD kernel runs on.</summary>
/// <remarks>
/// <see cref="Auto"/> picks the widest accelerated path (512 → 256 → 128 → scalar). The other values force one path, so that every
/// variant can be tested and benchmarked on any machine; forcing a path the hardware lacks throws <see cref="PlatformNotSupportedException"/>.
/// </remarks>
public enum KernelPath
{
    /// <summary>The widest path this machine accelerates.</summary>
    Auto = 0,

    /// <summary>The plain scalar reference implementation (the test oracle).</summary>
    Scalar = 1,

    /// <summary>128-bit vectors.</summary>
    Vector128 = 2,

    /// <summary>256-bit vectors.</summary>
    Vector256 = 3,

    /// <summary>512-bit vectors.</summary>
    Vector512 = 4,
}

/// <summary>Resolves <see cref="KernelPath"/> requests against the hardware.</summary>
public static class KernelPaths
{
    /// <summary>Gets every path this machine can run, scalar first.</summary>
    public static IReadOnlyList<KernelPath> Supported { get; } = BuildSupported();

    /// <summary>Returns the concrete path for a request: <see cref="KernelPath.Auto"/> becomes the widest accelerated one.</summary>
    /// <param name="requested">The requested path.</param>
    /// <returns>A concrete path (never <see cref="KernelPath.Auto"/>).</returns>
    /// <exception cref="PlatformNotSupportedException">The forced path is not accelerated on this machine.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requested"/> is not a defined value.</exception>
    public static KernelPath Resolve(KernelPath requested) => requested switch
    {
        KernelPath.Auto => Supported[^1],
        KernelPath.Scalar => KernelPath.Scalar,
        KernelPath.Vector128 or KernelPath.Vector256 or KernelPath.Vector512 when IsSupported(requested) => requested,
        KernelPath.Vector128 or KernelPath.Vector256 or KernelPath.Vector512 =>
            throw new PlatformNotSupportedException($"{requested} is not hardware-accelerated on this machine (supported: {string.Join(", ", Supported)})."),
        _ => throw new ArgumentOutOfRangeException(nameof(requested), requested, "Unknown kernel path."),
    };

    /// <summary>Returns whether a path is accelerated on this machine.</summary>
    /// <param name="path">The path.</param>
    /// <returns><see langword="true"/> for <see cref="KernelPath.Scalar"/>, <see cref="KernelPath.Auto"/> and accelerated vector widths.</returns>
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Auto or KernelPath.Scalar => true,
        KernelPath.Vector128 => Vector128.IsHardwareAccelerated,
        KernelPath.Vector256 => Vector256.IsHardwareAccelerated,
        KernelPath.Vector512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };

    private static KernelPath[] BuildSupported()
    {
        var list = new List<KernelPath> { KernelPath.Scalar };
        foreach (var p in (ReadOnlySpan<KernelPath>)[KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512])
        {
            if (IsSupported(p))
            {
                list.Add(p);
            }
        }

        return [.. list];
    }
}
