// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

using TokenLabeling.Consensus;

namespace TokenLabeling.Benchmarks.Consensus;

/// <summary>
/// Seeded synthetic label sets from the Dawid-Skene generative model (as ../shared/tools/gen_synthetic.py: skills uniform in
/// [0.55, 0.95], 10% spammers, distinct workers per task), generated in-process so the benchmarks need no files.
/// </summary>
internal static class SyntheticLabels
{
    public static AnnotationSet Create(int tasks, int workers, int classes, int perTask, int seed)
    {
        var rng = new Random(seed);
        var confusion = new double[workers, classes, classes];
        for (var w = 0; w < workers; w++)
        {
            var spammer = rng.NextDouble() < 0.1;
            var skill = 0.55 + (0.4 * rng.NextDouble());
            var spam = Dirichlet(rng, classes);
            for (var c = 0; c < classes; c++)
            {
                var noise = Dirichlet(rng, classes);
                for (var l = 0; l < classes; l++)
                {
                    confusion[w, c, l] = spammer ? spam[l] : (skill * (c == l ? 1 : 0)) + ((1 - skill) * noise[l]);
                }
            }
        }

        var prior = Dirichlet(rng, classes);
        var taskColumn = new int[tasks * perTask];
        var workerColumn = new int[tasks * perTask];
        var labelColumn = new int[tasks * perTask];
        var chosen = new HashSet<int>();
        for (var t = 0; t < tasks; t++)
        {
            var truth = Sample(rng, prior);
            chosen.Clear();
            for (var r = 0; r < perTask; r++)
            {
                int w;
                do
                {
                    w = rng.Next(workers);
                }
                while (!chosen.Add(w));

                var i = (t * perTask) + r;
                taskColumn[i] = t;
                workerColumn[i] = w;
                var u = rng.NextDouble();
                var l = 0;
                for (var cdf = confusion[w, truth, 0]; u > cdf && l < classes - 1; cdf += confusion[w, truth, ++l])
                {
                }

                labelColumn[i] = l;
            }
        }

        return AnnotationSet.FromIndices(taskColumn, workerColumn, labelColumn, new AnnotationSetOptions { ClassCount = classes }, tasks, workers);
    }

    private static double[] Dirichlet(Random rng, int k)
    {
        // Dirichlet(1, ..., 1): normalised exponentials.
        var x = new double[k];
        var sum = 0.0;
        for (var i = 0; i < k; i++)
        {
            x[i] = -Math.Log(1 - rng.NextDouble());
            sum += x[i];
        }

        for (var i = 0; i < k; i++)
        {
            x[i] /= sum;
        }

        return x;
    }

    private static int Sample(Random rng, double[] p)
    {
        var u = rng.NextDouble();
        var c = 0;
        for (var cdf = p[0]; u > cdf && c < p.Length - 1; cdf += p[++c])
        {
        }

        return c;
    }
}
