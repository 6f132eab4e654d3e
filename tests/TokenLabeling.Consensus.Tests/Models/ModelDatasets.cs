// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Text.Json;
using TokenLabeling.TestUtilities;

namespace TokenLabeling.Consensus.Tests.Models;

/// <summary>Loads a reference dataset (labels, gold) as an <see cref="AnnotationSet"/> with dense ids, caching per dataset.</summary>
internal static class ModelDatasets
{
    private static readonly Dictionary<string, (AnnotationSet Set, GoldLabels Gold)> s_cache = [];

    public static (AnnotationSet Set, GoldLabels Gold) Load(string name)
    {
        lock (s_cache)
        {
            if (s_cache.TryGetValue(name, out var hit))
            {
                return hit;
            }

            var folder = Datasets.Find(name);
            using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "meta.json")));
            var classes = meta.RootElement.GetProperty("classes").GetInt32();
            var taskCount = meta.RootElement.GetProperty("tasks").GetInt32();
            var rows = Datasets.ReadIntCsv(Path.Combine(folder, "labels.csv"));
            var set = AnnotationSet.FromIndices(
                rows.Select(r => r[0]).ToArray(),
                rows.Select(r => r[1]).ToArray(),
                rows.Select(r => r[2]).ToArray(),
                new AnnotationSetOptions { ClassCount = classes },
                taskCount);
            var gold = new int[set.TaskCount];
            Array.Fill(gold, -1);
            foreach (var g in Datasets.ReadIntCsv(Path.Combine(folder, "gold.csv")))
            {
                gold[g[0]] = g[1];
            }

            var result = (set, new GoldLabels(gold, classes));
            s_cache[name] = result;
            return result;
        }
    }
}
