"""Lever schedules: a countermeasure that starts, ramps, stops or steps through values.

A lever parameter (a group of :data:`sim.params.LEVER_GROUPS`) may take a
:class:`Schedule` instead of a number. One design, two shapes (see
docs/scenarios.md, "Schedules"):

- a window: ``{ value = 3.0, start_year = 2, end_year = 5, ramp_years = 1 }``
  is ``off`` before year 2, rises linearly to 3.0 over the first year, stays
  there and is ``off`` again from year 5 on;
- steps: ``{ steps = [[0, 0.0], [3, 2.0], [6, 0.0]] }`` holds each value from
  its year until the next step (``off`` before the first).

``off`` is the lever's value while it is not on (default: the parameter's
declared default, the status quo). ``setup_cost`` (MU) is paid once, in the
first step the lever is on, and counted in ``spending_levers``. Years are years
from the start of the run (a year is 12 steps); a scenario that declares
``start_year = 2016`` writes calendar years instead, or TOML dates on the first
of a month (``2018-02-01``), converted by :func:`from_calendar`.

In a run, :class:`LeverPlan` starts the model at every lever's year-0 value and
makes each later change through Mesa's event list (``schedule_event``, after
the step that ends the previous month), then brings the model's derived state
(budgets, credibility, priced risk, departments' take-up ...) in line with the
new value. Each scheduled lever's value in force during a step is the output
column ``lever:<name>``.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from mesa.time.events import Priority

from sim.params import LEVER_GROUPS, ParameterError, Parameters

if TYPE_CHECKING:
    from sim.model import CooperationModel

#: A year is this many steps (a step is a month; the model's STEPS_PER_YEAR).
STEPS_PER_YEAR = 12
#: Prefix of the output column holding a scheduled lever's value.
COLUMN_PREFIX = "lever:"
#: Keys of a schedule table.
KEYS = ("value", "start_year", "end_year", "ramp_years", "steps", "off", "setup_cost")
#: Year keys (converted from calendar years when a scenario declares start_year).
YEAR_KEYS = ("start_year", "end_year")
#: Levers that are initial conditions of the county, read once when it is drawn.
INITIAL_ONLY = {
    "planning_alignment": "it is the alignment of majors when the county is drawn; schedule "
    "major_adjust_rate_per_year (how fast majors move) instead",
}
#: Longest schedule a run can follow (a bound on ramps and steps, in years).
MAX_YEAR = 1000.0


def column(name: str) -> str:
    """The output column of a scheduled lever: ``lever:<name>``."""
    return f"{COLUMN_PREFIX}{name}"


@dataclass(frozen=True)
class Schedule:
    """The value of one lever over time (years from the start of the run).

    Attributes:
        value: the lever's value while on (window shape; None in step shape).
        start_year: year the lever comes on (window shape).
        end_year: year it goes off again (None: it stays on to the end of the run).
        ramp_years: years over which it rises linearly from ``off`` to ``value``.
        steps: ``((year, value), ...)`` in increasing years (step shape).
        off: value while off (None: the parameter's declared default).
        setup_cost: one-off cost (MU) paid in the first step the lever is on.
    """

    value: Any = None
    start_year: float = 0.0
    end_year: float | None = None
    ramp_years: float = 0.0
    steps: tuple[tuple[float, Any], ...] = ()
    off: Any = None
    setup_cost: float = 0.0

    def value_at(self, year: float) -> Any:
        """The lever's value at ``year`` (years since the start of the run)."""
        if self.steps:
            current = self.off
            for at, value in self.steps:
                if year + 1e-9 < at:
                    break
                current = value
            return current
        if year + 1e-9 < self.start_year or (
                self.end_year is not None and year + 1e-9 >= self.end_year):
            return self.off
        if self.ramp_years > 0 and year < self.start_year + self.ramp_years:
            # A ramp reaches 1/ramp_months of the way each month, full at the last ramp month.
            done = (math.floor((year - self.start_year) * STEPS_PER_YEAR + 1e-9) + 1) / (
                self.ramp_years * STEPS_PER_YEAR)
            return self.off + min(1.0, done) * (self.value - self.off)
        return self.value

    def change_steps(self) -> list[int]:
        """Steps done after which the value may change (finite, sorted; 0 excluded)."""
        years = [at for at, _ in self.steps] if self.steps else [self.start_year]
        points = {round(y * STEPS_PER_YEAR) for y in years}
        if not self.steps:
            start = round(self.start_year * STEPS_PER_YEAR)
            points.update(range(start, start + math.ceil(self.ramp_years * STEPS_PER_YEAR - 1e-9)))
            if self.end_year is not None:
                points.add(round(self.end_year * STEPS_PER_YEAR))
        return sorted(p for p in points if p > 0)

    def on_periods(self, off_value: Any | None = None) -> list[tuple[float, float | None]]:
        """``(start_year, end_year)`` of each period the lever differs from ``off`` (end None: open)."""
        off = self.off if off_value is None else off_value
        marks = sorted({0, *self.change_steps()})
        periods: list[tuple[float, float | None]] = []
        start = None
        for k in marks:
            on = self.value_at(k / STEPS_PER_YEAR) != off
            if on and start is None:
                start = k / STEPS_PER_YEAR
            elif not on and start is not None:
                periods.append((start, k / STEPS_PER_YEAR))
                start = None
        if start is not None:
            periods.append((start, None))
        return periods

    def to_dict(self) -> dict[str, Any]:
        """The schedule as a plain mapping (the keys that are set), readable back."""
        out: dict[str, Any] = {}
        if self.steps:
            out["steps"] = [[at, v] for at, v in self.steps]
        else:
            out["value"] = self.value
            out["start_year"] = self.start_year
            if self.end_year is not None:
                out["end_year"] = self.end_year
            if self.ramp_years:
                out["ramp_years"] = self.ramp_years
        out["off"] = self.off
        if self.setup_cost:
            out["setup_cost"] = self.setup_cost
        return out


def is_schedule(value: Any) -> bool:
    """True for a :class:`Schedule` or a mapping meant as one."""
    return isinstance(value, Schedule | Mapping)


def coerce(f: dataclasses.Field, value: Any, coerce_number: Any) -> Schedule:
    """Check a schedule given for parameter field ``f``; ``coerce_number`` checks one value.

    Raises:
        ParameterError: naming the parameter, the key and what is allowed.
    """
    name = f.name
    spec = f.metadata["spec"]
    if spec.group not in LEVER_GROUPS:
        raise ParameterError(
            f"{name} = {_short(value)}: only lever parameters may follow a schedule (groups "
            f"{', '.join(LEVER_GROUPS)}); {name} is in group {spec.group!r}: give one number",
            field_name=name)
    if name in INITIAL_ONLY:
        raise ParameterError(f"{name}: cannot follow a schedule: {INITIAL_ONLY[name]}",
                             field_name=name)
    raw = value.to_dict() if isinstance(value, Schedule) else dict(value)
    raw = {k: v for k, v in raw.items() if v is not None}
    unknown = [k for k in raw if k not in KEYS]
    if unknown:
        raise ParameterError(f"{name}: unknown schedule key {unknown[0]!r}; allowed: "
                             f"{', '.join(KEYS)}", field_name=name)
    kind = type(f.default)

    def number(key: str, v: Any) -> Any:
        try:
            return coerce_number(f, v)
        except ParameterError as err:
            text = str(err)
            text = text[len(name) + 3:] if text.startswith(f"{name} = ") else text
            raise ParameterError(f"{name}: schedule {key} = {text}", field_name=name) from None

    def year(key: str, v: Any, low: float = 0.0) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or not (
                low <= v <= MAX_YEAR):
            raise ParameterError(f"{name}: schedule {key} = {_short(v)}: must be a number of "
                                 f"years in [{low:g}, {MAX_YEAR:g}] from the start of the run",
                                 field_name=name)
        if abs(v * STEPS_PER_YEAR - round(v * STEPS_PER_YEAR)) > 1e-6:
            raise ParameterError(f"{name}: schedule {key} = {v!r}: must fall on a month "
                                 f"(a multiple of 1/{STEPS_PER_YEAR} year)", field_name=name)
        return round(v * STEPS_PER_YEAR) / STEPS_PER_YEAR

    off = number("off", raw["off"]) if "off" in raw else f.default
    setup = raw.get("setup_cost", 0.0)
    if isinstance(setup, bool) or not isinstance(setup, int | float) or not (
            math.isfinite(setup) and 0 <= setup <= 1e9):
        raise ParameterError(f"{name}: schedule setup_cost = {_short(setup)}: must be a number "
                             "in [0, 1e9] MU (paid once, when the lever first comes on)",
                             field_name=name)
    if "steps" in raw:
        clash = [k for k in ("value", "start_year", "end_year", "ramp_years") if k in raw]
        if clash:
            raise ParameterError(f"{name}: schedule has steps and {clash[0]}: give either steps "
                                 "= [[year, value], ...] or value with start_year, end_year, "
                                 "ramp_years, not both", field_name=name)
        steps = raw["steps"]
        if not isinstance(steps, list | tuple) or not steps or not all(
                isinstance(s, list | tuple) and len(s) == 2 for s in steps):
            raise ParameterError(f"{name}: schedule steps = {_short(steps)}: must be a non-empty "
                                 "list of [year, value] pairs", field_name=name)
        pairs = tuple((year("steps year", y), number(f"steps value at year {y}", v))
                      for y, v in steps)
        years = [y for y, _ in pairs]
        if any(b <= a for a, b in zip(years, years[1:], strict=False)):
            raise ParameterError(f"{name}: schedule steps years {years}: must increase strictly",
                                 field_name=name)
        return Schedule(steps=pairs, off=off, setup_cost=float(setup))
    if "value" not in raw:
        raise ParameterError(f"{name}: schedule needs value (with start_year, end_year, "
                             "ramp_years) or steps = [[year, value], ...]", field_name=name)
    value = number("value", raw["value"])
    start = year("start_year", raw.get("start_year", 0.0))
    end = year("end_year", raw["end_year"]) if "end_year" in raw else None
    if end is not None and end <= start:
        raise ParameterError(f"{name}: schedule end_year = {end:g} must be after start_year = "
                             f"{start:g}", field_name=name)
    ramp = year("ramp_years", raw.get("ramp_years", 0.0))
    if ramp and kind is not float:
        raise ParameterError(f"{name}: schedule ramp_years: a {kind.__name__} lever cannot "
                             "ramp; use steps", field_name=name)
    if end is not None and ramp > end - start:
        raise ParameterError(f"{name}: schedule ramp_years = {ramp:g} is longer than the lever "
                             f"is on ({end - start:g} years)", field_name=name)
    return Schedule(value=value, start_year=start, end_year=end, ramp_years=ramp, off=off,
                    setup_cost=float(setup))


def from_calendar(name: str, table: Mapping[str, Any], start_year: int) -> dict[str, Any]:
    """A schedule written in calendar years, in years from a run starting in ``start_year``.

    A year may also be a date on the first of a month (TOML ``2018-02-01``):
    the lever changes from that month.

    Raises:
        ParameterError: a year before ``start_year`` or not a number.
    """
    out = dict(table)

    def shift(key: str, y: Any) -> Any:
        if isinstance(y, datetime.date):
            if y.day != 1:
                raise ParameterError(f"{name}: schedule {key} = {y.isoformat()}: a date must be "
                                     "the first of a month (levers change monthly)",
                                     field_name=name)
            if y.year < start_year:
                raise ParameterError(f"{name}: schedule {key} = {y.isoformat()} is before the "
                                     f"scenario's start_year = {start_year}", field_name=name)
            return y.year - start_year + (y.month - 1) / STEPS_PER_YEAR
        if isinstance(y, bool) or not isinstance(y, int | float):
            return y  # left for the schedule check to refuse with its message
        if y < start_year:
            raise ParameterError(f"{name}: schedule {key} = {y!r} is before the scenario's "
                                 f"start_year = {start_year} (years are calendar years when "
                                 "start_year is declared)", field_name=name)
        return y - start_year

    for key in YEAR_KEYS:
        if key in out:
            out[key] = shift(key, out[key])
    if isinstance(out.get("steps"), list):
        out["steps"] = [[shift("steps year", s[0]), *s[1:]] if isinstance(s, list) and s else s
                        for s in out["steps"]]
    return out


#: Keys a sweep may vary in a lever's schedule (``<lever>.<key>`` factors).
TIMING_FACTOR_KEYS = ("start_year", "end_year", "duration_years", "ramp_years", "value")
#: The lever a ``total_budget`` constraint sets.
BUDGET_LEVER = "subsidy_budget_per_year"


def timing_spec(lever: str, key: str) -> tuple[type, Any]:
    """Type and :class:`sim.params.Spec` of timing factor ``<lever>.<key>``.

    Raises:
        ParameterError: ``lever`` cannot follow a schedule or ``key`` is not a timing key.
    """
    from sim.params import Spec, lever_names, spec

    if lever not in lever_names() or lever in INITIAL_ONLY:
        raise ParameterError(f"{lever!r} is not a lever that can follow a schedule",
                             field_name=f"{lever}.{key}")
    if key not in TIMING_FACTOR_KEYS:
        raise ParameterError(f"{key!r} is not a timing key of {lever}", field_name=f"{lever}.{key}")
    own = spec(lever)
    if key == "value":
        default = next(f.default for f in dataclasses.fields(Parameters) if f.name == lever)
        return type(default), own
    doc = {"start_year": "year the lever comes on", "end_year": "year it goes off",
           "duration_years": "years it is on (end = start + duration)",
           "ramp_years": "years over which it rises to its value"}[key]
    return float, Spec(0.0, MAX_YEAR, "years", f"{lever}: {doc}", own.group)


def apply_timing(base: Mapping[str, Any], values: Mapping[str, Any], *,
                 together: tuple[str, ...] = (), total_budget: float | None = None,
                 run_years: float | None = None) -> dict[str, Any]:
    """Plain parameters of a design point whose factors may be ``<lever>.<key>`` timing keys.

    Each timing key is written into the lever's schedule (a lever given as a
    number becomes a schedule on at that number, ``off`` its default); the
    levers in ``together`` take every timing key given for any of them. With
    ``total_budget``, ``subsidy_budget_per_year`` becomes the total over the
    years it is on within ``run_years`` (0 if it is never on in the run).
    Values are checked later, when the parameters are built.
    """
    params = dict(base)
    timing: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        lever, dot, key = name.partition(".")
        if dot:
            timing.setdefault(lever, {})[key] = value
        else:
            params[name] = value
    shared: dict[str, Any] = {}
    for lever in together:
        shared.update({k: v for k, v in timing.get(lever, {}).items() if k != "value"})
    for lever in together:
        if shared:
            timing[lever] = {**shared, **{k: v for k, v in timing.get(lever, {}).items()
                                          if k == "value"}}
    if total_budget is not None:
        timing.setdefault(BUDGET_LEVER, {})
    for lever, keys in timing.items():
        current = params.get(lever)
        table = dict(current) if isinstance(current, Mapping) else {"value": current}
        if "steps" in table:
            raise ParameterError(f"{lever}: a timing factor needs a value/start_year/end_year "
                                 "schedule in the base, not steps", field_name=lever)
        keys = {k: (_to_month(v) if k != "value" else v) for k, v in keys.items()}
        for key, value in keys.items():
            if key != "duration_years":
                table[key] = value
        if "duration_years" in keys:
            table["end_year"] = table.get("start_year", 0.0) + keys["duration_years"]
        params[lever] = table
    if total_budget is not None:
        table = params[BUDGET_LEVER]
        end = table.get("end_year")
        end = run_years if end is None else (end if run_years is None else min(end, run_years))
        years = (end - table.get("start_year", 0.0)) if end is not None else None
        if years is None:
            raise ParameterError(f"{BUDGET_LEVER}: total_budget needs the run length or an "
                                 "end_year", field_name=BUDGET_LEVER)
        table["value"] = total_budget / years if years > 0 else 0.0
    return params


def _to_month(years: Any) -> Any:
    """A number of years rounded to whole months (a sampled design draws reals)."""
    if isinstance(years, bool) or not isinstance(years, int | float) or not math.isfinite(years):
        return years  # refused with its message when the parameters are built
    return round(years * STEPS_PER_YEAR) / STEPS_PER_YEAR


def scheduled(params: Parameters) -> dict[str, Schedule]:
    """The levers of ``params`` that follow a schedule."""
    return {k: v for k, v in vars(params).items() if isinstance(v, Schedule)}


def on_steps(params: Parameters) -> dict[str, list[tuple[int, int | None]]]:
    """Each scheduled lever's periods on, in steps done: ``[(start, end or None)]``.

    A period ``(12, 48)`` covers steps 13 to 48 (rows 12 to 48 of the output
    start and end it).
    """
    return {name: [(round(a * STEPS_PER_YEAR), None if b is None else round(b * STEPS_PER_YEAR))
                   for a, b in s.on_periods(off_value(name, s))]
            for name, s in scheduled(params).items()}


def plan(params: Parameters) -> LeverPlan | None:
    """The lever plan of a run (None when no lever follows a schedule: nothing changes)."""
    found = scheduled(params)
    return LeverPlan(params, found) if found else None


def off_value(name: str, schedule: Schedule | None) -> Any:
    """The value of lever ``name`` while off."""
    if schedule is not None and schedule.off is not None:
        return schedule.off
    return next(f.default for f in dataclasses.fields(Parameters) if f.name == name)


class LeverPlan:
    """The scheduled levers of one run, applied to its model through Mesa's event list.

    Args:
        params: the run's parameters, schedules included.
        schedules: lever name to its schedule.
    """

    def __init__(self, params: Parameters, schedules: dict[str, Schedule]):
        self.schedules = dict(schedules)
        #: The parameters the model starts from: every schedule at its year-0 value.
        self.start_params = dataclasses.replace(
            params, **{k: s.value_at(0.0) for k, s in schedules.items()})
        self.current = {k: s.value_at(0.0) for k, s in schedules.items()}
        self._setup_due = 0.0
        self._paid: set[str] = set()
        self._changes: dict[int, dict[str, Any]] = {}
        self._model: CooperationModel | None = None
        for name, value in self.current.items():
            self._on(name, value)

    @property
    def columns(self) -> list[str]:
        """The output columns of the scheduled levers."""
        return [column(k) for k in self.schedules]

    def start(self, model: CooperationModel) -> None:
        """Register each change with the model's event list and record row 0."""
        self._model = model
        for name, schedule in self.schedules.items():
            for k in schedule.change_steps():
                self._add(name, k, schedule.value_at(k / STEPS_PER_YEAR))
        self.record(model.tally)

    def _add(self, name: str, done: int, value: Any) -> None:
        """Set ``name`` to ``value`` after step ``done`` (one Mesa event per change time)."""
        if done not in self._changes:
            self._changes[done] = {}
            # LOW priority: after the step of that time (HIGH), before the next one.
            self._model.schedule_event(self._apply_due, at=float(done), priority=Priority.LOW)
        self._changes[done][name] = value

    def _apply_due(self) -> None:
        model = self._model
        for name, value in self._changes.pop(int(round(model.time)), {}).items():
            if value != self.current[name]:
                self.current[name] = value
                apply(model, name, value)
                self._on(name, value)

    def _on(self, name: str, value: Any) -> None:
        """Book the set-up cost of ``name`` the first time it is on."""
        schedule = self.schedules[name]
        if schedule.setup_cost and name not in self._paid and value != off_value(name, schedule):
            self._paid.add(name)
            self._setup_due += schedule.setup_cost

    def withdraw(self, name: str, year: float) -> None:
        """Stop lever ``name`` at ``year`` (years from the run start; now if already past).

        A lever not yet scheduled becomes scheduled from now on: its value so
        far is recorded in its ``lever:`` column for every earlier row.
        """
        model = self._model
        if name not in self.schedules:
            value = getattr(model.p, name)
            self.schedules[name] = Schedule(value=value, off=off_value(name, None))
            self.current[name] = value
            self._paid.add(name)  # on from the start: its set-up, if any, was never scheduled
            model.datacollector.add_column(column(name), value)
        done = max(round(year * STEPS_PER_YEAR), model.step_count)
        for k in list(self._changes):
            if k >= done:
                self._changes[k].pop(name, None)
        off = off_value(name, self.schedules[name])
        self._add(name, done, off)
        if done == model.step_count:
            self._apply_due()

    def record(self, tally: dict[str, float]) -> None:
        """Add each lever's value and the set-up costs due to this step's tally."""
        for name, value in self.current.items():
            tally[column(name)] = float(value)
        if self._setup_due:
            tally["spending_levers"] += self._setup_due
            tally["spending_total"] += self._setup_due
            self._setup_due = 0.0


def until(name: str, value: Any, year: float) -> Any:
    """Lever ``name``'s value or schedule ``value``, stopped (set to off) from ``year`` on.

    Returns a plain value when nothing of it is left on before ``year``.
    """
    schedule = value if isinstance(value, Schedule) else Schedule(value=value)
    off = off_value(name, schedule)
    if schedule.steps:
        kept = tuple((at, v) for at, v in schedule.steps if at < year)
        if not kept or all(v == off for _, v in kept):
            return off
        steps = kept if kept[-1][1] == off else (*kept, (float(year), off))
        return dataclasses.replace(schedule, steps=steps, off=off)
    if schedule.start_year >= year or schedule.value == off:
        return off
    end = year if schedule.end_year is None else min(schedule.end_year, year)
    return dataclasses.replace(schedule, end_year=float(end), off=off,
                               ramp_years=min(schedule.ramp_years, end - schedule.start_year))


def describe(schedule: Schedule | Mapping[str, Any], lang: str = "en") -> str:
    """A schedule as a short phrase in ``lang``: ``1 from year 0 to 3; else 0``.

    Years count from the run's start, to 3 significant digits. Takes a
    :class:`Schedule` or its :meth:`Schedule.to_dict` mapping (as manifests hold it).
    """
    from sim.labels import term

    plan = schedule.to_dict() if isinstance(schedule, Schedule) else schedule

    def year(y: float) -> str:
        return f"{y:.3g}"

    if "steps" in plan:
        text = term("list_sep", lang).join(
            term("schedule_from", lang).format(value=f"{v:g}", year=year(y))
            for y, v in plan["steps"])
    else:
        text = term("schedule_from", lang).format(value=f"{plan['value']:g}",
                                                  year=year(plan.get("start_year", 0.0)))
        if plan.get("end_year") is not None:
            text += term("schedule_to", lang).format(year=year(plan["end_year"]))
        if plan.get("ramp_years"):
            text += term("schedule_ramp", lang).format(years=year(plan["ramp_years"]))
    if plan.get("setup_cost"):
        text += term("schedule_setup", lang).format(cost=f"{plan['setup_cost']:g}")
    return term("schedule_else", lang).format(text=text, off=f"{plan.get('off', 0.0):g}")


def withdraw(model: CooperationModel, name: str, year: float) -> None:
    """Stop lever ``name`` of a running model at ``year`` ("stop the subsidy at year 5").

    The lever goes to its ``off`` value (its declared default unless its
    schedule says otherwise) after the last step of year ``year - 1``, or now
    if that is past; a later scheduled change of it is dropped.

    Raises:
        ParameterError: ``name`` is not a lever that can follow a schedule, or
            ``year`` is not a number of years >= 0.
    """
    from sim.params import lever_names

    if name not in lever_names() or name in INITIAL_ONLY:
        allowed = ", ".join(n for n in lever_names() if n not in INITIAL_ONLY)
        raise ParameterError(f"withdraw {name!r}: not a lever that can be stopped; allowed: "
                             f"{allowed}", field_name=name)
    if isinstance(year, bool) or not isinstance(year, int | float) or not (
            0 <= year <= MAX_YEAR):
        raise ParameterError(f"withdraw {name}: year = {year!r}: must be a number of years in "
                             f"[0, {MAX_YEAR:g}] from the start of the run", field_name=name)
    if model.levers is None:
        model.levers = LeverPlan(model.p, {})
        model.levers._model = model
    model.levers.withdraw(name, year)


# ------------------------------------------------------------------ applying a change


def apply(model: CooperationModel, name: str, value: Any) -> None:
    """Set lever ``name`` of a running model to ``value`` and refresh what depends on it.

    The model reads most levers from ``model.p`` in every step; those it
    works out once (budgets, credibility, priced risk, the departments'
    mandates, awareness and take-up) are recomputed here the way the model
    computes them at set-up.
    """
    old = getattr(model.p, name)
    model.p = dataclasses.replace(model.p, **{name: value})
    refresh = _REFRESH.get(name)
    if refresh is not None:
        refresh(model, old)


def _offer(model: CooperationModel, old: Any = None) -> None:
    p = model.p
    model._on_offer = p.subsidy_per_content_step > 0 or p.tax_offset_rate > 0


def _credibility(model: CooperationModel, old: Any = None) -> None:
    from sim.mechanisms import regulation

    p = model.p
    model.credibility = regulation.incentive_credibility(p.regulation_completeness,
                                                         p.incentive_credibility_floor)


def _regulation(model: CooperationModel, old: Any = None) -> None:
    from sim.mechanisms import regulation

    p = model.p
    model._risk_of_school = regulation.legal_risk(p.legal_risk_per_step, p.regulation_completeness,
                                                  model.school_risk_factor, model.risk_exposure)
    _credibility(model)


def _months_left(model: CooperationModel) -> int:
    return STEPS_PER_YEAR - model.step_count % STEPS_PER_YEAR


def _budget(model: CooperationModel, old: Any = None) -> None:
    """A new annual budget: this year's is renewed at it, pro rata for the months left."""
    old_payout = model.payout_ratio
    model._renew_budgets()
    model.dept_budget *= _months_left(model) / STEPS_PER_YEAR
    if model.p.subsidy_budget_per_year <= 0:
        model.payout_ratio = 0.0
    elif old_payout == 0.0:
        model.payout_ratio = 1.0  # a budget is announced: firms expect to be paid, as at set-up


def _government(model: CooperationModel, old: Any = None) -> None:
    """Who leads, who pays and how departments take tasks up, after a change of structure."""
    from sim.mechanisms import departments

    n_dep = len(model.dept_awareness)
    left = model.budget_left
    model.dept_lead = (departments.primary_holders(n_dep)
                       if (model.p.coordination_body and n_dep) else None)
    model._decide_department_effort()
    model._handler_of_broker = None
    pt = model.partnerships
    if len(pt):
        pt.handler[:] = model._default_handler(pt.broker)
    model._renew_budgets()  # this year's money left goes to the new payers
    total = model.budget_left
    if total > 0:
        model.dept_budget *= left / total


def _mandates(model: CooperationModel, old: Any = None) -> None:
    from sim.mechanisms import departments

    n_dep = len(model.dept_awareness)
    model.dept_held = departments.assign_mandates(max(1, n_dep), model.p.mandate_overlap,
                                                  model.rng)[:n_dep]
    _government(model)


def _awareness(model: CooperationModel, old: float) -> None:
    """Each department keeps its quantile of the Beta around the old mean, under the new mean.

    (At a mean of 0 or 1 every department is alike: it then stands at the median.)
    """
    from scipy.stats import beta

    p = model.p
    level = model.dept_awareness
    if level.size == 0:
        return
    c = p.department_awareness_concentration
    new = p.service_awareness
    if new <= 0.0 or new >= 1.0:
        model.dept_awareness = np.full(level.size, float(new))
    else:
        quantile = (beta.cdf(level, old * c, (1.0 - old) * c) if 0.0 < old < 1.0
                    else np.full(level.size, 0.5))
        quantile = np.clip(quantile, 1e-6, 1 - 1e-6)
        model.dept_awareness = beta.ppf(quantile, new * c, (1.0 - new) * c)
    model._decide_department_effort()


_REFRESH = {
    "subsidy_per_content_step": _offer,
    "tax_offset_rate": _offer,
    "subsidy_budget_per_year": _budget,
    "regulation_completeness": _regulation,
    "incentive_credibility_floor": _credibility,
    "coordination_body": _government,
    "mandate_overlap": _mandates,
    "service_awareness": _awareness,
}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}..."
