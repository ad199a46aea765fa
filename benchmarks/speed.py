"""Speed of the model at county and province scale, against Mesa's BoltzmannWealth.

Prints one ``name: value`` per line. Each measurement runs in a fresh
subprocess so that peak memory (max RSS) belongs to that run alone.

    python benchmarks/speed.py            # county and province
    python benchmarks/speed.py county     # one configuration

Agent-steps per second = (schools + enterprises + departments) x steps / wall
time of construction plus run. BoltzmannWealth (mesa.examples) is timed with
the same number of agents and steps, on a square grid with one agent per cell
on average (its own default density), including its own data collection.
"""

from __future__ import annotations

import json
import math
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from configurations import CONFIGURATIONS  # noqa: E402


def _measure_model(name: str, seed: int) -> dict:
    from sim import CooperationModel

    cfg = CONFIGURATIONS[name]
    start = time.perf_counter()
    model = CooperationModel(rng=seed, **cfg["params"])
    built = time.perf_counter()
    model.run_for(cfg["steps"])
    end = time.perf_counter()
    n_agents = len(model.schools) + len(model.enterprises) + len(model.departments)
    return {"seconds": end - start, "build_s": built - start, "run_s": end - built,
            "agents": n_agents,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _measure_boltzmann(n_agents: int, steps: int, seed: int) -> dict:
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth

    side = math.ceil(math.sqrt(n_agents))
    start = time.perf_counter()
    model = BoltzmannWealth(BoltzmannScenario(n=n_agents, width=side, height=side, rng=seed))
    model.run_for(steps)
    return {"seconds": time.perf_counter() - start}


def _child(kind: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, *args],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(names: list[str]) -> None:
    for name in names:
        cfg = CONFIGURATIONS[name]
        runs = [_child("model", name, str(seed)) for seed in cfg["seeds"]]
        seconds = statistics.median(r["seconds"] for r in runs)
        agents = runs[0]["agents"]
        agent_steps = agents * cfg["steps"]
        print(f"{name}_agents: {agents}")
        print(f"{name}_steps: {cfg['steps']}")
        print(f"{name}_seconds_median: {seconds:.3f}")
        print(f"{name}_build_seconds_median: {statistics.median(r['build_s'] for r in runs):.3f}")
        print(f"{name}_run_seconds_median: {statistics.median(r['run_s'] for r in runs):.3f}")
        print(f"{name}_peak_mb_max: {max(r['peak_mb'] for r in runs):.0f}")
        print(f"{name}_target_seconds: {cfg['targets']['seconds']}")
        rate = agent_steps / seconds
        print(f"{name}_agent_steps_per_s: {rate:.0f}")
        boltz = _child("boltzmann", str(agents), str(cfg["steps"]), str(cfg["seeds"][0]))
        boltz_rate = agent_steps / boltz["seconds"]
        print(f"{name}_boltzmann_seconds: {boltz['seconds']:.3f}")
        print(f"{name}_boltzmann_agent_steps_per_s: {boltz_rate:.0f}")
        print(f"{name}_ratio_vs_boltzmann: {rate / boltz_rate:.2f}")
        sys.stdout.flush()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind = sys.argv[2]
        if kind == "model":
            result = _measure_model(sys.argv[3], int(sys.argv[4]))
        else:
            result = _measure_boltzmann(int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
        print(json.dumps(result))
    else:
        main(sys.argv[1:] or list(CONFIGURATIONS))
