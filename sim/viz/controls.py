"""The live view's inputs: one control per lever, generated from the parameter declaration.

Each control takes its readable label and unit from :mod:`sim.labels`, its
meaning from the declared ``doc`` (:mod:`sim.params`), and its allowed range
from the declaration. The slider covers the range where a lever acts (on a log
scale where that range spans decades); the typed field beside it accepts the
whole declared range. :func:`parse_number` reads what a user types (``2,000``
is 2000; ``2,5`` is refused, since a comma is not a decimal mark here).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from sim.labels import label
from sim.params import LEVER_GROUPS, specs

#: Scale parameters offered besides the levers (to try a larger county).
SCALE_CONTROLS = ("n_schools", "n_enterprises")

#: Slider range where a lever acts, when it is narrower than the declared range:
#: name -> (low, high). Declared ranges of money are generous bounds, not where
#: the model responds: a subsidy of 0.5-1.5 MU/step already moves firms (a
#: content partnership's cost is of that order), and a county's subsidy bill is
#: of the order of 10^2-10^4 MU/year. The typed field still takes the full range.
ACTING_RANGE: dict[str, tuple[float, float]] = {
    "subsidy_per_content_step": (0.05, 20.0),
    "subsidy_budget_per_year": (10.0, 1e6),
    "penalty_per_misreport": (0.1, 200.0),
    "n_schools": (1, 200),
    "n_enterprises": (20, 50_000),
}
#: A slider spans decades (and goes on a log scale) when high / low reaches this.
LOG_RATIO = 100.0
#: Mantissas of a log slider's stops, per decade (as on a log ruler).
LOG_STOPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)


class InputRefused(ValueError):
    """A typed value cannot be read as a number of the field's kind (the message says why)."""


@dataclass(frozen=True)
class Control:
    """One input, derived from a parameter's declaration.

    Attributes:
        name: the parameter.
        kind: "switch", "int" or "float".
        group: the parameter's group in sim.params.
        doc: the declared meaning.
        low, high: the declared range (what the typed field accepts).
        stops: the slider's values, in order (empty for a switch).
        log: whether the stops are spaced on a log scale.
    """

    name: str
    kind: str
    group: str
    doc: str
    low: float | None = None
    high: float | None = None
    stops: tuple[float, ...] = ()
    log: bool = False

    def label(self, lang: str = "en") -> str:
        """Readable label with its unit, in ``lang``."""
        return label(self.name, lang)

    def stop_index(self, value: float) -> int:
        """The slider stop nearest ``value`` (on the slider's own scale)."""
        if not self.stops:
            return 0
        if self.log:
            def pos(v: float) -> float:
                return math.log10(v) if v > 0 else -1e9
        else:
            def pos(v: float) -> float:
                return v
        target = pos(value)
        return min(range(len(self.stops)), key=lambda i: abs(pos(self.stops[i]) - target))


def controls_from_specs() -> list[Control]:
    """A control for every lever parameter and the scale controls, in declaration order."""
    out = []
    for name, _default, kind, spec in specs():
        if spec.group not in LEVER_GROUPS and name not in SCALE_CONTROLS:
            continue
        if kind is bool:
            out.append(Control(name, "switch", spec.group, spec.doc))
            continue
        kind_name = "int" if kind is int else "float"
        stops, log = slider_stops(name, kind_name, spec.low, spec.high)
        out.append(Control(name, kind_name, spec.group, spec.doc, spec.low, spec.high,
                           stops, log))
    return out


def slider_stops(name: str, kind: str, low: float, high: float) -> tuple[tuple[float, ...], bool]:
    """The slider's values for a parameter: linear steps, or log stops when it spans decades.

    A log slider whose declared range starts at 0 gets 0 as its first stop ("off").
    """
    lo, hi = ACTING_RANGE.get(name, (low, high))
    # A range from 0 spans decades when it is wide in absolute terms (a money amount),
    # not when it is a share: [0, 1] stays linear.
    positive_lo = lo if lo > 0 else (hi / 1e4 if hi > LOG_RATIO else hi)
    if hi / positive_lo > LOG_RATIO:
        stops = [m * 10.0 ** e for e in range(math.floor(math.log10(positive_lo)) - 1,
                                               math.ceil(math.log10(hi)) + 1)
                 for m in LOG_STOPS]
        stops = [round_sig(s) for s in stops if positive_lo * (1 - 1e-9) <= s <= hi * (1 + 1e-9)]
        if kind == "int":
            stops = sorted({int(round(s)) for s in stops})
        if low == 0:
            stops = [0, *stops]
        return tuple(stops), True
    if kind == "int":
        return tuple(range(int(lo), int(hi) + 1)), False
    step = nice_step((hi - lo) / 100)
    n = int(round((hi - lo) / step))
    return tuple(round(lo + i * step, 10) for i in range(n + 1)), False


def nice_step(raw: float) -> float:
    """The smallest of 1, 2 or 5 times a power of ten that is at least ``raw``."""
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))


def round_sig(value: float, digits: int = 4) -> float:
    """``value`` rounded to ``digits`` significant digits (0.30000000000000004 -> 0.3)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def shown(value: float | int | bool) -> str:
    """A value as the view shows it: rounded, with thousands separators from 10,000."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if not math.isfinite(value):
        return str(value)
    value = round_sig(value)
    if value == int(value) and abs(value) < 1e15:
        whole = int(value)
        return f"{whole:,}" if abs(whole) >= 10_000 else str(whole)
    return f"{value:.4g}"


CONTROLS = controls_from_specs()
BY_NAME = {c.name: c for c in CONTROLS}

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009'_](?=\d{3})")


def parse_number(text: str, kind: str) -> int | float:
    """Read a typed number: ``2,000`` and ``2 000`` are 2000, full-width digits are digits.

    Args:
        text: what the user typed.
        kind: "int" or "float".

    Raises:
        InputRefused: not a number, a comma that is not a thousands separator (``2,5``:
            the decimal mark here is a point), or a fraction for a whole-number field.
            The message is the reason only (the caller shows the text). Range checks are
            the parameter declaration's job.
    """
    text = unicodedata.normalize("NFKC", text).strip().replace("，", ",").replace("。", ".")
    if not text:
        raise InputRefused("a value is required")
    text = _SPACES.sub("", text)
    if "," in text:
        if not _THOUSANDS.match(text):
            raise InputRefused("not a number: a comma is read only between groups of three "
                               "digits (2,000); write decimals with a point (2.5)")
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise InputRefused("not a number") from None
    if not math.isfinite(value):
        raise InputRefused("not a finite number")
    if kind == "int":
        if value != int(value):
            raise InputRefused("not a whole number")
        return int(value)
    return value
