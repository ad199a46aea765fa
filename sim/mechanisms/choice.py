"""Boundedly rational choice: logit over rungs, and imitation of peers.

Agents compute the expected payoff of each rung but choose with noise
(multinomial logit, temperature ``choice_temperature``), the standard
quantal-response model of bounded rationality; enterprises sometimes copy a
random peer's choice instead (``imitation_prob``), as surveys find
participation 'scattered and spontaneous'.
"""

from __future__ import annotations

import numpy as np


def logit_choice(utility: np.ndarray, temperature: float, rng: np.random.Generator) -> np.ndarray:
    """Draw one option per row of ``utility`` (n, k) with logit probabilities."""
    z = utility / temperature
    z -= np.maximum.reduce(z, axis=1, keepdims=True)
    cdf = np.exp(z, out=z).cumsum(axis=1)
    u = rng.random(len(utility))[:, None] * cdf[:, -1:]
    return np.add.reduce(u > cdf, axis=1)


def logit_binary(utility: np.ndarray, temperature: float, rng: np.random.Generator) -> np.ndarray:
    """True with probability ``1 / (1 + exp(-utility / temperature))``."""
    p = 0.5 * (1.0 + np.tanh(0.5 * utility / temperature))
    return rng.random(utility.shape) < p
