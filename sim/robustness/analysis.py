"""What a robustness analysis concludes: pure functions from run tables to result tables.

- :func:`screening`: Morris statistics of several outputs over one sample;
- :func:`top_factors`: the parameters a screening ranks first;
- :func:`lever_table`: per lever, the share of model structures in which it
  raises the output (Wilson 95 % CI over structures) and the spread of its effect;
- :func:`reversal_table` and :func:`reversal_summary`: each parameter alone at
  either end of its range, and whether any end reverses the ordering.

Effects are paired differences (same structure, same seed); a structure's
effect is the mean over its replicates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.sensitivity import morris_indices
from sim.analysis.stats import mean_ci

#: Quantiles of a lever's effect over structures reported in the tables.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
LEVER_COLUMNS = ("lever", "structures", "raises", "share_raises", "share_ci_low", "share_ci_high",
                 "mean_effect", "mean_ci_low", "mean_ci_high", "min_effect",
                 *(f"q{round(q * 100):02d}" for q in QUANTILES), "max_effect")
REVERSAL_COLUMNS = ("parameter", "end", "value", "difference", "ci_low", "ci_high", "replicates",
                    "baseline", "treatment", "reversed", "significant")


def screening(problem: dict, x: np.ndarray, ys: Mapping[str, np.ndarray], *, levels: int,
              seed: int) -> pd.DataFrame:
    """Morris mu, mu*, sigma and the mu* interval of each output, long format.

    Args:
        problem: the SALib problem of the sample (unit hypercube).
        x: the unit-space sample.
        ys: output name to one value per sample row.
        levels: Morris levels of the sample.
        seed: bootstrap seed.

    Returns:
        Columns ``output, parameter, mu, mu_star, sigma, mu_star_conf, rank`` (rank 1 =
        largest mu* of that output).
    """
    frames = []
    for name, y in ys.items():
        table = morris_indices(problem, x, np.asarray(y, dtype=float), levels=levels, seed=seed)
        table = table.reset_index()
        table.insert(0, "output", name)
        table["rank"] = table["mu_star"].rank(ascending=False, method="first").astype(int)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def top_factors(table: pd.DataFrame, k: int) -> list[str]:
    """The ``k`` parameters with the largest relative mu* in any output of a screening.

    A parameter's score is its largest mu* over the outputs, each divided by that
    output's largest mu*, so an output with a small range still counts. Ties go
    to the parameter declared first (the table's order).
    """
    top = table.groupby("output")["mu_star"].transform("max")
    scored = table.assign(score=np.where(top > 0, table["mu_star"] / top.where(top > 0, 1), 0.0))
    order = list(dict.fromkeys(table["parameter"]))
    score = scored.groupby("parameter")["score"].max().reindex(order)
    return list(score.sort_values(ascending=False, kind="stable").index[:k])


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson 95 % interval of a share ``k / n``."""
    if n == 0:
        return (float("nan"), float("nan"))
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=0.95, method="wilson")
    return (float(ci.low), float(ci.high))


def structure_effects(diffs: pd.DataFrame, output: str) -> pd.Series:
    """A structure's effect: the mean over its replicates of the paired differences."""
    return diffs.groupby("design_point")[output].mean()


def lever_table(effects: Mapping[str, Sequence[float]]) -> pd.DataFrame:
    """Per lever: how often it raises the output across structures, and by how much.

    Args:
        effects: lever name to its effect at each sampled structure (paired
            differences lever minus status quo, averaged over replicates).

    Returns:
        One row per lever (columns :data:`LEVER_COLUMNS`): ``raises`` structures
        with an effect > 0 of ``structures``, their share with its Wilson 95 % CI,
        the mean effect with its t interval, and the quantiles of the effect.
    """
    rows = []
    for lever, values in effects.items():
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        k = int((v > 0).sum())
        low, high = wilson(k, v.size)
        mean, _, ci_low, ci_high, _ = mean_ci(v)
        q = np.quantile(v, QUANTILES) if v.size else [np.nan] * len(QUANTILES)
        rows.append([lever, int(v.size), k, k / v.size if v.size else np.nan, low, high, mean,
                     ci_low, ci_high, float(v.min()) if v.size else np.nan, *map(float, q),
                     float(v.max()) if v.size else np.nan])
    return pd.DataFrame(rows, columns=list(LEVER_COLUMNS))


def reversal_table(runs: pd.DataFrame, output: str, *, baseline: str, treatment: str,
                   factors: Sequence[str], values: Mapping[tuple[str, str], float],
                   default: str = "default") -> pd.DataFrame:
    """Treatment minus baseline at each end of each parameter (and at the default).

    Args:
        runs: one row per run: ``scenario`` (``<key>.<parameter>.<end>`` or
            ``<key>.<default>``), ``replicate`` and the output.
        output: the output compared.
        baseline: the baseline's key.
        treatment: the treatment's key.
        factors: the parameters, in order.
        values: (parameter, end) to the value set there.
        default: the label of the unchanged point.

    Returns:
        One row per point (columns :data:`REVERSAL_COLUMNS`): the mean paired
        difference with its t interval; ``reversed`` when the mean difference is
        not above 0 (the treatment does not beat the baseline there), and
        ``significant`` when the interval lies wholly below 0.
    """
    table = runs.set_index(["scenario", "replicate"])[output]
    points = [(default, "", np.nan)] + [(f, e, values[(f, e)]) for f in factors
                                        for e in ("low", "high")]
    rows = []
    for name, end, value in points:
        label = name if not end else f"{name}.{end}"
        try:
            t = table.loc[f"{treatment}.{label}"]
            b = table.loc[f"{baseline}.{label}"]
        except KeyError:
            continue
        both = pd.concat([t.rename("t"), b.rename("b")], axis=1, join="inner")
        diff = (both["t"] - both["b"]).to_numpy(dtype=float)
        mean, _, low, high, n = mean_ci(diff)
        rows.append([name, end or "-", value, mean, low, high, n, float(both["b"].mean()),
                     float(both["t"].mean()), bool(mean <= 0), bool(high < 0)])
    return pd.DataFrame(rows, columns=list(REVERSAL_COLUMNS))


def reversal_summary(table: pd.DataFrame) -> dict[str, object]:
    """The smallest and largest difference, where they are, and which points reverse."""
    moved = table[table["end"] != "-"]
    if moved.empty:
        return {"points": 0}
    low = moved.loc[moved["difference"].idxmin()]
    high = moved.loc[moved["difference"].idxmax()]
    default = table[table["end"] == "-"]
    return {
        "points": int(len(moved)),
        "default_difference": float(default["difference"].iloc[0]) if len(default) else None,
        "min_difference": float(low["difference"]), "min_at": f"{low['parameter']} {low['end']}",
        "min_ci": [float(low["ci_low"]), float(low["ci_high"])],
        "max_difference": float(high["difference"]),
        "max_at": f"{high['parameter']} {high['end']}",
        "reversed": [f"{r.parameter} {r.end}" for r in moved.itertuples() if r.reversed],
        "significant": [f"{r.parameter} {r.end}" for r in moved.itertuples() if r.significant],
    }
