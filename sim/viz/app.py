"""The live view: a Solara page of the cooperation model that answers "what does this lever change?".

Start it with ``python -m sim viz`` (or ``solara run sim/viz/app.py``). The left
panel steps, plays and resets the run, holds the compare settings (a pinned or
scenario baseline, replicates on the same seeds), the downloads, the scenario
picker and a control per lever (readable label, unit and meaning from
:mod:`sim.labels` and :mod:`sim.params`). The main area shows the county
network (ties coloured by real depth, dashed when misreported), the headline
charts with both runs overlaid, and the difference of the headline outputs.

Why not Mesa's ``SolaraViz`` page: its controller steps one model, sleeps the
play interval *on top of* each step (so Play never reaches its interval), runs
nothing in a worker, and its sidebar layout covers half a 1024 px screen. The
model is the same Mesa model; this page drives it with :mod:`sim.viz.runs`.

Lever, seed and replicate changes take effect on Reset (same seed and values,
same run). Picking a scenario sets the controls and rebuilds at once; one that
fails to load shows its error beside the picker and the last good run stays.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import solara
from solara.server import kernel_context

from sim.labels import label
from sim.model import STEPS_PER_YEAR, CooperationModel
from sim.params import GROUPS, LEVER_GROUPS, ParameterError, Parameters
from sim.viz import texts
from sim.viz.charts import CHARTS, HEADLINE_CHARTS, chart_changes, chart_fixed, run_name
from sim.viz.controls import BY_NAME, CONTROLS, Control, InputRefused, parse_number, shown
from sim.viz.export import file_stem, scenario_toml
from sim.viz.network_view import network_changes, network_fixed
from sim.viz.runs import MAX_REPLICATES, Comparison, RunSet
from sim.viz.texts import text
from sim.viz.vega_view import VegaView, encode

log = logging.getLogger(__name__)

#: Label of the picker entry that uses the defaults of sim.params.
MODEL_DEFAULTS = "(model defaults)"
#: Scenario shown first when it exists.
DEFAULT_SCENARIO = "ruian-status-quo"
DEFAULT_SEED = 42
DEFAULT_INTERVAL_MS = 150
#: Shortest wait between two Play steps (s), so clicks get through when Play is behind.
MIN_PLAY_PAUSE_S = 0.02
#: Baseline picker entries besides the scenarios.
NO_BASELINE = "(none)"
PINNED = "(pinned)"
NETWORK_PX = 370


def scenario_names() -> list[str]:
    """Entries of the scenario picker: the model defaults, then the scenario files."""
    from sim.scenarios import list_scenarios

    return [MODEL_DEFAULTS, *list_scenarios()]


def scenario_parameters(name: str) -> tuple[Parameters, str]:
    """Parameters and one-line title of picker entry ``name``.

    Raises:
        ValueError: (e.g. ``sim.scenarios.ScenarioError``) when the file fails validation.
    """
    if name == MODEL_DEFAULTS:
        return Parameters(), "defaults of sim/params.py (the status quo)"
    from sim.scenarios import load_scenario

    scenario = load_scenario(name)
    return scenario.params, scenario.title


def control_values(params: Parameters) -> dict[str, Any]:
    """The value of every control in ``params``."""
    return {c.name: getattr(params, c.name) for c in CONTROLS}


class Worker:
    """One background thread per session: steps replicates and plays, so the page stays responsive.

    Jobs run one at a time, in order, inside the session's Solara context (so a
    job can set reactive values). ``before_job`` is a test hook: called in the
    worker thread before each job (a test holds work back with an event).
    """

    def __init__(self) -> None:
        self._pool = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="coopsim-view")
        self.before_job: Callable[[], None] | None = None

    def submit(self, job: Callable[[], None]) -> cf.Future:
        """Run ``job`` in the worker thread (in the caller's Solara context, if any)."""
        context = kernel_context.get_current_context() if kernel_context.has_current_context() \
            else None

        def run() -> None:
            if self.before_job is not None:
                self.before_job()
            if context is None:
                job()
            else:
                with context:
                    job()
        return self._pool.submit(run)

    def close(self) -> None:
        """Let the thread end once its current job is done (the session is gone)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def drain(self, timeout_s: float = 600.0) -> None:
        """Wait until every job submitted so far has run (jobs run in order)."""
        self._pool.submit(lambda: None).result(timeout=timeout_s)


class Session:
    """What one browser session holds: language, controls, compare settings and the runs.

    Every attribute shown on the page is a ``solara.Reactive``. ``fields`` holds
    what each typed field shows (text) and ``errors`` the message beside it: a
    refused value is never left in its field, the kept value is put back.
    """

    def __init__(self, scenario: str = MODEL_DEFAULTS, params: Parameters | None = None,
                 title: str = "", seed: int = DEFAULT_SEED, replicates: int = 1):
        params = params or Parameters()
        self.lang = solara.reactive("en")
        self.scenario = solara.reactive(scenario)
        self.title = solara.reactive(title)
        self.base = solara.reactive(params)
        self.values = solara.reactive(control_values(params))
        self.seed = solara.reactive(int(seed))
        self.replicates = solara.reactive(int(replicates))
        self.fields = {name: solara.reactive(shown_value(v))
                       for name, v in self.values.value.items()}
        self.fields["seed"] = solara.reactive(str(seed))
        self.fields["replicates"] = solara.reactive(str(replicates))
        # Bumped when a refused value is put back: the field is re-created, since a
        # browser field keeps what was typed when the server's value did not change.
        self.field_keys = {name: solara.reactive(0) for name in self.fields}
        self.errors: solara.Reactive[dict[str, str]] = solara.reactive({})
        self.last_refusal = ""  # the declaration's whole message of the last refused value
        self.scenario_error: solara.Reactive[str | None] = solara.reactive(None)
        self.baseline_error: solara.Reactive[str | None] = solara.reactive(None)
        self.picker_resets = solara.reactive(0)
        self.show_peers = solara.reactive(False)
        self.help_open = solara.reactive(False)
        self.doc_open: solara.Reactive[str | None] = solara.reactive(None)
        self.baseline_choice = solara.reactive(NO_BASELINE)
        self.pinned: Parameters | None = None
        self.playing = solara.reactive(False)
        self.interval_ms = solara.reactive(DEFAULT_INTERVAL_MS)
        self.play_note: solara.Reactive[str | None] = solara.reactive(None)
        self.busy = solara.reactive(False)
        self.tick = solara.reactive(0)  # bumped after every change of the runs
        self.comparison = solara.reactive(Comparison(self._run_set(params, "current")))
        self.worker = Worker()

    # ------------------------------------------------------------ controls
    def parameters(self) -> Parameters:
        """The loaded scenario's parameters with the current control values applied."""
        return self.base.value.replace(**self.values.value)

    def _set_error(self, key: str, message: str | None) -> None:
        errors = dict(self.errors.value)
        if message is None:
            errors.pop(key, None)
        else:
            errors[key] = message
        if errors != self.errors.value:
            self.errors.set(errors)

    def set_value(self, name: str, value: Any) -> bool:
        """Set one control after validating it; a bad value is refused beside its field."""
        kept = self.values.value[name]
        if value == kept and type(value) is type(kept):
            self.fields[name].set(shown_value(kept))
            self._set_error(name, None)
            return True
        try:
            self.base.value.replace(**{**self.values.value, name: value})
        except ParameterError as err:
            self.last_refusal = str(err)
            return self._refuse(name, shown(value) if isinstance(value, int | float) else
                                repr(value), _reason(err, name), shown_value(kept))
        self.values.set({**self.values.value, name: value})
        self.fields[name].set(shown_value(value))
        self._set_error(name, None)
        return True

    def type_value(self, name: str, typed: str | None) -> bool:
        """Read what was typed into ``name``'s field (a lever, "seed" or "replicates")."""
        typed = typed or ""
        if name == "seed":
            return self._type_count(name, typed, self.seed, 0, None, "must be a whole number >= 0")
        if name == "replicates":
            return self._type_count(name, typed, self.replicates, 1, MAX_REPLICATES,
                                    f"must be a whole number from 1 to {MAX_REPLICATES}")
        control = BY_NAME[name]
        try:
            value = parse_number(typed, control.kind)
        except InputRefused as err:
            return self._refuse(name, repr(typed), str(err), shown_value(self.values.value[name]))
        return self.set_value(name, value)

    def _type_count(self, name: str, typed: str, target: solara.Reactive[int], low: int,
                    high: int | None, rule: str) -> bool:
        try:
            value = parse_number(typed, "int")
        except InputRefused as err:
            return self._refuse(name, repr(typed), f"{err}; {rule}", str(target.value))
        if value < low or (high is not None and value > high):
            return self._refuse(name, repr(typed), rule, str(target.value))
        target.set(int(value))
        self.fields[name].set(str(int(value)))
        self._set_error(name, None)
        return True

    def _refuse(self, name: str, typed: str, why: str, kept: str) -> bool:
        self._set_error(name, text("refused", self.lang.value, text=typed, why=why, kept=kept))
        self.fields[name].set(kept)
        self.field_keys[name].set(self.field_keys[name].value + 1)
        return False

    def withdraw(self, name: str, year: Any) -> bool:
        """Stop lever ``name`` at ``year``: in the running replicates now, and in the controls.

        The lever's control becomes the schedule that stops it (so Reset and a
        saved scenario keep the withdrawal); a year already past stops it at
        once. A bad lever or year is refused beside the control.
        """
        from sim import schedules

        key = "withdraw"
        allowed = [c.name for c in CONTROLS if c.group in LEVER_GROUPS
                   and c.name not in schedules.INITIAL_ONLY]
        if name not in allowed:
            self.errors.set({**self.errors.value, key: f"{name}: not a lever that can be "
                             f"stopped; allowed: {', '.join(allowed)}"})
            return False
        try:
            year = parse_number(str(year), "float") if not isinstance(year, int | float) else year
            if isinstance(year, bool) or not 0 <= year <= schedules.MAX_YEAR:
                raise InputRefused(f"year must be a number from 0 to {schedules.MAX_YEAR:g}")
            stopped = schedules.until(name, self.values.value[name], float(year))
            params = self.base.value.replace(**{**self.values.value, name: stopped})
        except (InputRefused, ParameterError, KeyError) as err:
            self.errors.set({**self.errors.value, key: f"{name}: {err}"})
            return False
        current = self.comparison.value.current
        running = current.params == self.parameters()

        def job() -> None:
            current.withdraw(name, float(year))
            if running:
                current.params = params  # the run now follows the new controls
            self.tick.set(self.tick.value + 1)
        self.values.set({**self.values.value, name: stopped})
        self.fields[name].set(shown_value(stopped))
        self._set_error(key, None)
        self._run(job)
        return True

    def pending(self) -> bool:
        """Whether the controls differ from what the running models were built with."""
        current = self.comparison.value.current
        return (self.parameters() != current.params or self.seed.value != current.seed
                or self.replicates.value != len(current.seeds))

    # ------------------------------------------------------------ runs
    def _run_set(self, params: Parameters, name: str) -> RunSet:
        return RunSet(params, self.seed.value, self.replicates.value, name)

    def _heavy(self) -> bool:
        """Whether stepping takes long enough to go to the worker (more than one model per run)."""
        return self.replicates.value > 1 or len(self.comparison.value.current.seeds) > 1

    def _run(self, job: Callable[[], None]) -> None:
        """Run ``job`` now (one replicate: a few ms) or in the worker, showing that it works."""
        if not self._heavy():
            job()
            return
        self.busy.set(True)

        def wrapped() -> None:
            try:
                job()
            finally:
                self.busy.set(False)
        self.worker.submit(wrapped)

    def step(self, n: int = 1) -> None:
        """Step the current and the baseline runs together."""
        def job() -> None:
            self.comparison.value.step(n)
            self.tick.set(self.tick.value + 1)
        self._run(job)

    def reset(self, current: RunSet | None = None) -> None:
        """Rebuild the runs from the controls (both from step 0, on the same seeds).

        Args:
            current: an already built current run at step 0 to use (else one is built).
        """
        self.playing.set(False)
        params = self.parameters()
        baseline = self._baseline_params()
        built = current

        def job() -> None:
            current = built if built is not None else self._run_set(params, "current")
            base = self._run_set(baseline[0], baseline[1]) if baseline else None
            self.comparison.set(Comparison(current, base))
            self.tick.set(self.tick.value + 1)
        self._run(job)

    def _baseline_params(self) -> tuple[Parameters, str] | None:
        choice = self.baseline_choice.value
        if choice == NO_BASELINE:
            return None
        if choice == PINNED and self.pinned is not None:
            return self.pinned, "pinned"  # shown as text("pinned") in the page's language
        return scenario_parameters(choice)[0], choice

    def pin(self) -> None:
        """Pin the running levers as the baseline (it starts equal to the current run)."""
        self.set_baseline(PINNED, pin=True)

    def set_baseline(self, choice: str, *, pin: bool = False) -> bool:
        """Compare with ``choice``: PINNED, a scenario name, or NO_BASELINE (stop comparing).

        With ``pin``, the running levers become the pinned baseline first. The runs are
        read when the job runs, after any Reset queued before it.
        """
        if choice not in (NO_BASELINE, PINNED):
            try:
                scenario_parameters(choice)
            except Exception as err:  # noqa: BLE001 - a bad file must reach the page
                self.baseline_error.set(f"{choice}: {err}")
                self.picker_resets.set(self.picker_resets.value + 1)
                return False
        self.baseline_error.set(None)

        def job() -> None:
            comparison = self.comparison.value
            with comparison.lock:
                if pin:
                    self.pinned = comparison.current.params
                self.baseline_choice.set(choice)
                chosen = self._baseline_params()
                if chosen is None:
                    comparison.baseline = None
                else:
                    cur = comparison.current
                    comparison.baseline = RunSet(chosen[0], cur.seed, len(cur.seeds), chosen[1])
                    comparison.catch_up()
            self.tick.set(self.tick.value + 1)
        self._run(job)
        return True

    def choose_scenario(self, name: str) -> bool:
        """Load scenario ``name``, set the controls to its values and rebuild the runs.

        A scenario that fails to load leaves controls and runs as they were and says why.
        """
        try:
            params, title = scenario_parameters(name)
            # Built here so that a bad network file fails before anything changes.
            first = RunSet(params, self.seed.value, 1, "current")
        except Exception as err:  # noqa: BLE001 - any bad input must reach the page, not crash it
            log.warning("scenario %s not loaded: %s", name, err)
            self.scenario_error.set(f"{name!r} not loaded (still showing "
                                    f"{self.scenario.value!r}): {err}")
            self.picker_resets.set(self.picker_resets.value + 1)
            return False
        self.base.set(params)
        self.values.set(control_values(params))
        for field_name, value in self.values.value.items():
            self.fields[field_name].set(shown_value(value))
        self.errors.set({})
        self.title.set(title)
        self.scenario.set(name)
        self.scenario_error.set(None)
        # One replicate: the run just built is the new current run (a county of 20,000
        # firms is not built twice); otherwise Reset builds every replicate.
        self.reset(first if self.replicates.value == 1 else None)
        return True

    # ------------------------------------------------------------ play
    def toggle_play(self) -> None:
        """Start or stop Play (steps in the worker, paced to the interval)."""
        if self.playing.value:
            self.playing.set(False)
            return
        self.playing.set(True)
        self.play_note.set(None)
        self.worker.submit(self._play)

    def _play(self) -> None:
        """Step at the chosen interval, measured from each step's start, until paused.

        Reports the pace it manages when that falls short of the interval.
        """
        started, done, next_at = time.perf_counter(), 0, time.perf_counter()
        last_note = started
        while self.playing.value:
            interval = self.interval_ms.value / 1000
            self.comparison.value.step(1)
            self.tick.set(self.tick.value + 1)
            done += 1
            now = time.perf_counter()
            next_at = max(next_at + interval, now - interval)  # no burst after a stall
            if now - last_note > 1.0 and done >= 5:
                rate, asked = done / (now - started), 1 / interval
                key = "play_rate" if rate >= 0.95 * asked else "play_slow"
                self.play_note.set(text(key, self.lang.value, rate=rate, asked=asked))
                last_note = now
            # Always wait a little, even when behind: each step renders under the
            # session's lock, and a loop that takes it back at once starves the
            # click handler (Pause would not get through on a loaded machine).
            time.sleep(max(next_at - time.perf_counter(), MIN_PLAY_PAUSE_S))

    # ------------------------------------------------------------ export
    def scenario_file(self) -> str:
        """The running levers as a scenario TOML for ``python -m sim run``."""
        params = self.comparison.value.current.params
        start = self.scenario.value.strip("()")
        return scenario_toml(
            params, title=f"Saved from the live view, starting from {start}",
            description=(f"Levers set in the live view, starting from {start}"
                         + (f" ({self.title.value})" if self.title.value else "")
                         + f"; the page ran it with seed {self.comparison.value.current.seed}."),
            names=[c.name for c in CONTROLS if not (c.group == "scale" and params.network_file)])


class ViewModel(CooperationModel):
    """The model with the seed and picker entry it was built from (the API before issue 17).

    Args:
        controls: a :class:`ViewState`; when given, ``rng`` and ``params`` come from it.
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


class ViewState(Session):
    """The session API before issue 17 (one ``error`` message, a model passed in), kept for callers.

    ``error`` holds the last refusal or load failure as the declaration words it
    (``n_schools = inf: must be a finite number ...``).
    """

    def __init__(self, scenario: str = MODEL_DEFAULTS, params: Parameters | None = None,
                 title: str = "", seed: int = DEFAULT_SEED):
        super().__init__(scenario, params, title, seed)
        self.error: solara.Reactive[str | None] = solara.reactive(None)

    def set_value(self, name: str, value: Any) -> bool:
        """As :meth:`Session.set_value`; a refusal also sets ``error``."""
        kept = self.values.value[name]
        ok = super().set_value(name, value)
        self.error.set(None if ok else f"{self.last_refusal} (kept {kept!r})")
        return ok

    def choose_scenario(self, name: str,  # type: ignore[override]
                        model: solara.Reactive[CooperationModel] | None = None) -> bool:
        """As :meth:`Session.choose_scenario`; on success ``model`` gets the new model."""
        if not super().choose_scenario(name):
            self.error.set(self.scenario_error.value)
            return False
        self.error.set(None)
        if model is not None:
            model.set(ViewModel(rng=self.seed.value, params=self.parameters(),
                                scenario_name=name))
        return True


def _reason(err: ParameterError, name: str) -> str:
    """The declaration's reason without the leading ``name = value`` (shown beside the field)."""
    message = str(err)
    head = f"{name} = "
    if message.startswith(head):
        rest = message[len(head):]
        for sep in (": ", " is "):
            if sep in rest:
                before, after = rest.split(sep, 1)
                return after if sep == ": " else f"is {after}"
    return message


def initial_session() -> Session:
    """The session a new browser tab starts with (the status-quo scenario if shipped)."""
    names = scenario_names()
    name = DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else MODEL_DEFAULTS
    error = None
    try:
        params, title = scenario_parameters(name)
    except Exception as err:  # noqa: BLE001 - start with the defaults, and say why
        error = f"{name!r} not loaded: {err}"
        name = MODEL_DEFAULTS
        params, title = scenario_parameters(name)
    session = Session(name, params, title)
    session.scenario_error.set(error)
    return session


# ----------------------------------------------------------------- components
def _fmt(value: float, column: str) -> str:
    """A headline value as the table shows it: shares in %, the index to 3 places, money to 2."""
    if value != value:  # NaN
        return "–"
    if column.endswith("share"):
        return f"{value:.1%}"
    if column.endswith("index"):
        return f"{value:.3f}"
    return f"{value:,.2f}"


@solara.component
def FieldMessage(session: Session, key: str):
    """The message beside a field (refusals), in red."""
    message = session.errors.value.get(key)
    if message:
        solara.Text(message, classes=["coopsim-field-error"],
                    style={"color": "#b00020", "font-size": "0.8em", "display": "block"})


@solara.component
def TypedField(session: Session, key: str, label_text: str, disabled: bool = False,
               width: str = "100%"):
    """A text field read by :func:`sim.viz.controls.parse_number`, its message beside it."""
    with solara.Column(gap="0px", style={"width": width}):
        solara.InputText(label_text, value=session.fields[key].value,
                         on_value=lambda typed: session.type_value(key, typed),
                         disabled=disabled, classes=[f"coopsim-field-{key}"],
                         error=bool(session.errors.value.get(key))).key(
            f"{key}-{session.field_keys[key].value}")
        FieldMessage(session, key)


@solara.component
def LeverInput(control: Control, session: Session, disabled: bool = False):
    """One lever: readable label, meaning one click away, slider over where it acts, typed field."""
    lang = session.lang.value
    value = session.values.value[control.name]
    open_doc = session.doc_open.value == control.name

    def toggle_doc() -> None:
        session.doc_open.set(None if open_doc else control.name)

    with solara.Column(gap="0px", classes=["coopsim-lever", f"coopsim-lever-{control.name}"],
                       style={"margin-bottom": "4px"}):
        with solara.Row(gap="2px", style={"align-items": "center"}):
            if control.kind == "switch" and not _is_schedule(value):
                solara.Switch(label=control.label(lang), value=bool(value),
                              on_value=lambda v: session.set_value(control.name, bool(v)),
                              disabled=disabled, classes=["coopsim-switch"])
            else:
                solara.Text(control.label(lang), style={"font-size": "0.85em", "flex": "1"},
                            classes=["coopsim-lever-label"])
            solara.Button(icon_name="mdi-information-outline", icon=True, small=True,
                          text=True, on_click=toggle_doc,
                          classes=["coopsim-doc-button", f"coopsim-doc-{control.name}"],
                          style={"min-width": "0"})
        if open_doc:
            solara.Text(control.doc + text("doc_english", lang), classes=["coopsim-doc"],
                        style={"font-size": "0.8em", "color": "#444", "display": "block"})
        if _is_schedule(value):
            # A scheduled lever: its schedule is read out; typing a number replaces it.
            solara.Text(text("scheduled", lang, text=shown_value(value)),
                        classes=["coopsim-scheduled", f"coopsim-scheduled-{control.name}"],
                        style={"font-size": "0.8em", "color": "#444", "display": "block"})
            TypedField(session, control.name, "", disabled=disabled)
        elif control.kind != "switch":
            with solara.Row(gap="4px", style={"align-items": "center"}):
                with solara.Column(style={"flex": "1", "min-width": "0"}):
                    solara.SliderInt("", value=control.stop_index(value), min=0,
                                     max=len(control.stops) - 1, thumb_label=False,
                                     on_value=lambda i: session.set_value(
                                         control.name, _typed(control, control.stops[i])),
                                     disabled=disabled)
                with solara.Column(style={"width": "96px"}):
                    solara.InputText("", value=session.fields[control.name].value,
                                     on_value=lambda typed: session.type_value(control.name,
                                                                               typed),
                                     disabled=disabled,
                                     classes=["coopsim-number", f"coopsim-field-{control.name}"],
                                     error=bool(session.errors.value.get(control.name))).key(
                        f"{control.name}-{session.field_keys[control.name].value}")
            FieldMessage(session, control.name)


def _is_schedule(value: Any) -> bool:
    from sim.schedules import Schedule

    return isinstance(value, Schedule)


def shown_value(value: Any) -> str:
    """A control's value as shown: a number, or the reading of its schedule."""
    from sim.schedules import Schedule, describe

    return describe(value) if isinstance(value, Schedule) else shown(value)


@solara.component
def WithdrawControls(session: Session):
    """"Stop <lever> at year N": a lever, a year and a button (sim.schedules.withdraw)."""
    from sim.schedules import INITIAL_ONLY

    lang = session.lang.value
    names = [c.name for c in CONTROLS if c.group in LEVER_GROUPS and c.name not in INITIAL_ONLY]
    lever = solara.use_reactive("subsidy_per_content_step" if "subsidy_per_content_step" in names
                                else names[0])
    year = solara.use_reactive("3")
    solara.Select(text("withdraw_lever", lang), values=names, value=lever.value,
                  on_value=lever.set, classes=["coopsim-withdraw-lever"])
    with solara.Row(gap="4px", style={"align-items": "center"}):
        solara.InputText(text("withdraw_year", lang), value=year.value, on_value=year.set,
                         classes=["coopsim-withdraw-year"], style={"width": "80px"})
        solara.Button(text("withdraw_button", lang, year=year.value), outlined=True, small=True,
                      classes=["coopsim-withdraw"],
                      on_click=lambda: session.withdraw(lever.value, year.value))
    FieldMessage(session, "withdraw")


@solara.component
def LeversNow(session: Session, tick: int):
    """The value each scheduled lever has in the running model, as it changes."""
    model = session.comparison.value.current.model
    plan = model.levers
    if plan is None or not plan.current:
        return
    lang = session.lang.value
    parts = [f"{label(n, lang, with_unit=False)} = {shown(v)}" for n, v in plan.current.items()]
    solara.Text(f"{text('levers_now', lang)}: " + " · ".join(parts),
                classes=["coopsim-levers-now"],
                style={"font-size": "0.8em", "color": "#333", "display": "block"})


def _typed(control: Control, value: float) -> int | float:
    return int(value) if control.kind == "int" else float(value)


@solara.component
def RunControls(session: Session):
    """Step, Play/Pause, Reset, play interval and the pace Play manages."""
    lang = session.lang.value
    playing, busy = session.playing.value, session.busy.value
    with solara.Row(gap="6px", style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Button(text("step", lang), color="primary", on_click=session.step,
                      disabled=playing or busy, classes=["coopsim-step"])
        solara.Button(text("pause" if playing else "play", lang), color="primary",
                      on_click=session.toggle_play, classes=["coopsim-play"],
                      disabled=busy and not playing)
        solara.Button(text("reset", lang), color="primary", outlined=True,
                      on_click=session.reset, disabled=busy, classes=["coopsim-reset"])
    solara.SliderInt(text("interval", lang), value=session.interval_ms.value, min=50, max=1000,
                     step=50, on_value=session.interval_ms.set, thumb_label=True)
    if session.play_note.value:
        solara.Text(session.play_note.value, classes=["coopsim-play-note"],
                    style={"font-size": "0.8em", "display": "block"})
    if busy:
        solara.Text(text("working", lang), classes=["coopsim-busy"],
                    style={"font-size": "0.8em", "color": "#0072B2", "display": "block"})
    if session.pending():
        solara.Info(text("pending", lang), dense=True, classes=["coopsim-pending"])


@solara.component
def CompareControls(session: Session):
    """Pin a baseline or pick a scenario as one; replicates on the same seeds."""
    lang = session.lang.value
    names = solara.use_memo(scenario_names, [])
    choice = session.baseline_choice.value
    entries = [NO_BASELINE, *([PINNED] if session.pinned is not None else []),
               *[n for n in names if n != MODEL_DEFAULTS]]
    with solara.Column(gap="2px"):
        solara.Button(text("pin", lang), on_click=session.pin, outlined=True, small=True,
                      classes=["coopsim-pin"], disabled=session.busy.value)
        solara.Select(text("baseline_picker", lang), values=entries, value=choice,
                      on_value=session.set_baseline, classes=["coopsim-baseline"]).key(
            f"baseline-{session.picker_resets.value}")
        if session.baseline_error.value:
            solara.Text(session.baseline_error.value, classes=["coopsim-field-error"],
                        style={"color": "#b00020", "font-size": "0.8em"})
        TypedField(session, "replicates", text("replicates_field", lang))


@solara.component
def Downloads(session: Session):
    """CSV of the steps, the levers as a scenario TOML; charts export from their own menu."""
    lang = session.lang.value
    stem = file_stem(session.scenario.value)
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        solara.FileDownload(lambda: session.comparison.value.csv(), filename=f"coopsim-{stem}-steps.csv",
                            label=text("csv", lang))
        solara.FileDownload(session.scenario_file, filename=f"coopsim-{stem}-live-view.toml",
                            label=text("toml", lang))
    solara.Text(text("export_hint", lang), style={"font-size": "0.8em", "display": "block"})


@solara.component
def LeverPanel(session: Session):
    """Scenario picker, seed and every lever, grouped as in sim.params."""
    lang = session.lang.value
    names = solara.use_memo(scenario_names, [])
    solara.Select(text("scenario_picker", lang), values=names, value=session.scenario.value,
                  on_value=session.choose_scenario, classes=["coopsim-scenario"]).key(
        f"scenario-picker-{session.picker_resets.value}")
    if session.scenario_error.value:
        solara.Text(session.scenario_error.value, classes=["coopsim-field-error",
                                                           "coopsim-scenario-error"],
                    style={"color": "#b00020", "font-size": "0.8em", "display": "block"})
    solara.Text(session.title.value, style={"font-size": "0.8em", "color": "#555",
                                            "display": "block"})
    TypedField(session, "seed", text("seed", lang))
    solara.Switch(label=text("peer_ties", lang), value=session.show_peers.value,
                  on_value=session.show_peers.set)
    network_file = session.base.value.network_file
    for group in (*LEVER_GROUPS, "scale"):
        controls = [c for c in CONTROLS if c.group == group]
        from_file = group == "scale" and bool(network_file)
        title = label(group, lang) if group in GROUPS else group
        with solara.Details(title, expand=group in ("financial_support", "supervision")):
            with solara.Column(gap="0px"):
                if from_file:
                    solara.Info(f"{Path(network_file).name}: its schools and enterprises are "
                                "used, not these numbers.", dense=True,
                                classes=["coopsim-network-file"])
            for control in controls:
                LeverInput(control, session, disabled=from_file)


@solara.component
def Status(session: Session, tick: int):
    """Step, and each run's active partnerships and real vs reported content share."""
    lang = session.lang.value
    comparison = session.comparison.value
    step = comparison.current.step_count
    parts = [text("status", lang, step=step, year=step // STEPS_PER_YEAR),
             f"{session.scenario.value}, {text('seed', lang).lower()} {comparison.current.seed}"]
    for run in comparison.runs():
        t = run.model.tally
        name = text("current", lang) if run.name == "current" else text("baseline", lang)
        parts.append(text("status_run", lang, name=name, active=int(t["partnerships_active"]),
                          content=f"{t['content_share']:.1%}",
                          reported=f"{t['reported_content_share']:.1%}"))
    solara.Text(" · ".join(parts), classes=["coopsim-status"],
                style={"font-weight": "600", "font-size": "0.85em", "display": "block"})
    key = [_key_line(2.8) + text("key_current", lang)]
    if comparison.baseline is not None:
        key.append(_key_line(1.4) + text("key_baseline", lang,
                                          name=run_name(comparison.baseline.name, lang)))
    if len(comparison.current.seeds) > 1:
        key.append(text("key_band", lang, n=len(comparison.current.seeds)))
    solara.HTML(tag="div", unsafe_innerHTML=" &nbsp;·&nbsp; ".join(key),
                classes=["coopsim-key"], style={"font-size": "0.8em", "color": "#333"})


def _key_line(width: float) -> str:
    """A short line sample for the run key (thick: current, thin: baseline)."""
    return (f'<svg width="26" height="8" style="vertical-align:middle;margin-right:4px">'
            f'<line x1="0" y1="4" x2="26" y2="4" stroke="#333" stroke-width="{width}"/></svg>')


@solara.component
def DifferenceTable(session: Session, tick: int):
    """Headline outputs: baseline, current, paired difference with its 95 % interval."""
    lang = session.lang.value
    comparison = session.comparison.value
    if comparison.baseline is None:
        solara.Text(text("no_baseline", lang), classes=["coopsim-diff-empty"],
                    style={"font-size": "0.85em", "color": "#555"})
        return
    rows = []
    for d in comparison.differences():
        if d.beyond_noise is None:
            verdict = text("diff_one_seed", lang)
        else:
            verdict = text("diff_noise" if d.beyond_noise else "diff_within", lang)
        interval = "" if d.low != d.low else \
            f" [{_fmt(d.low, d.column)}, {_fmt(d.high, d.column)}]"
        rows.append(f"<tr><td>{label(d.column, lang)}</td><td>{_fmt(d.baseline, d.column)}</td>"
                    f"<td>{_fmt(d.current, d.column)}</td>"
                    f"<td><b>{_fmt(d.difference, d.column)}</b>{interval}</td>"
                    f"<td>{verdict}</td></tr>")
    head = (f"<tr><th>{text('output', lang)}</th><th>{text('baseline', lang)}</th>"
            f"<th>{text('current', lang)}</th><th>{text('difference', lang)} "
            f"({text('ci95', lang)})</th><th></th></tr>")
    with solara.Column(gap="2px", classes=["coopsim-diff"]):
        solara.Text(text("diff_title", lang) + f" · {len(comparison.current.seeds)} "
                    f"{text('replicates', lang)}", style={"font-size": "0.85em",
                                                          "font-weight": "600"})
        solara.HTML(tag="table", unsafe_innerHTML=head + "".join(rows),
                    classes=["coopsim-diff-table"])


@solara.component
def NetworkCard(session: Session, tick: int):
    """The current run's first replicate, drawn; only what a step changes is sent."""
    lang = session.lang.value
    model = session.comparison.value.current.model
    show_peers = session.show_peers.value
    fixed = solara.use_memo(
        lambda: encode({**network_fixed(model, show_peers=show_peers, width=NETWORK_PX,
                                        height=NETWORK_PX, lang=lang).chart(),
                        "name": "coopsim-network"}),
        [model, show_peers, lang])
    data, params = network_changes(model, lang=lang)
    with solara.Div(classes=["coopsim-card", "coopsim-network"]):
        VegaView(fixed, encode({"data": data, "params": params}))


@solara.component
def ChartCard(session: Session, index: int, tick: int):
    """One chart with every run overlaid."""
    lang = session.lang.value
    chart = CHARTS[index]
    comparison = session.comparison.value
    runs = comparison.runs()
    names = tuple(r.name for r in runs)
    few = comparison.current.step_count < 2
    fixed = solara.use_memo(
        lambda: encode({**chart_fixed(chart, list(names), lang=lang, few_steps=few).chart(),
                        "name": f"coopsim-{chart.key}"}),
        [names, lang, few])
    with comparison.lock:
        data, params = chart_changes(runs, chart, lang=lang)
    with solara.Div(classes=["coopsim-card", "coopsim-chart", f"coopsim-chart-{chart.key}"]):
        VegaView(fixed, encode({"data": data, "params": params}))


@solara.component
def LiveViews(session: Session):
    """Everything a step redraws, under one subscription to the step counter.

    One component reads ``tick``, so a step is one render pass (each subscriber
    would be a pass of its own) and the lever panel is not visited.
    """
    tick = session.tick.value
    Status(session, tick)
    LeversNow(session, tick)
    with solara.Div(classes=["coopsim-views"]):
        NetworkCard(session, tick)
        with solara.Div(classes=["coopsim-charts"]):
            for i in range(HEADLINE_CHARTS):
                ChartCard(session, i, tick)
    DifferenceTable(session, tick)
    with solara.Div(classes=["coopsim-more"]):
        for i in range(HEADLINE_CHARTS, len(CHARTS)):
            ChartCard(session, i, tick)


@solara.component
def Help(session: Session):
    """The collapsible "how to read this"."""
    lang = session.lang.value
    if not session.help_open.value:
        return
    with solara.Card(classes=["coopsim-help"], style={"margin": "0 0 6px 0"}):
        for paragraph in texts.HELP[lang]:
            solara.Text(paragraph, style={"display": "block", "margin-bottom": "4px",
                                          "font-size": "0.9em"})


CSS = """
html, body { overflow: hidden; }
.coopsim-app { position: fixed; inset: 0; display: flex; flex-direction: column;
  background: #fafafa; }
.coopsim-header { flex: none; display: flex; align-items: center; gap: 8px; padding: 4px 12px;
  border-bottom: 1px solid #ddd; background: white; }
.coopsim-header h1 { font-size: 1.05rem; font-weight: 600; margin: 0; flex: 1; }
.coopsim-body { flex: 1; display: flex; min-height: 0; }
.coopsim-panel { flex: none; width: 300px; overflow-y: auto; padding: 8px 10px;
  border-right: 1px solid #ddd; background: white; }
.coopsim-panel .v-card { margin-bottom: 6px; }
.coopsim-main { flex: 1; min-width: 0; overflow: auto; padding: 6px 8px; }
.coopsim-views { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-start; }
.coopsim-charts { flex: 1 1 540px; min-width: 0; display: grid;
  grid-template-columns: repeat(2, minmax(260px, 1fr)); gap: 6px; }
/* Charts are as wide as their grid cell (Vega-Lite width "container"). */
.coopsim-chart .vega-embed { display: block; width: 100%; }
.coopsim-more { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 480px));
  gap: 6px; margin-top: 6px; }
.coopsim-section { font-weight: 600; font-size: 0.85em; margin: 6px 0 2px; display: block; }
.coopsim-diff-table { border-collapse: collapse; font-size: 0.8em; }
.coopsim-diff-table td, .coopsim-diff-table th { padding: 1px 8px; border-bottom: 1px solid #eee;
  text-align: left; }
.coopsim-number input { text-align: right; }
.coopsim-lever .v-input__slot { margin-bottom: 0; }
.coopsim-lever .v-messages { display: none; }
.coopsim-lever .v-text-field { padding-top: 0; margin-top: 0; }
.coopsim-lever .v-input--switch { margin-top: 0; padding-top: 0; }
.coopsim-card { background: white; border: 1px solid #e0e0e0; border-radius: 4px;
  padding: 2px 4px; position: relative; }
/* The export menu sits in the title row's right end instead of a 38 px margin. */
.coopsim-card .vega-embed.has-actions { padding-right: 0 !important; }
.coopsim-card .vega-embed details { position: absolute; top: 0; right: 0; }
.vega-embed .vega-actions { z-index: 5; }
@media (max-width: 1200px) { .coopsim-panel { width: 280px; } }
/* Below a laptop's width the charts go in one column beside the network. */
@media (max-width: 1300px) { .coopsim-charts { flex-basis: 280px;
  grid-template-columns: minmax(260px, 1fr); } }
@media (max-width: 800px) {
  .coopsim-body { flex-direction: column; overflow-y: auto; }
  .coopsim-panel { width: auto; overflow: visible; border-right: none; }
  .coopsim-main { overflow: visible; }
}
"""


@solara.component
def Page():
    """The whole page: header, left panel (run, compare, take away, levers), main views."""
    session = solara.use_memo(initial_session, [])

    def stop_when_gone():
        def cleanup() -> None:  # the browser tab closed: stop Play, free the worker
            session.playing.set(False)
            session.worker.close()
        return cleanup
    solara.use_effect(stop_when_gone, [])
    lang = session.lang.value
    solara.Title("coopsim — " + text("app_title", lang).split("：", 1)[-1].split(": ", 1)[-1])
    solara.Style(CSS)
    with solara.Div(classes=["coopsim-app"]):
        with solara.Div(classes=["coopsim-header"]):
            solara.HTML(tag="h1", unsafe_innerHTML=text("app_title", lang))
            solara.Button(text("help_title", lang), text=True, small=True,
                          icon_name="mdi-help-circle-outline", classes=["coopsim-help-button"],
                          on_click=lambda: session.help_open.set(not session.help_open.value))
            solara.Button(text("language", lang), outlined=True, small=True,
                          classes=["coopsim-lang"],
                          on_click=lambda: session.lang.set("zh" if lang == "en" else "en"))
        with solara.Div(classes=["coopsim-body"]):
            with solara.Div(classes=["coopsim-panel"]):
                RunControls(session)
                solara.Text(text("compare", lang), classes=["coopsim-section"])
                CompareControls(session)
                solara.Text(text("withdraw", lang), classes=["coopsim-section"])
                WithdrawControls(session)
                solara.Text(text("downloads", lang), classes=["coopsim-section"])
                Downloads(session)
                solara.Text(text("levers", lang), classes=["coopsim-section"])
                LeverPanel(session)
            with solara.Div(classes=["coopsim-main"]):
                Help(session)
                LiveViews(session)
                solara.Text(text("money_note", lang),
                            style={"font-size": "0.75em", "color": "#666", "display": "block"})


@solara.component
def Layout(children=()):
    """No app bar or sidebar of Solara's own: the page lays itself out."""
    return solara.Div(children=list(children))


page = Page()
