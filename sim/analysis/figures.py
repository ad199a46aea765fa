"""Figures of a scenario batch, saved as PNG and SVG (matplotlib, Agg backend).

Colours follow the Okabe-Ito palette, which stays distinct under the common
colour-vision deficiencies; lines also differ in style so the figures survive
greyscale printing. Every figure says in its caption line that it shows model
outputs under stated assumptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis import style  # noqa: E402
from sim.analysis.stats import over_time  # noqa: E402
from sim.analysis.style import CAPTION, OKABE_ITO  # noqa: E402, F401 - one palette, one caption

DEPTH_SERIES = {"form_share": ("form", "#E69F00", "-"),
                "practice_share": ("practice", "#56B4E9", "--"),
                "content_share": ("content", "#009E73", "-.")}


def save(fig: plt.Figure, path_stem: Path) -> list[Path]:
    """Save ``fig`` as ``<stem>.png`` (150 dpi) and ``<stem>.svg``; close it; return the paths."""
    return style.save(fig, path_stem, dpi=150)


def depth_shares_over_time(steps: pd.DataFrame, path_stem: Path,
                           order: Sequence[str] | None = None,
                           titles: dict[str, str] | None = None,
                           lever_periods: dict[str, dict[str, list]] | None = None) -> list[Path]:
    """Shares of active partnerships at form, practice and content over time, per scenario.

    One panel per scenario, replicate mean with a 95 % confidence band; steps
    where a run has no active partnership (shares undefined) are left out.

    Args:
        steps: the batch's per-step table.
        path_stem: output path without suffix.
        order: scenario order (default order of appearance).
        titles: optional scenario -> panel title.
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
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.1 * rows + 0.6), sharex=True,
                             sharey=True, squeeze=False)
    for ax, scenario in zip(axes.flat, scenarios, strict=False):
        part = table[table["scenario"] == scenario]
        for output, (label, colour, dash) in DEPTH_SERIES.items():
            line = part[part["output"] == output]
            ax.plot(line["step"], line["mean"], color=colour, linestyle=dash, label=label,
                    linewidth=1.6)
            ax.fill_between(line["step"], line["ci_low"].fillna(line["mean"]),
                            line["ci_high"].fillna(line["mean"]), color=colour, alpha=0.25,
                            linewidth=0)
        shade_lever_periods(ax, (lever_periods or {}).get(scenario, {}))
        ax.set_title(_wrap(scenario if not titles else titles.get(scenario, scenario)),
                     fontsize=9, loc="left")
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("step (month)")
    for ax in axes[:, 0]:
        ax.set_ylabel("share of active partnerships")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=3, frameon=False,
               bbox_to_anchor=(0.5, 1.0), title="depth level (mean, 95 % CI band)")
    fig.text(0.5, -0.01, CAPTION, ha="center", fontsize=8, style="italic")
    fig.tight_layout(rect=(0, 0.01, 1, 0.93))
    return save(fig, path_stem)


#: Height of one lever's strip (axes fraction) and the shade of the periods any lever is on.
LEVER_STRIP = 0.035
LEVER_SHADE = "#bdbdbd"


def shade_lever_periods(ax: plt.Axes, periods: dict[str, list]) -> None:
    """Shade the steps in which each scheduled lever is on.

    A light band over the whole panel where any lever is on, and one thin
    labelled strip per lever along the top (darker grey for each next lever),
    so overlapping levers stay apart in greyscale.

    Args:
        ax: the panel (x in steps).
        periods: lever -> ``[(first step on, step it goes off, or None: to the end)]``.
    """
    if not periods:
        return
    right = ax.dataLim.x1  # the last step drawn
    greys = ["#969696", "#737373", "#525252", "#252525"]
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
    for i, (lever, spans) in enumerate(periods.items()):
        low, high = 1 - (i + 1) * LEVER_STRIP, 1 - i * LEVER_STRIP
        for start, end in spans:
            end = right if end is None else end
            ax.axvspan(start, end, ymin=low, ymax=high, color=greys[i % len(greys)], alpha=0.7,
                       linewidth=0, zorder=0)
        if spans:
            ax.text(spans[0][0], (low + high) / 2, f" {lever}", transform=ax.get_xaxis_transform(),
                    fontsize=4.5, va="center", ha="left", color="white", clip_on=True)


def content_vs_spending(summary: pd.DataFrame, path_stem: Path,
                        order: Sequence[str] | None = None) -> list[Path]:
    """End-of-run content share against government spending, one marker per scenario.

    Filled markers: true content share; hollow markers joined by a thin line:
    the share government reads as content (their gap is misreporting). Error
    bars are 95 % confidence intervals over replicates on both axes. The
    spending axis is logarithmic above 1 MU/step (linear below).
    """
    x = _pick(summary, "spending_total", order)
    y = _pick(summary, "content_share", order)
    reported = _pick(summary, "reported_content_share", order)
    fig, ax = plt.subplots(figsize=(7.4, 4.6))
    markers = "osD^v<>p"
    for k, scenario in enumerate(x.index):
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        marker = markers[k % len(markers)]
        xm, ym = x.loc[scenario, "mean"], y.loc[scenario, "mean"]
        ax.errorbar(xm, ym, xerr=_err(x.loc[scenario]), yerr=_err(y.loc[scenario]),
                    linestyle="none", marker=marker, color=colour, markersize=7, capsize=3,
                    label=scenario)
        if scenario in reported.index:
            yr = reported.loc[scenario, "mean"]
            ax.plot([xm, xm], [ym, yr], color=colour, linewidth=0.8, linestyle=":")
            ax.plot(xm, yr, marker=marker, markerfacecolor="none", color=colour, markersize=7,
                    linestyle="none")
    ax.plot([], [], marker="o", color="grey", linestyle="none", label="filled: content share")
    ax.plot([], [], marker="o", markerfacecolor="none", color="grey", linestyle="none",
            label="hollow: reported content share")
    ax.set_xscale("symlog", linthresh=1.0)
    ax.set_xlim(left=0)
    ax.set_xlabel("government spending, MU per step (mean over the last year; log scale above 1)")
    ax.set_ylabel("share of active partnerships at content (end of run)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.set_title("What each scenario buys: content share vs spending", fontsize=10)
    ax.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.02, 0.5))
    fig.text(0.5, -0.02, CAPTION, ha="center", fontsize=8, style="italic")
    fig.tight_layout()
    return save(fig, path_stem)


def leakage_and_delay(summary: pd.DataFrame, path_stem: Path,
                      order: Sequence[str] | None = None) -> list[Path]:
    """Subsidy leakage share and approval delay per scenario (end of run, 95 % CI)."""
    panels = [("leakage_share", "share of subsidy paid to form-only partnerships"),
              ("approval_delay", "approval delay, steps (months)")]
    paid = _pick(summary, "spending_subsidy", order)["mean"].to_dict() if (
        summary["output"] == "spending_subsidy").any() else {}
    fig, axes = plt.subplots(1, 2, figsize=(9.6, 0.42 * len(_pick(summary, panels[0][0], order))
                                            + 1.8), sharey=True)
    for ax, (output, label) in zip(axes, panels, strict=True):
        part = _pick(summary, output, order)
        ypos = np.arange(len(part))[::-1]
        colours = [OKABE_ITO[k % len(OKABE_ITO)] for k in range(len(part))]
        means = part["mean"].fillna(0).to_numpy()
        ax.barh(ypos, means, xerr=np.array([_err(r) for _, r in part.iterrows()]).reshape(
            -1, 2).T, color=colours, alpha=0.85, capsize=3, height=0.65)
        for y, scenario, mean in zip(ypos, part.index, part["mean"], strict=True):
            if output == "leakage_share" and paid.get(scenario, 1.0) == 0:
                ax.text(0, y, " no subsidy paid", va="center", fontsize=7, color="dimgrey")
            elif np.isnan(mean):
                ax.text(0, y, " no approvals", va="center", fontsize=7, color="dimgrey")
        ax.set_yticks(ypos, part.index, fontsize=8)
        ax.set_xlabel(label)
        ax.grid(alpha=0.3, axis="x")
        ax.set_xlim(left=0)
    axes[0].set_xlim(0, 1)
    fig.suptitle("Leakage and approval delay (end of run, mean and 95 % CI)", fontsize=10)
    fig.text(0.5, -0.02, CAPTION, ha="center", fontsize=8, style="italic")
    fig.tight_layout()
    return save(fig, path_stem)


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
