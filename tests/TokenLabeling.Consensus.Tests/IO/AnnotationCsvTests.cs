// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus.Aggregators;
using TokenLabeling.Consensus.Agreement;
using TokenLabeling.Consensus.IO;

namespace TokenLabeling.Consensus.Tests.IO;

public sealed class AnnotationCsvTests
{
    [Fact]
    public void Read_FindsColumnsByName_KeepsIdsAsText_AndHandlesQuotes()
    {
        var csv = "label,Worker,task,extra\n1,w1,007,x\n0,\"w,2\",007,y\n\n2,w1,\"a \"\"b\"\"\",z\n";
        var set = AnnotationCsv.Read(new StringReader(csv), "mem.csv");
        Assert.Equal(2, set.TaskCount);
        Assert.Equal(2, set.WorkerCount);
        Assert.Equal(3, set.ClassCount);
        Assert.Equal("007", set.TaskIds.Format(0));
        Assert.Equal("a \"b\"", set.TaskIds.Format(1));
        Assert.Equal("w,2", set.WorkerIds.Format(1));
        Assert.Equal([1, 0], set.GetTaskLabels(0).ToArray());
    }

    [Theory]
    [InlineData("", "mem.csv: is empty; expected a header row 'task,worker,label'.")]
    [InlineData("task,label\nt,1\n", "mem.csv line 1: missing column 'worker' (the header is 'task,label').")]
    [InlineData("task,worker,label\nt,w,1.5\n", "mem.csv line 2: label '1.5' is not an integer class id.")]
    [InlineData("task,worker,label\nt,w,1\nt,\"w,2\n", "mem.csv line 3: a quoted field is not closed (fields may not span lines).")]
    [InlineData("task,worker,label\nt,w\n", "mem.csv line 2: expected 3 fields (task,worker,label), found 2.")]
    public void Read_BadInput_NamesSourceAndLine(string csv, string message)
    {
        var ex = Assert.Throws<CsvFormatException>(() => AnnotationCsv.Read(new StringReader(csv), "mem.csv"));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Read_OutOfRangeLabelsAndRejectedDuplicates_NameTheLine()
    {
        var ex = Assert.Throws<ArgumentException>(() => AnnotationCsv.Read(new StringReader("task,worker,label\nt,w,0\nt,v,5\n"), "mem.csv", new AnnotationSetOptions { ClassCount = 2 }));
        Assert.Contains("mem.csv line 3", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => AnnotationCsv.Read(new StringReader("task,worker,label\nt,w,0\nu,w,1\nt,w,1\n"), "mem.csv", new AnnotationSetOptions { Duplicates = DuplicatePolicy.Reject }));
        Assert.Contains("mem.csv line 2 and mem.csv line 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadGold_MapsTasks_CountsUnknown_AndRejectsConflicts()
    {
        var set = AnnotationCsv.Read(new StringReader("task,worker,label\na,w,0\nb,w,1\n"), "l.csv");
        var gold = AnnotationCsv.ReadGold(new StringReader("task,label\nb,1\nzz,0\nb,1\n"), "g.csv", set, out var unknown);
        Assert.Equal([-1, 1], gold.Labels.ToArray());
        Assert.Equal(1, unknown);
        var ex = Assert.Throws<CsvFormatException>(() => AnnotationCsv.ReadGold(new StringReader("task,label\nb,1\nb,0\n"), "g.csv", set, out _));
        Assert.Equal("g.csv line 3: task 'b' already has gold label 1 (line 2); this line says 0.", ex.Message);
    }

    [Fact]
    public void WriteResults_WritesOneRowPerTask_WithQuotingAndDecisions()
    {
        var set = AnnotationCsv.Read(new StringReader("task,worker,label\n\"x,1\",w,0\nx2,w,1\nx2,v,0\n"), "l.csv");
        var result = new MajorityVote().Aggregate(set);
        var plain = new StringWriter();
        AnnotationCsv.WriteResults(plain, set, result);
        Assert.Equal("task,label,confidence\n\"x,1\",0,1\nx2,0,0.5\n", plain.ToString());
        var decided = new StringWriter();
        AnnotationCsv.WriteResults(decided, set, result, new ConsensusPolicy { AgreementThreshold = 0.75 }.Decide(set, result));
        Assert.Equal("task,label,confidence,decision\n\"x,1\",0,1,accepted\nx2,0,0.5,needs_review\n", decided.ToString());
    }
}
