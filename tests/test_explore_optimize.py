"""Issue 16 item 2: robust lever search (pymoo NSGA-II), every run through the store."""

from __future__ import annotations

import io
import textwrap

import numpy as np
import pandas as pd
import pytest

from sim.cli import main as cli_main
from sim.explore.evaluate import StoreEvaluator, content_id, structural_sample
from sim.explore.optimize import Statistic, hypervolumes, load_search, search
from sim.params import spec, structural_names
from sim.sweep.experiment import load_experiment

pytest.importorskip("pymoo")

TINY = """
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
    structure = ["training_yield_practice", "cost_share_practice"]
    [optimize.objectives]
    content_share = { sense = "max", statistic = "quantile", q = 0.1 }
    annual_spending = { sense = "min", statistic = "mean" }
    [optimize.constraints]
    annual_spending = { statistic = "mean", max = 30.0 }
"""


def _write(tmp_path, text, name="tiny.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def _search(path, directory, generations=None):
    experiment = load_experiment(path)
    return search(experiment, load_search(path, experiment), directory, jobs=1,
                  generations=generations, progress=False, stream=io.StringIO())


def test_resumed_search_reuses_every_run_and_ends_where_a_fresh_one_does(tmp_path):
    path = _write(tmp_path, TINY)
    first = _search(path, tmp_path / "a", generations=2)
    assert first.computed > 0 and first.reused == 0
    again = _search(path, tmp_path / "a", generations=3)  # started again with one more
    assert again.reused == first.computed  # the two generations replayed from the store
    assert again.computed < first.computed  # only the third generation's new mixes ran
    fresh = _search(path, tmp_path / "b", generations=3)
    assert fresh.reused == 0 and fresh.computed == first.computed + again.computed
    pd.testing.assert_frame_equal(again.front, fresh.front)
    pd.testing.assert_frame_equal(again.convergence.drop(columns=["runs_computed",
                                                                  "runs_reused"]),
                                  fresh.convergence.drop(columns=["runs_computed",
                                                                  "runs_reused"]))
    # Outputs: the front (within the budget), convergence, the structural sample, figures.
    assert (fresh.front["annual_spending_mean"] <= 30.0).all()
    assert list(fresh.convergence["generation"]) == [1, 2, 3]
    for name in ("front.csv", "convergence.csv", "structure.csv", "report.md",
                 "figures/convergence.png"):
        assert (tmp_path / "b" / name).is_file(), name
    if len(fresh.front):
        assert (tmp_path / "b" / "figures" / "front_parallel.svg").is_file()
        assert "subsidy per content partnership" in (tmp_path / "b" / "report.md").read_text()


def test_run_ids_are_hashes_of_what_a_run_computes(tmp_path):
    experiment = load_experiment(_write(tmp_path, TINY))
    evaluator = StoreEvaluator(tmp_path / "s", experiment.outputs, 12)
    a = evaluator.spec({"n_schools": 2, "audit_prob_per_step": 0.1}, 3, {})
    b = evaluator.spec({"audit_prob_per_step": 0.1, "n_schools": 2}, 3, {"label": 1})
    assert a.run_id == b.run_id  # labels and key order do not matter
    assert evaluator.spec({"n_schools": 2, "audit_prob_per_step": 0.1}, 4, {}).run_id != a.run_id
    assert evaluator.spec({"n_schools": 3, "audit_prob_per_step": 0.1}, 3, {}).run_id != a.run_id
    assert a.run_id == content_id(a.params, 3, 12)


def test_structural_sample_covers_the_declared_ranges_and_is_seeded():
    names = ["training_yield_practice", "search_attempts_per_step"]
    sample = structural_sample(20, 7, names)
    assert sample.equals(structural_sample(20, 7, names))
    assert not sample.equals(structural_sample(20, 8, names))
    for name in names:
        assert spec(name).low <= sample[name].min() and sample[name].max() <= spec(name).high
    assert sample["search_attempts_per_step"].dtype.kind == "i"  # a whole-number assumption
    # A Latin hypercube: one point in each of the 20 equal slices of a range.
    lo, hi = spec("training_yield_practice").low, spec("training_yield_practice").high
    slices = np.floor((sample["training_yield_practice"] - lo) / (hi - lo) * 20).clip(0, 19)
    assert sorted(slices.astype(int)) == list(range(20))
    assert sample["seed"].nunique() == 20
    assert set(structural_sample(2, 1).columns) == {*structural_names(), "seed"}


def test_statistics_over_the_sample():
    values = np.array([0.1, 0.2, 0.3, 0.4, np.nan])
    assert Statistic("x", "quantile", 0.1).of(values) == pytest.approx(0.13)
    assert Statistic("x", "mean").of(values) == pytest.approx(0.25)  # a failed run left out
    assert Statistic("x", "min").of(values) == pytest.approx(0.1)
    assert np.isnan(Statistic("x").of(np.array([np.nan])))
    assert Statistic("x", "quantile", 0.1).describe() == "10th percentile of x"


def test_hypervolume_is_larger_for_a_front_that_dominates():
    worse = np.array([[0.5, 0.5], [0.8, 0.2]])
    better = worse - 0.1
    hv = hypervolumes([worse, better])
    assert hv[1] > hv[0] > 0


def test_the_robust_policy_mix_file_searches_the_levers_of_the_lhs_one():
    robust = load_experiment("policy-mix-robust")
    lhs = load_experiment("policy-mix-under-budget")
    assert robust.factor_names == lhs.factor_names
    search_spec = load_search(robust.path, robust)
    assert set(search_spec.structure) == set(structural_names())
    objectives = {o.stat.output: o for o in search_spec.objectives}
    assert objectives["content_share"].stat.statistic == "quantile"
    assert {objectives["annual_spending"].sense, objectives["leakage_share"].sense} == {"min"}
    assert "assumption" in robust.description


@pytest.mark.parametrize("change, place, allowed", [
    (('sense = "max"', 'sense = "most"'), "optimize.objectives.content_share.sense",
     "allowed: max, min"),
    (('annual_spending = { statistic = "mean", max = 30.0 }',
      'spending = { statistic = "mean", max = 30.0 }'), "optimize.constraints.spending",
     "allowed: content_share, annual_spending"),
    (("q = 0.1", "q = 1.5"), "optimize.objectives.content_share.q", "q in (0, 1)"),
    (('structure = ["training_yield_practice", "cost_share_practice"]',
      'structure = ["audit_prob_per_step"]'), "optimize.structure",
     "is not a structural assumption"),
    (("audit_prob_per_step = { low = 0.0, high = 0.3 }",
      "training_yield_form = { low = 0.0, high = 0.3 }"), "vary.training_yield_form",
     "vary levers only"),
])
def test_malformed_optimize_table_names_file_field_and_allowed_values(tmp_path, capsys, change,
                                                                      place, allowed):
    path = _write(tmp_path, textwrap.dedent(TINY).replace(*change))
    code = cli_main(["optimize", str(path), "--out", str(tmp_path / "out"), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{path}: {place}" in err and allowed in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_sweep_file_without_an_optimize_table_is_refused(capsys):
    assert cli_main(["optimize", "policy-mix-under-budget", "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert "policy-mix-under-budget.toml: optimize: missing" in err


def test_compare_sweep_runs_the_lhs_best_mixes_over_the_same_structural_sample(tmp_path):
    from sim.sweep.executors import ExecutorChoice
    from sim.sweep.results import run_outputs
    from sim.sweep.run import run_sweep

    path = _write(tmp_path, TINY)
    experiment = load_experiment(path)
    run_sweep(experiment, tmp_path / "lhs", ExecutorChoice(jobs=1), progress=False,
              stream=io.StringIO())
    result = search(experiment, load_search(path, experiment), tmp_path / "opt", jobs=1,
                    progress=False, stream=io.StringIO(), compare=tmp_path / "lhs")
    table = result.comparison
    swept = run_outputs(tmp_path / "lhs", experiment).set_index("design_point")
    lhs = table[table["source"] != "front"]
    within_budget = swept[swept["annual_spending"] <= 30.0]
    assert len(lhs) == min(5, len(within_budget))
    for _, row in lhs.iterrows():  # the sweep's one-world value, and its best first
        point = int(row["source"].removeprefix("lhs point "))
        assert row["one_world_content_share"] == pytest.approx(
            swept.loc[point, "content_share"])
        assert row["subsidy_per_content_step"] == pytest.approx(
            swept.loc[point, "subsidy_per_content_step"])
    assert list(lhs["one_world_content_share"]) == sorted(lhs["one_world_content_share"],
                                                          reverse=True)
    assert (table["within_constraints"] == (table["annual_spending_mean"] <= 30.0)).all()
    assert (tmp_path / "opt" / "comparison.csv").is_file()
    assert "Compared with the Latin-hypercube sweep" in (tmp_path / "opt" / "report.md").read_text()


@pytest.mark.slow
def test_a_search_stopped_by_ctrl_c_resumes_from_the_store_and_ends_as_an_unbroken_one(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from sim.store import RunStore

    root = Path(__file__).resolve().parents[1]
    path = _write(tmp_path, TINY)
    unbroken = _search(path, tmp_path / "unbroken")
    order = list(RunStore(tmp_path / "unbroken").run_table()["run_id"])  # in submission order
    out = tmp_path / "stopped"
    args = [sys.executable, "-m", "sim", "optimize", str(path), "--out", str(out), "--jobs", "2",
            "--no-progress"]
    # Every run after the first three is held back by the test hook (never finishes), so
    # Ctrl-C lands with exactly three runs of the first generation stored, however busy
    # the machine is.
    held = {"COOPSIM_TEST_HOLD_RUNS": ",".join(order[3:])}
    proc = subprocess.Popen(args, cwd=root, env={**os.environ, **held}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while not (out.is_dir() and len(RunStore(out).done_ids()) >= 3):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    kept = RunStore(out).done_ids()
    assert kept == set(order[:3])
    resumed = subprocess.run(args, cwd=root, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"runs: {unbroken.computed - 3} computed, 3 reused" in resumed.stderr
    pd.testing.assert_frame_equal(pd.read_csv(out / "front.csv"),
                                  pd.read_csv(tmp_path / "unbroken" / "front.csv"))
