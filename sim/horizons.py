"""Content share at named horizons, and whether a run has settled there.

A ten-year run is not a steady state (docs/ODD.md, "Slow state variables and
horizons"), so results are reported at named horizons in years. At each
horizon: the mean content share over that year, and its trend (that year's
mean minus the year before's, per year), each with a t-based 95 % CI over
paired seeds. A condition has settled at a horizon when the trend's CI lies
within ``sim.analysis.stats.SETTLED_TREND_PER_YEAR`` either side of zero, and
is still moving (a transient) when the CI excludes zero: the same rule batch
reports apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analysis.stats import settling_verdict
from sim.model import STEPS_PER_YEAR
from sim.patterns import FULL_PACKAGE, SEEDS, ci95

YEARS = (5, 10, 20, 30)
#: The conditions compared at every horizon, each layered on the report's base.
CONDITIONS: dict[str, dict[str, Any]] = {"status quo": {}, "full package": dict(FULL_PACKAGE)}


@dataclass(frozen=True)
class Horizon:
    """Content share of one condition at one horizon, over paired seeds."""

    condition: str
    year: int
    level: float
    level_ci: tuple[float, float]
    trend: float
    trend_ci: tuple[float, float]

    @property
    def verdict(self) -> str:
        """'settled', 'rising', 'falling' or 'not shown' (:func:`sim.analysis.stats.settling_verdict`)."""
        return settling_verdict(*self.trend_ci)


def _series(job: tuple[dict[str, Any], int, int, str]) -> np.ndarray:
    from sim import CooperationModel

    params, seed, steps, column = job
    model = CooperationModel(rng=seed, **params)
    model.run_for(steps)
    return model.datacollector.get_model_vars_dataframe()[column].to_numpy(dtype=float)


def horizons(base: Mapping[str, Any] | None = None, years: Sequence[int] = YEARS,
             seeds: Iterable[int] = SEEDS, executor: Executor | None = None,
             column: str = "content_share") -> list[Horizon]:
    """``column`` at each horizon for each condition of :data:`CONDITIONS`, layered on ``base``.

    One run per condition and seed, as long as the longest horizon; every
    horizon is read from the same runs.
    """
    if not years or min(years) < 2:
        raise ValueError(f"horizons: years must be 2 or more (a trend needs two years), got {years}")
    seeds = [int(s) for s in seeds]
    steps = STEPS_PER_YEAR * max(years)
    out = []
    for condition, settings in CONDITIONS.items():
        jobs = [({**(base or {}), **settings}, seed, steps, column) for seed in seeds]
        series = np.array(list(executor.map(_series, jobs)) if executor else [_series(j) for j in jobs])
        for year in years:
            end = STEPS_PER_YEAR * year  # row `end` is the state after step `end`
            this_year = series[:, end - STEPS_PER_YEAR + 1:end + 1].mean(axis=1)
            year_before = series[:, end - 2 * STEPS_PER_YEAR + 1:end - STEPS_PER_YEAR + 1].mean(axis=1)
            trend = this_year - year_before
            out.append(Horizon(condition, int(year), float(this_year.mean()), ci95(this_year),
                               float(trend.mean()), ci95(trend)))
    return out


def render_rows(rows: Sequence[Horizon]) -> list[str]:
    """The horizons as a Markdown table (one row per condition and horizon)."""
    lines = ["| condition | year | content share [95 % CI] | trend per year [95 % CI] | verdict |",
             "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.condition} | {r.year} | {r.level:.3f} [{r.level_ci[0]:.3f}, "
                     f"{r.level_ci[1]:.3f}] | {r.trend:+.4f} [{r.trend_ci[0]:+.4f}, "
                     f"{r.trend_ci[1]:+.4f}] | {r.verdict} |")
    return lines
