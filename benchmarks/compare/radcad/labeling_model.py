"""The TokenLabeling benchmark model written for radCAD, to compare throughput on the same model.

Model (identical to TokenLabeling.Benchmarks.Simulation.SimulationBenchmarks):
  1,000 honest workers with skill uniform in [0.6, 0.9]; per timestep 1,000 items with a uniform truth over 4 classes;
  5 distinct workers per item drawn uniformly; a worker labels correctly with probability equal to its skill, otherwise
  a uniformly chosen wrong class; plurality vote (ties: lowest class); +1 token per label that agrees with the plurality,
  -0.5 token of stake otherwise (capped at the balance), in exact integer base units (1 token = 1,000,000 units).

The policy is vectorised with numpy (one call per timestep handles all 5,000 label events). radCAD has no seed setting,
so each run's numpy Generator is created from the run index inside the model's initial state.

Run with radCAD's source on PYTHONPATH, e.g.:
  PYTHONPATH=/path/to/radCAD python3 benchmarks/compare/radcad/labeling_model.py --timesteps 100 --runs 2
"""

import argparse
import json
import os
import sys
import time
import typing

# radCAD imports Protocol from typing_extensions; Python 3.8+ has it in typing, so fall back when the backport is absent.
try:
    import typing_extensions  # noqa: F401
except ImportError:
    sys.modules["typing_extensions"] = typing

import numpy as np

WORKERS = 1_000
TASKS = 1_000
PER_TASK = 5
CLASSES = 4
UNIT = 1_000_000
REWARD = 1 * UNIT
SLASH = UNIT // 2


def initial_state(run_seed):
    rng = np.random.default_rng(run_seed)
    return {
        "rng": rng,
        "skill": rng.uniform(0.6, 0.9, WORKERS),
        "balance": np.full(WORKERS, 1_000 * UNIT, dtype=np.int64),
        "correct_items": 0,
    }


def p_label_and_settle(params, substep, state_history, previous_state):
    rng = previous_state["rng"]
    skill = previous_state["skill"]
    balance = previous_state["balance"]
    truth = rng.integers(0, CLASSES, TASKS)
    workers = rng.integers(0, WORKERS, (TASKS, PER_TASK))
    # Redraw duplicate workers within an item until all five are distinct (about 1% of items need it).
    while True:
        s = np.sort(workers, axis=1)
        dup = (s[:, 1:] == s[:, :-1]).any(axis=1)
        if not dup.any():
            break
        workers[dup] = rng.integers(0, WORKERS, (int(dup.sum()), PER_TASK))
    correct = rng.random((TASKS, PER_TASK)) < skill[workers]
    wrong = (truth[:, None] + 1 + rng.integers(0, CLASSES - 1, (TASKS, PER_TASK))) % CLASSES
    labels = np.where(correct, truth[:, None], wrong)
    votes = (labels[:, :, None] == np.arange(CLASSES)).sum(axis=1)
    consensus = votes.argmax(axis=1)  # lowest class wins ties
    coherent = labels == consensus[:, None]
    flat_workers = workers.ravel()
    slash = np.minimum(SLASH, balance[flat_workers])
    delta = np.where(coherent.ravel(), REWARD, -slash)
    change = np.zeros(WORKERS, dtype=np.int64)
    np.add.at(change, flat_workers, delta)
    return {"balance_change": change, "correct": int((consensus == truth).sum())}


def s_balance(params, substep, state_history, previous_state, policy_input):
    return "balance", previous_state["balance"] + policy_input["balance_change"]


def s_correct(params, substep, state_history, previous_state, policy_input):
    return "correct_items", previous_state["correct_items"] + policy_input["correct"]


def run(timesteps, runs, backend_name, deepcopy, processes):
    from radcad import Backend, Engine, Experiment, Model, Simulation

    blocks = [{"policies": {"label": p_label_and_settle}, "variables": {"balance": s_balance, "correct_items": s_correct}}]
    simulations = []
    for r in range(runs):
        model = Model(initial_state=initial_state(r), state_update_blocks=blocks, params={})
        simulations.append(Simulation(model=model, timesteps=timesteps, runs=1))
    backend = {"single": Backend.SINGLE_PROCESS, "multiprocessing": Backend.MULTIPROCESSING, "pathos": Backend.PATHOS}[backend_name]
    experiment = Experiment(simulations)
    experiment.engine = Engine(backend=backend, deepcopy=deepcopy, drop_substeps=True, processes=processes)
    start = time.perf_counter()
    cpu_start = time.process_time()
    results = experiment.run()
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    events = runs * timesteps * TASKS * PER_TASK
    return {
        "tool": "radCAD",
        "backend": backend_name,
        "deepcopy": deepcopy,
        "runs": runs,
        "timesteps": timesteps,
        "rows": len(results),
        "seconds": round(elapsed, 3),
        "label_events_per_second": events / elapsed,
        # CPU time of this process only (worker processes of parallel backends are not counted); useful on a shared machine.
        "label_events_per_cpu_second": events / cpu if backend_name == "single" else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timesteps", type=int, default=100)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--backend", choices=["single", "multiprocessing", "pathos"], default="single")
    parser.add_argument("--deepcopy", action="store_true", help="radCAD's default: copy the state every substep")
    parser.add_argument("--processes", type=int, default=os.cpu_count())
    args = parser.parse_args()
    print(json.dumps(run(args.timesteps, args.runs, args.backend, args.deepcopy, args.processes)))


if __name__ == "__main__":
    main()
