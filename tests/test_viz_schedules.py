"""The live view with scheduled levers: a scheduled scenario runs, and "stop <lever> at year N"."""

from __future__ import annotations

import pytest

pytest.importorskip("solara")

from sim import schedules  # noqa: E402
from sim.params import Parameters  # noqa: E402
from sim.scenarios import load_scenario  # noqa: E402
from sim.viz import app, export  # noqa: E402

SMALL = {"n_enterprises": 150, "n_schools": 4, "n_departments": 3}
LEVER = "lever:subsidy_per_content_step"


@pytest.fixture
def session():
    s = app.Session(params=Parameters(**SMALL, subsidy_per_content_step=2.0,
                                      subsidy_budget_per_year=500.0), seed=3)
    yield s
    s.worker.close()


def test_stop_at_year_n_stops_the_running_lever_and_keeps_it_for_reset(session):
    session.step(5)
    session.worker.drain()
    assert session.withdraw("subsidy_per_content_step", "1")
    session.step(19)
    session.worker.drain()
    current = session.comparison.value.current
    assert current.values(LEVER)[0].tolist() == [2.0] * 13 + [0.0] * 12
    assert (current.values("spending_subsidy")[0][13:] == 0).all()
    # The control now holds the schedule that stops it, so Reset rebuilds the same run.
    control = session.values.value["subsidy_per_content_step"]
    assert isinstance(control, schedules.Schedule) and control.end_year == 1.0
    assert not session.pending()
    assert "to 1" in session.fields["subsidy_per_content_step"].value


def test_a_withdrawal_of_a_non_lever_or_a_bad_year_is_refused_beside_the_control(session):
    assert not session.withdraw("n_schools", "2")
    assert "not a lever that can be stopped" in session.errors.value["withdraw"]
    assert not session.withdraw("audit_prob_per_step", "soon")
    assert "audit_prob_per_step" in session.errors.value["withdraw"]
    assert session.values.value["audit_prob_per_step"] == Parameters().audit_prob_per_step


def test_a_scheduled_scenario_runs_in_the_view_and_saves_with_its_schedules(tmp_path, session):
    assert session.choose_scenario("policy-history-ruian")
    session.worker.drain()
    session.step(30)
    session.worker.drain()
    now = session.comparison.value.current.model.levers.current
    assert now["regulation_completeness"] == 0.5  # Dec 2017 and Feb 2018 have passed
    assert now["tax_offset_rate"] == 0.0  # January 2019 is step 36
    path = tmp_path / "saved.toml"
    path.write_text(export.scenario_toml(session.parameters(), title="t", description="d"),
                    encoding="utf-8")
    assert load_scenario(path).params == session.parameters()


def test_until_stops_windows_and_steps_at_the_year():
    assert schedules.until("subsidy_per_content_step", 2.0, 3).end_year == 3.0
    window = schedules.Schedule(value=1.0, start_year=2, end_year=8, off=0.0)
    assert schedules.until("subsidy_per_content_step", window, 5).end_year == 5.0
    assert schedules.until("subsidy_per_content_step", window, 1) == 0.0  # never on before
    steps = schedules.Schedule(steps=((1.0, 0.3), (4.0, 0.5)), off=0.01)
    assert schedules.until("audit_prob_per_step", steps, 3).steps == ((1.0, 0.3), (3.0, 0.01))
