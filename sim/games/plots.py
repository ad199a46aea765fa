"""Figures for a game: 3-D phase plot, shares over time, agents vs replicator.

Journal figures (:mod:`sim.figure_style`): print size, text of 7 pt or more,
Okabe–Ito colours (corners by stability in colours and markers that differ
for colour-blind readers and in grey), PDF, SVG and 300 dpi PNG. The game's
title is drawn only with ``titles`` (``--figure-titles``). Axis words follow
``lang``; population and strategy names are translated where sim/labels.py
``GAME_NAMES`` has them, else shown as the game file gives them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402

from sim.analysis import style  # noqa: E402
from sim.figure_style import CYCLE, OKABE_ITO, journal_style  # noqa: E402
from sim.games.replicator import Equilibrium, Trajectory  # noqa: E402
from sim.games.runs import AgentRun  # noqa: E402
from sim.games.spec import GameSpec  # noqa: E402
from sim.labels import figure_text, game_name, game_word, term, title  # noqa: E402

_STABILITY_STYLE = {
    "ESS": {"color": OKABE_ITO["bluish_green"], "marker": "o", "s": 40},
    "saddle": {"color": OKABE_ITO["orange"], "marker": "^", "s": 22},
    "unstable": {"color": OKABE_ITO["vermillion"], "marker": "X", "s": 26},
    "non-hyperbolic": {"color": "#666666", "marker": "s", "s": 20},
}
_w = game_word


def _axis_labels(game: GameSpec, lang: str = "en") -> list[str]:
    word = _w("share", lang)
    return [term("game_axis", lang).format(
        population=game_name(pop, lang), word=word,
        strategy=game_name(game.strategies[p][0], lang, population=pop))
        for p, pop in enumerate(game.populations)]


def _suptitle(fig, text: str) -> None:
    """A figure title wrapped to the figure's width (a game title alone can be wider)."""
    size = FontProperties(size=plt.rcParams["figure.titlesize"]).get_size_in_points()
    # about 0.55 em a Latin letter, 1 em a Chinese character
    per_line = int(fig.get_figwidth() * 72 / (size * (0.55 if " " in text else 1.0)))
    if " " in text:
        lines = textwrap.wrap(text, per_line)
    else:
        lines = [text[i:i + per_line] for i in range(0, len(text), per_line)]
    fig.suptitle("\n".join(lines))


def _legend_place(titles: bool) -> str:
    # constrained layout stacks an outside legend and a title at the top on each other
    return "outside lower center" if titles else "outside upper center"


def _save(fig, stem: Path) -> list[Path]:
    return style.save(fig, stem)


def plot_phase(game: GameSpec, trajectories: list[Trajectory],
               equilibria: list[Equilibrium], stem: Path, *, lang: str = "en",
               titles: bool = False) -> list[Path]:
    """3-D phase plot: trajectories in the unit cube, corners marked by stability.

    Args:
        game: The game (for axis labels and title).
        trajectories: Integrated solutions, one per initial point.
        equilibria: The eight corners with their classes.
        stem: Output path without suffix.
        lang: Language of the axis words.
        titles: Draw the game's title.

    Returns:
        The PDF, SVG and PNG paths written.
    """
    with journal_style(lang, "single") as st:
        fig = plt.figure(figsize=st.figsize(1.05))
        ax = fig.add_subplot(projection="3d")
        for k, trajectory in enumerate(trajectories):
            s = trajectory.shares
            colour = CYCLE[k % len(CYCLE)]
            ax.plot(s[:, 0], s[:, 1], s[:, 2], lw=0.9, color=colour)
            ax.scatter(*s[0], color=colour, s=6)
        seen = set()
        for eq in equilibria:
            look = _STABILITY_STYLE[eq.stability]
            name = _w(eq.stability, lang) if eq.stability not in seen else None
            seen.add(eq.stability)
            ax.scatter(*eq.profile, label=name, depthshade=False, **look)
        labels = _axis_labels(game, lang)
        ax.set_xlabel(labels[0], labelpad=-2)
        ax.set_ylabel(labels[1], labelpad=-2)
        ax.set_zlabel(labels[2], labelpad=-4)
        ax.tick_params(pad=-2)
        for setter in (ax.set_xlim, ax.set_ylim, ax.set_zlim):
            setter(0, 1)
        ax.set_box_aspect(None, zoom=0.8)
        if titles:  # the title takes the top: the legend goes below
            _suptitle(fig, title(game.title, lang))
        fig.legend(loc=_legend_place(titles), ncol=4)
        return _save(fig, stem)


def plot_shares(game: GameSpec, trajectories: list[Trajectory], stem: Path, *,
                lang: str = "en", titles: bool = False) -> list[Path]:
    """Shares over time, one panel per population, one line per initial point.

    Args:
        game: The game.
        trajectories: Integrated solutions.
        stem: Output path without suffix.
        lang: Language of the axis words.
        titles: Draw the game's title.

    Returns:
        The PDF, SVG and PNG paths written.
    """
    with journal_style(lang, "double") as st:
        fig, axes = plt.subplots(1, 3, sharey=True, figsize=st.figsize(0.34))
        for p, ax in enumerate(axes):
            for k, trajectory in enumerate(trajectories):
                label = "({:.2f}, {:.2f}, {:.2f})".format(*trajectory.shares[0])
                ax.plot(trajectory.t, trajectory.shares[:, p], lw=1.0, label=label,
                        color=CYCLE[k % len(CYCLE)], linestyle=("-", "--", ":", "-.")[k // 4 % 4])
            ax.set_title(_axis_labels(game, lang)[p])
            ax.set_xlabel(_w("time", lang))
            ax.set_ylim(-0.02, 1.02)
        axes[0].set_ylabel(_w("share", lang))
        fig.legend(*axes[-1].get_legend_handles_labels(), title=_w("start", lang),
                   loc="outside right upper")
        if titles:
            _suptitle(fig, title(game.title, lang))
        return _save(fig, stem)


def plot_agents(game: GameSpec, ode: Trajectory, run: AgentRun, stem: Path,
                network: str | None = None, *, lang: str = "en",
                titles: bool = False) -> list[Path]:
    """Agent shares (replicate mean and range) over the replicator trajectory.

    Args:
        game: The game.
        ode: The replicator solution from the same initial shares.
        run: The agent runs, on the replicator time axis.
        stem: Output path without suffix.
        network: Network spec used, for the title (None = well-mixed).
        lang: Language of the axis words.
        titles: Draw a title (game, matching, replicates).

    Returns:
        The PDF, SVG and PNG paths written.
    """
    blue = OKABE_ITO["blue"]
    with journal_style(lang, "double") as st:
        fig, axes = plt.subplots(1, 3, sharey=True, figsize=st.figsize(0.34))
        low, high = run.shares.min(axis=0), run.shares.max(axis=0)
        for p, ax in enumerate(axes):
            ax.fill_between(run.ode_t, low[:, p], high[:, p], color=blue, alpha=0.2,
                            label=_w("range", lang), linewidth=0)
            ax.plot(run.ode_t, run.mean[:, p], color=blue, lw=1.2, label=_w("mean", lang))
            ax.plot(ode.t, ode.shares[:, p], color="black", ls="--", lw=1.0, label=_w("ode", lang))
            ax.set_title(_axis_labels(game, lang)[p])
            ax.set_ylim(-0.02, 1.02)
        if titles:  # the legend goes below: the middle panel's label keeps clear of it
            axes[1].set_xlabel(_w("agent_time", lang))
        else:
            fig.supxlabel(_w("agent_time", lang))
        axes[0].set_ylabel(_w("share", lang))
        if titles:  # the title takes the top: the legend goes below
            matching = (figure_text("matching_network", lang, network=network) if network
                        else figure_text("matching_mixed", lang))
            _suptitle(fig, figure_text("title_agents", lang, title=title(game.title, lang),
                                       matching=matching, n=run.shares.shape[0]))
        fig.legend(*axes[-1].get_legend_handles_labels(), loc=_legend_place(titles), ncol=3)
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
