"""Agent-based version of a tripartite game: three Mesa populations, matched each step.

Each step (one call of :meth:`GameModel.step`):

1. **Match.** Every agent plays one round of the game with one partner from
   each of the other two populations: drawn uniformly from the whole
   population (well-mixed) or from its graph neighbours in that population
   (network). An agent with no neighbour in some population cannot play this
   step; its payoff is NaN.
2. **Revise.** Each agent revises with probability ``revision_prob``: it draws
   one peer of its own population (uniform among the others when well-mixed,
   among its own-population neighbours on a network) and imitates it by
   pairwise proportional imitation (:mod:`sim.games.agents`). All agents
   revise on the payoffs of step 1 (synchronous update).
3. **Record** the share playing each population's first strategy.

One step is ``revision_prob / payoff_range`` units of replicator time
(:attr:`GameModel.ode_time_per_step`). All randomness comes from ``self.rng``,
seeded by ``rng=``.
"""

from __future__ import annotations

import mesa
import networkx as nx
import numpy as np

from sim.games.agents import Player, pairwise_proportional_imitation
from sim.games.network import NetworkSpec, build_graph, neighbour_tables, parse_network
from sim.games.replicator import payoff_range
from sim.games.spec import GameSpec

_OTHERS = ((1, 2), (0, 2), (0, 1))


class GameModel(mesa.Model):
    """Three populations of :class:`Player` playing a 2x2x2 game.

    Attributes:
        game: The game played.
        payoff_table: Its payoffs, shape (3, 2, 2, 2).
        sizes: Population sizes.
        strategies: Per population, strategy index per agent (0 = first).
        payoffs: Per population, each agent's payoff from the last match.
        players: Per population, an AgentSet of its :class:`Player` agents.
        graph: The interaction graph, or None when well-mixed.
        network: The parsed network spec, or None.
        revision_prob: Probability that an agent revises in a step.
        ode_time_per_step: Replicator time advanced by one step.
        stuck_share: Share of all agents that can never revise on the network:
            no neighbour in some other population (cannot play) or none in
            their own (no peer to imitate). 0 when well-mixed.
        datacollector: Records the three first-strategy shares per step.
    """

    def __init__(
        self,
        game: GameSpec,
        sizes: tuple[int, int, int] = (1000, 1000, 1000),
        initial_shares: tuple[float, float, float] = (0.5, 0.5, 0.5),
        revision_prob: float = 0.5,
        network: str | NetworkSpec | None = None,
        rng=None,
    ):
        """Create the populations and, if asked, the network.

        Args:
            game: A validated game (see :func:`sim.games.spec.load_game`).
            sizes: Number of agents per population, in file order.
            initial_shares: Initial share playing each first strategy; the
                count is rounded, and who plays it is random.
            revision_prob: Probability an agent revises per step, in (0, 1].
            network: None for well-mixed matching, or a spec such as
                ``"ws:k=8,p=0.1"`` (see :mod:`sim.games.network`).
            rng: Seed or numpy Generator; the only source of randomness.

        Raises:
            ValueError: For bad sizes, shares or revision probability.
        """
        super().__init__(rng=rng)
        if len(sizes) != 3 or any(int(n) < 2 for n in sizes):
            raise ValueError(f"need three population sizes of at least 2, got {sizes!r}")
        if len(initial_shares) != 3 or any(not 0 <= s <= 1 for s in initial_shares):
            raise ValueError(f"initial shares must be three numbers in [0, 1], got "
                             f"{initial_shares!r}")
        if not 0 < revision_prob <= 1:
            raise ValueError(f"revision_prob must be in (0, 1], got {revision_prob!r}")
        self.game = game
        self.payoff_table = game.payoff_array()
        self.sizes = tuple(int(n) for n in sizes)
        self.revision_prob = float(revision_prob)
        scale = payoff_range(self.payoff_table)
        self.scale = scale if scale > 0 else 1.0
        self.ode_time_per_step = self.revision_prob / self.scale if scale > 0 else 0.0

        self.strategies = []
        for n, share in zip(self.sizes, initial_shares, strict=True):
            first = int(round(share * n))
            strategy = np.ones(n, dtype=np.int8)
            strategy[self.rng.permutation(n)[:first]] = 0
            self.strategies.append(strategy)
        self.payoffs = [np.full(n, np.nan) for n in self.sizes]

        self.network = parse_network(network) if isinstance(network, str) else network
        self.graph: nx.Graph | None = None
        nodes: list[np.ndarray | list[None]] = [[None] * n for n in self.sizes]
        if self.network is not None:
            total = sum(self.sizes)
            self.graph = build_graph(self.network, total, self.rng)
            population_of = np.repeat(np.arange(3), self.sizes)
            index_of = np.concatenate([np.arange(n) for n in self.sizes])
            order = self.rng.permutation(total)  # node order[i] hosts agent i
            node_population = np.empty(total, dtype=np.int64)
            node_index = np.empty(total, dtype=np.int64)
            node_population[order] = population_of
            node_index[order] = index_of
            offsets = np.concatenate([[0], np.cumsum(self.sizes)])
            nodes = [order[offsets[p]:offsets[p + 1]] for p in range(3)]
            self._neighbours = neighbour_tables(self.graph, node_population, node_index,
                                                self.sizes)
        self.stuck_share = self._stuck_share()
        self.players = [
            Player.create_agents(self, n, population=p, index=list(range(n)), node=list(nodes[p]))
            for p, n in enumerate(self.sizes)
        ]
        if self.graph is not None:
            for population in self.players:
                for player in population:
                    self.graph.nodes[player.node]["agent"] = player

        self.datacollector = mesa.DataCollector(
            model_reporters={name: self._share_reporter(p)
                             for p, name in enumerate(game.populations)}
        )
        self.datacollector.collect(self)

    def _stuck_share(self) -> float:
        if self.graph is None:
            return 0.0
        stuck = sum(
            int(np.any([self._neighbours[p][q].counts == 0 for q in range(3)], axis=0).sum())
            for p in range(3)
        )
        return stuck / sum(self.sizes)

    @staticmethod
    def _share_reporter(population: int):
        def share(model: GameModel) -> float:
            return model.share(population)
        return share

    def share(self, population: int) -> float:
        """Share of a population playing its first strategy now."""
        return float(np.mean(self.strategies[population] == 0))

    def shares(self) -> np.ndarray:
        """Current ``(x, y, z)``."""
        return np.array([self.share(p) for p in range(3)])

    @property
    def ode_time(self) -> float:
        """Replicator time corresponding to the steps taken so far."""
        return self.time * self.ode_time_per_step

    def _opponents(self, p: int, q: int) -> np.ndarray:
        if self.graph is None:
            return self.rng.integers(self.sizes[q], size=self.sizes[p])
        return self._neighbours[p][q].sample(self.rng)

    def _peers(self, p: int) -> np.ndarray:
        n = self.sizes[p]
        if self.graph is None:
            other = self.rng.integers(n - 1, size=n)
            return other + (other >= np.arange(n))
        return self._neighbours[p][p].sample(self.rng)

    def play_matches(self) -> None:
        """Give every agent the payoff of one round against random partners."""
        for p in range(3):
            q, r = _OTHERS[p]
            opp_q = self._opponents(p, q)
            opp_r = self._opponents(p, r)
            missing = (opp_q < 0) | (opp_r < 0)
            profile = [None, None, None]
            profile[p] = self.strategies[p]
            profile[q] = self.strategies[q][np.maximum(opp_q, 0)]
            profile[r] = self.strategies[r][np.maximum(opp_r, 0)]
            payoff = self.payoff_table[p][profile[0], profile[1], profile[2]]
            payoff[missing] = np.nan
            self.payoffs[p] = payoff

    def revise_strategies(self) -> None:
        """Let revising agents imitate a random peer (synchronously, on last payoffs)."""
        new = []
        for p in range(3):
            n = self.sizes[p]
            peers = self._peers(p)
            has_peer = peers >= 0
            safe = np.maximum(peers, 0)
            peer_payoff = np.where(has_peer, self.payoffs[p][safe], np.nan)
            revise = self.rng.random(n) < self.revision_prob
            uniform = self.rng.random(n)
            new.append(pairwise_proportional_imitation(
                self.strategies[p], self.payoffs[p], self.strategies[p][safe], peer_payoff,
                self.scale, revise, uniform,
            ))
        self.strategies = new

    def step(self) -> None:
        """Match, revise, record."""
        self.play_matches()
        self.revise_strategies()
        self.datacollector.collect(self)

    def share_history(self) -> np.ndarray:
        """Recorded shares, shape (steps + 1, 3), from the initial state on."""
        frame = self.datacollector.get_model_vars_dataframe()
        return frame[list(self.game.populations)].to_numpy(dtype=float)
