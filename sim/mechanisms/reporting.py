"""Information asymmetry in reporting: noise, misreporting for subsidy, audits, penalties.

Seed: 'information asymmetry' and 'inadequate regulatory assessment' (Ruian).
Government sees reported depth, not real depth. A partnership that draws a
larger subsidy or tax offset when reported at content may be reported so;
audits find such reports with ``audit_prob_per_step``, fine them and claw back
the over-payment. Government also misreads a
report by one rung with ``reporting_noise``.
"""

from __future__ import annotations

import numpy as np

#: Steps over which a firm weighs a misreport (it revisits about once a year),
#: and so also how much over-payment an audit typically claws back. Assumption.
MISREPORT_HORIZON_STEPS = 12
#: One-off cost of fabricating the evidence for a false report (MU). Assumption.
FABRICATION_COST = 1.0


def misreport_utility(gain_per_step: np.ndarray, audit_prob: float, penalty: float) -> np.ndarray:
    """Expected net gain over the horizon of reporting content when the truth is lower.

    Each step the firm draws ``gain_per_step`` extra (subsidy and tax offset);
    an audit, with ``audit_prob`` a step, costs it the fine and claws back what
    it drew (half the horizon's worth on average); faking the evidence costs
    :data:`FABRICATION_COST` once.
    """
    h = MISREPORT_HORIZON_STEPS
    expected_loss_per_step = audit_prob * (penalty + h / 2 * gain_per_step)
    return h * (gain_per_step - expected_loss_per_step) - FABRICATION_COST


def observe(reported: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """What government reads: the reported rung, off by one with probability ``noise``."""
    off = rng.random(reported.shape) < noise
    direction = np.where(rng.random(reported.shape) < 0.5, -1, 1)
    return np.clip(reported + off * direction, 0, 3)
