"""How schools value a partnership: assessment on counts vs outcomes, and their own costs.

Brief: 'form-over-content assessment'. A school's payoff per step from a
partnership at rung ``r``:

    (1 - w) x [r >= form]                              counted agreement (the unit)
    + (w + placement value) x outcome credit(r) x q    outcomes: placements, skill match
    - school cost(r) x (1 - relief x teachers' capacity) x (1 - support x service)
    + compensation: the school's part of the subsidy at r, as credible as the firm's

with ``w`` = assessment_outcome_weight and ``q`` = fit x school quality. A
counted agreement earns its credit only up to the assessment's quota
(``target_partnerships_per_school``).
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.incentives import subsidy_share_by_rung

COUNTED = np.array([0.0, 1.0, 1.0, 1.0])


def school_utility(*, outcome_weight: float, placement_value: float, outcome_credit: np.ndarray,
                   quality: np.ndarray, cost: np.ndarray, relief: np.ndarray,
                   compensation: np.ndarray, practice_share: float) -> np.ndarray:
    """Payoff per step of each rung for the school side of each partnership, shape (n, 4).

    Args:
        outcome_weight: weight of outcomes in the school's assessment.
        placement_value: weight the school puts on outcomes whatever it is assessed on.
        outcome_credit: credit of each rung's outcomes, (4,).
        quality: fit x school quality of each partnership, (n,).
        cost: the school's cost of each rung, (4,).
        relief: share of that cost saved (teachers' capacity, service), (n,).
        compensation: the school's expected part of the content subsidy, (n,).
        practice_share: ``subsidy_practice_share``.
    """
    return ((1.0 - outcome_weight) * COUNTED
            + (outcome_weight + placement_value) * outcome_credit * quality[:, None]
            - (1.0 - relief)[:, None] * cost
            + compensation[:, None] * subsidy_share_by_rung(practice_share))


def agreement_value(outcome_weight: float, below_quota: np.ndarray, expected_outcome: np.ndarray,
                    placement_value: float) -> np.ndarray:
    """What a school expects one more agreement to be worth per step, before costs.

    The count credit while below the quota, plus the outcomes it expects a new
    partnership to bring (its partnerships' current mean outcome).
    """
    return (1.0 - outcome_weight) * below_quota + (outcome_weight + placement_value) * expected_outcome
