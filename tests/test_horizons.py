import numpy as np
import pytest

from sim.horizons import CONDITIONS, Horizon, horizons
from sim.patterns import end_of_run

SMALL = dict(n_schools=2, n_enterprises=60, n_departments=2)


def test_a_horizon_is_the_mean_of_that_year_as_end_of_run_reads_it():
    rows = horizons(SMALL, years=(2, 3), seeds=(1, 2))
    assert [(r.condition, r.year) for r in rows] == [(c, y) for c in CONDITIONS for y in (2, 3)]
    for row in rows:
        runs = end_of_run({**SMALL, **CONDITIONS[row.condition]}, (1, 2), steps=12 * row.year)
        assert row.level == pytest.approx(runs["content_share"].mean())
    # the trend at year 3 is the year-3 level minus the year-2 level, seed by seed, so on average too
    for condition in CONDITIONS:
        two, three = (r for r in rows if r.condition == condition)
        assert three.trend == pytest.approx(three.level - two.level)


def test_the_verdict_reads_the_trend_ci():
    def row(lo, hi):
        return Horizon("x", 10, 0.5, (0.4, 0.6), (lo + hi) / 2, (lo, hi))

    assert row(-0.004, 0.004).verdict == "settled"
    assert row(-0.004, 0.006).verdict == "not shown"  # could still be rising
    assert row(0.01, 0.02).verdict == "rising"


def test_a_horizon_needs_two_years():
    with pytest.raises(ValueError, match="two years"):
        horizons(SMALL, years=(1,), seeds=(1,))
    assert np.isfinite([r.level for r in horizons(SMALL, years=(2,), seeds=(1,))]).all()
