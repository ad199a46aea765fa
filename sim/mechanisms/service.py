"""Public service: departments broker matches and spread awareness of incentives.

Seeds: 'inadequate government personnel awareness' (Ruian); 'the government
lacks of public service awareness' (Sichuan). A department brokers an
introduction or answers a request only with probability ``service_awareness``
(diluted by mandate overlap). A brokered introduction reveals the enterprise's
fit and spares the school its search cost. Enterprises that are not aware of
the incentives ignore them; service makes them aware over time.
"""

from __future__ import annotations

import numpy as np

#: Enterprises a broker can compare for a school (exact fit known). Assumption.
BROKER_SHORTLIST = 20
#: Enterprises a school can screen on its own (fit seen through noise). Assumption.
OWN_SHORTLIST = 5


def choose_candidates(fit_by_industry: np.ndarray, industry: np.ndarray, schools: np.ndarray,
                      brokered: np.ndarray, info_noise: float,
                      rng: np.random.Generator) -> np.ndarray:
    """Pick one enterprise per search attempt.

    Args:
        fit_by_industry: fit of each school to each industry, (n_schools, n_industries).
        industry: industry index of each enterprise.
        schools: school index of each attempt.
        brokered: True where a department brokers the attempt.
        info_noise: sd of the noise in fit a school sees on its own.
        rng: the run's generator.

    Returns:
        Enterprise index chosen for each attempt.
    """
    n_ent = len(industry)
    shortlist = rng.integers(0, n_ent, size=(len(schools), BROKER_SHORTLIST))
    true_fit = fit_by_industry[schools[:, None], industry[shortlist]]
    seen = true_fit + info_noise * rng.standard_normal(true_fit.shape)
    seen = np.where(brokered[:, None], true_fit, seen)
    # Unbrokered schools screen only the first OWN_SHORTLIST candidates.
    seen[~brokered, OWN_SHORTLIST:] = -np.inf
    best = np.argmax(seen, axis=1)
    return shortlist[np.arange(len(schools)), best]


def spread_awareness(aware: np.ndarray, effective_service: float,
                     rng: np.random.Generator) -> np.ndarray:
    """One year of outreach: unaware firms learn of the incentives with prob = effort."""
    return aware | (rng.random(aware.shape) < effective_service)
