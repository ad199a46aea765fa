"""Run the agent version of a game, once or replicated, on the replicator's time axis."""

from __future__ import annotations

import math
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


def steps_for(game: GameSpec, t_max: float, revision_prob: float) -> int:
    """Agent steps that cover ``t_max`` units of replicator time."""
    scale = payoff_range(game.payoff_array())
    return 0 if scale == 0 else math.ceil(t_max * scale / revision_prob)


def run_agents(
    game: GameSpec,
    t_max: float,
    initial_shares,
    sizes=(1000, 1000, 1000),
    revision_prob: float = 0.5,
    network=None,
    replicates: int = 1,
    seed: int = 0,
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
        seed: Root seed.

    Returns:
        An :class:`AgentRun`.
    """
    steps = steps_for(game, t_max, revision_prob)
    children = np.random.SeedSequence(seed).spawn(replicates)
    histories = []
    dt = 0.0
    stuck = []
    for child in children:
        model = GameModel(game, sizes=sizes, initial_shares=initial_shares,
                          revision_prob=revision_prob, network=network,
                          rng=np.random.default_rng(child))
        model.run_for(steps)
        histories.append(model.share_history())
        dt = model.ode_time_per_step
        stuck.append(model.stuck_share)
    return AgentRun(
        ode_t=np.arange(steps + 1) * dt,
        shares=np.stack(histories),
        root_seed=seed,
        steps=steps,
        stuck_share=float(np.mean(stuck)),
    )
