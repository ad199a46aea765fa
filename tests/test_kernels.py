"""The compiled step (sim/mechanisms/kernels.py) computes what the mechanisms' numpy formulas do.

Same inputs, same seed: equal numbers and equal generator state afterwards
(the kernels draw from the run's own generator, in the formulas' order).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.mechanisms import assessment, choice, departments, enterprise_payoff, kernels, service
from sim.mechanisms.enterprise_payoff import INVEST


def _firm_case(rng, n=60, n_s=4, n_e=30, n_k=3):
    return dict(
        schools=rng.integers(0, n_s, n), firms=rng.integers(0, n_e, n), depth=rng.integers(0, 4, n),
        deep_full=rng.random(n) < 0.3, fit_by_industry=rng.random((n_s, n_k)),
        industry=rng.integers(0, n_k, n_e), value_scale=rng.random(n_e) + 0.5,
        retained=rng.random(n_e), school_quality=rng.random(n_s),
        risk=rng.random((n_s, 4)) * 0.2, cost=np.sort(rng.random((n_e, 4)), axis=1),
        yield_by_rung=np.array([0.0, 0.1, 0.5, 1.0]), aware=rng.random(n_e) < 0.6)


@pytest.mark.parametrize("on_offer", [False, True])
def test_enterprise_alternatives_equal_the_payoff_formulas(on_offer):
    rng = np.random.default_rng(3)
    c = _firm_case(rng)
    scalars = dict(training_value=1.3, symbolic=0.2, subsidy=0.8 if on_offer else 0.0,
                   tax=0.3 if on_offer else 0.0, credibility=0.7, payout=0.9, discount=0.6,
                   detection=0.05, penalty=5.0, horizon=12, fabrication=0.4, practice_share=0.35)
    sc = np.array([scalars["training_value"], scalars["symbolic"], float(on_offer), scalars["subsidy"],
                   scalars["tax"], scalars["credibility"], scalars["payout"], scalars["discount"],
                   scalars["detection"], scalars["penalty"], scalars["horizon"],
                   scalars["fabrication"], scalars["practice_share"]])
    got = kernels.enterprise_alternatives(
        c["schools"], c["firms"], c["depth"], c["deep_full"], c["fit_by_industry"], c["industry"],
        c["value_scale"], c["retained"], c["school_quality"], c["risk"], c["cost"],
        c["yield_by_rung"], c["aware"], sc)
    s, e = c["schools"], c["firms"]
    base = enterprise_payoff.honest_payoff(
        value_scale=c["value_scale"][e], retained=c["retained"][e],
        fit=c["fit_by_industry"][s, c["industry"][e]], school_quality=c["school_quality"][s],
        risk=c["risk"][s], cost=c["cost"][e], training_value=scalars["training_value"],
        symbolic_value=scalars["symbolic"], yield_by_rung=c["yield_by_rung"])
    if on_offer:
        upgrade = np.arange(4)[None, :] > c["depth"][:, None]
        tax_weight = scalars["credibility"] * np.where(upgrade, scalars["discount"], 1.0)
        claimed = enterprise_payoff.incentives(
            aware=c["aware"][e].astype(float), subsidy=scalars["subsidy"], tax_rate=scalars["tax"],
            cost=c["cost"][e], subsidy_weight=tax_weight * scalars["payout"], tax_weight=tax_weight,
            practice_share=scalars["practice_share"])
        want = enterprise_payoff.joint_payoff(base, claimed, scalars["detection"], scalars["penalty"],
                                              scalars["horizon"], scalars["fabrication"])
        assert np.isfinite(want[:, 4:]).any()  # some false report pays: the branch is exercised
    else:
        want = enterprise_payoff.honest_only(base)
    want[c["deep_full"][:, None] & (INVEST >= 2)[None, :]] = -np.inf
    assert np.array_equal(got, want)


def test_school_alternatives_equal_the_assessment_formula():
    rng = np.random.default_rng(4)
    c = _firm_case(rng)
    broker = rng.integers(-1, 3, c["schools"].size)
    acting = rng.random(3)
    capacity = rng.random(4)
    credit, cost = np.array([0.0, 0.1, 0.6, 1.0]), np.array([0.0, 0.05, 0.3, 0.8])
    sc = np.array([0.4, 0.5, 0.12, 0.7, 0.2, 0.65])  # the last: subsidy_practice_share
    got = kernels.school_alternatives(c["schools"], c["firms"], broker, c["fit_by_industry"],
                                      c["industry"], capacity, acting, c["school_quality"], credit,
                                      cost, sc)
    s, e = c["schools"], c["firms"]
    served = np.where(broker >= 0, acting[np.maximum(broker, 0)], 0.0)
    relief = 1.0 - (1.0 - sc[0] * capacity[s]) * (1.0 - sc[1] * served)
    want = assessment.school_utility(
        outcome_weight=sc[3], placement_value=sc[4], outcome_credit=credit,
        quality=c["fit_by_industry"][s, c["industry"][e]] * c["school_quality"][s], cost=cost,
        relief=relief, compensation=np.full(s.size, sc[2]), practice_share=sc[5])
    assert np.array_equal(got, want)


def test_logit_and_task_assignment_draw_as_the_numpy_formulas():
    u = np.random.default_rng(5).normal(size=(200, 7))
    u[::3, 4:] = -np.inf
    a, b = np.random.default_rng(9), np.random.default_rng(9)
    assert np.array_equal(kernels.logit_rows(u, 0.25, a), choice.logit_choice(u, 0.25, b))
    x = np.array([0.2, 0.7, 0.5])
    cap_a, cap_b = np.array([3.0, 40.0, 5.0]), np.array([3.0, 40.0, 5.0])
    assert np.array_equal(kernels.assign_tasks(50, x, cap_a, a),
                          departments.assign_tasks(50, x, cap_b, b))
    assert np.array_equal(cap_a, cap_b) and (cap_a < [3.0, 40.0, 5.0]).all()  # capacity is used
    assert a.bit_generator.state == b.bit_generator.state


def test_proposals_are_the_brokering_and_candidate_draws_of_the_mechanisms():
    rng = np.random.default_rng(6)
    fit, industry = rng.random((5, 3)), rng.integers(0, 3, 80)
    worth = np.array([0.5, -0.1, 0.02, 0.9, 0.3])
    takeup = np.array([0.3, 0.6])
    a, b = np.random.default_rng(11), np.random.default_rng(11)
    cap_a, cap_b = np.full(2, 30.0), np.full(2, 30.0)
    schools, firms, broker = kernels.propose(worth, 2, 0.25, takeup, cap_a, fit, industry, 0.35, 10,
                                             5, a)
    attempts = np.repeat(np.arange(5), np.where(worth > 0, 2, 0))
    want_broker = departments.assign_tasks(attempts.size, takeup, cap_b, b)
    keep = (want_broker >= 0) | (worth[attempts] > 0.25)
    want_firms = service.choose_candidates(fit, industry, attempts[keep], want_broker[keep] >= 0,
                                           0.35, b, 10, 5)
    assert np.array_equal(schools, attempts[keep]) and np.array_equal(broker, want_broker[keep])
    assert np.array_equal(firms, want_firms)
    assert a.bit_generator.state == b.bit_generator.state
    assert (broker >= 0).any() and (broker < 0).any()  # both kinds of search are exercised


def test_audits_pick_the_reports_the_numpy_departments_pick():
    rng = np.random.default_rng(8)
    depth = rng.integers(0, 4, 300)
    reported = np.minimum(3, depth + (rng.random(300) < 0.3))
    takeup, noise = np.array([0.5, 0.8, 0.3]), np.array([0.4, 1.1, 0.7])
    a, b = np.random.default_rng(12), np.random.default_rng(12)
    cap_a, cap_b = np.full(3, 40.0), np.full(3, 40.0)
    audits_a, audits_b = np.zeros(3, dtype=np.int64), np.zeros(3, dtype=np.int64)
    got = kernels.audit(reported, depth, 0.3, takeup, cap_a, noise, audits_a, a)
    eligible = reported >= 2
    mandated = int(b.binomial(np.count_nonzero(eligible), 0.3))
    doer = departments.assign_tasks(mandated, takeup, cap_b, b)
    want = np.zeros(300, dtype=bool)
    for dep, n in enumerate(np.bincount(doer[doer >= 0], minlength=3)):
        if n:
            picked = departments.pick_suspicious(int(n), reported, depth, eligible & ~want, noise[dep], b)
            want[picked] = True
            audits_b[dep] += picked.size
    assert np.array_equal(got, want) and np.array_equal(audits_a, audits_b)
    assert 0 < np.count_nonzero(got) < np.count_nonzero(eligible)  # a real selection was made
    assert a.bit_generator.state == b.bit_generator.state


def test_learning_by_doing_enters_the_compiled_payoff_as_the_perceived_training_value():
    """With experience, the model's payoff is the formula at value x (1 + premium x experience)."""
    from sim import CooperationModel
    from sim.mechanisms import experience

    model = CooperationModel(rng=5, n_schools=3, n_enterprises=80, experience_learning_rate=0.5,
                             experience_value_premium=0.8)
    model.run_for(3)  # some partnerships to price
    model.ent_experience = np.random.default_rng(1).random(80)  # some firms experienced
    pt = model.partnerships
    s, e, d = pt.school, pt.enterprise, pt.depth
    deep_full = np.zeros(s.size, dtype=bool)
    got = model._enterprise_alternatives(s, e, d, deep_full)
    p = model.p
    want = enterprise_payoff.honest_payoff(
        value_scale=model.ent_value_scale[e], retained=model.ent_retained[e],
        fit=model.fit_by_industry[s, model.ent_industry[e]],
        school_quality=model._quality_of_school[s], risk=model._risk_of_school[s],
        cost=model.ent_content_cost[e],
        training_value=experience.perceived_training_value(
            p.training_value_per_step, p.experience_value_premium, model.ent_experience[e]),
        symbolic_value=p.symbolic_value_per_step, yield_by_rung=model.yield_by_rung)
    assert s.size > 0 and not model._on_offer  # status quo: honest alternatives only
    assert np.allclose(got, enterprise_payoff.honest_only(want))
    off = CooperationModel(rng=5, n_schools=3, n_enterprises=80)
    off.ent_experience = model.ent_experience  # experience has no effect while learning is off
    assert off._kept_value_weight() is off.ent_retained


def test_a_generator_handle_draws_what_the_generator_draws_and_moves_its_state():
    """kernels.rng_handle: the compiled step reads the run's generator through pointers."""
    rng = np.random.default_rng(8)
    depth = rng.integers(0, 4, 300)
    reported = np.minimum(3, depth + (rng.random(300) < 0.3))
    takeup, noise = np.array([0.5, 0.8, 0.3]), np.array([0.4, 1.1, 0.7])
    a, b = np.random.default_rng(12), np.random.default_rng(12)
    handle = kernels.rng_handle(b)
    cap_a, cap_b = np.full(3, 40.0), np.full(3, 40.0)
    audits_a, audits_b = np.zeros(3, dtype=np.int64), np.zeros(3, dtype=np.int64)
    got_a = kernels.audit(reported, depth, 0.3, takeup, cap_a, noise, audits_a, a)
    got_b = kernels.audit(reported, depth, 0.3, takeup, cap_b, noise, audits_b, handle)
    assert np.count_nonzero(got_a) > 0  # audits were drawn
    assert np.array_equal(got_a, got_b) and np.array_equal(audits_a, audits_b)
    assert a.bit_generator.state == b.bit_generator.state  # the handle moved b's own state
    assert a.random() == b.random()


def test_audit_month_is_the_audit_with_the_models_bookkeeping():
    rng = np.random.default_rng(4)
    n = 200
    depth = rng.integers(0, 4, n)
    misreporting = rng.random(n) < 0.4
    reported = np.where(misreporting, 3, depth)
    false_report, overpaid = misreporting.copy(), rng.random(n)
    takeup, noise = np.array([0.9, 0.8]), np.array([0.3, 0.5])
    a, b = np.random.default_rng(21), np.random.default_rng(21)
    before = (misreporting.copy(), false_report.copy(), overpaid.copy())
    n_audited, n_detected, found, n_mis, n_eligible = kernels.audit_month(
        reported, depth, misreporting, false_report, overpaid, 0.5, takeup, np.full(2, 50.0),
        noise, np.zeros(2, dtype=np.int64), a)
    audited = kernels.audit(reported, depth, 0.5, takeup, np.full(2, 50.0), noise,
                            np.zeros(2, dtype=np.int64), b)
    detected = audited & before[0]
    assert n_detected > 0 and n_audited > n_detected  # found some, audited honest ones too
    assert (n_audited, n_detected) == (np.count_nonzero(audited), np.count_nonzero(detected))
    assert (n_mis, n_eligible) == (np.count_nonzero(before[0]), np.count_nonzero(reported >= 2))
    assert np.array_equal(found, before[2][detected])
    assert np.array_equal(misreporting, before[0] & ~detected)
    assert np.array_equal(false_report, before[1] & ~detected)
    assert np.array_equal(overpaid, np.where(audited, 0.0, before[2]))
    assert a.bit_generator.state == b.bit_generator.state


def test_the_kernels_copies_of_the_rung_definitions_equal_the_numpy_formulas():
    # The copies exist because numba's cache would not notice an edit of an imported array.
    import numpy as np

    from sim.mechanisms import assessment, enterprise_payoff, incentives, kernels

    np.testing.assert_array_equal(kernels._INVEST, enterprise_payoff.INVEST)
    np.testing.assert_array_equal(kernels._REPORT, enterprise_payoff.REPORT)
    assert kernels._N_ALT == len(enterprise_payoff.ALTERNATIVES)
    np.testing.assert_array_equal(kernels._TAX_ELIGIBLE, incentives.TAX_ELIGIBLE_BY_RUNG)
    np.testing.assert_array_equal(kernels._COUNTED, assessment.COUNTED)
    np.testing.assert_array_equal(kernels._SYMBOLIC, enterprise_payoff.SYMBOLIC_BY_RUNG)
