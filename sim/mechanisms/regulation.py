"""Legal and policy system: priced legal/safety risk and credibility of incentives.

Seeds: 'incomplete government supporting laws and regulations' (Ruian);
'regulations and policies are not systematic, lacking of specific
implementation guidance' (Sichuan). Enterprises price the risk of hosting
students (worse for minors in secondary schools) and discount promised
incentives that no rule backs. Switch off with ``regulation_completeness = 1``.
"""

from __future__ import annotations

import numpy as np


def exposure_by_rung(practice_exposure: float) -> np.ndarray:
    """Share of the content legal exposure carried at each rung.

    Form hosts nobody, practice hosts interns, content hosts apprentices.
    """
    return np.array([0.0, 0.0, practice_exposure, 1.0])


def legal_risk(risk_per_step: float, completeness: float, level_factor: np.ndarray,
               exposure: np.ndarray) -> np.ndarray:
    """Priced risk per partnership and rung, shape (n, 4)."""
    return (risk_per_step * (1.0 - completeness) * level_factor)[:, None] * exposure


def incentive_credibility(completeness: float, floor: float) -> float:
    """Probability an enterprise believes a promised incentive will be paid."""
    return floor + (1.0 - floor) * completeness
