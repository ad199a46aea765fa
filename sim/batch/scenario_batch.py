"""Plan, run and write up a replicated scenario batch.

:func:`plan_runs` turns scenarios into run specs (replicate ``r`` of every
scenario shares one seed: common random numbers). :func:`run_scenario_batch`
executes them into a :class:`sim.store.RunStore` (resuming finished runs) and
writes the batch outputs: ``steps.parquet``/``steps.csv``, ``summary.csv``,
``manifest.json``, figures and ``report.md``.
"""

from __future__ import annotations

import concurrent.futures as cf
import io
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from sim.analysis import figures
from sim.analysis.batch import DEFAULT_WINDOW, summary_table
from sim.batch import manifest as manifest_info
from sim.batch.report import write_report
from sim.network_io import load_network
from sim.runner import RunOutcome, RunSpec, execute, replicate_seeds
from sim.scenarios import Scenario
from sim.store import RunStore, atomic_write_bytes, atomic_write_text

#: What makes a batch of this kind (part of its fingerprint).
IDENTITY = {"kind": "scenario-batch", "format": 1}
FIGURES = "figures"


class BatchInputError(ValueError):
    """A batch option is not acceptable; the message starts with the option's name."""


@dataclass
class BatchResult:
    """What a batch produced.

    Attributes:
        out: the output directory.
        outcomes: one per run, in plan order.
        report: path of report.md (None if no run succeeded).
        summary: the summary table (empty if no run succeeded).
        files: every output file written.
    """

    out: Path
    outcomes: list[RunOutcome]
    report: Path | None = None
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    files: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> list[RunOutcome]:
        """The runs that failed."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def recomputed(self) -> int:
        """Runs computed in this call (not taken from the store)."""
        return sum(1 for o in self.outcomes if not o.cached)


def check_options(*, replicates: int, steps: int, jobs: int, retries: int = 0) -> None:
    """Raise :class:`BatchInputError` for a count below its minimum."""
    for name, value in (("--replicates", replicates), ("--steps", steps), ("--jobs", jobs)):
        if value < 1:
            raise BatchInputError(f"{name}: must be at least 1, got {value}")
    if retries < 0:
        raise BatchInputError(f"--retries: must be 0 or more, got {retries}")


def plan_runs(scenarios: Sequence[Scenario], *, replicates: int, steps: int, seed: int
              ) -> list[RunSpec]:
    """One run spec per scenario and replicate, ids ``<scenario>-r<NNN>``.

    Raises:
        BatchInputError: two scenarios share a name.
    """
    names = [s.name for s in scenarios]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise BatchInputError(f"scenarios: {', '.join(dupes)} given more than once (a batch "
                              "names each scenario once)")
    seeds = replicate_seeds(seed, replicates)
    return [RunSpec(run_id=f"{s.name}-r{r:03d}", params=s.params.changed(), seed=seeds[r],
                    steps=steps, labels={"scenario": s.name, "replicate": r})
            for s in scenarios for r in range(replicates)]


def check_networks(scenarios: Sequence[Scenario]) -> None:
    """Load every network file the scenarios name, so a bad file fails before any run.

    Raises:
        sim.network_io.NetworkFileError: a file is malformed or breaks the schema.
    """
    for path in dict.fromkeys(s.params.network_file for s in scenarios if s.params.network_file):
        load_network(path)


def run_scenario_batch(scenarios: Sequence[Scenario], *, replicates: int, steps: int, seed: int,
                       out: str | Path, jobs: int = 1, force: bool = False, retries: int = 0,
                       command: str = "", progress: bool = True,
                       executor: cf.Executor | None = None, stream: TextIO | None = None
                       ) -> BatchResult:
    """Run a replicated scenario batch into ``out`` and write its outputs.

    Finished runs already in ``out`` (same batch) are reused, so an interrupted
    batch started again with the same arguments completes without recomputing
    them, with results equal to an uninterrupted batch.

    Args:
        scenarios: loaded scenarios (see :func:`sim.scenarios.load_scenario`).
        replicates: runs per scenario.
        steps: steps per run.
        seed: root seed; replicate seeds are spawned from it.
        out: output directory.
        jobs: worker processes.
        force: replace results of a different batch found in ``out``.
        retries: extra attempts for a failed run.
        command: the command line, for the manifest and report.
        progress: show progress on ``stream``.
        executor: run on this executor instead of a local process pool.
        stream: progress stream (default stderr).

    Raises:
        BatchInputError: a bad option or duplicate scenario.
        sim.network_io.NetworkFileError: a network file is bad.
        sim.store.StoreMismatchError: ``out`` holds another batch and not ``force``.
    """
    check_options(replicates=replicates, steps=steps, jobs=jobs, retries=retries)
    if not scenarios:
        raise BatchInputError("scenarios: give at least one scenario")
    specs = plan_runs(scenarios, replicates=replicates, steps=steps, seed=seed)
    check_networks(scenarios)
    out = Path(out)
    store = RunStore(out)
    store.open_batch(specs, identity=IDENTITY, force=force)
    started = _now()
    clock = time.monotonic()
    outcomes = execute(specs, store, executor=executor, jobs=jobs, retries=retries,
                       progress=progress, stream=stream or sys.stderr)
    result = BatchResult(out=out, outcomes=outcomes)
    names = [s.name for s in scenarios]
    done = [s.run_id for s, o in zip(specs, outcomes, strict=True) if o.status == "done"]
    steps_table = _steps_table(store, done, names)
    if not steps_table.empty:
        result.files += _write_steps(steps_table, out)
        result.summary = summary_table(steps_table, order=names, window=DEFAULT_WINDOW)
        summary_path = out / "summary.csv"
        atomic_write_text(summary_path, result.summary.to_csv(index=False))
        result.files.append(summary_path)
        result.files += _write_figures(steps_table, result.summary, out, scenarios)
    manifest = _manifest(scenarios, specs, outcomes, replicates=replicates, steps=steps,
                         seed=seed, jobs=jobs, command=command, started=started,
                         seconds=time.monotonic() - clock)
    manifest_path = out / "manifest.json"
    atomic_write_text(manifest_path, json.dumps(manifest, indent=2, default=str) + "\n")
    result.files.append(manifest_path)
    if not steps_table.empty:
        result.report = write_report(out, scenarios, result.summary, manifest,
                                     [f for f in result.files if f.suffix == ".png"],
                                     result.failed)
        result.files.append(result.report)
    return result


def _steps_table(store: RunStore, run_ids: list[str], order: list[str]) -> pd.DataFrame:
    if not run_ids:
        return pd.DataFrame()
    table = store.read_results(run_ids).drop(columns=["run_id"])
    rank = {name: k for k, name in enumerate(order)}
    table = table.assign(_rank=table["scenario"].map(rank)).sort_values(
        ["_rank", "replicate", "step"], kind="stable").drop(columns="_rank")
    return table.reset_index(drop=True)


def _write_steps(table: pd.DataFrame, out: Path) -> list[Path]:
    parquet, csv = out / "steps.parquet", out / "steps.csv"
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    atomic_write_bytes(parquet, buffer.getvalue())
    atomic_write_text(csv, table.to_csv(index=False))
    return [parquet, csv]


def _write_figures(steps: pd.DataFrame, summary: pd.DataFrame, out: Path,
                   scenarios: Sequence[Scenario]) -> list[Path]:
    names = [s.name for s in scenarios if s.name in set(steps["scenario"])]
    folder = out / FIGURES
    titles = {s.name: f"{s.name}: {s.title}" for s in scenarios}
    paths = figures.depth_shares_over_time(steps, folder / "depth_shares_over_time", names,
                                           titles)
    paths += figures.content_vs_spending(summary, folder / "content_vs_spending", names)
    paths += figures.leakage_and_delay(summary, folder / "leakage_and_delay", names)
    return paths


def _manifest(scenarios: Sequence[Scenario], specs: Sequence[RunSpec],
              outcomes: Sequence[RunOutcome], *, replicates: int, steps: int, seed: int,
              jobs: int, command: str, started: str, seconds: float) -> dict[str, Any]:
    seeds = replicate_seeds(seed, replicates)
    return {
        "command": command,
        "argv": sys.argv,
        "root_seed": seed,
        "replicate_seeds": seeds,
        "seed_rule": "numpy.random.SeedSequence(root_seed).spawn(replicates); "
                     "int(child.generate_state(1)[0]); replicate r of every scenario uses "
                     "replicate_seeds[r]",
        "replicates": replicates,
        "steps": steps,
        "jobs": jobs,
        "scenarios": {
            s.name: {"title": s.title, "path": str(s.path), "extends": s.extends,
                     "changed": s.params.changed(), "provenance": s.provenance,
                     "params": s.params.to_dict()}
            for s in scenarios},
        "runs": {"total": len(specs),
                 "computed_now": sum(1 for o in outcomes if not o.cached),
                 "reused": sum(1 for o in outcomes if o.cached),
                 "failed": [{"run_id": o.run_id, "error": o.error} for o in outcomes
                            if o.status == "failed"]},
        "versions": manifest_info.package_versions(),
        "git": manifest_info.git_commit(),
        "platform": manifest_info.platform_info(),
        "started": started,
        "finished": _now(),
        "seconds_this_call": round(seconds, 2),
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
