"""Design points and replicate seeds of an experiment.

Every sampled design (Latin hypercube, Sobol/Saltelli, Morris) is drawn by
SALib in the unit hypercube and mapped to parameter values by each factor's
inverse CDF (:meth:`sim.sweep.experiment.Factor.from_unit`), so distributions
and integer rounding work the same for every design, and the SALib analysis
works on the unit-space sample (Morris mu* is then in output units per full
range of the factor).

Seeds: replicate ``r`` of every design point runs with the same seed, derived
from ``SeedSequence(root_seed).spawn(R)[r]`` (as in scenario batches):
common random numbers across design points, and a seed that does not depend
on the executor, the worker count or how many replicates follow. The sampler's
own seed comes from a separate child of the root, so changing the replicate
count does not move the design points.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Import samplers by module: ``from SALib import sample`` fails in SALib 1.6.0.
from SALib.sample import latin
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from sim.plan import replicate_seeds as plan_replicate_seeds
from sim.sweep.experiment import Experiment

#: Spawn key of the sampler's seed, far from the replicate keys 0, 1, 2, ...
SAMPLER_SPAWN_KEY = 2**31


@dataclass(frozen=True)
class Design:
    """The design points of an experiment.

    Attributes:
        points: one row per design point (index ``design_point`` from 0), one
            column per factor with values of the parameter's type.
        unit: the SALib sample in the unit hypercube (rows = points), or None
            for a grid.
    """

    points: pd.DataFrame
    unit: np.ndarray | None

    def __len__(self) -> int:
        return len(self.points)


def unit_problem(experiment: Experiment) -> dict:
    """The SALib ``problem`` on the unit hypercube that every sampled design draws from."""
    names = experiment.factor_names
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def sampler_seed(root_seed: int) -> int:
    """The seed handed to SALib's sampler, derived from the experiment's root seed."""
    state = np.random.SeedSequence(root_seed, spawn_key=(SAMPLER_SPAWN_KEY,)).generate_state(1)
    return int(state[0]) or 1


def replicate_seeds(root_seed: int, replicates: int) -> list[int]:
    """One model seed per replicate, the same at every design point.

    The same seeds as a scenario batch with this root seed
    (:func:`sim.plan.replicate_seeds`), so a design point equal to a
    scenario reproduces the batch's runs.

    Args:
        root_seed: the experiment's ``seed``.
        replicates: number of replicates.
    """
    return plan_replicate_seeds(root_seed, replicates)


#: Most runs one plan may hold: every run's spec and status row are kept, so a
#: plan beyond this would fill memory before the first run (issue 13, item 11).
MAX_RUNS = 5_000_000


def run_count(experiment: Experiment) -> int:
    """How many runs the experiment's plan holds, computed without building it."""
    d = len(experiment.factors)
    if experiment.design == "scenarios":
        points = len(experiment.scenarios)
    elif experiment.design == "grid":
        points = 1
        for f in experiment.factors:
            points *= len(f.values) if f.values is not None else int(f.num)
    elif experiment.design == "sobol":
        points = experiment.sample_size * ((2 * d + 2) if experiment.second_order else (d + 2))
    elif experiment.design == "morris":
        points = experiment.sample_size * (d + 1)
    else:
        points = experiment.sample_size
    return points * experiment.replicates


def check_size(experiment: Experiment) -> None:
    """Refuse a plan too large to hold, before any of it is built.

    Raises:
        ExperimentError: naming the count, the limit and what to change.
    """
    from sim.sweep.experiment import ExperimentError

    n = run_count(experiment)
    if n > MAX_RUNS:
        raise ExperimentError(experiment.path, "size", f"{n:,} runs ({experiment.replicates:,} "
                              f"replicates of each design point) is more than the {MAX_RUNS:,} "
                              "one plan can hold in memory; use fewer replicates or points, or "
                              "split the experiment into several directories")


def build_design(experiment: Experiment) -> Design:
    """Draw the design points of an experiment (deterministic given its seed).

    Args:
        experiment: a validated experiment.

    Returns:
        The design; sampled designs also carry the unit-space sample.
    """
    factors = experiment.factors
    names = experiment.factor_names
    if experiment.design == "scenarios":
        points = pd.DataFrame({"scenario": [p.name for p in experiment.scenarios]})
        unit = None
    elif experiment.design == "grid":
        rows = list(itertools.product(*(f.grid_values() for f in factors)))
        points = pd.DataFrame(rows, columns=names)
        unit = None
    else:
        problem = unit_problem(experiment)
        seed = sampler_seed(experiment.seed)
        n = experiment.sample_size
        if experiment.design == "lhs":
            unit = latin.sample(problem, n, seed=seed)
        elif experiment.design == "sobol":
            unit = sobol_sample.sample(problem, n, calc_second_order=experiment.second_order,
                                       scramble=True, seed=seed)
        else:
            unit = morris_sample.sample(problem, n, num_levels=experiment.levels, seed=seed)
        points = pd.DataFrame({f.name: f.from_unit(unit[:, i]) for i, f in enumerate(factors)})
    for f in factors:  # keep the parameter's own type (bools stay bools, ints ints)
        if f.kind in (int, float, bool):
            points[f.name] = points[f.name].astype(f.kind)
    points.index.name = "design_point"
    return Design(points=points, unit=unit)
