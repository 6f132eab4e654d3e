// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace IncentiveStudy;

/// <summary>Line plots saved as PNG.</summary>
internal static class Plots
{
    public static void Lines(string path, string title, string xLabel, string yLabel, IEnumerable<(string Name, double[] X, double[] Y)> series, double? yMin = null, double? yMax = null)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (name, x, y) in series)
        {
            var s = plot.Add.Scatter(x, y);
            s.LegendText = name;
            s.LineWidth = 2;
            s.MarkerSize = x.Length > 30 ? 0 : 5;
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(ScottPlot.Edge.Right);
        if (yMin is { } lo && yMax is { } hi)
        {
            plot.Axes.SetLimitsY(lo, hi);
        }

        plot.SavePng(path, 900, 540);
    }
}
