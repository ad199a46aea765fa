"""Figures of a scenario batch, as journal figures (see :mod:`sim.figure_style`).

Each figure is drawn at print size (single or double column) in the
colour-blind-safe Okabe–Ito palette, with readable labels and units from
:mod:`sim.labels` in English or Chinese, and saved as PDF, SVG and 300 dpi
PNG. Lines also differ in style so the figures survive greyscale printing.
No title or disclaimer is drawn in the image unless ``titles`` is set
(``--figure-titles``): captions belong in the report and the paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from sim import figure_style  # noqa: E402
from sim.analysis import style  # noqa: E402
from sim.analysis.compare import COST_PER_CONTENT, FOREST  # noqa: E402
from sim.analysis.stats import over_time  # noqa: E402
from sim.analysis.style import CAPTION, OKABE_ITO  # noqa: E402, F401 - one palette, one caption
from sim.depth import Depth  # noqa: E402
from sim.figure_style import DEPTH_COLOURS, DEPTH_LINESTYLES, journal_style  # noqa: E402
from sim.labels import figure_text, label, term  # noqa: E402

DEPTH_SERIES = {"form_share": Depth.FORM, "practice_share": Depth.PRACTICE,
                "content_share": Depth.CONTENT}
_MARKERS = "osD^v<>p"


def save(fig: plt.Figure, path_stem: Path) -> list[Path]:
    """Save ``fig`` as ``<stem>.pdf``, ``.svg`` and ``.png`` (300 dpi); close it; return the paths."""
    return style.save(fig, path_stem)


def _title(fig: plt.Figure, text: str, titles: bool, lang: str) -> None:
    """The figure's title and the not-data note, only when asked for (``--figure-titles``)."""
    if titles:
        fig.suptitle(f"{text}\n{term('stylised_not_data', lang)}")


def depth_shares_over_time(steps: pd.DataFrame, path_stem: Path,
                           order: Sequence[str] | None = None,
                           titles: dict[str, str] | None = None, *, lang: str = "en",
                           figure_titles: bool = False,
                           lever_periods: dict[str, dict[str, list]] | None = None) -> list[Path]:
    """Shares of active partnerships at form, practice and content over time, per scenario.

    One panel per scenario, replicate mean with a 95 % confidence band
    (logit-scale, so inside [0, 1]); steps where a run has no active
    partnership (shares undefined) are left out.

    Args:
        steps: the batch's per-step table.
        path_stem: output path without suffix.
        order: scenario order (default order of appearance).
        titles: optional scenario -> panel title (default the scenario name).
        lang: language of the labels.
        figure_titles: draw a figure title.
        lever_periods: optional scenario -> {lever: [(first step, last step or None)]}: the
            steps each scheduled lever is on, shaded (:func:`shade_lever_periods`).
    """
    scenarios = list(order) if order is not None else list(dict.fromkeys(steps["scenario"]))
    if "partnerships_active" in steps.columns:  # shares are undefined with no partnership
        steps = steps[steps["partnerships_active"] > 0]
    table = over_time(steps, list(DEPTH_SERIES))
    n = len(scenarios)
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    with journal_style(lang, "single" if n == 1 else "double") as st:
        fig, axes = plt.subplots(rows, cols, figsize=st.figsize(0.55 if n == 1 else 0.26,
                                                               rows), sharex=True, sharey=True,
                                 squeeze=False)
        for ax, scenario in zip(axes.flat, scenarios, strict=False):
            part = table[table["scenario"] == scenario]
            for output, rung in DEPTH_SERIES.items():
                line = part[part["output"] == output]
                ax.plot(line["step"], line["mean"], color=DEPTH_COLOURS[rung],
                        linestyle=DEPTH_LINESTYLES[rung], label=label(rung.name.lower(), lang))
                ax.fill_between(line["step"], line["ci_low"].fillna(line["mean"]),
                                line["ci_high"].fillna(line["mean"]), color=DEPTH_COLOURS[rung],
                                alpha=0.25, linewidth=0)
            shade_lever_periods(ax, (lever_periods or {}).get(scenario, {}), lang)
            ax.set_title(_wrap((titles or {}).get(scenario, scenario), 34 if n > 1 else 60),
                         loc="left")
            ax.set_ylim(0, 1)
            ax.grid(alpha=0.3)
        for ax in axes.flat[n:]:
            ax.set_visible(False)
        for c in range(cols):  # the lowest visible panel of each column carries the x label
            visible = [axes[r, c] for r in range(rows) if r * cols + c < n]
            visible[-1].set_xlabel(figure_text("month_axis", lang))
            visible[-1].xaxis.set_tick_params(labelbottom=True)
        for ax in axes[:, 0]:
            ax.set_ylabel(figure_text("share_of_active", lang))
        handles, labels = axes.flat[0].get_legend_handles_labels()
        # constrained layout would stack a top legend and the title on each other
        fig.legend(handles, labels, ncol=3,
                   loc="outside lower center" if figure_titles else "outside upper center")
        _title(fig, figure_text("title_depth", lang),
               figure_titles, lang)
        return save(fig, path_stem)


#: Height of one lever's strip (axes fraction, room for a 7 pt label), how many levers get
#: labelled strips, the whole height unlabelled strips of more levers may take, and the shade
#: of the periods any lever is on.
LEVER_STRIP = 0.07
LABELLED_LEVERS = 3
LEVER_STRIPS_MAX = 0.2
LEVER_SHADE = "#bdbdbd"


def shade_lever_periods(ax: plt.Axes, periods: dict[str, list], lang: str = "en") -> None:
    """Shade the steps in which each scheduled lever is on.

    A light band over the whole panel where any lever is on, and one thin
    strip per lever along the top (a different grey for each next lever), so
    overlapping levers stay apart in greyscale. Up to :data:`LABELLED_LEVERS`
    levers the strips carry the lever's label; with more (a policy history)
    they are thinner and unlabelled, so they never cover the data: the
    report's scenario table says which lever is which.

    Args:
        ax: the panel (x in steps).
        periods: lever -> ``[(first step on, step it goes off, or None: to the end)]``.
        lang: language of the lever labels.
    """
    if not periods:
        return
    right = ax.dataLim.x1  # the last step drawn
    greys = ["#bdbdbd", "#969696", "#d9d9d9", "#737373"]  # light: black labels stay legible
    spans_all = sorted((a, right if b is None else b) for spans in periods.values()
                       for a, b in spans)
    merged: list[list[float]] = []
    for a, b in spans_all:  # the union of every lever's periods, shaded once
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    for a, b in merged:
        ax.axvspan(a, b, color=LEVER_SHADE, alpha=0.25, linewidth=0, zorder=0)
    labelled = len(periods) <= LABELLED_LEVERS
    strip = LEVER_STRIP if labelled else LEVER_STRIPS_MAX / len(periods)
    for i, (lever, spans) in enumerate(periods.items()):
        low, high = 1 - (i + 1) * strip, 1 - i * strip
        for start, end in spans:
            end = right if end is None else end
            ax.axvspan(start, end, ymin=low, ymax=high, color=greys[i % len(greys)], alpha=0.7,
                       linewidth=0, zorder=0)
        if spans and labelled:
            ax.text(spans[0][0], (low + high) / 2, f" {label(lever, lang)}",
                    transform=ax.get_xaxis_transform(), fontsize=figure_style.MIN_FONT_PT,
                    va="center", ha="left", color="black", clip_on=True)


def content_vs_spending(summary: pd.DataFrame, path_stem: Path,
                        order: Sequence[str] | None = None, *, lang: str = "en",
                        figure_titles: bool = False) -> list[Path]:
    """End-of-run content share against government spending, one marker per scenario.

    Filled markers: true content share; hollow markers joined by a dotted line:
    the share government reads as content (their gap is misreporting). Error
    bars are 95 % confidence intervals over replicates on both axes. The
    spending axis is logarithmic above 1 MU/step (linear below); its right end
    leaves room for the widest marker and error bar.
    """
    x = _pick(summary, "spending_total", order)
    y = _pick(summary, "content_share", order)
    reported = _pick(summary, "reported_content_share", order)
    with journal_style(lang, "double") as st:
        fig, ax = plt.subplots(figsize=st.figsize(0.45))
        for k, scenario in enumerate(x.index):
            colour = style.OKABE_ITO[k % len(style.OKABE_ITO)]
            marker = _MARKERS[k % len(_MARKERS)]
            xm, ym = x.loc[scenario, "mean"], y.loc[scenario, "mean"]
            ax.errorbar(xm, ym, xerr=_err(x.loc[scenario]), yerr=_err(y.loc[scenario]),
                        linestyle="none", marker=marker, color=colour, capsize=2, label=scenario)
            if scenario in reported.index:
                yr = reported.loc[scenario, "mean"]
                ax.plot([xm, xm], [ym, yr], color=colour, linewidth=0.8, linestyle=":")
                ax.plot(xm, yr, marker=marker, markerfacecolor="none", color=colour,
                        linestyle="none")
        ax.plot([], [], marker="o", color="grey", linestyle="none",
                label=figure_text("filled", lang, what=label("content_share", lang)))
        ax.plot([], [], marker="o", markerfacecolor="none", color="grey", linestyle="none",
                label=figure_text("hollow", lang, what=label("reported_content_share", lang)))
        ax.set_xscale("symlog", linthresh=1.0)
        highs = np.concatenate([x["ci95_high"].fillna(x["mean"]).to_numpy(), x["mean"].to_numpy()])
        top = float(np.nanmax(highs)) if np.isfinite(highs).any() else 1.0
        # Room on every side for a marker of zero spending or zero content (never cut off).
        ax.set_xlim(-0.3, _symlog_pad(max(top, 1.0)))
        ytop = np.nanmax(np.concatenate([y["ci95_high"].fillna(y["mean"]).to_numpy(),
                                         reported["mean"].to_numpy() if len(reported) else []]))
        ytop = min(1.0, float(ytop) * 1.12 + 0.02) if np.isfinite(ytop) else 1.0
        ax.set_ylim(-0.04 * ytop, ytop + 0.02 * ytop)
        ax.set_xlabel(figure_text("log_above_1", lang, what=label("spending_total", lang)))
        ax.set_ylabel(label("content_share", lang))
        ax.grid(alpha=0.3)
        fig.legend(*ax.get_legend_handles_labels(), loc="outside right upper")
        _title(fig, figure_text("title_spending", lang),
               figure_titles, lang)
        return save(fig, path_stem)


def leakage_and_delay(summary: pd.DataFrame, path_stem: Path,
                      order: Sequence[str] | None = None, *, lang: str = "en",
                      figure_titles: bool = False) -> list[Path]:
    """Subsidy leakage share and approval delay per scenario (end of run, 95 % CI)."""
    panels = ["leakage_share", "approval_delay"]
    paid = _pick(summary, "spending_subsidy", order)["mean"].to_dict() if (
        summary["output"] == "spending_subsidy").any() else {}
    count = len(_pick(summary, panels[0], order))
    with journal_style(lang, "double") as st:
        fig, axes = plt.subplots(1, 2, figsize=(st.width_in, 0.22 * count + 1.0), sharey=True)
        for ax, output in zip(axes, panels, strict=True):
            part = _pick(summary, output, order)
            ypos = np.arange(len(part))[::-1]
            colours = [style.OKABE_ITO[k % len(style.OKABE_ITO)] for k in range(len(part))]
            means = part["mean"].fillna(0).to_numpy()
            ax.barh(ypos, means, color=colours, alpha=0.85, height=0.65)
            has_ci = part["ci95_low"].notna().to_numpy() & (part["ci95_high"] > part["ci95_low"]
                                                           ).to_numpy()
            if has_ci.any():  # no zero-width caps at the axis for scenarios without a value
                err = np.array([_err(r) for _, r in part.iterrows()]).reshape(-1, 2).T
                ax.errorbar(means[has_ci], ypos[has_ci], xerr=err[:, has_ci], fmt="none",
                            ecolor="black", capsize=2, linewidth=0.8)
            for yy, scenario, mean in zip(ypos, part.index, part["mean"], strict=True):
                if output == "leakage_share" and paid.get(scenario, 1.0) == 0:
                    ax.text(0, yy, figure_text("no_subsidy", lang),
                            va="center", color="dimgrey", fontsize=7)
                elif np.isnan(mean):
                    ax.text(0, yy, figure_text("no_approvals", lang),
                            va="center", color="dimgrey", fontsize=7)
            ax.set_yticks(ypos, part.index)
            ax.set_xlabel(label(output, lang))
            ax.grid(alpha=0.3, axis="x")
            ax.set_xlim(left=0)
        axes[0].set_xlim(0, 1)
        _title(fig, figure_text("title_leakage", lang),
               figure_titles, lang)
        return save(fig, path_stem)


def comparison_forest(table: pd.DataFrame, path_stem: Path, *, lang: str = "en",
                      figure_titles: bool = False, outputs: Sequence[str] = FOREST,
                      names: dict[str, str] | None = None) -> list[Path]:
    """Forest plot: each scenario's paired difference from the baseline with its 95 % CI.

    One panel per output (their units differ), one row per scenario; the
    dashed line is no difference.

    Args:
        table: :func:`sim.analysis.compare.comparisons` output.
        path_stem: output path without suffix.
        lang: language of the labels.
        figure_titles: draw a figure title.
        outputs: the outputs drawn (those present in ``table``).
        names: output -> axis label, for outputs that are not model columns (a
            sweep's named outputs); default the label from :mod:`sim.labels`.
    """
    shown = [o for o in outputs if o in set(table["output"]) and o != COST_PER_CONTENT]
    scenarios = list(dict.fromkeys(table["scenario"]))
    per_row = 0.2
    if len(scenarios) > 15:  # many design points: one row of panels, so it fits a page
        shown, per_row = shown[:3], 0.13
    cols = min(3, len(shown))
    rows = int(np.ceil(len(shown) / cols))
    with journal_style(lang, "double") as st:
        height = rows * (per_row * len(scenarios) + 0.9)
        fig, axes = plt.subplots(rows, cols, figsize=(st.width_in, height), sharey=True,
                                 squeeze=False)
        ypos = np.arange(len(scenarios))[::-1]
        for ax, output in zip(axes.flat, shown, strict=False):
            part = table[table["output"] == output].set_index("scenario").reindex(scenarios)
            diff = part["difference"].to_numpy(dtype=float)
            low = (diff - part["diff_low"].to_numpy(dtype=float))
            high = (part["diff_high"].to_numpy(dtype=float) - diff)
            err = np.nan_to_num(np.vstack([low, high]))
            few = len(scenarios) <= len(_MARKERS)  # beyond that, colours only add noise
            for k, yy in enumerate(ypos):
                ax.errorbar(diff[k], yy, xerr=err[:, k:k + 1],
                            marker=_MARKERS[k % len(_MARKERS)] if few else "o",
                            color=style.OKABE_ITO[k % len(style.OKABE_ITO)] if few
                            else style.OKABE_ITO[0], linestyle="none", capsize=2)
            ax.axvline(0, color="black", linewidth=0.6, linestyle="--")
            ax.set_yticks(ypos, scenarios)
            shown_name = (names or {}).get(output) or label(output, lang)
            ax.set_xlabel("Δ " + _wrap(shown_name, 30))
            ax.grid(alpha=0.3, axis="x")
            span = np.nanmax(np.abs(np.concatenate([part["diff_low"], part["diff_high"], diff])))
            span = float(span) if np.isfinite(span) and span > 0 else 1.0
            lo, hi = np.nanmin(np.concatenate([part["diff_low"], diff, [0]])), np.nanmax(
                np.concatenate([part["diff_high"], diff, [0]]))
            pad = 0.08 * max(hi - lo, span * 0.1)
            ax.set_xlim(lo - pad, hi + pad)
            ax.set_ylim(-0.7, len(scenarios) - 0.3)
            # A third of a double column holds about four numbers; an offset ("1e-5")
            # would sit on the axis label, so tiny differences are written out in full.
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, min_n_ticks=3))
            ax.ticklabel_format(axis="x", style="plain", useOffset=False)
        for ax in axes.flat[len(shown):]:
            ax.set_visible(False)
        base = table["baseline"].iloc[0] if len(table) else ""
        _title(fig, figure_text("title_forest", lang, base=base), figure_titles, lang)
        return save(fig, path_stem)


def _symlog_pad(top: float) -> float:
    """A right limit a little beyond ``top`` on a symlog (linthresh 1) axis."""
    return top * 1.6 if top > 1 else top + 0.35


def _pick(summary: pd.DataFrame, output: str, order: Sequence[str] | None) -> pd.DataFrame:
    part = summary[summary["output"] == output].set_index("scenario")
    if order is not None:
        part = part.loc[[s for s in order if s in part.index]]
    return part


def _err(row: pd.Series) -> np.ndarray:
    if np.isnan(row["ci95_low"]):
        return np.zeros((2, 1))
    return np.array([[row["mean"] - row["ci95_low"]], [row["ci95_high"] - row["mean"]]])


def _wrap(text: str, width: int = 46) -> str:
    """Wrap to at most two lines, ending the second with an ellipsis if cut."""
    words, lines, line = text.split(), [], ""
    if " " not in text.strip():  # Chinese: no spaces to break at
        return text if len(text) <= width else text[:width - 1] + "…"
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], lines[1][: width - 1].rstrip() + "…"]
    return "\n".join(lines)
