"""Statistics over replicates, the one place batches and sweeps take them from.

Pure functions: arrays and tables in, numbers and tables out. Means come with
the sample standard deviation and a Student-t confidence interval; values that
are not finite (an approval delay before any approval is NaN) are left out and
the count says how many were used.

Shares and probabilities (:func:`is_bounded`) get a *logit-scale* t-interval
(:func:`share_ci`) instead, so a share near 0 never gets a negative lower
bound: the replicate mean's standard error is carried to the logit scale by
the delta method, the t-interval is taken there and mapped back. It is centred
on the replicate mean, needs no random draws, and equals the plain t-interval
for shares away from 0 and 1. (A Wilson interval is for a proportion of
Bernoulli trials, not for a mean of replicate shares; a percentile bootstrap
of 10 replicates is too narrow.) docs/figures.md says the same for users.

Comparisons with a baseline (:func:`paired_comparison`) use the replicates'
common seeds: replicate r of every scenario or design point has the same
seed, so the difference is taken per replicate and its t-interval is that of
the paired differences; the effect size is the paired d_z (mean difference
over the sd of the differences). Cost per unit gained (:func:`ratio_ci`) is a
ratio of two mean differences, with a seeded percentile bootstrap over the
paired replicates.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

#: Columns of :func:`summarise` besides the grouping columns.
SUMMARY_COLUMNS = ("output", "mean", "sd", "ci95_low", "ci95_high", "n")
#: Units (sim.labels) of outputs that are shares or probabilities, bounded by 0 and 1.
BOUNDED_UNITS = frozenset({"", "share", "0-1", "prob", "prob/step"})
#: Bootstrap resamples of :func:`ratio_ci`.
BOOTSTRAP_RESAMPLES = 4000


def is_bounded(output: str) -> bool:
    """Whether the model output column ``output`` is a share or probability (in [0, 1])."""
    from sim.labels import OUTPUTS  # labels import the model's declarations; keep it lazy

    found = OUTPUTS.get(output)
    return found is not None and found.unit in BOUNDED_UNITS


def _logit_interval(mean, se, t):
    """Delta-method logit-scale interval around ``mean`` (arrays); the point where se is 0."""
    mean, se = np.asarray(mean, dtype=float), np.asarray(se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = (mean > 0) & (mean < 1) & (se > 0)
        safe = np.where(inner, mean, 0.5)
        centre = np.log(safe / (1 - safe))
        half = t * se / (safe * (1 - safe))
        low = np.where(inner, 1 / (1 + np.exp(-(centre - half))), mean)
        high = np.where(inner, 1 / (1 + np.exp(-(centre + half))), mean)
    # A mean of exactly 0 or 1 with spread cannot happen for values in [0, 1]; NaN stays NaN.
    return np.where(np.isfinite(se), low, np.nan), np.where(np.isfinite(se), high, np.nan)


def share_ci(values: Sequence[float] | np.ndarray | pd.Series, confidence: float = 0.95
             ) -> tuple[float, float, float, float, int]:
    """:func:`mean_ci` for shares: the interval is logit-scale, so it stays inside [0, 1].

    All replicates equal (all 0, say) give the interval [mean, mean].

    Returns:
        ``(mean, sd, low, high, n)``.
    """
    mean, sd, _, _, n = mean_ci(values, confidence)
    if n < 2:
        return (mean, sd, np.nan, np.nan, n)
    t = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
    low, high = _logit_interval(mean, sd / np.sqrt(n), t)
    return (mean, sd, float(low), float(high), n)


def interval(values, confidence: float = 0.95, *, bounded: bool = False
             ) -> tuple[float, float, float, float, int]:
    """:func:`share_ci` when ``bounded``, else :func:`mean_ci`."""
    return share_ci(values, confidence) if bounded else mean_ci(values, confidence)


#: Columns of :func:`paired_comparison`.
COMPARISON_COLUMNS = ("baseline_mean", "mean", "difference", "diff_low", "diff_high", "d_z",
                      "n_pairs")


def paired_comparison(baseline: pd.Series, other: pd.Series, confidence: float = 0.95
                      ) -> dict[str, float]:
    """Paired difference ``other - baseline`` over the replicates both have (same index).

    Args:
        baseline: one value per replicate (index: replicate).
        other: the same for the compared scenario or design point.
        confidence: level of the t-interval of the mean difference.

    Returns:
        ``baseline_mean`` and ``mean`` (over the common replicates), ``difference``
        (mean paired difference) with ``diff_low``/``diff_high``, ``d_z`` (mean
        difference / sd of the differences: the paired standardised effect size;
        NaN when the differences do not vary) and ``n_pairs``.
    """
    both = pd.concat({"a": baseline, "b": other}, axis=1).astype(float).dropna()
    diff = both["b"] - both["a"]
    mean, sd, low, high, n = mean_ci(diff, confidence)
    d_z = mean / sd if n > 1 and sd > 0 else np.nan
    return {"baseline_mean": float(both["a"].mean()) if n else np.nan,
            "mean": float(both["b"].mean()) if n else np.nan, "difference": mean,
            "diff_low": low, "diff_high": high, "d_z": float(d_z), "n_pairs": n}


def ratio_ci(numerator: np.ndarray, denominator: np.ndarray, *, seed: int | Sequence[int],
             confidence: float = 0.95, resamples: int = BOOTSTRAP_RESAMPLES
             ) -> tuple[float, float, float]:
    """Ratio of the means of two paired series, with a seeded percentile bootstrap interval.

    Used for cost per unit gained: ``numerator`` and ``denominator`` are the
    per-replicate differences (extra cost, extra content) from the baseline;
    replicates are resampled in pairs.

    The interval is NaN when the denominator's mean is not clearly away from 0
    (its bootstrap means take both signs, or 0, in more than the tail
    probability): the ratio is then unbounded, and no interval is honest.

    Returns:
        ``(ratio, low, high)``.
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    keep = np.isfinite(num) & np.isfinite(den)
    num, den = num[keep], den[keep]
    n = len(num)
    if n == 0 or den.mean() == 0:
        return (np.nan, np.nan, np.nan)
    ratio = float(num.mean() / den.mean())
    if n < 2:
        return (ratio, np.nan, np.nan)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n, size=(resamples, n))
    nums, dens = num[picks].mean(axis=1), den[picks].mean(axis=1)
    tail = (1 - confidence) / 2
    same_sign = np.sign(dens) == np.sign(den.mean())
    if (~same_sign).mean() > tail:
        return (ratio, np.nan, np.nan)
    ratios = np.where(same_sign, nums / np.where(dens == 0, np.nan, dens), np.nan)
    # A resample whose gain crossed 0 has a ratio beyond every other: put it at the far end.
    ratios = np.where(same_sign, ratios, np.inf if ratio >= 0 else -np.inf)
    low, high = np.quantile(ratios, [tail, 1 - tail])
    return (ratio, float(low), float(high))


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
              order: Sequence | None = None, confidence: float = 0.95,
              bounded: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per group and output: mean, sd, interval and count over the runs.

    The interval is :func:`share_ci`'s for the ``bounded`` outputs (default:
    the outputs that are model share columns, :func:`is_bounded`), else the t-interval.

    Args:
        runs: one row per run: the ``by`` columns and one column per output.
        by: columns naming a group (a scenario, a design point).
        outputs: output columns to summarise.
        order: group keys in the order wanted (default: sorted for several
            columns, order of first appearance for one).
        confidence: confidence level of the interval.
        bounded: outputs in [0, 1] (see above).

    Returns:
        Columns ``*by, output, mean, sd, ci95_low, ci95_high, n``.
    """
    by = list(by)
    shares = set(bounded) if bounded is not None else {o for o in outputs if is_bounded(o)}
    groups = dict(iter(runs.groupby(by if len(by) > 1 else by[0], sort=False)))
    keys = list(order) if order is not None else list(groups)
    rows = []
    for key in keys:
        sub = groups.get(key)
        values = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        for output in outputs:
            column = sub[output] if sub is not None else []
            mean, sd, low, high, n = interval(column, confidence, bounded=output in shares)
            rows.append({**values, "output": output, "mean": mean, "sd": sd, "ci95_low": low,
                         "ci95_high": high, "n": n})
    return pd.DataFrame(rows, columns=[*by, *SUMMARY_COLUMNS])


def over_time(steps: pd.DataFrame, outputs: Sequence[str], *, group: str = "scenario",
              confidence: float = 0.95) -> pd.DataFrame:
    """Replicate mean and CI of ``outputs`` at every step, per group (logit-scale for shares).

    Returns:
        Columns ``scenario, step, output, mean, ci_low, ci_high, n``.
    """
    grouped = steps.groupby([group, "step"], sort=False)[list(outputs)]
    mean, sd, n = grouped.mean(), grouped.std(ddof=1), grouped.count()
    t = stats.t.ppf(0.5 + confidence / 2, np.maximum(n.to_numpy() - 1, 1))
    se = np.where(n.to_numpy() > 1, sd.to_numpy() / np.sqrt(np.maximum(n.to_numpy(), 1)), np.nan)
    low, high = mean.to_numpy() - t * se, mean.to_numpy() + t * se
    shares = np.array([is_bounded(o) for o in mean.columns])
    if shares.any():
        s_low, s_high = _logit_interval(mean.to_numpy(), se, t)
        low, high = np.where(shares, s_low, low), np.where(shares, s_high, high)
    frame = functools.partial(pd.DataFrame, index=mean.index, columns=mean.columns)
    parts = {"mean": mean, "ci_low": frame(low), "ci_high": frame(high), "n": n}
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
