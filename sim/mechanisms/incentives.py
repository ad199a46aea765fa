"""Financial support: subsidies under a budget and tax offsets.

Seeds: 'incompatibility of policy incentives', 'insufficient financial support'
(Sichuan; Ruian 'benefit compensation mechanism'). Subsidies are paid on
*reported* depth until the year's budget runs out; tax offsets return a share
of the (reported) investment, as in Caishui [2019] No. 46. Switch off with
``subsidy_per_content_step = 0`` and ``tax_offset_rate = 0``.
"""

from __future__ import annotations

import numpy as np


def subsidy_share_by_rung(practice_share: float) -> np.ndarray:
    """Subsidy paid at each rung as a share of the content subsidy (``subsidy_practice_share``).

    None and form are never paid: a signed agreement is not cooperation the
    subsidy is for.
    """
    return np.array([0.0, 0.0, practice_share, 1.0])


#: Rungs whose investment qualifies for the tax offset (running vocational
#: education: placements and deeper; a signed agreement alone does not).
TAX_ELIGIBLE_BY_RUNG = np.array([0.0, 0.0, 1.0, 1.0])


def pay_subsidies(claims: np.ndarray, budget_left: float,
                  rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Pay claims in random order until the budget runs out.

    Args:
        claims: amount claimed per partnership this step (0 = no claim).
        budget_left: what is left of this year's budget.
        rng: the run's generator.

    Returns:
        (amount paid per partnership, budget left afterwards).
    """
    paid = np.zeros_like(claims)
    idx = (claims > 0).nonzero()[0]
    if idx.size == 0 or budget_left <= 0:
        return paid, budget_left
    idx = rng.permutation(idx)
    cumulative = np.cumsum(claims[idx])
    full = cumulative <= budget_left
    paid[idx[full]] = claims[idx[full]]
    spent = cumulative[full][-1] if full.any() else 0.0
    if not full.all():  # the first claim that does not fit gets what is left
        first_unpaid = idx[np.argmin(full)]
        paid[first_unpaid] = budget_left - spent
        spent = budget_left
    return paid, budget_left - spent


def entitlement(subsidy: float, rate: float, rung: np.ndarray, cost_of_rung: np.ndarray,
                aware: np.ndarray, practice_share: float) -> tuple[np.ndarray, np.ndarray]:
    """Subsidy and tax offset a partnership may claim at ``rung`` (its claims if honest).

    Tax offsets are not budget-limited (forgone surcharge revenue); subsidies
    are paid from the claims by :func:`pay_subsidies`.
    """
    eligible = (rung >= 2) & aware
    return (np.where(eligible, subsidy * subsidy_share_by_rung(practice_share)[rung], 0.0),
            np.where(eligible, rate * cost_of_rung, 0.0))
