"""How schools are assessed: counts of agreements vs outcomes.

Brief: 'form-over-content assessment'. A school's utility from a partnership
at each rung mixes the credit an agreement earns by being counted with the
credit its outcomes earn (placements, skill match), weighted by
``assessment_outcome_weight``, minus the school's own cost (teacher time,
curriculum work).
"""

from __future__ import annotations

import numpy as np

#: Outcome credit of each rung relative to one counted agreement. Assumption.
OUTCOME_BY_RUNG = np.array([0.0, 0.1, 0.8, 2.0])
#: School cost of each rung as a share of the content cost. Assumption.
SCHOOL_COST_SHARE_BY_RUNG = np.array([0.0, 0.03, 0.4, 1.0])
#: Credit of one counted agreement per step (the unit of school utility).
AGREEMENT_CREDIT_PER_STEP = 1.0


def school_utility(outcome_weight: float, fit: np.ndarray, teacher_capacity: np.ndarray,
                   content_cost: float) -> np.ndarray:
    """Utility of each rung for the school side of each partnership, shape (n, 4)."""
    counted = np.array([0.0, 1.0, 1.0, 1.0])
    quality = (fit * (0.5 + 0.5 * teacher_capacity))[:, None]
    return (AGREEMENT_CREDIT_PER_STEP * ((1.0 - outcome_weight) * counted
                                         + outcome_weight * OUTCOME_BY_RUNG * quality)
            - content_cost * SCHOOL_COST_SHARE_BY_RUNG)


def partnership_target(outcome_weight: float, base_target: int) -> int:
    """Agreements a school seeks: count-based assessment asks for many."""
    return max(1, int(round(base_target * (0.4 + 0.6 * (1.0 - outcome_weight)))))


def search_value(outcome_weight: float) -> float:
    """What a school expects one more agreement to be worth (sets its search effort)."""
    return AGREEMENT_CREDIT_PER_STEP * ((1.0 - outcome_weight) + outcome_weight * OUTCOME_BY_RUNG[1])
