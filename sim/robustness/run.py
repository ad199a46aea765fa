"""Run every stage of a robustness analysis into ``DIR`` and compute its results.

Stages run in order (Morris, Sobol on the parameters the screening ranks
first, per lever, reversal); each is resumed from its store, so a second call
recomputes nothing that finished and an interrupted one loses no finished run.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from sim.analysis.sensitivity import sobol_indices
from sim.params import spec
from sim.robustness import analysis, stages
from sim.robustness.spec import Plan, Role
from sim.sweep.designs import run_count, sampler_seed, unit_problem
from sim.sweep.executors import ExecutorChoice
from sim.sweep.experiment import Experiment
from sim.sweep.run import read_design

#: Output name of the treatment's paired effect in the screening and Sobol tables.
EFFECT = "effect"


@dataclass
class Results:
    """Everything a robustness analysis found (tables are pandas DataFrames).

    Attributes:
        plan: the plan run.
        screening: Morris statistics (long: output, parameter, mu, mu_star, sigma ...).
        top: the parameters the Sobol stage varied.
        sobol: Sobol indices (long: output, parameter, S1, S1_conf, ST, ST_conf).
        levers: per-lever shares and quantiles (:func:`analysis.lever_table`).
        lever_effects: per lever and structure, its effect (for the figure).
        reversal: the one-at-a-time table (:func:`analysis.reversal_table`).
        reversal_summary: smallest difference, where, and reversals.
        counts: runs computed, resumed and failed in this call.
        runs: runs in the plan.
        seconds: wall time of this call.
    """

    plan: Plan
    screening: pd.DataFrame
    top: list[str]
    sobol: pd.DataFrame
    levers: pd.DataFrame
    lever_effects: pd.DataFrame
    reversal: pd.DataFrame
    reversal_summary: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)
    runs: int = 0
    seconds: float = 0.0


def total_runs(plan: Plan) -> int:
    """Runs of the whole analysis (the Sobol stage's factors do not change its size)."""
    s = plan.sizes
    d = len(plan.factors)
    return (2 * s.trajectories * (d + 1) + 2 * s.sample_size * (s.top + 2)
            + (1 + len(plan.levers)) * s.structures * s.lever_replicates
            + 2 * (1 + 2 * d) * s.reversal_replicates)


def run_robustness(plan: Plan, directory: Path, *, choice: ExecutorChoice | None = None,
                   force: bool = False, progress: bool = True, stream: TextIO | None = None,
                   command: str = "", worker: Callable[..., Any] | None = None) -> Results:
    """Run (or resume) every stage of ``plan`` into ``directory``; return the results.

    Raises:
        sim.store.StoreMismatchError: a stage directory holds another analysis.
        sim.sweep.experiment.ExperimentError: a design point is invalid.
    """
    out = stream or sys.stderr
    choice = choice or ExecutorChoice()
    directory = Path(directory)
    clock = time.monotonic()
    counts = {"computed": 0, "resumed": 0, "failed": 0}
    n_runs = total_runs(plan)
    print(f"robustness: {len(plan.factors)} structural parameters, {plan.treatment.key} "
          f"against {plan.baseline.key}, {len(plan.levers)} lever scenario(s); {n_runs} runs of "
          f"{plan.steps} steps in {directory}", file=out, flush=True)
    step = [0]

    def stage(experiment: Experiment, name: str) -> pd.DataFrame:
        step[0] += 1
        where = directory / name
        print(f"robustness [{step[0]}/{6 + len(plan.levers)}] {name}: "
              f"{run_count(experiment)} runs", file=out, flush=True)
        done = stages.run_stage(experiment, where, choice=choice, force=force,
                                progress=progress, stream=out, command=command, worker=worker)
        for key in counts:
            counts[key] += done[key]
        return stages.outputs(where, experiment)

    y = plan.output
    # 1. Morris screening, baseline and treatment on one sample.
    morris = {}
    for role in (plan.baseline, plan.treatment):
        exp = stages.sampled(plan, role, "morris", plan.factors)
        morris[role.key] = (exp, stage(exp, f"morris-{role.key}"))
    exp = morris[plan.baseline.key][0]
    design = read_design(directory / f"morris-{plan.baseline.key}")
    x = design[[f"unit_{n}" for n in exp.factor_names]].to_numpy(dtype=float)
    ys = _outputs(plan, morris, len(design))
    screen = analysis.screening(unit_problem(exp), x, ys, levels=plan.sizes.levels,
                                seed=sampler_seed(plan.seed) + 1)
    top = analysis.top_factors(screen, plan.sizes.top)

    # 2. Sobol on the parameters that matter.
    sobol = {}
    for role in (plan.baseline, plan.treatment):
        exp = stages.sampled(plan, role, "sobol", top)
        sobol[role.key] = (exp, stage(exp, f"sobol-{role.key}"))
    exp = sobol[plan.baseline.key][0]
    n_points = len(read_design(directory / f"sobol-{plan.baseline.key}"))
    frames = []
    for name, values in _outputs(plan, sobol, n_points).items():
        table = sobol_indices(unit_problem(exp), values, seed=sampler_seed(plan.seed) + 1)
        frames.append(table.reset_index().assign(output=name))
    sobol_table = pd.concat(frames, ignore_index=True)[
        ["output", "parameter", "S1", "S1_conf", "ST", "ST_conf"]]

    # 3. Each lever against the baseline over a Latin hypercube of structures.
    lhs: dict[str, pd.DataFrame] = {}
    for role in (plan.baseline, *plan.levers):
        lhs[role.key] = stage(stages.sampled(plan, role, "lhs", plan.factors), f"lhs-{role.key}")
    effects = {}
    for role in plan.levers:
        diffs = stages.paired(lhs[role.key], lhs[plan.baseline.key], y)
        effects[role.key] = analysis.structure_effects(diffs, y)
    levers = analysis.lever_table(effects)
    long = pd.concat([s.rename("effect").reset_index().assign(lever=k)
                      for k, s in effects.items()], ignore_index=True)

    # 4. One parameter at a time, at either end of its range.
    runs = stage(stages.reversal(plan), stages.REVERSAL)
    values = {(n, e): float(getattr(spec(n), e)) for n in plan.factors for e in ("low", "high")}
    reversal = analysis.reversal_table(runs, y, baseline=plan.baseline.key,
                                       treatment=plan.treatment.key, factors=plan.factors,
                                       values=values, default=stages.DEFAULT_POINT)
    return Results(plan=plan, screening=screen, top=top, sobol=sobol_table, levers=levers,
                   lever_effects=long[["lever", "design_point", "effect"]], reversal=reversal,
                   reversal_summary=analysis.reversal_summary(reversal), counts=counts,
                   runs=n_runs, seconds=time.monotonic() - clock)


def _outputs(plan: Plan, runs: dict[str, tuple[Experiment, pd.DataFrame]],
             n_points: int) -> dict[str, np.ndarray]:
    """Per design point: the baseline's and treatment's output and their paired effect."""
    y = plan.output

    def per_point(role: Role) -> np.ndarray:
        table = runs[role.key][1]
        return table.groupby("design_point")[y].mean().reindex(range(n_points)).to_numpy(float)

    diffs = stages.paired(runs[plan.treatment.key][1], runs[plan.baseline.key][1], y)
    effect = diffs.groupby("design_point")[y].mean().reindex(range(n_points)).to_numpy(float)
    return {plan.baseline.key: per_point(plan.baseline),
            plan.treatment.key: per_point(plan.treatment), EFFECT: effect}
