"""The agent version of a game (sim.games.model, agents, network, runs)."""

from pathlib import Path

import numpy as np
import pytest

from sim.games.agents import Player, pairwise_proportional_imitation
from sim.games.model import GameModel
from sim.games.network import NetworkSpecError, parse_network
from sim.games.replicator import integrate, replicator_rhs, stable_profiles
from sim.games.runs import run_agents
from sim.games.spec import load_game

GAMES = Path(__file__).resolve().parents[1] / "scenarios" / "games"


def game(name, **overrides):
    return load_game(GAMES / f"{name}.toml", overrides)


def test_imitation_rule_switches_only_towards_higher_payoffs_in_proportion():
    n = 200_000
    rng = np.random.default_rng(0)
    own = np.zeros(n, dtype=np.int8)
    peer = np.ones(n, dtype=np.int8)
    own_payoff = np.zeros(n)
    peer_payoff = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)  # half better by 1, half worse
    new = pairwise_proportional_imitation(own, own_payoff, peer, peer_payoff, 4.0,
                                          np.ones(n, bool), rng.random(n))
    better = np.arange(n) % 2 == 0
    assert not new[~better].any()  # never copies a worse peer
    assert new[better].mean() == pytest.approx(1 / 4, abs=0.005)  # (1 - 0) / scale


def test_imitation_rule_ignores_missing_payoffs_and_non_revisers():
    own = np.array([0, 0, 0], dtype=np.int8)
    peer = np.array([1, 1, 1], dtype=np.int8)
    new = pairwise_proportional_imitation(
        own, np.array([np.nan, 0.0, 0.0]), peer, np.array([5.0, np.nan, 5.0]), 5.0,
        np.array([True, True, False]), np.zeros(3))
    assert new.tolist() == [0, 0, 0]


def test_players_are_inspectable_views_of_the_arrays():
    model = GameModel(game("hand-example"), sizes=(30, 40, 50), initial_shares=(0.2, 0.5, 1.0),
                      rng=1)
    assert [len(p) for p in model.players] == [30, 40, 50]
    assert len(model.agents) == 120
    assert model.shares() == pytest.approx([0.2, 0.5, 1.0])
    model.step()
    for population in model.players:
        for player in population:
            assert isinstance(player, Player)
            assert player.strategy == model.game.strategies[player.population][
                model.strategies[player.population][player.index]]
            assert np.isfinite(player.payoff)
    firms = model.players[2].select(lambda a: a.strategy == "content")
    assert len(firms) == round(model.share(2) * 50)


def test_one_step_is_revision_prob_over_payoff_range_of_replicator_time():
    model = GameModel(game("hand-example"), sizes=(10, 10, 10), revision_prob=0.5, rng=0)
    assert model.ode_time_per_step == pytest.approx(0.5 / 4.0)
    model.run_for(8)
    assert model.ode_time == pytest.approx(1.0)
    assert model.share_history().shape == (9, 3)


@pytest.mark.parametrize("network", [None, "ws:k=6,p=0.1", "er:p=0.02"])
def test_same_seed_same_history_different_seed_different(network):
    def history(seed):
        model = GameModel(game("form-vs-content"), sizes=(150, 150, 150), network=network,
                          rng=seed)
        model.run_for(40)
        return model.share_history()

    assert np.array_equal(history(7), history(7))
    assert not np.array_equal(history(7), history(8))


def test_replicated_runs_are_reproducible_from_the_root_seed():
    g = game("hand-example")
    a = run_agents(g, 3.0, (0.4, 0.6, 0.5), sizes=(100, 100, 100), replicates=3, seed=5)
    b = run_agents(g, 3.0, (0.4, 0.6, 0.5), sizes=(100, 100, 100), replicates=3, seed=5)
    assert np.array_equal(a.shares, b.shares)
    assert not np.array_equal(a.shares[0], a.shares[1])  # replicates are independent


# ABM follows the replicator ODE in the well-mixed, large-population limit.
#
# Tolerance, justified: the agents' *expected* one-step change is exactly the Euler
# step of the replicator equation with dt = revision_prob / payoff_range (see
# sim/games/agents.py), so the replicate mean differs from the ODE by
#   (a) the Euler discretisation error, computed here deterministically, plus
#   (b) sampling noise: one replicate's share has sd ~ sqrt(x(1-x)/N) <= 0.009 at
#       N = 3000, transiently amplified (measured up to 0.015 per replicate); the mean
#       of R = 8 replicates then has SE <= 0.0055, and STOCHASTIC_TOL = 0.03 is > 5 SE.
# Measured (seed 1): |mean - Euler| <= 0.009 and |mean - ODE| <= 0.024, of which the
# Euler error alone is up to 0.021. A rule with the wrong time scale (switching at half
# the proportional rate) fails by 0.16-0.26.
STOCHASTIC_TOL = 0.03
LIMIT_CASES = [
    ("form-vs-content", {}, 150.0, (0, 0, 0)),
    # Training worth twice the default (V = 6) and schools that value outcomes: one ESS.
    ("form-vs-content", {"k": 0.8, "U": 1.5, "V": 6.0}, 150.0, (0, 1, 1)),
    ("tripartite-literature", {"Rg": 7}, 25.0, (1, 1, 1)),
]


@pytest.mark.parametrize("name, overrides, t_max, ess", LIMIT_CASES,
                         ids=["status-quo", "schools-value-outcomes", "committed-government"])
def test_well_mixed_agents_follow_replicator_to_its_ess(name, overrides, t_max, ess):
    g = game(name, **overrides)
    payoffs = g.payoff_array()
    assert stable_profiles(payoffs) == [ess]  # three sets, three different ESS
    start = (0.5, 0.5, 0.5)
    run = run_agents(g, t_max, start, sizes=(3000, 3000, 3000), replicates=8, seed=1,
                     revision_prob=0.5)
    ode = integrate(payoffs, start, t_eval=run.ode_t)

    dt = run.ode_t[1]
    euler = np.empty_like(ode.shares)
    euler[0] = start
    for i in range(1, len(euler)):
        euler[i] = euler[i - 1] + dt * replicator_rhs(payoffs, euler[i - 1])
    discretisation = np.abs(euler - ode.shares).max()

    assert np.abs(run.mean - euler).max() < STOCHASTIC_TOL
    assert np.abs(run.mean - ode.shares).max() < discretisation + STOCHASTIC_TOL
    assert run.mean[-1] == pytest.approx(ess, abs=0.02)
    assert ode.shares[-1] == pytest.approx(ess, abs=0.02)


def test_network_matching_departs_from_the_well_mixed_path():
    g = game("hand-example")
    start = (0.4, 0.6, 0.5)
    mixed = run_agents(g, 6.0, start, sizes=(600, 600, 600), replicates=2, seed=2)
    ring = run_agents(g, 6.0, start, sizes=(600, 600, 600), replicates=2, seed=2,
                      network="ws:k=8,p=0.0")
    assert ring.stuck_share > 0
    assert mixed.mean[-1, 0] > ring.mean[-1, 0] + 0.1  # local matching slows the spread


def test_network_tables_match_the_graph():
    model = GameModel(game("hand-example"), sizes=(40, 50, 60), network="er:p=0.05", rng=3)
    by_node = {a.node: a for pop in model.players for a in pop}
    for p in range(3):
        for q in range(3):
            table = model._neighbours[p][q]
            for player in model.players[p]:
                expected = sorted(by_node[v].index for v in model.graph.neighbors(player.node)
                                  if by_node[v].population == q)
                got = table.indices[table.indptr[player.index]:table.indptr[player.index + 1]]
                assert sorted(got.tolist()) == expected
    for node, data in model.graph.nodes(data=True):
        assert data["agent"].node == node


@pytest.mark.parametrize("text, fragment", [
    ("grid:n=3", "unknown network kind"),
    ("ws:k=8", "missing p"),
    ("ws:k=8,p=2", "probability"),
    ("ws:k=2.5,p=0.1", "positive integer"),
    ("er:q=0.1", "unexpected"),
    ("er:p=abc", "must be a number"),
])
def test_network_spec_errors(text, fragment):
    with pytest.raises(NetworkSpecError, match=fragment):
        parse_network(text)


def test_network_spec_round_trip():
    assert str(parse_network("ws:k=8,p=0.1")) == "ws:k=8,p=0.1"
    assert str(parse_network("complete")) == "complete"
