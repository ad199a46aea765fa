"""Statistics over replicates, the one place batches and sweeps take them from.

Pure functions: arrays and tables in, numbers and tables out. Means come with
the sample standard deviation and a Student-t confidence interval; values that
are not finite (an approval delay before any approval is NaN) are left out and
the count says how many were used.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

#: Columns of :func:`summarise` besides the grouping columns.
SUMMARY_COLUMNS = ("output", "mean", "sd", "ci95_low", "ci95_high", "n")


def mean_ci(values: Sequence[float] | np.ndarray | pd.Series, confidence: float = 0.95
            ) -> tuple[float, float, float, float, int]:
    """Mean, sample sd, t-based confidence interval and count of the finite ``values``.

    With one value the sd and interval are NaN; with none everything but the count is NaN.

    Returns:
        ``(mean, sd, low, high, n)``.
    """
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = int(values.size)
    if n == 0:
        return (np.nan, np.nan, np.nan, np.nan, 0)
    mean = float(values.mean())
    if n == 1:
        return (mean, np.nan, np.nan, np.nan, 1)
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / np.sqrt(n)
    return (mean, sd, mean - half, mean + half, n)


def summarise(runs: pd.DataFrame, by: Sequence[str], outputs: Sequence[str], *,
              order: Sequence | None = None, confidence: float = 0.95) -> pd.DataFrame:
    """One row per group and output: mean, sd, t interval and count over the runs.

    Args:
        runs: one row per run: the ``by`` columns and one column per output.
        by: columns naming a group (a scenario, a design point).
        outputs: output columns to summarise.
        order: group keys in the order wanted (default: sorted for several
            columns, order of first appearance for one).
        confidence: confidence level of the interval.

    Returns:
        Columns ``*by, output, mean, sd, ci95_low, ci95_high, n``.
    """
    by = list(by)
    groups = dict(iter(runs.groupby(by if len(by) > 1 else by[0], sort=False)))
    keys = list(order) if order is not None else list(groups)
    rows = []
    for key in keys:
        sub = groups.get(key)
        values = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        for output in outputs:
            column = sub[output] if sub is not None else []
            mean, sd, low, high, n = mean_ci(column, confidence)
            rows.append({**values, "output": output, "mean": mean, "sd": sd, "ci95_low": low,
                         "ci95_high": high, "n": n})
    return pd.DataFrame(rows, columns=[*by, *SUMMARY_COLUMNS])


def over_time(steps: pd.DataFrame, outputs: Sequence[str], *, group: str = "scenario",
              confidence: float = 0.95) -> pd.DataFrame:
    """Replicate mean and t-based CI of ``outputs`` at every step, per group.

    Returns:
        Columns ``scenario, step, output, mean, ci_low, ci_high, n``.
    """
    grouped = steps.groupby([group, "step"], sort=False)[list(outputs)]
    mean, sd, n = grouped.mean(), grouped.std(ddof=1), grouped.count()
    t = stats.t.ppf(0.5 + confidence / 2, np.maximum(n.to_numpy() - 1, 1))
    half = pd.DataFrame(np.where(n.to_numpy() > 1, t * sd.to_numpy() / np.sqrt(
        np.maximum(n.to_numpy(), 1)), np.nan), index=mean.index, columns=mean.columns)
    parts = {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n}
    long = [frame.stack(future_stack=True).rename(name) for name, frame in parts.items()]
    table = pd.concat(long, axis=1).reset_index()
    table.columns = [group, "step", "output", "mean", "ci_low", "ci_high", "n"]
    return table.rename(columns={group: "scenario"})


#: A scenario has settled when its runs' content share trend (per year) is within this.
SETTLED_TREND_PER_YEAR = 0.005


def settling_verdict(low: float, high: float, tolerance: float = SETTLED_TREND_PER_YEAR) -> str:
    """What the 95 % CI [low, high] of a mean trend per year says about settling.

    'settled' when the CI lies within ``tolerance`` either side of zero;
    'rising' or 'falling' when it excludes zero (a transient); otherwise
    'not shown' (the replicates are too few to tell: more seeds narrow it).
    """
    if -tolerance < low and high < tolerance:
        return "settled"
    if low > 0:
        return "rising"
    if high < 0:
        return "falling"
    return "not shown"


def settling(steps: pd.DataFrame, column: str = "content_share", *, steps_per_year: int = 12,
             tolerance: float = SETTLED_TREND_PER_YEAR) -> pd.DataFrame:
    """Each run's trend of ``column`` over its last two years, and whether it is below ``tolerance``.

    The trend is the mean over the last year minus the mean over the year
    before (per year). One run's verdict is noisy; reports judge a scenario
    by the CI of its runs' mean trend (:func:`sim.analysis.sections.settling_section`).
    Runs shorter than two years cannot be judged (``settled`` is NA).

    Args:
        steps: one row per step, with ``scenario``, ``replicate``, ``step`` and ``column``.
        column: the output judged.
        steps_per_year: steps in a year.
        tolerance: the largest trend per year that counts as settled.

    Returns:
        One row per run: scenario, replicate, trend (per year), settled.
    """
    rows = []
    for (scenario, replicate), run in steps.sort_values("step").groupby(["scenario", "replicate"],
                                                                         sort=False):
        values = run[column].to_numpy(dtype=float)[1:]  # row 0 is the initial state
        if len(values) < 2 * steps_per_year:
            rows.append((scenario, replicate, np.nan, pd.NA))
            continue
        trend = values[-steps_per_year:].mean() - values[-2 * steps_per_year:-steps_per_year].mean()
        rows.append((scenario, replicate, float(trend), bool(abs(trend) < tolerance)))
    return pd.DataFrame(rows, columns=["scenario", "replicate", "trend", "settled"])
