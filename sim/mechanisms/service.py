"""Public service: departments broker matches and spread awareness of incentives.

Seeds: 'inadequate government personnel awareness' (Ruian); 'the government
lacks of public service awareness' (Sichuan). A department brokers an
introduction only when it takes the request up (its decision, see
:mod:`sim.mechanisms.departments`). A brokered introduction reveals the enterprise's
fit and spares the school its search cost. Enterprises that are not aware of
the incentives ignore them; service makes them aware over time.
"""

from __future__ import annotations

import numpy as np


def choose_candidates(fit_by_industry: np.ndarray, industry: np.ndarray, schools: np.ndarray,
                      brokered: np.ndarray, info_noise: float, rng: np.random.Generator,
                      broker_shortlist: int, own_shortlist: int) -> np.ndarray:
    """Pick one enterprise per search attempt.

    Args:
        fit_by_industry: fit of each school to each industry, (n_schools, n_industries).
        industry: industry index of each enterprise.
        schools: school index of each attempt.
        brokered: True where a department brokers the attempt.
        info_noise: sd of the noise in fit a school sees on its own.
        rng: the run's generator.
        broker_shortlist: enterprises a broker compares (their fit known exactly).
        own_shortlist: enterprises a school screens on its own (fit seen through noise).

    Returns:
        Enterprise index chosen for each attempt.
    """
    n_ent = len(industry)
    shortlist = rng.integers(0, n_ent, size=(len(schools), max(broker_shortlist, own_shortlist)))
    true_fit = fit_by_industry[schools[:, None], industry[shortlist]]
    seen = true_fit + info_noise * rng.standard_normal(true_fit.shape)
    seen = np.where(brokered[:, None], true_fit, seen)
    seen[brokered, broker_shortlist:] = -np.inf
    seen[~brokered, own_shortlist:] = -np.inf
    best = np.argmax(seen, axis=1)
    return shortlist[np.arange(len(schools)), best]


def spread_awareness(aware: np.ndarray, reach: float, rng: np.random.Generator) -> np.ndarray:
    """One year of outreach: unaware firms learn of the incentives with prob ``reach``.

    ``reach`` is the chance a service task is taken up by some department.
    """
    return aware | (rng.random(aware.shape) < reach)
