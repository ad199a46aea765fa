"""The live view: a Mesa ``SolaraViz`` page of the cooperation model.

Start it with ``python -m sim viz`` (or ``solara run sim/viz/app.py``). The
page shows the county network (partnership ties coloured by depth, tooltips
on every agent) and live charts of depth shares, content share, spending and
leakage, and approval delay. Mesa's controller gives Step, Play/Pause and
Reset; the sidebar adds a scenario picker (the files in ``scenarios/``), the
seed, and a control for every countermeasure lever, generated from
:func:`sim.params.specs` (ranges, units and meanings are never re-declared).

Lever and seed changes take effect on Reset, which rebuilds the model from the
controls (same seed and values, same model). Picking a scenario sets the
controls to its values and rebuilds at once; a scenario that fails validation
shows its error in the sidebar and the last good model stays.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.model import STEPS_PER_YEAR, CooperationModel
from sim.params import GROUPS, LEVER_GROUPS, ParameterError, Parameters, specs
from sim.viz.charts import CHARTS, chart_changes, chart_fixed
from sim.viz.network_view import network_changes, network_fixed
from sim.viz.vega_view import VegaView

log = logging.getLogger(__name__)

#: Scale parameters offered besides the levers (to try a larger county).
SCALE_CONTROLS = ("n_schools", "n_enterprises")
#: Label of the picker entry that uses the defaults of sim.params.
MODEL_DEFAULTS = "(model defaults)"
#: Scenario shown first when it exists.
DEFAULT_SCENARIO = "ruian-status-quo"
DEFAULT_SEED = 42
#: Widest numeric range still shown as a slider; wider ranges get a number field.
MAX_SLIDER_SPAN = 100.0


@dataclass(frozen=True)
class Control:
    """One input in the sidebar, derived from a parameter's declaration."""

    name: str
    kind: str  # "switch", "slider_int", "slider_float", "input_int" or "input_float"
    label: str
    doc: str
    group: str
    low: float | None = None
    high: float | None = None
    step: float | None = None


def controls_from_specs() -> list[Control]:
    """A control for every lever parameter and the scale controls, from :func:`specs`."""
    out = []
    for name, _default, kind, spec in specs():
        if spec.group not in LEVER_GROUPS and name not in SCALE_CONTROLS:
            continue
        label = f"{name} ({spec.unit})"
        if kind is bool:
            out.append(Control(name, "switch", name, spec.doc, spec.group))
            continue
        span = spec.high - spec.low
        if kind is int:
            widget = "slider_int" if span <= MAX_SLIDER_SPAN else "input_int"
            out.append(Control(name, widget, label, spec.doc, spec.group, spec.low, spec.high, 1))
        else:
            widget = "slider_float" if span <= MAX_SLIDER_SPAN else "input_float"
            out.append(Control(name, widget, label, spec.doc, spec.group, spec.low, spec.high,
                               nice_step(span / 200)))
    return out


def nice_step(raw: float) -> float:
    """The smallest of 1, 2 or 5 times a power of ten that is at least ``raw``."""
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))


CONTROLS = controls_from_specs()


def control_values(params: Parameters) -> dict[str, Any]:
    """The value of every sidebar control in ``params``."""
    return {c.name: getattr(params, c.name) for c in CONTROLS}


def scenario_names() -> list[str]:
    """Entries of the scenario picker: the model defaults, then the scenario files."""
    try:
        from sim.scenarios import list_scenarios
    except ImportError:  # scenario support not installed: defaults only
        return [MODEL_DEFAULTS]
    return [MODEL_DEFAULTS, *list_scenarios()]


def scenario_parameters(name: str) -> tuple[Parameters, str]:
    """Parameters and a one-line title of the picker entry ``name``.

    Raises:
        ValueError: (e.g. ``sim.scenarios.ScenarioError``) when the file fails validation.
    """
    if name == MODEL_DEFAULTS:
        return Parameters(), "defaults of sim/params.py (the status quo)"
    from sim.scenarios import load_scenario

    scenario = load_scenario(name)
    return scenario.params, scenario.title


class ViewState:
    """What the sidebar holds for one browser session: scenario, seed and control values.

    Every attribute is a ``solara.Reactive`` (``fields``: one per control);
    :meth:`parameters` and ``seed`` are what Reset builds the next model from.
    """

    def __init__(self, scenario: str = MODEL_DEFAULTS, params: Parameters | None = None,
                 title: str = "", seed: int = DEFAULT_SEED):
        params = params or Parameters()
        self.scenario = solara.reactive(scenario)
        self.title = solara.reactive(title)
        self.base = solara.reactive(params)
        self.values = solara.reactive(control_values(params))
        self.seed = solara.reactive(seed)
        self.error: solara.Reactive[str | None] = solara.reactive(None)
        self.show_peers = solara.reactive(False)
        self.picker_resets = solara.reactive(0)  # re-mounts the picker after a refused pick
        # What each input shows. An input writes its field before the value is checked,
        # so a refused value is written back here: a field never keeps showing a value
        # the next model will not use.
        self.fields = {name: solara.reactive(value) for name, value in self.values.value.items()}
        self.seed_field = solara.reactive(seed)

    def parameters(self) -> Parameters:
        """The loaded scenario's parameters with the current control values applied."""
        return self.base.value.replace(**self.values.value)

    def set_value(self, name: str, value: Any) -> bool:
        """Set one control after validating it; on a bad value show the error and keep the old.

        Setting the value a control already holds changes nothing (it is also how a
        refused field is put back, which must not clear the refusal's message).
        """
        if value is not None and value == self.values.value[name]:
            return True
        if value is None:
            self._refuse(name, f"{name}: a value is required "
                               f"(kept {self.values.value[name]!r})")
            return False
        try:
            self.base.value.replace(**{**self.values.value, name: value})
        except ParameterError as err:
            self._refuse(name, f"{err} (kept {self.values.value[name]!r})")
            return False
        self.values.set({**self.values.value, name: value})
        self.fields[name].set(value)
        self.error.set(None)
        return True

    def set_seed(self, seed: int | None) -> None:
        """Set the seed of the next Reset (a whole number >= 0); the same seed changes nothing."""
        if seed is not None and seed == self.seed.value:
            return
        if seed is None or seed < 0:
            self._refuse(None, f"seed = {seed!r}: must be a whole number >= 0 "
                               f"(kept {self.seed.value})")
            return
        self.seed.set(int(seed))
        self.seed_field.set(int(seed))
        self.error.set(None)

    def _refuse(self, name: str | None, message: str) -> None:
        """Show ``message`` and put the kept value back in the field (``None``: the seed)."""
        self.error.set(message)
        if name is None:
            self.seed_field.set(self.seed.value)
        else:
            self.fields[name].set(self.values.value[name])

    def choose_scenario(self, name: str, model: solara.Reactive[CooperationModel]) -> bool:
        """Load scenario ``name``, set the controls to its values and rebuild the model.

        A scenario that fails to load or build leaves the controls and the running
        model as they were and shows the error; returns whether it loaded.
        """
        try:
            params, title = scenario_parameters(name)
            new = ViewModel(rng=self.seed.value, params=params, scenario_name=name)
        except Exception as err:  # noqa: BLE001 - any bad input must reach the page, not crash it
            log.warning("scenario %s not loaded: %s", name, err)
            self.error.set(f"scenario {name!r} not loaded (still showing "
                           f"{self.scenario.value!r}): {err}")
            self.picker_resets.set(self.picker_resets.value + 1)
            return False
        self.base.set(params)
        self.values.set(control_values(params))
        for field_name, value in self.values.value.items():
            self.fields[field_name].set(value)
        self.title.set(title)
        self.scenario.set(name)
        self.error.set(None)
        model.set(new)
        return True

    def pending(self, model: CooperationModel) -> bool:
        """Whether the controls differ from what ``model`` was built with."""
        return (self.parameters() != model.p
                or self.seed.value != getattr(model, "seed", self.seed.value))


class ViewModel(CooperationModel):
    """The cooperation model as the view builds it: from the sidebar's controls.

    Mesa's Reset button re-creates the model as ``ViewModel(controls=...)``, so
    the next model always uses the chosen seed and values.

    Args:
        controls: the session's :class:`ViewState`; when given, ``rng`` and
            ``params`` are taken from it.
        rng: seed of the run (int).
        params: parameter set of the run.
        scenario_name: the picker entry the parameters came from.
    """

    def __init__(self, controls: ViewState | None = None, *, rng: int | None = None,
                 params: Parameters | None = None, scenario_name: str = MODEL_DEFAULTS):
        if controls is not None:
            rng, params = controls.seed.value, controls.parameters()
            scenario_name = controls.scenario.value
        super().__init__(rng=rng, params=params)
        self.seed = rng
        self.scenario_name = scenario_name


def initial_state() -> tuple[ViewState, ViewModel]:
    """The state and model a new session starts with (the status-quo scenario if shipped)."""
    names = scenario_names()
    name = DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else MODEL_DEFAULTS
    error = None
    try:
        params, title = scenario_parameters(name)
    except Exception as err:  # noqa: BLE001 - start with the defaults, and say why
        error = f"scenario {name!r} not loaded: {err}"
        name = MODEL_DEFAULTS
        params, title = scenario_parameters(name)
    state = ViewState(name, params, title)
    state.error.set(error)
    return state, ViewModel(state)


# ----------------------------------------------------------------- components
@solara.component
def LeverInput(control: Control, state: ViewState, disabled: bool = False):
    """One generated input bound to the session state (greyed out when ``disabled``)."""
    value = state.values.value[control.name]

    def on_value(new: Any) -> None:
        state.set_value(control.name, new)

    with solara.Tooltip(control.doc):
        with solara.Column(gap="0px", classes=["coopsim-lever"], style={"margin-bottom": "6px"}):
            if control.kind == "switch":
                solara.Switch(label=control.label, value=bool(value), on_value=on_value,
                              disabled=disabled)
            elif control.kind in ("slider_int", "slider_float"):
                solara.Text(f"{control.label}: {value:g}", style={"font-size": "0.85em"})
                if control.kind == "slider_int":
                    solara.SliderInt("", value=int(value), min=int(control.low),
                                     max=int(control.high), step=1, on_value=on_value,
                                     disabled=disabled)
                else:
                    solara.SliderFloat("", value=float(value), min=control.low,
                                       max=control.high, step=control.step, on_value=on_value,
                                       disabled=disabled)
            elif control.kind == "input_int":
                solara.InputInt(control.label, value=state.fields[control.name],
                                on_value=on_value, disabled=disabled)
            else:
                solara.InputFloat(control.label, value=state.fields[control.name],
                                  on_value=on_value, disabled=disabled)


@solara.component
def ControlsPanel(state: ViewState, model: solara.Reactive[CooperationModel]):
    """Scenario picker, seed, peer-tie switch and every lever, grouped as in sim.params."""
    names = solara.use_memo(scenario_names, [])
    with solara.Card("Scenario and levers"):
        solara.Select("Scenario", values=names, value=state.scenario.value,
                      on_value=lambda name: state.choose_scenario(name, model)).key(
            f"scenario-picker-{state.picker_resets.value}")
        solara.Text(state.title.value, style={"font-size": "0.85em", "color": "#555"})
        solara.InputInt("Seed", value=state.seed_field, on_value=state.set_seed)
        solara.Switch(label="show peer ties", value=state.show_peers.value,
                      on_value=state.show_peers.set)
        # Messages come and go inside one fixed column: the inputs below keep their
        # place, so a message appearing does not re-create (and re-collapse) them.
        with solara.Column(gap="4px"):
            if state.error.value:
                solara.Error(state.error.value, classes=["coopsim-error"])
            if state.pending(model.value):
                solara.Info("Controls differ from the running model: press Reset to rebuild "
                            "it with these values.", dense=True)
        network_file = state.base.value.network_file
        for group in (*LEVER_GROUPS, "scale"):
            controls = [c for c in CONTROLS if c.group == group]
            if not controls:
                continue
            # A county read from a network file brings its own schools and firms: the
            # size controls would change nothing, so they are greyed out and say why.
            from_file = group == "scale" and network_file
            with solara.Details(GROUPS[group], expand=group != "scale"):
                # Always present, so each input keeps its place (and its own text state)
                # whether the note shows or not.
                with solara.Column(gap="0px"):
                    if from_file:
                        solara.Info(f"County read from {Path(network_file).name}: its schools "
                                    "and enterprises are used, not these numbers.", dense=True,
                                    classes=["coopsim-network-file"])
                for control in controls:
                    LeverInput(control, state, disabled=bool(from_file))


@solara.component
def ModelSummary(model: CooperationModel):
    """Step count, scenario, seed and what the running model changes from the defaults."""
    update_counter.get()
    changed = model.p.changed()
    t = model.tally
    with solara.Card(style={"padding": "4px 12px"}), solara.Column(gap="2px"):
        solara.Text(
            f"Step {model.step_count} (month; year {model.step_count // STEPS_PER_YEAR})"
            f" · scenario {getattr(model, 'scenario_name', '?')} · seed "
            f"{getattr(model, 'seed', '?')} · {int(t['partnerships_active'])} active "
            f"partnerships, content share {t['content_share']:.1%}, reported "
            f"{t['reported_content_share']:.1%}",
            classes=["coopsim-status"], style={"font-weight": "600"})
        solara.Text("Running model's parameters that differ from the defaults: "
                    + (", ".join(f"{k} = {v}" for k, v in changed.items()) or "none"),
                    classes=["coopsim-changed"], style={"font-size": "0.85em"})


@solara.component
def MainView(model: CooperationModel, state: ViewState):
    """The network and the live charts, redrawn after every step or reset.

    The fixed part of each picture (spec, positions, names) is built and sent once
    per model; a step sends only what changed (see :mod:`sim.viz.vega_view`).
    """
    update_counter.get()
    frame = model.datacollector.get_model_vars_dataframe()
    show_peers = state.show_peers.value
    network = solara.use_memo(
        lambda: network_fixed(model, show_peers=show_peers, width=470, height=470).chart(),
        [model, show_peers])
    few_steps = len(frame) < 3
    chart_parts = solara.use_memo(
        lambda: [chart_fixed(chart, few_steps=few_steps).chart() for chart in CHARTS],
        [few_steps])
    data, params = network_changes(model)
    with solara.Column(gap="8px"):
        ModelSummary(model)
        with solara.Div(style={"display": "flex", "flex-wrap": "wrap", "gap": "8px",
                               "align-items": "flex-start"}):
            with solara.Card(style={"padding": "4px"}, classes=["coopsim-network"]):
                VegaView(network, {"data": data, "params": params})
            with solara.Column(gap="8px", classes=["coopsim-charts"], style={"width": "420px"}):
                for chart, fixed in zip(CHARTS, chart_parts, strict=True):
                    data, params = chart_changes(frame, chart)
                    with solara.Card(style={"padding": "4px"}):
                        VegaView(fixed, {"data": data, "params": params})
        solara.Text(
            "Money is in model units (MU), a relative scale; every parameter value is an "
            "assumption unless its source says otherwise (see docs/ODD.md).",
            style={"font-size": "0.8em", "color": "#666"})


#: Mesa's SolaraViz always draws a "Model Parameters" card for its own inputs; the
#: controls here replace those inputs (Mesa's keep their own state and apply only on
#: Reset), so the card would stay empty. This hides a sidebar card whose content is
#: one empty block, which is exactly that card, whatever its title's language.
HIDE_EMPTY_SIDEBAR_CARDS = """
.v-navigation-drawer .v-card:has(> .v-card-text > .v-sheet:empty:only-child),
.v-navigation-drawer .v-card:has(> .v-card__text > .v-sheet:empty:only-child) { display: none; }
"""


@solara.component
def Page():
    """The page: Mesa's SolaraViz (step/play/reset) plus the sidebar and main view."""
    state, first = solara.use_memo(initial_state, [])
    model = solara.use_reactive(first)
    solara.Style(HIDE_EMPTY_SIDEBAR_CARDS)
    SolaraViz(model, components=[], model_params={"controls": state},
              name="School-enterprise cooperation: form or content?", play_interval=150)
    SidebarPanel(state, model)
    MainView(model.value, state)


@solara.component
def SidebarPanel(state: ViewState, model: solara.Reactive[CooperationModel]):
    """Puts :func:`ControlsPanel` in the sidebar below Mesa's controller.

    Solara orders sidebar content by component depth; one extra level places
    this panel after SolaraViz's own cards.
    """
    _SidebarPortal(state, model)


@solara.component
def _SidebarPortal(state: ViewState, model: solara.Reactive[CooperationModel]):
    with solara.Sidebar():
        ControlsPanel(state, model)


page = Page()
