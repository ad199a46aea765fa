"""Overall planning: how well school majors fit local industry demand.

Seed: 'insufficient overall planning for school enterprise cooperation';
countermeasure 'constructing a comprehensive planning and control system'
(Ruian). Fit scales the value of every partnership; schools shift majors
towards demand each year at ``major_adjust_rate_per_year``.
"""

from __future__ import annotations

import numpy as np

#: Concentration of the unplanned part of a school's majors (Dirichlet alpha):
#: low values make schools specialise in a few majors. Assumption.
UNPLANNED_MAJOR_CONCENTRATION = 0.4


def initial_majors(demand: np.ndarray, alignment: float, n_schools: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Major shares per school, shape (n_schools, n_industries), rows sum to 1."""
    random_part = rng.dirichlet(np.full(len(demand), UNPLANNED_MAJOR_CONCENTRATION), n_schools)
    return alignment * demand[None, :] + (1.0 - alignment) * random_part


def fit_matrix(majors: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Fit of each school to each industry in [0, 1]: supply relative to demand, capped."""
    return np.minimum(1.0, majors / np.maximum(demand[None, :], 1e-9))


def alignment_index(majors: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Overlap of each school's majors with demand (1 = fully aligned)."""
    return np.minimum(majors, demand[None, :]).sum(axis=1)


def adjust_majors(majors: np.ndarray, demand: np.ndarray, rate: float) -> np.ndarray:
    """Close ``rate`` of the gap between majors and demand (one year)."""
    return majors + rate * (demand[None, :] - majors)
