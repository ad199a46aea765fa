"""Scenario batches: from the tidy per-step table to replicate summaries.

Pure functions over the ``steps`` table a batch writes (one row per scenario,
replicate and step; every model output a column). The end-of-run value of a
*state* output (shares, counts, delay) is its value at the last step; for a
*flow* output (spending, audits, leakage per step) a single month is noisy and
budget-driven, so its end-of-run value is its mean per step over the last
``window`` steps (one year by default), and ``leakage_share`` is the leaked
share of the subsidy paid over that window. Confidence intervals are t-based over
replicates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.outputs import COLUMNS, FLOW_COLUMNS

#: Steps over which flows are averaged at the end of a run (a year of months).
DEFAULT_WINDOW = 12
#: Outputs measured per step (flows and their total): averaged over the window.
PER_STEP = [*FLOW_COLUMNS, "spending_total"]
#: Ratios of flows: over the window, the ratio of the summed flows (0 when the
#: denominator is 0), not a mean of monthly ratios.
RATIOS = {"leakage_share": ("subsidy_leakage", "spending_subsidy")}
KEYS = ("scenario", "replicate")


def end_of_run(steps: pd.DataFrame, *, window: int = DEFAULT_WINDOW,
               keys: Sequence[str] = KEYS, outputs: Sequence[str] | None = None
               ) -> pd.DataFrame:
    """One row per run with each output's end-of-run value.

    Args:
        steps: the per-step table (columns ``keys``, ``step`` and outputs).
        window: flows are averaged over the last ``window`` steps of each run
            (at most the run's steps after step 0).
        keys: columns identifying a run.
        outputs: outputs to keep (default every column of :data:`sim.outputs.COLUMNS`
            present in ``steps``).

    Returns:
        Columns ``keys`` and one column per output.
    """
    outputs = _outputs(steps, outputs)
    keys = list(keys)
    ordered = steps.sort_values([*keys, "step"])
    last = ordered.groupby(keys, sort=False).tail(1).set_index(keys)
    result = last[[c for c in outputs if c not in PER_STEP and c not in RATIOS]].copy()
    flows = [c for c in outputs if c in PER_STEP]
    ratios = {c: RATIOS[c] for c in outputs if c in RATIOS and set(RATIOS[c]) <= set(steps)}
    if flows or ratios:
        later = ordered[ordered["step"] > 0]
        tail = later.groupby(keys, sort=False).tail(max(1, window))
        needed = list(dict.fromkeys([*flows, *(c for pair in ratios.values() for c in pair)]))
        sums = tail.groupby(keys, sort=False)[needed].sum()
        counts = tail.groupby(keys, sort=False)["step"].count()
        result = result.join(sums[flows].div(counts, axis=0), how="left")
        for name, (top, bottom) in ratios.items():
            result[name] = (sums[top] / sums[bottom].where(sums[bottom] > 0)).fillna(0.0)
    for name in outputs:  # a ratio whose flows are missing: last value
        if name not in result.columns:
            result[name] = last[name]
    return result[outputs].reset_index()


def summary_table(steps: pd.DataFrame, *, window: int = DEFAULT_WINDOW,
                  group: str = "scenario", outputs: Sequence[str] | None = None,
                  order: Sequence[str] | None = None, confidence: float = 0.95
                  ) -> pd.DataFrame:
    """One row per scenario and output: end-of-run mean, sd, t-based CI and replicate count.

    Args:
        steps: the per-step table of a batch.
        window: steps over which flows are averaged at the end (see :func:`end_of_run`).
        group: column naming the scenario.
        outputs: outputs to summarise (default all present).
        order: scenario order of the result (default order of first appearance).
        confidence: confidence level of the interval.

    Returns:
        Columns ``scenario, output, statistic, mean, sd, ci95_low, ci95_high, n``
        (``n`` counts replicates with a value; NaN, e.g. an approval delay
        before any approval, is left out).
    """
    outputs = _outputs(steps, outputs)
    ends = end_of_run(steps, window=window, keys=(group, "replicate"), outputs=outputs)
    if order is None:
        order = list(dict.fromkeys(steps[group]))
    return summarise_ends(ends, outputs=outputs, window=window, group=group, order=order,
                          confidence=confidence)


def summarise_ends(ends: pd.DataFrame, *, outputs: Sequence[str], window: int = DEFAULT_WINDOW,
                   group: str = "scenario", order: Sequence[str] | None = None,
                   confidence: float = 0.95) -> pd.DataFrame:
    """The summary table of :func:`summary_table` from end-of-run values (one row per run).

    Lets a batch reduce each run as it reads it (see :func:`end_of_run`) instead
    of holding every step of every run.

    Args:
        ends: one row per run: column ``group`` and one column per output.
        outputs: outputs to summarise.
        window: the window the flows were averaged over (for the ``statistic`` text).
        group: column naming the scenario.
        order: scenario order of the result (default order of first appearance).
        confidence: confidence level of the interval.
    """
    scenarios = list(order) if order is not None else list(dict.fromkeys(ends[group]))
    rows = []
    for scenario in scenarios:
        runs = ends[ends[group] == scenario]
        for output in outputs:
            values = runs[output].to_numpy(dtype=float)
            mean, sd, low, high, n = mean_ci(values, confidence)
            statistic = statistic_of(output, window)
            rows.append({"scenario": scenario, "output": output, "statistic": statistic,
                         "mean": mean, "sd": sd, "ci95_low": low, "ci95_high": high, "n": n})
    return pd.DataFrame(rows, columns=["scenario", "output", "statistic", "mean", "sd",
                                       "ci95_low", "ci95_high", "n"])


def statistic_of(output: str, window: int = DEFAULT_WINDOW) -> str:
    """How :func:`end_of_run` measures ``output`` at the end of a run, in words."""
    if output in PER_STEP:
        return f"mean per step over the last {window} steps"
    if output in RATIOS:
        top, bottom = RATIOS[output]
        return f"sum of {top} / sum of {bottom} over the last {window} steps"
    return "value at the last step"


def mean_ci(values: np.ndarray, confidence: float = 0.95
            ) -> tuple[float, float, float, float, int]:
    """Mean, sample sd, t-based confidence interval and count of the non-NaN ``values``.

    With one value the sd and interval are NaN; with none everything but the count is NaN.
    """
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    n = int(values.size)
    if n == 0:
        return (np.nan, np.nan, np.nan, np.nan, 0)
    mean = float(values.mean())
    if n == 1:
        return (mean, np.nan, np.nan, np.nan, 1)
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / np.sqrt(n)
    return (mean, sd, mean - half, mean + half, n)


def over_time(steps: pd.DataFrame, outputs: Sequence[str], *, group: str = "scenario",
              confidence: float = 0.95) -> pd.DataFrame:
    """Replicate mean and t-based CI of ``outputs`` at every step, per scenario.

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


def wide(summary: pd.DataFrame, outputs: Sequence[str], *, digits: int = 3) -> pd.DataFrame:
    """A scenario x output table of "mean [low, high]" strings, for a report.

    A cell computed from fewer replicates than its scenario has (an output that
    is NaN in some runs, e.g. ``approval_delay`` before any approval) says so:
    ``"3 (n=1 of 5)"``.
    """
    full = summary.groupby("scenario", sort=False)["n"].max()
    index = pd.Index(list(dict.fromkeys(summary["scenario"])), name="scenario")
    table = {}
    for output in outputs:
        part = summary[summary["output"] == output].set_index("scenario").reindex(index)
        table[output] = [
            _cell(r["mean"], r["ci95_low"], r["ci95_high"], digits)
            + (f" (n={int(r['n'])} of {int(full[s])})" if 0 < r["n"] < full[s] else "")
            for s, r in part.iterrows()]
    return pd.DataFrame(table, index=index)


def _cell(mean: float, low: float, high: float, digits: int) -> str:
    if np.isnan(mean):
        return "n/a"
    if np.isnan(low):
        return f"{mean:.{digits}g}"
    return f"{mean:.{digits}g} [{low:.{digits}g}, {high:.{digits}g}]"


def _outputs(steps: pd.DataFrame, outputs: Sequence[str] | None) -> list[str]:
    if outputs is None:
        return [c for c in COLUMNS if c in steps.columns]
    missing = [c for c in outputs if c not in steps.columns]
    if missing:
        raise KeyError(f"outputs not in the steps table: {', '.join(missing)}")
    return list(outputs)
