// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace TokenLabeling.Benchmarks.Geometry;

/// <summary>A column of work units per second (e.g. G pairs/s, GB/s), from the mean time and a per-case unit count.</summary>
internal sealed class ThroughputColumn(string name, Func<BenchmarkCase, double> unitsPerOperation, double scale) : IColumn
{
    public string Id => nameof(ThroughputColumn) + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"{name}: units of work per second, from the mean time";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } stats || stats.Mean <= 0)
        {
            return "-";
        }

        var perSecond = unitsPerOperation(benchmarkCase) / (stats.Mean * 1e-9);
        return (perSecond / scale).ToString("0.000", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    internal static double Parameter(BenchmarkCase benchmarkCase, string parameter) =>
        Convert.ToDouble(benchmarkCase.Parameters[parameter], CultureInfo.InvariantCulture);
}
