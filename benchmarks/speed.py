"""Speed of the model at county and province scale, against Mesa's BoltzmannWealth.

Prints one ``name: value`` per line. Each measurement runs in a fresh
subprocess so that peak memory (max RSS) belongs to that run alone.

    python benchmarks/speed.py                 # county, province, scaling, start-up
    python benchmarks/speed.py county          # one part: county, province, scaling, startup
    python benchmarks/speed.py --against DIR county   # also time the model of another checkout

With ``--against DIR`` the model in DIR (a checkout of an older commit, put
first on PYTHONPATH) is timed too, alternating with this one seed by seed, and
the ratio of the medians is printed as ``*_speedup_vs_against``.

Agent-steps per second = (schools + enterprises + departments) x steps / wall
time of construction plus run. BoltzmannWealth (mesa.examples) is timed with
the same number of agents and steps, on a square grid with one agent per cell
on average (its own default density), including its own data collection. The
machine is shared, so the two are timed alternately, seed by seed, and the
ratio is that of the medians.
"""

from __future__ import annotations

import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from configurations import (  # noqa: E402
    CONFIGURATIONS,
    SCALING,
    STARTUP,
    STARTUP_REPEATS,
    STARTUP_TARGET_SECONDS,
)

ROOT = Path(__file__).resolve().parent.parent
#: The warm-up model of each measuring process: the measured parameters at this small size.
WARM_UP = {"n_schools": 2, "n_enterprises": 40, "n_departments": 2}
WARM_UP_STEPS = 25


def _measure_model(params: dict, steps: int, seed: int) -> dict:
    from sim import CooperationModel

    # The first model of a process starts numba and loads the compiled step from its
    # cache (a one-off per process, timed by the start-up part): a small run does it
    # here. numba loads each compiled function when it is first called, so the run is
    # long enough to reach every stage (audits, two year ends): after a 3-step run the
    # first county run still loaded code for about 14 ms.
    CooperationModel(rng=0, **{**params, **WARM_UP}).run_for(WARM_UP_STEPS)
    start = time.perf_counter()
    model = CooperationModel(rng=seed, **params)
    built = time.perf_counter()
    model.run_for(steps)
    end = time.perf_counter()
    n_agents = len(model.schools) + len(model.enterprises) + len(model.departments)
    return {"seconds": end - start, "build_s": built - start, "run_s": end - built,
            "agents": n_agents, "partnerships": len(model.partnerships),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _measure_boltzmann(n_agents: int, steps: int, seed: int) -> dict:
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth

    side = math.ceil(math.sqrt(n_agents))
    BoltzmannWealth(BoltzmannScenario(n=40, width=7, height=7, rng=0)).run_for(WARM_UP_STEPS)
    start = time.perf_counter()
    model = BoltzmannWealth(BoltzmannScenario(n=n_agents, width=side, height=side, rng=seed))
    model.run_for(steps)
    return {"seconds": time.perf_counter() - start}


def _child(kind: str, *args: str, against: str | None = None) -> dict:
    env = None
    if against:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [against, *filter(None, [os.environ.get("PYTHONPATH")])])}
    out = subprocess.run([sys.executable, __file__, "--child", kind, *args],
                         check=True, capture_output=True, text=True, env=env,
                         cwd=against or None)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _model_child(params: dict, steps: int, seed: int, against: str | None = None) -> dict:
    return _child("model", json.dumps(params), str(steps), str(seed), against=against)


def scale(name: str, against: str | None = None) -> None:
    cfg = CONFIGURATIONS[name]
    runs, boltz, other = [], [], []
    for seed in cfg["seeds"]:
        runs.append(_model_child(cfg["params"], cfg["steps"], seed))
        boltz.append(_child("boltzmann", str(runs[0]["agents"]), str(cfg["steps"]), str(seed)))
        if against:
            other.append(_model_child(cfg["params"], cfg["steps"], seed, against=against))
    seconds = statistics.median(r["seconds"] for r in runs)
    boltz_seconds = statistics.median(b["seconds"] for b in boltz)
    agents = runs[0]["agents"]
    agent_steps = agents * cfg["steps"]
    print(f"{name}_agents: {agents}")
    print(f"{name}_steps: {cfg['steps']}")
    print(f"{name}_runs: {len(runs)}")
    print(f"{name}_seconds_median: {seconds:.4f}")
    print(f"{name}_seconds_all: {' '.join(f'{r['seconds']:.4f}' for r in runs)}")
    print(f"{name}_build_seconds_median: {statistics.median(r['build_s'] for r in runs):.4f}")
    print(f"{name}_run_seconds_median: {statistics.median(r['run_s'] for r in runs):.4f}")
    print(f"{name}_ms_per_step_median: "
          f"{1000 * statistics.median(r['run_s'] for r in runs) / cfg['steps']:.3f}")
    print(f"{name}_partnerships_at_end_median: {statistics.median(r['partnerships'] for r in runs)}")
    print(f"{name}_peak_mb_max: {max(r['peak_mb'] for r in runs):.0f}")
    rate = agent_steps / seconds
    boltz_rate = agent_steps / boltz_seconds
    print(f"{name}_agent_steps_per_s: {rate:.0f}")
    print(f"{name}_boltzmann_seconds_median: {boltz_seconds:.4f}")
    print(f"{name}_boltzmann_seconds_all: {' '.join(f'{b['seconds']:.4f}' for b in boltz)}")
    print(f"{name}_boltzmann_agent_steps_per_s: {boltz_rate:.0f}")
    print(f"{name}_ratio_vs_boltzmann: {rate / boltz_rate:.2f}")
    if other:
        other_seconds = statistics.median(r["seconds"] for r in other)
        print(f"{name}_against: {against}")
        print(f"{name}_against_seconds_median: {other_seconds:.4f}")
        print(f"{name}_against_seconds_all: {' '.join(f'{r['seconds']:.4f}' for r in other)}")
        print(f"{name}_speedup_vs_against: {other_seconds / seconds:.2f}")
    for key, target in cfg["targets"].items():
        print(f"{name}_target_{key}: {target}")
    sys.stdout.flush()


def scaling(against: str | None = None) -> None:
    cfg = SCALING
    print(f"scaling_steps: {cfg['steps']}")
    print("scaling_columns: firms schools agents build_s ms_per_step us_per_agent_step peak_mb"
          + (" against_ms_per_step speedup_vs_against" if against else ""))
    for firms in cfg["firms"]:
        params = {"n_enterprises": firms, "n_schools": max(1, firms // cfg["firms_per_school"]),
                  "n_departments": cfg["n_departments"]}
        runs, other = [], []
        for seed in cfg["seeds"]:  # alternating with the other checkout, if any
            runs.append(_model_child(params, cfg["steps"], seed))
            if against:
                other.append(_model_child(params, cfg["steps"], seed, against=against))
        run_s = statistics.median(r["run_s"] for r in runs)
        agents = runs[0]["agents"]
        per_step = run_s / cfg["steps"]
        line = (f"scaling_{firms}: {firms} {params['n_schools']} {agents} "
                f"{statistics.median(r['build_s'] for r in runs):.4f} {1000 * per_step:.3f} "
                f"{1e6 * per_step / agents:.4f} {max(r['peak_mb'] for r in runs):.0f}")
        if against:
            other_s = statistics.median(r["run_s"] for r in other)
            line += f" {1000 * other_s / cfg['steps']:.3f} {other_s / run_s:.2f}"
        print(line)
        sys.stdout.flush()


def _time_command(args: list[str], checkout: str | None) -> float:
    env = None
    if checkout:
        env = {**os.environ, "PYTHONPATH": checkout}
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, cwd=checkout or ROOT, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def startup(against: str | None = None) -> None:
    for label, args in STARTUP.items():
        times, other = [], []
        for _ in range(STARTUP_REPEATS):  # alternating with the other checkout, if any
            times.append(_time_command(args, None))
            if against:
                other.append(_time_command(args, against))
        key = label.replace(" ", "_").replace("-", "").replace("__", "_")
        print(f"startup_{key}_seconds_median: {statistics.median(times):.3f}")
        if against:
            print(f"startup_{key}_against_seconds_median: {statistics.median(other):.3f}")
    bare = []
    for _ in range(STARTUP_REPEATS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - start)
    print(f"startup_bare_python_seconds_median: {statistics.median(bare):.3f}")
    print(f"startup_target_seconds: {STARTUP_TARGET_SECONDS}")
    sys.stdout.flush()


PARTS = {"county": lambda against: scale("county", against),
         "province": lambda against: scale("province", against),
         "scaling": scaling, "startup": startup}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind = sys.argv[2]
        if kind == "model":
            result = _measure_model(json.loads(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
        else:
            result = _measure_boltzmann(int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
        print(json.dumps(result))
    else:
        args = sys.argv[1:]
        against = None
        if args[:1] == ["--against"]:
            against, args = str(Path(args[1]).resolve()), args[2:]
        for part in args or list(PARTS):
            PARTS[part](against)
