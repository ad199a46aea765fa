"""What is left after support ends: the gain at the end of support, its share remaining and half-life.

For a scenario whose scheduled levers all end within the run (sim/schedules.py),
the *gain* is its content share minus a reference, both as means over a year
(the 12 steps up to the point), per replicate:

- the reference is a scenario of the same batch that is the same but with
  every scheduled lever at its ``off`` value throughout (same seeds: common
  random numbers), when the batch has one;
- otherwise it is the level in the year before support began (the initial
  state when support starts at once).

Reported per scenario, with t-based 95 % CIs over replicates
(:func:`sim.analysis.stats.mean_ci`): the content share in the last year of
support, the gain then, the share of that gain remaining 1, 3 and 5 years later
(a replicate whose gain at the end is not positive gives no share), and the
half-life: the years after the end until the gain first falls to half its end
value (runs where it never does within the run are counted as censored and left
out of the mean).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.sections import Section
from sim.analysis.stats import mean_ci
from sim.labels import term
from sim.schedules import STEPS_PER_YEAR, off_value, scheduled

#: Years after the end of support at which the remaining share of the gain is reported.
LATER_YEARS = (1, 3, 5)
COLUMNS = ("scenario", "reference", "measure", "mean", "ci95_low", "ci95_high", "n", "censored")


def support_window(params: Any) -> tuple[int, int] | None:
    """``(first step on, step support ends)`` of a scenario's scheduled levers, in steps done.

    None when no lever is scheduled or one stays on to the end of the run.
    """
    found = scheduled(params)
    if not found:
        return None
    starts, ends = [], []
    for name, schedule in found.items():
        periods = schedule.on_periods(off_value(name, schedule))
        if not periods:
            continue
        if periods[-1][1] is None:
            return None
        starts.append(periods[0][0])
        ends.append(periods[-1][1])
    if not ends:
        return None
    return round(min(starts) * STEPS_PER_YEAR), round(max(ends) * STEPS_PER_YEAR)


def without_support(params: Any) -> dict[str, Any]:
    """The parameters with every scheduled lever at its off value (the no-support twin)."""
    values = params.to_dict()
    for name, schedule in scheduled(params).items():
        values[name] = off_value(name, schedule)
    return values


def find_references(scenarios: Sequence[Any]) -> dict[str, str | None]:
    """For each scenario with support that ends, the batch scenario that is its no-support twin."""
    plain = {s.name: s.params.to_dict() for s in scenarios if not scheduled(s.params)}
    out: dict[str, str | None] = {}
    for s in scenarios:
        if support_window(s.params) is None:
            continue
        twin = without_support(s.params)
        out[s.name] = next((n for n, v in plain.items() if v == twin), None)
    return out


def yearly_mean(values: np.ndarray, step: int) -> float:
    """Mean of ``values`` over the year ending at row ``step`` (rows ``step-11 .. step``)."""
    lo = max(1, step - STEPS_PER_YEAR + 1) if step > 0 else 0
    part = values[lo:step + 1]
    return float(np.nanmean(part)) if part.size and np.isfinite(part).any() else float("nan")


def gain_series(scenario: np.ndarray, reference: np.ndarray | float, end: int) -> np.ndarray:
    """Yearly-mean gain at every row from ``end`` on (index 0 = the end of support)."""
    rows = range(end, len(scenario))
    ref = (np.array([yearly_mean(reference, t) for t in rows]) if isinstance(reference, np.ndarray)
           else np.full(len(rows), float(reference)))
    return np.array([yearly_mean(scenario, t) for t in rows]) - ref


def half_life(gain: np.ndarray) -> float:
    """Years until ``gain`` (monthly, index 0 = end) first falls to half of ``gain[0]``.

    Linear between months; NaN when the gain at the end is not positive or it
    never falls to half within the series.
    """
    if not gain.size or not np.isfinite(gain[0]) or gain[0] <= 0:
        return float("nan")
    half = gain[0] / 2
    below = np.flatnonzero(gain <= half)
    if below.size == 0:
        return float("nan")
    k = int(below[0])
    before, after = gain[k - 1], gain[k]
    frac = (before - half) / (before - after) if before != after else 1.0
    return (k - 1 + frac) / STEPS_PER_YEAR


def persistence_table(steps: pd.DataFrame, windows: Mapping[str, tuple[int, int]],
                      references: Mapping[str, str | None], *, column: str = "content_share",
                      later: Sequence[int] = LATER_YEARS, lang: str = "en") -> pd.DataFrame:
    """Persistence measures of each scenario in ``windows``, over its replicates.

    Args:
        steps: per-step table with ``scenario``, ``replicate``, ``step`` and ``column``.
        windows: scenario to ``(first step on, step support ends)``.
        references: scenario to its no-support twin in ``steps`` (None: the level before support).
        column: the output measured.
        later: years after the end at which the remaining share is given.
        lang: language of the ``reference`` and ``measure`` texts.

    Returns:
        Columns :data:`COLUMNS`: one row per scenario and measure.
    """
    series = {key: run.sort_values("step")[column].to_numpy(dtype=float)
              for key, run in steps.groupby(["scenario", "replicate"], sort=False)}
    rows = []
    for name, (start, end) in windows.items():
        ref_name = references.get(name)
        replicates = sorted(r for s, r in series if s == name)
        at_end, gains, lives, shares = [], [], [], {k: [] for k in later}
        censored = 0
        for r in replicates:
            values = series[(name, r)]
            if len(values) <= end:
                continue
            if ref_name is not None and (ref_name, r) in series:
                reference: np.ndarray | float = series[(ref_name, r)]
            else:
                reference = yearly_mean(values, start) if start > 0 else float(values[0])
            gain = gain_series(values, reference, end)
            at_end.append(yearly_mean(values, end))
            gains.append(gain[0])
            for k in later:
                t = k * STEPS_PER_YEAR
                ok = t < gain.size and gain[0] > 0
                shares[k].append(gain[t] / gain[0] if ok else float("nan"))
            life = half_life(gain)
            if np.isnan(life) and gain[0] > 0:
                censored += 1
            lives.append(life)
        label = ref_name or term("persist_level_before" if start > 0 else "persist_initial", lang)
        measures = [(term("persist_at_end", lang), at_end, 0),
                    (term("persist_gain", lang), gains, 0)]
        measures += [(term("persist_left_many" if k > 1 else "persist_left_one", lang).format(
            years=k), shares[k], 0) for k in later]
        measures.append((term("persist_half_life", lang), lives, censored))
        for measure, values, cens in measures:
            mean, _, low, high, n = mean_ci(values)
            rows.append((name, label, measure, mean, low, high, n, cens))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def persistence_section(scenarios: Sequence[Any], steps: pd.DataFrame,
                        lang: str = "en") -> Section | None:
    """The report section "After support ends" in ``lang``; None when no support ends."""
    windows = {s.name: w for s in scenarios if (w := support_window(s.params)) is not None}
    if not windows:
        return None
    table = persistence_table(steps, windows, find_references(scenarios), lang=lang)
    head = [term(k, lang) for k in ("scenario", "reference", "measure", "mean", "ci95")]
    lines = [term("persistence_intro", lang), "",
             "| " + " | ".join([*head, "n", term("censored", lang)]) + " |",
             "|---|---|---|---|---|---|---|"]
    half_life = term("persist_half_life", lang)
    for row in table.itertuples(index=False):
        ci = (f"[{row.ci95_low:.3f}, {row.ci95_high:.3f}]" if np.isfinite(row.ci95_low) else "")
        mean = f"{row.mean:.3f}" if np.isfinite(row.mean) else ""
        lines.append(f"| `{row.scenario}` | {row.reference} | {row.measure} | {mean} | {ci} | "
                     f"{row.n} | {row.censored if row.measure == half_life else ''} |")
    return Section(term("section_persistence", lang), lines)
