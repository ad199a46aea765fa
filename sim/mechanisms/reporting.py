"""Information asymmetry in reporting: noise, misreporting for subsidy, audits, penalties.

Seed: 'information asymmetry' and 'inadequate regulatory assessment' (Ruian).
Government sees reported depth, not real depth. A partnership that draws a
larger subsidy when reported at content may be reported so; audits find such
reports with ``audit_prob_per_step`` and fine them. Government also misreads a
report by one rung with ``reporting_noise``.
"""

from __future__ import annotations

import numpy as np

#: How many steps of over-paid subsidy an audit claws back. Assumption: a year.
CLAWBACK_STEPS = 12


def misreport_utility(subsidy_gain_per_step: np.ndarray, audit_prob: float,
                      penalty: float) -> np.ndarray:
    """Expected net gain per step of reporting content when the truth is lower."""
    expected_loss = audit_prob * (penalty + CLAWBACK_STEPS * subsidy_gain_per_step)
    return subsidy_gain_per_step - expected_loss


def observe(reported: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """What government reads: the reported rung, off by one with probability ``noise``."""
    off = rng.random(reported.shape) < noise
    direction = np.where(rng.random(reported.shape) < 0.5, -1, 1)
    return np.clip(reported + off * direction, 0, 3)
