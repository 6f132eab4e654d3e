// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace TokenLabeling.Consensus.Tests;

public class AnnotationSetTests
{
    private static AnnotationSet Small(DuplicatePolicy policy = DuplicatePolicy.KeepAll) =>
        AnnotationSet.Create(
            new Annotation<string, string>[]
            {
                new("img-b", "alice", 1),
                new("img-a", "bob", 0),
                new("img-b", "bob", 1),
                new("img-a", "alice", 2),
                new("img-b", "alice", 0),
            },
            new AnnotationSetOptions { ClassCount = 3, Duplicates = policy });

    [Fact]
    public void DenseIndicesFollowFirstAppearanceAndLabelsAreGroupedByTaskInInputOrder()
    {
        var set = Small();
        Assert.Equal(2, set.TaskCount);
        Assert.Equal(2, set.WorkerCount);
        Assert.Equal(3, set.ClassCount);
        Assert.Equal(5, set.LabelCount);
        Assert.Equal("img-b", set.GetTaskIds<string>()[0]);
        Assert.Equal("alice", set.GetWorkerIds<string>()[0]);
        Assert.Equal([0, 3, 5], set.TaskOffsets.ToArray());
        Assert.Equal([1, 1, 0], set.GetTaskLabels(0).ToArray());
        Assert.Equal([0, 1, 0], set.GetTaskWorkers(0).ToArray());
        Assert.Equal([0, 2], set.GetTaskLabels(1).ToArray());
        Assert.Equal([0, 0, 0, 1, 1], set.Tasks.ToArray());
        Assert.Equal(1, set.DuplicateLabelCount);
    }

    [Fact]
    public void WorkerViewListsEachWorkersLabels()
    {
        var set = Small();
        Assert.Equal([0, 3, 5], set.WorkerOffsets.ToArray());
        // alice: storage positions 0 (img-b, 1), 2 (img-b, 0), 4 (img-a, 2); bob: 1, 3.
        Assert.Equal([0, 2, 4, 1, 3], set.WorkerOrder.ToArray());
        Assert.Equal(3, set.GetWorkerLabelCount(0));
    }

    [Fact]
    public void KeepFirstAndKeepLastDropTheOtherDuplicate()
    {
        Assert.Equal([1, 1], Small(DuplicatePolicy.KeepFirst).GetTaskLabels(0).ToArray());
        Assert.Equal([1, 0], Small(DuplicatePolicy.KeepLast).GetTaskLabels(0).ToArray());
        Assert.Equal([0, 2, 4], Small(DuplicatePolicy.KeepLast).TaskOffsets.ToArray());
    }

    [Fact]
    public void RejectNamesTheOffendingRecords()
    {
        var ex = Assert.Throws<ArgumentException>(() => Small(DuplicatePolicy.Reject));
        Assert.Contains("task 'img-b', worker 'alice' at record 0 and record 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelOutsideClassCountIsRejectedWithTheRecord()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            AnnotationSet.FromIndices([0, 1, 1], [0, 0, 1], [0, 1, 4], new AnnotationSetOptions { ClassCount = 3 }));
        Assert.Contains("record 2: label 4 is outside 0..2", ex.Message, StringComparison.Ordinal);
        var neg = Assert.Throws<ArgumentException>(() => AnnotationSet.FromIndices([0], [0], [-1]));
        Assert.Contains("record 0", neg.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => AnnotationSet.FromIndices([0, 1], [0], [0, 1]));
        var badTask = Assert.Throws<ArgumentException>(() => AnnotationSet.FromIndices([0, 5], [0, 0], [0, 1], taskCount: 3));
        Assert.Contains("record 1: task index 5 is outside 0..2", badTask.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromIndicesAllowsTasksWithoutLabels()
    {
        var set = AnnotationSet.FromIndices([2, 0], [1, 0], [1, 0], taskCount: 4);
        Assert.Equal(4, set.TaskCount);
        Assert.Equal(0, set.GetTaskLabelCount(1));
        Assert.Equal(0, set.GetTaskLabelCount(3));
        Assert.Equal(2, set.ClassCount);
        Assert.Equal(2, set.WorkerCount);
    }

    [Fact]
    public void GoldFromIdsMapsTasksAndCountsUnknownOnes()
    {
        var set = Small();
        var gold = GoldLabels.FromIds(set, new Dictionary<string, int> { ["img-a"] = 2, ["img-z"] = 1 }, out var unknown);
        Assert.Equal(1, unknown);
        Assert.Equal([-1, 2], gold.Labels.ToArray());
        Assert.Equal(0.5, new GoldLabels([1, 2], 3).Accuracy([1, 0]));
    }

    [Property(MaxTest = 200)]
    public bool StorageIsAStableGroupingOfTheInput(NonEmptyArray<(byte Task, byte Worker, byte Label)> records)
    {
        var items = records.Get;
        var tasks = items.Select(r => r.Task % 17).ToArray();
        var workers = items.Select(r => r.Worker % 11).ToArray();
        var labels = items.Select(r => r.Label % 4).ToArray();
        var set = AnnotationSet.FromIndices(tasks, workers, labels, new AnnotationSetOptions { ClassCount = 4 });

        // Naive oracle: group input rows by task, keeping input order.
        var expected = Enumerable.Range(0, set.TaskCount)
            .SelectMany(t => Enumerable.Range(0, items.Length).Where(i => tasks[i] == t))
            .ToArray();
        return set.LabelCount == items.Length
            && expected.Select(i => labels[i]).SequenceEqual(set.Labels.ToArray())
            && expected.Select(i => workers[i]).SequenceEqual(set.Workers.ToArray())
            && expected.Select(i => tasks[i]).SequenceEqual(set.Tasks.ToArray());
    }
}
