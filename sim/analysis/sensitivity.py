"""Sensitivity indices and replicate adequacy: pure functions over arrays and tables.

- :func:`sobol_indices`: first-order and total Sobol indices with bootstrap
  confidence intervals (``SALib.analyze.sobol``, seeded).
- :func:`morris_indices`: Morris mu, mu* and sigma with a bootstrap interval
  for mu* (``SALib.analyze.morris``, seeded).
- :func:`replicate_cv` and :func:`stable_replicates`: the coefficient of
  variation of an output over the first n replicates (Lorscheid, Heine and
  Meyer 2012, "Opening the 'black box' of simulations", Computational and
  Mathematical Organization Theory 18:22-62), and the rule that says at which n
  it has stabilised.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Import by module: ``from SALib import analyze`` fails in SALib 1.6.0.
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

#: Bootstrap resamples for the confidence intervals of the indices.
NUM_RESAMPLES = 1000


class SensitivityError(ValueError):
    """The runs cannot give the requested indices (missing or non-finite outputs)."""


def sobol_indices(problem: dict, y: np.ndarray, *, second_order: bool = False, seed: int = 1,
                  conf_level: float = 0.95, num_resamples: int = NUM_RESAMPLES) -> pd.DataFrame:
    """First-order and total Sobol indices with confidence intervals.

    Args:
        problem: the SALib problem the Saltelli sample was drawn from.
        y: one output value per sample row, in sample order.
        second_order: whether the sample was drawn with second-order rows.
        seed: seed of the bootstrap (must be non-zero: SALib ignores 0).
        conf_level: confidence level of the intervals.
        num_resamples: bootstrap resamples.

    Returns:
        One row per parameter: ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (the
        ``_conf`` columns are half-widths of the interval).

    Raises:
        SensitivityError: when ``y`` has the wrong length or non-finite values.
    """
    y = np.asarray(y, dtype=float)
    d = problem["num_vars"]
    per_block = 2 * d + 2 if second_order else d + 2
    if y.ndim != 1 or len(y) % per_block:
        raise SensitivityError(f"Sobol analysis needs N * {per_block} outputs in sample order, "
                               f"got {y.size}")
    if not np.isfinite(y).all():
        raise SensitivityError(f"Sobol analysis needs every sample's output; "
                               f"{int((~np.isfinite(y)).sum())} are missing or not finite")
    if np.ptp(y) == 0:
        return pd.DataFrame({"S1": 0.0, "S1_conf": 0.0, "ST": 0.0, "ST_conf": 0.0},
                            index=pd.Index(problem["names"], name="parameter"))
    result = sobol_analyze.analyze(problem, y, calc_second_order=second_order,
                                   num_resamples=num_resamples, conf_level=conf_level,
                                   seed=seed or 1, print_to_console=False)
    return pd.DataFrame({k: np.asarray(result[k]) for k in ("S1", "S1_conf", "ST", "ST_conf")},
                        index=pd.Index(problem["names"], name="parameter"))


def morris_indices(problem: dict, x: np.ndarray, y: np.ndarray, *, levels: int = 4,
                   seed: int = 1, conf_level: float = 0.95,
                   num_resamples: int = NUM_RESAMPLES) -> pd.DataFrame:
    """Morris elementary-effect statistics.

    Args:
        problem: the SALib problem the Morris sample was drawn from.
        x: the sample (rows = points) in the problem's units.
        y: one output value per sample row.
        levels: the number of grid levels the sample used.
        seed: seed of the bootstrap for ``mu_star_conf``.
        conf_level: confidence level of the interval.
        num_resamples: bootstrap resamples.

    Returns:
        One row per parameter: ``mu``, ``mu_star``, ``sigma``, ``mu_star_conf``
        (in output units per full range of the parameter when ``x`` is on the
        unit hypercube).

    Raises:
        SensitivityError: when ``y`` has non-finite values or does not match ``x``.
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    if len(y) != len(x) or len(x) % (problem["num_vars"] + 1):
        raise SensitivityError(f"Morris analysis needs trajectories * (D + 1) outputs, got "
                               f"{len(y)} for {len(x)} sample rows")
    if not np.isfinite(y).all():
        raise SensitivityError(f"Morris analysis needs every sample's output; "
                               f"{int((~np.isfinite(y)).sum())} are missing or not finite")
    result = morris_analyze.analyze(problem, x, y, num_levels=levels, conf_level=conf_level,
                                    num_resamples=num_resamples, seed=seed,
                                    print_to_console=False)
    return pd.DataFrame({k: np.asarray(result[k], dtype=float)
                         for k in ("mu", "mu_star", "sigma", "mu_star_conf")},
                        index=pd.Index(problem["names"], name="parameter"))


def replicate_cv(values: pd.DataFrame, *, group: str = "design_point",
                 replicate: str = "replicate", value: str = "value") -> pd.DataFrame:
    """Coefficient of variation over the first n replicates, for n = 2 .. R, per group.

    Args:
        values: one row per run with a group column (e.g. the design point), a
            replicate number and the output value.
        group: name of the group column.
        replicate: name of the replicate column (replicates are taken in its order).
        value: name of the output column.

    Returns:
        Columns ``group``, ``n``, ``mean``, ``sd``, ``cv`` (sample sd / |mean|;
        NaN when the mean is 0).
    """
    rows = []
    for key, sub in values.sort_values([group, replicate]).groupby(group, sort=True):
        v = sub[value].to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        for n in range(2, len(v) + 1):
            head = v[:n]
            mean, sd = float(head.mean()), float(head.std(ddof=1))
            cv = sd / abs(mean) if mean != 0 else float("nan")
            rows.append({group: key, "n": n, "mean": mean, "sd": sd, "cv": cv})
    return pd.DataFrame(rows, columns=[group, "n", "mean", "sd", "cv"])


def stable_replicates(cv: pd.DataFrame, *, tolerance: float = 0.05,
                      group: str = "design_point") -> pd.DataFrame:
    """At which replicate count each group's CV has stabilised.

    Rule: the CV has stabilised at the smallest n from which on every CV(m),
    m >= n, lies within ``tolerance`` (relative) of CV(R) at the largest R
    run; a CV(R) of 0 (identical replicates) counts as stable at n = 2. When
    n equals R the CV has not been shown to be stable: more replicates are
    needed to tell.

    Args:
        cv: the output of :func:`replicate_cv`.
        tolerance: the relative distance allowed, e.g. 0.05 for 5 %.
        group: name of the group column.

    Returns:
        One row per group: ``n_stable``, ``cv_final``, ``replicates`` (R) and
        ``shown_stable`` (n_stable < R). Groups with an undefined CV (mean 0)
        are left out.
    """
    rows = []
    for key, sub in cv.sort_values("n").groupby(group, sort=True):
        if sub["cv"].isna().any() or sub.empty:
            continue
        values = sub["cv"].to_numpy()
        ns = sub["n"].to_numpy()
        final = values[-1]
        ok = np.abs(values - final) <= tolerance * abs(final)
        # smallest index from which every later value is within tolerance
        bad = np.flatnonzero(~ok)
        first = 0 if bad.size == 0 else int(bad[-1]) + 1
        n_stable = int(ns[min(first, len(ns) - 1)])
        rows.append({group: key, "n_stable": n_stable, "cv_final": float(final),
                     "replicates": int(ns[-1]), "shown_stable": n_stable < int(ns[-1])})
    return pd.DataFrame(rows, columns=[group, "n_stable", "cv_final", "replicates",
                                       "shown_stable"])
