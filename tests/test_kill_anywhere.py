"""Killed at any point, a rerun gives byte-identical outputs (issue 13, the class test).

A batch, a sweep and a sweep's analysis are each killed (SIGKILL) at seeded
random points: the process kills itself at its N-th durable write, after the
data is on disk and before it is published (``sim.store.KILL_AT_WRITE_ENV``),
so the kill lands at a chosen point whatever the machine's load. The same
command run again must give the same bytes as an uninterrupted run, and leave
no hidden temporary file.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.store import KILL_AT_WRITE_ENV

ROOT = Path(__file__).resolve().parent.parent
SEEDED_POINTS = np.random.default_rng(20261201)

SMALL_SWEEP = """
title = "kill test"
description = "a small grid for the kill test"
scenario = "ruian-status-quo"
design = "grid"
replicates = 2
steps = 12
seed = 7
[fixed]
n_enterprises = 150
n_schools = 3
[vary]
subsidy_per_content_step = { values = [0.0, 2.0] }
[outputs]
content_share = { column = "content_share", reduce = "end" }
[analysis]
main = "content_share"
"""

#: Outputs that must be the same bytes (the report and manifest carry the time they were made).
COMPARED = ("steps.csv", "steps.parquet", "summary.csv", "figures", "analysis/tables",
            "analysis/figures")


def _run(argv, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "sim", *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def _outputs(directory: Path) -> dict[str, bytes]:
    files = {}
    for name in COMPARED:
        path = directory / name
        paths = sorted(path.rglob("*")) if path.is_dir() else [path]
        files.update({str(p.relative_to(directory)): p.read_bytes() for p in paths
                      if p.is_file() and not p.name.startswith(".")})
    return files


def _check_kills(argv_for, tmp_path, writes_at_least, points=3):
    reference = tmp_path / "reference"
    assert _run(argv_for(reference)).returncode == 0
    expected = _outputs(reference)
    assert expected, "nothing to compare"
    for n in sorted(SEEDED_POINTS.choice(np.arange(1, writes_at_least + 1), points, replace=False)):
        out = tmp_path / f"killed-at-{n}"
        killed = _run(argv_for(out), {KILL_AT_WRITE_ENV: str(n)})
        assert killed.returncode == -signal.SIGKILL, f"write {n}: not killed ({killed.stderr[-300:]})"
        rerun = _run(argv_for(out))
        assert rerun.returncode == 0, rerun.stderr[-500:]
        assert _outputs(out) == expected, f"killed at write {n}: a rerun gave other bytes"
        assert not list(out.rglob(".*.tmp")), f"killed at write {n}: temporary files left"


@pytest.mark.slow
def test_a_batch_killed_anywhere_reruns_to_the_same_bytes(tmp_path):
    def argv(out):
        return ["run", "ruian-status-quo", "full-package", "-r", "2", "-t", "12", "-j", "1", "-q",
                "--out", str(out)]

    _check_kills(argv, tmp_path, writes_at_least=15)


@pytest.mark.slow
def test_a_sweep_and_its_analysis_killed_anywhere_rerun_to_the_same_bytes(tmp_path):
    experiment = tmp_path / "kill.toml"
    experiment.write_text(SMALL_SWEEP, encoding="utf-8")

    def argv(out):
        return ["sweep", str(experiment), "--jobs", "1", "-q", "--out", str(out)]

    _check_kills(argv, tmp_path, writes_at_least=6)

    # The analysis alone, on a finished sweep: killed while writing tables and figures.
    finished = tmp_path / "killed-at-analysis"
    assert _run(argv(finished)).returncode == 0
    expected = _outputs(finished)
    killed = _run(["analyze", str(finished)], {KILL_AT_WRITE_ENV: "2"})
    assert killed.returncode == -signal.SIGKILL
    assert _run(["analyze", str(finished)]).returncode == 0
    assert _outputs(finished) == expected
    assert not list(finished.rglob(".*.tmp"))
