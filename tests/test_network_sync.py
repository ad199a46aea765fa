"""The speed-ups keep what users read: model.network, the output frame, the arrays.

The step changes only arrays; ``model.network`` is built and brought in step
when read, the collector appends the tally without Mesa's reporter calls, and
poaching and the pair table are updated incrementally. Each test compares one
of these with the plain computation it replaces.
"""

from __future__ import annotations

import mesa
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from sim import CooperationModel, Depth, Parameters, outputs
from sim.mechanisms import poaching
from sim.network import (
    county_graph,
    draw_county,
    generate,
    population_from_draw,
    population_from_graph,
)
from sim.partnerships import PairIndex

SMALL = dict(n_enterprises=300, n_schools=6, service_awareness=0.9,
             subsidy_per_content_step=2.0, subsidy_budget_per_year=1e4, audit_prob_per_step=0.1)


def _pairs(model: CooperationModel) -> dict[tuple[str, str], int]:
    pt, pop = model.partnerships, model.population
    return {(pop.school_keys[s], pop.enterprise_keys[e]): int(d)
            for s, e, d in zip(pt.school, pt.enterprise, pt.depth, strict=True)}


class EagerMirror:
    """The graph as the model used to keep it: edited after every step from the table."""

    def __init__(self, model: CooperationModel, graph: nx.Graph):
        self.graph = graph
        self.pairs = _pairs(model)
        self.brokered = int(model.dept_brokered.sum())

    def after_step(self, model: CooperationModel) -> None:
        pairs = _pairs(model)
        for key in self.pairs.keys() - pairs.keys():
            self.graph.remove_edge(*key)
        for key, depth in pairs.items():
            if key not in self.pairs:
                self.graph.add_edge(*key, tie="partnership", depth=depth)
            elif depth != self.pairs[key]:
                self.graph.edges[key]["depth"] = depth
        # Service ties: every partnership brokered this step ties its broker to the firm.
        pt, pop = model.partnerships, model.population
        for s, e, b in zip(pt.school, pt.enterprise, pt.broker, strict=True):
            key = (pop.school_keys[s], pop.enterprise_keys[e])
            if b >= 0 and key not in self.pairs:
                self.graph.add_edge(pop.department_keys[b], pop.enterprise_keys[e], tie="service")
        self.pairs = pairs


def _edges(graph: nx.Graph) -> dict[frozenset, dict]:
    return {frozenset((u, v)): dict(d) for u, v, d in graph.edges(data=True)}


@pytest.mark.parametrize("seed", [3, 11])
def test_network_read_at_any_step_equals_a_graph_edited_every_step(seed):
    model = CooperationModel(rng=seed, **SMALL)
    mirror = EagerMirror(model, generate(Parameters(**SMALL), np.random.default_rng(seed)))
    for step in range(1, 61):
        model.step()
        mirror.after_step(model)
        if step in (1, 7, 30, 31, 60):  # reads between steps, then more steps
            graph = model.network
            assert _edges(graph) == _edges(mirror.graph), step
            assert set(graph.nodes) == set(mirror.graph.nodes)
    ties = {d["tie"] for _, _, d in model.network.edges(data=True)}
    assert {"partnership", "service", "peer", "jurisdiction"} <= ties
    # The partnership table really moved (formations, depth changes, dissolutions).
    assert model.datacollector.get_model_vars_dataframe()["partnerships_dissolved"].sum() > 0


def test_network_nodes_carry_their_agents_and_graph_object_is_kept():
    model = CooperationModel(rng=2, **SMALL)
    model.run_for(12)
    graph = model.network
    for agent in model.agents:
        assert graph.nodes[agent.node]["agent"] is agent
    model.run_for(12)
    assert model.network is graph  # the same graph, brought up to date
    assert {k: v for k, v in _pairs(model).items()} == {
        (u, v) if u.startswith("school") else (v, u): d["depth"]
        for u, v, d in graph.edges(data=True) if d["tie"] == "partnership"}


def test_given_partnership_ties_keep_their_attributes_until_their_depth_moves():
    base = generate(Parameters(n_enterprises=200, n_schools=4), np.random.default_rng(0))
    firms = [n for n, d in base.nodes(data=True) if d["type"] == "enterprise"][:40]
    for i, firm in enumerate(firms):
        base.add_edge(f"school:{i % 4}", firm, tie="partnership", depth="form", since=2019)
    model = CooperationModel(rng=5, network=base, n_enterprises=200, n_schools=4)
    model.run_for(36)
    graph = model.network
    pairs = _pairs(model)
    moved = unmoved = 0
    for i, firm in enumerate(firms):
        key = (f"school:{i % 4}", firm)
        if key not in pairs:
            assert not graph.has_edge(*key)  # dissolved
            continue
        data = graph.edges[key]
        if data["depth"] == "form":
            unmoved += 1
            assert pairs[key] == Depth.FORM and data["since"] == 2019
        else:
            moved += 1
            assert data["depth"] == pairs[key] and isinstance(data["depth"], int)
    assert moved + unmoved > 0
    assert not base.edges[("school:0", firms[0])].get("agent")  # the caller's graph is untouched


@pytest.mark.parametrize("params", [
    {}, {"peer_network_family": "hub"}, {"peer_network_family": "small_world"},
    {"firm_size_distribution": "pareto", "n_departments": 12},
    {"n_enterprises": 20, "n_industries": 12},  # some industries get no firm
])
def test_population_drawn_without_a_graph_equals_the_one_read_from_it(params):
    p = Parameters(**params)
    for seed in range(3):
        draw = draw_county(p, np.random.default_rng(seed))
        direct, read = population_from_draw(draw), population_from_graph(county_graph(draw))
        for name in direct.__dataclass_fields__:
            a, b = getattr(direct, name), getattr(read, name)
            if name == "peers":
                assert (a != b).nnz == 0 and np.array_equal(a.indices, b.indices)
                assert np.array_equal(a.indptr, b.indptr)
            elif isinstance(a, np.ndarray):
                assert a.dtype == b.dtype and np.array_equal(a, b), name
            else:
                assert a == b, name


def test_tally_collector_gives_the_frame_mesas_collector_gives():
    model = CooperationModel(rng=4, **SMALL)
    reference = mesa.DataCollector(model_reporters=outputs.reporters())
    reference.collect(model)
    for _ in range(30):
        model.step()
        reference.collect(model)
    pd.testing.assert_frame_equal(model.datacollector.get_model_vars_dataframe(),
                                  reference.get_model_vars_dataframe(), check_exact=True)


@pytest.mark.parametrize("dense", [True, False])
def test_incremental_poaching_and_pair_index_match_a_full_recomputation(dense, monkeypatch):
    if not dense:  # the set kept above DENSE_LIMIT possible pairs
        monkeypatch.setattr(PairIndex, "DENSE_LIMIT", 0)
    model = CooperationModel(rng=6, **SMALL)
    assert (model._paired._table is None) is not dense
    for _ in range(4):
        model.run_for(15)
        pt = model.partnerships
        training = np.zeros(len(model.enterprises))
        training[pt.enterprise[pt.depth >= Depth.PRACTICE]] = 1.0
        loss = poaching.poaching_loss(model.population.peers, training, model.p.poaching_prob_per_tie)
        assert np.array_equal(model.ent_loss, loss)
        assert np.array_equal(model.ent_retained,
                              poaching.retained_share(model.ent_base_retention, loss))
        keys = np.sort(pt.school * len(model.enterprises) + pt.enterprise)
        assert np.array_equal(model._paired.keys(), keys)
