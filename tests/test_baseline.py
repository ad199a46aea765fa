"""Fixed-seed baseline (as in Covasim): any change of the model's numbers shows here.

A failure means the model now computes different numbers for the same seed. If
the change is intended, run ``tests/update_baseline.py`` and commit the new
``baseline.json`` with a message that says why; if not, it is a regression.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FULL_PACKAGE

from sim import CooperationModel

BASELINE = Path(__file__).resolve().parent / "baseline.json"
SEED, STEPS = 2024, 60
CASES = {
    "status_quo": {"n_enterprises": 400},
    "full_package": {"n_enterprises": 400, **FULL_PACKAGE},
    "subsidy_without_audit": {"n_enterprises": 400, "subsidy_per_content_step": 1.0,
                              "subsidy_budget_per_year": 500.0, "audit_prob_per_step": 0.0},
}


def end_state(params: dict) -> dict[str, float]:
    """Every output at the last step of a fixed-seed run (NaN stored as None)."""
    model = CooperationModel(rng=SEED, **params)
    model.run_for(STEPS)
    last = model.datacollector.get_model_vars_dataframe().iloc[-1]
    return {k: (None if v != v else float(v)) for k, v in last.items()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_fixed_seed_run_matches_committed_baseline(case):
    expected = json.loads(BASELINE.read_text(encoding="utf-8"))[case]
    actual = end_state(CASES[case])
    assert actual.keys() == expected.keys()
    for name, value in expected.items():
        if value is None:
            assert actual[name] is None, name
        else:
            assert actual[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name
