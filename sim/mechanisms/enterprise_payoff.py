"""An enterprise's expected payoff per step of each rung of one partnership.

Payoff = symbolic value of an agreement
       + value of the trained graduates it keeps (training value x size x retained
         share x fit x school quality x yield of the rung)
       - cost of the rung - priced legal/safety risk
       + subsidy and tax offset, if the firm knows of them, weighted by their
         credibility; the subsidy also by last year's budget payout; both, for
         rungs above the current depth, by the approval-delay discount.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.incentives import SUBSIDY_SHARE_BY_RUNG, TAX_ELIGIBLE_BY_RUNG

#: Share of the full training value realised at each rung. Assumption.
TRAINING_YIELD_BY_RUNG = np.array([0.0, 0.05, 0.45, 1.0])
#: Firm cost of each rung as a share of the content cost. Assumption.
COST_SHARE_BY_RUNG = np.array([0.0, 0.03, 0.4, 1.0])
#: Size elasticity of training value (vacancies grow with size). Assumption.
VALUE_SIZE_ELASTICITY = 0.6
#: Size elasticity of training cost (scale economies). Assumption.
COST_SIZE_ELASTICITY = 0.3


def rung_cost(content_cost: float, size: np.ndarray) -> np.ndarray:
    """Firm cost of each rung per step, shape (n, 4)."""
    return (content_cost * size**COST_SIZE_ELASTICITY)[:, None] * COST_SHARE_BY_RUNG


def payoff(*, size: np.ndarray, retained: np.ndarray, fit: np.ndarray, school_quality: np.ndarray,
           aware: np.ndarray, risk: np.ndarray, cost: np.ndarray, training_value: float,
           symbolic_value: float, subsidy: float, tax_rate: float,
           subsidy_weight: np.ndarray, tax_weight: np.ndarray) -> np.ndarray:
    """Expected payoff per step of each rung for each partnership, shape (n, 4).

    ``subsidy_weight`` and ``tax_weight`` (n, 4) fold in credibility, budget
    payout and the approval-delay discount of upgrades.
    """
    benefit = (training_value * size**VALUE_SIZE_ELASTICITY * retained * fit
               * school_quality)[:, None] * TRAINING_YIELD_BY_RUNG
    symbolic = symbolic_value * np.array([0.0, 1.0, 1.0, 1.0])
    incentives = aware[:, None] * (subsidy * SUBSIDY_SHARE_BY_RUNG * subsidy_weight
                                   + tax_rate * cost * TAX_ELIGIBLE_BY_RUNG * tax_weight)
    return symbolic + benefit - cost - risk + incentives
