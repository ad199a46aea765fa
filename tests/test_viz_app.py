"""The live view without a browser: controls, input, compare runs, exports, network and charts."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest

solara = pytest.importorskip("solara")
ipyvuetify = pytest.importorskip("ipyvuetify")

from sim.labels import label  # noqa: E402
from sim.params import Parameters, lever_names, specs  # noqa: E402
from sim.scenarios import load_scenario  # noqa: E402
from sim.viz import app, charts, controls, export, network_view, runs, vega_view  # noqa: E402

SMALL = {"n_enterprises": 300, "n_schools": 6}


def small_session(**changes) -> app.Session:
    session = app.Session(params=Parameters(**SMALL), seed=7)
    for name, value in changes.items():
        assert session.set_value(name, value)
    return session


# ------------------------------------------------------------------ controls
def test_every_lever_has_a_control_with_readable_label_and_declared_range():
    declared = {name: spec for name, _, _, spec in specs()}
    by_name = {c.name: c for c in controls.CONTROLS}
    assert set(lever_names()) <= set(by_name)
    for name, control in by_name.items():
        assert control.label() == label(name) and name not in control.label()
        assert control.doc == declared[name].doc
        if control.kind != "switch":
            assert (control.low, control.high) == (declared[name].low, declared[name].high)
            # The slider stays inside the declared range.
            assert declared[name].low <= min(control.stops) <= max(control.stops) \
                <= declared[name].high


def test_a_wide_range_gets_a_log_slider_with_room_for_where_the_lever_acts():
    subsidy = controls.BY_NAME["subsidy_per_content_step"]
    assert subsidy.log and subsidy.stops[0] == 0
    acting = [s for s in subsidy.stops if 0.5 <= s <= 1.5]
    assert len(acting) / len(subsidy.stops) >= 0.15  # was 1 % of a 0-100 linear track
    budget = controls.BY_NAME["subsidy_budget_per_year"]
    assert budget.log and budget.stops[-1] / budget.stops[1] >= 1e4
    # A share keeps a linear slider.
    assert not controls.BY_NAME["audit_prob_per_step"].log


def test_slider_stops_and_shown_values_are_rounded():
    for control in controls.CONTROLS:
        for stop in control.stops:
            assert len(repr(float(stop)).rstrip("0")) <= 12, (control.name, stop)
    assert controls.shown(0.1 + 0.2) == "0.3"
    assert controls.shown(0.09999999999999999) == "0.1"
    assert controls.shown(1e7) == "10,000,000"


@pytest.mark.parametrize(("typed", "kind", "value"), [
    ("2,000", "float", 2000.0), ("2 000", "int", 2000), ("1,234,567.5", "float", 1234567.5),
    ("１.5", "float", 1.5), ("1e3", "float", 1000.0), (" 42 ", "int", 42)])
def test_typed_numbers_with_thousands_separators_are_read_as_meant(typed, kind, value):
    assert controls.parse_number(typed, kind) == value


@pytest.mark.parametrize(("typed", "kind", "why"), [
    ("2,5", "float", "comma"), ("3.7", "int", "whole"), ("abc", "float", "not a number"),
    ("inf", "float", "finite"), ("", "int", "required")])
def test_typed_numbers_that_cannot_be_read_are_refused_with_the_reason(typed, kind, why):
    with pytest.raises(controls.InputRefused, match=why):
        controls.parse_number(typed, kind)


def test_budget_typed_with_a_comma_is_two_thousand_not_two():
    session = small_session()
    assert session.type_value("subsidy_budget_per_year", "2,000")
    assert session.values.value["subsidy_budget_per_year"] == 2000.0
    assert session.fields["subsidy_budget_per_year"].value == "2000"


def test_refused_value_is_put_back_and_its_message_sits_under_that_field():
    session = small_session()
    kept = session.values.value["audit_prob_per_step"]
    assert not session.type_value("audit_prob_per_step", "1.5")
    assert session.values.value["audit_prob_per_step"] == kept
    assert session.fields["audit_prob_per_step"].value == controls.shown(kept)
    message = session.errors.value["audit_prob_per_step"]
    assert "1.5" in message and "[0, 1]" in message and f"kept {kept}" in message
    assert set(session.errors.value) == {"audit_prob_per_step"}
    # A good value clears that field's message.
    assert session.type_value("audit_prob_per_step", "0.2")
    assert "audit_prob_per_step" not in session.errors.value


def test_refused_seed_and_replicates_are_put_back():
    session = small_session()
    assert not session.type_value("seed", "3.7")
    assert session.seed.value == 7 and session.fields["seed"].value == "7"
    assert "whole number" in session.errors.value["seed"]
    assert not session.type_value("replicates", "50")
    assert session.replicates.value == 1 and session.fields["replicates"].value == "1"
    assert "1 to 10" in session.errors.value["replicates"]


def test_moved_lever_is_pending_until_reset_rebuilds_with_it():
    session = small_session()
    assert not session.pending()
    assert session.set_value("coordination_body", True)
    assert session.pending()
    session.reset()
    assert session.comparison.value.current.params.coordination_body is True
    assert not session.pending()


# ------------------------------------------------------------------ compare runs
def test_same_seed_and_controls_rebuild_the_same_run():
    session = small_session(audit_prob_per_step=0.2)
    session.reset()
    session.step(12)
    first = session.comparison.value.frame()
    session.reset()
    session.step(12)
    pd.testing.assert_frame_equal(first, session.comparison.value.frame())


def test_pinned_baseline_steps_with_the_current_run_on_the_same_seeds():
    session = small_session()
    session.step(3)
    session.pin()
    comparison = session.comparison.value
    assert comparison.baseline.step_count == comparison.current.step_count == 3
    assert comparison.baseline.seeds == comparison.current.seeds
    assert session.set_value("subsidy_per_content_step", 5.0)
    assert session.set_value("subsidy_budget_per_year", 1e5)
    session.reset()
    session.step(24)
    comparison = session.comparison.value
    assert comparison.baseline.params == Parameters(**SMALL)
    assert comparison.current.params.subsidy_per_content_step == 5.0
    assert comparison.baseline.step_count == comparison.current.step_count == 24
    diffs = {d.column: d for d in comparison.differences()}
    assert set(diffs) == set(runs.HEADLINE)
    assert diffs["spending_total"].difference > 0  # a subsidy is paid only in the current run
    assert diffs["spending_total"].beyond_noise is None  # one replicate: no interval


def test_identical_runs_differ_by_nothing():
    params = Parameters(**SMALL)
    comparison = runs.Comparison(runs.RunSet(params, 3, 3), runs.RunSet(params, 3, 3, "same"))
    comparison.step(12)
    for d in comparison.differences():
        assert d.difference == 0 and d.beyond_noise is False


def test_a_scenario_can_be_the_baseline():
    session = small_session()
    session.step(2)
    assert session.set_baseline("full-package")
    baseline = session.comparison.value.baseline
    assert baseline.params == load_scenario("full-package").params
    assert baseline.name == "full-package" and baseline.step_count == 2


def test_replicates_give_a_band_around_the_mean():
    run = runs.RunSet(Parameters(**SMALL), 11, 4)
    assert len(set(run.seeds)) == 4 and run.seeds[0] == 11
    run.step(12)
    mean, low, high = run.band("depth_index")
    values = run.values("depth_index")
    assert np.allclose(mean, values.mean(axis=0))
    later = slice(2, None)
    assert np.all(low[later] <= mean[later]) and np.all(mean[later] <= high[later])
    assert np.any(high[later] > low[later])
    single = runs.RunSet(Parameters(**SMALL), 11, 1)
    assert np.isnan(single.band("depth_index")[1]).all()


def test_replicates_run_in_the_worker_and_the_page_says_so():
    session = small_session()
    assert session.type_value("replicates", "3")
    session.reset()
    gate = threading.Event()
    session.worker.before_job = gate.wait  # hold the worker until the test looks
    done = session.worker.submit(lambda: None)
    session.step(2)
    assert session.busy.value
    assert session.comparison.value.current.step_count == 0
    gate.set()
    done.result(timeout=60)
    session.worker.drain()  # the step job has finished
    assert not session.busy.value
    assert session.comparison.value.current.step_count == 2
    assert len(session.comparison.value.current.seeds) == 3


def test_play_steps_in_the_worker_until_paused():
    session = small_session()
    session.toggle_play()
    deadline = time.monotonic() + 60
    while session.comparison.value.current.step_count < 3:  # a condition, not a race
        assert time.monotonic() < deadline, "Play made no progress"
        time.sleep(0.01)
    session.toggle_play()
    session.worker.drain(timeout_s=60)  # the play loop has returned
    stopped = session.comparison.value.current.step_count
    session.worker.drain(timeout_s=60)
    assert not session.playing.value and session.comparison.value.current.step_count == stopped
    assert session.comparison.value.current.model.step_count == stopped


def test_play_behind_its_interval_still_leaves_room_for_clicks(monkeypatch):
    session = small_session()
    session.interval_ms.set(1)  # far faster than a step: Play is always behind
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # stands in for time.sleep: records, then stops Play
        waits.append(seconds)
        if len(waits) == 5:
            session.playing.set(False)

    monkeypatch.setattr(app.time, "sleep", sleep)
    session.playing.set(True)
    session._play()
    assert len(waits) == 5 and min(waits) >= app.MIN_PLAY_PAUSE_S


# ------------------------------------------------------------------ take away
def test_saved_levers_load_as_a_scenario_with_the_same_parameters(tmp_path):
    session = small_session(tax_offset_rate=0.3, coordination_body=True)
    session.type_value("subsidy_budget_per_year", "2,500")
    session.reset()
    path = tmp_path / "saved.toml"
    path.write_text(session.scenario_file(), encoding="utf-8")
    loaded = load_scenario(path)
    assert loaded.params == session.comparison.value.current.params
    assert set(loaded.provenance.values()) == {export.SOURCE}
    assert {c.name for c in controls.CONTROLS} <= set(loaded.provenance)


def test_a_county_from_a_network_file_is_saved_with_its_file(tmp_path):
    session = app.Session()
    assert session.choose_scenario("example-county"), session.scenario_error.value
    text = session.scenario_file()
    assert "n_enterprises" not in text  # the file's firms are used, not a count
    path = tmp_path / "county.toml"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path).params == session.comparison.value.current.params


def test_steps_download_as_csv_with_one_row_per_run_replicate_and_step(tmp_path):
    session = small_session()
    session.type_value("replicates", "2")
    session.reset()
    session.pin()
    session.step(5)
    session.worker.drain()
    path = tmp_path / "steps.csv"
    path.write_text(session.comparison.value.csv(), encoding="utf-8")
    frame = pd.read_csv(path)
    assert len(frame) == 2 * 2 * 6
    assert list(frame.columns[:4]) == ["run", "replicate", "seed", "step"]
    assert set(runs.HEADLINE) <= set(frame.columns)
    assert set(frame["run"]) == {"current", "pinned"}


# ------------------------------------------------------------------ network
def test_misreported_ties_are_dashed_and_legends_keep_agents_apart_from_ties():
    model = small_session().comparison.value.current.model
    model.run_for(6)
    pt = model.partnerships
    pt.misreporting[: max(1, len(pt) // 3)] = True  # as the model marks a report above depth
    layered = network_view.network_layered(model)
    ties = layered.rows("ties")
    assert sum(t["reporting"] == "misreported (above real)" for t in ties) == pt.misreporting.sum()
    tie_layer = next(lay for lay in layered.spec["layer"] if lay["data"]["name"] == "ties")
    dash = tie_layer["encoding"]["strokeDash"]["scale"]
    assert dash["range"][dash["domain"].index("misreported (above real)")] != []
    colour_domain = tie_layer["encoding"]["color"]["scale"]["domain"]
    assert "school" not in colour_domain and "Form" in colour_domain
    school_layer = next(lay for lay in layered.spec["layer"] if lay["data"]["name"] == "schools")
    assert "color" not in school_layer["encoding"]  # agents: by shape, in their own legend


def test_a_large_county_draws_a_sample_of_firms_and_every_tie():
    model = runs.RunSet(Parameters(n_enterprises=network_view.MAX_FIRMS_DRAWN * 2,
                                   n_schools=4), 5).model
    model.run_for(3)
    layered = network_view.network_layered(model)
    assert len(layered.rows("firms")) == network_view.MAX_FIRMS_DRAWN
    assert len(layered.rows("ties")) == len(model.partnerships)
    assert "drawn: 3,000 of 6,000 enterprises" in layered.params["subheading"]


def test_positions_are_computed_once_and_stay_fixed_while_ties_change():
    model = small_session().comparison.value.current.model
    before = network_view.network_fixed(model).base["firms"]["x"]
    model.run_for(5)
    assert network_view.network_fixed(model).base["firms"]["x"] == before
    assert network_view.positions(model) is network_view.positions(model)


# ------------------------------------------------------------------ charts
def test_series_differ_in_dash_as_well_as_colour():
    for chart in charts.CHARTS:
        dashes = [tuple(charts.DASHES[d]) for _, d in chart.series.values()]
        colours = [c for c, _ in chart.series.values()]
        assert len(set(dashes)) == len(dashes) and len(set(colours)) == len(colours)


def test_charts_overlay_both_runs_with_bands_when_replicated():
    params = Parameters(**SMALL)
    comparison = runs.Comparison(runs.RunSet(params.replace(audit_prob_per_step=0.3), 2, 3),
                                 runs.RunSet(params, 2, 3, "status quo"))
    comparison.step(6)
    layered = charts.chart_layered(comparison.runs(), charts.CHARTS[1])
    rows = layered.rows("series")
    assert {r["run"] for r in rows} == {"current", "baseline: status quo"}
    later = [r for r in rows if r["step"] >= 2]
    assert all(r["lo"] <= r["mean"] <= r["hi"] for r in later)
    widths = layered.spec["layer"][1]["encoding"]["strokeWidth"]["scale"]
    assert widths["range"][widths["domain"].index("current")] > widths["range"][0]


def test_chinese_labels_come_from_the_label_table():
    run = runs.RunSet(Parameters(**SMALL), 1)
    layered = charts.chart_layered([run], charts.CHARTS[1], lang="zh")
    assert "lo" not in layered.data["series"]  # one replicate: no band, nothing sent for it
    assert label("content_share", "zh", with_unit=False) in layered.spec["layer"][1]["encoding"][
        "color"]["scale"]["domain"]
    assert controls.BY_NAME["subsidy_per_content_step"].label("zh") == label(
        "subsidy_per_content_step", "zh")


# ------------------------------------------------------------------ the page
def find_button(rc, css_class: str):
    found = [w for w in rc.find(ipyvuetify.Btn).widgets if css_class in (w.class_ or "").split()]
    assert len(found) == 1, css_class
    return found[0]


def test_page_step_redraws_network_and_charts_sending_only_what_changed():
    _, rc = solara.render(app.Page(), handle_error=False)
    def views():
        return {w.chart_value()["name"]: w for w in rc.find(vega_view.VegaViewWidget).widgets}

    before = views()
    assert set(before) == {"coopsim-network", *(f"coopsim-{c.key}" for c in charts.CHARTS)}
    network = before["coopsim-network"]
    resent = []
    network.observe(resent.append, names="chart")
    assert network.frame_value()["params"]["heading"] == "County network at step 0"
    rows = len(before["coopsim-content"].frame_value()["data"]["series"]["step"])
    find_button(rc, "coopsim-step").click()
    after = views()
    assert after["coopsim-network"].frame_value()["params"]["heading"] == "County network at step 1"
    assert len(after["coopsim-content"].frame_value()["data"]["series"]["step"]) > rows
    assert after["coopsim-network"] is network and resent == []  # spec, positions not re-sent
    rc.close()


def test_a_levers_meaning_is_one_click_away():
    _, rc = solara.render(app.Page(), handle_error=False)
    doc = controls.BY_NAME["audit_prob_per_step"].doc
    assert not rc.find(children=[doc])
    find_button(rc, "coopsim-doc-audit_prob_per_step").click()
    assert rc.find(children=[doc]).widget.children == [doc]
    find_button(rc, "coopsim-doc-audit_prob_per_step").click()
    assert not rc.find(children=[doc])
    rc.close()


def test_closing_the_page_stops_play_and_the_worker(monkeypatch):
    session = small_session()
    monkeypatch.setattr(app, "initial_session", lambda: session)
    _, rc = solara.render(app.Page(), handle_error=False)
    find_button(rc, "coopsim-play").click()
    assert session.playing.value
    rc.close()
    assert not session.playing.value
    with pytest.raises(RuntimeError):  # a shut-down pool takes no new work
        session.worker.submit(lambda: None)


def test_page_switches_to_chinese_and_back():
    _, rc = solara.render(app.Page(), handle_error=False)
    find_button(rc, "coopsim-lang").click()
    network = [w for w in rc.find(vega_view.VegaViewWidget).widgets
               if w.chart_value()["name"] == "coopsim-network"][0]
    heading = network.frame_value()["params"]["heading"]
    assert heading == app.text("network_title", "zh", step=0)
    assert find_button(rc, "coopsim-step").children == ["单步"]
    find_button(rc, "coopsim-lang").click()
    assert find_button(rc, "coopsim-step").children == ["Step"]
    rc.close()


def test_bad_scenario_shows_the_error_beside_the_picker_and_keeps_the_run(tmp_path, monkeypatch):
    (tmp_path / "broken.toml").write_text(
        'title = "broken"\ndescription = "x"\n[supervision]\n'
        'audit_prob_per_step = { value = 7.0, source = "assumption" }\n', encoding="utf-8")
    monkeypatch.setenv("COOPSIM_SCENARIOS", str(tmp_path))
    session = small_session(tax_offset_rate=0.3)
    before, values = session.comparison.value, dict(session.values.value)
    assert not session.choose_scenario("broken")
    assert session.comparison.value is before and session.values.value == values
    assert "broken" in session.scenario_error.value
    assert "audit_prob_per_step" in session.scenario_error.value
