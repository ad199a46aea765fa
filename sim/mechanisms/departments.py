"""Government departments as agents: mandates, awareness and the decision to take a task up.

Seeds: 'unclear responsibilities of multiple managers', 'inadequate government
personnel awareness' (Ruian); 'the government lacks of public service
awareness', 'establish and perfect the management mechanism' (Sichuan).

Each department holds some of three functions: brokering matches, processing
applications (approval and payment), and auditing reports. Every function has
a primary holder; every other department also holds it with probability
``mandate_overlap`` (the multiple managers). A task of a function (a request to
broker, an application to take up, an audit to make) reaches every holder.

The decision. A department is attentive to a task with probability equal to its
service awareness ``a``, and values the task being done at ``a x V`` (awareness
is both attention and care). An attentive department chooses between *act*
(payoff ``a V - c``: the task is done, at its effort cost) and *leave it*
(payoff ``a V x P(another holder acts)``: it is done only if someone else does
it). So it acts when ``a V (1 - P(another acts)) > c``, with logit noise. Each department
expects another to act; with more holders each does less: the volunteer's
dilemma (Diekmann 1985), solved here as its logit (quantal-response)
equilibrium. A coordination body names one lead per function and pools the
holders under it: responsibility is clear, so nobody waits for another.
"""

from __future__ import annotations

import numpy as np

FUNCTIONS = ("broker", "approve", "audit")
BROKER, APPROVE, AUDIT = range(3)


def assign_mandates(n_departments: int, overlap: float, rng: np.random.Generator) -> np.ndarray:
    """Which department holds which function, shape (n_departments, 3), bool.

    Function ``f`` has primary holder ``f mod n``; every other department holds
    it with probability ``overlap``.
    """
    held = rng.random((n_departments, len(FUNCTIONS))) < overlap
    held[np.arange(len(FUNCTIONS)) % n_departments, np.arange(len(FUNCTIONS))] = True
    return held


def primary_holders(n_departments: int) -> np.ndarray:
    """The primary holder of each function (the lead a coordination body names)."""
    return np.arange(len(FUNCTIONS)) % n_departments


def draw_awareness(mean: float, concentration: float, n: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Each department's service awareness: Beta around ``mean`` (exact at 0 and 1)."""
    if mean <= 0.0 or mean >= 1.0:
        return np.full(n, mean)
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, n)


def take_up(awareness: np.ndarray, held: np.ndarray, lead: np.ndarray | None, value: float,
            cost: float, temperature: float, iterations: int = 200) -> np.ndarray:
    """Probability each department takes a task of each function up, shape (n_departments, 3).

    ``awareness[d] x P(act | attentive)``: the logit equilibrium of the
    volunteer's dilemma among the holders of each function.

    With ``lead`` (one department per function, from a coordination body) the
    holders no longer wait for each other: responsibility is clear, so each
    attends and acts as a sole holder would, and the body channels what they
    do through the lead, which alone is credited (the others' take-up is 0).

    Args:
        awareness: service awareness of each department (chance it attends to a task).
        held: mandates, (n_departments, 3).
        lead: lead department per function, or None without a coordination body.
        value: what a fully aware department gains from a task being done.
        cost: its cost of doing the task itself.
        temperature: logit noise of the decision.
        iterations: damped fixed-point iterations (the equilibrium is reached long before).
    """
    attentive = awareness[:, None] * held
    sole = attentive * _willing(awareness[:, None] * value, cost, temperature)
    if lead is not None:
        x = np.zeros_like(sole)
        x[lead, np.arange(held.shape[1])] = done_prob(sole)
        return x
    x = sole.copy()
    aware_value = awareness[:, None] * value   # loop-invariant (the product's first factor)
    for _ in range(iterations):
        idle = 1.0 - x
        none_acts = np.prod(idle, axis=0, keepdims=True)
        # P(no *other* holder acts): divide out the department's own term.
        others_idle = np.divide(none_acts, idle, out=np.zeros_like(x), where=x < 1.0)
        new = 0.5 * x + 0.5 * attentive * _willing(aware_value * others_idle, cost, temperature)
        if (new == x).all():
            break  # an exact fixed point: every further iteration would return it unchanged
        x = new
    return x


def _willing(expected_value: np.ndarray, cost: float, temperature: float) -> np.ndarray:
    """Logit chance an attentive department acts: its value of acting over leaving it."""
    return 1.0 / (1.0 + np.exp(-(expected_value - cost) / temperature))


def pooled_awareness(awareness: np.ndarray, held: np.ndarray) -> np.ndarray:
    """A coordination body's attention to each function: any of its holders attending, shape (3,)."""
    return 1.0 - np.prod(1.0 - awareness[:, None] * held, axis=0)


def done_prob(x: np.ndarray) -> np.ndarray:
    """Chance a task of each function is taken up by at least one holder, shape (3,)."""
    return 1.0 - np.prod(1.0 - x, axis=0)


def assign_tasks(n_tasks: int, x: np.ndarray, capacity_left: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    """Which department does each of ``n_tasks`` tasks of one function (-1: nobody).

    Each department acts on each task with its take-up probability ``x`` (n,)
    while it has capacity left; where several act, a random one of them does it.
    ``capacity_left`` is reduced in place.
    """
    if n_tasks == 0:
        return np.zeros(0, dtype=np.int64)
    acts = rng.random((n_tasks, x.size)) < x[None, :]
    # Capacity: a department stops acting once its month's tasks are used up.
    acts &= np.cumsum(acts, axis=0) <= capacity_left[None, :]
    keys = np.where(acts, rng.random(acts.shape), -1.0)
    doer = np.where(acts.any(axis=1), np.argmax(keys, axis=1), -1)
    counts = np.bincount(doer[doer >= 0], minlength=x.size)
    capacity_left -= counts
    return doer


def sign_off_sequence(held: np.ndarray, lead: np.ndarray | None) -> np.ndarray:
    """Departments whose sign-off an application needs (consulted in parallel).

    Every holder of the approval function signs (each overlapping manager is a
    veto point); with a coordination body the lead's one-stop window alone.
    """
    if lead is not None:
        return np.array([lead[APPROVE]], dtype=np.int64)
    return np.flatnonzero(held[:, APPROVE]).astype(np.int64)


def pick_suspicious(n_audits: int, reported: np.ndarray, depth: np.ndarray, eligible: np.ndarray,
                    noise_sd: float, rng: np.random.Generator) -> np.ndarray:
    """Indices of the ``n_audits`` eligible reports that look most suspicious to one department.

    ``reported`` is what government reads of the filed reports (through
    reporting noise); the department reads each partnership's true depth
    through its own noise; a report far above that reading looks suspicious. With no noise it finds
    every false report first; with much noise its audits are close to random.
    """
    idx = eligible.nonzero()[0]
    if n_audits <= 0 or idx.size == 0:
        return np.zeros(0, dtype=np.int64)
    reading = depth[idx] + noise_sd * rng.standard_normal(idx.size)
    suspicion = reported[idx] - reading
    if n_audits >= idx.size:
        return idx
    top = np.argpartition(-suspicion, n_audits - 1)[:n_audits]
    return idx[top]
