"""Lever schedules (issue 15 item 1): validation, values at the right steps, derived state."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

from sim import schedules
from sim.model import CooperationModel
from sim.params import ParameterError, Parameters
from sim.runner import run_one
from sim.scenarios import ScenarioError, load_scenario

SMALL = dict(n_schools=3, n_enterprises=60, n_departments=3)
LEVER = "lever:subsidy_per_content_step"


def frame(model: CooperationModel) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)


def write(tmp_path, name, body):
    path = tmp_path / f"{name}.toml"
    path.write_text('title = "T"\ndescription = "D"\n' + textwrap.dedent(body), encoding="utf-8")
    return path


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(("values", "says"), [
    ({"subsidy_per_content_step": {"value": 300.0}},
     "subsidy_per_content_step: schedule value = 300.0 is out of range: allowed [0, 100]"),
    ({"audit_prob_per_step": {"steps": [[0, 0.1], [2, 1.5]]}},
     "audit_prob_per_step: schedule steps value at year 2 = 1.5 is out of range: allowed [0, 1]"),
    ({"audit_prob_per_step": {"value": 0.1, "off": -1.0}}, "schedule off = -1.0 is out of range"),
    ({"n_schools": {"value": 3}}, "only lever parameters may follow a schedule"),
    ({"planning_alignment": {"value": 0.5}}, "schedule major_adjust_rate_per_year"),
    ({"subsidy_per_content_step": {"valeu": 3}}, "unknown schedule key 'valeu'; allowed: value"),
    ({"subsidy_per_content_step": {"value": 1, "start_year": 3, "end_year": 2}},
     "end_year = 2 must be after start_year = 3"),
    ({"subsidy_per_content_step": {"value": 1, "steps": [[0, 1.0]]}}, "has steps and value"),
    ({"subsidy_per_content_step": {"steps": [[2, 1.0], [1, 0.0]]}}, "must increase strictly"),
    ({"subsidy_per_content_step": {"value": 1, "start_year": 0.05}}, "must fall on a month"),
    ({"coordination_body": {"value": True, "ramp_years": 1}}, "a bool lever cannot ramp"),
    ({"subsidy_per_content_step": {"value": 1, "end_year": 2, "ramp_years": 3}}, "is longer than"),
    ({"subsidy_per_content_step": {"value": 1, "setup_cost": -5}}, "setup_cost = -5"),
])
def test_bad_schedule_refused_naming_field_key_and_allowed_values(values, says):
    with pytest.raises(ParameterError) as err:
        Parameters(**values)
    assert says in str(err.value)
    assert err.value.field_name == next(iter(values))


def test_scenario_schedule_out_of_range_names_file_line_and_group(tmp_path):
    path = write(tmp_path, "bad", """
        [financial_support]
        subsidy_per_content_step = { schedule = { value = 200.0, start_year = 2 }, source = "assumption" }
        """)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert text.startswith(f"{path}:5: [financial_support] subsidy_per_content_step: schedule "
                           "value = 200.0 is out of range: allowed [0, 100]")


@pytest.mark.parametrize(("body", "says"), [
    ('start_year = 2016\n[supervision]\naudit_prob_per_step = { schedule = { value = 0.1, '
     'start_year = 2012 }, source = "assumption" }\n', "is before the scenario's start_year = 2016"),
    ('[scale]\nn_schools = { schedule = { value = 2 }, source = "assumption" }\n',
     "only lever parameters may follow a schedule"),
    ('[supervision]\naudit_prob_per_step = { schedule = 0.1, source = "assumption" }\n',
     "schedule = 0.1: must be a table"),
    ('[supervision]\naudit_prob_per_step = { value = { value = 0.1 }, source = "assumption" }\n',
     "a table is a schedule; write it as schedule = { ... }"),
    ('[supervision]\naudit_prob_per_step = { value = 0.1, schedule = { value = 0.2 }, '
     'source = "assumption" }\n', "expected { value = ..., source"),
    ('start_year = 16\n', "start_year = 16: must be the calendar year the run starts"),
])
def test_scenario_schedule_errors(tmp_path, body, says):
    with pytest.raises(ScenarioError) as err:
        load_scenario(write(tmp_path, "bad", body))
    assert says in str(err.value)
    assert str(err.value).startswith(str(tmp_path))


def test_calendar_years_are_read_from_the_declared_start_year(tmp_path):
    path = write(tmp_path, "cal", """
        start_year = 2016
        [financial_support]
        subsidy_per_content_step = { schedule = { value = 2.0, start_year = 2018, \
end_year = 2021 }, source = "assumption" }
        tax_offset_rate = { schedule = { steps = [[2019, 0.3]] }, source = "Caishui [2019] No. 46" }
        """)
    scenario = load_scenario(path)
    assert scenario.start_year == 2016
    sub = scenario.params.subsidy_per_content_step
    assert (sub.start_year, sub.end_year) == (2.0, 5.0)
    assert scenario.params.tax_offset_rate.steps == ((3.0, 0.3),)
    # A child on another calendar is refused; one with schedules must declare the same year.
    other = write(tmp_path, "other", 'extends = "cal"\nstart_year = 2018\n')
    with pytest.raises(ScenarioError, match="runs on the calendar of the one it extends"):
        load_scenario(other)
    silent = write(tmp_path, "silent", 'extends = "cal"\n[supervision]\naudit_prob_per_step = '
                   '{ schedule = { value = 0.1, start_year = 3 }, source = "assumption" }\n')
    with pytest.raises(ScenarioError, match="declare start_year = 2016 here too"):
        load_scenario(silent)
    assert load_scenario(write(tmp_path, "plainchild", 'extends = "cal"\n')).start_year == 2016


def test_schedule_survives_a_round_trip_through_plain_values():
    params = Parameters(subsidy_per_content_step={"value": 3.0, "start_year": 2, "end_year": 5,
                                                  "ramp_years": 1, "setup_cost": 200.0})
    again = Parameters.from_mapping(params.to_dict())
    assert again == params
    assert isinstance(again.subsidy_per_content_step, schedules.Schedule)


# ---------------------------------------------------------------- values in a run


def test_schedule_on_from_the_start_gives_the_same_run_as_the_plain_value():
    plain = run_one({**SMALL, "subsidy_per_content_step": 2.0, "subsidy_budget_per_year": 300.0},
                    seed=5, steps=30)
    scheduled = run_one({**SMALL, "subsidy_per_content_step": {"value": 2.0},
                         "subsidy_budget_per_year": 300.0}, seed=5, steps=30)
    assert list(scheduled.columns) == [*plain.columns, LEVER]
    pd.testing.assert_frame_equal(scheduled[plain.columns], plain)
    assert (scheduled[LEVER] == 2.0).all()


def test_lever_column_holds_the_value_in_force_during_each_step():
    schedule = {"value": 2.0, "start_year": 1, "end_year": 2, "ramp_years": 0.5}
    model = CooperationModel(rng=2, **SMALL, subsidy_per_content_step=schedule,
                             subsidy_budget_per_year=300.0)
    seen = []
    for _ in range(30):
        seen.append(model.p.subsidy_per_content_step)  # what step t will use
        model.step()
    column = frame(model)[LEVER].tolist()
    assert column[1:] == seen  # row t is the value during step t
    expected = [0.0] * 12 + [2.0 * m / 6 for m in range(1, 7)] + [2.0] * 6 + [0.0] * 6
    assert column[1:] == pytest.approx(expected)
    assert column[0] == 0.0


def test_setup_cost_is_paid_once_in_the_first_step_the_lever_is_on():
    def run(cost):
        return run_one({**SMALL, "audit_prob_per_step": {"value": 0.2, "start_year": 1,
                                                         "setup_cost": cost}}, seed=4, steps=36)

    with_cost, without = run(50.0), run(0.0)
    extra = with_cost["spending_levers"] - without["spending_levers"]
    assert extra.tolist() == pytest.approx([50.0 if t == 13 else 0.0 for t in range(37)])
    assert (with_cost["spending_total"] - without["spending_total"]).sum() == pytest.approx(50.0)
    others = [c for c in without.columns if not c.startswith("spending_")]
    pd.testing.assert_frame_equal(with_cost[others], without[others])


def test_derived_state_follows_a_change_as_a_fresh_model_would_have_it():
    model = CooperationModel(rng=1, **SMALL, regulation_completeness={"steps": [[1, 0.9]]},
                             tax_offset_rate={"steps": [[1, 0.3]]})
    assert not model._on_offer
    model.run_for(11)
    before = model._risk_of_school.copy()
    model.run_for(2)  # the change comes after step 12, before step 13
    fresh = CooperationModel(rng=1, **SMALL, regulation_completeness=0.9, tax_offset_rate=0.3)
    np.testing.assert_allclose(model._risk_of_school, fresh._risk_of_school)
    assert model.credibility == pytest.approx(fresh.credibility)
    assert model._on_offer and (model._risk_of_school <= before).all()


def test_a_new_budget_is_renewed_pro_rata_for_the_months_left():
    model = CooperationModel(rng=1, **SMALL, subsidy_budget_per_year={
        "steps": [[1, 1200.0], [1.5, 2400.0]]})  # no subsidy on offer: nothing is paid
    out = frame(model.run_for(24) or model)
    assert out["budget_left"][12] == 0.0
    assert out["budget_left"][13] == pytest.approx(1200.0)
    assert out["budget_left"][19] == pytest.approx(1200.0)  # half a year left of 2400
    assert out["budget_left"][24] == pytest.approx(2400.0)  # renewed at the year end
    assert model.payout_ratio == 1.0


def test_raising_service_awareness_raises_every_department_and_keeps_their_order():
    model = CooperationModel(rng=3, **{**SMALL, "n_departments": 6},
                             service_awareness={"steps": [[1, 0.7]]})
    model.run_for(11)
    before = model.dept_awareness.copy()
    reach = model.service_reach
    model.run_for(2)
    after = model.dept_awareness
    assert (after > before).all()
    assert (np.argsort(after) == np.argsort(before)).all()
    assert model.service_reach > reach


def test_coordination_body_switched_on_pays_through_its_lead():
    model = CooperationModel(rng=3, **SMALL, subsidy_per_content_step=2.0,
                             subsidy_budget_per_year=600.0,
                             coordination_body={"steps": [[1, True]]})
    model.run_for(18)
    assert model.dept_lead is not None
    payers = np.flatnonzero(model.dept_budget > 0)
    assert set(payers) <= {int(model.dept_lead[0])} | set(np.unique(model.dept_lead).tolist())
    assert set(np.unique(model.partnerships.handler)) <= set(np.unique(model.dept_lead).tolist())


def test_withdrawal_stops_a_fixed_lever_at_the_year_asked():
    model = CooperationModel(rng=6, **SMALL, subsidy_per_content_step=2.0,
                             subsidy_budget_per_year=300.0)
    assert model.levers is None
    model.run_for(5)
    schedules.withdraw(model, "subsidy_per_content_step", 1)
    model.run_for(19)
    out = frame(model)
    assert out[LEVER].tolist() == [2.0] * 13 + [0.0] * 12
    assert (out["spending_subsidy"][13:] == 0).all()
    with pytest.raises(ParameterError, match="not a lever that can be stopped"):
        schedules.withdraw(model, "n_schools", 2)


def test_model_without_schedule_has_no_lever_plan_or_column():
    model = CooperationModel(rng=1, **SMALL)
    assert model.levers is None
    assert not [c for c in frame(model).columns if c.startswith(schedules.COLUMN_PREFIX)]


def test_on_periods_of_a_window_and_of_steps():
    window = Parameters(subsidy_per_content_step={"value": 2.0, "start_year": 2, "end_year": 5}
                        ).subsidy_per_content_step
    assert window.on_periods() == [(2.0, 5.0)]
    steps = Parameters(audit_prob_per_step={"steps": [[0, 0.1], [3, 0.01], [6, 0.2]]}
                       ).audit_prob_per_step
    assert steps.on_periods(0.01) == [(0.0, 3.0), (6.0, None)]


# ---------------------------------------------------------------- persistence (item 2)


def synthetic_steps(gain_at_end: float, half_life_years: float, *, end: int = 36,
                    steps: int = 120, replicates: int = 4, floor: float = 0.1,
                    start: int = 0) -> pd.DataFrame:
    """A funded scenario whose gain over its twin decays exponentially after ``end``."""
    rows = []
    t = np.arange(steps + 1)
    decay = np.where(t <= end, 1.0, 0.5 ** ((t - end) / (12 * half_life_years)))
    decay[t <= start] = 0.0  # no gain before support starts
    for r in range(replicates):
        wobble = 0.002 * (r - 1.5)
        rows.append(pd.DataFrame({"scenario": "funded", "replicate": r, "step": t,
                                  "content_share": floor + wobble + gain_at_end * decay}))
        rows.append(pd.DataFrame({"scenario": "twin", "replicate": r, "step": t,
                                  "content_share": floor + wobble}))
    return pd.concat(rows, ignore_index=True)


def measure(table: pd.DataFrame, name: str) -> pd.Series:
    return table.set_index("measure").loc[name]


def test_persistence_on_a_known_decay_recovers_share_left_and_half_life():
    from sim.analysis.persistence import persistence_table

    steps = synthetic_steps(0.2, half_life_years=2.0)
    table = persistence_table(steps, {"funded": (0, 36)}, {"funded": "twin"})
    # Yearly means: the gain k years on is the decay averaged over the 12 months up to then.
    months = np.arange(12)
    left = {k: np.mean(0.5 ** ((12 * k - months) / 24)) / 1.0 for k in (1, 3, 5)}
    assert measure(table, "gain at end of support")["mean"] == pytest.approx(0.2)
    for k, share in left.items():
        label = f"share of gain left after {k} year{'s' if k > 1 else ''}"
        assert measure(table, label)["mean"] == pytest.approx(share, rel=1e-6)
    life = measure(table, "half-life of gain (years)")
    assert 2.0 < life["mean"] < 2.5  # the yearly mean lags the monthly decay by about half a year
    assert measure(table, "content share, last year of support")["mean"] == pytest.approx(0.3)


def test_a_gain_that_never_halves_is_censored_and_a_faster_decay_has_a_shorter_half_life():
    from sim.analysis.persistence import persistence_table

    slow = persistence_table(synthetic_steps(0.2, 50.0), {"funded": (0, 36)}, {"funded": "twin"})
    life = measure(slow, "half-life of gain (years)")
    assert life["n"] == 0 and life["censored"] == 4
    fast = persistence_table(synthetic_steps(0.2, 0.5), {"funded": (0, 36)}, {"funded": "twin"})
    mid = persistence_table(synthetic_steps(0.2, 1.5), {"funded": (0, 36)}, {"funded": "twin"})
    assert (measure(fast, "half-life of gain (years)")["mean"]
            < measure(mid, "half-life of gain (years)")["mean"])
    # Without a twin the level before support is the reference.
    steps = synthetic_steps(0.2, 1.5, start=12)
    alone = persistence_table(steps[steps["scenario"] == "funded"], {"funded": (12, 36)},
                              {"funded": None})
    assert measure(alone, "gain at end of support")["reference"] == "level before support"
    assert measure(alone, "gain at end of support")["mean"] == pytest.approx(0.2)


def test_support_window_and_twin_are_found_from_the_scenarios(tmp_path):
    from sim.analysis.persistence import find_references, support_window

    base = write(tmp_path, "base", "[supervision]\naudit_prob_per_step = { value = 0.05, "
                 'source = "assumption" }\n')
    funded = write(tmp_path, "funded", 'extends = "base"\n[financial_support]\n'
                   'subsidy_per_content_step = { schedule = { value = 1.0, start_year = 1, '
                   'end_year = 4 }, source = "assumption" }\n')
    forever = write(tmp_path, "forever", 'extends = "base"\n[financial_support]\n'
                    'subsidy_per_content_step = { schedule = { value = 1.0, start_year = 1 }, '
                    'source = "assumption" }\n')
    loaded = [load_scenario(p) for p in (base, funded, forever)]
    assert support_window(loaded[1].params) == (12, 48)
    assert support_window(loaded[2].params) is None  # support never ends
    assert support_window(loaded[0].params) is None
    assert find_references(loaded) == {"funded": "base"}


# ---------------------------------------------------------------- timing factors (item 4)


def test_timing_factors_expand_into_schedules_with_a_total_budget(tmp_path):
    from sim.sweep.designs import build_design
    from sim.sweep.experiment import load_experiment
    from sim.sweep.run import plan_runs

    path = tmp_path / "timing.toml"
    path.write_text(textwrap.dedent("""
        design = "grid"
        steps = 120
        [fixed]
        subsidy_per_content_step = 1.0
        [vary]
        subsidy_per_content_step.start_year = { values = [0, 2] }
        "subsidy_per_content_step.duration_years" = { values = [3, 10] }
        [timing]
        together = ["subsidy_per_content_step", "subsidy_budget_per_year"]
        total_budget = 6000.0
        """), encoding="utf-8")
    experiment = load_experiment(path)
    assert experiment.factor_names == ["subsidy_per_content_step.start_year",
                                       "subsidy_per_content_step.duration_years"]
    specs = plan_runs(experiment, build_design(experiment))
    got = {(s.labels["subsidy_per_content_step.start_year"],
            s.labels["subsidy_per_content_step.duration_years"]):
           (Parameters.from_mapping(s.params).subsidy_per_content_step,
            Parameters.from_mapping(s.params).subsidy_budget_per_year) for s in specs}
    for (start, duration), (subsidy, budget) in got.items():
        assert (subsidy.start_year, subsidy.end_year, subsidy.value) == (start, start + duration,
                                                                         1.0)
        assert (budget.start_year, budget.end_year) == (start, start + duration)
        years_on = min(start + duration, 10) - start  # cut at the end of a 10-year run
        assert budget.value == pytest.approx(6000.0 / years_on)


@pytest.mark.parametrize(("vary", "says"), [
    ('n_schools.start_year = { values = [0, 2] }', "not a lever that can follow a schedule"),
    ('subsidy_per_content_step.begin = { values = [0, 2] }', "subsidy_per_content_step.begin"),
    ('subsidy_per_content_step.start_year = { values = [-1, 2] }', "must be a number of years"),
    ('subsidy_per_content_step.value = { values = [0, 500] }', "out of range"),
])
def test_bad_timing_factor_names_the_factor_and_what_is_allowed(tmp_path, vary, says):
    from sim.sweep.experiment import ExperimentError, load_experiment

    path = tmp_path / "bad.toml"
    path.write_text(f'design = "grid"\n[vary]\n{vary}\n', encoding="utf-8")
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    assert says in str(err.value) and str(err.value).startswith(str(path))


# ---------------------------------------------------------------- figures (item 5)


def test_shading_draws_one_band_per_merged_period_and_one_strip_per_lever_period():
    import matplotlib.pyplot as plt

    from sim.analysis.figures import shade_lever_periods

    fig, ax = plt.subplots()
    ax.plot([0, 120], [0, 1])
    shade_lever_periods(ax, {"subsidy_per_content_step": [(0, 36)],
                             "audit_prob_per_step": [(24, None)]})
    spans = [p.get_x() for p in ax.patches]
    assert len(ax.patches) == 1 + 2  # union [0, 120] once, then a strip per lever period
    widths = sorted(round(p.get_width()) for p in ax.patches)
    assert widths == [36, 96, 120]
    assert min(spans) == 0
    from sim.labels import label

    # readable lever names, not code names
    assert {t.get_text().strip() for t in ax.texts} == {label("subsidy_per_content_step"),
                                                        label("audit_prob_per_step")}
    plt.close(fig)


def test_on_steps_gives_each_levers_periods_in_steps():
    params = load_scenario("fund-three-years").params
    assert schedules.on_steps(params) == {"subsidy_per_content_step": [(0, 36)],
                                          "subsidy_budget_per_year": [(0, 36)]}


# ---------------------------------------------------------------- shipped scenarios (item 3)


def test_policy_history_moves_each_lever_in_the_month_of_its_measure():
    scenario = load_scenario("policy-history-ruian")
    assert scenario.start_year == 2016
    out = run_one({**scenario.params.to_dict(), **SMALL}, seed=1, steps=40)
    # Row k holds the value in force during step k; January 2016 is step 1.
    changes = {c[len("lever:"):]: out.index[out[c] != out[c].iloc[0]].min()
               for c in out.columns if c.startswith("lever:")}
    assert changes["regulation_completeness"] == 24  # Opinions, December 2017
    assert changes["mandate_overlap"] == 26  # Measures, February 2018
    assert changes["subsidy_per_content_step"] == 26
    assert changes["tax_offset_rate"] == 37  # Caishui [2019] No. 46, from January 2019
    assert changes["assessment_outcome_weight"] == 38  # Implementation Plan, February 2019
    assert out["lever:regulation_completeness"][24:26].tolist() == [0.35, 0.35]
    assert out["lever:regulation_completeness"][38] == 0.6


def test_funding_scenarios_share_one_budget_and_fund_three_years_has_its_twin():
    from sim.analysis.persistence import find_references, support_window

    names = ["fund-none", "fund-three-years", "fund-whole-run", "supervision-first",
             "subsidy-first"]
    loaded = [load_scenario(n) for n in names]
    three, whole = loaded[1].params, loaded[2].params
    assert three.subsidy_budget_per_year.value * 3 == whole.subsidy_budget_per_year * 10
    assert support_window(three) == (0, 36)
    assert find_references(loaded) == {"fund-three-years": "fund-none"}
    first, second = loaded[3].params, loaded[4].params
    # From year 3 on both orders have every lever at the same value.
    for name, schedule in schedules.scheduled(first).items():
        assert schedule.value_at(3.0) == schedules.scheduled(second)[name].value_at(3.0)
        assert schedule.value_at(0.0) != schedules.scheduled(second)[name].value_at(0.0)


def test_shipped_funding_timing_experiment_plans_one_total_budget():
    from sim.sweep.designs import build_design
    from sim.sweep.experiment import load_experiment
    from sim.sweep.run import plan_runs

    experiment = load_experiment("funding-timing")
    assert "assumption" in experiment.description
    for spec in plan_runs(experiment, build_design(experiment))[::7]:
        budget = Parameters.from_mapping(spec.params).subsidy_budget_per_year
        years = min(budget.end_year, experiment.steps / 12) - budget.start_year
        assert budget.value * years == pytest.approx(6000.0)


def test_sampled_timing_years_are_rounded_to_months():
    out = schedules.apply_timing({"subsidy_per_content_step": 1.0},
                                 {"subsidy_per_content_step.start_year": 2.37})
    assert out["subsidy_per_content_step"]["start_year"] == pytest.approx(28 / 12)
    Parameters.from_mapping(out)  # a month: accepted


# ---------------------------------------------------------------- learning by doing (item 2)


def test_experience_grows_with_content_share_and_forgetting_pulls_it_back():
    from sim.mechanisms.experience import learn, perceived_training_value

    start = np.array([0.0, 0.0, 0.5, 0.5])
    after = learn(start, np.array([0.0, 1.0, 1.0, 0.0]), rate=0.5, forgetting=0.1)
    assert after[0] == 0.0 and after[1] == pytest.approx(0.5)
    assert after[2] > start[2] > after[3]
    assert (perceived_training_value(3.0, 0.5, after) >= 3.0).all()


def test_learning_by_doing_is_off_by_default_and_changes_nothing_without_a_premium():
    assert Parameters().experience_learning_rate == 0.0
    base = {**SMALL, "n_enterprises": 120, "subsidy_per_content_step": 2.0,
            "subsidy_budget_per_year": 500.0, "audit_prob_per_step": 0.1}
    off = run_one(base, seed=8, steps=36)
    no_premium = run_one({**base, "experience_learning_rate": 0.5,
                          "experience_value_premium": 0.0}, seed=8, steps=36)
    pd.testing.assert_frame_equal(off, no_premium)


def test_firms_with_content_partnerships_gain_experience_at_the_year_end():
    model = CooperationModel(rng=8, **{**SMALL, "n_enterprises": 120},
                             subsidy_per_content_step=2.0, subsidy_budget_per_year=500.0,
                             audit_prob_per_step=0.1, experience_learning_rate=0.5)
    model.run_for(11)
    assert not model.ent_experience.any()  # nothing learnt before the first year end
    model.run_for(1)  # step 12 ends the year: firms learn from the partnerships they hold
    pt, n_e = model.partnerships, len(model.enterprises)
    held = np.bincount(pt.enterprise, minlength=n_e)
    content = np.bincount(pt.enterprise, weights=(pt.depth == 3).astype(float), minlength=n_e)
    share = np.divide(content, held, out=np.zeros(n_e), where=held > 0)
    assert share.any()
    np.testing.assert_allclose(model.ent_experience, 0.5 * share)


def test_the_shaded_depth_figure_of_a_scheduled_batch_is_clean(tmp_path):
    """Lever strips and their labels stay inside the panels (journal layout check)."""
    import pandas as pd

    from sim.analysis.figures import depth_shares_over_time
    from sim.figure_style import layout_checked

    rows = [(s, r, step, 0.5, 0.3, 0.2, 10) for s in ("a", "b") for r in range(2)
            for step in range(37)]
    steps = pd.DataFrame(rows, columns=["scenario", "replicate", "step", "form_share",
                                        "practice_share", "content_share", "partnerships_active"])
    periods = {"a": {"subsidy_per_content_step": [(0, 24)], "audit_prob_per_step": [(12, None)]},
               "b": {}}
    with layout_checked() as found:
        depth_shares_over_time(steps, tmp_path / "depth", ["a", "b"], lever_periods=periods)
    assert list(found.values()) == [[]], found


def test_many_scheduled_levers_get_thin_unlabelled_strips_that_leave_the_data_visible():
    import matplotlib.pyplot as plt

    from sim.analysis.figures import LEVER_STRIPS_MAX, shade_lever_periods

    fig, ax = plt.subplots()
    ax.plot([0, 180], [0, 1])
    periods = {f"lever_{i}": [(24 + i, None)] for i in range(9)}  # a policy history
    shade_lever_periods(ax, periods)
    strips = [p for p in ax.patches if p.get_height() < 1.0]  # the union band spans the panel
    assert len(strips) == 9 and not ax.texts
    assert min(p.get_y() for p in strips) >= 1 - LEVER_STRIPS_MAX - 1e-9
    plt.close(fig)


def test_a_batch_report_states_a_schedule_in_words_not_as_a_raw_mapping():
    from sim.analysis.sections import scenarios_section
    from sim.scenarios import load_scenario
    from sim.sweep.experiment import scenario_point

    text = "\n".join(scenarios_section([scenario_point(load_scenario("fund-three-years"))]).lines)
    assert "subsidy_per_content_step=[1 from year 0 to 3; else 0]" in text
    history = "\n".join(scenarios_section(
        [scenario_point(load_scenario("policy-history-ruian"))]).lines)
    assert "{'steps'" not in history and "from year 1.92" in history  # December 2017
