// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.TestUtilities;

/// <summary>Finds the real crowdsourcing datasets used by accuracy tests.</summary>
/// <remarks>
/// Each dataset folder holds <c>labels.csv</c> (<c>task,worker,label</c>), <c>gold.csv</c> (<c>task,label</c>) and <c>meta.json</c>.
/// Datasets whose licence allows it ship in <c>tests/data/datasets</c>; the others are read from
/// <c>$TOKENLABELING_DATASETS</c> or from <c>../shared/datasets</c> beside the repository, when present.
/// </remarks>
public static class Datasets
{
    /// <summary>The names of every reference dataset, in the order of the reference table.</summary>
    public static readonly IReadOnlyList<string> All =
        ["bluebirds", "snow_rte", "snow_temp", "snow_wsd", "zheng_s4_Dog", "zhou_web", "zencrowd_us", "zheng_d_sentiment"];

    /// <summary>Gets the repository root (the folder holding TokenLabeling.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Returns the folder of a dataset, or <see langword="null"/> if it is not available on this machine.</summary>
    public static string? TryFind(string name)
    {
        var candidates = new List<string>();
        var env = Environment.GetEnvironmentVariable("TOKENLABELING_DATASETS");
        if (!string.IsNullOrEmpty(env))
        {
            candidates.Add(Path.Combine(env, name));
        }

        candidates.Add(Path.Combine(RepositoryRoot, "tests", "data", "datasets", name));
        candidates.Add(Path.Combine(RepositoryRoot, "..", "shared", "datasets", name));
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "labels.csv")));
    }

    /// <summary>Returns the folder of a dataset, or throws with a message naming where it was looked for.</summary>
    public static string Find(string name) =>
        TryFind(name) ?? throw new DirectoryNotFoundException($"Dataset '{name}' not found in tests/data/datasets, $TOKENLABELING_DATASETS or ../shared/datasets.");

    /// <summary>Returns the reason a test on this dataset is skipped, or <see langword="null"/> when the dataset is available.</summary>
    public static string? SkipReason(string name) => TryFind(name) is null
        ? $"Dataset '{name}' is not redistributed with the repository (its source states no licence for the data); put the reference datasets in ../shared/datasets or $TOKENLABELING_DATASETS to run this test."
        : null;

    /// <summary>Reads a two- or three-column integer CSV with a header row.</summary>
    public static int[][] ReadIntCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        return lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',').Select(int.Parse).ToArray()).ToArray();
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TokenLabeling.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}

/// <summary>A fact that is skipped, with the reason, when the named dataset is not available.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DatasetFactAttribute : FactAttribute
{
    /// <summary>Initializes the attribute for one dataset.</summary>
    public DatasetFactAttribute(string dataset)
    {
        Dataset = dataset;
        Skip = Datasets.SkipReason(dataset);
    }

    /// <summary>Gets the dataset name.</summary>
    public string Dataset { get; }
}

/// <summary>A theory over every reference dataset that is available; unavailable ones are listed in the skip reason of a companion test.</summary>
public static class DatasetData
{
    /// <summary>Gets the names of every reference dataset available here, as theory data.</summary>
    public static TheoryData<string> Available
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in Datasets.All.Where(n => Datasets.TryFind(n) is not null))
            {
                data.Add(name);
            }

            return data;
        }
    }
}
