"""Shared helpers for replicated behaviour tests."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim import CooperationModel

#: Scenario-like lever settings used by several tests (values are assumptions).
FULL_PACKAGE = dict(
    regulation_completeness=0.8, coordination_body=True, planning_alignment=0.7,
    major_adjust_rate_per_year=0.3, service_awareness=0.8, subsidy_per_content_step=1.0,
    subsidy_budget_per_year=2000.0, tax_offset_rate=0.3, audit_prob_per_step=0.1,
    penalty_per_misreport=5.0, assessment_outcome_weight=0.7,
)


def end_of_run(params: dict, seeds, steps: int = 120, last: int = 12) -> dict[str, np.ndarray]:
    """Mean of each output over the last ``last`` steps, one value per seed."""
    rows = []
    for seed in seeds:
        model = CooperationModel(rng=seed, **params)
        model.run_for(steps)
        rows.append(model.datacollector.get_model_vars_dataframe().iloc[-last:].mean())
    return {col: np.array([r[col] for r in rows]) for col in rows[0].index}


def ci95(values: np.ndarray) -> tuple[float, float]:
    """t-based 95% confidence interval of the mean."""
    mean = float(np.mean(values))
    half = float(stats.t.ppf(0.975, len(values) - 1) * stats.sem(values)) if len(values) > 1 else 0.0
    return mean - half, mean + half


@pytest.fixture(scope="session")
def replicate_seeds() -> list[int]:
    """Ten seeds: enough for t-intervals of the stylised facts at county scale."""
    return list(range(100, 110))
