"""Replicator equations, Jacobian and equilibrium classification (sim.games.replicator)."""

from pathlib import Path

import numpy as np
import pytest

from sim.games.replicator import (
    PAPER_ORDER,
    classify,
    integrate,
    jacobian,
    payoff_range,
    pure_equilibria,
    replicator_rhs,
    stable_profiles,
)
from sim.games.spec import load_game

GAMES = Path(__file__).resolve().parents[1] / "scenarios" / "games"


@pytest.fixture(scope="module")
def hand():
    return load_game(GAMES / "hand-example.toml").payoff_array()


def test_hand_example_eigenvalues_known_answer(hand):
    # Worked by hand (docs/games.md): F_x = 2z - 1, F_y = 4z - 1, F_z = 3x + y - 1, so at
    # corner E(x,y,z) the eigenvalues are ((1-2x)F_x, (1-2y)F_y, (1-2z)F_z).
    expected = {
        (0, 0, 0): ((-1, -1, -1), "ESS"),
        (1, 0, 0): ((1, -1, 2), "saddle"),
        (0, 1, 0): ((-1, 1, 0), "non-hyperbolic"),
        (0, 0, 1): ((1, 3, 1), "unstable"),
        (1, 1, 0): ((1, 1, 3), "unstable"),
        (1, 0, 1): ((-1, 3, -2), "saddle"),
        (0, 1, 1): ((1, -3, 0), "non-hyperbolic"),
        (1, 1, 1): ((-1, -3, -3), "ESS"),
    }
    table = pure_equilibria(hand)
    assert [e.profile for e in table] == list(PAPER_ORDER)
    for eq in table:
        eigenvalues, stability = expected[eq.profile]
        assert eq.eigenvalues == pytest.approx(eigenvalues, abs=1e-12), eq.profile
        assert eq.stability == stability, eq.profile
    assert stable_profiles(hand) == [(0, 0, 0), (1, 1, 1)]


def test_hand_example_rhs_matches_hand_formula(hand):
    rng = np.random.default_rng(3)
    for x, y, z in rng.random((20, 3)):
        expected = [x * (1 - x) * (2 * z - 1), y * (1 - y) * (4 * z - 1),
                    z * (1 - z) * (3 * x + y - 1)]
        assert replicator_rhs(hand, (x, y, z)) == pytest.approx(expected, abs=1e-12)


def random_game(seed):
    return np.random.default_rng(seed).normal(size=(3, 2, 2, 2)) * 3


@pytest.mark.parametrize("seed", range(5))
def test_analytic_jacobian_matches_finite_differences(seed):
    payoffs = random_game(seed)
    rng = np.random.default_rng(100 + seed)
    h = 1e-6
    for point in [*rng.uniform(0.05, 0.95, (4, 3)), *map(np.array, PAPER_ORDER)]:
        numeric = np.empty((3, 3))
        for j in range(3):
            step = np.zeros(3)
            step[j] = h
            numeric[:, j] = (replicator_rhs(payoffs, point + step)
                             - replicator_rhs(payoffs, point - step)) / (2 * h)
        assert jacobian(payoffs, point) == pytest.approx(numeric, abs=1e-6)


def test_corner_eigenvalue_is_the_gain_from_deviating():
    payoffs = random_game(9)
    for eq in pure_equilibria(payoffs):
        index = tuple(1 - s for s in eq.profile)
        for p in range(3):
            deviation = list(index)
            deviation[p] = 1 - deviation[p]
            gain = payoffs[(p, *deviation)] - payoffs[(p, *index)]
            assert eq.eigenvalues[p] == pytest.approx(gain, abs=1e-12)


def test_rest_points_at_every_corner():
    payoffs = random_game(4)
    for corner in PAPER_ORDER:
        assert not replicator_rhs(payoffs, corner).any()


def test_classify():
    assert classify([-1, -2, -0.1], 1e-9) == "ESS"
    assert classify([1, 2, 0.1], 1e-9) == "unstable"
    assert classify([1, -2, 0.1], 1e-9) == "saddle"
    assert classify([1, -2, 1e-12], 1e-9) == "non-hyperbolic"
    assert classify([-1, -2, -1e-12], 1e-9) == "non-hyperbolic"


def test_trajectories_end_at_the_ess_of_their_basin(hand):
    assert integrate(hand, (0.6, 0.6, 0.6), t_max=60).shares[-1] == pytest.approx(
        [1, 1, 1], abs=1e-3)
    assert integrate(hand, (0.2, 0.2, 0.1), t_max=60).shares[-1] == pytest.approx(
        [0, 0, 0], abs=1e-3)


def test_integrate_stays_in_unit_cube_and_rejects_bad_start(hand):
    traj = integrate(hand, (0.01, 0.99, 0.5), t_max=30, n_points=301)
    assert traj.shares.shape == (301, 3)
    assert np.all((traj.shares >= 0) & (traj.shares <= 1))
    with pytest.raises(ValueError):
        integrate(hand, (1.2, 0.5, 0.5))


@pytest.mark.parametrize("name, overrides, ess", [
    ("form-vs-content", {}, [(0, 0, 0)]),
    ("form-vs-content", {"k": 0.8, "U": 1.5, "V": 6.0}, [(0, 1, 1)]),
    ("form-vs-content", {"S": 1, "t": 0.3, "m": 1, "k": 0.8, "aw": 0.9, "a": 0.3, "w": 0.6, "V": 6.0},
     [(0, 0, 1)]),
    ("tripartite-literature", {}, []),
    ("tripartite-literature", {"Ee": 2.5}, [(0, 1, 1)]),
    ("tripartite-literature", {"Rg": 7}, [(1, 1, 1)]),
])
def test_shipped_games_have_the_documented_ess(name, overrides, ess):
    game = load_game(GAMES / f"{name}.toml", overrides)
    assert stable_profiles(game.payoff_array()) == ess


def test_status_quo_needs_more_than_subsidy_without_audit():
    # Subsidy without audit leaks: form can still draw it, so E(0,0,0) stays the ESS.
    game = load_game(GAMES / "form-vs-content.toml", {"S": 1.0})
    assert stable_profiles(game.payoff_array()) == [(0, 0, 0)]


def test_payoff_range(hand):
    assert payoff_range(hand) == 4.0  # school: s = 3 down to -c = -1


def test_heteroclinic_cycle_integrates_long_and_stays_in_the_cube():
    # No ESS: trajectories creep along faces ever closer to the corners. Integrating
    # shares directly overflowed here; log-odds integration must stay finite.
    payoffs = load_game(GAMES / "tripartite-literature.toml").payoff_array()
    traj = integrate(payoffs, (0.5, 0.5, 0.5), t_max=300)
    assert np.all(np.isfinite(traj.shares))
    assert np.all((traj.shares >= 0) & (traj.shares <= 1))
    assert traj.shares[:, 0].max() > 0.99 and traj.shares[:, 0].min() < 0.01  # it cycles


def test_shares_starting_on_a_face_stay_on_it(hand):
    traj = integrate(hand, (0.0, 0.5, 1.0), t_max=20)
    assert np.all(traj.shares[:, 0] == 0.0)
    assert np.all(traj.shares[:, 2] == 1.0)
    assert traj.shares[-1, 1] == pytest.approx(1.0, abs=1e-3)  # F_y = 4z - 1 = 3 > 0
