"""Learning by doing: firms that run content partnerships learn that deep cooperation pays.

A switchable mechanism (off by default: ``experience_learning_rate = 0``).
Each firm holds an experience level in [0, 1]. At each year end it grows by
the learning rate x the share of the firm's partnerships at content x (1 -
experience) and falls by ``experience_forgetting`` x experience (staff
turnover). A firm values the training of its partnerships at
``training_value_per_step`` x (1 + ``experience_value_premium`` x experience):
experienced firms know how to use trainees. The evolutionary-game studies of
government-school-enterprise cooperation imply such learning; its form and
numbers here are assumptions.
"""

from __future__ import annotations

import numpy as np


def perceived_training_value(value: float, premium: float, experience: np.ndarray
                             ) -> np.ndarray:
    """Training value each firm sees: ``value`` x (1 + premium x experience)."""
    return value * (1.0 + premium * experience)


def learn(experience: np.ndarray, content_share: np.ndarray, rate: float,
          forgetting: float) -> np.ndarray:
    """Experience after a year in which each firm had ``content_share`` of its partnerships at content."""
    return np.clip(experience + rate * content_share * (1.0 - experience)
                   - forgetting * experience, 0.0, 1.0)
