"""The runs behind the live view: the current levers and, in compare mode, a baseline.

A :class:`RunSet` is one parameter set run on several seeds (replicates); a
:class:`Comparison` holds the current run set and an optional baseline run set
on the *same* seeds and steps them together, so a difference between them is
the levers' effect plus seed noise, and the replicates show how large that noise
is. Replicate seeds come from :func:`sim.runner.replicate_seeds`, as in batch
runs. Everything here is plain Python (no Solara): the page and the tests use
the same objects.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sim.model import CooperationModel
from sim.params import Parameters
from sim.runner import replicate_seeds

#: The outputs whose difference from the baseline the view reports.
HEADLINE = ("content_share", "depth_index", "reported_content_share", "spending_total",
            "leakage_share")
#: Steps averaged for the difference table (a year of months).
DIFF_WINDOW = 12
MAX_REPLICATES = 10


def run_seeds(seed: int, replicates: int) -> list[int]:
    """Seeds of the replicates: the chosen seed first (the run the network shows), then spawned ones."""
    return [int(seed), *replicate_seeds(int(seed), replicates - 1)] if replicates > 1 else [int(seed)]


class RunSet:
    """One parameter set run on ``replicates`` seeds, stepped together.

    Args:
        params: the parameters of every replicate.
        seed: the first replicate's seed (the others are derived from it).
        replicates: number of runs.
        name: what the view calls it ("current", a scenario name, ...).
        model_class: the model built per replicate (the view passes its subclass).
    """

    def __init__(self, params: Parameters, seed: int, replicates: int = 1, name: str = "current",
                 model_class: type[CooperationModel] = CooperationModel, **model_kwargs):
        self.params = params
        self.seed = int(seed)
        self.name = name
        self.seeds = run_seeds(seed, replicates)
        self.models = [model_class(rng=s, params=params, **model_kwargs) for s in self.seeds]
        # Per replicate, one row of every output column per step (row 0: the start).
        self.columns = list(self.models[0].tally)
        self._rows: list[list[list[float]]] = [[self._row(m)] for m in self.models]

    @property
    def model(self) -> CooperationModel:
        """The first replicate (chosen seed): the run the network draws."""
        return self.models[0]

    @property
    def step_count(self) -> int:
        """Steps taken (the same for every replicate)."""
        return self.model.step_count

    def withdraw(self, name: str, year: float) -> None:
        """Stop lever ``name`` at ``year`` in every replicate (sim.schedules.withdraw).

        A lever not scheduled before gains its ``lever:`` column, its value so
        far filled in for the steps already taken.
        """
        from sim import schedules

        column = schedules.column(name)
        before = getattr(self.model.p, name)  # the value in force so far
        for model in self.models:
            schedules.withdraw(model, name, year)
        if column not in self.columns:  # the lever was fixed until now
            self.columns.append(column)
            for rows in self._rows:
                for row in rows:
                    row.append(float(before))

    def _row(self, model: CooperationModel) -> list[float]:
        return [float(model.tally[c]) for c in self.columns]

    def step(self, n: int = 1) -> None:
        """Advance every replicate by ``n`` steps."""
        for _ in range(n):
            for model, rows in zip(self.models, self._rows, strict=True):
                model.step()
                rows.append(self._row(model))

    def values(self, column: str) -> np.ndarray:
        """(replicates, steps + 1) array of one output column."""
        k = self.columns.index(column)
        return np.array([[row[k] for row in rows] for rows in self._rows], dtype=float)

    def band(self, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean over replicates per step and its 95 % interval (NaN with one replicate)."""
        return mean_interval(self.values(column))

    def frame(self) -> pd.DataFrame:
        """Every step of every replicate: columns run, replicate, seed, step, then each output."""
        parts = []
        for i, (seed, rows) in enumerate(zip(self.seeds, self._rows, strict=True)):
            part = pd.DataFrame(rows, columns=self.columns)
            part.insert(0, "step", range(len(rows)))
            part.insert(0, "seed", seed)
            part.insert(0, "replicate", i)
            part.insert(0, "run", self.name)
            parts.append(part)
        return pd.concat(parts, ignore_index=True)


def mean_interval(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over axis 0 and the 95 % t-interval of that mean (NaN bounds for fewer than 2 rows).

    NaN entries (e.g. no approval yet) are left out per column.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        n = np.sum(~np.isnan(values), axis=0)
        mean = np.where(n > 0, np.nansum(values, axis=0) / np.maximum(n, 1), np.nan)
        if values.shape[0] < 2:
            nan = np.full(mean.shape, np.nan)
            return mean, nan, nan
        sd = np.sqrt(np.nansum((values - mean) ** 2, axis=0) / np.maximum(n - 1, 1))
        half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(np.maximum(n, 1))
        half = np.where(n >= 2, half, np.nan)
    return mean, mean - half, mean + half


@dataclass(frozen=True)
class Difference:
    """One headline output: baseline and current means and their paired difference.

    ``low``/``high`` bound the 95 % interval of the mean paired difference (the same
    seed in both runs); NaN with one replicate.
    """

    column: str
    baseline: float
    current: float
    difference: float
    low: float
    high: float

    @property
    def beyond_noise(self) -> bool | None:
        """Whether the interval excludes 0 (None: no interval, one replicate)."""
        if np.isnan(self.low):
            return None
        return bool(self.low > 0 or self.high < 0)


class Comparison:
    """The current run set and, in compare mode, a baseline on the same seeds.

    Methods that change or read the runs hold one lock, so a worker thread can
    step them while the page reads a consistent state.
    """

    def __init__(self, current: RunSet, baseline: RunSet | None = None):
        self.current = current
        self.baseline = baseline
        self.lock = threading.RLock()

    def runs(self) -> list[RunSet]:
        """The baseline (if any) first, then the current run set."""
        return [r for r in (self.baseline, self.current) if r is not None]

    def step(self, n: int = 1) -> None:
        """Advance both run sets by ``n`` steps."""
        with self.lock:
            for run in self.runs():
                run.step(n)

    def catch_up(self) -> None:
        """Step the baseline to the current step count (after it was just built)."""
        with self.lock:
            if self.baseline is not None and self.baseline.step_count < self.current.step_count:
                self.baseline.step(self.current.step_count - self.baseline.step_count)

    def differences(self, window: int = DIFF_WINDOW) -> list[Difference]:
        """Each headline output over the last ``window`` steps: baseline, current, paired difference."""
        if self.baseline is None:
            return []
        out = []
        with self.lock:
            for column in HEADLINE:
                cur, base = self.current.values(column), self.baseline.values(column)
                steps = min(cur.shape[1], base.shape[1])
                first = max(0, steps - window)
                cur_m = np.nanmean(cur[:, first:steps], axis=1)
                base_m = np.nanmean(base[:, first:steps], axis=1)
                diff = cur_m - base_m
                mean, low, high = mean_interval(diff[:, None])
                out.append(Difference(column, float(np.mean(base_m)), float(np.mean(cur_m)),
                                      float(mean[0]), float(low[0]), float(high[0])))
        return out

    def frame(self) -> pd.DataFrame:
        """Every step of every run and replicate (baseline rows first)."""
        with self.lock:
            return pd.concat([run.frame() for run in self.runs()], ignore_index=True)

    def csv(self) -> str:
        """:meth:`frame` as CSV text."""
        buffer = io.StringIO()
        self.frame().to_csv(buffer, index=False)
        return buffer.getvalue()
