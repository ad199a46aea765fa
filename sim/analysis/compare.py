"""Comparisons with a baseline: each scenario (or design point) minus the baseline, paired by seed.

Replicate r of every scenario of a batch, and of every design point of a
sweep, runs on the same seed (common random numbers), so a difference is
taken replicate by replicate: its interval is the t-interval of the paired
differences and its effect size the paired d_z (:func:`sim.analysis.stats.paired_comparison`).
The cost of real content gained is the extra government spending a year
divided by the extra content partnerships, a ratio with a seeded bootstrap
interval (:func:`sim.analysis.stats.ratio_ci`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.analysis.stats import COMPARISON_COLUMNS, paired_comparison, ratio_ci
from sim.outputs import END_WINDOW

#: Outputs compared, in order (those present in the runs).
COMPARED = ("content_share", "partnerships_content", "depth_index", "reported_content_share",
            "misreporting_share", "spending_total", "leakage_share", "approval_delay",
            "graduates_placed_locally", "skill_match")
#: Outputs drawn in the forest plot (one panel each).
FOREST = ("content_share", "depth_index", "reported_content_share", "spending_total",
          "leakage_share", "skill_match")
#: The row of the cost per content partnership-year in the comparison table.
COST_PER_CONTENT = "cost_per_content"
#: Steps in a year: spending is MU per step over the last year, the cost is per year.
STEPS_PER_YEAR = END_WINDOW
COLUMNS = ("scenario", "baseline", "output", *COMPARISON_COLUMNS)


class ComparisonError(ValueError):
    """The baseline is not one of the compared groups (the message names the allowed ones)."""


def choose_baseline(names: Sequence[str], baseline: str | None, *, option: str = "--baseline",
                    kind: str = "scenarios") -> str:
    """``baseline``, or the first of ``names`` when None.

    Raises:
        ComparisonError: ``baseline`` is not one of ``names``.
    """
    names = [str(n) for n in names]
    if baseline is None:
        return names[0]
    if str(baseline) not in names:
        shown = names if len(names) <= 20 else [*names[:20], f"... ({len(names)} in all)"]
        raise ComparisonError(f"{option}: {baseline!r} is not one of the compared {kind}: "
                              f"{', '.join(shown)}")
    return str(baseline)


def comparisons(ends: pd.DataFrame, baseline: str, *, group: str = "scenario",
                outputs: Sequence[str] | None = None, order: Sequence[str] | None = None,
                seed: int = 0, cost: str | None = "spending_total",
                content: str | None = "partnerships_content",
                cost_per_year: float = STEPS_PER_YEAR, confidence: float = 0.95) -> pd.DataFrame:
    """Every group against ``baseline``: one row per group and output.

    Args:
        ends: one row per run: ``group``, ``replicate`` and one column per output.
        baseline: the group compared against.
        group: column naming a scenario or design point.
        outputs: outputs to compare (default those of :data:`COMPARED` present).
        order: groups in the order wanted (default order of appearance).
        seed: seeds the bootstrap of the cost ratio (with the group's position).
        cost: output with the government's spending (per step), or None for no cost row.
        content: output with the count of content partnerships.
        cost_per_year: factor from ``cost``'s unit to a year.
        confidence: level of every interval.

    Returns:
        Columns :data:`COLUMNS`; for each group but the baseline one row per
        output and, when ``cost`` and ``content`` are present, a row
        :data:`COST_PER_CONTENT` whose ``difference`` is extra MU a year per
        extra content partnership, with its bootstrap interval (NaN when the
        gain in content is not clearly away from zero) and ``d_z`` NaN.
    """
    outputs = [o for o in (outputs or COMPARED) if o in ends.columns]
    keyed = ends.assign(**{group: ends[group].astype(str)}).set_index([group, "replicate"])
    names = [str(n) for n in (order if order is not None else dict.fromkeys(ends[group]))]
    base = keyed.loc[str(baseline)]
    rows = []
    for k, name in enumerate(names):
        if name == str(baseline):
            continue
        other = keyed.loc[name]
        for output in outputs:
            rows.append({"scenario": name, "baseline": str(baseline), "output": output,
                         **paired_comparison(base[output], other[output], confidence)})
        if cost in keyed.columns and content in keyed.columns:
            both = pd.concat({"cb": base[cost], "co": other[cost], "nb": base[content],
                              "no": other[content]}, axis=1).astype(float).dropna()
            extra_cost = (both["co"] - both["cb"]).to_numpy() * cost_per_year
            gained = (both["no"] - both["nb"]).to_numpy()
            ratio, low, high = ratio_ci(extra_cost, gained, seed=[seed, k],
                                        confidence=confidence)
            rows.append({"scenario": name, "baseline": str(baseline), "output": COST_PER_CONTENT,
                         "baseline_mean": np.nan, "mean": np.nan, "difference": ratio,
                         "diff_low": low, "diff_high": high, "d_z": np.nan,
                         "n_pairs": len(both)})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def excludes_zero(table: pd.DataFrame) -> pd.Series:
    """Whether each row's interval lies wholly on one side of zero."""
    return (table["diff_low"] > 0) | (table["diff_high"] < 0)


def many(table: pd.DataFrame) -> bool:
    """Whether more than one group is compared with the baseline (the multiple-comparison caveat)."""
    return table["scenario"].nunique() > 1
