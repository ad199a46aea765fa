"""`python -m sim robustness`: the design, the per-lever shares, the reversal check, the command."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import cli
from sim.outputs import COLUMNS
from sim.params import Parameters, spec, structural_names
from sim.robustness import analysis, stages
from sim.robustness.report import read_summary, write
from sim.robustness.run import run_robustness, total_runs
from sim.robustness.spec import RobustnessError, load_plan, parse_plan
from sim.sweep.designs import build_design, run_count

TINY_TEXT = """
kind = "robustness"
title = "tiny"
baseline = "ruian-status-quo"
scenario = "full-package"
levers = ["lever-supervision", "full-package"]
steps = 3
seed = 5
[fixed]
n_enterprises = 30
n_schools = 2
[morris]
trajectories = 2
[sobol]
top = 2
sample_size = 2
[per_lever]
structures = 4
replicates = 1
[reversal]
replicates = 2
"""
TINY = tomllib.loads(TINY_TEXT)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), trajectories=st.integers(2, 4), structures=st.integers(2, 12))
def test_the_design_covers_every_structural_parameter_within_its_declared_range(
        seed, trajectories, structures):
    plan = parse_plan({**TINY, "seed": seed, "morris": {"trajectories": trajectories},
                       "per_lever": {"structures": structures, "replicates": 1}})
    assert list(plan.factors) == structural_names()
    for stage in ("morris", "lhs"):
        points = {}
        for role in (plan.baseline, plan.treatment):
            exp = stages.sampled(plan, role, stage, plan.factors)
            points[role.key] = build_design(exp).points
        base, treated = points.values()
        assert list(base.columns) == structural_names()
        pd.testing.assert_frame_equal(base, treated)  # the same structures: paired
        for name in structural_names():
            assert base[name].min() >= spec(name).low and base[name].max() <= spec(name).high
    # The base of each sampled stage is the scenario's own values.
    exp = stages.sampled(plan, plan.treatment, "lhs", plan.factors)
    assert exp.base.subsidy_per_content_step == plan.treatment.params["subsidy_per_content_step"]
    assert exp.base.n_enterprises == 30


def test_the_reversal_check_sets_each_parameter_alone_to_each_declared_end():
    plan = parse_plan(TINY)
    exp = stages.reversal(plan)
    points = {p.name: p.params for p in exp.scenarios}
    assert len(points) == 2 * (1 + 2 * len(structural_names()))
    defaults = {n: plan.baseline.params[n] for n in structural_names()}
    for name in structural_names():
        for end in ("low", "high"):
            params = points[f"{plan.treatment.key}.{name}.{end}"]
            value = getattr(spec(name), end)
            assert params.get(name, defaults[name]) == value
            others = {n for n in structural_names() if n != name and n in params
                      and params[n] != defaults[n]}
            assert not others  # one parameter at a time
            assert params["regulation_completeness"] == plan.treatment.params[
                "regulation_completeness"]
    assert run_count(exp) == len(points) * plan.sizes.reversal_replicates


@given(st.lists(st.floats(-1, 1, allow_nan=False), min_size=1, max_size=60))
def test_the_per_lever_share_counts_the_structures_where_the_lever_raises_content(effects):
    row = analysis.lever_table({"lever": effects}).iloc[0]
    v = np.asarray(effects)
    assert row["structures"] == len(v) and row["raises"] == int((v > 0).sum())
    assert row["share_raises"] == pytest.approx((v > 0).mean())
    assert 0 <= row["share_ci_low"] <= row["share_raises"] <= row["share_ci_high"] <= 1
    quantiles = [row[c] for c in ("min_effect", "q05", "q25", "q50", "q75", "q95", "max_effect")]
    assert quantiles == sorted(quantiles)
    assert row["q50"] == pytest.approx(np.median(v))


def test_a_structures_effect_is_the_paired_difference_averaged_over_its_seeds():
    base = pd.DataFrame({"design_point": [0, 0, 1, 1], "replicate": [0, 1, 0, 1],
                         "seed": [7, 8, 7, 8], "content_share": [0.1, 0.3, 0.2, 0.2]})
    lever = base.assign(content_share=[0.2, 0.2, 0.1, 0.1])
    effect = analysis.structure_effects(stages.paired(lever, base, "content_share"),
                                        "content_share")
    assert effect.to_dict() == pytest.approx({0: 0.0, 1: -0.1})
    with pytest.raises(stages.UnpairedError):
        stages.paired(lever.iloc[:3], base, "content_share")
    with pytest.raises(stages.UnpairedError):
        stages.paired(lever.assign(seed=[1, 2, 3, 4]), base, "content_share")


def _reversal_runs(low_difference: float, noise: float) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for point in ("default", "a.low", "a.high", "b.low", "b.high"):
        lead = low_difference if point == "b.low" else 0.3
        for rep in range(5):
            base = 0.1 + rng.normal(0, 0.01)
            rows += [("sq." + point, rep, base),
                     ("fp." + point, rep, base + lead + rng.normal(0, noise))]
    return pd.DataFrame(rows, columns=["scenario", "replicate", "content_share"])


@pytest.mark.parametrize("difference, noise, significant", [(-0.2, 0.01, True),
                                                            (-0.01, 0.2, False)])
def test_the_reversal_check_flags_a_synthetic_reversal(difference, noise, significant):
    values = {("a", "low"): 0.0, ("a", "high"): 1.0, ("b", "low"): 2.0, ("b", "high"): 3.0}
    table = analysis.reversal_table(_reversal_runs(difference, noise), "content_share",
                                    baseline="sq", treatment="fp", factors=["a", "b"],
                                    values=values)
    summary = analysis.reversal_summary(table)
    assert summary["min_at"] == "b low" and summary["reversed"] == ["b low"]
    assert summary["significant"] == (["b low"] if significant else [])
    assert summary["default_difference"] > 0.25 and summary["points"] == 4
    clean = analysis.reversal_summary(analysis.reversal_table(
        _reversal_runs(0.2, 0.01), "content_share", baseline="sq", treatment="fp",
        factors=["a", "b"], values=values))
    assert clean["reversed"] == [] and clean["min_difference"] > 0


def test_top_factors_rank_each_output_relative_to_its_largest_effect():
    table = pd.DataFrame({"output": ["x"] * 3 + ["y"] * 3, "parameter": ["a", "b", "c"] * 2,
                          "mu_star": [10.0, 5.0, 1.0, 0.001, 0.002, 0.01]})
    # c is first in y, whose scale is tiny: it still counts.
    assert analysis.top_factors(table, 2) == ["a", "c"]


# -------------------------------------------------------------- the command
def _cli(argv, capsys):
    code = cli.main(["robustness", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_the_command_rejects_a_bad_scenario_file_with_a_clear_message(tmp_path, capsys):
    bad = tmp_path / "my-county.toml"
    bad.write_text('title = "x"\ndescription = "y"\n[supervision]\n'
                   'audit_prob_per_step = { value = 1.5, source = "assumption" }\n',
                   encoding="utf-8")
    code, text = _cli(["--scenario", str(bad), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "Traceback" not in text
    assert "error: --scenario:" in text and "my-county.toml" in text
    assert "audit_prob_per_step" in text and "[0, 1]" in text
    code, text = _cli(["--against", str(tmp_path / "missing.toml")], capsys)
    assert code == 2 and "missing.toml" in text and "not found" in text
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("old, new, place", [
    ("trajectories = 2", "trajectoires = 2", "morris.trajectoires"),
    ("n_schools = 2", "n_schools = 2\nteacher_attrition = 0.05", "fixed.teacher_attrition"),
    ("sample_size = 2", "sample_size = 6", "sobol.sample_size"),
    ('kind = "robustness"', 'kind = "sweep"', "kind"),
])
def test_the_command_rejects_a_bad_robustness_file_naming_the_field(tmp_path, capsys, old, new,
                                                                    place):
    path = tmp_path / "r.toml"
    path.write_text(TINY_TEXT.replace(old, new), encoding="utf-8")
    code, text = _cli([str(path)], capsys)
    assert code == 2 and f"r.toml: {place}:" in text and "Traceback" not in text


# ------------------------------------------------- the pipeline on a stand-in model
def fake_model(params, seed, steps):
    """A stand-in for the model: the full package's lead shrinks with
    ``training_yield_practice`` and reverses below 0.3; everything else is noise."""
    rng = np.random.default_rng(seed)
    p = Parameters.from_mapping(params)  # a scenarios design passes only changed values
    lead = (p.regulation_completeness - 0.2) * (p.training_yield_practice - 0.3)
    value = 0.1 + lead + rng.normal(0, 0.001)
    frame = pd.DataFrame(0.0, index=range(steps + 1), columns=list(COLUMNS))
    frame["content_share"] = value
    frame.insert(0, "step", np.arange(steps + 1))
    return frame


class Interrupt:
    """A worker that stops the call (as Ctrl-C would) at its ``at``-th run."""

    def __init__(self, at):
        self.at, self.calls = at, 0

    def __call__(self, params, seed, steps):
        self.calls += 1
        if self.calls == self.at:
            raise KeyboardInterrupt
        return fake_model(params, seed, steps)


def test_an_interrupted_analysis_resumes_reusing_every_finished_run(tmp_path):
    plan = parse_plan({**TINY, "reversal": {"replicates": 1}})
    stopper = Interrupt(at=250)  # in the last stage, the reversal check
    with pytest.raises(KeyboardInterrupt):
        run_robustness(plan, tmp_path, progress=False, worker=stopper)
    assert read_summary(tmp_path) is None  # nothing is reported from a cut-off analysis
    resumed = run_robustness(plan, tmp_path, progress=False, worker=fake_model)
    assert resumed.counts == {"computed": total_runs(plan) - 249, "resumed": 249, "failed": 0}
    # The stand-in reverses the ordering at training_yield_practice low (0.2), nowhere else.
    assert resumed.reversal_summary["reversed"] == ["training_yield_practice low"]
    assert resumed.reversal_summary["significant"] == []  # one seed: no interval
    assert "training_yield_practice" in resumed.top
    row = resumed.levers.set_index("lever").loc["full-package"]
    assert row["structures"] == plan.sizes.structures
    files = write(resumed, tmp_path, command="python -m sim robustness (test)")
    assert all(f.is_file() for f in files)
    summary = read_summary(tmp_path)
    assert summary["reversal"]["reversed"] == ["training_yield_practice low"]
    assert summary["calls"][-1]["resumed"] == 249


def test_a_users_scenario_is_the_treatment_and_its_own_lever():
    from sim.robustness.cli import default_out
    from sim.robustness.spec import plan_for_params

    plan = load_plan(scenario="lever-supervision", against="ruian-status-quo")
    assert plan.treatment.key == "lever-supervision" and plan.levers[-1].key == "full-package"
    assert default_out(plan).name == "robustness-lever-supervision-vs-ruian-status-quo"
    # Against another status quo, each lever is its own settings layered on that one.
    other = load_plan(against="sichuan-status-quo")
    sichuan = other.baseline.params
    lever = next(r for r in other.levers if r.key == "lever-supervision")
    assert lever.params["audit_prob_per_step"] == 0.1
    assert lever.params["n_enterprises"] == sichuan["n_enterprises"]
    with pytest.raises(RobustnessError, match="also the status quo"):
        load_plan(scenario="ruian-status-quo")
    given = plan_for_params(load_plan(quick=True), {"n_schools": 3},
                            {"n_schools": 3, "coordination_body": True}, baseline_key="my county",
                            treatment_key="my county+full-package", source="test")
    assert [r.key for r in given.levers] == ["my-county-full-package"]
    assert given.baseline.params["n_schools"] == 3 and given.treatment.params["coordination_body"]


def test_the_shipped_file_is_valid_and_its_quick_version_is_smaller():
    full, quick = load_plan(), load_plan(quick=True)
    assert [r.key for r in full.levers][-1] == "full-package"
    assert {r.key for r in full.levers} >= {"lever-supervision", "lever-financial-support"}
    assert full.baseline.key == "ruian-status-quo" and full.treatment.key == "full-package"
    assert total_runs(quick) < total_runs(full) / 5
    assert "assumption" in full.description
