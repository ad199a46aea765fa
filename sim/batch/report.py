"""``report.md``: a short readable summary of a batch with its figures and key table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis import sections
from sim.analysis.sections import KEY_OUTPUTS  # noqa: F401 - the report's table, in order
from sim.analysis.stats import SETTLED_TREND_PER_YEAR
from sim.runner import RunOutcome
from sim.scenarios import Scenario
from sim.store import atomic_write_text
from sim.sweep.experiment import scenario_point

FIGURE_CAPTIONS = {
    "depth_shares_over_time": "Share of active partnerships at form, practice and content over "
                              "time (replicate mean, 95 % confidence band). Grey: the months "
                              "in which a scheduled lever is on, one labelled strip per lever "
                              "along the top.",
    "content_vs_spending": "End-of-run content share against government spending (MU per "
                           "step, mean over the last year); bars are 95 % confidence intervals.",
    "leakage_and_delay": "Share of subsidy paid to partnerships that are only form, and the "
                         "approval delay, at the end of the run (mean, 95 % CI).",
}


def write_report(out: Path, scenarios: Sequence[Scenario], summary: pd.DataFrame,
                 manifest: dict[str, Any], figures: Sequence[Path],
                 failed: Sequence[RunOutcome], settled: pd.DataFrame | None = None,
                 persistence: sections.Section | None = None) -> Path:
    """Write ``out/report.md`` and return its path.

    Args:
        out: the batch directory.
        scenarios: the batch's scenarios, in order.
        summary: the summary table (see :func:`sim.analysis.batch.summary_table`).
        manifest: the batch manifest (command, seeds, counts).
        figures: PNG files to embed.
        failed: failed runs to list.
        settled: per-run settling (:func:`sim.analysis.stats.settling`), or None.
        persistence: the "After support ends" section (sim/analysis/persistence.py), or None.
    """
    path = out / "report.md"
    atomic_write_text(path, render(scenarios, summary, manifest, figures, failed, out, settled,
                                    persistence))
    return path


def render(scenarios: Sequence[Scenario], summary: pd.DataFrame, manifest: dict[str, Any],
           figures: Sequence[Path], failed: Sequence[RunOutcome], out: Path,
           settled: pd.DataFrame | None = None,
           persistence: sections.Section | None = None) -> str:
    """The report's Markdown text, from the sections every report is built of."""
    reps = manifest["replicates"]
    intro = [
        f"{len(scenarios)} scenarios x {reps} replicates x {manifest['steps']} steps "
        f"(a step is a month), root seed {manifest['root_seed']}; replicate r of every "
        "scenario uses the same seed (common random numbers). Finished "
        f"{manifest['finished']}.",
        "",
        f"Command: `{manifest['command']}`",
        "",
        sections.DISCLAIMER,
    ]
    parts = [sections.scenarios_section([scenario_point(s) for s in scenarios]),
             sections.results_section(summary, reps)]
    if settled is not None:
        parts.append(sections.settling_section(settled, SETTLED_TREND_PER_YEAR))
    if persistence is not None:
        parts.append(persistence)
    parts.append(sections.figures_section(figures, out, FIGURE_CAPTIONS))
    if failed:
        parts.append(sections.failed_section(failed))
    return sections.render(f"Scenario batch: {', '.join(s.name for s in scenarios)}", intro,
                           parts)
