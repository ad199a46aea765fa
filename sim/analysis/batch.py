"""Scenario batches: from the tidy per-step table to replicate summaries.

Pure functions over the ``steps`` table a batch writes (one row per scenario,
replicate and step; every model output a column). End-of-run values follow the
rules declared beside the outputs (:data:`sim.outputs.END_RULES`, applied by
:func:`sim.analysis.reduce.end_of_run`, as in sweeps); statistics come from
:mod:`sim.analysis.stats`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.analysis.reduce import KEYS, end_of_run
from sim.analysis.reduce import _outputs as _outputs
from sim.analysis.stats import mean_ci, over_time, summarise
from sim.labels import term
from sim.outputs import END_WINDOW, end_rule

#: Steps over which flows are taken at the end of a run (a year of months).
DEFAULT_WINDOW = END_WINDOW
__all__ = ["DEFAULT_WINDOW", "KEYS", "end_of_run", "mean_ci", "over_time", "statistic_of",
           "summarise_ends", "summary_table", "wide"]


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
        window: the window the flows were taken over (for the ``statistic`` text).
        group: column naming the scenario.
        order: scenario order of the result (default order of first appearance).
        confidence: confidence level of the interval.
    """
    table = summarise(ends, [group], outputs, order=order, confidence=confidence)
    table.insert(2, "statistic", [statistic_of(o, window) for o in table["output"]])
    return table.rename(columns={group: "scenario"})


def statistic_of(output: str, window: int = DEFAULT_WINDOW) -> str:
    """How :func:`end_of_run` measures ``output`` at the end of a run, in words."""
    return end_rule(output).describe(window)


def wide(summary: pd.DataFrame, outputs: Sequence[str], *, digits: int = 3,
         lang: str = "en") -> pd.DataFrame:
    """A scenario x output table of "mean [low, high]" strings, for a report.

    A cell computed from fewer replicates than its scenario has (an output that
    is NaN in some runs, e.g. ``approval_delay`` before any approval) says so:
    ``"3 (n=1 of 5)"`` (in ``lang``).
    """
    full = summary.groupby("scenario", sort=False)["n"].max()
    index = pd.Index(list(dict.fromkeys(summary["scenario"])), name="scenario")
    table = {}
    for output in outputs:
        part = summary[summary["output"] == output].set_index("scenario").reindex(index)
        table[output] = [
            _cell(r["mean"], r["ci95_low"], r["ci95_high"], digits, lang)
            + (term("n_of", lang).format(n=int(r["n"]), of=int(full[s]))
               if 0 < r["n"] < full[s] else "")
            for s, r in part.iterrows()]
    return pd.DataFrame(table, index=index)


def _cell(mean: float, low: float, high: float, digits: int, lang: str = "en") -> str:
    """"mean [low, high]" to ``digits`` significant digits, written out (2970, not 2.97e+03)."""
    from sim.analysis.tables import sig

    if np.isnan(mean):
        return term("not_available", lang)
    if np.isnan(low):
        return sig(mean, digits)
    return f"{sig(mean, digits)} [{sig(low, digits)}, {sig(high, digits)}]"
