#!/usr/bin/env python3
"""Times crowd-kit and tokenlabel on the same synthetic files, in the same run, and prints a markdown table with ratios.

usage: python3 benchmarks/compare/compare_crowdkit.py [--crowdkit DIR] [--generator gen_synthetic.py] [--ds-tasks 100000] [--mv-tasks 2000000] [--repeat 5]

Generates the files with ../shared/tools/gen_synthetic.py (K = 4 classes, 5 labels per task, 1000 workers, seed 1) into a
temporary folder, then for each workload:
  * crowd-kit: pandas.read_csv (not timed), then fit_predict timed once (wall: perf_counter; CPU: process_time);
  * tokenlabel: `tokenlabel aggregate ... --timing --repeat N` (CSV parsing not timed; fastest of N in-process runs, wall and CPU,
    each after a full garbage collection), started SETTLE_SECONDS after the crowd-kit run.
CPU time is printed beside wall time because the machine is shared: under load, wall time measures the queue as much as the code.
Dawid-Skene runs exactly 100 EM iterations in both (crowd-kit: n_iter=100, tol=-1; tokenlabel: --iterations 100 --tolerance -1).
The crowd-kit checkout is used as is (PYTHONPATH); its optional text-embedding module imports nltk, which the
classification models do not need, so an empty stand-in module is registered when nltk is absent.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import types

# Before each tokenlabel run: on this VM the kernel's reclaim of the memory crowd-kit (pandas) just freed runs on the same two
# cores, and the 10M-label majority vote that followed it immediately took about 2x its time in a quiet moment.
SETTLE_SECONDS = 3

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI_DLL = os.path.join(ROOT, "artifacts", "bin", "TokenLabeling.Cli", "release", "tokenlabel.dll")
READ_BANDWIDTH = 30e9  # bytes/s, this machine's measured read bandwidth


def load_crowdkit(path):
    sys.path.insert(0, path)
    try:
        import nltk  # noqa: F401
    except ImportError:
        for name in ["nltk", "nltk.translate", "nltk.translate.gleu_score"]:
            sys.modules[name] = types.ModuleType(name)
        sys.modules["nltk"].translate = sys.modules["nltk.translate"]
        sys.modules["nltk.translate"].gleu_score = sys.modules["nltk.translate.gleu_score"]
    from crowdkit.aggregation import DawidSkene, MajorityVote
    return DawidSkene, MajorityVote


def generate(gen, out, tasks, seed=1):
    subprocess.run([sys.executable, gen, "--tasks", str(tasks), "--workers", "1000", "--classes", "4", "--per-task", "5",
                    "--seed", str(seed), "--out", out], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(out, "labels.csv"), os.path.join(out, "gold.csv")


def ours(method, labels, gold, out, repeat, extra=()):
    time.sleep(SETTLE_SECONDS)
    cmd = ["dotnet", CLI_DLL, "aggregate", "--method", method, "--input", labels, "--gold", gold, "--output", out,
           "--timing", "--repeat", str(repeat), *extra]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    ms = float(re.search(r"time: ([0-9.]+) ms", text).group(1))
    cpu_ms = float(re.search(r"CPU time ([0-9.]+) ms", text).group(1))
    acc = float(re.search(r"accuracy: ([0-9.]+)", text).group(1))
    return ms / 1000, cpu_ms / 1000, acc


def timed(fn):
    """Runs fn once; returns (result, wall seconds, CPU seconds of this process)."""
    w, c = time.perf_counter(), time.process_time()
    r = fn()
    return r, time.perf_counter() - w, time.process_time() - c


def accuracy(pred, gold_path):
    import pandas as pd
    gold = pd.read_csv(gold_path).set_index("task")["label"]
    joined = gold.to_frame("gold").join(pred.rename("pred"), how="inner")
    return float((joined["gold"] == joined["pred"]).mean())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--crowdkit", default=os.path.join(ROOT, "..", "peers", "crowd-kit"))
    ap.add_argument("--generator", default=os.path.join(ROOT, "..", "shared", "tools", "gen_synthetic.py"))
    ap.add_argument("--ds-tasks", type=int, default=100_000)
    ap.add_argument("--mv-tasks", type=int, default=2_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()

    import pandas as pd
    DawidSkene, MajorityVote = load_crowdkit(a.crowdkit)
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "TokenLabeling.Cli"), "-c", "Release", "-v", "q", "-nologo"],
                   check=True, stdout=subprocess.DEVNULL)
    rows = []
    with tempfile.TemporaryDirectory(prefix="tokenlabel-compare-") as tmp:
        ds_dir = os.path.join(tmp, "ds")
        labels, gold = generate(a.generator, ds_dir, a.ds_tasks)
        df = pd.read_csv(labels)
        n = len(df)
        ck, ck_s, ck_cpu = timed(lambda: DawidSkene(n_iter=100, tol=-1).fit_predict(df))
        ck_acc = accuracy(ck, gold)
        our_s, our_cpu, our_acc = ours("ds", labels, gold, os.path.join(tmp, "ds.csv"), a.repeat, ["--iterations", "100", "--tolerance", "-1"])
        per_iter = our_s / 101  # 100 fused E/M passes + the final E pass
        # Bytes each fused pass streams from memory: one row offset per label (4 B) and, counted although grouped tasks need
        # none, task offsets (4 B/task). The K x K tables (1000 workers x 16 doubles, with each block's statistics interleaved)
        # stay in L2, and posteriors are only written by the final pass.
        bound = (4 * n + 4 * (a.ds_tasks + 1)) / READ_BANDWIDTH
        rows.append((f"Dawid-Skene, 100 iterations, {a.ds_tasks:,} tasks x 5 labels x 4 classes ({n:,} labels)",
                     ck_s, our_s, ck_cpu, our_cpu, ck_acc, our_acc,
                     f"{per_iter * 1e3:.3f} ms/iteration; bound {bound * 1e3:.3f} ms (bytes read / 30 GB/s); {per_iter / bound:.1f}x the bound"))

        ck, ck_s, ck_cpu = timed(lambda: MajorityVote().fit_predict(df))
        our_s, our_cpu, our_acc = ours("mv", labels, gold, os.path.join(tmp, "mv.csv"), a.repeat)
        rows.append((f"majority vote, {n:,} labels", ck_s, our_s, ck_cpu, our_cpu, accuracy(ck, gold), our_acc, f"{n / our_s / 1e9:.2f} G labels/s"))
        del df

        if a.mv_tasks > 0:
            mv_dir = os.path.join(tmp, "mv")
            labels, gold = generate(a.generator, mv_dir, a.mv_tasks)
            df = pd.read_csv(labels)
            n = len(df)
            ck, ck_s, ck_cpu = timed(lambda: MajorityVote().fit_predict(df))
            ck_acc = accuracy(ck, gold)
            del df
            our_s, our_cpu, our_acc = ours("mv", labels, gold, os.path.join(tmp, "mv-large.csv"), a.repeat)
            rows.append((f"majority vote, {n:,} labels", ck_s, our_s, ck_cpu, our_cpu, ck_acc, our_acc, f"{n / our_s / 1e9:.2f} G labels/s"))

    print(f"machine: {os.cpu_count()} cores; load average at the end {os.getloadavg()[0]:.1f}")
    print()
    print("| workload | crowd-kit wall | tokenlabel wall | speed-up (wall) | crowd-kit CPU | tokenlabel CPU | speed-up (CPU) | accuracy crowd-kit / ours | notes |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|")
    for name, ck_s, our_s, ck_cpu, our_cpu, ck_acc, our_acc, note in rows:
        print(f"| {name} | {ck_s:.2f} s | {our_s * 1e3:.1f} ms | {ck_s / our_s:,.0f}x | {ck_cpu:.2f} s | {our_cpu * 1e3:.1f} ms | "
              f"{ck_cpu / max(our_cpu, 1e-4):,.0f}x | {ck_acc:.4f} / {our_acc:.4f} | {note} |")


if __name__ == "__main__":
    main()
