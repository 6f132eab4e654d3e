// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TokenLabeling.Consensus.Models;

namespace TokenLabeling.Consensus.Tests.Models;

/// <summary>Invariants every model must keep, on random crowds.</summary>
public class ModelPropertyTests
{
    private static readonly string[] s_all = ["wawa", "zbs", "glad", "mace", "mmsr", "kos"];

    // A random crowd: `tasks` tasks, each labelled by `perTask` distinct workers out of 7, with accuracies in [0.3, 0.95].
    private static AnnotationSet RandomCrowd(int seed, int classes, int perTask, int tasks = 25)
    {
        var random = new Random(seed);
        var accuracy = Enumerable.Range(0, 7).Select(_ => 0.3 + (0.65 * random.NextDouble())).ToArray();
        var t = new List<int>();
        var w = new List<int>();
        var l = new List<int>();
        for (var task = 0; task < tasks; task++)
        {
            var truth = random.Next(classes);
            foreach (var worker in Enumerable.Range(0, 7).OrderBy(_ => random.Next()).Take(perTask))
            {
                t.Add(task);
                w.Add(worker);
                l.Add(random.NextDouble() < accuracy[worker] ? truth : random.Next(classes));
            }
        }

        return AnnotationSet.FromIndices(t.ToArray(), w.ToArray(), l.ToArray(), new AnnotationSetOptions { ClassCount = classes }, tasks, 7);
    }

    private static AnnotationSet Relabel(AnnotationSet set, int[] permutation) =>
        AnnotationSet.FromIndices(set.Tasks, set.Workers, set.Labels.ToArray().Select(x => permutation[x]).ToArray(), new AnnotationSetOptions { ClassCount = set.ClassCount }, set.TaskCount, set.WorkerCount);

    [Property(MaxTest = 30)]
    public Property PosteriorsAreDistributionsAndSkillsAreProbabilities(PositiveInt seed)
    {
        var failures = new List<string>();
        foreach (var (classes, models) in new[] { (2, s_all), (3, s_all[..^1]) })
        {
            var set = RandomCrowd(seed.Get, classes, perTask: 1 + (seed.Get % 5));
            foreach (var model in models)
            {
                var result = ModelAccuracyTests.Create(model).Aggregate(set);
                for (var t = 0; t < result.TaskCount; t++)
                {
                    var row = result.GetPosterior(t);
                    var sum = 0.0;
                    foreach (var p in row)
                    {
                        sum += p;
                        if (!(p >= 0 && p <= 1))
                        {
                            failures.Add($"{model} K={classes} task {t}: posterior entry {p}");
                        }
                    }

                    if (Math.Abs(sum - 1) > 1e-9)
                    {
                        failures.Add($"{model} K={classes} task {t}: posterior sums to {sum}");
                    }

                    if (result.Labels[t] >= 0 && row[result.Labels[t]] < row.ToArray().Max() - 1e-12)
                    {
                        failures.Add($"{model} K={classes} task {t}: label {result.Labels[t]} is not a most probable class");
                    }
                }

                foreach (var s in result.WorkerSkills)
                {
                    if (!(s >= 0 && s <= 1))
                    {
                        failures.Add($"{model} K={classes}: skill {s}");
                    }
                }
            }
        }

        return (failures.Count == 0).Label(string.Join("; ", failures.Take(3)));
    }

    // Swapping the two classes must swap every posterior. The sets give each task an odd number of labels, so the majority
    // votes that seed Wawa, ZBS and MACE never tie: with a tie, any deterministic tie-break picks a class by its id, which no
    // relabelling can respect. ZBS runs one iteration for the same reason (a later weighted vote could tie exactly).
    [Property(MaxTest = 30)]
    public Property SwappingTheClassesSwapsThePosteriors(PositiveInt seed)
    {
        var set = RandomCrowd(seed.Get, 2, perTask: (seed.Get % 2 == 0) ? 3 : 5);
        var swapped = Relabel(set, [1, 0]);
        var failures = new List<string>();
        foreach (var model in s_all)
        {
            var aggregator = model == "zbs" ? new ZeroBasedSkill(new ZeroBasedSkillOptions { MaxIterations = 1 }) : ModelAccuracyTests.Create(model);
            Compare(model, aggregator.Aggregate(set), aggregator.Aggregate(swapped), [1, 0], failures);
        }

        return (failures.Count == 0).Label(string.Join("; ", failures.Take(3)));
    }

    // GLAD (uniform class priors) and M-MSR (skills from agreement rates) never consult a class id while fitting, so any
    // permutation of three classes permutes their posteriors, ties or not.
    [Property(MaxTest = 30)]
    public Property PermutingThreeClassesPermutesGladAndMmsr(PositiveInt seed)
    {
        var set = RandomCrowd(seed.Get, 3, perTask: 1 + (seed.Get % 5));
        var permutation = new[] { new[] { 1, 2, 0 }, [2, 0, 1], [0, 2, 1], [1, 0, 2] }[seed.Get % 4];
        var relabelled = Relabel(set, permutation);
        var failures = new List<string>();
        foreach (var model in new[] { "glad", "mmsr" })
        {
            var aggregator = ModelAccuracyTests.Create(model);
            Compare(model, aggregator.Aggregate(set), aggregator.Aggregate(relabelled), permutation, failures);
        }

        return (failures.Count == 0).Label(string.Join("; ", failures.Take(3)));
    }

    private static void Compare(string model, AggregationResult original, AggregationResult relabelled, int[] permutation, List<string> failures)
    {
        var k = permutation.Length;
        for (var t = 0; t < original.TaskCount; t++)
        {
            var before = original.GetPosterior(t);
            var after = relabelled.GetPosterior(t);
            for (var c = 0; c < k; c++)
            {
                if (Math.Abs(before[c] - after[permutation[c]]) > 1e-9)
                {
                    failures.Add($"{model} task {t} class {c}: {before[c]} became {after[permutation[c]]}");
                }
            }

            // Labels must follow wherever the most probable class is unique.
            var sorted = before.ToArray().OrderDescending().ToArray();
            if (original.Labels[t] >= 0 && sorted[0] - sorted[1] > 1e-9 && relabelled.Labels[t] != permutation[original.Labels[t]])
            {
                failures.Add($"{model} task {t}: label {original.Labels[t]} became {relabelled.Labels[t]}");
            }
        }
    }
}
