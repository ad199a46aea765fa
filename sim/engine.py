"""The one experiment engine behind ``sim run`` and ``sim sweep``.

A front end turns its input into an :class:`sim.sweep.experiment.Experiment`
(a scenario batch is a ``scenarios`` design); the engine plans its runs
(:func:`sim.sweep.run.plan_runs`), claims the directory's run store, writes the
manifest, executes the runs through :func:`sim.runner.execute` on any
``concurrent.futures`` executor, and writes the manifest again with what
became of them. What each front end writes afterwards (a batch report, a sweep
analysis) reads the results back from the store only.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from sim import manifest as manifest_info
from sim.plan import RunSpec
from sim.runner import RunOutcome, execute
from sim.store import RunStore, atomic_write_text
from sim.sweep.executors import ExecutorChoice, make_executor
from sim.sweep.experiment import Experiment

#: The identity of every scenario batch (unchanged since batches had their own pipeline).
SCENARIO_BATCH_IDENTITY = {"kind": "scenario-batch", "format": 1}


@dataclass
class EngineRun:
    """What the engine did.

    Attributes:
        directory: the run directory.
        specs: the plan.
        outcomes: one per run, in plan order.
        store: the directory's run store.
        manifest: the manifest written.
    """

    directory: Path
    specs: list[RunSpec]
    outcomes: list[RunOutcome]
    store: RunStore
    manifest: dict[str, Any]


def identity_of(experiment: Experiment) -> dict[str, Any]:
    """What makes a run directory this experiment's (part of the store's fingerprint).

    A scenario batch keeps the identity it always had, so directories made
    before the engine was shared still resume.
    """
    if experiment.design == "scenarios":
        return dict(SCENARIO_BATCH_IDENTITY)
    return {"kind": "sweep", "experiment": experiment.name}


def run_experiment(experiment: Experiment, directory: str | Path, *,
                   choice: ExecutorChoice | None = None, executor: Any = None,
                   retries: int = 0, force: bool = False, progress: bool = True,
                   command: str = "", worker: Callable[..., Any] | None = None,
                   stream: TextIO | None = None,
                   before_runs: Callable[[RunStore, list[RunSpec]], None] | None = None,
                   specs: list[RunSpec] | None = None) -> EngineRun:
    """Plan, claim, record and execute every run of ``experiment`` not yet in ``directory``.

    Args:
        experiment: the validated experiment.
        directory: the run directory.
        choice: where the runs go (default: a local pool of one process).
        executor: a ready ``concurrent.futures.Executor`` (overrides ``choice``).
        retries: extra attempts for a run that raises.
        force: replace the results of a different batch or sweep in ``directory``.
        progress: show progress on ``stream``.
        command: the command line, for the manifest.
        worker: replacement for :func:`sim.runner.run_one` (tests).
        stream: where progress goes (default stderr).
        before_runs: called with the claimed store and the plan before any run
            starts (a sweep writes its experiment and design files here).
        specs: the plan, when the caller has made it already.

    Raises:
        sim.store.StoreMismatchError: ``directory`` holds another batch and not ``force``.
        sim.sweep.executors.ExecutorError: the executor cannot be made.
        sim.sweep.experiment.ExperimentError: a design point is invalid.
        sim.network_io.NetworkFileError: a network file a run reads is bad.
    """
    from sim.sweep.designs import build_design, check_size
    from sim.sweep.run import plan_runs

    choice = choice or ExecutorChoice()
    directory = Path(directory)
    if specs is None:
        check_size(experiment)
        specs = plan_runs(experiment, build_design(experiment))
    check_inputs(specs)
    started, clock = manifest_info.now(), time.monotonic()
    jobs = choice.jobs if executor is None and not (choice.dask_local or choice.dask_scheduler) \
        else None
    where = "given executor" if executor is not None else choice.describe()

    def write_manifest(outcomes: list[RunOutcome] | None) -> dict[str, Any]:
        data = manifest_info.build(experiment, specs, outcomes, command=command, jobs=jobs,
                                   started=started, seconds=time.monotonic() - clock,
                                   executor=where)
        atomic_write_text(directory / manifest_info.MANIFEST,
                          json.dumps(data, indent=2, default=str) + "\n")
        return data

    store = RunStore(directory)
    with _executor(choice, executor) as pool:
        store.open_batch(specs, identity=identity_of(experiment), force=force)
        if before_runs is not None:
            before_runs(store, specs)
        write_manifest(None)
        outcomes = execute(specs, store, executor=pool, jobs=choice.jobs, retries=retries,
                           progress=progress, worker=worker, stream=stream or sys.stderr)
    return EngineRun(directory, specs, outcomes, store, write_manifest(outcomes))


def check_inputs(specs: list[RunSpec]) -> None:
    """Load every network file any run names, once each, so a bad one fails before any run.

    (Issue 13, item 21: a sweep varying ``network_file`` over a missing file
    failed every run instead of refusing to start.)

    Raises:
        sim.network_io.NetworkFileError: a file is missing, malformed or breaks the schema.
    """
    paths = dict.fromkeys(s.params.get("network_file") for s in specs)
    paths.pop(None, None)
    paths.pop("", None)
    if paths:
        from sim.network_io import load_network

        for path in paths:
            load_network(path)


def _executor(choice: ExecutorChoice, executor: Any):
    import contextlib

    if executor is not None:
        return contextlib.nullcontext(executor)
    return make_executor(choice)
