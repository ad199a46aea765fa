"""Overall planning: how well school majors fit local industry demand.

Seed: 'insufficient overall planning for school enterprise cooperation';
countermeasure 'constructing a comprehensive planning and control system'
(Ruian). Fit scales the value of every partnership; schools shift majors
towards demand each year at ``major_adjust_rate_per_year``.
"""

from __future__ import annotations

import numpy as np


def initial_majors(demand: np.ndarray, alignment: float, n_schools: int, rng: np.random.Generator,
                   concentration: float, nonlocal_share: float) -> np.ndarray:
    """Major shares per school in local industries, shape (n_schools, n_industries).

    Rows sum to at most 1: the rest of a school's students study majors no
    local industry demands. The unplanned part is Dirichlet with ``concentration``
    (low: schools specialise), ``nonlocal_share`` of it expected in majors no
    local industry demands (chosen for ease of enrolment).
    """
    k = len(demand)
    alpha = np.full(k + 1, concentration)
    alpha[-1] = concentration * k * nonlocal_share / (1.0 - nonlocal_share)
    random_part = rng.dirichlet(alpha, n_schools)[:, :k]
    return alignment * demand[None, :] + (1.0 - alignment) * random_part


def fit_matrix(majors: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Relevance of each school to each industry in [0, 1]: its major share relative to demand, capped."""
    return np.minimum(1.0, majors / np.maximum(demand[None, :], 1e-9))


def supply_adequacy(majors: np.ndarray, intake: np.ndarray, school: np.ndarray,
                    industry: np.ndarray, students_wanted: np.ndarray) -> np.ndarray:
    """Share of the students its partners in each industry want that a school can supply.

    A school trains ``intake x major share`` students a year for an industry;
    its partnerships in that industry want ``students_wanted`` between them
    (order classes and apprenticeships need whole classes). Where they want
    more than it has, every one of them gets a proportionally worse match.

    Args:
        majors: major shares, (n_schools, n_industries).
        intake: students per year per school.
        school: school index of each partnership.
        industry: industry index of each partnership's enterprise.
        students_wanted: students per year each partnership wants.

    Returns:
        Adequacy in [0, 1], (n_schools, n_industries); 1 where nobody wants any.
    """
    n_s, n_k = majors.shape
    wanted = np.bincount(school * n_k + industry, weights=students_wanted,
                         minlength=n_s * n_k).reshape(n_s, n_k)
    supply = intake[:, None] * majors
    return np.where(wanted > 0, np.minimum(1.0, supply / np.maximum(wanted, 1e-9)), 1.0)


def alignment_index(majors: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Overlap of each school's majors with demand (1 = fully aligned; non-local majors count 0)."""
    return np.minimum(majors, demand[None, :]).sum(axis=1)


def adjust_majors(majors: np.ndarray, demand: np.ndarray, rate: float) -> np.ndarray:
    """Close ``rate`` of the gap between majors and demand (one year)."""
    return majors + rate * (demand[None, :] - majors)
