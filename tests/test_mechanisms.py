import numpy as np
import pytest
from scipy import sparse

from sim.mechanisms import choice, departments, incentives, planning, poaching, reporting


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


def test_each_holder_does_less_when_others_share_the_mandate():
    # The volunteer's dilemma: with more holders each expects another to act.
    a = np.full(6, 0.8)
    takeups = []
    for k in (1, 2, 4, 6):
        held = np.zeros((6, 3), dtype=bool)
        held[:k, :] = True
        x = departments.take_up(a, held, None, 1.0, 0.5, 0.05)
        takeups.append(x[0, 0])
        assert (x[k:] == 0).all()  # departments without the mandate never act
    assert all(later < earlier for earlier, later in zip(takeups, takeups[1:], strict=False))
    # A sole holder acts with its awareness x P(willing): near its awareness when a V >> c.
    assert takeups[0] == pytest.approx(0.8 * (1 / (1 + np.exp(-(0.8 - 0.5) / 0.05))), abs=1e-3)


def test_a_coordination_body_pools_holders_without_diffusion_of_responsibility():
    a = np.array([0.2, 0.5, 0.8, 0.3, 0.6])
    held = np.ones((5, 3), dtype=bool)
    lead = departments.primary_holders(5)
    with_lead = departments.take_up(a, held, lead, 1.0, 0.5, 0.05)
    shared = departments.take_up(a, held, None, 1.0, 0.5, 0.05)
    # Each holder acts as a sole holder would; the lead is credited with all of it.
    sole = np.array([departments.take_up(a[i:i + 1], held[:1], None, 1.0, 0.5, 0.05)[0, 0]
                     for i in range(5)])
    assert with_lead[lead, np.arange(3)] == pytest.approx(1 - np.prod(1 - sole))
    others = np.ones_like(with_lead, dtype=bool)
    others[lead, np.arange(3)] = False
    assert (with_lead[others] == 0).all()
    # Nobody waits for another, so more gets done than when each expects the others to act.
    assert (departments.done_prob(with_lead) > departments.done_prob(shared)).all()
    assert departments.pooled_awareness(a, held) == pytest.approx(np.full(3, 1 - np.prod(1 - a)))


def test_unaware_departments_do_nothing_and_mandates_have_a_primary_holder():
    held = departments.assign_mandates(6, 0.0, rng(1))
    assert held.sum() == 3 and held[departments.primary_holders(6), np.arange(3)].all()
    assert departments.assign_mandates(4, 1.0, rng(1)).all()
    x = departments.take_up(np.zeros(6), np.ones((6, 3), dtype=bool), None, 1.0, 0.5, 0.1)
    assert (x == 0).all()


def test_tasks_respect_each_departments_capacity():
    capacity = np.array([3.0, 0.0, 5.0])
    doer = departments.assign_tasks(50, np.array([1.0, 1.0, 0.0]), capacity, rng(2))
    assert (doer == 0).sum() == 3 and (doer == 1).sum() == 0 and (doer == 2).sum() == 0
    assert (doer == -1).sum() == 47 and capacity.tolist() == [0.0, 0.0, 5.0]


def test_sign_offs_are_every_holder_or_the_lead_alone():
    held = np.array([[1, 1, 0], [0, 1, 1], [1, 0, 1], [0, 1, 0]], dtype=bool)
    assert departments.sign_off_sequence(held, None).tolist() == [0, 1, 3]
    assert departments.sign_off_sequence(held, departments.primary_holders(4)).tolist() == [1]


def test_targeted_audits_find_false_reports_when_the_reading_is_good():
    n = 2000
    depth = np.full(n, 1)
    reported = np.full(n, 2)
    depth[: n // 2] = 2          # half honest at practice
    reported[-100:] = 3          # 100 form partnerships reported as content
    false = reported > depth
    eligible = reported >= 2
    sharp = departments.pick_suspicious(100, reported, depth, eligible, 0.0, rng(3))
    blurred = departments.pick_suspicious(100, reported, depth, eligible, 20.0, rng(3))
    assert false[sharp].mean() == 1.0
    # With a poor reading audits are close to random: about the false share.
    assert false[blurred].mean() < 0.5
    assert len(set(sharp)) == 100


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
    r = poaching.base_retention(0.5, np.array([0.1, 1.0, 10.0, 1e9]), 0.15)
    assert r[1] == pytest.approx(0.5) and r[0] < r[1] < r[2] < r[3] <= 1.0
    assert (poaching.base_retention(1.0, np.array([0.01, 1.0, 100.0]), 0.15) == 1.0).all()


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


def test_false_reports_are_chosen_only_where_they_pay():
    from sim.mechanisms.enterprise_payoff import ALTERNATIVES, joint_payoff

    base = np.tile(np.array([0.0, 0.2, -0.5, -1.0]), (3, 1))
    claimed = np.array([[0, 0, 0.5, 1.0], [0, 0, 0, 0], [0, 0, 1e-6, 2e-6]])
    u = joint_payoff(base, claimed, detection_risk=0.0, penalty=5.0, horizon=12, fabrication_cost=1.0)
    form_as_content = next(i for i, (r, s) in enumerate(ALTERNATIVES) if (r, s) == (1, 3))
    # No audits: form reported as content draws the content claim less the amortised fake.
    assert u[0, form_as_content] == pytest.approx(0.2 + 1.0 - 1.0 / 12)
    # Nothing to claim, or too little to cover fabricating evidence: not an option.
    assert np.isneginf(u[1, 4:]).all() and np.isneginf(u[2, 4:]).all()
    audited = joint_payoff(base, claimed, detection_risk=0.2, penalty=5.0, horizon=12,
                           fabrication_cost=1.0)
    assert np.isneginf(audited[0, form_as_content])  # expected fine + clawback exceed the gain
    # Honest alternatives are untouched by audits.
    assert audited[0, :4] == pytest.approx(u[0, :4])


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
    unplanned = planning.initial_majors(demand, 0.0, 2000, rng(6), 0.4, 0.5)
    planned = planning.initial_majors(demand, 1.0, 10, rng(6), 0.4, 0.5)
    assert unplanned.sum(axis=1).mean() == pytest.approx(1 - 0.5, abs=0.03)
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


def test_practice_is_paid_the_declared_share_of_the_content_subsidy():
    import numpy as np

    from sim.mechanisms.incentives import entitlement

    rung = np.array([0, 1, 2, 3])
    cost = np.array([0.0, 0.1, 0.5, 1.0])
    aware = np.ones(4, dtype=bool)
    for share in (0.0, 0.5, 0.8):
        subsidy, _ = entitlement(2.0, 0.3, rung, cost, aware, share)
        assert subsidy.tolist() == [0.0, 0.0, 2.0 * share, 2.0]  # form is never paid
    unaware, _ = entitlement(2.0, 0.3, rung, cost, np.zeros(4, dtype=bool), 0.5)
    assert not unaware.any()
