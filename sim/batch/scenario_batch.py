"""Plan, run and write up a replicated scenario batch.

:func:`plan_runs` turns scenarios into run specs (replicate ``r`` of every
scenario shares one seed: common random numbers). :func:`run_scenario_batch`
executes them into a :class:`sim.store.RunStore` (resuming finished runs) and
writes the batch outputs: ``steps.parquet``/``steps.csv``, ``summary.csv``,
``comparisons.csv``/``.tex`` (each scenario against the baseline), ``tables/``
(the report's tables as CSV and booktabs LaTeX), ``manifest.json``, figures
(PDF, SVG, PNG) and ``report.md``.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pandas as pd

from sim.analysis import compare, figures
from sim.analysis import tables as paper_tables
from sim.analysis.batch import DEFAULT_WINDOW, end_of_run, summarise_ends
from sim.analysis.persistence import persistence_section
from sim.analysis.sections import KEY_OUTPUTS
from sim.analysis.stats import settling
from sim.batch.report import write_report
from sim.engine import SCENARIO_BATCH_IDENTITY, run_experiment
from sim.figure_style import LANGS
from sim.manifest import MANIFEST
from sim.network_io import load_network
from sim.outputs import COLUMNS
from sim.plan import RunSpec
from sim.runner import RunOutcome
from sim.scenarios import Scenario, check_distinct_names
from sim.store import RunStore, atomic_write_text
from sim.sweep.executors import ExecutorChoice
from sim.sweep.experiment import Experiment, scenarios_experiment

#: What makes a batch of this kind (part of its fingerprint).
IDENTITY = SCENARIO_BATCH_IDENTITY
FIGURES = "figures"
TABLES = "tables"


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
        comparisons: each scenario against the baseline (empty with one scenario).
        files: every output file written.
    """

    out: Path
    outcomes: list[RunOutcome]
    report: Path | None = None
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    comparisons: pd.DataFrame = field(default_factory=pd.DataFrame)
    files: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> list[RunOutcome]:
        """The runs that failed."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def recomputed(self) -> int:
        """Runs computed in this call (not taken from the store)."""
        return sum(1 for o in self.outcomes if not o.cached)


def check_options(*, replicates: int, steps: int, jobs: int, retries: int = 0,
                  seed: int | None = None) -> None:
    """Raise :class:`BatchInputError` for a count below its minimum."""
    for name, value in (("--replicates", replicates), ("--steps", steps), ("--jobs", jobs)):
        if value < 1:
            raise BatchInputError(f"{name}: must be at least 1, got {value}")
    if retries < 0:
        raise BatchInputError(f"--retries: must be 0 or more, got {retries}")
    if seed is not None and seed < 0:
        raise BatchInputError(f"--seed: must be a whole number 0 or more (numpy's SeedSequence "
                              f"takes no negative seed), got {seed}")


def plan_runs(scenarios: Sequence[Scenario], *, replicates: int, steps: int, seed: int
              ) -> list[RunSpec]:
    """One run spec per scenario and replicate, ids ``<scenario>-r<NNN>``.

    The plan of the ``scenarios`` design (:func:`sim.sweep.run.plan_runs`).

    Raises:
        BatchInputError: two scenarios share a name.
    """
    from sim.sweep.designs import build_design
    from sim.sweep.run import plan_runs as plan_experiment

    experiment = batch_experiment(scenarios, replicates=replicates, steps=steps, seed=seed)
    return plan_experiment(experiment, build_design(experiment))


def batch_experiment(scenarios: Sequence[Scenario], *, replicates: int, steps: int, seed: int
                     ) -> Experiment:
    """The experiment of a batch: a ``scenarios`` design over ``scenarios``.

    Raises:
        BatchInputError: two scenarios share a name.
    """
    check_distinct_names(list(scenarios))  # two files, one name: say which two
    names = [s.name for s in scenarios]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise BatchInputError(f"scenarios: {', '.join(dupes)} given more than once (a batch "
                              "names each scenario once)")
    return scenarios_experiment(scenarios, replicates=replicates, steps=steps, seed=seed)


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
                       executor: cf.Executor | None = None, stream: TextIO | None = None,
                       choice: ExecutorChoice | None = None, baseline: str | None = None,
                       lang: str = "en", figure_titles: bool = False) -> BatchResult:
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
        choice: where the runs go (a Dask cluster ...); default a pool of ``jobs``.
        baseline: the scenario the others are compared with (default the first).
        lang: language of the report, figures and tables ("en" or "zh").
        figure_titles: draw titles into the figures (captions are in the report either way).

    Raises:
        BatchInputError: a bad option, duplicate scenario or unknown baseline.
        sim.network_io.NetworkFileError: a network file is bad.
        sim.store.StoreMismatchError: ``out`` holds another batch and not ``force``.
    """
    check_options(replicates=replicates, steps=steps, jobs=jobs, retries=retries, seed=seed)
    if not scenarios:
        raise BatchInputError("scenarios: give at least one scenario")
    if lang not in LANGS:
        raise BatchInputError(f"--lang: {lang!r} is not offered: use one of {', '.join(LANGS)}")
    try:
        baseline = compare.choose_baseline([s.name for s in scenarios], baseline)
    except compare.ComparisonError as err:
        raise BatchInputError(str(err)) from None
    experiment = batch_experiment(scenarios, replicates=replicates, steps=steps, seed=seed)
    out = Path(out)
    done_run = run_experiment(experiment, out, choice=choice or ExecutorChoice(jobs=jobs),
                              executor=executor, retries=retries, force=force,
                              progress=progress, command=command, stream=stream or sys.stderr)
    specs, outcomes, store = done_run.specs, done_run.outcomes, done_run.store
    result = BatchResult(out=out, outcomes=outcomes)
    names = [s.name for s in scenarios]
    done = [s.run_id for s, o in zip(specs, outcomes, strict=True) if o.status == "done"]
    if done:
        ends, depth, written = _write_steps(store, done, out, lever_columns(scenarios))
        result.files += written
        outputs = [c for c in COLUMNS if c in ends.columns]
        result.summary = summarise_ends(ends, outputs=outputs, order=names,
                                        window=DEFAULT_WINDOW)
        summary_path = out / "summary.csv"
        atomic_write_text(summary_path, result.summary.to_csv(index=False))
        result.files.append(summary_path)
        present = [n for n in names if n in set(ends["scenario"])]
        if baseline in present and len(present) > 1:
            result.comparisons = compare.comparisons(ends, baseline, order=present, seed=seed)
        tables = _write_tables(result, scenarios, out, lang)
        result.files += tables
        result.files += _write_figures(depth, result.summary, out, scenarios, lang=lang,
                                       figure_titles=figure_titles,
                                       comparisons=result.comparisons)
    result.files.append(out / MANIFEST)
    if done:
        result.report = write_report(out, scenarios, result.summary, done_run.manifest,
                                     [f for f in result.files if f.suffix == ".png"],
                                     result.failed, settling(depth),
                                     comparisons=result.comparisons,
                                     tables=[t for t in tables if t.suffix == ".tex"], lang=lang,
                                     extra=[s for s in [persistence_section(scenarios, depth, lang)]
                                            if s])
        result.files.append(result.report)
    return result


def _write_tables(result: BatchResult, scenarios: Sequence[Scenario], out: Path, lang: str
                  ) -> list[Path]:
    """The report's tables as CSV and booktabs LaTeX: comparisons, end of run, parameters."""
    from sim.labels import term

    paths = []
    if not result.comparisons.empty:
        baseline = result.comparisons["baseline"].iloc[0]
        note = term("multiple_comparisons", lang) if compare.many(result.comparisons) else ""
        paths += paper_tables.write_table(
            paper_tables.comparison_table(result.comparisons, lang), out / "comparisons",
            caption=term("caption_comparisons", lang).format(baseline=baseline),
            label="tab:comparisons", key_columns=2, csv=result.comparisons, note=note, lang=lang)
    outputs = [o for o in KEY_OUTPUTS if o in set(result.summary["output"])]
    paths += paper_tables.write_table(
        paper_tables.end_of_run_table(result.summary, outputs, lang), out / TABLES / "end_of_run",
        caption=term("caption_end_of_run", lang),
        label="tab:end-of-run", csv=result.summary, lang=lang)
    shown, raw = paper_tables.parameter_table(scenarios, lang)
    paths += paper_tables.write_table(
        shown, out / TABLES / "parameters",
        caption=term("caption_parameters", lang),
        label="tab:parameters", key_columns=2, csv=raw, long=True, lang=lang)
    return paths


#: Columns the depth-share figure needs from every step (the rest is not kept in memory).
DEPTH_COLUMNS = ("scenario", "replicate", "step", "partnerships_active", "form_share",
                 "practice_share", "content_share")


def lever_periods(scenarios: Sequence[Scenario]) -> dict[str, dict[str, list]]:
    """Per scenario, the steps each scheduled lever is on (for shading the figures)."""
    from sim.schedules import on_steps

    return {s.name: on_steps(s.params) for s in scenarios}


def lever_columns(scenarios: Sequence[Scenario]) -> list[str]:
    """The ``lever:`` columns of every scheduled lever in the batch (sim/schedules.py)."""
    from sim.schedules import column, scheduled

    return list(dict.fromkeys(column(n) for s in scenarios for n in scheduled(s.params)))


def _write_steps(store: RunStore, run_ids: list[str], out: Path, levers: Sequence[str] = ()
                 ) -> tuple[pd.DataFrame, pd.DataFrame, list[Path]]:
    """Write ``steps.parquet`` and ``steps.csv`` a chunk of runs at a time, in ``run_ids`` order.

    Each chunk is read, appended to both files and reduced to end-of-run values,
    so memory does not grow with the number of runs and steps (only the few
    columns of the depth figure are kept per step).

    Returns:
        End-of-run values (one row per run), the depth-figure columns of every
        step, and the two paths.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet, csv = out / "steps.parquet", out / "steps.csv"
    tmp_parquet = parquet.with_name(f".{parquet.name}.tmp")
    tmp_csv = csv.with_name(f".{csv.name}.tmp")
    ends, depth = [], []
    writer = None
    try:
        with open(tmp_csv, "w", encoding="utf-8", newline="") as handle:
            columns = None
            for k, chunk in enumerate(_chunks(store, run_ids)):
                # Runs without a schedule have no lever: column: every chunk gets the same columns.
                columns = columns or [*chunk.columns, *(c for c in levers if c not in chunk)]
                chunk = chunk.reindex(columns=columns)
                table = pa.Table.from_pandas(chunk, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(tmp_parquet, table.schema)
                writer.write_table(table.cast(writer.schema))
                chunk.to_csv(handle, header=k == 0, index=False)
                ends.append(end_of_run(chunk, window=DEFAULT_WINDOW))
                depth.append(chunk[[c for c in DEPTH_COLUMNS if c in chunk.columns]])
            handle.flush()
            os.fsync(handle.fileno())
        writer.close()
        writer = None
        os.replace(tmp_parquet, parquet)
        os.replace(tmp_csv, csv)
    finally:
        if writer is not None:
            writer.close()
        tmp_parquet.unlink(missing_ok=True)
        tmp_csv.unlink(missing_ok=True)
    return (pd.concat(ends, ignore_index=True), pd.concat(depth, ignore_index=True),
            [parquet, csv])


#: Per-step rows read at a time when writing the batch outputs.
CHUNK_ROWS = 100_000


def _chunks(store: RunStore, run_ids: list[str]):
    """The runs' per-step tables in order, concatenated into chunks of about CHUNK_ROWS rows."""
    frames, rows = [], 0
    for frame in store.iter_results(run_ids):
        frames.append(frame.drop(columns=["run_id"]).sort_values("step", kind="stable"))
        rows += len(frame)
        if rows >= CHUNK_ROWS:
            yield pd.concat(frames, ignore_index=True)
            frames, rows = [], 0
    if frames:
        yield pd.concat(frames, ignore_index=True)


def _write_figures(steps: pd.DataFrame, summary: pd.DataFrame, out: Path,
                   scenarios: Sequence[Scenario], *, lang: str = "en",
                   figure_titles: bool = False, comparisons: pd.DataFrame | None = None
                   ) -> list[Path]:
    names = [s.name for s in scenarios if s.name in set(steps["scenario"])]
    folder = out / FIGURES
    style = {"lang": lang, "figure_titles": figure_titles}
    from sim.labels import title

    titles = ({s.name: f"{s.name}: {title(s.title, lang)}" for s in scenarios} if figure_titles
              else None)
    paths = figures.depth_shares_over_time(steps, folder / "depth_shares_over_time", names,
                                           titles, lever_periods=lever_periods(scenarios), **style)
    paths += figures.content_vs_spending(summary, folder / "content_vs_spending", names, **style)
    paths += figures.leakage_and_delay(summary, folder / "leakage_and_delay", names, **style)
    if comparisons is not None and not comparisons.empty:
        paths += figures.comparison_forest(comparisons, folder / "comparisons_forest", **style)
    return paths
