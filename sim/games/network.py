"""Interaction networks for the agent version of a game: spec strings, graphs, neighbour tables.

A network spec is ``KIND:key=value,key=value``:

- ``er:p=0.01`` -- Erdos-Renyi G(n, p);
- ``ws:k=8,p=0.1`` -- Watts-Strogatz ring of ``k`` neighbours, rewiring ``p``;
- ``ba:m=4`` -- Barabasi-Albert with ``m`` edges per new node;
- ``complete`` -- every agent linked to every other (the well-mixed limit on a graph).

The graph has one node per agent across all three populations; which node
belongs to which population is a random permutation drawn from the model rng,
and the graph generator is seeded from the same rng, so one seed fixes both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np

KINDS: dict[str, tuple[str, ...]] = {
    "er": ("p",),
    "ws": ("k", "p"),
    "ba": ("m",),
    "complete": (),
}
_INTEGER_KEYS = {"k", "m"}


class NetworkSpecError(ValueError):
    """A ``--network`` string cannot be understood."""


@dataclass(frozen=True)
class NetworkSpec:
    """A parsed network spec.

    Attributes:
        kind: ``er``, ``ws``, ``ba`` or ``complete``.
        params: Generator parameters by key.
    """

    kind: str
    params: dict[str, float]

    def __str__(self) -> str:
        if not self.params:
            return self.kind
        return self.kind + ":" + ",".join(f"{k}={v:g}" for k, v in self.params.items())


def parse_network(text: str) -> NetworkSpec:
    """Parse ``KIND:key=value,...`` into a :class:`NetworkSpec`.

    Args:
        text: E.g. ``"ws:k=8,p=0.1"``.

    Returns:
        The parsed spec, with every required key present.

    Raises:
        NetworkSpecError: For an unknown kind, a missing, unknown or
            non-numeric key, or a value out of range.
    """
    kind, _, rest = text.strip().partition(":")
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise NetworkSpecError(
            f"unknown network kind {kind!r} (use one of: er:p=0.01, ws:k=8,p=0.1, ba:m=4, complete)"
        )
    params: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in KINDS[kind]:
            raise NetworkSpecError(
                f"{kind}: unexpected {item!r}; expected keys: {', '.join(KINDS[kind]) or 'none'}"
            )
        try:
            number = float(value)
        except ValueError:
            raise NetworkSpecError(f"{kind}: {key} must be a number, got {value!r}") from None
        if not math.isfinite(number):  # int(inf) would raise OverflowError below
            raise NetworkSpecError(f"{kind}: {key} must be a finite number, got {value!r}")
        if key in _INTEGER_KEYS:
            if number != int(number) or number < 1:
                raise NetworkSpecError(f"{kind}: {key} must be a positive integer, got {value!r}")
            number = int(number)
        elif not 0.0 <= number <= 1.0:
            raise NetworkSpecError(f"{kind}: {key} must be a probability in [0, 1], got {value!r}")
        params[key] = number
    missing = [k for k in KINDS[kind] if k not in params]
    if missing:
        raise NetworkSpecError(f"{kind}: missing {', '.join(missing)}")
    return NetworkSpec(kind, params)


def expected_edges(spec: NetworkSpec, n: int) -> float:
    """Expected number of edges of the graph :func:`build_graph` makes on ``n`` nodes."""
    p = spec.params
    if spec.kind == "er":
        return p["p"] * n * (n - 1) / 2
    if spec.kind == "ws":
        return n * p["k"] / 2
    if spec.kind == "ba":
        return p["m"] * max(n - p["m"], 0)
    return n * (n - 1) / 2


def build_graph(spec: NetworkSpec, n: int, rng: np.random.Generator) -> nx.Graph:
    """Generate the graph, seeding networkx from ``rng``.

    Args:
        spec: The parsed spec.
        n: Number of nodes (all agents of all populations).
        rng: The model's generator.

    Returns:
        A graph on nodes ``0 .. n-1``.

    Raises:
        NetworkSpecError: If the parameters do not fit ``n``.
    """
    seed = int(rng.integers(2**31))
    p = spec.params
    if spec.kind == "er":
        return nx.fast_gnp_random_graph(n, p["p"], seed=seed)
    if spec.kind == "ws":
        if not 2 <= p["k"] < n:
            raise NetworkSpecError(f"ws: k must be between 2 and n-1 = {n - 1}")
        return nx.watts_strogatz_graph(n, int(p["k"]), p["p"], seed=seed)
    if spec.kind == "ba":
        if not p["m"] < n:
            raise NetworkSpecError(f"ba: m must be below n = {n}")
        return nx.barabasi_albert_graph(n, int(p["m"]), seed=seed)
    return nx.complete_graph(n)


@dataclass(frozen=True)
class NeighbourTable:
    """For each agent of one population, its neighbours in one population, CSR-style.

    Attributes:
        indptr: Shape (n_agents + 1,): neighbours of agent ``i`` are
            ``indices[indptr[i]:indptr[i + 1]]``.
        indices: Population-local indices of those neighbours.
    """

    indptr: np.ndarray
    indices: np.ndarray

    @property
    def counts(self) -> np.ndarray:
        """Number of such neighbours per agent."""
        return np.diff(self.indptr)

    def sample(self, rng: np.random.Generator) -> np.ndarray:
        """One uniformly random neighbour per agent, ``-1`` where it has none."""
        counts = self.counts
        offsets = np.floor(rng.random(counts.size) * counts).astype(np.int64)
        has = counts > 0
        picks = np.full(counts.size, -1, dtype=np.int64)
        picks[has] = self.indices[self.indptr[:-1][has] + offsets[has]]
        return picks


def neighbour_tables(graph: nx.Graph, population_of: np.ndarray,
                     index_of: np.ndarray, sizes) -> list[list[NeighbourTable]]:
    """Build ``tables[p][q]``: neighbours in population ``q`` of each agent of ``p``.

    Args:
        graph: Graph on nodes ``0 .. n-1``.
        population_of: Population of each node.
        index_of: Population-local index of each node.
        sizes: Population sizes.

    Returns:
        A 3x3 nested list of :class:`NeighbourTable`.
    """
    edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
    edges = edges[edges[:, 0] != edges[:, 1]]
    src = np.concatenate([edges[:, 0], edges[:, 1]])
    dst = np.concatenate([edges[:, 1], edges[:, 0]])
    tables = []
    for p in range(3):
        row = []
        for q in range(3):
            mask = (population_of[src] == p) & (population_of[dst] == q)
            s_local = index_of[src[mask]]
            d_local = index_of[dst[mask]]
            sort = np.lexsort((d_local, s_local))
            s_local, d_local = s_local[sort], d_local[sort]
            counts = np.bincount(s_local, minlength=sizes[p])
            indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
            row.append(NeighbourTable(indptr=indptr, indices=d_local.astype(np.int64)))
        tables.append(row)
    return tables
