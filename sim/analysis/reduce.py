"""End-of-run values: each run's per-step table reduced by the rules of :mod:`sim.outputs`.

Batches and sweeps both reduce runs here, so the same runs give the same
numbers through ``sim run`` and ``sim sweep``. The rule of each column is
declared beside the outputs (:data:`sim.outputs.END_RULES`): a state takes its
value at the last step, a flow its mean per step over the last ``window``
steps, a ratio the ratio of its numerator's and denominator's sums over those
steps (0 when the denominator sums to 0), never a mean of monthly ratios.
Step 0 (the initial state, all flows zero) is never part of the window.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim.outputs import COLUMNS, END_WINDOW, end_rule

KEYS = ("scenario", "replicate")


def needed_columns(outputs: Sequence[str]) -> list[str]:
    """The per-step columns the end-of-run values of ``outputs`` read (ratios read two)."""
    columns: list[str] = []
    for name in outputs:
        columns += [c for c in (name, *end_rule(name).columns(name)) if c not in columns]
    return columns


def end_of_run(steps: pd.DataFrame, *, window: int = END_WINDOW, keys: Sequence[str] = KEYS,
               outputs: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per run with each output's end-of-run value.

    Args:
        steps: the per-step table (columns ``keys``, ``step`` and outputs).
        window: steps of the last year (at most the run's steps after step 0).
        keys: columns identifying a run.
        outputs: outputs to reduce (default every column of
            :data:`sim.outputs.COLUMNS` present in ``steps``).

    Returns:
        Columns ``keys`` and one column per output, runs in order of first appearance.

    Raises:
        sim.outputs.MissingRuleError: an output has no end-of-run rule.
        KeyError: a column the rules need is not in ``steps``.
    """
    outputs = _outputs(steps, outputs)
    rules = {name: end_rule(name) for name in outputs}
    missing = [c for c in needed_columns(outputs) if c not in steps.columns]
    if missing:
        raise KeyError(f"columns the end-of-run rules need are not in the steps table: "
                       f"{', '.join(missing)}")
    keys = list(keys)
    ordered = steps.sort_values([*keys, "step"], kind="stable")
    last = ordered.groupby(keys, sort=False).tail(1).set_index(keys)
    result = last[[c for c in outputs if rules[c].kind == "state"]].copy()
    windowed = [c for c in outputs if rules[c].kind != "state"]
    if windowed:
        later = ordered[ordered["step"] > 0]
        tail = later.groupby(keys, sort=False).tail(max(1, window))
        summed = list(dict.fromkeys(c for n in windowed for c in rules[n].columns(n)))
        sums = tail.groupby(keys, sort=False)[summed].sum().reindex(last.index)
        counts = tail.groupby(keys, sort=False)["step"].count().reindex(last.index)
        for name in windowed:
            rule = rules[name]
            if rule.kind == "flow":
                result[name] = sums[name] / counts
            else:
                bottom = sums[rule.denominator]
                result[name] = (sums[rule.numerator] / bottom.where(bottom > 0)).fillna(0.0)
    return result[outputs].reset_index()


def _outputs(steps: pd.DataFrame, outputs: Sequence[str] | None) -> list[str]:
    if outputs is None:
        return [c for c in COLUMNS if c in steps.columns]
    missing = [c for c in outputs if c not in steps.columns]
    if missing:
        raise KeyError(f"outputs not in the steps table: {', '.join(missing)}")
    return list(outputs)
