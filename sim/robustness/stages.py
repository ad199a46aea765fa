"""The stages of a robustness analysis as ordinary sweeps of the experiment engine.

Each stage is one or more :class:`sim.sweep.experiment.Experiment` run by
:func:`sim.sweep.run.run_sweep` into its own directory under the analysis's
``DIR``, so every run is stored the moment it finishes, an interrupted
analysis resumes, and ``python -m sim analyze DIR/<stage>`` works on any of them:

- ``morris-<key>``: Morris screening over every structural parameter, one
  directory per scenario (baseline, treatment);
- ``sobol-<key>``: Saltelli sample over the parameters the screening ranks first;
- ``lhs-<key>``: a Latin hypercube of model structures, one directory per
  scenario (baseline and every lever);
- ``reversal``: each structural parameter alone at its declared low and high
  end, baseline and treatment (a ``scenarios`` design: one named point each).

Paired stages use the same root seed and the same factors, so their design
points and replicate seeds are identical (common random numbers): a
difference between two directories at one design point and replicate is a
paired difference. :func:`paired` checks that before it differs them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from sim.params import Parameters, spec
from sim.robustness.spec import Plan, Role
from sim.sweep.experiment import (
    AnalysisSpec,
    Experiment,
    Output,
    ScenarioPoint,
    parse_experiment,
)

REVERSAL = "reversal"
#: Steps averaged at the end of a run (as the validation report's checks, sim.patterns.LAST).
END_STEPS = 12
#: The unchanged point of the reversal check.
DEFAULT_POINT = "default"


def reducer(plan: Plan) -> str:
    """The end-of-run value of a run: the mean of its last :data:`END_STEPS` steps."""
    return f"mean_last_{min(END_STEPS, plan.steps)}"


def sampled(plan: Plan, role: Role, stage: str, factors: Sequence[str]) -> Experiment:
    """The sweep of ``stage`` (``morris``, ``sobol`` or ``lhs``) for one scenario.

    The scenario's values are the sweep's ``[fixed]`` base (structural ones
    excepted: they are the factors), so no scenario file is read again.
    """
    sizes = plan.sizes
    design, size, replicates, extra = {
        "morris": ("morris", sizes.trajectories, 1, {"levels": sizes.levels}),
        "sobol": ("sobol", sizes.sample_size, 1, {"second_order": False}),
        "lhs": ("lhs", sizes.structures, sizes.lever_replicates, {}),
    }[stage]
    defaults = Parameters().to_dict()
    fixed = {k: v for k, v in role.params.items() if k not in factors and v != defaults[k]}
    data = {
        "name": f"robustness-{stage}-{role.key}",
        "title": f"Robustness, {stage}: {role.key}",
        "description": f"Stage {stage!r} of {plan.path}: structural parameters over their "
                       f"declared ranges on {role.source}.",
        "design": design, "sample_size": size, "replicates": replicates, "steps": plan.steps,
        "seed": plan.seed, "fixed": fixed, **extra,
        "vary": {name: {"low": spec(name).low, "high": spec(name).high} for name in factors},
        "outputs": {plan.output: {"column": plan.output, "reduce": reducer(plan)}},
        "analysis": {"main": plan.output},
    }
    return parse_experiment(data, path=plan.path)


def reversal(plan: Plan) -> Experiment:
    """The one-at-a-time check: each structural parameter at its low and high end.

    Points are named ``<scenario>.<parameter>.low|high`` and ``<scenario>.default``.
    """
    points = []
    defaults = Parameters().to_dict()
    for role in (plan.baseline, plan.treatment):
        settings = [(DEFAULT_POINT, {})] + [
            (f"{name}.{end}", {name: getattr(spec(name), end)})
            for name in plan.factors for end in ("low", "high")]
        for label, change in settings:
            values = Parameters.from_mapping({**role.params, **change}).to_dict()
            points.append(ScenarioPoint(
                name=f"{role.key}.{label}", title=f"{role.key}, {label}", path=role.source,
                params={k: v for k, v in values.items() if v != defaults[k]}))
    return Experiment(
        name="robustness-reversal", title="Robustness: one structural parameter at a time",
        description=f"Reversal check of {plan.path}.", path=plan.path, scenario="",
        base=Parameters(), design="scenarios", factors=(), replicates=plan.sizes.reversal_replicates,
        steps=plan.steps, seed=plan.seed, sample_size=None, second_order=False, levels=4,
        outputs=(Output(plan.output, plan.output, reducer(plan)),),
        analysis=AnalysisSpec(main=plan.output), scenarios=tuple(points))


def run_stage(experiment: Experiment, directory: Path, *, choice: Any, force: bool,
              progress: bool, stream: TextIO, command: str,
              worker: Callable[..., Any] | None = None) -> dict[str, int]:
    """Run (or resume) one stage's sweep; return its run counts."""
    from sim.sweep.run import run_sweep

    result = run_sweep(experiment, directory, choice, force=force, progress=progress,
                       stream=stream, command=command, worker=worker)
    return result.counts


def outputs(directory: Path, experiment: Experiment) -> pd.DataFrame:
    """One row per finished run of a stage (ids, labels, the output)."""
    from sim.sweep.results import run_outputs

    return run_outputs(directory, experiment)


class UnpairedError(ValueError):
    """Two stages that should be paired do not hold the same runs (some failed or are missing)."""


def paired(treated: pd.DataFrame, base: pd.DataFrame, output: str,
           keys: Sequence[str] = ("design_point", "replicate")) -> pd.DataFrame:
    """Per-run differences ``treated - base`` of ``output``, matched on ``keys``.

    Raises:
        UnpairedError: when the two tables do not hold the same runs with the same
            seeds (they would not be paired).
    """
    keys = list(keys)
    a = treated.set_index(keys).sort_index()
    b = base.set_index(keys).sort_index()
    if not a.index.equals(b.index):
        raise UnpairedError("two paired stages do not hold the same finished runs (failed runs "
                            "are listed in each stage's runs.csv): run the same command again "
                            "to retry them")
    if "seed" in a and not np.array_equal(a["seed"].to_numpy(), b["seed"].to_numpy()):
        raise UnpairedError("two paired stages used different seeds: they are not paired")
    diff = (a[output] - b[output]).rename(output)
    return diff.reset_index()
