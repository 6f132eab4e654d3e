// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

namespace TokenLabeling.Consensus.Tests.Streaming;

/// <summary>Random crowds and task-wise shards for the streaming tests.</summary>
internal static class StreamingTestSets
{
    /// <summary>A crowd of one-coin workers with accuracies in [0.3, 0.95] labelling random tasks.</summary>
    public static AnnotationSet RandomCrowd(int seed, int tasks, int workers, int classes, int perTask)
    {
        var random = new Random(seed);
        var accuracy = Enumerable.Range(0, workers).Select(_ => 0.3 + (0.65 * random.NextDouble())).ToArray();
        var t = new List<int>();
        var w = new List<int>();
        var l = new List<int>();
        for (var task = 0; task < tasks; task++)
        {
            var truth = random.Next(classes);
            var count = 1 + random.Next(perTask);
            for (var j = 0; j < count; j++)
            {
                var worker = random.Next(workers);
                t.Add(task);
                w.Add(worker);
                l.Add(random.NextDouble() < accuracy[worker] ? truth : random.Next(classes));
            }
        }

        return AnnotationSet.FromIndices(t.ToArray(), w.ToArray(), l.ToArray(), new AnnotationSetOptions { ClassCount = classes }, tasks, workers);
    }

    /// <summary>Splits a set by task: shard s holds the tasks assigned to s, re-numbered in order, with global worker ids.</summary>
    public static (AnnotationSet[] Shards, int[][] TaskMaps) SplitByTask(AnnotationSet set, int[] assignment, int shardCount)
    {
        var shards = new AnnotationSet[shardCount];
        var maps = new int[shardCount][];
        for (var s = 0; s < shardCount; s++)
        {
            var taskMap = Enumerable.Range(0, set.TaskCount).Where(t => assignment[t] == s).ToArray();
            var t = new List<int>();
            var w = new List<int>();
            var l = new List<int>();
            for (var local = 0; local < taskMap.Length; local++)
            {
                var global = taskMap[local];
                for (var i = set.TaskOffsets[global]; i < set.TaskOffsets[global + 1]; i++)
                {
                    t.Add(local);
                    w.Add(set.Workers[i]);
                    l.Add(set.Labels[i]);
                }
            }

            shards[s] = AnnotationSet.FromIndices(t.ToArray(), w.ToArray(), l.ToArray(), new AnnotationSetOptions { ClassCount = set.ClassCount }, taskMap.Length, set.WorkerCount);
            maps[s] = taskMap;
        }

        return (shards, maps);
    }
}
