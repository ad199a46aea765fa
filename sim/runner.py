"""Many runs: run one model, and execute a list of runs into a :class:`RunStore`.

A model does one run (:func:`run_one`); this module does many. :func:`execute`
takes any ``concurrent.futures.Executor`` (a process pool by default, a Dask
``client.get_executor(pure=False)`` for a cluster), skips runs already in the
store, writes each result the moment it finishes, retries and records
failures without stopping the others, and shows progress.

Results depend only on a run's parameters, seed and steps, never on the
executor or the number of processes.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import fnmatch
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from sim.interrupts import terminate_as_interrupt
from sim.outputs import COLUMNS
from sim.plan import RunSpec, replicate_seeds
from sim.store import RunStore, encode_result, write_part

__all__ = ["ExecutorLostError", "RunOutcome", "RunSpec", "execute", "outcomes_failed",
           "replicate_seeds", "run_one", "run_spec"]

#: Marks a result the worker has already written to the store itself.
STORED = "stored"
#: Seconds without any run finishing after which :func:`execute` says it is still
#: waiting, and says it again every as many seconds (a Dask scheduler with no
#: workers, or a cluster whose workers cannot start, waits silently otherwise).
STALL_NOTE_S = 60.0
#: Finished runs the inline path (``jobs=1``) holds before storing them together,
#: and the most seconds it holds one, whatever runs meanwhile (see :class:`_Held`).
HOLD_RUNS = 16
HOLD_S = 1.0
#: Test hook: a run whose id matches one of these comma-separated ``fnmatch``
#: patterns waits, computing nothing, until its process is stopped. Tests
#: interrupt a batch at a known point this way instead of racing it.
HOLD_ENV = "COOPSIM_TEST_HOLD_RUNS"
#: Test hook: a folder where a held run leaves a file named by its run id, so a
#: test knows which process holds which run before it interrupts or kills it.
HOLD_NOTE_ENV = "COOPSIM_TEST_HOLD_NOTE"


def run_one(params: Mapping[str, Any], seed: int, steps: int) -> pd.DataFrame:
    """Run the model once and return its per-step outputs.

    Args:
        params: parameter values (any subset of :class:`sim.params.Parameters`).
        seed: the run's seed, the only source of randomness.
        steps: steps to run.

    Returns:
        One row per step (row 0 = initial state): column ``step`` and every
        column of :data:`sim.outputs.COLUMNS`.
    """
    from sim.model import CooperationModel

    model = CooperationModel(rng=int(seed), **dict(params))
    model.run_for(int(steps))
    levers = model.levers.columns if model.levers is not None else []  # sim/schedules.py
    # The collector's own table: the same frame as get_model_vars_dataframe() with this
    # selection and a step column, in a quarter of its time (it is paid on every run).
    return model.datacollector.table([*COLUMNS, *levers])


class ExecutorLostError(RuntimeError):
    """The executor (a Dask cluster) went away: the runs it held are not done, not failed."""


#: Errors meaning the executor cancelled or lost a run, not that the model raised.
_LOST = ("CancelledError", "FutureCancelledError", "ClosedClientError", "CommClosedError")


def _executor_lost(err: BaseException) -> bool:
    return isinstance(err, cf.CancelledError) or type(err).__name__ in _LOST


@dataclass
class RunOutcome:
    """What became of one run.

    Attributes:
        run_id: the run.
        status: ``done`` or ``failed``.
        cached: True when the result was already in the store (not recomputed).
        error: one-line error message of a failed run.
        traceback: full traceback text of a failed run.
        attempts: attempts made in this call.
        duration_s: time of the last attempt.
    """

    run_id: str
    status: str
    cached: bool = False
    error: str = ""
    traceback: str = ""
    attempts: int = 0
    duration_s: float = 0.0


def run_spec(spec: RunSpec, worker: Callable[..., pd.DataFrame] | None = None,
             store_dir: str | None = None, encode: bool = False
             ) -> tuple[Any, str, str, float, float]:
    """Worker entry point: run ``spec``, catching any error.

    Args:
        spec: the run.
        worker: function ``(params, seed, steps) -> DataFrame`` (default :func:`run_one`).
        store_dir: when given, the worker appends the result to its own part
            file in that store itself and returns :data:`STORED` instead of the
            frame (needs a file system the parent shares: local pools, not
            remote clusters).
        encode: return the result as the Arrow bytes the store appends
            (:class:`sim.store.EncodedResult`) instead of the frame, so the
            process that stores it does no conversion (remote workers).

    Returns:
        ``(frame, error line, traceback text, started, finished)``; frame is
        :data:`STORED` when the worker wrote it, None when the run failed.
    """
    _hold_if_asked(spec.run_id)
    started = time.time()
    try:
        frame = (worker or run_one)(spec.params, spec.seed, spec.steps)
        if store_dir is not None:
            write_part(store_dir, spec, frame)
            return STORED, "", "", started, time.time()
        if encode:
            return encode_result(spec, frame), "", "", started, time.time()
        return frame, "", "", started, time.time()
    except Exception as err:  # noqa: BLE001 - recorded, never lost
        line = f"{type(err).__name__}: {err}".splitlines()[0]
        return None, line, traceback.format_exc(), started, time.time()


def _hold_if_asked(run_id: str) -> None:
    """Wait forever when :data:`HOLD_ENV` names ``run_id`` (tests only; see there)."""
    patterns = [p for p in os.environ.get(HOLD_ENV, "").split(",") if p]
    if any(fnmatch.fnmatchcase(run_id, p) for p in patterns):
        note = os.environ.get(HOLD_NOTE_ENV)
        if note:
            Path(note).mkdir(parents=True, exist_ok=True)
            (Path(note) / run_id).write_text(str(os.getpid()))
        while True:
            time.sleep(0.05)


def execute(specs: Sequence[RunSpec], store: RunStore, *, executor: cf.Executor | None = None,
            jobs: int = 1, retries: int = 0, progress: bool = True,
            worker: Callable[..., pd.DataFrame] | None = None,
            max_in_flight: int | None = None, stream: TextIO | None = None
            ) -> list[RunOutcome]:
    """Execute the runs not yet in ``store`` and write each result as it finishes.

    Args:
        specs: the runs (run ids must be unique).
        store: where results and the run table go.
        executor: any ``concurrent.futures.Executor``; default a process pool of
            ``jobs`` workers, or inline when ``jobs == 1``.
        jobs: worker processes when no executor is given.
        retries: extra attempts for a failed run.
        progress: show progress (tqdm on a terminal, plain lines otherwise).
        worker: module-level function ``(params, seed, steps) -> DataFrame``
            replacing :func:`run_one` (must be picklable).
        max_in_flight: runs submitted but not finished at any time (bounds
            memory); default ``4 * jobs`` (at least 8).
        stream: where progress goes (default stderr).

    Returns:
        One outcome per spec, in the order of ``specs``.
    """
    ids = [s.run_id for s in specs]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"duplicate run ids: {', '.join(dupes[:5])}")
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    with store.running():  # refuses (StoreBusyError) if another process runs into it
        done = store.done_ids()
        outcomes = {s.run_id: RunOutcome(s.run_id, "done", cached=True) for s in specs
                    if s.run_id in done}
        todo = [s for s in specs if s.run_id not in done]
        meter = _Progress(len(specs), len(outcomes), enabled=progress,
                          stream=stream or sys.stderr)
        try:
            with terminate_as_interrupt():
                if todo and executor is None and jobs == 1:
                    _execute_inline(todo, store, retries, worker, outcomes, meter)
                elif todo:
                    _execute_pool(todo, store, executor, jobs, retries, worker,
                                  max_in_flight or max(8, 4 * jobs), outcomes, meter)
        except BaseException:
            # Cut off: what was running is pending again; the parts are merged on resume.
            store.interrupted()
            raise
        else:
            store.compact()
        finally:
            store.flush()
            meter.close()
    return [outcomes[s.run_id] for s in specs]


def _finish(spec: RunSpec, result: tuple, store: RunStore, outcomes: dict[str, RunOutcome],
            attempt: int, final: bool) -> bool:
    """Store one attempt's result; return True when the run needs no more attempts."""
    frame, error, trace, started, finished = result
    if frame is not None and not (isinstance(frame, str) and frame == STORED):
        try:
            store.write_result(spec, frame)
        except Exception as err:  # noqa: BLE001 - e.g. a disk error: record, keep going
            frame, error, trace = None, f"cannot store result: {err}", traceback.format_exc()
    if frame is not None:
        store.record(spec, "done", started=started, finished=finished)
        outcomes[spec.run_id] = RunOutcome(spec.run_id, "done", attempts=attempt,
                                           duration_s=finished - started)
        return True
    if final:
        store.record(spec, "failed", error, traceback=trace, started=started,
                     finished=finished)
        outcomes[spec.run_id] = RunOutcome(spec.run_id, "failed", error=error, traceback=trace,
                                           attempts=attempt, duration_s=finished - started)
        return True
    return False


def _execute_inline(todo: list[RunSpec], store: RunStore, retries: int,
                    worker: Callable[..., pd.DataFrame] | None,
                    outcomes: dict[str, RunOutcome], meter: _Progress) -> None:
    held = _Held(store, outcomes, meter)
    try:
        for spec in todo:
            for attempt in range(1, retries + 2):
                with held.lock:
                    store.record(spec, "running")
                result = run_spec(spec, worker)
                if result[0] is not None:
                    held.add(spec, result, attempt)
                    break
                with held.lock:
                    if _finish(spec, result, store, outcomes, attempt,
                               final=attempt == retries + 1):
                        meter.update(True)
                        break
    finally:
        held.store()  # interrupted too: what finished is stored before we stop


class _Held:
    """Finished runs of the inline path, stored together.

    At most :data:`HOLD_RUNS`, and none longer than :data:`HOLD_S` seconds,
    however long the next run takes (a timer stores them while it runs).

    One record batch and one write for several runs costs a fraction of one
    per run. Runs are recorded as done, and counted in the progress, only once
    stored, so a kill loses only the runs of the last second, never one
    reported finished. The lock keeps the timer and this thread off the run
    table at the same time.
    """

    def __init__(self, store: RunStore, outcomes: dict[str, RunOutcome], meter: _Progress):
        self.store_, self.outcomes, self.meter = store, outcomes, meter
        self.runs: list[tuple[RunSpec, tuple, int]] = []
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None

    def add(self, spec: RunSpec, result: tuple, attempt: int) -> None:
        with self.lock:
            self.runs.append((spec, result, attempt))
            if len(self.runs) >= HOLD_RUNS:
                self._store()
            elif self.timer is None:
                self.timer = threading.Timer(HOLD_S, self._due)
                self.timer.daemon = True
                self.timer.start()

    def _due(self) -> None:
        with self.lock:
            self._store()

    def store(self) -> None:
        """Store what is held now (the end, or an interruption)."""
        with self.lock:
            self._store()

    def _store(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        runs, self.runs = self.runs, []
        if not runs:
            return
        try:
            self.store_.write_results([spec for spec, _, _ in runs],
                                      [result[0] for _, result, _ in runs])
        except Exception:  # noqa: BLE001 - one by one, so each failure is the run's own
            for spec, result, attempt in runs:
                _finish(spec, result, self.store_, self.outcomes, attempt, final=True)
                self.meter.update(self.outcomes[spec.run_id].status == "failed")
            return
        with self.store_.together():
            for spec, (_, _, _, started, finished), attempt in runs:
                _finish(spec, (STORED, "", "", started, finished), self.store_, self.outcomes,
                        attempt, final=True)
        for _ in runs:
            self.meter.update(False)


def _execute_pool(todo: list[RunSpec], store: RunStore, executor: cf.Executor | None, jobs: int,
                  retries: int, worker: Callable[..., pd.DataFrame] | None, max_in_flight: int,
                  outcomes: dict[str, RunOutcome], meter: _Progress) -> None:
    own = executor is None
    local = _LocalPool(jobs) if own else None
    pool = local.executor if local is not None else executor
    # Local worker processes (ours, or a process pool given to us) share the store's
    # disk: they write their results themselves. Others (a cluster's) send them
    # back as the bytes the store appends.
    local_workers = own or isinstance(executor, cf.ProcessPoolExecutor)
    store_dir = str(store.directory.resolve()) if local_workers else None
    queue = list(reversed(todo))  # pop() from the end keeps the given order
    attempts: dict[str, int] = {}
    in_flight: dict[cf.Future, RunSpec] = {}

    def submit(spec: RunSpec) -> None:
        attempts[spec.run_id] = attempts.get(spec.run_id, 0) + 1
        store.record(spec, "running")
        in_flight[pool.submit(run_spec, spec, worker, store_dir, not local_workers)] = spec

    try:
        while queue or in_flight:
            while queue and len(in_flight) < max_in_flight:
                submit(queue.pop())
            finished, _ = cf.wait(list(in_flight), timeout=STALL_NOTE_S,
                                  return_when=cf.FIRST_COMPLETED)
            if not finished:
                hint = ("" if own else "; is the cluster running any workers? (a Dask "
                        "scheduler with no workers waits like this)")
                print(f"still waiting: no run finished in the last {STALL_NOTE_S:g} s "
                      f"({len(in_flight)} submitted){hint}", file=meter.stream, flush=True)
                continue
            for future in finished:
                if future not in in_flight:  # resubmitted after the pool broke
                    continue
                spec = in_flight.pop(future)
                attempt = attempts[spec.run_id]
                try:
                    result = future.result()
                except Exception as err:  # noqa: BLE001 - the worker died, not the model
                    if not own and _executor_lost(err):
                        raise ExecutorLostError(
                            f"the executor stopped running runs ({type(err).__name__} for "
                            f"{spec.run_id}): its scheduler or cluster is gone") from err
                    now = time.time()
                    result = (None, f"{type(err).__name__}: {err}".splitlines()[0],
                              traceback.format_exc(), now, now)
                    if own and isinstance(err, cf.BrokenExecutor):
                        local.stop(grace_s=0.0)
                        local = _LocalPool(jobs)
                        pool = local.executor
                        for other in list(in_flight):  # lost with the old pool: resubmit
                            queue.append(in_flight.pop(other))
                if _finish(spec, result, store, outcomes, attempt, final=attempt > retries):
                    meter.update(outcomes[spec.run_id].status == "failed")
                else:
                    queue.append(spec)
    except BaseException:
        for future in in_flight:
            future.cancel()
        if own:
            # Interrupted: stop our workers now rather than wait on a pool whose
            # workers may have died of the same Ctrl-C (shutdown can then hang).
            local.stop()
            own = False
        raise
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)


class _LocalPool:
    """Our own process pool, and the ids of its workers (each reports its pid when it starts).

    The pids come through a queue from the worker initializer, so stopping the
    workers on Ctrl-C needs nothing from the executor's internals.
    """

    def __init__(self, jobs: int):
        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            # Workers fork from a server that has imported the model once, not once each.
            context.set_forkserver_preload(["sim.runner", "sim.model"])
        else:
            context = multiprocessing.get_context("spawn")
        self._pids = context.SimpleQueue()
        self.executor = cf.ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_start_worker,
            initargs=(os.getpid(), self._pids))

    def worker_pids(self) -> list[int]:
        """The pids of the workers started so far."""
        pids = []
        while not self._pids.empty():
            pids.append(int(self._pids.get()))
        return pids

    def stop(self, grace_s: float = 5.0) -> None:
        """Shut down without waiting for the work: terminate, then kill, the workers."""
        pids = self.worker_pids()
        self.executor.shutdown(wait=False, cancel_futures=True)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for pid in pids:
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.02)
            if _alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def _start_worker(parent_pid: int, pids: Any) -> None:
    """Worker initializer: report this worker's pid, and exit when the parent is gone."""
    pids.put(os.getpid())
    _watch_parent(parent_pid)


#: Seconds between a worker's checks that the process that started it is alive.
PARENT_CHECK_S = 0.5


def _watch_parent(parent_pid: int) -> None:
    """Worker initializer: exit when the batch process is gone (killed with SIGKILL, OOM).

    Pool workers otherwise wait forever for work from a dead parent, holding
    memory and the terminal's pipes (a script waiting on the batch's output
    then hangs).
    """

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_S)
            if not _alive(parent_pid):
                os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, killed but not yet reaped, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # Linux: state is the field after the parenthesised command name
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


class _Progress:
    """Runs done and time left: tqdm on a terminal, a plain line every few seconds otherwise."""

    PLAIN_INTERVAL_S = 5.0

    def __init__(self, total: int, cached: int, *, enabled: bool, stream: TextIO):
        self.total, self.done, self.failed = total, cached, 0
        self.cached = cached
        self.enabled = enabled and total > cached
        self.stream = stream
        self.start = time.monotonic()
        self.last_line = self.start
        self.bar = None
        if not self.enabled:
            return
        if cached:
            print(f"{cached} of {total} runs already done: resuming", file=stream, flush=True)
        if _isatty(stream):
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, initial=cached, unit="run", file=stream,
                            dynamic_ncols=True, desc="runs")

    def update(self, failed: bool) -> None:
        self.done += 1
        self.failed += int(failed)
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(1)
            if self.failed:
                self.bar.set_postfix(failed=self.failed)
            return
        now = time.monotonic()
        if now - self.last_line >= self.PLAIN_INTERVAL_S or self.done == self.total:
            self.last_line = now
            print(self.line(now), file=self.stream, flush=True)

    def line(self, now: float) -> str:
        elapsed = now - self.start
        new = self.done - self.cached
        left = self.total - self.done
        eta = f", ~{elapsed / new * left:.0f} s left" if new and left else ""
        failed = f", {self.failed} failed" if self.failed else ""
        return f"runs {self.done}/{self.total} done{failed}, {elapsed:.0f} s elapsed{eta}"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def outcomes_failed(outcomes: Iterable[RunOutcome]) -> list[RunOutcome]:
    """The failed outcomes of a call to :func:`execute`."""
    return [o for o in outcomes if o.status == "failed"]
