"""Read and check a calibration targets file (TOML) for ``python -m sim calibrate``.

::

    title = "Made-up county survey"
    made_up = true                   # say so when the numbers are not data
    scenario = "ruian-status-quo"    # base scenario (name or path); default: model defaults
    steps = 120
    seed = 20261603

    [fixed]                          # overrides of the base scenario
    n_schools = 4

    [parameters]                     # calibrated; prior uniform on the declared range,
    service_awareness = { low = 0.1, high = 0.9 }   # or on [low, high] within it
    training_yield_practice = {}

    [targets]                        # observed values and their standard errors
    content_share = { value = 0.08, sd = 0.03, reduce = "mean_last_12" }
    partnerships_per_school = { column = "partnerships_active", per_school = true,
                                value = 20.0, sd = 4.0 }

    [held_out]                       # not fitted: checked by the posterior predictive check
    practice_share = { value = 0.3, sd = 0.05 }

    [abc]
    population = 40                  # particles per generation
    generations = 5                  # most generations (populations)
    min_epsilon = 1.0                # stop when the distance threshold falls below this
    predictive = 20                  # posterior draws run for the predictive check

A target's ``column`` (default: its name) is any output column of
:data:`sim.outputs.COLUMNS`, reduced per run by ``reduce`` (default ``end``, the
column's end-of-run rule; any reducer of sweep outputs), and divided by the number
of schools when ``per_school = true``.

Every error is a :class:`TargetsError` reading ``<file>: <place>: <message>`` with
the allowed values; the scenario, ``[fixed]``, ranges, columns and reducers are checked
by the sweep experiment parser, so they follow the same rules as sweep files.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.sweep.experiment import Experiment, ExperimentError, Output

TOP_KEYS = ("title", "description", "made_up", "scenario", "steps", "seed", "fixed",
            "parameters", "targets", "held_out", "abc")
PARAMETER_KEYS = ("low", "high")
TARGET_KEYS = ("value", "sd", "column", "reduce", "per_school")
ABC_KEYS = ("population", "generations", "min_epsilon", "predictive")
ABC_DEFAULTS = {"population": 40, "generations": 5, "min_epsilon": 0.0, "predictive": 20}


class TargetsError(ExperimentError):
    """A targets file is not acceptable; ``str(err)`` reads ``<file>: <place>: <message>``."""


@dataclass(frozen=True)
class Target:
    """One observed value.

    Attributes:
        name: the target's name.
        output: how each run is reduced to the value.
        value: the observed value.
        sd: its standard error (the distance divides by it).
        per_school: divide the run's value by its number of schools.
        held_out: True for an output checked, not fitted.
    """

    name: str
    output: Output
    value: float
    sd: float
    per_school: bool = False
    held_out: bool = False

    def of(self, frame: Any, n_schools: int) -> float:
        """The target's value in one run's per-step table."""
        value = self.output.apply(frame)
        return value / n_schools if self.per_school else value


@dataclass(frozen=True)
class Calibration:
    """A checked targets file.

    Attributes:
        path: the file.
        title: its title.
        description: its description.
        made_up: True when the file says its numbers are not data.
        experiment: base parameters, steps, seed and priors (the ``[parameters]`` as
            factors with their ranges), as a sweep experiment.
        targets: fitted targets.
        held_out: outputs checked by the predictive check only.
        abc: population, generations, min_epsilon, predictive.
    """

    path: str
    title: str
    description: str
    made_up: bool
    experiment: Experiment
    targets: tuple[Target, ...]
    held_out: tuple[Target, ...]
    abc: dict[str, Any]

    @property
    def parameters(self) -> list[str]:
        """The calibrated parameters."""
        return self.experiment.factor_names


def load_targets(path: str | Path) -> Calibration:
    """Read and check a targets file.

    Raises:
        TargetsError: for any problem, naming the file, the field and the allowed values.
    """
    from sim.sweep.experiment import parse_experiment

    where = str(path)
    file = Path(path)
    if not file.is_file():
        raise TargetsError(where, "file", "no such targets file (see "
                           "experiments/calibration/made-up-county-survey.toml for an example)")
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise TargetsError(where, "TOML syntax", str(err)) from None
    _keys(data, TOP_KEYS, where, "")
    parameters = _table(data, "parameters", where)
    if not parameters:
        raise TargetsError(where, "parameters", "none to calibrate; add e.g. "
                           "service_awareness = { low = 0.1, high = 0.9 } or name = {} for "
                           "the declared range")
    from sim.params import names, spec, specs

    kinds = {n: t for n, _, t, _ in specs()}
    vary = {}
    for name, entry in parameters.items():
        place = f"parameters.{name}"
        if name not in kinds:
            import difflib

            close = difflib.get_close_matches(name, names(), n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise TargetsError(where, place, f"unknown parameter{hint}")
        if kinds[name] not in (int, float):
            raise TargetsError(where, place, f"is a {kinds[name].__name__}; only numbers can "
                               "be calibrated (fix it in [fixed])")
        if not isinstance(entry, Mapping):
            raise TargetsError(where, place, "must be a table: {} for the declared range, or "
                               "{ low = ..., high = ... } within it")
        _keys(entry, PARAMETER_KEYS, where, place)
        declared = spec(name)
        vary[name] = {"low": entry.get("low", declared.low),
                      "high": entry.get("high", declared.high)}
    targets = _targets(data, "targets", where, held_out=False)
    if not targets:
        raise TargetsError(where, "targets", "none given; add e.g. content_share = "
                           "{ value = 0.08, sd = 0.03 }")
    held = _targets(data, "held_out", where, held_out=True)
    both = sorted({t.name for t in targets} & {t.name for t in held})
    if both:
        raise TargetsError(where, f"held_out.{both[0]}", "is also a target; a held-out "
                           "output is one not used in fitting")
    outputs = {t.name: {"column": t.output.column, "reduce": t.output.reduce}
               for t in (*targets, *held)}
    sweep = {"title": data.get("title", file.stem), "design": "lhs", "sample_size": 2,
             "steps": data.get("steps", 120), "seed": data.get("seed", 0), "vary": vary,
             "outputs": outputs}
    for key in ("scenario", "fixed"):
        if key in data:
            sweep[key] = data[key]
    try:
        experiment = parse_experiment(sweep, path=where)
    except ExperimentError as err:
        raise TargetsError(err.file, _place(err.place, targets, held), err.message) from None
    abc = dict(ABC_DEFAULTS)
    table = _table(data, "abc", where)
    _keys(table, ABC_KEYS, where, "abc")
    for key in ("population", "generations", "predictive"):
        if key in table:
            value = table[key]
            least = 2 if key == "population" else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise TargetsError(where, f"abc.{key}", f"{value!r}: must be a whole number "
                                   f">= {least}")
            abc[key] = value
    if "min_epsilon" in table:
        value = table["min_epsilon"]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise TargetsError(where, "abc.min_epsilon", f"{value!r}: must be a number >= 0 "
                               "(the distance is in standard errors)")
        abc["min_epsilon"] = float(value)
    made_up = data.get("made_up", False)
    if not isinstance(made_up, bool):
        raise TargetsError(where, "made_up", f"{made_up!r}: must be true or false")
    return Calibration(where, str(data.get("title", file.stem)),
                       str(data.get("description", "")).strip(), made_up, experiment,
                       tuple(_bind(targets, experiment)), tuple(_bind(held, experiment)), abc)


def _targets(data: Mapping[str, Any], key: str, where: str, *, held_out: bool) -> list[Target]:
    from sim.outputs import COLUMNS

    found = []
    for name, entry in _table(data, key, where).items():
        place = f"{key}.{name}"
        if not isinstance(entry, Mapping):
            raise TargetsError(where, place, "must be a table, e.g. { value = 0.08, sd = 0.03 }")
        _keys(entry, TARGET_KEYS, where, place)
        column = entry.get("column", name)
        if column not in COLUMNS:
            raise TargetsError(where, f"{place}.column" if "column" in entry else place,
                               f"{column!r} is not an output column; give column = one of "
                               f"{', '.join(COLUMNS)}")
        values = {}
        for field in ("value", "sd"):
            value = entry.get(field)
            if value is None:
                raise TargetsError(where, f"{place}.{field}", "missing: a target is an observed "
                                   "value with its standard error, e.g. { value = 0.08, "
                                   "sd = 0.03 }")
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
                    value):
                raise TargetsError(where, f"{place}.{field}", f"{value!r}: must be a number")
            values[field] = float(value)
        if values["sd"] <= 0:
            raise TargetsError(where, f"{place}.sd", f"{values['sd']:g}: must be above 0 (the "
                               "standard error of the observation)")
        per_school = entry.get("per_school", False)
        if not isinstance(per_school, bool):
            raise TargetsError(where, f"{place}.per_school", f"{per_school!r}: must be true or "
                               "false")
        output = Output(name, column, str(entry.get("reduce", "end")))
        found.append(Target(name, output, values["value"], values["sd"], per_school, held_out))
    return found


def _bind(targets: list[Target], experiment: Experiment) -> list[Target]:
    """The targets with the outputs as the experiment parser checked them."""
    return [Target(t.name, experiment.output(t.name), t.value, t.sd, t.per_school, t.held_out)
            for t in targets]


def _place(place: str, targets: list[Target], held: list[Target]) -> str:
    """A sweep parser's place in the words of a targets file."""
    if place.startswith("vary."):
        return "parameters." + place.removeprefix("vary.")
    if place.startswith("outputs."):
        name = place.removeprefix("outputs.").split(".")[0]
        table = "held_out" if name in {t.name for t in held} else "targets"
        return f"{table}." + place.removeprefix("outputs.")
    return place


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise TargetsError(where, key, "must be a table")
    return value


def _keys(table: Mapping[str, Any], allowed: tuple[str, ...], where: str, place: str) -> None:
    for key in table:
        if key not in allowed:
            spot = f"{place}.{key}" if place else key
            raise TargetsError(where, spot, f"unknown key; allowed: {', '.join(allowed)}")
