"""Figures of a parameter sweep, as journal figures (see :mod:`sim.figure_style`).

Every function takes a ready table (from :mod:`sim.analysis.sweep_tables` or
:mod:`sim.analysis.sensitivity`), draws one figure at print size with
readable labels (the caller passes them from :mod:`sim.labels`, in English or
Chinese) and a colour-blind-safe palette (Okabe–Ito, cividis), saves it as
PDF, SVG and 300 dpi PNG and returns the paths. A title is drawn only when
one is given (``--figure-titles``); otherwise captions are the report's.
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
from sim.figure_style import journal_style  # noqa: E402
from sim.labels import figure_text  # noqa: E402

#: Colour-blind-safe colours (Okabe-Ito) for lines and bars: the batch figures' palette.
PALETTE = OKABE_ITO


def save(fig: plt.Figure, stem: Path) -> list[Path]:
    """Save a figure as ``stem.pdf``, ``stem.svg`` and ``stem.png`` (300 dpi) and close it.

    Args:
        fig: the figure.
        stem: path without suffix.

    Returns:
        The paths written.
    """
    return style.save(fig, stem)


def phase_diagram(table: pd.DataFrame | dict[str, pd.DataFrame], stem: Path, *, x_label: str,
                  y_label: str, value_label: str, threshold: float,
                  title: str = "", uncertain: pd.DataFrame | dict[str, pd.DataFrame] | None = None,
                  lang: str = "en") -> list[Path]:
    """Heatmap of a mean output over two factors, the boundary contour and its uncertainty.

    Args:
        table: pivot table (rows y values, columns x values, numeric), e.g. from
            :func:`sim.analysis.sweep_tables.phase_table`; or a mapping of panel
            title to such tables, drawn side by side on one colour scale.
        stem: output path without suffix.
        x_label: x-axis label with unit.
        y_label: y-axis label with unit.
        value_label: colour-bar label.
        threshold: output level of the form/content boundary (drawn where crossed).
        title: figure title (none when empty).
        uncertain: boolean tables of the same shape (or a mapping like ``table``):
            cells whose 95 % CI contains the threshold, hatched as the band
            where the boundary may lie.
        lang: language of the legend text.
    """
    panels = table if isinstance(table, dict) else {"": table}
    bands = (uncertain if isinstance(uncertain, dict) else {"": uncertain}) if (
        uncertain is not None) else {}
    values = np.concatenate([t.to_numpy(dtype=float).ravel() for t in panels.values()])
    finite = values[np.isfinite(values)]
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    with journal_style(lang, "single" if len(panels) == 1 else "double") as st:
        fig, axes = plt.subplots(1, len(panels), figsize=st.figsize(0.85 if len(panels) == 1
                                                                   else 0.45),
                                 squeeze=False, sharey=True)
        crossed = hatched = False
        for ax, (panel, data) in zip(axes[0], panels.items(), strict=True):
            xs = np.asarray(data.columns, dtype=float)
            ys = np.asarray(data.index, dtype=float)
            z = data.to_numpy(dtype=float)
            mesh = ax.pcolormesh(_edges(xs), _edges(ys), z, cmap=HEATMAP_CMAP, shading="flat",
                                 vmin=vmin, vmax=vmax)
            band = bands.get(panel)
            if band is not None and band.to_numpy(dtype=bool).any():
                from matplotlib.patches import Rectangle

                xe, ye = _edges(xs), _edges(ys)
                for i, j in zip(*np.nonzero(band.to_numpy(dtype=bool)), strict=True):
                    ax.add_patch(Rectangle((xe[j], ye[i]), xe[j + 1] - xe[j], ye[i + 1] - ye[i],
                                           fill=False, hatch="////", edgecolor="white",
                                           linewidth=0))
                hatched = True
            zf = z[np.isfinite(z)]
            if len(xs) > 1 and len(ys) > 1 and zf.size and zf.min() < threshold < zf.max():
                ax.contour(xs, ys, z, levels=[threshold], colors="white", linewidths=1.5)
                crossed = True
            ax.set_xlabel(_wrap(x_label, 45))
            if panel:
                ax.set_title(panel)
        axes[0][0].set_ylabel(_wrap(y_label, 45))
        fig.colorbar(mesh, ax=axes[0].tolist(), label=_wrap(value_label, 40))
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        handles = []
        if crossed:
            handles.append(Line2D([], [], color="white", linewidth=1.5,
                                  label=figure_text("mean_equals", lang, threshold=threshold)))
        if hatched:
            handles.append(Patch(facecolor="#888888", hatch="////", edgecolor="white",
                                 label=figure_text("ci_contains", lang, threshold=threshold)))
        if handles:
            fig.legend(handles=handles, loc="outside lower center", ncol=len(handles),
                       facecolor="#888888", frameon=True, labelcolor="white")
        if title:
            fig.suptitle(_wrap(title))
        return save(fig, stem)


def response_curve(table: pd.DataFrame, stem: Path, *, factor: str, x_label: str,
                   y_label: str, by: str | None = None, by_label: str = "",
                   title: str = "", lang: str = "en") -> list[Path]:
    """Mean output against one factor with its 95 % confidence band.

    Args:
        table: :func:`sim.analysis.sweep_tables.response_table` output.
        stem: output path without suffix.
        factor: the x column.
        x_label: x-axis label with unit.
        y_label: y-axis label.
        by: optional column with one curve per value.
        by_label: legend title for ``by``.
        title: figure title (none when empty).
        lang: language.
    """
    with journal_style(lang, "single") as st:
        fig, ax = plt.subplots(figsize=st.figsize(0.7))
        groups = table.groupby(by, sort=True) if by else [(None, table)]
        for i, (key, sub) in enumerate(groups):
            sub = sub.sort_values(factor)
            colour = PALETTE[i % len(PALETTE)]
            label = f"{key:g}" if isinstance(key, float) else (None if key is None else str(key))
            ax.plot(sub[factor], sub["mean"], marker="o", ms=3, color=colour, label=label,
                    clip_on=False)
            ax.fill_between(sub[factor], sub["low"], sub["high"], color=colour, alpha=0.2,
                            linewidth=0)
        if by:
            fig.legend(title=_wrap(by_label or by, 40), loc="outside right upper")
        ax.set_xlabel(_wrap(x_label, 50))
        ax.set_ylabel(_wrap(y_label, 40))
        ax.margins(x=0.04)
        if title:
            ax.set_title(_wrap(title, 55))
        return save(fig, stem)


def sobol_bars(indices: pd.DataFrame, stem: Path, *, output_label: str,
               title: str = "", names: dict[str, str] | None = None,
               lang: str = "en") -> list[Path]:
    """Bar chart of first-order and total Sobol indices with their confidence intervals.

    Args:
        indices: :func:`sim.analysis.sensitivity.sobol_indices` output.
        stem: output path without suffix.
        output_label: the output the indices are of.
        title: figure title (none when empty).
        names: parameter -> readable label for the bars.
        lang: language.
    """
    indices = indices.sort_values("ST", ascending=True)
    with journal_style(lang, "single") as st:
        fig, ax = plt.subplots(figsize=(st.width_in, 0.28 * len(indices) + 1.0))
        y = np.arange(len(indices))
        ax.barh(y - 0.2, indices["S1"], height=0.4, xerr=indices["S1_conf"], color=PALETTE[0],
                label=figure_text("sobol_first", lang), capsize=2)
        ax.barh(y + 0.2, indices["ST"], height=0.4, xerr=indices["ST_conf"], color=PALETTE[1],
                label=figure_text("sobol_total", lang), capsize=2)
        ax.set_yticks(y, [_wrap((names or {}).get(n, n), 30) for n in indices.index])
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_xlabel(_wrap(figure_text("sobol_axis", lang, output=output_label), 50))
        fig.legend(loc="outside upper center", ncol=2)
        if title:
            ax.set_title(_wrap(title, 55))
        return save(fig, stem)


def morris_plot(indices: pd.DataFrame, stem: Path, *, output_label: str,
                title: str = "", names: dict[str, str] | None = None,
                lang: str = "en") -> list[Path]:
    """Morris mu* against sigma, one labelled point per parameter, with mu* intervals.

    Args:
        indices: :func:`sim.analysis.sensitivity.morris_indices` output.
        stem: output path without suffix.
        output_label: the output the statistics are of.
        title: figure title (none when empty).
        names: parameter -> readable label for the points.
        lang: language.
    """
    with journal_style(lang, "double") as st:
        fig, ax = plt.subplots(figsize=st.figsize(0.5))
        ax.errorbar(indices["mu_star"], indices["sigma"], xerr=indices["mu_star_conf"], fmt="o",
                    color=PALETTE[0], ecolor="grey", capsize=2)
        for name, row in indices.iterrows():
            ax.annotate(_wrap((names or {}).get(str(name), str(name)), 30),
                        (row["mu_star"], row["sigma"]), fontsize=7, xytext=(3, 3),
                        textcoords="offset points", annotation_clip=False)
        top = float(max(indices["mu_star"].max(), indices["sigma"].max(), 1e-12))
        ax.plot([0, top], [0, top], color="grey", linestyle=":", linewidth=0.8,
                label=figure_text("morris_diagonal", lang))
        right = float(np.nanmax(np.concatenate([(indices["mu_star"] + indices["mu_star_conf"]
                                                 .fillna(0)).to_numpy(), [top]])))
        # a little room below 0 and beyond the widest bar: no marker or cap is cut
        ax.set_xlim(-0.05 * right, right * 1.35)
        ax.set_ylim(-0.05 * top, top * 1.15)
        ax.set_xlabel(figure_text("morris_x", lang, output=output_label))
        ax.set_ylabel(figure_text("morris_y", lang))
        fig.legend(loc="outside upper center")
        if title:
            ax.set_title(_wrap(title, 90))
        return save(fig, stem)


def adequacy_plot(cv: pd.DataFrame, stem: Path, *, output_label: str, n_stable: int | None,
                  tolerance: float, title: str = "", lang: str = "en") -> list[Path]:
    """CV of the main output against the number of replicates (Lorscheid et al. 2012).

    Args:
        cv: :func:`sim.analysis.sensitivity.replicate_cv` output.
        stem: output path without suffix.
        output_label: the output.
        n_stable: replicate count from which the median CV has stabilised (None if not
            shown).
        tolerance: the relative tolerance of the rule.
        title: figure title (none when empty).
        lang: language.
    """
    with journal_style(lang, "single") as st:
        fig, ax = plt.subplots(figsize=st.figsize(0.7))
        for _, sub in cv.groupby("design_point"):
            ax.plot(sub["n"], sub["cv"], color="grey", alpha=0.25, linewidth=0.6)
        median = cv.dropna(subset=["cv"]).groupby("n")["cv"].median()
        ax.plot(median.index, median.to_numpy(), color=PALETTE[0], linewidth=1.5,
                label=figure_text("adequacy_median", lang))
        if n_stable is not None:
            ax.axvline(n_stable, color=PALETTE[5], linestyle="--",
                       label=figure_text("adequacy_stable", lang, n=n_stable, tolerance=tolerance))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel(figure_text("adequacy_x", lang))
        ax.set_ylabel(_wrap(figure_text("adequacy_y", lang, output=output_label), 40))
        fig.legend(loc="outside upper center", ncol=1)
        if title:
            ax.set_title(_wrap(title, 55))
        return save(fig, stem)


def frontier_plot(summary: pd.DataFrame, stem: Path, *, cost: str, output: str,
                  cost_label: str, output_label: str, limit: float, on_frontier: np.ndarray,
                  title: str = "", lang: str = "en") -> list[Path]:
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
        title: figure title (none when empty).
        lang: language.
    """
    with journal_style(lang, "single") as st:
        fig, ax = plt.subplots(figsize=st.figsize(0.75))
        x = summary[f"{cost}_mean"].to_numpy()
        y = summary[f"{output}_mean"].to_numpy()
        within = x <= limit
        ax.scatter(x[within], y[within], s=8, color=PALETTE[0], alpha=0.6,
                   label=figure_text("within_budget", lang))
        ax.scatter(x[~within], y[~within], s=8, color="grey", alpha=0.4,
                   label=figure_text("over_budget", lang))
        order = np.argsort(x[on_frontier])
        ax.plot(x[on_frontier][order], y[on_frontier][order], color=PALETTE[5], marker="D",
                ms=3, linewidth=1.2, label=figure_text("pareto", lang))
        ax.axvline(limit, color="black", linestyle="--", linewidth=0.8,
                   label=figure_text("budget", lang, limit=limit))
        finite_x, finite_y = x[np.isfinite(x)], y[np.isfinite(y)]
        if finite_x.size:
            lo, hi = min(finite_x.min(), limit), max(finite_x.max(), limit)
            ax.set_xlim(lo - 0.05 * (hi - lo or 1), hi + 0.05 * (hi - lo or 1))
        if finite_y.size:
            lo, hi = finite_y.min(), finite_y.max()
            ax.set_ylim(lo - 0.06 * (hi - lo or 1), hi + 0.06 * (hi - lo or 1))
        ax.set_xlabel(_wrap(cost_label, 50))
        ax.set_ylabel(_wrap(output_label, 40))
        fig.legend(loc="outside upper center", ncol=2)
        if title:
            ax.set_title(_wrap(title, 55))
        return save(fig, stem)


def _wrap(title: str, width: int = 70) -> str:
    """Wrap text to lines of at most ``width`` characters (Chinese, without spaces, is cut)."""
    if " " not in title.strip():
        return title
    return "\n".join(textwrap.fill(line, width) for line in title.split("\n"))


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around sorted cell centres (half-way between neighbours)."""
    if len(centres) == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - mid[0]], mid, [2 * centres[-1] - mid[-1]]])
