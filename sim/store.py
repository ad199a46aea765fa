"""The run store: every finished run on disk the moment it finishes, in few files.

Layout of a store directory ``DIR``::

    DIR/batch.json               what batch this is (fingerprint of its run specs)
    DIR/runs.sqlite              the run table: one row per run (labels, seed, status,
                                 error, times) and where its result is
    DIR/runs.csv                 the run table exported, when a call ends
    DIR/parts/<writer>.arrows    one append-only file per writing process (each
                                 local worker writes its own; the batch process
                                 writes what remote workers send back): an Arrow
                                 IPC stream, one record batch per finished run (or
                                 per few runs finished together)
    DIR/results/part-NNNNN.parquet  compacted results: many runs per file, sorted
                                 by run id, then step

As Mesa's batch-runner redesign plans it (mesa/mesa#3768): each worker appends
to its own part file, so a sweep makes a handful of files, not one per run
(shared cluster file systems are slow at, and admins wary of, many small
files); :meth:`RunStore.compact` merges the parts into ``results/`` at the end
of a call and when a store is reopened; the run table is an SQLite database
(WAL mode), safe for a reader beside the writer, instead of a CSV rewritten
whole as runs finish.

What survives a kill: a part file is only appended to, one whole record batch
per run (or per few runs stored together, :meth:`RunStore.write_results`), in
one write each, so a killed writer leaves every earlier run readable and at
most a torn last batch, which readers skip; the runner records a run as done
only once its batch is written. Compaction writes a hidden temporary file
and renames it, then records the new locations, then deletes the parts it
merged; a kill between any two steps is repaired when the store is reopened
(results files the table does not know are indexed, parts already merged are
dropped). The stored results are the truth about what is done: statuses are
repaired from them on reopening. A result file that cannot be read (0 bytes,
overwritten) is moved to ``DIR/quarantine/`` with a message, and its runs are
run again. ``pandas.read_parquet(DIR / "results")`` reads every compacted run
(hidden files are skipped).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import socket
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.plan import RunSpec

RESULTS = "results"
PARTS = "parts"
QUARANTINE = "quarantine"
RUNS = "runs.csv"
DB = "runs.sqlite"
BATCH = "batch.json"
#: Held (flock) by the process executing runs into the directory.
LOCK = ".lock"
STATUSES = ("pending", "running", "done", "failed")
#: Run-table columns besides the labels.
RUN_COLUMNS = ("run_id", "seed", "steps", "status", "attempts", "error", "traceback", "started",
               "finished", "duration_s")
PART_SUFFIX = ".arrows"
#: Runs read from the results at a time by :meth:`RunStore.iter_results`.
READ_CHUNK_RUNS = 256
#: Rows per Parquet row group of a compacted file (readers skip groups by run id).
ROW_GROUP_ROWS = 16_384


class StoreMismatchError(ValueError):
    """The directory holds the results of a different batch (use ``force`` to replace them)."""


class StoreBusyError(StoreMismatchError):
    """Another process is executing runs into the directory right now."""


def _file_digests(params: Mapping[str, Any],
                  seen: dict[str, str] | None = None) -> dict[str, str]:
    """The content hash of every input file a run reads (parameters named ``*_file``).

    A run's result depends on what the file holds, not on its name: editing a
    network file makes every run that reads it a different run (issue 13, item 2).
    ``seen`` keeps the hashes of files already read, by path, for one batch.
    """
    digests = {}
    for name, value in sorted(params.items()):
        if not name.endswith("_file") or not isinstance(value, str) or not value:
            continue
        if seen is not None and value in seen:
            digests[name] = seen[value]
            continue
        digest = hashlib.sha256()
        for path in _files_read(Path(value)):
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(f"(unreadable {path.name})".encode())
        digests[name] = digest.hexdigest()[:16]
        if seen is not None:
            seen[value] = digests[name]
    return digests


def _files_read(path: Path) -> list[Path]:
    """The files a run reads for an input file: a CSV network is its nodes and edges pair."""
    for suffix in ("-nodes.csv", "-edges.csv"):
        if path.name.endswith(suffix):
            base = path.name[: -len(suffix)]
            return [path.with_name(f"{base}-nodes.csv"), path.with_name(f"{base}-edges.csv")]
    return [path]


def _spec_text(spec: RunSpec, seen: dict[str, str] | None = None) -> str:
    item = {"run_id": spec.run_id, "params": spec.params, "seed": spec.seed,
            "steps": spec.steps, "labels": spec.labels}
    files = _file_digests(spec.params, seen)
    if files:  # only then: runs reading no file keep the fingerprints of earlier versions
        item["files"] = files
    return json.dumps(item, sort_keys=True, default=str)


def run_digest(spec: RunSpec) -> str:
    """A hash of one run's id, params (and the content of files they name), seed, steps, labels."""
    return _digest(_spec_text(spec))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _same_identity(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    def norm(x: Mapping[str, Any] | None) -> str:
        return json.dumps(dict(x or {}), sort_keys=True, default=str)

    return norm(a) == norm(b)


def fingerprint(specs: Iterable[RunSpec], identity: Mapping[str, Any] | None = None) -> str:
    """A hash of the sorted run specs (id, params, input files, seed, steps, labels) and an identity.

    Two batches with the same fingerprint compute the same runs, so one may
    resume the other.
    """
    seen: dict[str, str] = {}
    return _fingerprint_of([_spec_text(s, seen) for s in specs], identity)


def _fingerprint_of(texts: Iterable[str], identity: Mapping[str, Any] | None) -> str:
    payload = json.dumps({"runs": sorted(texts), "identity": identity or {}}, sort_keys=True,
                         default=str)
    return _digest(payload)


#: Test hook: the process kills itself (SIGKILL) at its N-th durable write, after
#: the data is on disk and before it is published (rename, or a run's record
#: appended). Tests kill commands at seeded points this way instead of racing them.
KILL_AT_WRITE_ENV = "COOPSIM_TEST_KILL_AT_WRITE"
_writes_seen = 0


def _kill_point() -> None:
    """SIGKILL this process at the write that :data:`KILL_AT_WRITE_ENV` names (tests only)."""
    global _writes_seen
    target = os.environ.get(KILL_AT_WRITE_ENV)
    if not target:
        return
    _writes_seen += 1
    if _writes_seen == int(target):
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a hidden temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _kill_point()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A hidden temporary path beside ``path``, renamed to ``path`` if the block succeeds.

    For writers that want a file name (figures, Parquet): a kill or an error
    leaves the old ``path`` (or none), never a half-written one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.",
                               suffix=f"{path.suffix}.tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        _kill_point()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- part files
def result_table(spec: RunSpec, frame: pd.DataFrame) -> Any:
    """One run's per-step table as an Arrow table: ``run_id``, labels, ``seed``, then ``frame``."""
    import pyarrow as pa

    table = frame.copy()
    front = {"run_id": spec.run_id, **spec.labels, "seed": spec.seed}
    for position, (name, value) in enumerate(front.items()):
        if name in table.columns:
            table = table.drop(columns=name)
        table.insert(position, name, value)
    return pa.Table.from_pandas(table, preserve_index=False)


@dataclass(frozen=True)
class EncodedResult:
    """One run's per-step table as Arrow IPC messages, made where the run ran.

    The writer of a part file only appends ``batch`` (after ``schema``, once per
    file), so the process that stores results from many workers does no
    conversion per run.

    Attributes:
        schema: the Arrow IPC schema message of the table.
        batch: the Arrow IPC record batch message of the run's rows.
    """

    schema: bytes
    batch: bytes


#: Per result shape (frame columns and dtypes, label names and value types): the
#: Arrow schema that :func:`result_table` gives it, its IPC message, its field types.
_SCHEMAS: dict[tuple, tuple[Any, bytes, list[Any]]] = {}


def encode_result(spec: RunSpec, frame: pd.DataFrame) -> EncodedResult:
    """One run's table (as :func:`result_table` makes it) as Arrow IPC messages.

    :func:`result_table` goes through ``pyarrow.Table.from_pandas``, about 2 ms
    per county run, most of it per-column bookkeeping that is the same for
    every run of a sweep. So the first run of each shape goes through it and
    leaves its schema here; later runs of that shape build their columns
    straight from the frame's arrays (NaN stored as null, as ``from_pandas``
    does) and are checked against that schema, falling back to
    :func:`result_table` for anything that does not fit.
    """
    return encode_results([spec], [frame])[0]


def encode_results(specs: Sequence[RunSpec], frames: Sequence[pd.DataFrame]
                   ) -> list[EncodedResult]:
    """Several runs' tables as few record batches (see :func:`encode_result`).

    Consecutive runs of one known shape share one record batch, their rows one
    run after another: the per-column work is then done once for all of them.
    """
    out: list[EncodedResult] = []
    group: list[tuple[RunSpec, dict[str, Any], pd.DataFrame]] = []
    group_key: tuple | None = None

    def close_group() -> None:
        if group:
            known = _SCHEMAS[group_key]
            batch = _fast_batch([(front, frame) for _, front, frame in group], *known[::2])
            if batch is not None:
                out.append(EncodedResult(known[1], batch.serialize().to_pybytes()))
            else:
                out.extend(_slow_result(spec, frame, group_key) for spec, _, frame in group)
            group.clear()

    for spec, frame in zip(specs, frames, strict=True):
        front = {"run_id": spec.run_id, **spec.labels, "seed": spec.seed}
        key = (*frame.columns.tolist(), *frame.dtypes.tolist(),
               *((name, type(value)) for name, value in front.items()))
        if key != group_key:
            close_group()
            group_key = key
        if key in _SCHEMAS:
            group.append((spec, front, frame))
        else:
            out.append(_slow_result(spec, frame, key))
    close_group()
    return out


def _slow_result(spec: RunSpec, frame: pd.DataFrame, key: tuple) -> EncodedResult:
    """One run through :func:`result_table`, leaving its schema for the runs after it."""
    table = result_table(spec, frame)
    batches = table.combine_chunks().to_batches() or [_empty_batch(table.schema)]
    if len(batches) != 1:
        raise ValueError(f"a run's table must be one record batch, got {len(batches)}")
    batch = batches[0]
    if _dictionary_free(table.schema):  # dictionaries would need messages of their own
        known = _SCHEMAS.setdefault(key, (table.schema, table.schema.serialize().to_pybytes(),
                                          table.schema.types))
    else:
        batch = _decode_dictionaries(batch)
        known = (batch.schema, batch.schema.serialize().to_pybytes(), batch.schema.types)
    return EncodedResult(known[1], batch.serialize().to_pybytes())


def _fast_batch(runs: Sequence[tuple[Mapping[str, Any], pd.DataFrame]], schema: Any,
                types: list[Any]) -> Any:
    """The rows :func:`result_table` would give ``runs``, as one record batch.

    ``runs`` are (label values, frame) pairs of one shape; their rows go one run
    after another. None when a column does not fit the schema.
    """
    import numpy as np
    import pyarrow as pa

    first = runs[0][1]
    names, dtypes = first.columns.tolist(), first.dtypes.tolist()
    if len(set(names)) != len(names):
        return None
    rows = [len(frame) for _, frame in runs]
    total = sum(rows)
    fronts = list(zip(*(list(front.values()) for front, _ in runs), strict=True))
    arrays = [pa.array([v for value, n in zip(values, rows, strict=True) for v in [value] * n],
                       type=kind, from_pandas=True)
              for kind, values in zip(types, fronts, strict=False)]
    f64 = np.dtype(np.float64)
    is_float = [d == f64 for d in dtypes]
    floats = None
    if any(is_float) and all(isinstance(d, np.dtype) and d.kind in "biuf" for d in dtypes):
        # Every frame as floats in one array, sliced per column: pandas hands out
        # one column only through a Series (~20 us each), and one Arrow array per
        # column costs a few microseconds more than one slice.
        block = np.concatenate([frame.to_numpy(dtype=f64) for _, frame in runs])
        floats = pa.array(np.ascontiguousarray(block.T).ravel(), from_pandas=True)
    front_names = set(runs[0][0])
    for position, name in enumerate(names):
        if name in front_names:
            continue
        if floats is not None and is_float[position]:
            arrays.append(floats.slice(position * total, total))
        else:
            parts = [_column(frame, position) for _, frame in runs]
            arrays.append(pa.array(parts[0] if len(parts) == 1 else np.concatenate(parts),
                                   from_pandas=True))
    if len(arrays) != len(types) or any(
            a.type != kind for a, kind in zip(arrays, types, strict=True)):
        return None
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _column(frame: pd.DataFrame, position: int) -> Any:
    """One column's values, by pandas' own accessor (2 us) where it has one.

    Through a Series it takes about 40 us.
    """
    getter = getattr(frame, "_get_column_array", None)
    return getter(position) if getter is not None else frame.iloc[:, position].to_numpy()


def _empty_batch(schema: Any) -> Any:
    import pyarrow as pa

    return pa.RecordBatch.from_pylist([], schema=schema)


def _dictionary_free(schema: Any) -> bool:
    import pyarrow as pa

    return not any(pa.types.is_dictionary(field.type) for field in schema)


def _decode_dictionaries(batch: Any) -> Any:
    """``batch`` with categorical (dictionary) columns stored as their values."""
    import pyarrow as pa

    arrays = [a.dictionary_decode() if pa.types.is_dictionary(a.type) else a
              for a in batch.columns]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


#: Marks the end of an Arrow IPC stream (what the stream writer writes on close).
_END_OF_STREAM = b"\xff\xff\xff\xff\x00\x00\x00\x00"


class _PartWriter:
    """This process's append-only part file in one store: an Arrow IPC stream.

    Written as raw messages: the schema when the file is created, then each
    record batch (one run, or a few stored together) in one ``write``
    (unbuffered: it reaches the OS when it is written, as with the stream
    writer; the bytes are the same).
    """

    def __init__(self, parts_dir: Path, schema: bytes):
        parts_dir.mkdir(parents=True, exist_ok=True)
        name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}{PART_SUFFIX}"
        self.path = parts_dir / name
        self.schema = schema
        self.pid = os.getpid()  # a forked child inherits the object, never the file
        self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                                       | os.O_APPEND, 0o644)
        self._write(schema)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view):]

    def append(self, encoded: EncodedResult) -> None:
        # One write per record batch: a torn write loses this batch's runs only.
        _kill_point()
        self._write(encoded.batch)

    def close(self) -> None:
        if self._fd is None or self.pid != os.getpid():
            return
        with contextlib.suppress(OSError):
            self._write(_END_OF_STREAM)
        with contextlib.suppress(OSError):
            os.close(self._fd)
        self._fd = None


#: Open part writers of this process, by store directory.
_WRITERS: dict[str, _PartWriter] = {}


@functools.lru_cache(maxsize=64)
def _store_key(directory: str | Path) -> str:
    """One name for a store directory however it is spelt (resolved once, not per run)."""
    return str(Path(directory).resolve())


def write_part(directory: str | Path, spec: RunSpec,
               frame: pd.DataFrame | EncodedResult) -> Path:
    """Append one run's per-step table to this process's part file in store ``directory``.

    A module-level function so that a local worker process stores its own
    result (the parent then only records the status). A run whose columns
    differ from the open part file's starts a new part file.

    Args:
        directory: the store directory (``DIR``).
        spec: the run.
        frame: its per-step table (column ``step`` and the model outputs), or
            that table already encoded by :func:`encode_result`.

    Returns:
        The part file written to.
    """
    encoded = frame if isinstance(frame, EncodedResult) else encode_result(spec, frame)
    return _append(directory, encoded)


def write_parts(directory: str | Path, specs: Sequence[RunSpec],
                frames: Sequence[pd.DataFrame]) -> None:
    """Append several finished runs to this process's part file, as few record batches.

    Each batch goes in one write: a writer killed in the middle loses the runs of
    that batch only (store them before recording them as done).
    """
    for encoded in encode_results(specs, frames):
        _append(directory, encoded)


def _append(directory: str | Path, encoded: EncodedResult) -> Path:
    key = _store_key(directory)
    writer = _WRITERS.get(key)
    if writer is not None and writer.pid != os.getpid():
        writer = None  # the parent's, inherited by fork: this process starts its own
    elif writer is not None and (writer.schema != encoded.schema or not writer.path.exists()):
        writer.close()
        writer = None
    if writer is None:
        writer = _WRITERS[key] = _PartWriter(Path(directory) / PARTS, encoded.schema)
    writer.append(encoded)
    return writer.path


def close_parts(directory: str | Path | None = None) -> None:
    """Close this process's part files (of one store, or all)."""
    keys = list(_WRITERS) if directory is None else [_store_key(directory)]
    for key in keys:
        writer = _WRITERS.pop(key, None)
        if writer is not None:
            writer.close()


def read_part(path: Path) -> tuple[list[Any], bool]:
    """The whole record batches of a part file, and whether the file ended cleanly.

    A torn last batch (a writer killed mid-write) or trailing garbage ends the
    read; everything before it is returned.
    """
    import pyarrow as pa

    batches, clean = [], True
    try:
        with pa.memory_map(str(path)) as source:
            reader = pa.ipc.open_stream(source)
            while True:
                try:
                    batches.append(reader.read_next_batch())
                except StopIteration:
                    break
    except (pa.ArrowInvalid, OSError, ValueError):
        clean = False
    return batches, clean


class _CompactedWriter:
    """Writes compacted result files from record batches, a row group at a time.

    Each file goes to a hidden temporary name and is renamed when complete; a
    run whose columns cannot be cast to the open file's starts the next file.
    """

    def __init__(self, store: RunStore):
        self.store = store
        self.written: list[tuple[Path, list[str]]] = []
        self._writer = None
        self._schema = None
        self._tmp: Path | None = None
        self._target: Path | None = None
        self._ids: list[str] = []
        self._buffer: list[Any] = []
        self._rows = 0

    def add(self, batch: Any, run_ids: list[str]) -> None:
        """Add ``batch``, holding the rows of ``run_ids``."""
        import pyarrow as pa

        table = pa.Table.from_batches([batch])
        if self._schema is not None and not table.schema.equals(self._schema):
            try:  # same columns in another order or type: fit them; never drop one
                if set(table.schema.names) != set(self._schema.names):
                    raise ValueError("other columns")
                table = table.select(self._schema.names).cast(self._schema)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, KeyError, ValueError):
                self._finish_file()
        if self._schema is None:
            self._open(table.schema)
        # A run's own table in step order (as the runner writes it) needs no
        # sorting of its rows: sorting the runs by id is then enough.
        steps = table.column("step").to_numpy() if "step" in table.column_names else None
        ordered = len(run_ids) == 1 and steps is not None and bool((steps[1:] >= steps[:-1]).all())
        self._buffer.append((run_ids[0] if ordered else None, table))
        self._rows += table.num_rows
        self._ids += run_ids
        if self._rows >= ROW_GROUP_ROWS:
            self._flush()

    def _open(self, schema: Any) -> None:
        import pyarrow.parquet as pq

        self._schema = schema
        number = self.store._next_number()  # counts the files this writer renamed already
        self._target = self.store.results_dir / f"part-{number:05d}.parquet"
        self._target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self._target.parent, prefix=f".{self._target.stem}.",
                                   suffix=".parquet.tmp")
        os.close(fd)
        self._tmp = Path(tmp)
        self._writer = pq.ParquetWriter(str(self._tmp), schema)

    def _flush(self) -> None:
        import pyarrow as pa

        if self._buffer:
            if all(run_id is not None for run_id, _ in self._buffer):
                table = pa.concat_tables([t for _, t in sorted(self._buffer,
                                                               key=lambda item: item[0])])
            else:
                table = pa.concat_tables([t for _, t in self._buffer]).sort_by(
                    [("run_id", "ascending"), ("step", "ascending")])
            self._writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
        self._buffer, self._rows = [], 0

    def _finish_file(self) -> None:
        if self._writer is None:
            return
        self._flush()
        self._writer.close()
        _kill_point()
        os.replace(self._tmp, self._target)
        self.written.append((self._target, self._ids))
        self._writer = self._schema = self._tmp = self._target = None
        self._ids = []

    def close(self) -> list[tuple[Path, list[str]]]:
        self._finish_file()
        return self.written

    def abort(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------- the store
class RunStore:
    """Finished runs of one batch in a directory: part files, compacted results, a run table.

    Args:
        directory: the store directory (created when a batch is opened).

    Use :meth:`open_batch` before running to claim the directory for a batch
    (it refuses a directory holding another batch unless ``force=True``), then
    :meth:`write_result` / :meth:`record` as runs finish, and :meth:`compact`
    at the end.
    """

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.results_dir = self.directory / RESULTS
        self.parts_dir = self.directory / PARTS
        self.runs_path = self.directory / RUNS
        self.db_path = self.directory / DB
        self.batch_path = self.directory / BATCH
        self._db: sqlite3.Connection | None = None
        #: Runs of an earlier batch this one extended (0 when it did not).
        self.extended_from = 0
        #: Messages about damaged files found and set aside (also printed to stderr).
        self.quarantined: list[str] = []
        self._locked = 0

    # ------------------------------------------------------------ database
    def _conn(self, create: bool = True) -> sqlite3.Connection | None:
        if self._db is not None:
            return self._db
        if not create and not self.db_path.is_file():
            return None
        self.directory.mkdir(parents=True, exist_ok=True)
        # Used from one thread at a time, not always the one that opened it (the
        # runner's timer stores held runs while the next one runs).
        db = sqlite3.connect(self.db_path, timeout=30, isolation_level=None,
                             check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # a crash loses at most the last commits
        db.execute("""CREATE TABLE IF NOT EXISTS runs (
            run_id TEXT PRIMARY KEY, position INTEGER, labels TEXT, seed INTEGER,
            steps INTEGER, status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER DEFAULT 0,
            error TEXT DEFAULT '', traceback TEXT DEFAULT '', started TEXT DEFAULT '',
            finished TEXT DEFAULT '', duration_s REAL, location TEXT)""")
        self._db = db
        return db

    def close(self) -> None:
        """Close the run table's database connection."""
        if self._db is not None:
            self._db.close()
            self._db = None

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
        run table and batch.json first when ``force`` is true. Reopening
        repairs the store (see the module docstring) and compacts its parts.

        Args:
            specs: every run of the batch.
            identity: extra facts that make a batch (e.g. the command's kind).
            force: replace the results of a different batch.
        """
        with self.running():  # nobody else writes here while we repair and claim
            seen: dict[str, str] = {}  # each input file read once, not once per run
            texts = [_spec_text(spec, seen) for spec in specs]
            digest = _fingerprint_of(texts, identity)  # = fingerprint(specs, identity)
            existing = self.batch_info()
            same = existing is not None and existing.get("fingerprint") == digest
            digests = {spec.run_id: _digest(text) for spec, text in zip(specs, texts, strict=True)}
            self.extended_from = 0
            if not same and existing is not None and self._extends(existing, digests, identity):
                self.extended_from = len(existing["runs"])
            elif not same and (existing is not None or self._holds_results()):
                if not force:
                    raise StoreMismatchError(
                        f"{self.directory}: holds {_describe(existing)} of a different batch; "
                        "use another output directory, or --force to replace them")
                self._clear()
            if not same:
                info = {"fingerprint": digest, "n_runs": len(specs),
                        "identity": dict(identity or {}), "created": _now(), "runs": digests}
                atomic_write_text(self.batch_path, json.dumps(info, indent=2, default=str) + "\n")
            self.repair()
            self.compact()
            self.plan(specs)
        return digest

    def _holds_results(self) -> bool:
        return any(self._result_files()) or any(self._part_files())

    @staticmethod
    def _extends(existing: Mapping[str, Any], digests: Mapping[str, str],
                 identity: Mapping[str, Any] | None) -> bool:
        """True when the new batch contains every run of the existing one unchanged."""
        old = existing.get("runs")
        if not isinstance(old, dict) or not _same_identity(existing.get("identity"), identity):
            return False
        return all(digests.get(run_id) == digest for run_id, digest in old.items())

    def batch_info(self) -> dict[str, Any] | None:
        """The content of batch.json, or None when there is none."""
        if not self.batch_path.is_file():
            return None
        try:
            info = json.loads(self.batch_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError):
            info = None
        if not isinstance(info, dict) or not isinstance(info.get("fingerprint"), str):
            return {"fingerprint": "(unreadable batch.json)", "unreadable": True}
        return info

    def _clear(self) -> None:
        self.close()
        for folder in (self.results_dir, self.parts_dir):
            if folder.is_dir():
                for part in folder.iterdir():
                    if part.is_file():
                        part.unlink()
        for path in (self.runs_path, self.batch_path, self.db_path,
                     self.db_path.with_name(DB + "-wal"), self.db_path.with_name(DB + "-shm")):
            path.unlink(missing_ok=True)

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Hold the directory's lock while runs execute into it (re-entrant in one process).

        Two processes running the same command into one directory would compute
        the same runs twice and overwrite each other's run table; the second is
        refused instead. The lock is an ``flock`` on ``DIR/.lock``, released when
        the process ends however it ends (no stale locks). No lock where the
        platform has no ``fcntl``.

        Raises:
            StoreBusyError: another process holds the lock.
        """
        if self._locked:
            self._locked += 1
            try:
                yield
            finally:
                self._locked -= 1
            return
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
            self._locked = 1
            try:
                yield
            finally:
                self._locked = 0
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # ------------------------------------------------------------ repair and compaction
    def remove_partial(self, older_than_s: float = 0.0) -> None:
        """Delete hidden temporary files (``.*.tmp``) a killed writer left anywhere in the directory.

        That is the store's own files and every output written beside them
        (figures, tables, reports). With ``older_than_s = 0`` only safe while
        this process holds the directory's lock: only the lock holder writes
        temporary files here (workers append to part files), so any other is a
        dead writer's.
        """
        cutoff = time.time() - older_than_s
        if not self.directory.is_dir():
            return
        for tmp in self.directory.rglob(".*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                if older_than_s <= 0 or tmp.stat().st_mtime < cutoff:
                    tmp.unlink()

    def repair(self) -> None:
        """Make the run table agree with the files (call while holding the lock).

        Removes temporary files, sets damaged result files aside, indexes result
        files the table does not know (a compaction killed before it recorded
        them, or an older store's one-file-per-run results) and forgets
        locations whose file is gone.
        """
        db = self._conn()
        self.remove_partial()
        known = {row[0] for row in db.execute(
            "SELECT DISTINCT location FROM runs WHERE location IS NOT NULL")}
        present = set()
        for path in self._result_files():
            name = path.name
            try:  # the footer of a known file; the run ids of an unknown one
                ids = _run_ids_of(path) if name not in known else _check_footer(path)
            except Exception as err:  # noqa: BLE001 - any unreadable file is set aside
                self._quarantine(path, err)
                continue
            present.add(name)
            if name not in known:
                db.execute("BEGIN")
                for run_id in ids:
                    db.execute("INSERT INTO runs (run_id, location) VALUES (?, ?) ON CONFLICT"
                               "(run_id) DO UPDATE SET location = excluded.location WHERE "
                               "location IS NULL", (run_id, name))
                db.execute("COMMIT")
        for name in known - present:
            db.execute("UPDATE runs SET location = NULL WHERE location = ?", (name,))
        for path in self._part_files():
            batches, clean = read_part(path)
            if not batches and not clean:
                self._quarantine(path, "not an Arrow stream")

    def _quarantine(self, path: Path, reason: Any) -> None:
        target = self.directory / QUARANTINE / f"{path.name}.{int(time.time())}"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        line = str(reason).splitlines()[0] if str(reason) else type(reason).__name__
        message = (f"{path}: damaged result file ({line}); moved to {target}; its runs will "
                   "be run again")
        self.quarantined.append(message)
        print(f"warning: {message}", file=sys.stderr)

    def compact(self) -> list[Path]:
        """Merge the part files into new ``results/part-NNNNN.parquet`` files; return them.

        Call while holding the lock (the end of :func:`sim.runner.execute`, and
        :meth:`open_batch`). Streams run by run, so memory does not grow with
        the number of runs. Runs already in ``results/`` are not copied again;
        a part whose runs are all compacted is deleted.
        """
        close_parts(self.directory)
        parts = list(self._part_files())
        if not parts:
            return []
        db = self._conn()
        located = self._located()
        out = _CompactedWriter(self)
        try:
            for path in parts:
                for whole in read_part(path)[0]:
                    for batch, run_ids in _by_run(whole):
                        if all(r in located for r in run_ids):
                            continue
                        out.add(batch, run_ids)
                        located.update(dict.fromkeys(run_ids, ""))
            written = out.close()
        except BaseException:
            out.abort()
            raise
        db.execute("BEGIN")
        for target, ids in written:
            db.executemany("INSERT INTO runs (run_id, location) VALUES (?, ?) ON CONFLICT"
                           "(run_id) DO UPDATE SET location = excluded.location",
                           [(r, target.name) for r in ids])
            db.execute("UPDATE runs SET status = 'done' WHERE location = ? AND status != 'done'",
                       (target.name,))
        db.execute("COMMIT")
        for path in parts:  # only now: the runs are safe in results/ and recorded
            path.unlink(missing_ok=True)
        return [target for target, _ in written]

    def _next_number(self) -> int:
        numbers = [int(p.stem.split("-")[1]) for p in self._result_files()
                   if p.stem.startswith("part-") and p.stem.split("-")[1].isdigit()]
        return max(numbers, default=-1) + 1

    def _result_files(self) -> Iterator[Path]:
        if self.results_dir.is_dir():
            yield from sorted(p for p in self.results_dir.glob("*.parquet")
                              if not p.name.startswith("."))

    def _part_files(self) -> Iterator[Path]:
        if self.parts_dir.is_dir():
            yield from sorted(p for p in self.parts_dir.glob(f"*{PART_SUFFIX}")
                              if not p.name.startswith("."))

    def _located(self) -> dict[str, str]:
        db = self._conn(create=False)
        if db is None:
            return {}
        return dict(db.execute("SELECT run_id, location FROM runs WHERE location IS NOT NULL"))

    # ------------------------------------------------------------ run table
    def plan(self, specs: Iterable[RunSpec]) -> None:
        """Add a pending row for each spec not yet in the run table; repair statuses; flush."""
        db = self._conn()
        done = self.done_ids()
        db.execute("BEGIN")
        for position, spec in enumerate(specs):
            db.execute(
                "INSERT INTO runs (run_id, position, labels, seed, steps) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(run_id) DO UPDATE SET position = excluded.position, labels = "
                "excluded.labels, seed = excluded.seed, steps = excluded.steps",
                (spec.run_id, position, json.dumps(spec.labels, default=str), spec.seed,
                 spec.steps))
        db.execute("UPDATE runs SET status = 'pending' WHERE status IN ('done', 'running')")
        db.executemany("UPDATE runs SET status = 'done' WHERE run_id = ?",
                       [(r,) for r in done])
        db.execute("COMMIT")
        self.flush()

    def record(self, spec: RunSpec, status: str, error: str | None = None, *,
               traceback: str | None = None, started: float | None = None,
               finished: float | None = None) -> None:
        """Set the status of a run in the run table (committed at once).

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
        db = self._conn()
        sets = ["status = ?"]
        values: list[Any] = [status]
        if status == "running":
            sets.append("attempts = COALESCE(attempts, 0) + 1")
        if status in ("done", "failed", "running"):
            sets += ["error = ?", "traceback = ?"]
            values += [error or "", traceback or ""]
        if started is not None:
            sets.append("started = ?")
            values.append(_iso(started))
        if finished is not None:
            sets.append("finished = ?")
            values.append(_iso(finished))
            if started is not None:
                sets.append("duration_s = ?")
                values.append(round(finished - started, 4))
        update = f"UPDATE runs SET {', '.join(sets)} WHERE run_id = ?"
        if db.execute(update, (*values, spec.run_id)).rowcount:
            return  # the usual case: plan() made the row
        # A run not planned: a row after the others (MAX scans the table, so only here).
        db.execute("INSERT INTO runs (run_id, position, labels, seed, steps) VALUES "
                   "(?, (SELECT COALESCE(MAX(position), -1) + 1 FROM runs), ?, ?, ?) "
                   "ON CONFLICT(run_id) DO NOTHING",
                   (spec.run_id, json.dumps(spec.labels, default=str), spec.seed, spec.steps))
        db.execute(update, (*values, spec.run_id))

    @contextlib.contextmanager
    def together(self) -> Iterator[None]:
        """Commit the run-table changes of the block as one transaction.

        Cheaper than one each; committed however the block ends.
        """
        db = self._conn()
        if db.in_transaction:
            yield
            return
        db.execute("BEGIN")
        try:
            yield
        finally:
            db.execute("COMMIT")

    def interrupted(self) -> None:
        """Mark runs cut off while running as pending again (issue 13, item 20)."""
        db = self._conn(create=False)
        if db is not None:
            db.execute("UPDATE runs SET status = 'pending' WHERE status = 'running'")

    def flush(self) -> None:
        """Export the run table to runs.csv atomically."""
        table = self.run_table()
        if table.empty:
            return
        atomic_write_text(self.runs_path, table.to_csv(index=False))

    def run_table(self) -> pd.DataFrame:
        """The run table: one row per planned run, labels as columns, in plan order."""
        db = self._conn(create=False)
        if db is None:
            return pd.DataFrame(columns=list(RUN_COLUMNS))
        rows = db.execute(
            "SELECT run_id, labels, seed, steps, status, attempts, error, traceback, started, "
            "finished, duration_s FROM runs WHERE labels IS NOT NULL ORDER BY position, run_id"
        ).fetchall()
        labels: dict[str, None] = {}
        records = []
        for run_id, text, seed, steps, status, attempts, error, trace, start, end, took in rows:
            values = json.loads(text) if text else {}
            labels.update(dict.fromkeys(values))
            records.append({"run_id": run_id, **values, "seed": seed, "steps": steps,
                            "status": status, "attempts": attempts or 0, "error": error or "",
                            "traceback": trace or "", "started": start or "",
                            "finished": end or "",
                            "duration_s": float("nan") if took is None else took})
        return pd.DataFrame(records, columns=["run_id", *labels, *RUN_COLUMNS[1:]])

    # ------------------------------------------------------------ results
    def done_ids(self) -> set[str]:
        """Ids of the runs whose result is stored (in ``results/`` or a part file)."""
        done = set(self._located())
        for path in self._part_files():
            for batch in read_part(path)[0]:
                done.update(batch.column("run_id").unique().to_pylist())
        return done

    def write_result(self, spec: RunSpec, frame: pd.DataFrame | EncodedResult) -> Path:
        """Store a finished run's per-step table, with labels, run_id and seed.

        Appends to this process's part file (see :func:`write_part`); ``frame``
        may be the table already encoded where the run ran (:func:`encode_result`).

        Returns:
            The part file.
        """
        return write_part(self.directory, spec, frame)

    def write_results(self, specs: Sequence[RunSpec], frames: Sequence[pd.DataFrame]) -> None:
        """Store several finished runs at once (fewer, larger writes; see :func:`write_parts`)."""
        write_parts(self.directory, specs, frames)

    def iter_results(self, run_ids: Iterable[str] | None = None, *,
                     columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """Yield the stored per-step tables one run at a time.

        Args:
            run_ids: the runs, yielded in this order (default every stored run,
                sorted by run id); runs not stored are skipped.
            columns: read only these columns (default all).
        """
        located = self._located()
        in_parts = self._part_index()
        ids = sorted(set(located) | set(in_parts)) if run_ids is None else list(run_ids)
        for start in range(0, len(ids), READ_CHUNK_RUNS):
            chunk = ids[start:start + READ_CHUNK_RUNS]
            tables = self._read_chunk(chunk, located, in_parts, columns)
            for run_id in chunk:
                if run_id in tables:
                    yield tables[run_id]

    def _part_index(self) -> dict[str, Any]:
        """Run id -> its record batch, for the runs in part files not yet compacted."""
        index: dict[str, Any] = {}
        for path in self._part_files():
            for batch in read_part(path)[0]:
                for run_id in batch.column("run_id").unique().to_pylist():
                    index.setdefault(run_id, batch)
        return index

    def _read_chunk(self, chunk: list[str], located: Mapping[str, str],
                    in_parts: Mapping[str, Any], columns: Sequence[str] | None
                    ) -> dict[str, pd.DataFrame]:
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        by_file: dict[str, list[str]] = {}
        for run_id in chunk:
            if run_id in located:
                by_file.setdefault(located[run_id], []).append(run_id)
        frames: dict[str, pd.DataFrame] = {}
        for name, wanted in by_file.items():
            table = pq.read_table(self.results_dir / name, columns=_with_id(columns),
                                  filters=[("run_id", "in", wanted)])
            frames.update(_split(table.to_pandas(), columns))
        for run_id in chunk:
            if run_id not in frames and run_id in in_parts:
                batch = in_parts[run_id]
                mask = pc.equal(batch.column("run_id"), run_id)
                table = batch.filter(mask).to_pandas()
                frames[run_id] = table[list(columns)] if columns else table
        return frames

    def read_results(self, run_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Stored per-step tables in one frame (sorted by run id, then step)."""
        frames = list(self.iter_results(None if run_ids is None else sorted(run_ids)))
        if not frames:
            return pd.DataFrame()
        return pd.concat(frames, ignore_index=True)


def _by_run(batch: Any) -> list[tuple[Any, list[str]]]:
    """``batch`` cut into one slice per run, each with its run id.

    When some run's rows are not together (the store writes them together), the
    batch stays whole, with all its ids.
    """
    import numpy as np

    encoded = batch.column("run_id").dictionary_encode()
    ids = encoded.dictionary.to_pylist()
    if len(ids) <= 1:
        return [(batch, ids)]
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(np.diff(codes)) + 1
    if len(starts) + 1 != len(ids):  # some run's rows are not together
        return [(batch, ids)]
    bounds = [0, *starts.tolist(), len(codes)]
    return [(batch.slice(a, b - a), [ids[codes[a]]])
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _with_id(columns: Sequence[str] | None) -> list[str] | None:
    if columns is None:
        return None
    return list(dict.fromkeys(["run_id", *columns]))


def _split(table: pd.DataFrame, columns: Sequence[str] | None) -> dict[str, pd.DataFrame]:
    out = {}
    for run_id, part in table.groupby("run_id", sort=False):
        part = part.reset_index(drop=True)
        out[str(run_id)] = part[list(columns)] if columns else part
    return out


def _run_ids_of(path: Path) -> list[str]:
    """The run ids in a results file (reads the footer and the ``run_id`` column only)."""
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=["run_id"]).column("run_id").unique().to_pylist()


def _check_footer(path: Path) -> list[str]:
    """Raise if ``path`` is not a readable Parquet file (reads its footer only)."""
    import pyarrow.parquet as pq

    pq.ParquetFile(path).metadata  # noqa: B018 - reading it is the check
    return []


def _describe(existing: Mapping[str, Any] | None) -> str:
    if existing is None:
        return "results"
    if existing.get("unreadable"):
        return "an unreadable batch.json and maybe results"
    return (f"batch {existing.get('fingerprint')} ({existing.get('n_runs')} runs, "
            f"created {existing.get('created')})")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
