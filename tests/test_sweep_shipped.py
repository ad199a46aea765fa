import io

import pandas as pd
import pytest

from sim.params import lever_names
from sim.sweep.executors import ExecutorChoice
from sim.sweep.experiment import list_experiments, load_experiment
from sim.sweep.report import analyze_sweep
from sim.sweep.run import run_sweep

SHIPPED = ["coordination-vs-overlap", "policy-mix-under-budget", "sobol-levers",
           "subsidy-vs-audit"]


def test_the_four_shipped_experiments_are_valid():
    assert set(SHIPPED) <= set(list_experiments())
    for name in SHIPPED:
        exp = load_experiment(name)
        assert exp.title and exp.description
        assert "assumption" in exp.description  # values are labelled as assumptions


def test_sobol_levers_varies_every_countermeasure_lever():
    assert set(load_experiment("sobol-levers").factor_names) == set(lever_names())


# (name, overrides, files the analysis must make)
SMALL = [
    ("subsidy-vs-audit", {"replicates": 1, "steps": 24},
     ["figures/phase_content_share.svg", "tables/phase_content_share.tex"]),
    ("coordination-vs-overlap", {"replicates": 1, "steps": 24},
     ["figures/phase_content_share.png", "tables/phase_content_share_coordination_body=true.csv"]),
    ("sobol-levers", {"replicates": 1, "steps": 24, "sample_size": 2},
     ["tables/sobol_content_share.tex", "figures/sobol_content_share.png"]),
    ("policy-mix-under-budget", {"replicates": 1, "steps": 24, "sample_size": 16},
     ["figures/frontier.svg", "tables/budget_best.tex", "tables/frontier.csv"]),
]


@pytest.mark.slow
@pytest.mark.parametrize("name, overrides, files", SMALL, ids=[s[0] for s in SMALL])
def test_shipped_experiment_runs_small_and_makes_its_outputs(tmp_path, name, overrides, files):
    exp = load_experiment(name).with_overrides(**overrides)
    result = run_sweep(exp, tmp_path, ExecutorChoice(jobs=2), progress=False,
                       stream=io.StringIO())
    assert result.counts["failed"] == 0
    analyze_sweep(tmp_path)
    for file in files:
        assert (tmp_path / "analysis" / file).is_file(), file
    if name == "policy-mix-under-budget":
        best = pd.read_csv(tmp_path / "analysis" / "tables" / "budget_best.csv")
        assert (best["annual_spending_mean"] <= exp.analysis.budget.limit).all()
