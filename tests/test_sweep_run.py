import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from argparse import Namespace
from pathlib import Path

import pandas as pd
import pytest

from sim.runner import run_one
from sim.store import RunStore
from sim.sweep import cli, executors
from sim.sweep.executors import ExecutorChoice
from sim.sweep.experiment import load_experiment
from sim.sweep.run import run_sweep

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = """
    title = "small grid"
    steps = 24
    replicates = 2
    seed = 11
    [fixed]
    n_enterprises = 200
    subsidy_budget_per_year = 5000.0
    [vary]
    subsidy_per_content_step = { low = 0.0, high = 2.0, num = 3 }
    audit_prob_per_step = [0.0, 0.2]
    [outputs]
    content_share = { column = "content_share", reduce = "mean_last_12" }
    annual_spending = { column = "spending_total", reduce = "sum_last_12" }
"""
CALLS: list[tuple[float, int]] = []


def counting_worker(params, seed, steps):
    CALLS.append((params["subsidy_per_content_step"], seed))
    return run_one(params, seed, steps)


def failing_worker(params, seed, steps):
    CALLS.append((params["subsidy_per_content_step"], seed))
    if params["subsidy_per_content_step"] == 1.0 and params["audit_prob_per_step"] == 0.2:
        raise RuntimeError("model blew up at this point")
    return run_one(params, seed, steps)


@pytest.fixture
def experiment_file(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(textwrap.dedent(EXPERIMENT))
    return path


def sweep(path, out, choice=None, worker=None):
    return run_sweep(load_experiment(path), out, choice or ExecutorChoice(), progress=False,
                     worker=worker,
                     stream=io.StringIO())


def read_results(out):
    frame = pd.read_parquet(out / "results")
    return frame.sort_values(["run_id", "step"]).reset_index(drop=True)


def test_results_carry_design_columns_replicate_and_seed(experiment_file, tmp_path):
    out = tmp_path / "sweep"
    result = sweep(experiment_file, out)
    assert result.counts == {"computed": 12, "resumed": 0, "failed": 0}
    frame = read_results(out)
    for column in ("design_point", "replicate", "seed", "subsidy_per_content_step",
                   "audit_prob_per_step", "step", "content_share"):
        assert column in frame.columns
    assert frame.groupby("run_id").size().eq(25).all()
    assert frame[["design_point", "replicate"]].drop_duplicates().shape[0] == 12
    # common random numbers: replicate r has the same seed at every design point
    seeds = frame.groupby("replicate")["seed"].nunique()
    assert (seeds == 1).all() and frame["seed"].nunique() == 2
    runs = pd.read_csv(out / "runs.csv")
    assert set(runs.status) == {"done"}
    assert {"design_point", "seed", "status", "error"} <= set(runs.columns)


def test_killed_sweep_resumes_without_recomputing_finished_runs(experiment_file, tmp_path):
    out = tmp_path / "killed"
    text = experiment_file.read_text().replace("steps = 24", "steps = 60").replace(
        "replicates = 2", "replicates = 6")
    experiment_file.write_text(text)
    # The test hook holds back every run but the first three, so the kill always
    # lands mid-sweep, however busy the machine is.
    env = {**os.environ, "COOPSIM_TEST_HOLD_RUNS": "p00000-r00[3-9],p0000[1-9]-*"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "sweep", str(experiment_file), "--out", str(out),
         "--jobs", "1", "--no-analyze", "--no-progress"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if out.is_dir() and len(RunStore(out).done_ids()) >= 3:
            break
        assert proc.poll() is None
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished_before = RunStore(out).done_ids()
    assert finished_before == {"p00000-r000", "p00000-r001", "p00000-r002"}
    kept = RunStore(out).read_results(finished_before)

    CALLS.clear()
    result = sweep(experiment_file, out, worker=counting_worker)
    assert len(CALLS) == 36 - len(finished_before)
    assert result.counts["resumed"] == len(finished_before)
    assert result.counts["computed"] + result.counts["resumed"] == 36
    pd.testing.assert_frame_equal(RunStore(out).read_results(finished_before), kept)

    CALLS.clear()
    sweep(experiment_file, out, worker=counting_worker)
    assert CALLS == []  # a finished sweep computes nothing

    fresh = tmp_path / "fresh"
    sweep(experiment_file, fresh)
    pd.testing.assert_frame_equal(read_results(out), read_results(fresh))


def test_failed_run_is_retried_once_then_recorded_and_others_finish(experiment_file, tmp_path):
    out = tmp_path / "failing"
    CALLS.clear()
    result = sweep(experiment_file, out, worker=failing_worker)
    assert result.counts == {"computed": 10, "resumed": 0, "failed": 2}
    attempts_on_bad_point = sum(1 for subsidy, _ in CALLS if subsidy == 1.0)
    # 2 replicates at the bad point, each tried twice; 2 good replicates at audit 0 once
    assert attempts_on_bad_point == 2 * 2 + 2
    runs = pd.read_csv(out / "runs.csv", keep_default_na=False)
    failed = runs[runs.status == "failed"]
    assert len(failed) == 2
    assert failed.error.str.contains("model blew up").all()
    assert (failed.attempts == 2).all()
    assert len(RunStore(out).done_ids()) == 10


def test_results_identical_for_one_and_two_workers(experiment_file, tmp_path):
    sweep(experiment_file, tmp_path / "one", ExecutorChoice(jobs=1))
    sweep(experiment_file, tmp_path / "two", ExecutorChoice(jobs=2))
    pd.testing.assert_frame_equal(read_results(tmp_path / "one"), read_results(tmp_path / "two"))


@pytest.mark.slow
@pytest.mark.skipif(not executors.dask_available(), reason="dask[distributed] not installed")
def test_results_identical_under_a_local_dask_cluster(experiment_file, tmp_path):
    sweep(experiment_file, tmp_path / "pool", ExecutorChoice(jobs=2))
    sweep(experiment_file, tmp_path / "dask", ExecutorChoice(dask_local=2))
    pd.testing.assert_frame_equal(read_results(tmp_path / "pool"),
                                  read_results(tmp_path / "dask"))


def cli_args(experiment, out, **kw):
    base = dict(experiment=str(experiment), out=str(out), jobs=1, dask_scheduler=None,
                dask_local=None, replicates=None, sample_size=None, steps=None, force=False,
                no_analyze=True, no_progress=True, list=False)
    return Namespace(**(base | kw))


def test_unreachable_dask_scheduler_is_a_clear_error_and_keeps_finished_runs(
        experiment_file, tmp_path, capsys, monkeypatch):
    out = tmp_path / "kept"
    sweep(experiment_file, out)
    before = sorted(p.name for p in (out / "results").iterdir())
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT_S", 1)
    code = cli.main(cli_args(experiment_file, out, dask_scheduler="tcp://127.0.0.1:9"))
    err = capsys.readouterr().err
    assert code == 2
    assert "error: --dask-scheduler: cannot reach Dask scheduler at tcp://127.0.0.1:9" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in (out / "results").iterdir()) == before


def test_missing_dask_says_how_to_install_it(experiment_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(executors, "dask_available", lambda: False)
    code = cli.main(cli_args(experiment_file, tmp_path / "x", dask_local=2))
    err = capsys.readouterr().err
    assert code == 2 and "pip install '.[dask]'" in err


def test_bad_experiment_file_exits_2_with_file_and_key(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('design = "sobol"\nsample_size = 12\n[vary]\naudit_prob_per_step = '
                   '{ low = 0.0, high = 0.5 }\nservice_awareness = { low = 0.0, high = 1.0 }\n')
    code = cli.main(cli_args(bad, tmp_path / "out"))
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: {bad}: sample_size: 12 cannot be used by Sobol")
    assert not (tmp_path / "out").exists()


def test_other_sweep_in_the_directory_is_refused_without_losing_runs(
        experiment_file, tmp_path, capsys):
    out = tmp_path / "taken"
    sweep(experiment_file, out)
    before = sorted(p.name for p in (out / "results").iterdir())
    code = cli.main(cli_args(experiment_file, out, steps=30))
    err = capsys.readouterr().err
    assert code == 2 and "different batch" in err and "--force" in err
    assert sorted(p.name for p in (out / "results").iterdir()) == before


def test_more_replicates_extend_a_sweep_and_recompute_nothing(experiment_file, tmp_path, capsys):
    out = tmp_path / "grow"
    sweep(experiment_file, out)
    kept = {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()}
    assert cli.main(cli_args(experiment_file, out, replicates=3)) == 0
    after = {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()}
    assert len(after) > len(kept)
    assert all(after[name] == mtime for name, mtime in kept.items())


def test_defect_13_17_a_malformed_scheduler_address_is_one_message_and_no_late_traceback(tmp_path):
    # Issue 13 item 17: the right error, then 10 s later "Exception ignored ... TimeoutError"
    # from a half-made Client being collected at exit. No Client is made for such an address.
    for address in ("notaurl", "tcp://127.0.0.1:9"):
        done = subprocess.run(
            [sys.executable, "-m", "sim", "sweep", "experiments/subsidy-vs-audit.toml",
             "--dask-scheduler", address, "--out", str(tmp_path / "out"), "-q"],
            capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent)
        assert done.returncode == 2
        assert "cannot reach Dask scheduler" in done.stderr
        assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_defect_13_11_a_large_sweep_says_it_is_planning_before_it_starts(tmp_path, monkeypatch):
    # Issue 13 item 11: a grid of a million points printed nothing for minutes while planning.
    from sim.sweep import run as sweep_run
    from sim.sweep.executors import ExecutorChoice
    from sim.sweep.experiment import load_experiment

    path = tmp_path / "big.toml"
    path.write_text('title = "big"\ndescription = "d"\nscenario = "ruian-status-quo"\n'
                    'design = "grid"\nreplicates = 1\nsteps = 2\n[vary]\n'
                    'subsidy_per_content_step = { low = 0.0, high = 3.0, num = 30 }\n'
                    '[outputs]\ncontent_share = { column = "content_share", reduce = "end" }\n',
                    encoding="utf-8")
    monkeypatch.setattr(sweep_run, "LARGE_PLAN_RUNS", 10)

    class Planned(Exception):
        pass

    def stop(*args, **kwargs):  # the message must come before planning starts
        raise Planned

    monkeypatch.setattr(sweep_run, "build_design", stop)
    stream = io.StringIO()
    with pytest.raises(Planned):
        sweep_run.run_sweep(load_experiment(path), tmp_path / "out", ExecutorChoice(), stream=stream)
    assert "planning 30 runs" in stream.getvalue()


@pytest.mark.parametrize("command", [
    ["sweep", "subsidy-vs-audit"], ["robustness"],
    ["discover", "full-package-failure", "--outcome", "content_share", "--below", "0.25"],
    ["optimize", "policy-mix-robust"],
    ["calibrate", "experiments/calibration/made-up-county-survey.toml"]])
def test_every_command_that_runs_many_models_refuses_a_bad_jobs_count_alike(command, tmp_path,
                                                                          capsys):
    from sim import cli

    assert cli.main([*command, "--jobs", "0", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "--jobs: 0: must be at least 1 worker" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # refused before any work
