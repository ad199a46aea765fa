"""Issue 16 item 1: scenario discovery (PRIM, CART) on a sweep's store."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from sim.cli import main as cli_main
from sim.explore.discover import describe, discover
from sim.outputs import COLUMNS
from sim.params import structural_names
from sim.sweep.executors import ExecutorChoice
from sim.sweep.experiment import load_experiment, parse_experiment
from sim.sweep.run import run_sweep

pytest.importorskip("ema_workbench")

PLANTED = {
    "title": "planted failure", "design": "lhs", "sample_size": 240, "replicates": 1,
    "steps": 12, "seed": 5,
    "vary": {"audit_prob_per_step": {"low": 0.0, "high": 0.3},
             "service_awareness": {"low": 0.0, "high": 1.0},
             "tax_offset_rate": {"low": 0.0, "high": 0.3},
             "regulation_completeness": {"low": 0.0, "high": 1.0},
             "subsidy_per_content_step": {"low": 0.0, "high": 3.0}},
    "outputs": {"content_share": {"column": "content_share", "reduce": "mean_last_12"}},
}


def planted_worker(params, seed, steps):
    """Fails (content 0.1) exactly when audits < 0.1 and service awareness > 0.5."""
    rng = np.random.default_rng(seed)
    fails = params["audit_prob_per_step"] < 0.1 and params["service_awareness"] > 0.5
    frame = pd.DataFrame({c: np.zeros(steps + 1) for c in COLUMNS})
    frame["content_share"] = (0.1 if fails else 0.6) + rng.normal(0, 0.01, steps + 1)
    frame.insert(0, "step", np.arange(steps + 1))
    return frame


@pytest.fixture
def planted_sweep(tmp_path):
    experiment = parse_experiment(PLANTED, path=str(tmp_path / "planted.toml"))
    run_sweep(experiment, tmp_path / "sweep", ExecutorChoice(jobs=1), progress=False,
              worker=planted_worker, stream=io.StringIO())
    return experiment, tmp_path / "sweep"


def test_prim_finds_the_planted_failure_box(planted_sweep):
    experiment, directory = planted_sweep
    found = discover(directory, experiment, "content_share", below=0.25, inputs=0)
    box = found.box.set_index("parameter")
    assert set(box.index) == {"audit_prob_per_step", "service_awareness"}
    assert box.loc["audit_prob_per_step", "high"] == pytest.approx(0.1, abs=0.03)
    assert box.loc["service_awareness", "low"] == pytest.approx(0.5, abs=0.1)
    stats = found.trajectory.loc[found.chosen]
    assert stats["density"] >= 0.8 and stats["coverage"] >= 0.6
    assert "audit probability (`audit_prob_per_step`) <" in found.sentence
    # CART sees the same region: its densest leaf restricts the two planted inputs only.
    top = found.cart.iloc[0]
    assert top["density"] >= 0.8
    assert "audit_prob_per_step" in top["limits"] and "service_awareness" in top["limits"]
    assert "tax_offset_rate" not in top["limits"]
    for name in ("tradeoff.csv", "box.csv", "cart_boxes.csv", "feature_scores.csv",
                 "report.md", "figures/tradeoff.png", "figures/box.svg"):
        assert (found.directory / name).is_file(), name
    trade = pd.read_csv(found.directory / "tradeoff.csv")
    assert trade["chosen"].sum() == 1 and trade["coverage"].iloc[0] == 1.0
    qp = pd.read_csv(found.directory / "box.csv")
    assert (qp[["qp_low", "qp_high"]].min(axis=1) < 0.05).all()  # both restrictions significant


def test_feature_scoring_picks_the_planted_inputs_to_peel(planted_sweep):
    experiment, directory = planted_sweep
    found = discover(directory, experiment, "content_share", below=0.25, inputs=2)
    assert set(found.peeled_inputs) == {"audit_prob_per_step", "service_awareness"}


def test_describe_says_which_side_of_each_range_is_cut():
    limits = pd.DataFrame([
        {"parameter": "audit_prob_per_step", "label": "Audit probability", "low": 0.0,
         "high": 0.1, "range_low": 0.0, "range_high": 0.3},
        {"parameter": "service_awareness", "label": "Service awareness", "low": 0.5,
         "high": 1.0, "range_low": 0.0, "range_high": 1.0}])
    exp = load_experiment("full-package-failure")
    text = describe(exp, "content_share", "below", 0.25, limits, 0.8, 0.9, 30, 100)
    assert text.startswith("The full package fails (content_share below 0.25")
    assert "audit probability (`audit_prob_per_step`) < 0.1" in text
    assert "service awareness (`service_awareness`) > 0.5" in text
    assert "coverage 0.80, density 0.90" in text


def test_shipped_failure_experiment_spans_every_structural_assumption():
    exp = load_experiment("full-package-failure")
    assert exp.scenario == "full-package" and "assumption" in exp.description
    assert set(structural_names()) <= set(exp.factor_names)
    ranges = {f.name: (f.low, f.high) for f in exp.factors}
    from sim.params import spec
    for name in structural_names():  # the declared range, whole
        assert ranges[name] == (spec(name).low, spec(name).high), name


def test_cli_refuses_an_outcome_the_experiment_does_not_measure(tmp_path, capsys):
    code = cli_main(["discover", "full-package-failure", "--outcome", "leakage",
                     "--below", "0.25", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "--outcome: 'leakage' is not an output" in err and "content_share" in err
    assert not any(tmp_path.iterdir())  # refused before any run


def test_cli_says_when_nothing_fails(planted_sweep, capsys):
    _, directory = planted_sweep
    code = cli_main(["discover", str(directory), "--outcome", "content_share",
                     "--below", "0.01", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "--below: no design point has content_share below 0.01" in err
