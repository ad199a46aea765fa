"""The one networkx graph every agent lives on: generation and its schema.

Node keys are strings; every node has a ``type`` attribute:

* ``school``: ``level`` ('secondary' or 'higher'), ``majors`` ("industry:share;..."
  or "industry;industry" for equal shares), ``intake`` (students per year);
* ``enterprise``: ``industry`` (name), ``size`` (relative, median 1), ``age`` (years);
* ``department``: ``mandate`` (name).

Edges have a ``tie`` attribute: ``partnership`` (school-enterprise, with
``depth`` 0-3 or none/form/practice/content), ``peer`` (enterprise-enterprise,
same industry), ``jurisdiction`` (department-school) and ``service``
(department-enterprise, added when a department brokers a match).
The same schema is read from files by :mod:`sim.network_io`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy import sparse

from sim.depth import Depth
from sim.mechanisms import planning
from sim.params import ParameterError, Parameters

INDUSTRIES = [
    "manufacturing", "electronics", "commerce", "tourism", "construction", "health_care",
    "logistics", "agriculture", "automotive", "information_tech", "finance", "culture_media",
]
MANDATES = [
    "education", "human_resources_social_security", "development_reform", "finance",
    "industry_information_technology", "science_technology", "commerce", "state_assets",
    "agriculture_rural", "transport", "health", "culture_tourism",
]
NODE_TYPES = ("school", "enterprise", "department")
TIE_TYPES = ("partnership", "peer", "jurisdiction", "service")
LEVELS = ("secondary", "higher")
#: Allowed values of the choice parameters that shape a generated county.
CHOICES = {
    "peer_network_family": ("random", "hub", "small_world"),
    "firm_size_distribution": ("lognormal", "pareto"),
}
#: Attribute values a node of a given graph takes when it does not carry them.
ATTRIBUTE_DEFAULTS = {"size": 1.0, "age": 10.0, "level": "secondary", "intake": 400}


def school_node(i: int) -> str:
    """Node key of generated school ``i``."""
    return f"school:{i}"


def enterprise_node(i: int) -> str:
    """Node key of generated enterprise ``i``."""
    return f"enterprise:{i}"


def format_majors(shares: np.ndarray, industries: list[str]) -> str:
    """Encode major shares as "industry:share;..." (shares > 0 only; the rest as 'other')."""
    parts = [f"{industries[k]}:{s:.4f}" for k, s in enumerate(shares) if s > 1e-4]
    rest = 1.0 - float(np.sum(shares))
    if rest > 1e-4:
        parts.append(f"{NONLOCAL_MAJOR}:{rest:.4f}")
    return ";".join(parts)


#: Name of the majors no local industry demands, in network files.
NONLOCAL_MAJOR = "other"


def parse_majors(text: str, industries: list[str]) -> np.ndarray:
    """Decode "a:0.6;b:0.4" or "a;b" (equal shares) into a share vector over ``industries``.

    The name ``other`` stands for majors no local industry demands: it counts in
    the total but not in the vector, whose sum is then below 1.

    Raises:
        ValueError: for an unknown industry or a malformed share.
    """
    shares = np.zeros(len(industries) + 1)
    parts = [p.strip() for p in str(text).split(";") if p.strip()]
    if not parts:
        raise ValueError("majors is empty")
    for part in parts:
        name, _, value = part.partition(":")
        name = name.strip()
        if name != NONLOCAL_MAJOR and name not in industries:
            raise ValueError(f"major {name!r} is not an industry of any enterprise "
                             f"(industries: {', '.join(industries)}, or {NONLOCAL_MAJOR!r})")
        try:
            share = float(value) if value.strip() else 1.0
        except ValueError:
            raise ValueError(f"major share {value!r} of {name!r} is not a number") from None
        if share < 0:
            raise ValueError(f"major share of {name!r} is negative")
        shares[-1 if name == NONLOCAL_MAJOR else industries.index(name)] += share
    if shares.sum() <= 0:
        raise ValueError("majors shares sum to zero")
    return (shares / shares.sum())[:-1]


@dataclass
class CountyDraw:
    """What generating a county draws, before it is written into a graph."""

    industries: list[str]        # every industry name the county may have
    industry: np.ndarray         # industry index (into ``industries``) per enterprise
    size: np.ndarray
    age: np.ndarray              # years, as drawn
    majors: list[str]            # each school's majors, as written on its node
    higher: np.ndarray           # True for a higher vocational college
    intake: int                  # students per school and year
    mandates: list[str]
    peers: np.ndarray            # (m, 2) enterprise indices of peer ties


def generate(params: Parameters, rng: np.random.Generator) -> nx.Graph:
    """Generate a county (or province) from the scale parameters, seeded by ``rng``.

    Raises:
        ParameterError: for a choice parameter (see :data:`CHOICES`) outside its values.
    """
    return county_graph(draw_county(params, rng))


def draw_county(params: Parameters, rng: np.random.Generator) -> CountyDraw:
    """Draw a county from the scale parameters (the draws :func:`generate` makes, in its order).

    Raises:
        ParameterError: for a choice parameter (see :data:`CHOICES`) outside its values.
    """
    check_choices(params)
    n_ind = params.n_industries
    industries = INDUSTRIES[:n_ind] if n_ind <= len(INDUSTRIES) else [
        f"industry_{k}" for k in range(n_ind)]
    industry_prob = rng.dirichlet(np.full(n_ind, params.industry_concentration))
    n_e = params.n_enterprises
    industry = rng.choice(n_ind, size=n_e, p=industry_prob)
    size = firm_sizes(params, n_e, rng)
    # Long-established firms tend to be larger: age correlates with log size.
    age = np.clip(np.exp(np.log(params.firm_age_median_years)
                         + params.firm_age_size_elasticity * np.log(size)
                         + params.firm_age_sigma * rng.standard_normal(n_e)),
                  params.firm_age_min_years, params.firm_age_max_years)
    demand = industry_demand(industry, size, n_ind)
    majors = planning.initial_majors(demand, params.planning_alignment, params.n_schools, rng,
                                     params.unplanned_major_concentration,
                                     params.unplanned_nonlocal_share)
    # An industry no firm was drawn into has no local demand: its students count
    # as studying non-local majors.
    majors[:, demand == 0] = 0.0
    higher = rng.random(params.n_schools) < params.higher_vocational_share
    peers = peer_pairs(industry, params.peer_degree, rng, params.peer_network_family,
                       params.small_world_rewiring_prob)
    return CountyDraw(industries=industries, industry=industry, size=size, age=age,
                      majors=[format_majors(m, industries) for m in majors], higher=higher,
                      intake=params.students_per_school_year,
                      mandates=_mandates(params.n_departments), peers=peers)


def county_graph(draw: CountyDraw) -> nx.Graph:
    """The typed graph of a drawn county (the schema of this module)."""
    g = nx.Graph()
    industries, industry = draw.industries, draw.industry
    g.add_nodes_from(
        (enterprise_node(i), {"type": "enterprise", "industry": industries[industry[i]],
                              "size": float(draw.size[i]), "age": float(round(draw.age[i], 1))})
        for i in range(len(industry)))
    n_schools = len(draw.majors)
    for s in range(n_schools):
        g.add_node(school_node(s), type="school", level=LEVELS[int(draw.higher[s])],
                   majors=draw.majors[s], intake=draw.intake)
    for mandate in draw.mandates:
        dep = f"department:{mandate}"
        g.add_node(dep, type="department", mandate=mandate)
        g.add_edges_from(((dep, school_node(s)) for s in range(n_schools)), tie="jurisdiction")
    for a, b in draw.peers:
        g.add_edge(enterprise_node(int(a)), enterprise_node(int(b)), tie="peer")
    return g


def population_from_draw(draw: CountyDraw) -> Population:
    """The arrays :func:`population_from_graph` reads from ``county_graph(draw)``, without the graph."""
    present = sorted({draw.industries[k] for k in np.unique(draw.industry)}, key=_industry_order)
    remap = np.zeros(len(draw.industries), dtype=np.int64)
    for k, name in enumerate(present):
        remap[draw.industries.index(name)] = k
    n_e, n_s = len(draw.industry), len(draw.majors)
    pairs = draw.peers.reshape(-1, 2).astype(np.int64)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    return Population(
        school_keys=[school_node(s) for s in range(n_s)],
        enterprise_keys=[enterprise_node(i) for i in range(n_e)],
        department_keys=[f"department:{m}" for m in draw.mandates],
        industries=present,
        level=draw.higher.astype(np.int64),
        majors=np.array([parse_majors(m, present) for m in draw.majors]).reshape(n_s, len(present)),
        intake=np.full(n_s, int(draw.intake)),
        industry=remap[draw.industry],
        size=draw.size.astype(float),
        # The graph stores age to a tenth of a year (``round`` of a numpy float is np.round).
        age=np.round(draw.age, 1),
        mandates=list(draw.mandates),
        peers=sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_e, n_e)),
        partnerships=np.zeros((0, 3), dtype=np.int64))


def check_choices(params: Parameters) -> None:
    """Raise :class:`ParameterError` if a choice parameter is not one of its allowed values."""
    for name, allowed in CHOICES.items():
        value = getattr(params, name)
        if value not in allowed:
            raise ParameterError(
                f"{name} = {value!r} is not allowed: allowed {', '.join(map(repr, allowed))}",
                field_name=name)


def firm_sizes(params: Parameters, n: int, rng: np.random.Generator) -> np.ndarray:
    """Relative sizes of ``n`` generated firms, median 1, from ``firm_size_distribution``."""
    if params.firm_size_distribution == "pareto":
        tail = params.firm_size_pareto_tail
        # numpy draws Lomax (Pareto II); 1 + X is Pareto with minimum 1 and median
        # 2^(1/tail), so the minimum 2^(-1/tail) puts the median at 1.
        return 2.0 ** (-1.0 / tail) * (1.0 + rng.pareto(tail, n))
    return np.exp(params.firm_size_sigma * rng.standard_normal(n))


def _mandates(n: int) -> list[str]:
    return MANDATES[:n] if n <= len(MANDATES) else MANDATES + [
        f"department_{k}" for k in range(len(MANDATES), n)]


def industry_demand(industry: np.ndarray, size: np.ndarray, n_industries: int) -> np.ndarray:
    """Size-weighted share of each industry in local demand for graduates."""
    weight = np.bincount(industry, weights=size, minlength=n_industries)
    return weight / weight.sum()


def peer_pairs(industry: np.ndarray, mean_degree: float, rng: np.random.Generator,
               family: str = "random", rewiring_prob: float = 0.1) -> np.ndarray:
    """Peer ties within each industry with the given mean degree, shape (m, 2).

    Each industry of ``n`` firms gets ``round(n * mean_degree / 2)`` ties (at most
    every pair; fewer for a hub network of very few firms), drawn by ``family``:

    * ``random``: uniform random pairs without repeats (Erdos-Renyi G(n, m));
    * ``hub``: Barabasi-Albert preferential attachment, the smallest number of
      links per new firm that reaches the tie count, then random ties removed
      down to it; which firms become hubs is random;
    * ``small_world``: a Watts-Strogatz ring (``rewiring_prob`` of ties rewired),
      its firms in random order, thinned the same way.
    """
    draw = _FAMILIES[family]
    pairs = []
    for k in np.unique(industry):
        members = np.flatnonzero(industry == k)
        n = len(members)
        if n < 2:
            continue
        m = min(int(round(n * mean_degree / 2)), n * (n - 1) // 2)
        if m == 0:
            continue
        pairs.append(members[draw(n, m, rng, rewiring_prob)])
    return np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=np.int64)


def _random_pairs(n: int, m: int, rng: np.random.Generator, _: float) -> np.ndarray:
    # Draw m distinct indices into the n(n-1)/2 unordered pairs, then decode the
    # index k = j(j-1)/2 + i (i < j) back into the pair.
    k = rng.choice(n * (n - 1) // 2, size=m, replace=False).astype(np.int64)
    j = ((1 + np.sqrt(1 + 8 * k.astype(float))) // 2).astype(np.int64)
    j -= j * (j - 1) // 2 > k  # floating-point guard on either side
    j += (j + 1) * j // 2 <= k
    return np.column_stack([k - j * (j - 1) // 2, j])


def _hub_pairs(n: int, m: int, rng: np.random.Generator, _: float) -> np.ndarray:
    # Barabasi-Albert with l links per new node has l (n - l) edges: take the
    # smallest l reaching m (the most is l = n // 2).
    disc = n * n - 4 * m
    links = n // 2 if disc < 0 else math.ceil((n - math.sqrt(disc)) / 2)
    links = min(max(1, links), n // 2)
    if links * (n - links) < m and links < n // 2:  # sqrt rounded the wrong way
        links += 1
    g = nx.barabasi_albert_graph(n, links, seed=int(rng.integers(2**31)))
    return _relabel_and_thin(g, m, rng)


def _small_world_pairs(n: int, m: int, rng: np.random.Generator,
                       rewiring_prob: float) -> np.ndarray:
    half = math.ceil(m / n)  # neighbours on each side of the ring
    k = min(2 * half, n)     # k == n gives the complete graph
    g = nx.watts_strogatz_graph(n, k, rewiring_prob, seed=int(rng.integers(2**31)))
    return _relabel_and_thin(g, m, rng)


def _relabel_and_thin(g: nx.Graph, m: int, rng: np.random.Generator) -> np.ndarray:
    # Generators number nodes by arrival or ring position; a random permutation
    # keeps degree and neighbourhood independent of a firm's index.
    edges = np.array(g.edges(), dtype=np.int64).reshape(-1, 2)
    edges = rng.permutation(g.number_of_nodes())[edges]
    if len(edges) > m:
        edges = edges[np.sort(rng.choice(len(edges), size=m, replace=False))]
    return edges


_FAMILIES = {"random": _random_pairs, "hub": _hub_pairs, "small_world": _small_world_pairs}


@dataclass
class Population:
    """Arrays read from a graph: the state the model's numpy step works on."""

    school_keys: list[str]
    enterprise_keys: list[str]
    department_keys: list[str]
    industries: list[str]
    level: np.ndarray            # 0 secondary, 1 higher, per school
    majors: np.ndarray           # (n_schools, n_industries)
    intake: np.ndarray           # students per year, per school
    industry: np.ndarray         # industry index per enterprise
    size: np.ndarray
    age: np.ndarray
    mandates: list[str]
    peers: sparse.csr_matrix     # enterprise adjacency
    partnerships: np.ndarray     # (m, 3): school idx, enterprise idx, depth


DEPTH_NAMES = {d.name.lower(): int(d) for d in Depth}


def population_from_graph(g: nx.Graph) -> Population:
    """Read the typed graph into arrays (node order: insertion order per type)."""
    by_type: dict[str, list[str]] = {t: [] for t in NODE_TYPES}
    for node, data in g.nodes(data=True):
        by_type[data["type"]].append(node)
    ent = by_type["enterprise"]
    industries = sorted({g.nodes[e]["industry"] for e in ent}, key=_industry_order)
    ind_index = {name: k for k, name in enumerate(industries)}
    industry = np.array([ind_index[g.nodes[e]["industry"]] for e in ent], dtype=np.int64)
    default = ATTRIBUTE_DEFAULTS
    size = np.array([float(g.nodes[e].get("size", default["size"])) for e in ent])
    age = np.array([float(g.nodes[e].get("age", default["age"])) for e in ent])
    schools = by_type["school"]
    level = np.array([LEVELS.index(g.nodes[s].get("level", default["level"])) for s in schools])
    majors = np.array([parse_majors(g.nodes[s]["majors"], industries) for s in schools]).reshape(
        len(schools), len(industries))
    intake = np.array([int(g.nodes[s].get("intake", default["intake"])) for s in schools])

    e_index = {key: i for i, key in enumerate(ent)}
    s_index = {key: i for i, key in enumerate(schools)}
    peer_rows, peer_cols, partners = [], [], []
    for a, b, data in g.edges(data=True):
        tie = data.get("tie")
        if tie == "peer":
            peer_rows.append(e_index[a])
            peer_cols.append(e_index[b])
        elif tie == "partnership":
            s, e = (a, b) if a in s_index else (b, a)
            depth = data.get("depth", 1)
            depth = DEPTH_NAMES[depth] if isinstance(depth, str) else int(depth)
            partners.append((s_index[s], e_index[e], depth))
    n = len(ent)
    rows = np.array(peer_rows + peer_cols, dtype=np.int64)
    cols = np.array(peer_cols + peer_rows, dtype=np.int64)
    peers = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return Population(
        school_keys=schools, enterprise_keys=ent, department_keys=by_type["department"],
        industries=industries, level=level, majors=majors, intake=intake, industry=industry,
        size=size, age=age, mandates=[g.nodes[d].get("mandate", d) for d in by_type["department"]],
        peers=peers,
        partnerships=np.array(partners, dtype=np.int64).reshape(-1, 3))


def _industry_order(name: str) -> tuple[int, str]:
    return (INDUSTRIES.index(name) if name in INDUSTRIES else len(INDUSTRIES), name)
