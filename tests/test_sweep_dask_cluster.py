"""Issue 12 item 5: a sweep on a Dask cluster started separately (``dask scheduler`` and
``dask worker`` processes on 127.0.0.1), as on a real cluster: same results as ``--jobs 1``,
and a worker killed mid-sweep loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from conftest import wait_for

from sim.store import RunStore

pytest.importorskip("distributed")
ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = """
    title = "grid on a cluster"
    steps = 12
    replicates = 2
    seed = 17
    [fixed]
    n_enterprises = 200
    n_schools = 4
    [vary]
    subsidy_per_content_step = [0.0, 1.0, 2.0]
    audit_prob_per_step = [0.0, 0.2]
"""


@pytest.fixture
def cluster(dask_cluster):
    """The shared loopback cluster (tests/conftest.py): address, start_worker, scheduler."""
    return dask_cluster


def _sweep(experiment: Path, out: Path, *extra: str, env=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(experiment), "--out",
                             str(out), "--no-analyze", "--no-progress", *extra], cwd=ROOT,
                            env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _results(out: Path) -> pd.DataFrame:
    return RunStore(out).read_results().sort_values(["run_id", "step"]).reset_index(drop=True)


@pytest.mark.slow
def test_a_sweep_on_a_separately_started_dask_cluster_equals_jobs_1_and_survives_a_killed_worker(
        cluster, tmp_path):
    address, start_worker, _ = cluster
    experiment = tmp_path / "grid.toml"
    experiment.write_text(textwrap.dedent(EXPERIMENT))
    # Worker A holds every run it is given (the test hook) and says which; worker B runs.
    held = tmp_path / "held"
    doomed = start_worker({"COOPSIM_TEST_HOLD_RUNS": "*", "COOPSIM_TEST_HOLD_NOTE": str(held)})
    out = tmp_path / "on-cluster"
    sweep = _sweep(experiment, out, "--dask-scheduler", address)
    wait_for(lambda: held.is_dir() and any(held.iterdir()), "worker A to take a run",
              [sweep, doomed])
    start_worker()
    taken = sorted(p.name for p in held.iterdir())
    doomed.send_signal(signal.SIGKILL)  # mid-sweep: A holds runs it will never finish
    _, err = sweep.communicate(timeout=300)
    assert sweep.returncode == 0, err
    assert "12 computed, 0 already done, 0 failed" in err
    store = RunStore(out)
    assert set(taken) <= store.done_ids() and len(store.done_ids()) == 12  # nothing lost

    alone = tmp_path / "jobs-1"
    serial = _sweep(experiment, alone, "--jobs", "1")
    _, err = serial.communicate(timeout=300)
    assert serial.returncode == 0, err
    pd.testing.assert_frame_equal(_results(out), _results(alone))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["executor"] == f"Dask cluster at {address}"


@pytest.mark.slow
def test_defect_13_08_a_killed_scheduler_is_a_clear_error_and_the_cut_off_runs_are_pending(
        cluster, tmp_path):
    address, start_worker, scheduler = cluster
    experiment = tmp_path / "grid.toml"
    experiment.write_text(textwrap.dedent(EXPERIMENT))
    held = tmp_path / "held"
    worker = start_worker({"COOPSIM_TEST_HOLD_RUNS": "*", "COOPSIM_TEST_HOLD_NOTE": str(held)})
    out = tmp_path / "orphaned"
    sweep = _sweep(experiment, out, "--dask-scheduler", address)
    wait_for(lambda: held.is_dir() and any(held.iterdir()), "the worker to take a run",
              [sweep, worker])
    scheduler.send_signal(signal.SIGKILL)
    _, err = sweep.communicate(timeout=120)  # bounded: no hang
    assert sweep.returncode == 2, err
    assert "run the same command to resume" in err and "Traceback" not in err
    statuses = set(pd.read_csv(out / "runs.csv")["status"])
    assert statuses == {"pending"}  # cut off, not failed
