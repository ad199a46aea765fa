"""Tables of a parameter sweep: pure functions from run tables to summary tables.

A *run table* has one row per finished run: the design point, replicate and
seed, one column per varied parameter and one column per scalar output of
interest (each run's per-step outputs reduced by the experiment's reducers).
Everything here takes and returns pandas frames; writing them is
:func:`write_table`'s only job. Means and intervals come from
:mod:`sim.analysis.stats`, as in scenario batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import tables as paper_tables
from sim.analysis.stats import interval, summarise

#: Number of quantile bins for response curves of sampled (non-grid) factors.
RESPONSE_BINS = 10


def point_summary(runs: pd.DataFrame, factors: Sequence[str], outputs: Sequence[str],
                  level: float = 0.95, bounded: Sequence[str] | None = None) -> pd.DataFrame:
    """Replicate mean, sd and confidence interval of each output at each design point.

    The statistics are those of a scenario batch's summary
    (:func:`sim.analysis.stats.summarise`), laid out one row per point.

    Args:
        runs: the run table.
        factors: columns describing a point (varied parameters, or ``scenario``).
        outputs: output columns.
        level: confidence level.
        bounded: outputs in [0, 1], given logit-scale intervals (default: outputs
            named like a model share column).

    Returns:
        One row per design point (index ``design_point``): the factor values,
        ``n`` (finished replicates) and ``<output>_mean``, ``_sd``, ``_low``, ``_high``.
    """
    points = sorted(runs["design_point"].unique())
    long = summarise(runs, ["design_point"], outputs, order=points, confidence=level,
                     bounded=bounded)
    first = runs.groupby("design_point", sort=True)
    table = pd.DataFrame({f: first[f].first() for f in factors}, index=pd.Index(
        points, name="design_point"))
    table["n"] = first.size()
    for out in outputs:
        part = long[long["output"] == out].set_index("design_point")
        table[f"{out}_mean"] = part["mean"]
        table[f"{out}_sd"] = part["sd"]
        table[f"{out}_low"] = part["ci95_low"]
        table[f"{out}_high"] = part["ci95_high"]
    return table


def response_table(runs: pd.DataFrame, factor: str, output: str, *, by: str | None = None,
                   binned: bool = False, bins: int = RESPONSE_BINS,
                   level: float = 0.95, bounded: bool = False) -> pd.DataFrame:
    """Mean and confidence interval of an output against one factor.

    For a grid factor the runs are grouped by its values; for a sampled factor
    (``binned``) by quantile bins, located at the bin's mean factor value. The
    mean is marginal: over every run in the group, so over the other factors'
    values too, unless ``by`` names a factor to keep as separate curves.

    Args:
        runs: the run table.
        factor: the factor on the x axis.
        output: the output column.
        by: optional second factor: one curve per value.
        binned: group a continuous factor into quantile bins.
        bins: number of bins.
        level: confidence level.
        bounded: the output is a share (logit-scale interval).

    Returns:
        Columns ``[by,] factor, mean, low, high, n``.
    """
    frame = runs[[factor, output] + ([by] if by else [])].copy()
    if binned:
        codes = pd.qcut(frame[factor].rank(method="first"), q=min(bins, len(frame)),
                        labels=False)
        frame["_group"] = codes
    else:
        frame["_group"] = frame[factor]
    keys = ([by] if by else []) + ["_group"]
    rows = []
    for key, sub in frame.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        mean, _, low, high, n = interval(sub[output], level, bounded=bounded)
        row = {by: key[0]} if by else {}
        row |= {factor: float(sub[factor].mean()) if binned else key[-1], "mean": mean,
                "low": low, "high": high, "n": n}
        rows.append(row)
    return pd.DataFrame(rows)


def phase_table(runs: pd.DataFrame, x: str, y: str, output: str) -> pd.DataFrame:
    """Mean output on the (x, y) grid (rows y, columns x), over replicates and other factors.

    Args:
        runs: the run table.
        x: factor on the columns.
        y: factor on the rows.
        output: output column.

    Returns:
        A pivot table sorted by both factors.
    """
    return runs.pivot_table(index=y, columns=x, values=output, aggfunc="mean").sort_index(
        axis=0).sort_index(axis=1)


def phase_intervals(runs: pd.DataFrame, x: str, y: str, output: str, *, bounded: bool = False,
                    level: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lower and upper CI bounds of the mean output in each (x, y) cell, as pivot tables.

    The interval is over every run in the cell (replicates, and the other
    factors' values), as the mean of :func:`phase_table` is.
    """
    rows = []
    for (xv, yv), sub in runs.groupby([x, y], sort=True):
        _, _, low, high, _ = interval(sub[output], level, bounded=bounded)
        rows.append({x: xv, y: yv, "low": low, "high": high})
    frame = pd.DataFrame(rows)
    low = frame.pivot(index=y, columns=x, values="low").sort_index(axis=0).sort_index(axis=1)
    high = frame.pivot(index=y, columns=x, values="high").sort_index(axis=0).sort_index(axis=1)
    return low, high


def pareto_front(cost: Sequence[float], value: Sequence[float]) -> np.ndarray:
    """Which points no other point beats on both cost (lower) and value (higher).

    Args:
        cost: cost of each point.
        value: value of each point.

    Returns:
        Boolean mask of the points on the frontier (non-finite points are never on it).
    """
    cost = np.asarray(cost, dtype=float)
    value = np.asarray(value, dtype=float)
    mask = np.zeros(len(cost), dtype=bool)
    finite = np.isfinite(cost) & np.isfinite(value)
    order = np.lexsort((-value, cost))  # by cost, then higher value first
    best = -np.inf
    for i in order:
        if finite[i] and value[i] > best:
            mask[i] = True
            best = value[i]
    return mask


def budget_table(summary: pd.DataFrame, factors: Sequence[str], cost: str, output: str,
                 limit: float, top: int = 10) -> pd.DataFrame:
    """The best mixes within a budget, with their frontier membership.

    Args:
        summary: :func:`point_summary` output.
        factors: lever columns.
        cost: cost output name (its ``_mean`` column is used).
        output: value output name.
        limit: the budget (same unit as ``cost``).
        top: rows to keep.

    Returns:
        The ``top`` mixes whose mean cost is within ``limit``, best mean
        ``output`` first, with ``on_frontier``.
    """
    table = summary.copy()
    table["on_frontier"] = pareto_front(table[f"{cost}_mean"], table[f"{output}_mean"])
    within = table[table[f"{cost}_mean"] <= limit]
    columns = [*factors, f"{cost}_mean", f"{output}_mean", f"{output}_low", f"{output}_high",
               "n", "on_frontier"]
    return within.sort_values(f"{output}_mean", ascending=False)[columns].head(top)


def write_table(table: pd.DataFrame, stem: Path, *, caption: str, label: str,
                float_format: str = "{:.3g}", key_columns: int = 1,
                csv: pd.DataFrame | None = None, lang: str = "en") -> list[Path]:
    r"""Write a table as CSV and as a booktabs LaTeX table (:func:`sim.analysis.tables.write_table`).

    Numbers go to three significant digits written out in full, tables wider
    than a page are split into parts repeating the ``key_columns``, and
    special characters are escaped (``\%`` in a caption stays as it is).

    Args:
        table: the table (its index is written when named).
        stem: path without suffix; ``.csv`` and ``.tex`` are added.
        caption: LaTeX caption.
        label: LaTeX label.
        float_format: kept for callers; numbers take :data:`sim.analysis.tables.DIGITS`.
        key_columns: leading columns every part of a split table repeats.
        csv: the table to write as CSV instead (full precision, code names).
        lang: language of the words the table adds itself.

    Returns:
        The two paths written.
    """
    return paper_tables.write_table(table, stem, caption=caption, label=label,
                                    key_columns=key_columns, csv=csv, lang=lang)


tex_escape = paper_tables.tex_escape
