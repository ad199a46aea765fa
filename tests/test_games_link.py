"""The form-vs-content game states the main model's incentives: keep its values in step."""

import tomllib
from pathlib import Path

import pytest

from sim.params import Parameters

GAME = Path(__file__).resolve().parent.parent / "scenarios" / "games" / "form-vs-content.toml"
D = Parameters()

MIRRORS = {
    "V": D.training_value_per_step, "r": D.retention_share, "Ce": D.content_cost_per_step,
    "B": D.symbolic_value_per_step, "L": D.legal_risk_per_step, "k": D.regulation_completeness,
    "c0": D.incentive_credibility_floor, "aw": D.policy_awareness, "S": D.subsidy_per_content_step,
    "t": D.tax_offset_rate, "a": D.audit_prob_per_step, "F": D.penalty_per_misreport,
    "ca": D.cost_per_audit, "w": D.assessment_outcome_weight,
    "Cf": D.content_cost_per_step * D.cost_share_form,
    "yf": D.training_yield_form,
    "A": 1.0,  # a counted agreement is the unit of a school's payoff (sim.mechanisms.assessment)
    "Q": D.outcome_credit_content * (0.5 + 0.5 * D.teacher_practical_capacity),
    "U": D.school_placement_value * D.outcome_credit_content * (0.5 + 0.5 * D.teacher_practical_capacity),
    "Cs": D.school_content_cost_per_step * (1 - D.teacher_cost_relief * D.teacher_practical_capacity),
    "sc": D.school_compensation_share,
}


@pytest.mark.parametrize("symbol,expected", sorted(MIRRORS.items()))
def test_game_value_equals_main_model_default(symbol, expected):
    game = tomllib.loads(GAME.read_text(encoding="utf-8"))
    assert game["parameters"][symbol]["value"] == pytest.approx(expected), (
        f"{GAME.name}: {symbol} no longer mirrors the main model's default")


def test_status_quo_game_has_form_as_its_only_ess():
    from sim.games.replicator import stable_profiles
    from sim.games.spec import load_game

    assert stable_profiles(load_game(GAME).payoff_array()) == [(0, 0, 0)]
