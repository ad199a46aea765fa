"""Generated counties: peer-network families, firm sizes and the declared structure constants."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from sim import CooperationModel, network_io
from sim.analysis.batch import mean_ci
from sim.network import ATTRIBUTE_DEFAULTS, CHOICES, enterprise_node, firm_sizes, generate, peer_pairs
from sim.params import ParameterError, Parameters

FAMILIES = CHOICES["peer_network_family"]
SEEDS = range(10)


def county(seed: int, **values) -> tuple[nx.Graph, Parameters]:
    """A small generated county: 600 firms in 3 industries."""
    p = Parameters(n_enterprises=600, n_schools=2, n_industries=3, **values)
    return generate(p, np.random.default_rng(seed)), p


def peer_graph(g: nx.Graph, n_enterprises: int) -> nx.Graph:
    """The peer ties alone, on every firm (in index order, isolated ones too)."""
    peers = nx.Graph()
    peers.add_nodes_from(enterprise_node(i) for i in range(n_enterprises))
    peers.add_edges_from((a, b) for a, b, d in g.edges(data=True) if d["tie"] == "peer")
    return peers


def degrees(seed: int, **values) -> np.ndarray:
    g, p = county(seed, **values)
    peers = peer_graph(g, p.n_enterprises)
    return np.array([peers.degree(enterprise_node(i)) for i in range(p.n_enterprises)])


def gini(x: np.ndarray) -> float:
    x = np.sort(x)
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


@pytest.mark.parametrize("family", FAMILIES)
def test_peer_degree_does_not_depend_on_firm_index(family):
    r = [np.corrcoef(degrees(seed, peer_network_family=family), np.arange(600))[0, 1]
         for seed in SEEDS]
    mean, _, low, high, _ = mean_ci(np.array(r))
    assert low <= 0 <= high, (family, r)
    assert abs(mean) < 0.05, (family, r)


def test_random_family_is_uniform_pairs_with_the_mean_degree():
    for seed in SEEDS:
        g, _ = county(seed, peer_degree=6.0)
        industry = np.array([g.nodes[enterprise_node(i)]["industry"] for i in range(600)])
        _, counts = np.unique(industry, return_counts=True)
        peers = peer_graph(g, 600)
        # Every industry gets exactly round(n * degree / 2) distinct ties, none across industries.
        assert peers.number_of_edges() == sum(round(n * 6.0 / 2) for n in counts)
        assert all(g.nodes[a]["industry"] == g.nodes[b]["industry"] for a, b in peers.edges())
        assert nx.number_of_selfloops(peers) == 0
    # Uniform pairs: degree is binomial, variance = mean (1 - mean / (n_industry - 1)) ~ 5.8.
    var = [degrees(seed).var() for seed in SEEDS]
    mean, _, low, high, _ = mean_ci(np.array(var))
    assert 5.0 < low and high < 6.6, var


@pytest.mark.parametrize("family", ["random", "small_world"])
def test_asking_for_every_pair_gives_the_complete_graph(family):
    pairs = peer_pairs(np.zeros(7, dtype=np.int64), 6.0, np.random.default_rng(1), family)
    assert sorted(map(tuple, np.sort(pairs, axis=1).tolist())) == sorted(
        (i, j) for i in range(7) for j in range(i + 1, 7))


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("degree", [2.0, 6.0, 9.5])
def test_every_family_has_mean_degree_peer_degree(family, degree):
    means = [degrees(seed, peer_network_family=family, peer_degree=degree).mean()
             for seed in range(3)]
    assert np.allclose(means, degree, rtol=0.02), means


def test_hub_family_has_a_much_heavier_degree_tail_than_random():
    rand = np.array([degrees(seed) for seed in SEEDS])
    hub = np.array([degrees(seed, peer_network_family="hub") for seed in SEEDS])
    max_over_mean = hub.max(axis=1) / hub.mean(axis=1), rand.max(axis=1) / rand.mean(axis=1)
    assert max_over_mean[0].mean() > 2 * max_over_mean[1].mean(), max_over_mean
    gini_gap = [gini(h) - gini(r) for h, r in zip(hub, rand, strict=True)]
    _, _, low, _, _ = mean_ci(np.array(gini_gap))
    assert low > 0.08, gini_gap


def test_small_world_family_is_more_clustered_than_random():
    def clustering(seed, family, **values):
        g, p = county(seed, peer_network_family=family, **values)
        return nx.average_clustering(peer_graph(g, p.n_enterprises))

    rand = [clustering(seed, "random") for seed in range(5)]
    small = [clustering(seed, "small_world") for seed in range(5)]
    assert min(small) > 5 * max(rand), (small, rand)
    # Rewiring more ties leaves less of the ring's clustering.
    rewired = [clustering(seed, "small_world", small_world_rewiring_prob=0.3) for seed in range(5)]
    assert max(rewired) < min(small), (rewired, small)


@pytest.mark.parametrize("family", FAMILIES)
def test_same_seed_same_peer_ties_and_another_seed_others(family):
    ties = [sorted(peer_graph(county(seed, peer_network_family=family)[0], 600).edges())
            for seed in (4, 4, 5)]
    assert ties[0] == ties[1] and ties[0] != ties[2]


@pytest.mark.parametrize("name", CHOICES)
def test_unknown_choice_is_refused_naming_field_and_allowed_values(name):
    with pytest.raises(ParameterError, match=rf"{name} = 'nope' is not allowed: allowed "
                       + ", ".join(f"'{v}'" for v in CHOICES[name])) as err:
        CooperationModel(rng=1, n_enterprises=20, n_schools=1, **{name: "nope"})
    assert err.value.field_name == name


@pytest.mark.parametrize("tail", [1.06, 2.0])
def test_pareto_firm_sizes_have_median_one_and_the_declared_tail(tail):
    p = Parameters(firm_size_distribution="pareto", firm_size_pareto_tail=tail)
    size = np.sort(firm_sizes(p, 20000, np.random.default_rng(7)))[::-1]
    assert abs(np.median(size) - 1) < 0.03
    k = 400  # Hill estimator of the tail index on the largest 2 %
    hill = k / np.sum(np.log(size[:k] / size[k]))
    assert hill == pytest.approx(tail, rel=0.15)
    assert size.min() >= 2 ** (-1 / tail)


def test_pareto_firm_sizes_are_far_more_concentrated_than_lognormal():
    def top_share(**values):
        size = np.sort(firm_sizes(Parameters(**values), 20000, np.random.default_rng(3)))
        return size[-200:].sum() / size.sum()  # share of the largest 1 %

    assert top_share(firm_size_distribution="pareto") > 3 * top_share()


def test_generated_county_takes_sizes_and_ages_from_the_declared_parameters():
    g, _ = county(2, firm_size_distribution="pareto", firm_age_sigma=0.0,
                  firm_age_median_years=12.0, firm_age_size_elasticity=0.3,
                  firm_age_min_years=2.0, firm_age_max_years=40.0)
    size = np.array([g.nodes[enterprise_node(i)]["size"] for i in range(600)])
    age = np.array([g.nodes[enterprise_node(i)]["age"] for i in range(600)])
    assert size.min() >= 2 ** (-1 / 1.06)
    # With no age noise, age is the size relation itself, cut to [min, max].
    assert np.allclose(age, np.clip(12.0 * size ** 0.3, 2.0, 40.0), atol=0.05)
    assert age.max() == 40.0  # the heavy tail reaches the cap


def test_industry_concentration_sets_how_even_industry_shares_are():
    def share_gini(alpha):
        ginis = []
        for seed in SEEDS:
            g, _ = county(seed, industry_concentration=alpha)
            names = [g.nodes[enterprise_node(i)]["industry"] for i in range(600)]
            ginis.append(gini(np.unique(names, return_counts=True)[1]))
        return np.mean(ginis)

    assert share_gini(0.5) > 2 * share_gini(50.0)


@pytest.mark.parametrize("family", FAMILIES)
def test_model_runs_on_each_family_and_heavy_tailed_sizes(family):
    model = CooperationModel(rng=5, n_enterprises=300, n_schools=3, peer_network_family=family,
                             firm_size_distribution="pareto")
    assert model.population.peers.sum() / 300 == pytest.approx(6.0, rel=0.05)
    model.run_for(12)
    frame = model.datacollector.get_model_vars_dataframe()
    # approval_delay is NaN until the first approval, by definition.
    assert np.isfinite(frame.drop(columns="approval_delay").select_dtypes("number").to_numpy()).all()
    assert frame["partnerships_active"].iloc[-1] > 0


def test_graph_attribute_defaults_are_the_network_file_defaults():
    assert ATTRIBUTE_DEFAULTS == network_io.DEFAULTS
