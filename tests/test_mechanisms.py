import numpy as np
import pytest
from scipy import sparse

from sim.mechanisms import choice, coordination, incentives, planning, poaching, reporting


def rng(seed=0):
    return np.random.default_rng(seed)


def test_subsidies_stop_exactly_at_budget():
    claims = np.array([3.0, 0.0, 3.0, 3.0, 3.0])
    paid, left = incentives.pay_subsidies(claims, 7.0, rng())
    assert paid.sum() == pytest.approx(7.0) and left == pytest.approx(0.0)
    assert paid[1] == 0.0
    assert sorted(paid[paid > 0]) == pytest.approx([1.0, 3.0, 3.0])


def test_subsidies_paid_in_full_within_budget():
    claims = np.array([1.0, 2.0, 0.0])
    paid, left = incentives.pay_subsidies(claims, 10.0, rng())
    assert np.array_equal(paid, claims) and left == pytest.approx(7.0)


def test_dilution_and_sign_offs():
    assert coordination.effort_dilution(0.0, 6, False) == 1.0
    assert coordination.effort_dilution(1.0, 4, False) == pytest.approx(0.25)
    assert coordination.effort_dilution(1.0, 4, True) == 1.0
    assert coordination.expected_sign_offs(0.7, 6, False) == pytest.approx(2.75)
    assert coordination.expected_sign_offs(0.7, 6, True) == 1.0
    assert coordination.expected_sign_offs(0.0, 6, False) == 1.0


def test_drawn_sign_offs_are_whole_and_unbiased():
    drawn = coordination.draw_sign_offs(2.75, 40000, rng(9))
    assert set(np.unique(drawn)) == {2, 3}
    assert drawn.mean() == pytest.approx(2.75, abs=0.01)
    assert (coordination.draw_sign_offs(1.0, 50, rng(9)) == 1).all()


def test_applications_clear_one_stage_at_a_time():
    stages = np.full(20000, 3)
    after = coordination.advance_applications(stages, 0.25, rng())
    assert set(np.unique(after)) == {2, 3}
    assert (3 - after).mean() == pytest.approx(0.25, abs=0.01)
    assert (coordination.advance_applications(np.zeros(5, int), 1.0, rng()) == 0).all()


def test_poaching_loss_counts_only_non_training_peers():
    # firm 0 has peers 1, 2, 3; firm 1 trains.
    adj = sparse.csr_matrix(np.array([[0, 1, 1, 1], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]],
                                     dtype=float))
    training = np.array([0.0, 1.0, 0.0, 0.0])
    loss = poaching.poaching_loss(adj, training, 0.1)
    assert loss[0] == pytest.approx(1 - 0.9**2)
    assert loss[1] == pytest.approx(0.1)
    assert poaching.poaching_loss(adj, training, 0.0).max() == 0.0


def test_larger_firms_retain_more_but_never_above_one():
    r = poaching.base_retention(0.5, np.array([0.1, 1.0, 10.0, 1e9]))
    assert r[1] == pytest.approx(0.5) and r[0] < r[1] < r[2] < r[3] <= 1.0
    assert (poaching.base_retention(1.0, np.array([0.01, 1.0, 100.0])) == 1.0).all()


def test_logit_choice_matches_probabilities():
    u = np.tile(np.array([0.0, 0.5, 1.0]), (40000, 1))
    picks = choice.logit_choice(u, 0.5, rng(1))
    expected = np.exp(u[0] / 0.5) / np.exp(u[0] / 0.5).sum()
    observed = np.bincount(picks, minlength=3) / len(picks)
    assert observed == pytest.approx(expected, abs=0.01)


def test_logit_choice_is_near_argmax_at_low_temperature():
    u = rng(2).normal(size=(500, 4))
    assert np.array_equal(choice.logit_choice(u, 0.001, rng(3)), u.argmax(axis=1))


def test_observation_noise_rate_and_bounds():
    reported = np.full(50000, 2)
    seen = reporting.observe(reported, 0.2, rng(4))
    assert (seen != 2).mean() == pytest.approx(0.2, abs=0.01)
    assert set(np.unique(reporting.observe(np.array([0, 3] * 1000), 1.0, rng(5)))) <= {0, 1, 2, 3}


def test_misreporting_pays_only_when_audits_are_weak():
    gain = np.array([1.0])
    h, fake = reporting.MISREPORT_HORIZON_STEPS, reporting.FABRICATION_COST
    assert reporting.misreport_utility(gain, 0.0, 5.0)[0] == pytest.approx(h - fake)
    assert reporting.misreport_utility(gain, 0.2, 5.0)[0] < 0
    # A negligible gain does not cover the cost of faking evidence.
    assert reporting.misreport_utility(np.array([1e-6]), 0.0, 0.0)[0] == pytest.approx(-fake, abs=1e-4)


def test_fit_and_major_adjustment():
    demand = np.array([0.5, 0.3, 0.2])
    majors = np.array([[1.0, 0.0, 0.0], [0.5, 0.3, 0.2]])
    fit = planning.fit_matrix(majors, demand)
    assert fit[0].tolist() == [1.0, 0.0, 0.0] and np.allclose(fit[1], 1.0)
    assert planning.alignment_index(majors, demand) == pytest.approx([0.5, 1.0])
    moved = planning.adjust_majors(majors, demand, 0.5)
    assert np.allclose(moved.sum(axis=1), 1.0)
    assert planning.alignment_index(moved, demand)[0] > 0.5


def test_unplanned_schools_put_students_in_non_local_majors():
    demand = np.array([0.4, 0.3, 0.2, 0.1])
    unplanned = planning.initial_majors(demand, 0.0, 2000, rng(6))
    planned = planning.initial_majors(demand, 1.0, 10, rng(6))
    assert unplanned.sum(axis=1).mean() == pytest.approx(1 - planning.UNPLANNED_NONLOCAL_SHARE, abs=0.03)
    assert np.allclose(planned, demand)


def test_supply_adequacy_falls_when_partners_want_more_students_than_the_school_trains():
    majors = np.array([[0.5, 0.0]])
    intake = np.array([100])
    school = np.array([0, 0, 0])
    industry = np.array([0, 0, 1])
    adequacy = planning.supply_adequacy(majors, intake, school, industry, np.array([50.0, 50.0, 10.0]))
    assert adequacy[0, 0] == pytest.approx(0.5)   # 50 students for 100 wanted
    assert adequacy[0, 1] == 0.0                  # no students in that major at all
    free = planning.supply_adequacy(majors, intake, school[:0], industry[:0], np.zeros(0))
    assert (free == 1.0).all()
