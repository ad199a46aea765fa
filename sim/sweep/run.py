"""Turn an experiment into runs and execute them into a run store.

A sweep directory ``DIR`` holds the shared run store (:mod:`sim.store`:
``results/``, ``runs.csv``, ``batch.json``) plus what the analysis needs:

- ``experiment.json``: the validated experiment (with command-line overrides);
- ``experiment.toml``: a copy of the file as written, for provenance;
- ``design.parquet``: one row per design point (parameter values, and the
  unit-hypercube sample ``unit_<name>`` of sampled designs).

Run ``p00012-r003`` is replicate 3 of design point 12; its per-step table in
``results/`` carries ``design_point``, ``replicate``, each varied parameter and
``seed`` as columns.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from sim.params import ParameterError, Parameters
from sim.plan import RunSpec
from sim.runner import RunOutcome
from sim.store import atomic_write_bytes, atomic_write_text
from sim.sweep.designs import Design, build_design, replicate_seeds
from sim.sweep.executors import ExecutorChoice
from sim.sweep.experiment import Experiment, ExperimentError

EXPERIMENT_JSON = "experiment.json"
EXPERIMENT_TOML = "experiment.toml"
DESIGN_FILE = "design.parquet"
#: A failed run is attempted once more before it is recorded as failed.
RETRIES = 1


@dataclass
class SweepResult:
    """What a sweep did.

    Attributes:
        directory: the sweep directory.
        outcomes: one outcome per run.
    """

    directory: Path
    outcomes: list[RunOutcome]

    @property
    def counts(self) -> dict[str, int]:
        """Runs done now, done before (resumed), failed."""
        return {"computed": sum(o.status == "done" and not o.cached for o in self.outcomes),
                "resumed": sum(o.cached for o in self.outcomes),
                "failed": sum(o.status == "failed" for o in self.outcomes)}



#: Above this many runs a sweep says it is planning before it starts (planning takes time).
LARGE_PLAN_RUNS = 20_000
#: Planning speed for the estimate it prints: about 6,500 runs a second measured on the
#: 2-core development machine (50,000-point grid, 2026-12-01).
PLANS_PER_S = 6_500

def run_id(point: int, replicate: int) -> str:
    """The id of replicate ``replicate`` at design point ``point``."""
    return f"p{point:05d}-r{replicate:03d}"


def plan_runs(experiment: Experiment, design: Design) -> list[RunSpec]:
    """The plan: one fully resolved run per design point and replicate.

    The one planner of the project: a scenario batch is a ``scenarios`` design
    whose runs are ``<scenario>-r<NNN>`` with labels ``scenario`` and
    ``replicate`` and the scenario's changed parameters; other designs give
    ``p<NNNNN>-r<NNN>`` with labels ``design_point``, ``replicate`` and each
    varied parameter, and the full base parameters. Replicate ``r`` of every
    point uses the same seed (common random numbers).

    Args:
        experiment: the validated experiment.
        design: its design points.

    Raises:
        ExperimentError: when a design point gives invalid parameters.
    """
    seeds = replicate_seeds(experiment.seed, experiment.replicates)
    if experiment.design == "scenarios":
        return [RunSpec(run_id=f"{p.name}-r{rep:03d}", params=dict(p.params), seed=seed,
                        steps=experiment.steps, labels={"scenario": p.name, "replicate": rep})
                for p in experiment.scenarios for rep, seed in enumerate(seeds)]
    base = experiment.base.to_dict()
    specs = []
    for point, row in design.points.iterrows():
        values = {name: _native(value) for name, value in row.items()}
        params = experiment.point_params(values, base)  # timing factors go into schedules
        try:
            Parameters.from_mapping(params)
        except ParameterError as err:
            raise ExperimentError(experiment.path, f"design point {point}", str(err)) from None
        for rep, seed in enumerate(seeds):
            specs.append(RunSpec(run_id=run_id(int(point), rep), params=params, seed=seed,
                                 steps=experiment.steps,
                                 labels={"design_point": int(point), "replicate": rep,
                                         **values}))
    return specs


def run_sweep(experiment: Experiment, directory: Path, choice: ExecutorChoice, *,
              force: bool = False, progress: bool = True, source_text: str | None = None,
              worker: Any = None, stream: TextIO | None = None, retries: int = RETRIES,
              command: str = "") -> SweepResult:
    """Execute every run of an experiment not yet in ``directory``.

    Runs stream to disk as they finish; a sweep started again with the same
    experiment resumes and recomputes nothing that finished, and one with more
    replicates extends it.

    Args:
        experiment: the validated experiment.
        directory: the sweep directory.
        choice: where the runs go.
        force: replace the results of a different sweep in ``directory``.
        progress: show progress.
        source_text: the experiment file as written (copied for provenance).
        worker: replacement for :func:`sim.runner.run_one` (tests).
        stream: where progress goes (default stderr).
        retries: extra attempts for a run that raises.
        command: the command line, for the manifest.

    Raises:
        sim.store.StoreMismatchError: ``directory`` holds another batch.
        sim.sweep.executors.ExecutorError: the executor cannot be made.
    """
    from sim.engine import run_experiment
    from sim.sweep.designs import check_size, run_count

    check_size(experiment)
    out = stream or sys.stderr
    n = run_count(experiment)
    if n > LARGE_PLAN_RUNS:
        # Planning a large sweep takes a while: say so before it starts (issue 13 item 11).
        print(f"sweep {experiment.name}: planning {n:,} runs (about {n / PLANS_PER_S:,.0f} s) ...",
              file=out, flush=True)
    design = build_design(experiment)
    specs = plan_runs(experiment, design)

    def announce(store: Any, plan: list[RunSpec]) -> None:
        write_metadata(directory, experiment, design, source_text)
        print(f"sweep {experiment.name}: {len(design)} design points x {experiment.replicates} "
              f"replicates = {len(plan)} runs of {experiment.steps} steps; "
              f"{choice.describe()}; results in {directory}", file=out)

    done = run_experiment(experiment, directory, choice=choice, retries=retries, force=force,
                          progress=progress, command=command, worker=worker, stream=out,
                          before_runs=announce, specs=specs)
    return SweepResult(directory, done.outcomes)


def write_metadata(directory: Path, experiment: Experiment, design: Design,
                   source_text: str | None) -> None:
    """Write ``experiment.json``, ``experiment.toml`` and ``design.parquet`` atomically."""
    atomic_write_text(directory / EXPERIMENT_JSON,
                      json.dumps(experiment.to_dict(), indent=2, default=str) + "\n")
    if source_text is not None:
        atomic_write_text(directory / EXPERIMENT_TOML, source_text)
    table = design.points.reset_index()
    if design.unit is not None:
        for i, name in enumerate(experiment.factor_names):
            table[f"unit_{name}"] = design.unit[:, i]
    atomic_write_bytes(directory / DESIGN_FILE, table.to_parquet(index=False))


def read_design(directory: Path) -> pd.DataFrame:
    """The design table written by :func:`write_metadata` (index ``design_point``)."""
    return pd.read_parquet(directory / DESIGN_FILE).set_index("design_point")


def _native(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
