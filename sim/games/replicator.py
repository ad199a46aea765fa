"""Replicator dynamics of a tripartite 2x2x2 game, and stability of its pure equilibria.

Write ``x, y, z`` for the shares playing the *first* strategy in the three
populations (file order), and ``P[p, a, b, c]`` for population ``p``'s payoff
when the populations play strategy indices ``a, b, c`` (0 = first, 1 = second).
With ``w(s) = (s, 1 - s)`` the expected advantage of the first strategy is
bilinear in the other two shares::

    F_x(y, z) = w(y) . D_x . w(z),   D_x[b, c] = P[0, 0, b, c] - P[0, 1, b, c]

and likewise ``F_y(x, z)``, ``F_z(x, y)``. The replicator equations are::

    dx/dt = x (1 - x) F_x(y, z)
    dy/dt = y (1 - y) F_y(x, z)
    dz/dt = z (1 - z) F_z(x, y)

The Jacobian is computed analytically (:func:`jacobian`). At a pure corner
``x (1 - x) = 0`` for every population, so every off-diagonal entry vanishes
and the eigenvalues are the diagonal ``(1 - 2 s_p) F_p``: each population's
gain from deviating alone to its other strategy. A corner is therefore an ESS
(asymptotically stable, all eigenvalues negative) exactly when it is a strict
Nash equilibrium. Mixed equilibria of multi-population replicator dynamics are
never asymptotically stable (Selten 1980; Ritzberger & Weibull 1995), which is
why papers, and this module, classify the eight corners.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import expit, logit

#: Paper order of the eight corners, in share notation E(x, y, z).
PAPER_ORDER: tuple[tuple[int, int, int], ...] = (
    (0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1), (0, 1, 1), (1, 1, 1),
)
#: An eigenvalue whose magnitude is at most this times max(1, max |payoff|)
#: counts as zero (the corner is then non-hyperbolic).
ZERO_TOLERANCE = 1e-9
#: Initial shares used for plots when the user gives none.
DEFAULT_INITIAL_SHARES: tuple[tuple[float, float, float], ...] = (
    (0.5, 0.5, 0.5), (0.2, 0.2, 0.2), (0.8, 0.8, 0.8), (0.2, 0.8, 0.5),
    (0.8, 0.2, 0.5), (0.5, 0.2, 0.8), (0.5, 0.8, 0.2), (0.3, 0.6, 0.7),
)
_E = np.array([1.0, -1.0])


def _w(s: float) -> np.ndarray:
    return np.array([s, 1.0 - s])


def _difference_matrices(payoffs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First-minus-second payoff differences, each a 2x2 matrix over the others' strategies."""
    p = np.asarray(payoffs, dtype=float)
    return (
        p[0, 0, :, :] - p[0, 1, :, :],  # over (school, enterprise) for population 0
        p[1, :, 0, :] - p[1, :, 1, :],  # over (population 0, population 2)
        p[2, :, :, 0] - p[2, :, :, 1],  # over (population 0, population 1)
    )


def advantages(payoffs: np.ndarray, shares) -> np.ndarray:
    """Expected payoff of each population's first strategy minus its second.

    Args:
        payoffs: Array of shape (3, 2, 2, 2) as from ``GameSpec.payoff_array``.
        shares: ``(x, y, z)``, the shares playing each first strategy.

    Returns:
        ``(F_x, F_y, F_z)``.
    """
    d0, d1, d2 = _difference_matrices(payoffs)
    w0, w1, w2 = (_w(s) for s in shares)
    return np.array([w1 @ d0 @ w2, w0 @ d1 @ w2, w0 @ d2 @ w1])


def replicator_rhs(payoffs: np.ndarray, shares) -> np.ndarray:
    """Right-hand side of the three replicator equations.

    Args:
        payoffs: Array of shape (3, 2, 2, 2).
        shares: ``(x, y, z)``.

    Returns:
        ``(dx/dt, dy/dt, dz/dt)``.
    """
    s = np.asarray(shares, dtype=float)
    return s * (1.0 - s) * advantages(payoffs, s)


def jacobian(payoffs: np.ndarray, shares) -> np.ndarray:
    """Analytic Jacobian of the replicator equations.

    Args:
        payoffs: Array of shape (3, 2, 2, 2).
        shares: ``(x, y, z)``.

    Returns:
        3x3 matrix ``J[i, j] = d(ds_i/dt) / ds_j``: ``(1 - 2 s_i) F_i`` on the
        diagonal, ``s_i (1 - s_i) dF_i/ds_j`` off it.
    """
    s = np.asarray(shares, dtype=float)
    j = (s * (1 - s))[:, None] * jacobian_of_advantages(payoffs, s)
    j[np.diag_indices(3)] = (1 - 2 * s) * advantages(payoffs, s)
    return j


def classify(eigenvalues, tolerance: float) -> str:
    """Stability class of a hyperbolic or non-hyperbolic rest point.

    Args:
        eigenvalues: Real parts are used.
        tolerance: Magnitude at or below which an eigenvalue counts as zero.

    Returns:
        ``"non-hyperbolic"`` if any eigenvalue is zero within ``tolerance``;
        else ``"ESS"`` (all negative), ``"unstable"`` (all positive) or
        ``"saddle"`` (mixed signs).
    """
    real = np.real(np.asarray(eigenvalues))
    if np.any(np.abs(real) <= tolerance):
        return "non-hyperbolic"
    if np.all(real < 0):
        return "ESS"
    if np.all(real > 0):
        return "unstable"
    return "saddle"


@dataclass(frozen=True)
class Equilibrium:
    """One pure-strategy rest point and its local stability.

    Attributes:
        profile: Shares in paper notation, 1 = first strategy, per population.
        eigenvalues: Jacobian eigenvalues, one per population (file order).
        stability: ``ESS``, ``unstable``, ``saddle`` or ``non-hyperbolic``.
    """

    profile: tuple[int, int, int]
    eigenvalues: tuple[float, float, float]
    stability: str

    def as_dict(self) -> dict:
        """The JSON form: ``profile``, ``eigenvalues``, ``stability``."""
        return {
            "profile": list(self.profile),
            "eigenvalues": [float(v) for v in self.eigenvalues],
            "stability": self.stability,
        }


def zero_tolerance(payoffs: np.ndarray) -> float:
    """Tolerance for a zero eigenvalue: ``ZERO_TOLERANCE * max(1, max |payoff|)``."""
    return ZERO_TOLERANCE * max(1.0, float(np.max(np.abs(payoffs))))


def pure_equilibria(payoffs: np.ndarray) -> list[Equilibrium]:
    """The eight pure-strategy equilibria, in paper order, with eigenvalues and class.

    At a corner the Jacobian is exactly diagonal (see the module docstring), so
    the eigenvalue of population ``p`` is ``J[p, p]``, its gain from deviating.

    Args:
        payoffs: Array of shape (3, 2, 2, 2).

    Returns:
        Eight :class:`Equilibrium` objects ordered E(0,0,0), E(1,0,0),
        E(0,1,0), E(0,0,1), E(1,1,0), E(1,0,1), E(0,1,1), E(1,1,1).
    """
    tol = zero_tolerance(payoffs)
    table = []
    for profile in PAPER_ORDER:
        j = jacobian(payoffs, profile)
        off_diagonal = j - np.diag(np.diag(j))
        assert not off_diagonal.any(), "corner Jacobian must be diagonal"
        eigenvalues = tuple(float(v) + 0.0 for v in np.diag(j))  # + 0.0: no "-0.0"
        table.append(Equilibrium(profile, eigenvalues, classify(eigenvalues, tol)))
    return table


def stable_profiles(payoffs: np.ndarray) -> list[tuple[int, int, int]]:
    """Corners classified ESS, in paper notation."""
    return [e.profile for e in pure_equilibria(payoffs) if e.stability == "ESS"]


@dataclass(frozen=True)
class Trajectory:
    """An integrated replicator solution.

    Attributes:
        t: Times, shape (n,).
        shares: Shares, shape (n, 3), columns in population order.
    """

    t: np.ndarray
    shares: np.ndarray


def integrate(payoffs: np.ndarray, initial, t_max: float = 50.0, n_points: int = 501,
              t_eval=None) -> Trajectory:
    """Integrate the replicator equations from given initial shares.

    Interior shares are integrated in log-odds ``u = log(s / (1 - s))``, where
    the replicator equation becomes ``du/dt = F(s)``: bounded and non-stiff, so
    trajectories that creep along the faces towards corners (heteroclinic
    cycles) stay accurate and inside the unit cube. A share starting at 0 or 1
    stays there, as the replicator equation says.

    Args:
        payoffs: Array of shape (3, 2, 2, 2).
        initial: Initial ``(x, y, z)``, each in [0, 1].
        t_max: End time (replicator time units).
        n_points: Number of evenly spaced output times (ignored with ``t_eval``).
        t_eval: Explicit output times, increasing from 0.

    Returns:
        The :class:`Trajectory`.

    Raises:
        ValueError: If an initial share is outside [0, 1] or integration fails.
    """
    s0 = np.asarray(initial, dtype=float)
    if s0.shape != (3,) or np.any((s0 < 0) | (s0 > 1)):
        raise ValueError(f"initial shares must be three numbers in [0, 1], got {initial!r}")
    p = np.asarray(payoffs, dtype=float)
    times = np.linspace(0.0, t_max, n_points) if t_eval is None else np.asarray(t_eval, float)
    free = (s0 > 0) & (s0 < 1)
    if times[-1] <= 0 or not free.any():
        return Trajectory(t=times, shares=np.tile(s0, (times.size, 1)))

    def shares_of(u: np.ndarray) -> np.ndarray:
        s = s0.copy()
        s[free] = expit(u)
        return s

    def rhs(_t, u):
        return advantages(p, shares_of(u))[free]

    def jac(_t, u):
        s = shares_of(u)
        # d F_i / d u_j = d F_i / d s_j * s_j (1 - s_j); the diagonal of dF/ds is 0.
        d_f = jacobian_of_advantages(p, s) * (s * (1 - s))[None, :]
        return d_f[np.ix_(free, free)]

    solution = solve_ivp(rhs, (0.0, float(times[-1])), logit(s0[free]), method="LSODA",
                         t_eval=times, jac=jac, rtol=1e-9, atol=1e-9)
    if not solution.success:
        raise ValueError(f"integration failed: {solution.message}")
    shares = np.tile(s0, (solution.t.size, 1))
    shares[:, free] = expit(solution.y.T)
    return Trajectory(t=solution.t, shares=shares)


def jacobian_of_advantages(payoffs: np.ndarray, shares) -> np.ndarray:
    """Matrix ``dF_i / ds_j`` of the advantages (zero diagonal: F_i ignores s_i)."""
    d0, d1, d2 = _difference_matrices(payoffs)
    w0, w1, w2 = (_w(float(s)) for s in shares)
    return np.array([
        [0.0, _E @ d0 @ w2, w1 @ d0 @ _E],
        [_E @ d1 @ w2, 0.0, w0 @ d1 @ _E],
        [_E @ d2 @ w1, w0 @ d2 @ _E, 0.0],
    ])


def payoff_range(payoffs: np.ndarray) -> float:
    """Largest payoff range over the three populations (max minus min within one).

    The pairwise proportional imitation rule divides payoff differences by this
    so switching probabilities stay in [0, 1]; one agent step then advances the
    mean dynamics by ``revision_prob / payoff_range`` replicator time units.
    """
    p = np.asarray(payoffs, dtype=float)
    return float(max(p[i].max() - p[i].min() for i in range(3)))


def all_profiles() -> list[tuple[int, int, int]]:
    """All eight strategy-index profiles ``(a, b, c)``, first strategy = 0."""
    return list(product((0, 1), repeat=3))
