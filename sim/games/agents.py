"""Players of a tripartite game and their revision rule.

Each :class:`Player` is a Mesa agent a user can inspect (``agent.strategy``,
``agent.payoff``, ``agent.node``). Its state lives in the model's numpy arrays
so one step updates a whole population at once; the rule itself is
:func:`pairwise_proportional_imitation`.

Revision rule: pairwise proportional imitation (Schlag 1998, "Why imitate, and
if so, how?", J. Econ. Theory 78:130-156). A revising agent compares its last
payoff with that of one random peer of its own population and switches to the
peer's strategy with probability ``max(0, peer - own) / scale``, where
``scale`` is the largest payoff range of any population. Averaged over
matchings, the share ``x`` of a population's first strategy then changes per
step by ``revision_prob / scale * x (1 - x) F_x``: the replicator equation,
with one agent step equal to ``revision_prob / scale`` units of replicator time
(Weibull 1995, ch. 4; Sandholm 2010, ch. 5). Using one common ``scale`` for
all three populations keeps their relative speeds those of the ODE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.games.model import GameModel


class Player(mesa.Agent):
    """One member of one population of a tripartite game.

    Attributes:
        population: Index of its population (0, 1, 2 in file order).
        index: Its index within the population (row in the model's arrays).
        node: Its node in the interaction graph, or None when well-mixed.
    """

    model: GameModel

    def __init__(self, model: GameModel, population: int, index: int, node: int | None = None):
        super().__init__(model)
        self.population = int(population)
        self.index = int(index)
        self.node = None if node is None else int(node)

    @property
    def population_name(self) -> str:
        """Name of its population, as in the game file."""
        return self.model.game.populations[self.population]

    @property
    def strategy_index(self) -> int:
        """0 for the population's first strategy, 1 for its second."""
        return int(self.model.strategies[self.population][self.index])

    @property
    def strategy(self) -> str:
        """Name of the strategy it plays now."""
        return self.model.game.strategies[self.population][self.strategy_index]

    @property
    def payoff(self) -> float:
        """Payoff of its last match (NaN before the first step or if it could not play)."""
        return float(self.model.payoffs[self.population][self.index])


def pairwise_proportional_imitation(
    own_strategy: np.ndarray,
    own_payoff: np.ndarray,
    peer_strategy: np.ndarray,
    peer_payoff: np.ndarray,
    scale: float,
    revise: np.ndarray,
    uniform: np.ndarray,
) -> np.ndarray:
    """Apply Schlag's pairwise proportional imitation to a whole population.

    Args:
        own_strategy: Strategy index of each agent.
        own_payoff: Its last payoff (NaN = did not play: never switches).
        peer_strategy: Strategy of each agent's sampled peer (any value where
            the peer is missing, provided ``peer_payoff`` is NaN there).
        peer_payoff: The peer's last payoff (NaN = missing or did not play).
        scale: Positive normaliser, at least every payoff range.
        revise: Boolean mask of agents revising this step.
        uniform: One uniform [0, 1) draw per agent.

    Returns:
        The new strategy indices (a new array).
    """
    gain = np.nan_to_num(peer_payoff - own_payoff, nan=0.0)
    switch = revise & (uniform * scale < gain)
    return np.where(switch, peer_strategy, own_strategy)
