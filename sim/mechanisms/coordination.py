"""Several departments share one mandate: diluted effort and slow approvals.

Seed: 'unclear responsibilities of multiple managers' (Ruian); countermeasure
'establish and perfect the management mechanism' (Sichuan). Each department
expects another to act, so effective effort falls with the overlap of mandates;
every overlapping department adds a sign-off to an application. A coordination
body pools the departments: full effort, one sign-off.
"""

from __future__ import annotations

import numpy as np


def effort_dilution(mandate_overlap: float, n_departments: int, coordination_body: bool) -> float:
    """Share of its awareness a department turns into effort (1 = no dilution).

    Diffusion of responsibility: with overlap ``o`` among ``n`` departments each
    acts as if ``o * (1 - 1/n)`` of the job were someone else's.
    """
    if coordination_body or n_departments <= 1:
        return 1.0
    return 1.0 - mandate_overlap * (1.0 - 1.0 / n_departments)


def expected_sign_offs(mandate_overlap: float, n_departments: int, coordination_body: bool) -> float:
    """Mean number of departments that must approve an application.

    Every department whose mandate overlaps the lead department's adds a
    sign-off; half of the others are assumed to be consulted in parallel.
    """
    if coordination_body:
        return 1.0
    return 1.0 + mandate_overlap * (n_departments - 1) / 2.0


def draw_sign_offs(mean: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Sign-offs for ``n`` new applications: floor or ceiling of ``mean``, unbiased.

    Stochastic rounding keeps the mean exact, so delay changes smoothly with
    overlap instead of in whole-department jumps.
    """
    low = int(np.floor(mean))
    return low + (rng.random(n) < mean - low).astype(np.int64)


def stage_clear_prob(base_prob: float, effective_service: float) -> float:
    """Chance one sign-off clears in a step: half is routine, half needs effort."""
    return base_prob * (0.5 + 0.5 * effective_service)


def advance_applications(stages_left: np.ndarray, clear_prob: float,
                         rng: np.random.Generator) -> np.ndarray:
    """One step of processing: each pending application may clear one stage.

    Args:
        stages_left: remaining sign-offs, 0 where nothing is pending.
        clear_prob: chance a pending application clears a stage this step.
        rng: the run's generator.

    Returns:
        The new remaining sign-offs.
    """
    pending = stages_left > 0
    cleared = pending & (rng.random(stages_left.shape) < clear_prob)
    return stages_left - cleared


def incentive_discount(expected_delay_steps: float, steps_per_year: int) -> float:
    """Discount on the gain of an upgrade that arrives only after approval (hyperbolic, per year)."""
    return 1.0 / (1.0 + expected_delay_steps / steps_per_year)
