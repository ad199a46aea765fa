"""The live view without a browser: controls, model rebuilds, network and chart data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

solara = pytest.importorskip("solara")
ipyvuetify = pytest.importorskip("ipyvuetify")

from sim.depth import Depth  # noqa: E402
from sim.params import Parameters, lever_names, specs  # noqa: E402
from sim.scenarios import load_scenario  # noqa: E402
from sim.viz import app, charts, network_view, vega_view  # noqa: E402

SMALL = {"n_enterprises": 300, "n_schools": 6}


def small_state(**changes) -> app.ViewState:
    state = app.ViewState(params=Parameters(**SMALL), seed=7)
    for name, value in changes.items():
        assert state.set_value(name, value)
    return state


def test_every_lever_has_a_control_with_the_declared_range():
    declared = {name: spec for name, _, _, spec in specs()}
    controls = {c.name: c for c in app.CONTROLS}
    assert set(lever_names()) <= set(controls)
    for name, control in controls.items():
        if control.kind != "switch":
            assert (control.low, control.high) == (declared[name].low, declared[name].high)
            assert declared[name].unit in control.label


def test_same_seed_and_controls_rebuild_the_same_model():
    state = small_state(audit_prob_per_step=0.2)
    first, second = app.ViewModel(state), app.ViewModel(state)
    first.run_for(12)
    second.run_for(12)
    pd.testing.assert_frame_equal(first.datacollector.get_model_vars_dataframe(),
                                  second.datacollector.get_model_vars_dataframe())
    state.set_seed(8)
    third = app.ViewModel(state)
    third.run_for(12)
    assert not third.datacollector.get_model_vars_dataframe().equals(
        first.datacollector.get_model_vars_dataframe())


def test_moved_lever_reaches_the_next_model_and_marks_it_pending():
    state = small_state()
    model = app.ViewModel(state)
    assert not state.pending(model)
    assert state.set_value("coordination_body", True)
    assert state.pending(model)
    rebuilt = app.ViewModel(state)
    assert rebuilt.p.coordination_body is True
    assert not state.pending(rebuilt)


def test_out_of_range_value_is_refused_with_a_message_naming_the_field():
    state = small_state()
    assert not state.set_value("audit_prob_per_step", 1.5)
    assert "audit_prob_per_step" in state.error.value and "[0, 1]" in state.error.value
    assert state.values.value["audit_prob_per_step"] == Parameters().audit_prob_per_step


def test_picking_a_scenario_loads_its_values_and_rebuilds_the_model():
    state = small_state()
    model = solara.reactive(app.ViewModel(state))
    before = model.value
    assert state.choose_scenario("full-package", model)
    expected = load_scenario("full-package").params
    assert model.value is not before
    assert model.value.p == expected
    assert state.values.value["subsidy_per_content_step"] == expected.subsidy_per_content_step
    assert state.parameters() == expected and state.error.value is None


def test_bad_scenario_shows_the_error_and_keeps_the_last_good_model(tmp_path, monkeypatch):
    (tmp_path / "broken.toml").write_text(
        'title = "broken"\n[supervision]\n'
        'audit_prob_per_step = { value = 7.0, source = "assumption" }\n', encoding="utf-8")
    monkeypatch.setenv("COOPSIM_SCENARIOS", str(tmp_path))
    state = small_state(tax_offset_rate=0.3)
    model = solara.reactive(app.ViewModel(state))
    before, values = model.value, dict(state.values.value)
    assert not state.choose_scenario("broken", model)
    assert model.value is before
    assert state.values.value == values
    assert "broken" in state.error.value and "audit_prob_per_step" in state.error.value


def render_controls(state: app.ViewState, model=None):
    if model is None:
        model = solara.reactive(app.ViewModel(state))

    @solara.component
    def Panel():
        app.ControlsPanel(state, model)

    _, rc = solara.render(Panel(), handle_error=False)
    return rc


def type_into(rc, label: str, text: str) -> None:
    """Type ``text`` into the field labelled ``label`` and press Enter, as a user does."""
    field = rc.find(ipyvuetify.TextField, label=label).widget
    field.v_model = text
    field.fire_event("keyup.enter", {})


def shown(rc, label: str) -> str:
    return rc.find(ipyvuetify.TextField, label=label).widget.v_model


def test_refused_number_is_put_back_in_its_field_every_time():
    state = small_state()
    rc = render_controls(state)
    label = "penalty_per_misreport (MU)"
    kept = Parameters().penalty_per_misreport
    for text in ("5000", "6000"):  # the second refusal is the one a field used to keep
        type_into(rc, label, text)
        assert float(shown(rc, label)) == kept
        assert f"penalty_per_misreport = {float(text)}" in state.error.value
        assert state.values.value["penalty_per_misreport"] == kept
    type_into(rc, label, "12")
    assert float(shown(rc, label)) == 12.0 and state.error.value is None
    assert state.parameters().penalty_per_misreport == 12.0
    rc.close()


def test_refused_seed_is_put_back_in_its_field():
    state = small_state()
    rc = render_controls(state)
    type_into(rc, "Seed", "-1")
    assert shown(rc, "Seed") == "7" and state.seed.value == 7
    assert "seed = -1" in state.error.value
    type_into(rc, "Seed", "11")
    assert shown(rc, "Seed") == "11" and state.seed.value == 11 and state.error.value is None
    rc.close()


def test_a_message_appearing_leaves_the_lever_groups_as_the_user_opened_them():
    state = small_state()
    rc = render_controls(state)
    panels = rc.find(ipyvuetify.ExpansionPanels)
    scale = next(w for w in panels.widgets if app.GROUPS["scale"] in str(w.children[0]))
    scale.v_model = 0  # the user opens "Scale and structure"
    type_into(rc, "penalty_per_misreport (MU)", "5000")  # an error message appears
    assert state.error.value
    panels = rc.find(ipyvuetify.ExpansionPanels).widgets
    scale = next(w for w in panels if app.GROUPS["scale"] in str(w.children[0]))
    assert scale.v_model == 0
    rc.close()


def test_scale_controls_are_greyed_out_when_the_county_comes_from_a_network_file():
    from_file = load_scenario("example-county").params
    assert from_file.network_file
    state = app.ViewState("example-county", from_file)
    model = app.ViewModel(state)
    assert len(model.enterprises) != from_file.n_enterprises  # the numbers would mislead
    rc = render_controls(state)
    for label in ("n_schools (schools)", "n_enterprises (enterprises)"):
        assert rc.find(ipyvuetify.TextField, label=label).widget.disabled
    note = rc.find(ipyvuetify.Alert, class_="coopsim-network-file").widget
    assert Path(from_file.network_file).name in str(note.children)
    assert not rc.find(ipyvuetify.TextField, label="penalty_per_misreport (MU)").widget.disabled
    rc.close()

    generated = render_controls(small_state())
    assert not generated.find(ipyvuetify.TextField, label="n_schools (schools)").widget.disabled
    assert not generated.find(ipyvuetify.Alert, class_="coopsim-network-file").widgets
    generated.close()


def test_each_field_keeps_its_own_value_when_a_scenario_changes_the_panel():
    # Picking a county from a file adds a note above the size fields; no field may
    # take over another's text (n_schools once showed, and used, n_enterprises' 1000).
    state = small_state()
    model = solara.reactive(app.ViewModel(state))
    rc = render_controls(state, model)
    picker = rc.find(ipyvuetify.Select, label="Scenario").widget
    for name in ("example-county", "ruian-status-quo", "example-county"):
        picker.v_model = name  # as the user picks it
        assert state.scenario.value == name and state.error.value is None
        expected = load_scenario(name).params
        assert state.parameters() == expected and model.value.p == expected
        assert shown(rc, "n_schools (schools)") == str(expected.n_schools)
        assert shown(rc, "n_enterprises (enterprises)") == str(expected.n_enterprises)
    rc.close()


def test_network_draws_every_agent_and_each_partnership_by_depth():
    model = app.ViewModel(small_state(subsidy_per_content_step=3.0, subsidy_budget_per_year=1e4,
                                      audit_prob_per_step=0.2))
    model.run_for(24)
    spec = network_view.network_spec(model)
    by_kind = {}
    for layer in spec["layer"]:
        rows = spec["datasets"][layer["data"]["name"]]
        if rows and "kind" in rows[0]:
            by_kind[rows[0]["kind"]] = rows
    assert len(by_kind["enterprise"]) == len(model.enterprises)
    assert len(by_kind["school"]) == len(model.schools)
    assert len(by_kind["department"]) == len(model.departments)
    assert {r["kind"] for r in by_kind["enterprise"]} == {"enterprise"}
    firm = by_kind["enterprise"][0]
    assert {"agent", "industry", "status", "size", "retention"} <= set(firm)
    edges = spec["datasets"][spec["layer"][0]["data"]["name"]]
    depth_counts = np.bincount(model.partnerships.depth, minlength=4)
    drawn = pd.Series([e["status"] for e in edges]).value_counts()
    for depth, label in network_view.DEPTH_LABELS.items():
        assert drawn.get(label, 0) == depth_counts[depth]
    assert depth_counts[Depth.FORM] > 0


def test_positions_are_computed_once_and_stay_fixed_while_ties_change():
    model = app.ViewModel(small_state())
    first = network_view.positions(model)
    edges_before = model.network.number_of_edges()
    model.run_for(6)
    assert model.network.number_of_edges() != edges_before
    assert network_view.positions(model) is first
    xy = np.vstack([first.school, first.enterprise, first.department])
    assert np.isfinite(xy).all() and np.abs(xy).max() <= 1.2
    # Firms of one industry share a sector: their angles span less than the full circle.
    angle = np.arctan2(first.enterprise[:, 1], first.enterprise[:, 0])
    one = model.ent_industry == model.ent_industry[0]
    centred = np.angle(np.exp(1j * (angle[one] - first.sector_centre[model.ent_industry[0]])))
    assert np.abs(centred).max() < np.pi / 2


def test_charts_grow_with_each_step_and_drop_missing_delays():
    model = app.ViewModel(small_state())
    frame = model.datacollector.get_model_vars_dataframe()
    delay = next(c for c in charts.CHARTS if c.key == "approval_delay")
    assert charts.chart_spec(frame, delay)["datasets"]["series"] == []  # NaN before approval
    model.run_for(5)
    frame = model.datacollector.get_model_vars_dataframe()
    shares = next(c for c in charts.CHARTS if c.key == "depth_shares")
    values = charts.chart_spec(frame, shares)["datasets"]["series"]
    assert {v["step"] for v in values} == set(range(6))
    assert len(values) == 6 * len(shares.series)


def test_page_renders_network_and_charts_and_step_redraws_them():
    ipyvuetify_mod = ipyvuetify

    @solara.component
    def Wrapped():
        with solara.AppLayout():
            app.Page()

    _, rc = solara.render(Wrapped(), handle_error=False)

    def views_now():
        return rc.find(vega_view.VegaViewWidget).widgets

    first = views_now()
    assert len(first) == 1 + len(charts.CHARTS)
    resent = []
    first[0].observe(resent.append, names="chart")
    assert first[0].frame["params"]["heading"] == "County network at step 0"
    chart_rows = len(first[1].frame["data"]["series"]["step"])
    ties_before = first[0].frame["data"]["ties"]["status"]
    rc.find(ipyvuetify_mod.Btn, children=["Step"]).widget.click()
    after = views_now()
    assert after[0].frame["params"]["heading"] == "County network at step 1"
    assert after[0].frame["data"]["ties"]["status"] != ties_before
    assert len(after[1].frame["data"]["series"]["step"]) > chart_rows
    # A step sends only what changed: the spec, positions and names are not sent again.
    assert after[0] is first[0] and resent == []
    rc.close()


def test_step_data_leaves_out_what_stays_fixed():
    model = app.ViewModel(small_state())
    fixed = network_view.network_fixed(model)
    data, _ = network_view.network_changes(model)
    firms = model.enterprises
    assert len(fixed.base["firms"]["x"]) == len(firms)
    assert not {"x", "y", "agent", "industry"} & set(data["firms"])
    assert all(len(col) == len(firms) for col in data["firms"].values())
    # Rows join the fixed and changing columns of each firm in the same order.
    layered = network_view.network_layered(model)
    row = layered.rows("firms")[5]
    assert row["agent"] == firms[5].node and row["x"] == fixed.base["firms"]["x"][5]


def test_peer_ties_are_drawn_only_when_switched_on():
    model = app.ViewModel(small_state())
    peers = model.population.peers
    hidden = network_view.network_spec(model)
    shown = network_view.network_spec(model, show_peers=True)
    assert "peers" not in hidden["datasets"]
    assert len(shown["datasets"]["peers"]) == (peers != 0).sum() // 2 > 0
    assert len(shown["layer"]) == len(hidden["layer"]) + 1
