"""The many-run commands word executor and store failures alike (sim/cli_errors.py)."""

import argparse

import pytest

from sim.cli_errors import KEPT_RUNS, fail, run_failure, run_failure_types
from sim.runner import ExecutorLostError
from sim.store import StoreMismatchError
from sim.sweep.executors import ExecutorError


def _args(**options):
    return argparse.Namespace(**{"jobs": 2, "dask_scheduler": None, "dask_local": None, **options})


def test_lost_executor_names_the_option_and_how_to_resume():
    message = run_failure(ExecutorLostError("a worker died"), _args(dask_local=2))
    assert message.startswith("--dask-local: a worker died; ")
    assert KEPT_RUNS in message and message.endswith("run the same command to resume")


def test_what_was_kept_is_the_callers_to_say():
    message = run_failure(ExecutorLostError("gone"), _args(), kept="populations are kept in x.db")
    assert message == "--jobs: gone; populations are kept in x.db: run the same command to resume"


def test_executor_and_store_failures_name_their_option():
    assert run_failure(ExecutorError("cannot reach"), _args(dask_scheduler="tcp://h:1")) == (
        "--dask-scheduler: cannot reach")
    assert run_failure(StoreMismatchError("out/x: holds 3 runs"), _args()) == (
        "--out: out/x: holds 3 runs")


def test_the_types_caught_are_the_ones_worded():
    caught = run_failure_types()
    for error in (ExecutorLostError("a"), ExecutorError("b"), StoreMismatchError("c")):
        assert isinstance(error, caught)
    assert not isinstance(ValueError("other"), caught)


def test_fail_prints_one_error_line_and_returns_the_bad_input_status(capsys):
    assert fail("--jobs: must be at least 1 worker") == 2
    assert capsys.readouterr().err == "error: --jobs: must be at least 1 worker\n"


def test_building_a_parser_does_not_import_the_runner():
    import subprocess
    import sys

    code = ("import sys, sim.cli_errors, sim.batch.cli, sim.sweep.cli; "
            "print('sim.runner' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("module", ["sim.batch.cli", "sim.sweep.cli", "sim.robustness.cli",
                                    "sim.explore.discover", "sim.explore.optimize",
                                    "sim.explore.calibrate"])
def test_every_many_run_command_uses_the_shared_wording(module):
    import importlib
    import inspect

    source = inspect.getsource(importlib.import_module(module))
    assert "run_failure(" in source and "ExecutorLostError" not in source
