// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using System.Globalization;
using TokenLabeling.Consensus.Geometry;
using TokenLabeling.Consensus.Geometry.Kernels;

namespace TokenLabeling.Cli.Commands;

/// <summary><c>tokenlabel iou</c>: the N × M IoU (or GIoU) matrix of two CSV files of boxes.</summary>
internal sealed class IouCommand : ICliCommand
{
    public string Name => "iou";

    public string Summary => "Pairwise IoU matrix of two box lists (CSV x1,y1,x2,y2).";

    public string Usage => """
        usage: tokenlabel iou --a <boxes_a.csv> --b <boxes_b.csv> [--output <matrix.csv>] [--giou]

          --a <file>        N boxes, one per row: x1,y1,x2,y2 (left, top, right, bottom, in pixels);
                            an optional first header row 'x1,y1,x2,y2'
          --b <file>        M boxes, same layout
          --output <file>   write the N × M matrix as CSV (row i = box i of --a); written atomically.
                            Without it the matrix is printed.
          --giou            generalized IoU instead of IoU

        Values are float32, printed round-trip exactly. Exit code 2 on bad input, naming the file and row.
        """;

    public int Run(CommandLineOptions options, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        var aPath = options.Required("a");
        var bPath = options.Required("b");
        var output = options.Optional("output");
        var giou = options.Has("giou");
        options.ThrowOnUnknown();

        var a = ReadBoxes(aPath);
        var b = ReadBoxes(bPath);
        if ((long)a.Count * b.Count > Array.MaxLength)
        {
            throw new CliException($"{a.Count} × {b.Count} pairs are too many for one matrix.");
        }

        var matrix = giou ? BoxKernels.GiouMatrix(a, b) : BoxKernels.IouMatrix(a, b);
        if (output is null)
        {
            WriteMatrix(stdout, matrix, a.Count, b.Count);
        }
        else
        {
            AtomicFile.Write(output, w => WriteMatrix(w, matrix, a.Count, b.Count));
            stdout.WriteLine($"wrote the {a.Count} × {b.Count} {(giou ? "GIoU" : "IoU")} matrix to {output}");
        }

        return CliApp.Ok;
    }

    private static void WriteMatrix(TextWriter writer, float[] matrix, int n, int m)
    {
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < m; j++)
            {
                if (j > 0)
                {
                    writer.Write(',');
                }

                writer.Write(matrix[(i * m) + j].ToString("R", CultureInfo.InvariantCulture));
            }

            writer.WriteLine();
        }
    }

    /// <summary>Reads x1,y1,x2,y2 rows; any problem is reported with the file and 1-based line number.</summary>
    internal static BoxSet ReadBoxes(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"{path}: file not found.");
        }

        var boxes = new List<Box>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            var row = text.Trim();
            if (row.Length == 0)
            {
                continue;
            }

            var fields = row.Split(',');
            if (line == 1 && fields.Length == 4 && fields.Select(f => f.Trim()).SequenceEqual(["x1", "y1", "x2", "y2"]))
            {
                continue;
            }

            if (fields.Length != 4)
            {
                throw new CliException($"{path} row {line}: expected 4 comma-separated numbers x1,y1,x2,y2, found {fields.Length} fields.");
            }

            var v = new float[4];
            for (var k = 0; k < 4; k++)
            {
                if (!float.TryParse(fields[k].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v[k]) || !float.IsFinite(v[k]))
                {
                    throw new CliException($"{path} row {line}: field {k + 1} ('{fields[k].Trim()}') is not a finite number.");
                }
            }

            try
            {
                _ = BoxSet.FromBoxes([new Box(v[0], v[1], v[2], v[3])]);
            }
            catch (ArgumentException)
            {
                throw new CliException($"{path} row {line}: the box ({fields[0]}, {fields[1]}, {fields[2]}, {fields[3]}) needs x1 <= x2 and y1 <= y2 and coordinates within ±{BoxSet.MaxCoordinate:G3}.");
            }

            boxes.Add(new Box(v[0], v[1], v[2], v[3]));
        }

        return BoxSet.FromBoxes(boxes.ToArray());
    }
}
