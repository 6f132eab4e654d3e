#!/usr/bin/env python3
"""Times the truth-inference models of TokenLabeling.Consensus.Models against crowd-kit on the same synthetic file.

Usage (from the repository root):

    python3 /work/shared/tools/gen_synthetic.py --tasks 100000 --workers 1000 --classes 4 --per-task 5 --seed 1 --out /tmp/synth4
    python3 /work/shared/tools/gen_synthetic.py --tasks 100000 --workers 1000 --classes 2 --per-task 5 --seed 1 --out /tmp/synth2
    PYTHONPATH=/path/to/crowd-kit python3 benchmarks/compare/compare_models.py crowdkit \
        --data /tmp/synth4 --binary-data /tmp/synth2 --methods wawa,zbs,onecoin-ds,kos --json /tmp/crowdkit.json
    TOKENLABELING_SYNTHETIC=/tmp/synth4 TOKENLABELING_SYNTHETIC_BINARY=/tmp/synth2 \
        dotnet run -c Release --project benchmarks/TokenLabeling.Benchmarks -- --filter '*ModelBenchmarks*'
    python3 benchmarks/compare/compare_models.py report --json /tmp/crowdkit.json \
        --ours BenchmarkDotNet.Artifacts/results/TokenLabeling.Benchmarks.Models.ModelBenchmarks-report.csv \
        --out benchmarks/results/Models.md

`crowdkit` runs each crowd-kit model once on the labels (CSV loading excluded, as in REFERENCE.md) and records wall time, peak
resident memory of the process so far, and accuracy on gold.csv. `report` joins those times with the BenchmarkDotNet means of our
side and writes a markdown table with the speed-up. Methods crowd-kit cannot finish here (glad, mace need ~10 GB and minutes;
mmsr asks for hundreds of GiB) are taken from REFERENCE.md unless given with --methods, and the table says which is which.

Only the standard library, numpy and pandas are needed besides crowd-kit itself. crowd-kit imports nltk for modules these
timings never touch (text and embedding aggregation, agreement metrics); when nltk is absent, empty placeholder modules are
registered so that the classification models import.
"""
import argparse
import csv
import json
import resource
import sys
import time
import types

# Seconds on the 500k-label synthetic file, from REFERENCE.md ("Reference speed"), for models too costly to re-run here.
REFERENCE_SECONDS = {"wawa": 1.15, "onecoin-ds": 3.41, "zbs": 50.2, "mace": 132.0, "glad": 308.0, "mmsr": None}


def _stub_nltk():
    try:
        import nltk  # noqa: F401
        return
    except ImportError:
        pass
    for name in ["nltk", "nltk.translate", "nltk.translate.gleu_score", "nltk.metrics", "nltk.metrics.agreement", "nltk.metrics.distance"]:
        module = types.ModuleType(name)
        sys.modules[name] = module
    sys.modules["nltk.metrics.agreement"].AnnotationTask = object
    sys.modules["nltk.metrics.distance"].binary_distance = lambda a, b: float(a != b)


def _crowdkit_model(name):
    _stub_nltk()
    from crowdkit import aggregation as a
    return {
        "wawa": lambda: a.Wawa(),
        "zbs": lambda: a.ZeroBasedSkill(n_iter=100),
        "onecoin-ds": lambda: a.OneCoinDawidSkene(n_iter=100),
        "ds": lambda: a.DawidSkene(n_iter=100, tol=0.0),
        "glad": lambda: a.GLAD(n_iter=100),
        "mace": lambda: a.MACE(),
        "mmsr": lambda: a.MMSR(n_iter=100),
        "kos": lambda: a.KOS(n_iter=100),
    }[name]()


def run_crowdkit(args):
    import pandas as pd

    results = {}
    for method in [m for m in args.methods.split(",") if m]:
        folder = args.binary_data if method == "kos" else args.data
        labels = pd.read_csv(f"{folder}/labels.csv")
        gold = pd.read_csv(f"{folder}/gold.csv").set_index("task")["label"]
        model = _crowdkit_model(method)
        start = time.perf_counter()
        predicted = model.fit_predict(labels)
        seconds = time.perf_counter() - start
        accuracy = float((predicted.reindex(gold.index) == gold).mean())
        peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
        results[method] = {"seconds": seconds, "accuracy": accuracy, "peak_rss_gib_so_far": peak_gib, "labels": len(labels), "data": folder}
        print(f"crowd-kit {method}: {seconds:.2f} s, accuracy {accuracy:.4f}, peak RSS so far {peak_gib:.2f} GiB", flush=True)
    with open(args.json, "w") as f:
        json.dump(results, f, indent=2)


def _ours_seconds(path):
    """Reads the BenchmarkDotNet CSV report: Method -> median seconds (the median resists the load spikes of a shared machine).

    Reports without a Median column (BenchmarkDotNet leaves it out in some runs) give the mean. When the report holds several
    jobs (the class's own job plus `--job short`), the ShortRun rows win."""
    units = {"ns": 1e-9, "us": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0}
    means = {}
    with open(path, newline="", encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda row: row.get("Job") == "ShortRun")
        for row in rows:
            value, unit = (row.get("Median") or row["Mean"]).replace(",", "").split()
            means[row["Method"].lower()] = float(value) * units[unit]
    return means


def report(args):
    measured = {}
    for path in args.json.split(","):
        with open(path) as f:
            measured.update(json.load(f))  # later files win: pass the session closest to our run last
    ours = _ours_seconds(args.ours)
    lines = [
        "# Truth-inference models: TokenLabeling vs crowd-kit",
        "",
        "500,000 labels: 100,000 tasks × 5 labels, 1,000 workers, 4 classes (KOS: the same shape with 2 classes), from",
        "`gen_synthetic.py --tasks 100000 --workers 1000 --classes 4 --per-task 5 --seed 1` (`--classes 2` for KOS).",
        "Ours: BenchmarkDotNet median of `Aggregate` on a prebuilt `AnnotationSet` (100 iterations, tolerance 0, where iterative).",
        "crowd-kit: `fit_predict` wall time, CSV loading excluded, one run; *measured* = in the same session as ours,",
        "*REFERENCE.md* = the figure listed there (not re-run: too slow or too large for this shared machine).",
        "",
        "Calibration: crowd-kit figures measured here against the same figures in REFERENCE.md show how much slower this",
        "shared machine was during the session; ratios against REFERENCE.md figures are therefore conservative.",
        "",
        "| crowd-kit method | measured here | REFERENCE.md | slow-down of this session |",
        "|---|---:|---:|---:|",
    ]
    for method in ["wawa", "zbs", "onecoin-ds"]:
        if method in measured and REFERENCE_SECONDS.get(method):
            m = measured[method]["seconds"]
            lines.append(f"| {method} | {m:.2f} s | {REFERENCE_SECONDS[method]:.2f} s | {m / REFERENCE_SECONDS[method]:.1f}× |")
    lines += [
        "",
        "| method | ours | crowd-kit | source of crowd-kit time | speed-up | crowd-kit accuracy on gold |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for method in ["wawa", "zbs", "glad", "mace", "mmsr", "kos"]:
        if method not in ours:
            continue
        if method in measured:
            theirs, source, acc = measured[method]["seconds"], "measured", f"{measured[method]['accuracy']:.4f}"
        else:
            theirs, source, acc = REFERENCE_SECONDS.get(method), "REFERENCE.md", "–"
        if theirs is None:
            lines.append(f"| {method} | {ours[method] * 1e3:.1f} ms | fails | REFERENCE.md (allocates 798 GiB) | ∞ | – |")
        else:
            lines.append(f"| {method} | {ours[method] * 1e3:.1f} ms | {theirs:.2f} s | {source} | {theirs / ours[method]:.0f}× | {acc} |")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    ck = sub.add_parser("crowdkit", help="time crowd-kit models")
    ck.add_argument("--data", required=True)
    ck.add_argument("--binary-data", required=True)
    ck.add_argument("--methods", default="wawa,zbs,onecoin-ds,kos")
    ck.add_argument("--json", required=True)
    rp = sub.add_parser("report", help="join with BenchmarkDotNet results")
    rp.add_argument("--json", required=True, help="comma-separated crowd-kit result files; later ones win")
    rp.add_argument("--ours", required=True)
    rp.add_argument("--out", required=True)
    args = parser.parse_args()
    run_crowdkit(args) if args.command == "crowdkit" else report(args)


if __name__ == "__main__":
    main()
