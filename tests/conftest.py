"""Shared helpers for replicated tests: the ones the patterns use (:mod:`sim.patterns`)."""

from __future__ import annotations

import pytest

from sim.patterns import FULL_PACKAGE, SEEDS, ci95, end_of_run  # noqa: F401  (re-exported)


@pytest.fixture(scope="session")
def replicate_seeds() -> list[int]:
    """Ten seeds: enough for t-intervals of the stylised facts at county scale."""
    return list(SEEDS)


def wait_for(predicate, what: str, processes=(), timeout: float = 120.0) -> None:
    """Poll ``predicate`` until it holds; fail if a process it waits on exits, or at ``timeout``."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        for proc in processes:
            assert proc.poll() is None, f"{proc.args[:3]} exited while waiting for {what}"
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def dask_cluster(tmp_path):
    """A Dask scheduler on loopback, started as on a cluster (``dask scheduler``).

    Yields ``(address, start_worker, scheduler)``: ``start_worker(env)`` adds a
    single-threaded ``dask worker`` process. Every process is killed at the end.
    """
    import json
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    pytest.importorskip("distributed")
    root = Path(__file__).resolve().parents[1]
    dask = Path(sys.executable).with_name("dask")
    scheduler_file = tmp_path / "scheduler.json"
    procs = []

    def spawn(args, env=None):
        proc = subprocess.Popen([str(dask), *args], cwd=root, env={**os.environ, **(env or {})},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        procs.append(proc)
        return proc

    scheduler = spawn(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                       "--scheduler-file", str(scheduler_file)])
    wait_for(scheduler_file.is_file, "the scheduler file", procs)
    address = json.loads(scheduler_file.read_text())["address"]

    def start_worker(env=None):
        return spawn(["worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                      "--host", "127.0.0.1"], env)

    try:
        yield address, start_worker, scheduler
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
