"""Stylised facts of the brief, shown with replicates at county scale.

Each test runs ten seeds per condition (about 0.1 s per 120-step run) and
compares end-of-run values (mean of the last 12 steps). Thresholds are stated
beside each assertion. They test the *direction and rough size* the seeds
argue for, with margins well outside replicate noise; they are not calibrated
to data, because no data on local shares of deep cooperation exist.
"""

import numpy as np
from conftest import FULL_PACKAGE, ci95, end_of_run

from sim import CooperationModel, Depth

NO_GOVERNMENT = dict(regulation_completeness=0.0, service_awareness=0.0, audit_prob_per_step=0.0,
                     subsidy_per_content_step=0.0, tax_offset_rate=0.0)


def test_status_quo_form_dominates_and_content_is_rare(replicate_seeds):
    r = end_of_run({}, replicate_seeds)
    # "Most partnerships at form": a clear majority, not a bare one.
    assert ci95(r["form_share"])[0] > 0.75
    # "Content rare": under 5% of active partnerships.
    assert ci95(r["content_share"])[1] < 0.05
    # Cooperation exists on paper: schools do sign many agreements.
    assert r["partnerships_active"].mean() > 100


def test_full_package_moves_cooperation_to_content(replicate_seeds):
    base = end_of_run({}, replicate_seeds)
    full = end_of_run(FULL_PACKAGE, replicate_seeds)
    # Non-overlapping 95% CIs, and a gap of at least 20 points of content share.
    assert ci95(full["content_share"])[0] > ci95(base["content_share"])[1]
    assert full["content_share"].mean() - base["content_share"].mean() > 0.20
    assert ci95(full["skill_match"])[0] > ci95(base["skill_match"])[1]


def test_without_any_government_action_almost_nothing_passes_form(replicate_seeds):
    r = end_of_run(NO_GOVERNMENT, replicate_seeds)
    # Published tripartite games: no subsidy, no supervision -> no deep cooperation.
    deep = r["practice_share"] + r["content_share"]
    assert ci95(deep)[1] < 0.10
    assert ci95(r["content_share"])[1] < 0.01


def test_subsidy_without_audit_leaks_and_inflates_reports(replicate_seeds):
    subsidy = dict(subsidy_per_content_step=1.0, subsidy_budget_per_year=2000.0)
    weak = end_of_run({**subsidy, "audit_prob_per_step": 0.0}, replicate_seeds)
    audited = end_of_run({**subsidy, "audit_prob_per_step": 0.15, "penalty_per_misreport": 5.0},
                         replicate_seeds)
    # Most of the subsidy goes to partnerships that are really form only...
    assert ci95(weak["leakage_share"])[0] > 0.5
    # ...and audits cut that leakage (non-overlapping CIs).
    assert ci95(audited["leakage_share"])[1] < ci95(weak["leakage_share"])[0]
    # Reported depth rises far more than real depth under weak audits.
    reported_gain = weak["reported_content_share"].mean() - weak["content_share"].mean()
    assert reported_gain > 0.2


def test_audit_without_subsidy_costs_but_does_not_deepen(replicate_seeds):
    base = end_of_run({}, replicate_seeds)
    audit_only = end_of_run({"audit_prob_per_step": 0.15}, replicate_seeds)
    # With nothing to gain from a false report there is nothing to deter and nothing
    # to pay for: content share stays within noise while audits cost money.
    assert abs(audit_only["content_share"].mean() - base["content_share"].mean()) < 0.02
    assert audit_only["spending_audit"].mean() > base["spending_audit"].mean()


def test_audits_deter_misreporting_when_there_is_something_to_gain(replicate_seeds):
    money = dict(subsidy_per_content_step=1.0, subsidy_budget_per_year=2000.0, tax_offset_rate=0.3)
    weak = end_of_run({**money, "audit_prob_per_step": 0.0}, replicate_seeds)
    strict = end_of_run({**money, "audit_prob_per_step": 0.15, "penalty_per_misreport": 5.0},
                        replicate_seeds)
    assert ci95(weak["misreporting_share"])[0] > 0.3
    assert ci95(strict["misreporting_share"])[1] < 0.5 * ci95(weak["misreporting_share"])[0]


def test_coordination_body_shortens_approvals(replicate_seeds):
    base = end_of_run({}, replicate_seeds)
    coord = end_of_run({"coordination_body": True}, replicate_seeds)
    assert ci95(coord["approval_delay"])[1] < ci95(base["approval_delay"])[0]


def test_coordination_raises_the_effect_of_other_levers(replicate_seeds):
    levers = {k: v for k, v in FULL_PACKAGE.items() if k != "coordination_body"}
    without = end_of_run(levers, replicate_seeds)
    with_body = end_of_run({**levers, "coordination_body": True}, replicate_seeds)
    base = end_of_run({}, replicate_seeds)
    coord_only = end_of_run({"coordination_body": True}, replicate_seeds)
    effect_without = without["content_share"].mean() - base["content_share"].mean()
    effect_with = with_body["content_share"].mean() - coord_only["content_share"].mean()
    # The same levers move content share more when a coordination body pools departments.
    assert effect_with > effect_without


def test_more_poaching_lowers_content(replicate_seeds):
    low = end_of_run({**FULL_PACKAGE, "poaching_prob_per_tie": 0.0}, replicate_seeds)
    high = end_of_run({**FULL_PACKAGE, "poaching_prob_per_tie": 0.2, "peer_degree": 12.0},
                      replicate_seeds)
    assert ci95(high["content_share"])[1] < ci95(low["content_share"])[0]


def test_larger_firms_cooperate_more_deeply(replicate_seeds):
    # Within runs: firms in deep partnerships are larger than firms kept at form.
    ratios = []
    for seed in replicate_seeds[:6]:
        m = CooperationModel(rng=seed, coordination_body=True)
        m.run_for(120)
        pt = m.partnerships
        size = m.ent_size[pt.enterprise]
        deep, form = pt.depth >= Depth.PRACTICE, pt.depth == Depth.FORM
        ratios.append(np.median(size[deep]) / np.median(size[form]))
    assert min(ratios) > 1.2


def test_outcome_based_assessment_deepens_cooperation(replicate_seeds):
    counts = end_of_run({"coordination_body": True}, replicate_seeds)
    outcomes = end_of_run({"coordination_body": True, "assessment_outcome_weight": 0.8},
                          replicate_seeds)
    assert ci95(outcomes["depth_index"])[0] > ci95(counts["depth_index"])[1]
    # Schools assessed on outcomes seek fewer agreements.
    assert outcomes["partnerships_active"].mean() < counts["partnerships_active"].mean()
