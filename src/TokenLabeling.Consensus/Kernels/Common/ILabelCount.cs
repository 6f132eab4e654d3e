// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Kernels.Common;

/// <summary>A label count known when a kernel is compiled: each implementing struct gets its own fully unrolled instantiation.</summary>
internal interface ILabelCount
{
    /// <summary>Gets the count.</summary>
    static abstract int Value { get; }
}

/// <summary>Exactly 1 label.</summary>
internal readonly struct LabelCount1 : ILabelCount
{
    /// <inheritdoc/>
    public static int Value => 1;
}

/// <summary>Exactly 2 labels.</summary>
internal readonly struct LabelCount2 : ILabelCount
{
    /// <inheritdoc/>
    public static int Value => 2;
}

/// <summary>Exactly 3 labels.</summary>
internal readonly struct LabelCount3 : ILabelCount
{
    /// <inheritdoc/>
    public static int Value => 3;
}

/// <summary>Exactly 4 labels.</summary>
internal readonly struct LabelCount4 : ILabelCount
{
    /// <inheritdoc/>
    public static int Value => 4;
}

/// <summary>Exactly 5 labels.</summary>
internal readonly struct LabelCount5 : ILabelCount
{
    /// <inheritdoc/>
    public static int Value => 5;
}

/// <summary>Exactly 6 labels.</summary>
internal readonly struct LabelCount6 : ILabelCount
{
    /// <inheritdoc/>
    public static int Value => 6;
}

/// <summary>Exactly 7 labels.</summary>
internal readonly struct LabelCount7 : ILabelCount
{
    /// <inheritdoc/>
    public static int Value => 7;
}

/// <summary>Exactly 8 labels.</summary>
internal readonly struct LabelCount8 : ILabelCount
{
    /// <inheritdoc/>
    public static int Value => 8;
}
