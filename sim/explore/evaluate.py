"""Evaluate parameter sets through the run store: what robust search and calibration share.

A run here is named by what it computes: its id is a hash of its full parameters,
seed and steps (:func:`content_id`). The store is then a cache that any later
search reuses: an interrupted search started again finds every run it had
finished, and two candidates that are the same mix share their runs. Runs go
through :func:`sim.runner.execute`, so they stream to disk as they finish, on a
local pool or any Dask cluster, exactly as a sweep's do.

A structural sample (:func:`structural_sample`) is a Latin hypercube over the
declared ranges of the structural assumptions (``sim.params.structural_names``),
each point with its own seed (common random numbers across candidates).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from sim.params import Parameters, structural_names
from sim.params import specs as param_specs
from sim.plan import RunSpec, replicate_seeds
from sim.runner import execute
from sim.store import RunStore
from sim.sweep.experiment import Factor, Output

#: A failed run is attempted once more before it is recorded as failed (as in sweeps).
RETRIES = 1


def content_id(params: Mapping[str, Any], seed: int, steps: int) -> str:
    """A run id that is a hash of what the run computes (full parameters, seed, steps)."""
    text = json.dumps({"params": dict(params), "seed": int(seed), "steps": int(steps)},
                      sort_keys=True, default=str)
    return "e" + hashlib.sha256(text.encode()).hexdigest()[:20]


def factor_for(name: str, low: float | None = None, high: float | None = None) -> Factor:
    """A uniform :class:`Factor` over ``[low, high]`` (default: the declared range) of ``name``."""
    for n, _, kind, spec in param_specs():
        if n == name:
            if kind is bool:
                return Factor(name, bool, spec, values=(False, True))
            lo = spec.low if low is None else low
            hi = spec.high if high is None else high
            return Factor(name, kind, spec, low=float(lo), high=float(hi))
    raise KeyError(name)


def structural_sample(n: int, seed: int, names: Sequence[str] | None = None) -> pd.DataFrame:
    """``n`` Latin-hypercube points over the declared ranges of the structural assumptions.

    Args:
        n: points.
        seed: the sample's seed (the same seed gives the same points).
        names: the assumptions to vary (default every one, ``structural_names()``).

    Returns:
        One row per point, one column per assumption (ints rounded to whole numbers), and
        column ``seed``: the run seed of that point (from :func:`sim.plan.replicate_seeds`).
    """
    from scipy.stats import qmc

    names = list(structural_names() if names is None else names)
    unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed)).random(n)
    table = pd.DataFrame({name: factor_for(name).from_unit(unit[:, i])
                          for i, name in enumerate(names)})
    table["seed"] = replicate_seeds(seed, n)
    return table


class StoreEvaluator:
    """Runs parameter sets into one run store and reduces each run to its outputs.

    Args:
        directory: the store directory.
        outputs: the scalar outputs each run is reduced to.
        steps: steps per run.
        executor: a ready ``concurrent.futures.Executor`` (a Dask cluster), or None for a
            local pool of ``jobs`` processes.
        jobs: local worker processes.
        stream: where a failed run is reported.
    """

    def __init__(self, directory: str | Path, outputs: Sequence[Output], steps: int, *,
                 executor: Any = None, jobs: int = 1, stream: TextIO | None = None):
        self.directory = Path(directory)
        self.outputs = tuple(outputs)
        self.steps = int(steps)
        self.executor = executor
        self.jobs = jobs
        self.stream = stream or sys.stderr
        self.store = RunStore(self.directory)
        #: Distinct runs computed now / found already stored, over this evaluator's life.
        self.computed = 0
        self.reused = 0
        self._seen: set[str] = set()
        with self.store.running():  # a killed earlier search: index its parts, fix statuses
            self.store.repair()
            self.store.compact()

    def spec(self, params: Mapping[str, Any], seed: int, labels: Mapping[str, Any]) -> RunSpec:
        """The run of ``params`` (validated, completed with defaults) at ``seed``."""
        full = Parameters.from_mapping(params).to_dict()
        return RunSpec(run_id=content_id(full, seed, self.steps), params=full, seed=int(seed),
                       steps=self.steps, labels=dict(labels))

    def evaluate(self, runs: Sequence[RunSpec]) -> pd.DataFrame:
        """Execute the runs not yet stored, then return one row of outputs per run.

        Returns:
            Index ``run_id`` (in the order given, duplicates kept), one column per output;
            a failed run has NaN outputs (its error is in ``DIR/runs.csv``).
        """
        unique = list({s.run_id: s for s in runs}.values())
        outcomes = execute(unique, self.store, executor=self.executor, jobs=self.jobs,
                           retries=RETRIES, progress=False, stream=self.stream)
        fresh = [o for o in outcomes if o.run_id not in self._seen]
        self._seen.update(o.run_id for o in outcomes)
        self.computed += sum(o.status == "done" and not o.cached for o in fresh)
        self.reused += sum(o.cached for o in fresh)
        failed = [o for o in outcomes if o.status == "failed"]
        for o in failed[:3]:
            print(f"run {o.run_id} failed: {o.error} (see {self.directory / 'runs.csv'})",
                  file=self.stream)
        return self.read([s.run_id for s in runs])

    def read(self, run_ids: Sequence[str]) -> pd.DataFrame:
        """The outputs of stored runs (NaN for a run not stored)."""
        columns = list(dict.fromkeys(c for o in self.outputs for c in o.columns()))
        values: dict[str, dict[str, float]] = {}
        for frame in self.store.iter_results(list(dict.fromkeys(run_ids)),
                                             columns=["run_id", "step", *columns]):
            frame = frame.sort_values("step", kind="stable")
            values[str(frame["run_id"].iloc[0])] = {o.name: o.apply(frame) for o in self.outputs}
        empty = dict.fromkeys((o.name for o in self.outputs), np.nan)
        table = pd.DataFrame([values.get(r, empty) for r in run_ids],
                             columns=[o.name for o in self.outputs])
        table.index = pd.Index(list(run_ids), name="run_id")
        return table
