// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using System.Text;
using TokenLabeling.Consensus.Agreement;

namespace TokenLabeling.Consensus.IO;

/// <summary>
/// Reads labels (<c>task,worker,label</c>) and gold answers (<c>task,label</c>) from CSV and writes aggregated labels
/// (<c>task,label,confidence[,decision]</c>).
/// </summary>
/// <remarks>
/// <para>The first row is a header; columns are found by name (case-insensitive, any order; other columns are ignored). Task and worker
/// ids are kept as text, labels must be integer class ids from 0. Fields may be quoted with <c>"</c> (a doubled quote inside stands
/// for one); blank lines are skipped. Every error names the source and its 1-based line.</para>
/// </remarks>
public static class AnnotationCsv
{
    /// <summary>Reads labels from CSV text with a <c>task,worker,label</c> header.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name used in error messages, e.g. the file name.</param>
    /// <param name="options">Class count and duplicate policy; <see langword="null"/> for <see cref="AnnotationSetOptions.Default"/>.</param>
    /// <returns>The set, with string task and worker ids in order of first appearance.</returns>
    /// <exception cref="CsvFormatException">The input is empty, lacks a column, has a short row, an empty id or a non-integer label.</exception>
    /// <exception cref="ArgumentException">A label is negative or beyond the class count, or a duplicate is rejected (the message names the line).</exception>
    public static AnnotationSet Read(TextReader reader, string sourceName, AnnotationSetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        var fields = new List<string>();
        var header = ReadHeader(reader, sourceName, fields, "task,worker,label");
        var taskColumn = Column(header, "task", sourceName);
        var workerColumn = Column(header, "worker", sourceName);
        var labelColumn = Column(header, "label", sourceName);
        var needed = Math.Max(taskColumn, Math.Max(workerColumn, labelColumn)) + 1;
        var builder = new AnnotationSetBuilder<string, string>();
        var lines = new List<int>();
        foreach (var lineNumber in DataRows(reader, sourceName, fields, header, needed))
        {
            var task = Id(fields[taskColumn], "task", sourceName, lineNumber);
            var worker = Id(fields[workerColumn], "worker", sourceName, lineNumber);
            var label = Label(fields[labelColumn], sourceName, lineNumber);
            builder.Add(task, worker, label);
            lines.Add(lineNumber);
        }

        if (builder.Count == 0)
        {
            throw new CsvFormatException(sourceName, 0, "has a header but no labels.");
        }

        return builder.Build(options, i => string.Create(CultureInfo.InvariantCulture, $"{sourceName} line {lines[i]}"));
    }

    /// <summary>Reads labels from a CSV file with a <c>task,worker,label</c> header.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Class count and duplicate policy; <see langword="null"/> for the defaults.</param>
    /// <returns>The set.</returns>
    /// <exception cref="CsvFormatException">The file is malformed (the message names file and line).</exception>
    /// <exception cref="ArgumentException">A label is out of range or a duplicate is rejected.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static AnnotationSet ReadFile(string path, AnnotationSetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        return Read(reader, Path.GetFileName(path), options);
    }

    /// <summary>Reads gold answers (<c>task,label</c>) for the tasks of a set.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name used in error messages.</param>
    /// <param name="annotations">The set the answers apply to (built by <see cref="Read"/>, with string task ids).</param>
    /// <param name="unknownTasks">The number of answers whose task is not in the set (ignored).</param>
    /// <returns>The gold labels.</returns>
    /// <exception cref="CsvFormatException">The input is malformed, a class is out of range, or a task has two different answers.</exception>
    /// <exception cref="InvalidOperationException">The set's task ids are not strings.</exception>
    public static GoldLabels ReadGold(TextReader reader, string sourceName, AnnotationSet annotations, out int unknownTasks)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(annotations);
        var ids = annotations.GetTaskIds<string>();
        var fields = new List<string>();
        var header = ReadHeader(reader, sourceName, fields, "task,label");
        var taskColumn = Column(header, "task", sourceName);
        var labelColumn = Column(header, "label", sourceName);
        var needed = Math.Max(taskColumn, labelColumn) + 1;
        var gold = new int[annotations.TaskCount];
        var goldLine = new int[annotations.TaskCount];
        Array.Fill(gold, -1);
        unknownTasks = 0;
        foreach (var lineNumber in DataRows(reader, sourceName, fields, header, needed))
        {
            var task = Id(fields[taskColumn], "task", sourceName, lineNumber);
            var label = Label(fields[labelColumn], sourceName, lineNumber);
            if (label >= annotations.ClassCount)
            {
                throw new CsvFormatException(sourceName, lineNumber, $"gold label {label} is outside the classes of the labels (0..{annotations.ClassCount - 1}).");
            }

            if (!ids.TryGetIndex(task, out var t))
            {
                unknownTasks++;
                continue;
            }

            if (gold[t] >= 0 && gold[t] != label)
            {
                throw new CsvFormatException(sourceName, lineNumber, $"task '{task}' already has gold label {gold[t]} (line {goldLine[t]}); this line says {label}.");
            }

            gold[t] = label;
            goldLine[t] = lineNumber;
        }

        return new GoldLabels(gold, annotations.ClassCount);
    }

    /// <summary>Reads gold answers (<c>task,label</c>) from a file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="annotations">The set the answers apply to.</param>
    /// <param name="unknownTasks">The number of answers whose task is not in the set.</param>
    /// <returns>The gold labels.</returns>
    /// <exception cref="CsvFormatException">The file is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static GoldLabels ReadGoldFile(string path, AnnotationSet annotations, out int unknownTasks)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ReadGold(reader, Path.GetFileName(path), annotations, out unknownTasks);
    }

    /// <summary>Writes <c>task,label,confidence</c> rows (plus <c>decision</c> when decisions are given), one per task in index order.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="annotations">The set (for the task ids).</param>
    /// <param name="result">The aggregation of that set.</param>
    /// <param name="decisions">One decision per task, or <see langword="null"/> to leave out the decision column.</param>
    /// <exception cref="ArgumentException">The result or the decisions do not match the set.</exception>
    /// <remarks>Confidence is the posterior of the chosen label with six decimals; decisions are <c>accepted</c> or <c>needs_review</c>;
    /// a task without a label gets an empty label field.</remarks>
    public static void WriteResults(TextWriter writer, AnnotationSet annotations, AggregationResult result, IReadOnlyList<ConsensusDecision>? decisions = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentNullException.ThrowIfNull(result);
        if (result.TaskCount != annotations.TaskCount)
        {
            throw new ArgumentException($"The result has {result.TaskCount} tasks; the set has {annotations.TaskCount}.", nameof(result));
        }

        if (decisions is not null && decisions.Count != annotations.TaskCount)
        {
            throw new ArgumentException($"{decisions.Count} decisions given for {annotations.TaskCount} tasks.", nameof(decisions));
        }

        writer.Write(decisions is null ? "task,label,confidence\n" : "task,label,confidence,decision\n");
        var sb = new StringBuilder();
        for (var t = 0; t < annotations.TaskCount; t++)
        {
            sb.Clear();
            AppendField(sb, annotations.TaskIds.Format(t));
            sb.Append(',');
            var label = result.Labels[t];
            if (label >= 0)
            {
                sb.Append(label.ToString(CultureInfo.InvariantCulture));
            }

            sb.Append(',');
            sb.Append(result.GetConfidence(t).ToString("0.######", CultureInfo.InvariantCulture));
            if (decisions is not null)
            {
                sb.Append(decisions[t].Outcome == ConsensusOutcome.Accepted ? ",accepted" : ",needs_review");
            }

            sb.Append('\n');
            writer.Write(sb);
        }
    }

    /// <summary>Reads the data lines after the header into <paramref name="fields"/>, one at a time, skipping blank lines.</summary>
    /// <returns>The 1-based line number of each data line, once its fields are in <paramref name="fields"/>.</returns>
    private static IEnumerable<int> DataRows(TextReader reader, string sourceName, List<string> fields, List<string> header, int needed)
    {
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Split(line, fields, sourceName, lineNumber);
            if (fields.Count < needed)
            {
                throw new CsvFormatException(sourceName, lineNumber, $"expected {header.Count} fields ({string.Join(",", header)}), found {fields.Count}.");
            }

            yield return lineNumber;
        }
    }

    private static List<string> ReadHeader(TextReader reader, string sourceName, List<string> fields, string expected)
    {
        string? line;
        var lineNumber = 0;
        do
        {
            line = reader.ReadLine();
            lineNumber++;
        }
        while (line is not null && string.IsNullOrWhiteSpace(line) && lineNumber < 2);

        if (line is null || string.IsNullOrWhiteSpace(line))
        {
            throw new CsvFormatException(sourceName, 0, $"is empty; expected a header row '{expected}'.");
        }

        if (lineNumber > 1)
        {
            throw new CsvFormatException(sourceName, 1, $"is blank; expected a header row '{expected}'.");
        }

        Split(line.TrimStart('\uFEFF'), fields, sourceName, 1);
        return [.. fields.Select(f => f.ToLowerInvariant())];
    }

    private static int Column(List<string> header, string name, string sourceName)
    {
        var index = header.IndexOf(name);
        return index >= 0
            ? index
            : throw new CsvFormatException(sourceName, 1, $"missing column '{name}' (the header is '{string.Join(",", header)}').");
    }

    private static string Id(string field, string what, string sourceName, int line) =>
        field.Length > 0 ? field : throw new CsvFormatException(sourceName, line, $"the {what} id is empty.");

    private static int Label(string field, string sourceName, int line)
    {
        if (!int.TryParse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var label))
        {
            throw new CsvFormatException(sourceName, line, $"label '{field}' is not an integer class id.");
        }

        return label >= 0 ? label : throw new CsvFormatException(sourceName, line, $"label {label} is negative; labels are class ids from 0.");
    }

    /// <summary>Splits one line into fields: commas separate, double quotes quote, surrounding spaces of unquoted fields are trimmed.</summary>
    private static void Split(string line, List<string> fields, string sourceName, int lineNumber)
    {
        fields.Clear();
        var i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new CsvFormatException(sourceName, lineNumber, "a quoted field is not closed (fields may not span lines).");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    sb.Append(line[i++]);
                }

                fields.Add(sb.ToString());
                while (i < line.Length && line[i] == ' ')
                {
                    i++;
                }

                if (i < line.Length && line[i] != ',')
                {
                    throw new CsvFormatException(sourceName, lineNumber, "unexpected text after a quoted field.");
                }
            }
            else
            {
                var comma = line.IndexOf(',', i);
                var end = comma < 0 ? line.Length : comma;
                fields.Add(line[i..end].Trim());
                i = end;
            }

            if (i >= line.Length)
            {
                return;
            }

            i++; // the comma
        }
    }

    private static void AppendField(StringBuilder sb, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\n\r") < 0)
        {
            sb.Append(value);
            return;
        }

        sb.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
