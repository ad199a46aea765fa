"""A plan: the fully resolved runs of a batch or sweep, each a :class:`RunSpec`.

The lowest layer of the engine: the planner (:mod:`sim.sweep.run`) makes run
specs, the runner (:mod:`sim.runner`) executes them and the store
(:mod:`sim.store`) records them; both import specs from here, never from each
other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class RunSpec:
    """One run to execute.

    Attributes:
        run_id: deterministic, filesystem-safe id, e.g. ``full-package-r003``.
        params: parameter values (only those that differ from defaults is fine).
        seed: the run's seed.
        steps: steps to run.
        labels: values that identify the run in tables (scenario, replicate, a
            sweep's design point ...); they become columns of the stored table.
    """

    run_id: str
    params: dict[str, Any]
    seed: int
    steps: int
    labels: dict[str, Any] = field(default_factory=dict)


def replicate_seeds(root: int, n: int) -> list[int]:
    """``n`` independent seeds from a root seed (``SeedSequence(root).spawn(n)``).

    The same root gives the same seeds, and the first ``k`` of ``n`` are the
    seeds of ``k`` replicates, so replicate ``r`` of every scenario or design
    point uses the same seed (common random numbers) and more replicates
    extend a plan without changing its runs.
    """
    return [int(child.generate_state(1)[0]) for child in np.random.SeedSequence(root).spawn(n)]
