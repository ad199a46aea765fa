"""Figures of a parameter sweep, each saved as PNG and SVG (matplotlib, Agg backend).

Every function takes a ready table (from :mod:`sim.analysis.sweep_tables` or
:mod:`sim.analysis.sensitivity`), draws one figure with labelled axes and a
colour-blind-safe palette (viridis/cividis), saves it to ``stem.png`` and
``stem.svg`` and returns the paths.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis import style  # noqa: E402
from sim.analysis.style import HEATMAP_CMAP, OKABE_ITO  # noqa: E402

#: Colour-blind-safe colours (Okabe-Ito) for lines and bars: the batch figures' palette.
PALETTE = OKABE_ITO


def save(fig: plt.Figure, stem: Path) -> list[Path]:
    """Save a figure as ``stem.png`` (200 dpi) and ``stem.svg`` and close it.

    Args:
        fig: the figure.
        stem: path without suffix.

    Returns:
        The two paths.
    """
    fig.tight_layout()
    return style.save(fig, stem, dpi=200, tight=False)


def phase_diagram(table: pd.DataFrame | dict[str, pd.DataFrame], stem: Path, *, x_label: str,
                  y_label: str, value_label: str, threshold: float,
                  title: str = "") -> list[Path]:
    """Heatmap of a mean output over two factors with the boundary contour.

    Args:
        table: pivot table (rows y values, columns x values, numeric), e.g. from
            :func:`sim.analysis.sweep_tables.phase_table`; or a mapping of panel
            title to such tables, drawn side by side on one colour scale.
        stem: output path without suffix.
        x_label: x-axis label with unit.
        y_label: y-axis label with unit.
        value_label: colour-bar label.
        threshold: output level of the form/content boundary (drawn where crossed).
        title: figure title.
    """
    panels = table if isinstance(table, dict) else {"": table}
    values = np.concatenate([t.to_numpy(dtype=float).ravel() for t in panels.values()])
    finite = values[np.isfinite(values)]
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels) + 2.2, 4.8),
                             squeeze=False, sharey=True, layout="constrained")
    crossed = False
    for ax, (panel, data) in zip(axes[0], panels.items(), strict=True):
        xs = np.asarray(data.columns, dtype=float)
        ys = np.asarray(data.index, dtype=float)
        z = data.to_numpy(dtype=float)
        mesh = ax.pcolormesh(_edges(xs), _edges(ys), z, cmap=HEATMAP_CMAP, shading="flat",
                             vmin=vmin, vmax=vmax)
        zf = z[np.isfinite(z)]
        if len(xs) > 1 and len(ys) > 1 and zf.size and zf.min() < threshold < zf.max():
            contour = ax.contour(xs, ys, z, levels=[threshold], colors="white", linewidths=2.0)
            ax.clabel(contour, fmt=lambda _: f"{threshold:g}", fontsize=8)
            crossed = True
        ax.set_xlabel(x_label)
        if panel:
            ax.set_title(panel, fontsize=9)
    axes[0][0].set_ylabel(y_label)
    fig.colorbar(mesh, ax=axes[0].tolist(), label=value_label)
    note = (f"white line: mean = {threshold:g} (form/content boundary)" if crossed
            else f"boundary {threshold:g} not crossed in this range")
    fig.suptitle(_wrap((title or value_label) + f"\n{note}"), fontsize=10)
    # Constrained layout, not tight_layout: save it cropped, through the one saver.
    return style.save(fig, stem, dpi=200)


def response_curve(table: pd.DataFrame, stem: Path, *, factor: str, x_label: str,
                   y_label: str, by: str | None = None, by_label: str = "",
                   title: str = "") -> list[Path]:
    """Mean output against one factor with its 95 % confidence band.

    Args:
        table: :func:`sim.analysis.sweep_tables.response_table` output.
        stem: output path without suffix.
        factor: the x column.
        x_label: x-axis label with unit.
        y_label: y-axis label.
        by: optional column with one curve per value.
        by_label: legend title for ``by``.
        title: figure title.
    """
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    groups = table.groupby(by, sort=True) if by else [(None, table)]
    for i, (key, sub) in enumerate(groups):
        sub = sub.sort_values(factor)
        colour = PALETTE[i % len(PALETTE)]
        label = f"{key:g}" if isinstance(key, float) else (None if key is None else str(key))
        ax.plot(sub[factor], sub["mean"], marker="o", ms=3, color=colour, label=label)
        ax.fill_between(sub[factor], sub["low"], sub["high"], color=colour, alpha=0.2,
                        linewidth=0)
    if by:
        ax.legend(title=by_label or by, fontsize=8, title_fontsize=8)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title(_wrap(title or f"{y_label}: mean and 95 % confidence band"), fontsize=10)
    return save(fig, stem)


def sobol_bars(indices: pd.DataFrame, stem: Path, *, output_label: str,
               title: str = "") -> list[Path]:
    """Bar chart of first-order and total Sobol indices with their confidence intervals.

    Args:
        indices: :func:`sim.analysis.sensitivity.sobol_indices` output.
        stem: output path without suffix.
        output_label: the output the indices are of.
        title: figure title.
    """
    indices = indices.sort_values("ST", ascending=True)
    fig, ax = plt.subplots(figsize=(6.4, 0.45 * len(indices) + 1.5))
    y = np.arange(len(indices))
    ax.barh(y - 0.2, indices["S1"], height=0.4, xerr=indices["S1_conf"], color=PALETTE[0],
            label="first order S1", capsize=2)
    ax.barh(y + 0.2, indices["ST"], height=0.4, xerr=indices["ST_conf"], color=PALETTE[1],
            label="total ST", capsize=2)
    ax.set_yticks(y, indices.index)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel("Sobol index (share of output variance), 95 % CI")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(_wrap(title or f"Sobol indices of {output_label}"), fontsize=10)
    return save(fig, stem)


def morris_plot(indices: pd.DataFrame, stem: Path, *, output_label: str,
                title: str = "") -> list[Path]:
    """Morris mu* against sigma, one labelled point per parameter, with mu* intervals.

    Args:
        indices: :func:`sim.analysis.sensitivity.morris_indices` output.
        stem: output path without suffix.
        output_label: the output the statistics are of.
        title: figure title.
    """
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    ax.errorbar(indices["mu_star"], indices["sigma"], xerr=indices["mu_star_conf"], fmt="o",
                color=PALETTE[0], ecolor="grey", capsize=2)
    for name, row in indices.iterrows():
        ax.annotate(str(name), (row["mu_star"], row["sigma"]), fontsize=7,
                    xytext=(3, 3), textcoords="offset points")
    top = float(max(indices["mu_star"].max(), indices["sigma"].max(), 1e-12))
    ax.plot([0, top], [0, top], color="grey", linestyle=":", linewidth=0.8,
            label="sigma = mu* (strong non-linearity or interaction above)")
    ax.set_xlabel(f"mu* (mean |elementary effect| on {output_label} per full range)")
    ax.set_ylabel("sigma (sd of elementary effects)")
    ax.legend(fontsize=8)
    ax.set_title(_wrap(title or f"Morris screening of {output_label}"), fontsize=10)
    return save(fig, stem)


def adequacy_plot(cv: pd.DataFrame, stem: Path, *, output_label: str, n_stable: int | None,
                  tolerance: float, title: str = "") -> list[Path]:
    """CV of the main output against the number of replicates (Lorscheid et al. 2012).

    Args:
        cv: :func:`sim.analysis.sensitivity.replicate_cv` output.
        stem: output path without suffix.
        output_label: the output.
        n_stable: replicate count from which the median CV has stabilised (None if not
            shown).
        tolerance: the relative tolerance of the rule.
        title: figure title.
    """
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for _, sub in cv.groupby("design_point"):
        ax.plot(sub["n"], sub["cv"], color="grey", alpha=0.25, linewidth=0.8)
    median = cv.dropna(subset=["cv"]).groupby("n")["cv"].median()
    ax.plot(median.index, median.to_numpy(), color=PALETTE[0], linewidth=2,
            label="median over design points")
    if n_stable is not None:
        ax.axvline(n_stable, color=PALETTE[5], linestyle="--",
                   label=f"median stable from n = {n_stable} (within {tolerance:.0%} of final CV)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("replicates n")
    ax.set_ylabel(f"coefficient of variation of {output_label}")
    ax.legend(fontsize=8)
    ax.set_title(_wrap(title or "Replicate adequacy (Lorscheid et al. 2012)"), fontsize=10)
    return save(fig, stem)


def frontier_plot(summary: pd.DataFrame, stem: Path, *, cost: str, output: str,
                  cost_label: str, output_label: str, limit: float, on_frontier: np.ndarray,
                  title: str = "") -> list[Path]:
    """Output against cost for every lever mix, the Pareto frontier and the budget line.

    Args:
        summary: per-mix table with ``<cost>_mean`` and ``<output>_mean`` columns.
        stem: output path without suffix.
        cost: cost output name.
        output: value output name.
        cost_label: x-axis label with unit.
        output_label: y-axis label.
        limit: the budget.
        on_frontier: mask of the frontier rows.
        title: figure title.
    """
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    x = summary[f"{cost}_mean"].to_numpy()
    y = summary[f"{output}_mean"].to_numpy()
    within = x <= limit
    ax.scatter(x[within], y[within], s=12, color=PALETTE[0], alpha=0.6, label="mix within budget")
    ax.scatter(x[~within], y[~within], s=12, color="grey", alpha=0.4, label="mix over budget")
    order = np.argsort(x[on_frontier])
    ax.plot(x[on_frontier][order], y[on_frontier][order], color=PALETTE[5], marker="D", ms=4,
            linewidth=1.5, label="Pareto frontier (no mix cheaper and better)")
    ax.axvline(limit, color="black", linestyle="--", linewidth=1, label=f"budget {limit:g}")
    ax.set_xlabel(cost_label)
    ax.set_ylabel(output_label)
    ax.legend(fontsize=8)
    ax.set_title(_wrap(title or f"{output_label} against cost"), fontsize=10)
    return save(fig, stem)


def _wrap(title: str) -> str:
    """Wrap a title to lines of at most 70 characters."""
    return "\n".join(textwrap.fill(line, 70) for line in title.split("\n"))


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around sorted cell centres (half-way between neighbours)."""
    if len(centres) == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - mid[0]], mid, [2 * centres[-1] - mid[-1]]])
