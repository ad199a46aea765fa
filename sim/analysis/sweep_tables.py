"""Tables of a parameter sweep: pure functions from run tables to summary tables.

A *run table* has one row per finished run: the design point, replicate and
seed, one column per varied parameter and one column per scalar output of
interest (each run's per-step outputs reduced by the experiment's reducers).
Everything here takes and returns pandas frames; writing them is
:func:`write_table`'s only job. Means and intervals come from
:mod:`sim.analysis.stats`, as in scenario batches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.stats import mean_ci, summarise
from sim.store import atomic_write_text

#: Number of quantile bins for response curves of sampled (non-grid) factors.
RESPONSE_BINS = 10


def point_summary(runs: pd.DataFrame, factors: Sequence[str], outputs: Sequence[str],
                  level: float = 0.95) -> pd.DataFrame:
    """Replicate mean, sd and confidence interval of each output at each design point.

    The statistics are those of a scenario batch's summary
    (:func:`sim.analysis.stats.summarise`), laid out one row per point.

    Args:
        runs: the run table.
        factors: columns describing a point (varied parameters, or ``scenario``).
        outputs: output columns.
        level: confidence level.

    Returns:
        One row per design point (index ``design_point``): the factor values,
        ``n`` (finished replicates) and ``<output>_mean``, ``_sd``, ``_low``, ``_high``.
    """
    points = sorted(runs["design_point"].unique())
    long = summarise(runs, ["design_point"], outputs, order=points, confidence=level)
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
                   level: float = 0.95) -> pd.DataFrame:
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
        mean, _, low, high, n = mean_ci(sub[output], level)
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
                float_format: str = "{:.3g}") -> list[Path]:
    r"""Write a table as CSV and as a booktabs LaTeX table.

    The LaTeX is written here (no jinja2 needed): ``\toprule``/``\midrule``/
    ``\bottomrule``, numbers right-aligned, special characters escaped.

    Args:
        table: the table (its index is written when named).
        stem: path without suffix; ``.csv`` and ``.tex`` are added.
        caption: LaTeX caption; ``_ & % # $`` not already escaped are escaped here
            (so an experiment title can go in as written), ``\%`` stays as it is.
        label: LaTeX label.
        float_format: format of floats in the LaTeX table.

    Returns:
        The two paths written.
    """
    stem.parent.mkdir(parents=True, exist_ok=True)
    keep_index = table.index.name is not None
    csv = stem.with_suffix(".csv")
    tex = stem.with_suffix(".tex")
    atomic_write_text(csv, table.to_csv(index=keep_index))
    shown = table.reset_index() if keep_index else table
    numeric = [pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(
        shown[c]) for c in shown.columns]
    lines = [r"\begin{table}[htbp]", r"\centering",
             rf"\caption{{{_escape_caption(caption)}}}", rf"\label{{{label}}}",
             rf"\begin{{tabular}}{{{''.join('r' if n else 'l' for n in numeric)}}}",
             r"\toprule", " & ".join(tex_escape(str(c)) for c in shown.columns) + r" \\",
             r"\midrule"]
    for row in shown.itertuples(index=False):
        cells = [_number(v, float_format) if isinstance(v, float) else tex_escape(str(v))
                 for v in row]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    atomic_write_text(tex, "\n".join(lines) + "\n")
    return [csv, tex]


_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}


def _escape_caption(caption: str) -> str:
    return re.sub(r"(?<!\\)([_&%#$])", r"\\\1", caption)


def _number(value: float, float_format: str) -> str:
    """A float cell; NaN (e.g. a CI that SALib could not compute) as an en dash."""
    return "--" if value != value else float_format.format(value)


def tex_escape(text: str) -> str:
    """Escape LaTeX special characters in plain text."""
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in text)
