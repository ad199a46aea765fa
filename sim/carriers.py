"""Which state carries a funded gain after the money stops: reset each candidate and see.

Runs ``fund-three-years`` (support ends after year 3) and its no-support twin
``fund-none`` with the same seeds. At the end of support one candidate state of
the funded run is set to the twin's value at that moment, then both run on:

- ``teachers``: teachers' practical capacity (and the training quality it gives);
- ``imitation``: each firm's latest choice, which revising peers copy;
- ``expectations``: the approval delay, detection risk and subsidy payout firms learnt;
- ``experience``: firms' experience of deep cooperation (only with learning by
  doing switched on: ``experience_learning_rate`` > 0);
- ``all`` of these together.

Partnership depths themselves are never reset: what is left with every
candidate reset is carried by the partnerships still standing. The gain is the
funded minus the twin's content share (means over a year); "left" is the gain
then over the gain at the end of support, with a t-based 95 % CI over paired
seeds. ``python -m sim validate`` reports the table (docs/ODD.md 7.14 explains it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analysis.stats import mean_ci
from sim.model import STEPS_PER_YEAR
from sim.patterns import SEEDS

FUNDED, TWIN = "fund-three-years", "fund-none"
CARRIERS: dict[str, tuple[str, ...]] = {
    "teachers": ("school_teacher_capacity",),
    "imitation": ("ent_last_choice",),
    "expectations": ("expected_delay", "expected_detection", "payout_ratio"),
    "experience": ("ent_experience",),
}
#: What each reset is called in a report.
CASE_LABELS = {"no reset": "none", "teachers": "teachers' capacity",
               "imitation": "firms' latest choices (imitation)",
               "expectations": "learnt expectations", "experience": "firms' experience",
               "all": "all of these"}
LATER_YEARS = (1, 3, 5)


@dataclass(frozen=True)
class CarrierRow:
    """The funded gain with one candidate state reset at the end of support."""

    case: str
    gain_at_end: float
    left: tuple[tuple[float, float, float], ...]  # per later year: mean, CI low, CI high


def _reset(funded, twin, names: tuple[str, ...]) -> None:
    """Give ``funded`` the twin's value of each state in ``names``."""
    for name in names:
        value = getattr(twin, name)
        value = value.copy() if isinstance(value, np.ndarray) else value
        if name == "school_teacher_capacity":
            funded._set_teacher_capacity(value)
        else:
            setattr(funded, name, value)


def _gains(job: tuple[Any, Any, int, tuple[str, ...], int, tuple[int, ...]]) -> list[float]:
    from sim import CooperationModel

    funded_params, twin_params, seed, names, end, later = job
    funded = CooperationModel(rng=seed, params=funded_params)
    twin = CooperationModel(rng=seed, params=twin_params)
    funded.run_for(end)
    twin.run_for(end)
    _reset(funded, twin, names)
    funded.run_for(STEPS_PER_YEAR * max(later))
    twin.run_for(STEPS_PER_YEAR * max(later))
    f, t = (m.datacollector.get_model_vars_dataframe()["content_share"].to_numpy()
            for m in (funded, twin))
    year = STEPS_PER_YEAR
    return [f[s - year + 1:s + 1].mean() - t[s - year + 1:s + 1].mean()
            for s in [end, *(end + year * k for k in later)]]


def carriers(learning: float = 0.0, seeds: Iterable[int] = SEEDS,
             later: Sequence[int] = LATER_YEARS, executor: Executor | None = None
             ) -> list[CarrierRow]:
    """One row per reset case, ``fund-three-years`` against ``fund-none`` on paired seeds.

    Args:
        learning: ``experience_learning_rate`` of both runs (0: learning by doing off).
        seeds: the paired seeds.
        later: years after the end of support at which the share left is read.
        executor: runs the (seed, case) pairs in parallel when given.
    """
    from sim.analysis.persistence import support_window
    from sim.scenarios import load_scenario

    settings = {"experience_learning_rate": learning}
    funded_params = load_scenario(FUNDED).params.replace(**settings)
    twin_params = load_scenario(TWIN).params.replace(**settings)
    _, end = support_window(funded_params)
    chosen = {k: v for k, v in CARRIERS.items() if k != "experience" or learning > 0}
    cases = {"no reset": (), **chosen, "all": sum(chosen.values(), ())}
    seeds = [int(s) for s in seeds]
    jobs = [(funded_params, twin_params, seed, names, end, tuple(later))
            for names in cases.values() for seed in seeds]
    gains = list(executor.map(_gains, jobs)) if executor else [_gains(j) for j in jobs]
    rows = []
    for i, case in enumerate(cases):
        table = np.array(gains[i * len(seeds):(i + 1) * len(seeds)])
        left = []
        for j in range(1, table.shape[1]):
            mean, _, low, high, _ = mean_ci(table[:, j] / table[:, 0])
            left.append((mean, low, high))
        rows.append(CarrierRow(case, float(table[:, 0].mean()), tuple(left)))
    return rows


def render_rows(rows: Sequence[CarrierRow], later: Sequence[int] = LATER_YEARS) -> list[str]:
    """The rows as a Markdown table."""
    head = " | ".join(f"left after {k} year{'s' if k > 1 else ''}" for k in later)
    lines = [f"| reset at the end of support | gain at end | {head} |",
             "|---|---|" + "---|" * len(later)]
    for r in rows:
        cells = " | ".join(f"{m:.2f} [{lo:.2f}, {hi:.2f}]" for m, lo, hi in r.left)
        lines.append(f"| {CASE_LABELS[r.case]} | {r.gain_at_end:.3f} | {cells} |")
    return lines
