"""Run the agent version of a game, once or replicated, on the replicator's time axis."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.games.model import GameModel
from sim.games.replicator import payoff_range
from sim.games.spec import GameSpec


@dataclass(frozen=True)
class AgentRun:
    """Shares from one or more agent runs, with the matching replicator times.

    Attributes:
        ode_t: Replicator time of each recorded step, shape (steps + 1,).
        shares: Shares, shape (replicates, steps + 1, 3).
        root_seed: Replicate ``i`` ran on ``SeedSequence(root_seed).spawn(n)[i]``.
        steps: Agent steps per run.
        stuck_share: Mean share of agents that can never revise (network only).
    """

    ode_t: np.ndarray
    shares: np.ndarray
    root_seed: int
    steps: int
    stuck_share: float = 0.0

    @property
    def mean(self) -> np.ndarray:
        """Replicate mean shares, shape (steps + 1, 3)."""
        return self.shares.mean(axis=0)


#: Bytes one agent costs (Mesa agent object, strategy, payoff), measured with tracemalloc
#: on a well-mixed model of 3 x 20,000 agents (about 420 B), rounded up.
BYTES_PER_AGENT = 500
#: Bytes one edge of a matching network costs (networkx adjacency, both directions, and
#: the neighbour tables), measured at 160-300 B on the four kinds, rounded up.
BYTES_PER_EDGE = 350
#: Bytes one recorded step costs while a run lasts (the DataCollector's row, about 210 B)
#: and per replicate once it is kept (shares, their stack, the CSV text and the figure).
BYTES_PER_STEP = 250
BYTES_PER_REPLICATE_STEP = 150
#: Share of the memory available now that one game run may plan to use.
MEMORY_SHARE = 0.8


def steps_for(game: GameSpec, t_max: float, revision_prob: float) -> int:
    """Agent steps that cover ``t_max`` units of replicator time.

    Raises:
        OverflowError: ``t_max`` is so large that the step count is not finite.
    """
    scale = payoff_range(game.payoff_array())
    return 0 if scale == 0 else math.ceil(t_max * scale / revision_prob)


def memory_estimate(steps: int, sizes, replicates: int, network=None) -> dict[str, float]:
    """Bytes an agent run would need, by what needs them (see the ``BYTES_*`` constants).

    Args:
        steps: Agent steps per run (:func:`steps_for`).
        sizes: Population sizes.
        replicates: Number of runs (one model lives at a time; all histories are kept).
        network: None (well-mixed) or a :class:`sim.games.network.NetworkSpec`.

    Returns:
        ``{"agents": ..., "network": ..., "history": ...}`` in bytes (floats: a
        refused request may not fit in an int64).
    """
    from sim.games.network import expected_edges

    total = float(sum(sizes))
    return {
        "agents": BYTES_PER_AGENT * total,
        "network": 0.0 if network is None else BYTES_PER_EDGE * expected_edges(network, total),
        "history": (float(steps) + 1) * (BYTES_PER_STEP + BYTES_PER_REPLICATE_STEP
                                         * float(replicates)),
    }


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation now (Linux MemAvailable), if known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


def run_agents(
    game: GameSpec,
    t_max: float,
    initial_shares,
    sizes=(1000, 1000, 1000),
    revision_prob: float = 0.5,
    network=None,
    replicates: int = 1,
    seed: int = 0,
    on_replicate: Callable[[int, int], None] | None = None,
) -> AgentRun:
    """Run replicated agent simulations covering ``t_max`` of replicator time.

    Replicate seeds are spawned from ``numpy.random.SeedSequence(seed)``, so
    the same ``seed`` gives the same runs.

    Args:
        game: The game.
        t_max: Replicator time to cover.
        initial_shares: Initial ``(x, y, z)``.
        sizes: Population sizes.
        revision_prob: Per-step revision probability.
        network: None (well-mixed) or a network spec string.
        replicates: Number of independent runs.
        seed: Root seed (>= 0, as numpy's SeedSequence requires).
        on_replicate: Called as ``on_replicate(done, replicates)`` after each run.

    Returns:
        An :class:`AgentRun`.
    """
    steps = steps_for(game, t_max, revision_prob)
    children = np.random.SeedSequence(seed).spawn(replicates)
    histories = []
    dt = 0.0
    stuck = []
    for done, child in enumerate(children, start=1):
        model = GameModel(game, sizes=sizes, initial_shares=initial_shares,
                          revision_prob=revision_prob, network=network,
                          rng=np.random.default_rng(child))
        model.run_for(steps)
        histories.append(model.share_history())
        dt = model.ode_time_per_step
        stuck.append(model.stuck_share)
        if on_replicate is not None:
            on_replicate(done, replicates)
    return AgentRun(
        ode_t=np.arange(steps + 1) * dt,
        shares=np.stack(histories),
        root_seed=seed,
        steps=steps,
        stuck_share=float(np.mean(stuck)),
    )
