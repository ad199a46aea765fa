"""An enterprise's payoff per step of each alternative for one partnership.

The firm chooses what it invests in and what it reports in one choice. Its
alternatives are the honest rungs (none, form, practice, content, reported as
they are) and the false reports that draw more support than the truth: form
reported as practice or content, practice reported as content.

Payoff of investing in rung ``r`` and reporting rung ``s >= r`` (per step):

    symbolic(r) + training value kept(r) - cost(r) - priced legal risk(r)
    + incentives claimed on s
    - [s > r] x (expected audit loss + fabrication cost / horizon)

* training value kept = training value x size^value_elasticity x retained share
  (after poaching) x fit x school quality x yield(r);
* incentives = awareness x credibility x [approval-delay discount for a rung
  above the current depth] x (the firm's part of the subsidy x last year's
  budget payout + tax-offset rate x the investment claimed at s);
* expected audit loss = detection risk per step x (fine + the over-payment an
  audit claws back, on average half a horizon's worth).
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.incentives import TAX_ELIGIBLE_BY_RUNG, subsidy_share_by_rung

#: The alternatives: (rung invested in, rung reported), honest first.
ALTERNATIVES = np.array([(0, 0), (1, 1), (2, 2), (3, 3), (1, 2), (1, 3), (2, 3)])
INVEST = ALTERNATIVES[:, 0]
REPORT = ALTERNATIVES[:, 1]
FALSE = REPORT > INVEST
#: Rungs that carry the symbolic value of a signed agreement: form and deeper.
SYMBOLIC_BY_RUNG = np.array([0.0, 1.0, 1.0, 1.0])
N_HONEST = 4


def profile(form: float, practice: float) -> np.ndarray:
    """A rung profile (none, form, practice, content) relative to content = 1."""
    return np.array([0.0, form, practice, 1.0])


def rung_cost(content_cost: float, size: np.ndarray, elasticity: float,
              cost_share: np.ndarray) -> np.ndarray:
    """Firm cost of each rung per step, shape (n, 4)."""
    return (content_cost * size**elasticity)[:, None] * cost_share


def honest_payoff(*, value_scale: np.ndarray, retained: np.ndarray, fit: np.ndarray,
                  school_quality: np.ndarray, risk: np.ndarray, cost: np.ndarray,
                  training_value: float, symbolic_value: float,
                  yield_by_rung: np.ndarray) -> np.ndarray:
    """Payoff per step of each rung before incentives, shape (n, 4)."""
    benefit = (training_value * value_scale * retained * fit * school_quality)[:, None] * yield_by_rung
    symbolic = symbolic_value * SYMBOLIC_BY_RUNG
    return symbolic + benefit - cost - risk


def incentives(*, aware: np.ndarray, subsidy: float, tax_rate: float, cost: np.ndarray,
               subsidy_weight: np.ndarray, tax_weight: np.ndarray,
               practice_share: float) -> np.ndarray:
    """Expected incentives per step claimed on each reported rung, shape (n, 4).

    ``subsidy`` is the firm's part of the content subsidy; the weights (n, 4)
    fold in credibility, budget payout and the approval-delay discount;
    ``practice_share`` is ``subsidy_practice_share``.
    """
    return aware[:, None] * (subsidy * subsidy_share_by_rung(practice_share) * subsidy_weight
                             + tax_rate * cost * TAX_ELIGIBLE_BY_RUNG * tax_weight)


def honest_only(base: np.ndarray) -> np.ndarray:
    """:func:`joint_payoff` where no incentive can be claimed: false reports gain nothing.

    Every false report then has a non-negative expected loss and no gain, so it
    is never an option (``-inf``); the honest alternatives pay ``base``.
    """
    return np.where(FALSE, -np.inf, base[:, INVEST])


def joint_payoff(base: np.ndarray, claimed: np.ndarray, detection_risk: float, penalty: float,
                 horizon: int, fabrication_cost: float) -> np.ndarray:
    """Payoff per step of every alternative, shape (n, len(ALTERNATIVES)).

    A firm considers a false report only where, over the horizon, it is
    expected to pay more than reporting the same investment truthfully
    (``-inf`` elsewhere): nobody fabricates evidence at an expected loss, and
    without subsidy or tax offset every firm is honest.
    """
    gain = claimed[:, REPORT] - claimed[:, INVEST]
    loss = FALSE * (detection_risk * (penalty + 0.5 * horizon * gain) + fabrication_cost / horizon)
    u = base[:, INVEST] + claimed[:, REPORT] - loss
    return np.where(FALSE & (gain - loss <= 0), -np.inf, u)
