"""The run store: every finished run on disk the moment it finishes.

Layout of a store directory ``DIR``::

    DIR/batch.json               what batch this is (fingerprint of its run specs)
    DIR/runs.csv                 one row per run: labels, seed, status, error, times
    DIR/results/<run_id>.parquet one file per finished run: its per-step table

Result files are written to a hidden temporary file in ``results/`` and then
renamed (``os.replace``), so a killed batch leaves whole files or none, and
``pandas.read_parquet(DIR / "results")`` reads every finished run (hidden files
are skipped). The result files are the truth about what is done: ``runs.csv``
is rewritten atomically (at most about once a second while running, and on
:meth:`RunStore.flush`) and repaired from them when a store is reopened.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.plan import RunSpec

RESULTS = "results"
RUNS = "runs.csv"
BATCH = "batch.json"
#: Held (flock) by the process executing runs into the directory.
LOCK = ".lock"
STATUSES = ("pending", "running", "done", "failed")
#: Run-table columns besides the labels.
RUN_COLUMNS = ("run_id", "seed", "steps", "status", "attempts", "error", "traceback", "started",
               "finished", "duration_s")
#: Seconds between rewrites of runs.csv while a batch is running.
FLUSH_INTERVAL_S = 1.0


class StoreMismatchError(ValueError):
    """The directory holds the results of a different batch (use ``force`` to replace them)."""


class StoreBusyError(StoreMismatchError):
    """Another process is executing runs into the directory right now."""


def run_digest(spec: RunSpec) -> str:
    """A hash of one run's id, params, seed, steps and labels."""
    text = json.dumps({"run_id": spec.run_id, "params": spec.params, "seed": spec.seed,
                       "steps": spec.steps, "labels": spec.labels}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _same_identity(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    def norm(x: Mapping[str, Any] | None) -> str:
        return json.dumps(dict(x or {}), sort_keys=True, default=str)

    return norm(a) == norm(b)


def fingerprint(specs: Iterable[RunSpec], identity: Mapping[str, Any] | None = None) -> str:
    """A hash of the sorted run specs (id, params, seed, steps, labels) and an identity.

    Two batches with the same fingerprint compute the same runs, so one may
    resume the other.
    """
    items = sorted(
        json.dumps({"run_id": s.run_id, "params": s.params, "seed": s.seed, "steps": s.steps,
                     "labels": s.labels}, sort_keys=True, default=str) for s in specs)
    payload = json.dumps({"runs": items, "identity": identity or {}}, sort_keys=True,
                         default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a hidden temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def write_part(results_dir: str | Path, spec: RunSpec, frame: pd.DataFrame) -> Path:
    """Write one run's per-step table to ``results_dir/<run_id>.parquet`` atomically.

    A module-level function so that a worker process can store its own result
    (the parent then only records the status): converting to Parquet in the
    parent would serialise that work behind one core.

    Args:
        results_dir: the store's ``results`` directory.
        spec: the run.
        frame: its per-step table (column ``step`` and the model outputs).

    Returns:
        The path of the result file.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = frame.copy()
    front = {"run_id": spec.run_id, **spec.labels, "seed": spec.seed}
    for position, (name, value) in enumerate(front.items()):
        if name in table.columns:
            table = table.drop(columns=name)
        table.insert(position, name, value)
    path = Path(results_dir) / f"{spec.run_id}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(pa.Table.from_pandas(table, preserve_index=False), tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


class RunStore:
    """Finished runs of one batch in a directory, one Parquet file per run.

    Args:
        directory: the store directory (created if missing).

    Use :meth:`open_batch` before running to claim the directory for a batch
    (it refuses a directory holding another batch unless ``force=True``), then
    :meth:`write_result` / :meth:`record` as runs finish.
    """

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.results_dir = self.directory / RESULTS
        self.runs_path = self.directory / RUNS
        self.batch_path = self.directory / BATCH
        self._table: dict[str, dict[str, Any]] = {}
        self._label_names: list[str] = []
        self._last_flush = 0.0
        self._dirty = False
        #: Runs of an earlier batch this one extended (0 when it did not).
        self.extended_from = 0
        self._load_table()

    # ------------------------------------------------------------ batch identity
    def open_batch(self, specs: Sequence[RunSpec], *, identity: Mapping[str, Any] | None = None,
                   force: bool = False) -> str:
        """Claim the directory for the batch ``specs``; return its fingerprint.

        A directory holding the same batch is resumed as it is. One holding a
        batch that this one extends (same identity, and every run it had is a
        run of this batch with the same parameters, seed and steps: e.g. more
        replicates) is taken over with its finished runs kept. One holding a
        different batch (another fingerprint, or results with no batch.json) is
        refused with :class:`StoreMismatchError`, or emptied of its results,
        run table and batch.json first when ``force`` is true.

        Args:
            specs: every run of the batch.
            identity: extra facts that make a batch (e.g. the command's kind).
            force: replace the results of a different batch.
        """
        with self.running():  # refuse before touching anything if another process runs here
            pass
        digest = fingerprint(specs, identity)
        existing = self.batch_info()
        holds_results = self.results_dir.is_dir() and any(self.results_dir.glob("*.parquet"))
        same = existing is not None and existing.get("fingerprint") == digest
        digests = {spec.run_id: run_digest(spec) for spec in specs}
        self.extended_from = 0
        if not same and existing is not None and self._extends(existing, digests, identity):
            self.extended_from = len(existing["runs"])
        elif not same and (existing is not None or holds_results):
            if not force:
                what = (f"batch {existing.get('fingerprint')} ({existing.get('n_runs')} runs, "
                        f"created {existing.get('created')})") if existing else "results"
                raise StoreMismatchError(
                    f"{self.directory}: holds {what} of a different batch; use another "
                    "output directory, or --force to replace them")
            self._clear()
        if not same:
            info = {"fingerprint": digest, "n_runs": len(specs), "identity": dict(identity or {}),
                    "created": _now(), "runs": digests}
            self.directory.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.batch_path, json.dumps(info, indent=2, default=str) + "\n")
        self.results_dir.mkdir(parents=True, exist_ok=True)
        self.remove_partial(older_than_s=60.0)  # not a live writer's file: those last milliseconds
        self.plan(specs)
        return digest

    @staticmethod
    def _extends(existing: Mapping[str, Any], digests: Mapping[str, str],
                 identity: Mapping[str, Any] | None) -> bool:
        """True when the new batch contains every run of the existing one unchanged."""
        old = existing.get("runs")
        if not isinstance(old, dict) or not _same_identity(existing.get("identity"), identity):
            return False
        return all(digests.get(run_id) == digest for run_id, digest in old.items())

    def remove_partial(self, older_than_s: float = 0.0) -> None:
        """Delete half-written result files (``.<run_id>.*.tmp``) left by a killed writer.

        With ``older_than_s = 0`` only safe while this process holds the
        directory's lock (no other writer can be at work in it). Readers never
        see these files: they are hidden, and Parquet readers skip hidden files.
        """
        if not self.results_dir.is_dir():
            return
        cutoff = time.time() - older_than_s
        for tmp in self.results_dir.glob(".*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                if older_than_s <= 0 or tmp.stat().st_mtime < cutoff:
                    tmp.unlink()

    def batch_info(self) -> dict[str, Any] | None:
        """The content of batch.json, or None when there is none."""
        if not self.batch_path.is_file():
            return None
        try:
            return json.loads(self.batch_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {"fingerprint": "(unreadable batch.json)"}

    def _clear(self) -> None:
        if self.results_dir.is_dir():
            for part in self.results_dir.iterdir():
                if part.is_file():
                    part.unlink()
        for path in (self.runs_path, self.batch_path):
            path.unlink(missing_ok=True)
        self._table.clear()
        self._label_names = []

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Hold the directory's lock while runs execute into it.

        Two processes running the same command into one directory would compute
        the same runs twice and overwrite each other's run table; the second is
        refused instead. The lock is an ``flock`` on ``DIR/.lock``, released when
        the process ends however it ends (no stale locks). No lock where the
        platform has no ``fcntl``.

        Raises:
            StoreBusyError: another process holds the lock.
        """
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            yield
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / LOCK
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                raise StoreBusyError(
                    f"{self.directory}: another process (pid {holder}) is running a batch "
                    "here; wait for it or stop it, or use another output directory") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # ------------------------------------------------------------ run table
    def plan(self, specs: Iterable[RunSpec]) -> None:
        """Add a pending row for each spec not yet in the run table, then flush."""
        done = self.done_ids()
        for spec in specs:
            row = self._table.get(spec.run_id)
            if row is None:
                row = self._new_row(spec)
                self._table[spec.run_id] = row
            if spec.run_id in done:
                row["status"] = "done"
            elif row["status"] in ("done", "running"):
                row["status"] = "pending"  # result file gone or run cut off
        self.flush()

    def _new_row(self, spec: RunSpec) -> dict[str, Any]:
        for name in spec.labels:
            if name not in self._label_names:
                self._label_names.append(name)
        row: dict[str, Any] = {"run_id": spec.run_id, **spec.labels, "seed": spec.seed,
                               "steps": spec.steps, "status": "pending", "attempts": 0,
                               "error": "", "traceback": "", "started": "", "finished": "",
                               "duration_s": float("nan")}
        return row

    def record(self, spec: RunSpec, status: str, error: str | None = None, *,
               traceback: str | None = None, started: float | None = None,
               finished: float | None = None) -> None:
        """Set the status of a run in the run table.

        Args:
            spec: the run.
            status: one of pending, running, done, failed.
            error: a one-line error message (failed runs).
            traceback: the full traceback text (failed runs).
            started: start time (epoch seconds).
            finished: end time (epoch seconds).
        """
        if status not in STATUSES:
            raise ValueError(f"status {status!r}; allowed: {', '.join(STATUSES)}")
        row = self._table.get(spec.run_id)
        if row is None:
            row = self._table[spec.run_id] = self._new_row(spec)
        row["status"] = status
        if status == "running":
            row["attempts"] = int(row.get("attempts") or 0) + 1
        if status in ("done", "failed", "running"):
            row["error"] = error or ""
            row["traceback"] = traceback or ""
        if started is not None:
            row["started"] = _iso(started)
        if finished is not None:
            row["finished"] = _iso(finished)
            if started is not None:
                row["duration_s"] = round(finished - started, 4)
        self._dirty = True
        if time.monotonic() - self._last_flush >= FLUSH_INTERVAL_S:
            self.flush()

    def flush(self) -> None:
        """Rewrite runs.csv atomically if anything changed."""
        if not self._table:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.runs_path, self.run_table().to_csv(index=False))
        self._dirty = False
        self._last_flush = time.monotonic()

    def run_table(self) -> pd.DataFrame:
        """The run table: one row per run, labels as columns."""
        columns = ["run_id", *self._label_names, *RUN_COLUMNS[1:]]
        return pd.DataFrame(list(self._table.values()), columns=columns)

    def _load_table(self) -> None:
        if not self.runs_path.is_file():
            return
        try:
            table = pd.read_csv(self.runs_path, keep_default_na=False, dtype={"run_id": str})
        except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError):
            return
        self._label_names = [c for c in table.columns if c not in RUN_COLUMNS]
        for row in table.to_dict("records"):
            self._table[str(row["run_id"])] = row

    # ------------------------------------------------------------ results
    def result_path(self, run_id: str) -> Path:
        """Where the result of ``run_id`` is stored."""
        return self.results_dir / f"{run_id}.parquet"

    def done_ids(self) -> set[str]:
        """Ids of the runs whose result file exists."""
        if not self.results_dir.is_dir():
            return set()
        return {p.stem for p in self.results_dir.glob("*.parquet") if not p.name.startswith(".")}

    def write_result(self, spec: RunSpec, frame: pd.DataFrame) -> Path:
        """Store a finished run's per-step table atomically, with labels, run_id and seed.

        Args:
            spec: the run.
            frame: its per-step table (column ``step`` and the model outputs).

        Returns:
            The path of the result file.
        """
        return write_part(self.results_dir, spec, frame)

    def iter_results(self, run_ids: Iterable[str] | None = None, *,
                     columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """Yield the stored per-step tables one run at a time (sorted by run id).

        Args:
            run_ids: the runs (default every finished run).
            columns: read only these columns (default all).
        """
        ids = sorted(self.done_ids() if run_ids is None else run_ids)
        for run_id in ids:
            yield pd.read_parquet(self.result_path(run_id), columns=columns)

    def read_results(self, run_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """All stored per-step tables in one frame (sorted by run id, then step)."""
        frames = list(self.iter_results(run_ids))
        if not frames:
            return pd.DataFrame()
        return pd.concat(frames, ignore_index=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
