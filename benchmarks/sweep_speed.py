"""Sweep speed: runner overhead per run, and runs per minute with 1 and 2 workers.

Run::

    .venv/bin/python benchmarks/sweep_speed.py            # county scale, ~3-4 min on 2 cores
    .venv/bin/python benchmarks/sweep_speed.py --quick    # smaller, ~1-2 min

Prints ``name: value`` lines:

- ``sweep_s_per_run_jobs1``: CPU time per run of a whole sweep with ``--jobs 1``
  (``runs_per_sweep`` runs: design, run plan, claiming the directory,
  manifest, every run, storing each result: part file, run table; compaction
  and ``runs.csv`` at the end), all inline in this process, so every cost is
  counted;
- ``model_s_per_run``: CPU time per run of the *bare model runs* inside that
  sweep: the time spent in :func:`sim.runner.run_one`, which builds the model,
  runs it and takes its per-step table (``CooperationModel(rng=seed,
  **params)``, ``run_for(steps)``, ``datacollector.get_model_vars_dataframe()``
  plus a ``step`` column), timed around each call of the sweep's own runs;
  ``model_alone_s_per_run`` the same runs done in a plain loop outside any
  sweep (build, run, ``get_model_vars_dataframe()``), for comparison: it
  differs from ``model_s_per_run`` by the machine's noise, a few percent;
- ``runner_overhead_pct``: ``(sweep - model) / model`` in CPU time, percent
  (target < 5): everything the sweep does besides the model runs, on the same
  runs at the same moment, so the model's run-to-run noise cancels;
  ``runner_overhead_ms_per_run`` the same difference in milliseconds per run
  (what stays when the model gets faster); ``runner_overhead_wall_pct`` the
  same in wall time;
- ``sweep_fixed_s``: what a sweep pays once whatever its size (planning,
  claiming, manifest, metadata, closing the store): the overhead of a one-run
  sweep; it is in the overhead above, spread over ``runs_per_sweep`` runs;
- ``store_ms_per_run``: storing one result (part file, run-table rows, its share
  of the compaction), timed alone: the part of the overhead that does not
  shrink with load;
- ``sweep_runs_per_s_per_core``: runs per second per core of that sweep (CPU time);
- ``runs_per_min_1_worker`` / ``runs_per_min_2_workers``: throughput through a
  process pool of 1 and of 2 workers, ``pool_runs_per_s_per_core``, and
  ``speedup_2_vs_1`` (target >= 1.8), the median of the per-round ratios;
  ``parent_cpu_ms_per_run``: CPU time of the process that stores the results
  (all its threads), per run, with 2 workers: what it takes from the two cores
  the workers need. The pools are process pools (``ProcessPoolExecutor``) given to
  :func:`sim.runner.execute`: their workers write their own part files, as
  ``--jobs N`` workers do, and this process records each run and compacts.

Overhead is measured in CPU time of this process (``time.process_time``), so
other load on the machine does not distort it; throughput is wall time.
Pool start-up is excluded: both pools are started and warmed (every worker has
imported the model and run a tiny model) before the clock starts, because a
real sweep pays it once per thousands of runs. Model and sweep timings, and
1- and 2-worker throughput, are interleaved in rounds and the median round is
reported, so load from elsewhere on the machine hits both alike. Run it on an
otherwise idle machine: with other processes busy a second worker finds no free
core, and ``speedup_2_vs_1`` says more about the load than about the runner
(``load_average_at_start`` / ``_at_end`` are printed for that).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import io
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.model import CooperationModel  # noqa: E402
from sim.runner import execute, run_one  # noqa: E402
from sim.store import RunStore  # noqa: E402
from sim.sweep.designs import build_design  # noqa: E402
from sim.sweep.executors import ExecutorChoice  # noqa: E402
from sim.sweep.experiment import parse_experiment  # noqa: E402
from sim.sweep.run import plan_runs, run_sweep  # noqa: E402


def experiment(points: int, replicates: int, enterprises: int, steps: int, seed: int = 1):
    """A grid over audit probability at county scale (the ruian-status-quo size)."""
    values = [round(0.4 * i / max(1, points - 1), 6) for i in range(points)]
    return parse_experiment({
        "title": "benchmark", "steps": steps, "replicates": replicates, "seed": seed,
        "fixed": {"n_enterprises": enterprises, "subsidy_per_content_step": 1.0,
                  "subsidy_budget_per_year": 5000.0},
        "vary": {"audit_prob_per_step": {"values": values}},
    }, path="benchmark")


def model_time(specs) -> tuple[float, float]:
    """(CPU, wall) seconds for the model alone to do the runs of ``specs``."""
    start, wall = time.process_time(), time.perf_counter()
    for spec in specs:
        model = CooperationModel(rng=spec.seed, **spec.params)
        model.run_for(spec.steps)
        model.datacollector.get_model_vars_dataframe()
    return time.process_time() - start, time.perf_counter() - wall


#: (CPU, wall) seconds spent inside run_one by :func:`timed_run_one` so far.
_IN_MODEL = [0.0, 0.0]


def timed_run_one(params, seed, steps):
    """:func:`sim.runner.run_one`, adding its CPU and wall time to :data:`_IN_MODEL`."""
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        return run_one(params, seed, steps)
    finally:
        _IN_MODEL[0] += time.process_time() - cpu
        _IN_MODEL[1] += time.perf_counter() - wall


def sweep_time(exp, directory: Path) -> tuple[float, float, float, float]:
    """``python -m sim sweep --jobs 1 --no-analyze`` on ``exp``: (CPU, wall) seconds of the
    whole sweep, then (CPU, wall) seconds of it spent in its runs' ``run_one``."""
    _IN_MODEL[:] = [0.0, 0.0]
    start, wall = time.process_time(), time.perf_counter()
    run_sweep(exp, directory, ExecutorChoice(jobs=1), progress=False, stream=io.StringIO(),
              worker=timed_run_one)
    return (time.process_time() - start, time.perf_counter() - wall, *_IN_MODEL)


def store_time(specs, directory: Path) -> float:
    """Seconds per run the parent spends storing a result (part file, run table, compaction)."""
    frame = run_one(specs[0].params, specs[0].seed, specs[0].steps)
    store = RunStore(directory)
    store.open_batch(specs)
    start = time.perf_counter()
    for spec in specs:
        store.record(spec, "running")
        store.write_result(spec, frame)
        store.record(spec, "done")
    with store.running():
        store.compact()
    store.flush()
    return (time.perf_counter() - start) / len(specs)


def _warm(_: int) -> int:
    CooperationModel(rng=0, n_enterprises=20, n_schools=2).run_for(2)
    return 0


def warmed_pool(workers: int) -> cf.ProcessPoolExecutor:
    """A process pool whose every worker has started and imported the model."""
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=context)
    list(pool.map(_warm, range(4 * workers)))
    return pool


def pool_rate(specs, pool: cf.Executor, directory: Path) -> tuple[float, float]:
    """Runs per minute of ``specs`` through ``pool`` into a fresh store, and the parent's
    CPU seconds per run."""
    store = RunStore(directory)
    store.open_batch(specs)
    start, cpu = time.perf_counter(), time.process_time()
    execute(specs, store, executor=pool, progress=False)
    return (60 * len(specs) / (time.perf_counter() - start),
            (time.process_time() - cpu) / len(specs))


def fixed_cost(directory: Path, enterprises: int, steps: int, repeats: int = 3) -> float:
    """CPU seconds a one-run sweep spends beyond its model run (median of ``repeats``)."""
    costs = []
    for k in range(repeats):
        exp = experiment(1, 1, enterprises, steps, seed=300 + k)
        s_cpu, _, m_cpu, _ = sweep_time(exp, directory / f"fixed{k}")
        costs.append(s_cpu - m_cpu)
    return statistics.median(costs)


def main() -> None:
    """Measure and print ``name: value`` lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (~1 min)")
    parser.add_argument("--enterprises", type=int, default=1000, help="county size (default "
                        "1000, the ruian-status-quo scenario)")
    parser.add_argument("--steps", type=int, default=120, help="steps per run (default 120)")
    args = parser.parse_args()
    # Sweeps of 100 runs (40 quick): what a sweep pays once is spread as over a
    # small real sweep; real ones have thousands of runs.
    rounds, per_round, throughput_runs = (3, 40, 32) if args.quick else (5, 100, 80)

    print(f"county: {args.enterprises} enterprises, 10 schools, {args.steps} steps per run")
    print(f"load_average_at_start: {os.getloadavg()[0]:.2f}")
    alone_cpu, model_cpu, sweep_cpu, wall_overhead = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            exp = experiment(per_round // 2, 2, args.enterprises, args.steps, seed=100 + r)
            specs = plan_runs(exp, build_design(exp))
            alone_cpu.append(model_time(specs)[0] / len(specs))
            s_cpu, s_wall, m_cpu, m_wall = sweep_time(exp, Path(tmp) / f"sweep{r}")
            model_cpu.append(m_cpu / len(specs))
            sweep_cpu.append(s_cpu / len(specs))
            wall_overhead.append(100 * (s_wall - m_wall) / m_wall)
        overhead = [100 * (s - m) / m for m, s in zip(model_cpu, sweep_cpu, strict=True)]
        extra_ms = [1000 * (s - m) for m, s in zip(model_cpu, sweep_cpu, strict=True)]
        print(f"runs_per_sweep: {len(specs)}")
        print(f"model_s_per_run: {statistics.median(model_cpu):.4f} (in run_one, inside the sweep)")
        print(f"model_alone_s_per_run: {statistics.median(alone_cpu):.4f} (the same runs in a "
              "plain loop)")
        print(f"sweep_s_per_run_jobs1: {statistics.median(sweep_cpu):.4f}")
        print(f"sweep_runs_per_s_per_core: {1 / statistics.median(sweep_cpu):.1f} "
              "(CPU time of the whole jobs-1 sweep: engine, model and store)")
        print(f"runner_overhead_pct: {statistics.median(overhead):.1f} "
              f"(CPU; per round: {', '.join(f'{o:.1f}' for o in overhead)})")
        print(f"runner_overhead_ms_per_run: {statistics.median(extra_ms):.2f} "
              f"(CPU; per round: {', '.join(f'{o:.2f}' for o in extra_ms)})")
        print(f"runner_overhead_wall_pct: {statistics.median(wall_overhead):.1f} "
              f"(wall, includes disk waits and other load; per round: "
              f"{', '.join(f'{o:.1f}' for o in wall_overhead)})")
        fixed_s = fixed_cost(Path(tmp), args.enterprises, args.steps)
        print(f"sweep_fixed_s: {fixed_s:.3f} (CPU, once per sweep; "
              f"{1000 * fixed_s / len(specs):.2f} ms per run of these sweeps)")
        store_s = store_time(specs, Path(tmp) / "store")
        print(f"store_ms_per_run: {1000 * store_s:.2f} "
              f"({100 * store_s / statistics.median(model_cpu):.1f} % of a model run; the "
              "parent's share of the overhead, measured alone)")

        rates: dict[int, list[float]] = {1: [], 2: []}
        parent_cpu: dict[int, list[float]] = {1: [], 2: []}
        pools = {1: warmed_pool(1), 2: warmed_pool(2)}
        try:
            for r in range(rounds):  # alternate, so load from elsewhere hits both alike
                exp = experiment(throughput_runs // 4, 4, args.enterprises, args.steps,
                                 seed=200 + r)
                specs = plan_runs(exp, build_design(exp))
                for workers in (1, 2):
                    rate, cpu = pool_rate(specs, pools[workers], Path(tmp) / f"pool{workers}-{r}")
                    rates[workers].append(rate)
                    parent_cpu[workers].append(cpu)
        finally:
            for pool in pools.values():
                pool.shutdown()
    ratios = [b / a for a, b in zip(rates[1], rates[2], strict=True)]
    rate1, rate2 = statistics.median(rates[1]), statistics.median(rates[2])
    print(f"load_average_at_end: {os.getloadavg()[0]:.2f}")
    print(f"throughput_runs_per_round: {len(specs)} x {rounds} rounds")
    print(f"runs_per_min_1_worker: {rate1:.1f}")
    print(f"runs_per_min_2_workers: {rate2:.1f}")
    print(f"pool_runs_per_s_per_core: {rate1 / 60:.1f} (1 worker), {rate2 / 120:.1f} (2 workers; "
          "wall time, so other load on the machine lowers it)")
    print(f"speedup_2_vs_1: {statistics.median(ratios):.2f} "
          f"(per round: {', '.join(f'{x:.2f}' for x in ratios)})")
    print(f"parent_cpu_ms_per_run: {1000 * statistics.median(parent_cpu[2]):.2f} (2 workers; "
          f"{1000 * statistics.median(parent_cpu[1]):.2f} with 1)")


if __name__ == "__main__":
    main()
