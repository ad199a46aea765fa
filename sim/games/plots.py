"""Figures for a game: 3-D phase plot, shares over time, agents vs replicator.

Every function draws on its own :class:`matplotlib.figure.Figure` (no pyplot
state) and writes the figure as PNG and SVG next to each other.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from sim.games.replicator import Equilibrium, Trajectory
from sim.games.runs import AgentRun
from sim.games.spec import GameSpec
from sim.store import atomic_write_bytes

_STABILITY_STYLE = {
    "ESS": {"color": "tab:green", "marker": "o", "s": 70},
    "saddle": {"color": "tab:orange", "marker": "^", "s": 35},
    "unstable": {"color": "tab:red", "marker": "x", "s": 45},
    "non-hyperbolic": {"color": "tab:gray", "marker": "s", "s": 35},
}


def _axis_labels(game: GameSpec) -> list[str]:
    return [f"{pop}: share {game.strategies[p][0]}" for p, pop in enumerate(game.populations)]


#: Metadata that keeps files byte-stable: no creation date in the SVG, no version in the PNG.
_METADATA = {"png": {"Software": None}, "svg": {"Date": None}}


def _save(fig: Figure, stem: Path) -> list[Path]:
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    # A fixed salt makes the SVG's clip-path and glyph ids (random by default) repeatable,
    # so the same figure gives the same bytes; each file is renamed into place whole.
    with matplotlib.rc_context({"svg.hashsalt": "coopsim"}):
        for path in paths:
            kind = path.suffix[1:]
            buffer = io.BytesIO()
            fig.savefig(buffer, format=kind, dpi=150, metadata=_METADATA[kind])
            atomic_write_bytes(path, buffer.getvalue())
    return paths


def plot_phase(game: GameSpec, trajectories: list[Trajectory],
               equilibria: list[Equilibrium], stem: Path) -> list[Path]:
    """3-D phase plot: trajectories in the unit cube, corners marked by stability.

    Args:
        game: The game (for axis labels and title).
        trajectories: Integrated solutions, one per initial point.
        equilibria: The eight corners with their classes.
        stem: Output path without suffix.

    Returns:
        The PNG and SVG paths written.
    """
    fig = Figure(figsize=(7, 6), layout="constrained")
    ax = fig.add_subplot(projection="3d")
    for trajectory in trajectories:
        s = trajectory.shares
        (line,) = ax.plot(s[:, 0], s[:, 1], s[:, 2], lw=1.2)
        ax.scatter(*s[0], color=line.get_color(), s=12)
    seen = set()
    for eq in equilibria:
        style = _STABILITY_STYLE[eq.stability]
        label = eq.stability if eq.stability not in seen else None
        seen.add(eq.stability)
        ax.scatter(*eq.profile, label=label, depthshade=False, **style)
        ax.text(*eq.profile, " E({},{},{})".format(*eq.profile), fontsize=7)
    labels = _axis_labels(game)
    ax.set_xlabel(labels[0], fontsize=8)
    ax.set_ylabel(labels[1], fontsize=8)
    ax.set_zlabel(labels[2], fontsize=8)
    for setter in (ax.set_xlim, ax.set_ylim, ax.set_zlim):
        setter(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(game.title, fontsize=9)
    return _save(fig, stem)


def plot_shares(game: GameSpec, trajectories: list[Trajectory], stem: Path) -> list[Path]:
    """Shares over time, one panel per population, one line per initial point.

    Args:
        game: The game.
        trajectories: Integrated solutions.
        stem: Output path without suffix.

    Returns:
        The PNG and SVG paths written.
    """
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    axes = fig.subplots(1, 3, sharey=True)
    for p, ax in enumerate(axes):
        for trajectory in trajectories:
            label = "({:.2f}, {:.2f}, {:.2f})".format(*trajectory.shares[0])
            ax.plot(trajectory.t, trajectory.shares[:, p], lw=1.2, label=label)
        ax.set_title(f"{game.populations[p]}: share {game.strategies[p][0]}", fontsize=9)
        ax.set_xlabel("replicator time")
        ax.set_ylim(-0.02, 1.02)
    axes[0].set_ylabel("share")
    axes[-1].legend(title="start (x, y, z)", fontsize=7, title_fontsize=7)
    fig.suptitle(game.title, fontsize=10)
    return _save(fig, stem)


def plot_agents(game: GameSpec, ode: Trajectory, run: AgentRun, stem: Path,
                network: str | None = None) -> list[Path]:
    """Agent shares (replicate mean and range) over the replicator trajectory.

    Args:
        game: The game.
        ode: The replicator solution from the same initial shares.
        run: The agent runs, on the replicator time axis.
        stem: Output path without suffix.
        network: Network spec used, for the title (None = well-mixed).

    Returns:
        The PNG and SVG paths written.
    """
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    axes = fig.subplots(1, 3, sharey=True)
    low, high = run.shares.min(axis=0), run.shares.max(axis=0)
    for p, ax in enumerate(axes):
        ax.fill_between(run.ode_t, low[:, p], high[:, p], color="tab:blue", alpha=0.2,
                        label="agents: replicate range")
        ax.plot(run.ode_t, run.mean[:, p], color="tab:blue", lw=1.4, label="agents: mean")
        ax.plot(ode.t, ode.shares[:, p], color="black", ls="--", lw=1.2, label="replicator ODE")
        ax.set_title(f"{game.populations[p]}: share {game.strategies[p][0]}", fontsize=9)
        ax.set_xlabel("replicator time (agent steps x revision prob / payoff range)", fontsize=7)
        ax.set_ylim(-0.02, 1.02)
    axes[0].set_ylabel("share")
    axes[-1].legend(fontsize=7)
    matching = f"network {network}" if network else "well-mixed"
    fig.suptitle(f"{game.title}\nagents ({matching}, {run.shares.shape[0]} replicates) vs "
                 "replicator dynamics", fontsize=9)
    return _save(fig, stem)


def agent_table(run: AgentRun, game: GameSpec) -> str:
    """CSV text of the agent runs: replicator time, step, mean and per-replicate shares."""
    header = ["step", "ode_time"] + [f"mean_{p}" for p in game.populations]
    columns = [np.arange(run.steps + 1), run.ode_t] + [run.mean[:, p] for p in range(3)]
    for r in range(run.shares.shape[0]):
        header += [f"rep{r}_{p}" for p in game.populations]
        columns += [run.shares[r, :, p] for p in range(3)]
    rows = [",".join(header)]
    for values in zip(*columns, strict=True):
        rows.append(",".join(f"{v:.6g}" for v in values))
    return "\n".join(rows) + "\n"
