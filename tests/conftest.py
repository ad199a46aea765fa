"""Shared helpers for replicated tests: the ones the patterns use (:mod:`sim.patterns`)."""

from __future__ import annotations

import pytest

from sim.patterns import FULL_PACKAGE, SEEDS, ci95, end_of_run  # noqa: F401  (re-exported)


@pytest.fixture(scope="session")
def replicate_seeds() -> list[int]:
    """Ten seeds: enough for t-intervals of the stylised facts at county scale."""
    return list(SEEDS)
