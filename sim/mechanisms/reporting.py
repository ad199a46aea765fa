"""Information asymmetry in reporting: noise, misreporting for subsidy, audits, penalties.

Seed: 'information asymmetry' and 'inadequate regulatory assessment' (Ruian).
Government sees reported depth, not real depth. A firm may report a rung
above the one it invests in (a joint choice, see
:mod:`sim.mechanisms.enterprise_payoff`); auditing departments pick the
reports that look suspicious to them (:func:`sim.mechanisms.departments.pick_suspicious`),
fine the false ones and claw back the over-payment. Government also misreads
a filed report by one rung with ``reporting_noise`` (payments follow what was
filed), which makes honest reports look suspicious and false ones less so.
"""

from __future__ import annotations

import numpy as np


def observe(reported: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """What government reads: the reported rung, off by one with probability ``noise``."""
    off = rng.random(reported.shape) < noise
    direction = np.where(rng.random(reported.shape) < 0.5, -1, 1)
    return np.minimum(np.maximum(reported + off * direction, 0), 3)
