import numpy as np
import pandas as pd
import pytest
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami

from sim.analysis.sensitivity import (
    SensitivityError,
    morris_indices,
    replicate_cv,
    sobol_indices,
    stable_replicates,
)

ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
# Analytical indices of Ishigami with A=7, B=0.1 (Saltelli et al. 2008).
S1_TRUE = [0.3139, 0.4424, 0.0]
ST_TRUE = [0.5576, 0.4424, 0.2437]


def test_sobol_wrapper_recovers_ishigami_indices_within_their_intervals():
    x = sobol_sample.sample(ISHIGAMI, 1024, calc_second_order=False, seed=7)
    indices = sobol_indices(ISHIGAMI, Ishigami.evaluate(x), seed=11)
    assert list(indices.index) == ["x1", "x2", "x3"]
    for name, s1, st in zip(indices.index, S1_TRUE, ST_TRUE, strict=True):
        row = indices.loc[name]
        assert abs(row.S1 - s1) <= max(2 * row.S1_conf, 0.03), name
        assert abs(row.ST - st) <= max(2 * row.ST_conf, 0.03), name
    # x2 matters most alone; x3 only through its interaction with x1
    assert indices.S1.idxmax() == "x2"
    assert indices.loc["x3", "ST"] > 0.15 > indices.loc["x3", "S1"]


def test_sobol_confidence_intervals_are_reproducible_with_a_seed():
    x = sobol_sample.sample(ISHIGAMI, 256, calc_second_order=False, seed=3)
    y = Ishigami.evaluate(x)
    a = sobol_indices(ISHIGAMI, y, seed=5)
    b = sobol_indices(ISHIGAMI, y, seed=5)
    pd.testing.assert_frame_equal(a, b)


def test_sobol_refuses_missing_outputs_and_wrong_lengths():
    x = sobol_sample.sample(ISHIGAMI, 16, calc_second_order=False, seed=3)
    y = Ishigami.evaluate(x)
    y[4] = np.nan
    with pytest.raises(SensitivityError, match="missing"):
        sobol_indices(ISHIGAMI, y)
    with pytest.raises(SensitivityError, match="N \\* 5"):
        sobol_indices(ISHIGAMI, Ishigami.evaluate(x)[:-1])


def test_morris_ranks_ishigami_x3_with_largest_interaction_relative_to_effect():
    x = morris_sample.sample(ISHIGAMI, 200, num_levels=4, seed=2)
    m = morris_indices(ISHIGAMI, x, Ishigami.evaluate(x), levels=4, seed=3)
    assert set(m.columns) == {"mu", "mu_star", "sigma", "mu_star_conf"}
    assert (m.mu_star >= m.mu.abs() - 1e-12).all()
    # x3 acts only through interaction with x1: its sigma exceeds its mu*
    assert m.loc["x3", "sigma"] > m.loc["x3", "mu_star"]
    assert m.loc["x1", "mu_star"] > m.loc["x3", "mu_star"]


def test_replicate_cv_matches_hand_computed_values():
    values = pd.DataFrame({"design_point": [0, 0, 0, 1, 1, 1], "replicate": [2, 0, 1, 0, 1, 2],
                           "value": [4.0, 1.0, 3.0, 5.0, 5.0, 5.0]})
    cv = replicate_cv(values)
    first = cv[(cv.design_point == 0) & (cv.n == 2)].iloc[0]  # replicates 0 and 1: 1, 3
    assert first["mean"] == 2.0
    assert first["cv"] == pytest.approx(np.std([1, 3], ddof=1) / 2)
    assert (cv[cv.design_point == 1].cv == 0).all()


def test_stable_replicates_finds_the_first_n_from_which_cv_stays_within_tolerance():
    cv = pd.DataFrame({"design_point": 0, "n": [2, 3, 4, 5, 6],
                       "cv": [0.5, 0.2, 0.31, 0.30, 0.30]})
    stable = stable_replicates(cv, tolerance=0.05).iloc[0]
    assert stable.n_stable == 4
    assert stable.shown_stable
    cv2 = pd.DataFrame({"design_point": 0, "n": [2, 3, 4], "cv": [0.1, 0.2, 0.3]})
    unstable = stable_replicates(cv2).iloc[0]
    assert unstable.n_stable == 4 and not unstable.shown_stable


def test_stable_replicates_skips_points_with_zero_mean():
    cv = pd.DataFrame({"design_point": [0, 0], "n": [2, 3], "cv": [np.nan, np.nan]})
    assert stable_replicates(cv).empty
