"""The table of school-enterprise partnerships, kept as parallel numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np


def _ints() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


def _bools() -> np.ndarray:
    return np.zeros(0, dtype=bool)


@dataclass
class Partnerships:
    """One row per active partnership (a school-enterprise pair appears at most once)."""

    school: np.ndarray = field(default_factory=_ints)
    enterprise: np.ndarray = field(default_factory=_ints)
    depth: np.ndarray = field(default_factory=_ints)
    target_enterprise: np.ndarray = field(default_factory=_ints)   # rung the firm invests for
    target_school: np.ndarray = field(default_factory=_ints)       # rung the school invests for
    report: np.ndarray = field(default_factory=_ints)              # rung the firm chose to report
    false_report: np.ndarray = field(default_factory=_bools)       # its choice was a false report
    misreporting: np.ndarray = field(default_factory=_bools)       # reports above the true depth now
    filed: np.ndarray = field(default_factory=_ints)               # rung the firm reports (claims)
    reported: np.ndarray = field(default_factory=_ints)            # rung government reads (noisy)
    certified: np.ndarray = field(default_factory=_ints)           # rung approved for claims
    steps_at_none: np.ndarray = field(default_factory=_ints)
    stages_left: np.ndarray = field(default_factory=_ints)         # 1 while an application is pending
    signers_left: np.ndarray = field(default_factory=_ints)        # bitmask of departments yet to sign
    filed_at: np.ndarray = field(default_factory=_ints)            # step the application was filed
    overpaid: np.ndarray = field(default_factory=lambda: np.zeros(0))  # MU drawn above entitlement
    broker: np.ndarray = field(default_factory=_ints)              # department that brokered it (-1)
    handler: np.ndarray = field(default_factory=_ints)             # department paying its claims (-1)
    given_depth: np.ndarray = field(default_factory=_bools)        # a given tie, its depth unmoved

    def __len__(self) -> int:
        return len(self.school)

    def add(self, school: np.ndarray, enterprise: np.ndarray, depth: np.ndarray,
            target_enterprise: np.ndarray, target_school: np.ndarray, broker: np.ndarray,
            handler: np.ndarray, report: np.ndarray | None = None,
            false_report: np.ndarray | None = None) -> None:
        """Append new partnerships (honest reports unless ``report``/``false_report`` say otherwise)."""
        n = len(school)
        new: dict[str, Any] = {
            "school": school, "enterprise": enterprise, "depth": depth,
            "target_enterprise": target_enterprise, "target_school": target_school,
            "report": target_enterprise if report is None else report,
            "false_report": np.zeros(n, dtype=bool) if false_report is None else false_report,
            "broker": broker, "handler": handler,
            "misreporting": np.zeros(n, dtype=bool), "reported": depth.copy(), "filed": depth.copy(),
            "certified": np.minimum(depth, 1),
            "steps_at_none": np.zeros(n, dtype=np.int64), "stages_left": np.zeros(n, dtype=np.int64),
            "signers_left": np.zeros(n, dtype=np.int64),
            "filed_at": np.zeros(n, dtype=np.int64), "overpaid": np.zeros(n),
            "given_depth": np.zeros(n, dtype=bool),
        }
        for name in _FIELD_NAMES:
            old = getattr(self, name)
            setattr(self, name, np.concatenate((old, new[name]), dtype=old.dtype, casting="unsafe"))

    def keep(self, mask: np.ndarray) -> None:
        """Drop every row where ``mask`` is False."""
        rows = mask.nonzero()[0]
        for name in _FIELD_NAMES:
            setattr(self, name, getattr(self, name).take(rows))

    def pair_keys(self, n_enterprises: int) -> np.ndarray:
        """Unique integer key of each (school, enterprise) pair."""
        return self.school * n_enterprises + self.enterprise

    def depths_of(self, agent: Any) -> np.ndarray:
        """Depths of the partnerships of one school or enterprise agent."""
        from sim.agents import Enterprise, School

        if isinstance(agent, School):
            return self.depth[self.school == agent.idx]
        if isinstance(agent, Enterprise):
            return self.depth[self.enterprise == agent.idx]
        return self.depth[:0]


_FIELD_NAMES = tuple(f.name for f in fields(Partnerships))


class PairIndex:
    """Which (school, enterprise) pair keys hold a partnership, kept in step with the table.

    Up to :data:`DENSE_LIMIT` possible pairs it is a flat boolean table (one
    lookup per key); above, a sorted array of keys (binary search), because
    writing into a table of 10^8 bytes touches a fresh memory page for almost
    every new pair. Both forms are read by the compiled step
    (:func:`sim.mechanisms.kernels.is_paired`) through :meth:`lookup`.
    """

    #: Largest number of possible pairs (schools x enterprises) kept as a dense table.
    DENSE_LIMIT = 1 << 25

    def __init__(self, n_pairs: int):
        self._table = np.zeros(n_pairs, dtype=bool) if n_pairs <= self.DENSE_LIMIT else None
        self._sorted = np.zeros(0, dtype=np.int64)
        self._no_table = np.zeros(0, dtype=bool)

    def lookup(self) -> tuple[np.ndarray, np.ndarray]:
        """(dense table or an empty one, sorted keys): what the compiled step reads."""
        return (self._no_table if self._table is None else self._table), self._sorted

    def contains(self, keys: np.ndarray) -> np.ndarray:
        """True where a key's pair holds a partnership."""
        if self._table is not None:
            return self._table[keys]
        pos = np.minimum(np.searchsorted(self._sorted, keys), max(0, self._sorted.size - 1))
        return (self._sorted[pos] == keys) if self._sorted.size else np.zeros(keys.shape, dtype=bool)

    def add(self, keys: np.ndarray) -> None:
        """Record new partnerships (keys not held yet, each once)."""
        if self._table is not None:
            self._table[keys] = True
        else:
            new = np.sort(keys)
            self._sorted = np.insert(self._sorted, np.searchsorted(self._sorted, new), new)

    def remove(self, keys: np.ndarray) -> None:
        """Forget dissolved partnerships."""
        if self._table is not None:
            self._table[keys] = False
        else:
            self._sorted = np.delete(self._sorted, np.searchsorted(self._sorted, keys))

    def keys(self) -> np.ndarray:
        """Every key held, sorted."""
        if self._table is not None:
            return np.flatnonzero(self._table)
        return self._sorted.copy()
