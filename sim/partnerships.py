"""The table of school-enterprise partnerships, kept as parallel numpy arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

#: The table's columns and their dtypes, in a fixed order (the compiled step takes them so).
FIELDS: dict[str, Any] = {
    "school": np.int64,
    "enterprise": np.int64,
    "depth": np.int64,
    "target_enterprise": np.int64,   # rung the firm invests for
    "target_school": np.int64,       # rung the school invests for
    "report": np.int64,              # rung the firm chose to report
    "false_report": np.bool_,        # its choice was a false report
    "misreporting": np.bool_,        # reports above the true depth now
    "filed": np.int64,               # rung the firm reports (claims)
    "reported": np.int64,            # rung government reads (noisy)
    "certified": np.int64,           # rung approved for claims
    "steps_at_none": np.int64,
    "stages_left": np.int64,         # 1 while an application is pending
    "signers_left": np.int64,        # bitmask of departments yet to sign
    "filed_at": np.int64,            # step the application was filed
    "overpaid": np.float64,          # MU drawn above entitlement
    "broker": np.int64,              # department that brokered it (-1)
    "handler": np.int64,             # department paying its claims (-1)
    "given_depth": np.bool_,         # a given tie, its depth unmoved
}
_FIELD_NAMES = tuple(FIELDS)


class Partnerships:
    """One row per active partnership (a school-enterprise pair appears at most once).

    Each column (``school``, ``depth``, ... : :data:`FIELDS`) is a numpy array
    of ``len(self)`` entries. It is a view on the first rows of a buffer with
    room to spare, so that a step can append and drop rows in place without
    allocating every column anew (the compiled step writes the buffers
    directly, then calls :meth:`resize`). Assigning a column copies the values
    into its buffer, so the table stays one table. The columns are the
    instance's only attributes (``vars(table)``); the buffers live in slots.
    """

    __slots__ = ("_n", "_bufs", "__dict__")

    def __init__(self, capacity: int = 0):
        object.__setattr__(self, "_n", 0)
        object.__setattr__(self, "_bufs", tuple(np.zeros(capacity, dtype=dtype)
                                                for dtype in FIELDS.values()))
        self._refresh()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in FIELDS:
            self._bufs[_FIELD_NAMES.index(name)][:self._n] = value
        else:
            object.__setattr__(self, name, value)

    def __getstate__(self) -> tuple[int, tuple[np.ndarray, ...]]:
        return self._n, self._bufs

    def __setstate__(self, state: tuple[int, tuple[np.ndarray, ...]]) -> None:
        object.__setattr__(self, "_n", state[0])
        object.__setattr__(self, "_bufs", state[1])
        self._refresh()   # the columns are views on the buffers again

    def _refresh(self) -> None:
        n = self._n
        self.__dict__.update(zip(_FIELD_NAMES, [buf[:n] for buf in self._bufs], strict=True))

    def __len__(self) -> int:
        return self._n

    @property
    def capacity(self) -> int:
        """Rows the buffers hold (at least ``len(self)``)."""
        return len(self._bufs[0])

    def buffers(self) -> tuple[np.ndarray, ...]:
        """Every column's whole buffer, in :data:`FIELDS` order (for the compiled step)."""
        return self._bufs

    def reserve(self, rows: int) -> None:
        """Make room for ``rows`` rows in all (the buffers at least double when they grow)."""
        if rows <= len(self._bufs[0]):
            return
        size = max(rows, 2 * len(self._bufs[0]), 64)
        grown = []
        for buf in self._bufs:
            new = np.zeros(size, dtype=buf.dtype)
            new[:self._n] = buf[:self._n]
            grown.append(new)
        object.__setattr__(self, "_bufs", tuple(grown))
        self._refresh()

    def resize(self, rows: int) -> None:
        """The table now has ``rows`` rows (the buffers were written up to there)."""
        if rows > len(self._bufs[0]):
            raise ValueError(f"{rows} rows do not fit in a table of capacity {self.capacity}")
        object.__setattr__(self, "_n", int(rows))
        self._refresh()

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
            "false_report": False if false_report is None else false_report,
            "broker": broker, "handler": handler,
            "misreporting": False, "reported": depth, "filed": depth,
            "certified": np.minimum(depth, 1),
            "steps_at_none": 0, "stages_left": 0, "signers_left": 0, "filed_at": 0,
            "overpaid": 0.0, "given_depth": False,
        }
        start = self._n
        self.reserve(start + n)
        for name, buf in zip(_FIELD_NAMES, self._bufs, strict=True):
            buf[start:start + n] = new[name]
        self.resize(start + n)

    def keep(self, mask: np.ndarray) -> None:
        """Drop every row where ``mask`` is False (the rows kept keep their order)."""
        rows = mask.nonzero()[0]
        for buf in self._bufs:
            buf[:rows.size] = buf[rows]
            buf[rows.size:self._n] = 0   # dropped rows leave no trace in the buffers
        self.resize(rows.size)

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
