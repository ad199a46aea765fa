"""Approvals under several managers: take-up, sign-offs and the delay firms expect.

Seed: 'unclear responsibilities of multiple managers' (Ruian); countermeasure
'establish and perfect the management mechanism' (Sichuan). An upgrade
application waits until one holder of the approval function takes it up (the
volunteer's dilemma of :mod:`sim.mechanisms.departments`), then needs the
sign-off of every holder in turn. A coordination body's lead alone takes it up
and signs. Firms discount incentives that arrive only after approval.
"""

from __future__ import annotations

import numpy as np


def sign_off_prob(stage_prob: float, awareness: np.ndarray, routine_share: float) -> np.ndarray:
    """Chance a department clears its sign-off in a step: a routine part, the rest by awareness."""
    return stage_prob * (routine_share + (1.0 - routine_share) * awareness)


def incentive_discount(expected_delay_steps: float, steps_per_year: int) -> float:
    """Discount on the gain of an upgrade that arrives only after approval (hyperbolic, per year)."""
    return 1.0 / (1.0 + expected_delay_steps / steps_per_year)
