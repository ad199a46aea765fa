"""Positive externality of training: trained graduates leave for peer firms.

Seeds: 'market failure', 'particularity of vocational education',
'independence of enterprises' (Ruian). An enterprise captures only the share of
the value its training creates that it keeps: its own retention, reduced by
poaching through peer ties to firms that do not train themselves.
Switch off with ``poaching_prob_per_tie = 0`` (and ``retention_share = 1``).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


def base_retention(retention_share: float, size: np.ndarray, elasticity: float) -> np.ndarray:
    """Share of its trained graduates a firm keeps before poaching.

    A median firm keeps ``retention_share``; the share it loses shrinks with
    size with ``elasticity`` (internal labour markets, career ladders), and
    ``retention_share = 1`` means every firm keeps everyone.
    """
    return np.clip(1.0 - (1.0 - retention_share) * size ** (-elasticity), 0.0, 1.0)


def poaching_loss(peers: sparse.csr_matrix, training: np.ndarray, prob_per_tie: float) -> np.ndarray:
    """Share of a firm's trained graduates lost to peers that do not train.

    Args:
        peers: enterprise-by-enterprise adjacency of peer ties (0/1).
        training: 1 where a firm has a partnership at practice or content.
        prob_per_tie: share lost to each non-training peer.
    """
    return loss_from_free_riders(free_riders(peers, training), prob_per_tie)


def free_riders(peers: sparse.csr_matrix, training: np.ndarray) -> np.ndarray:
    """Number of each firm's peers that do not train (peer ties weighted as given)."""
    return peers @ (1.0 - training)


def update_free_riders(counts: np.ndarray, peers: sparse.csr_matrix, changed: np.ndarray,
                       stopped: np.ndarray) -> np.ndarray:
    """Update :func:`free_riders` in place after the firms ``changed`` started or stopped training.

    ``stopped`` is +1 where a firm stopped training, -1 where it started. The
    counts are sums of whole tie weights, so the update is exact. Returns the
    firms whose count may have changed (the peers of ``changed``).
    """
    start, end = peers.indptr[changed], peers.indptr[changed + 1]
    lengths = end - start
    # Positions in ``peers.indices`` of every tie of the changed firms.
    pos = np.repeat(start - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    nbrs = peers.indices[pos]
    np.add.at(counts, nbrs, peers.data[pos] * np.repeat(stopped, lengths))
    nbrs.sort()  # unique by sorting: numpy's hash-based unique is slower at these sizes
    first = np.ones(nbrs.size, dtype=bool)
    first[1:] = nbrs[1:] != nbrs[:-1]
    return nbrs[first]


def loss_from_free_riders(counts: np.ndarray, prob_per_tie: float) -> np.ndarray:
    """Share lost to ``counts`` non-training peers, each taking ``prob_per_tie``."""
    return 1.0 - (1.0 - prob_per_tie) ** counts


def retained_share(base: np.ndarray, loss: np.ndarray) -> np.ndarray:
    """Share of trained graduates a firm ends up keeping."""
    return base * (1.0 - loss)
