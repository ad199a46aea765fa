"""Issue 16 item 4: discover, optimize and calibrate run unchanged on a Dask cluster started
separately (``dask scheduler`` and ``dask worker`` processes on 127.0.0.1), with the same
``--dask-scheduler`` option as sweeps; discover and optimize give what ``--jobs 1`` gives."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("distributed")
pytest.importorskip("ema_workbench")
ROOT = Path(__file__).resolve().parents[1]

SWEEP = """
    title = "tiny discovery"
    design = "lhs"
    sample_size = 24
    steps = 12
    seed = 21
    [fixed]
    n_schools = 2
    n_enterprises = 60
    [vary]
    training_yield_practice = { low = 0.2, high = 0.8 }
    firm_partnership_capacity = { low = 1.0, high = 20.0 }
    search_attempts_per_step = { low = 1, high = 10 }
    [outputs]
    partnerships_active = { column = "partnerships_active", reduce = "end" }
"""
SEARCH = """
    title = "tiny robust search"
    design = "lhs"
    sample_size = 4
    steps = 12
    seed = 11
    [fixed]
    n_schools = 2
    n_enterprises = 60
    [vary]
    subsidy_per_content_step = { low = 0.0, high = 3.0 }
    audit_prob_per_step = { low = 0.0, high = 0.3 }
    [outputs]
    content_share = { column = "content_share", reduce = "mean_last_12" }
    annual_spending = { column = "spending_total", reduce = "sum_last_12" }
    [optimize]
    population = 4
    generations = 2
    structure_sample = 2
    structure = ["training_yield_practice"]
    [optimize.objectives]
    content_share = { sense = "max", statistic = "quantile", q = 0.1 }
    annual_spending = { sense = "min", statistic = "mean" }
"""
TARGETS = """
    title = "tiny calibration"
    made_up = true
    steps = 12
    seed = 4
    [fixed]
    n_schools = 2
    n_enterprises = 60
    [parameters]
    training_yield_practice = {}
    [targets]
    practice_share = { value = 0.3, sd = 0.1 }
    [abc]
    population = 8
    generations = 2
    predictive = 3
"""


@pytest.fixture
def address(dask_cluster):
    """The shared loopback cluster (tests/conftest.py) with two single-threaded workers."""
    where, start_worker, _ = dask_cluster
    for _ in range(2):
        start_worker()
    return where


def _sim(*args):
    done = subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done


def _file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.slow
def test_discover_optimize_and_calibrate_run_on_a_dask_cluster(address, tmp_path):
    # discover: the same sweep, hence the same box, on the cluster as with --jobs 1.
    sweep = _file(tmp_path, "sweep.toml", SWEEP)
    local, remote = tmp_path / "d-local", tmp_path / "d-dask"
    _sim("sweep", sweep, "--out", local, "--jobs", "1", "--no-analyze", "--no-progress")
    from sim.sweep.experiment import load_experiment
    from sim.sweep.results import run_outputs

    median = float(run_outputs(local, load_experiment(sweep))["partnerships_active"].median())
    flags = ["--outcome", "partnerships_active", "--below", f"{median:g}", "--inputs", "0"]
    _sim("discover", local, *flags, "--jobs", "1")
    ran = _sim("discover", sweep, *flags, "--out", remote, "--dask-scheduler", address,
               "--no-progress")
    assert "24 computed" in ran.stderr
    name = f"partnerships_active-below-{median:g}"
    for table in ("box.csv", "tradeoff.csv", "cart_boxes.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(local / "discover" / name / table),
                                      pd.read_csv(remote / "discover" / name / table))

    # optimize: every run on the cluster, the same front as with --jobs 1.
    search = _file(tmp_path, "search.toml", SEARCH)
    _sim("optimize", search, "--out", tmp_path / "o-local", "--jobs", "1", "--no-progress")
    ran = _sim("optimize", search, "--out", tmp_path / "o-dask", "--dask-scheduler", address,
               "--no-progress")
    assert "0 reused" in ran.stderr
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "o-local" / "front.csv"),
                                  pd.read_csv(tmp_path / "o-dask" / "front.csv"))

    # calibrate: pyabc's sampler on the cluster's executor; two populations in the history.
    targets = _file(tmp_path, "targets.toml", TARGETS)
    out = tmp_path / "c-dask"
    ran = _sim("calibrate", targets, "--out", out, "--dask-scheduler", address)
    assert "over 2 populations" in ran.stderr
    import pyabc

    history = pyabc.History(f"sqlite:///{out / 'abc.db'}")
    history.id = 1
    assert history.n_populations == 2
    frame, _ = history.get_distribution(m=0, t=history.max_t)
    assert len(frame) == 8 and frame["training_yield_practice"].between(0.2, 0.8).all()
    posterior = pd.read_csv(out / "posterior.csv")
    assert list(posterior["parameter"]) == ["training_yield_practice"]
