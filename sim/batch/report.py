"""``report.md``: a short readable summary of a batch with its figures and key tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis import sections
from sim.analysis.sections import KEY_OUTPUTS  # noqa: F401 - the report's table, in order
from sim.analysis.stats import SETTLED_TREND_PER_YEAR
from sim.labels import FIGURE_CAPTION_TEXTS, LANGS, term
from sim.runner import RunOutcome
from sim.scenarios import Scenario
from sim.store import atomic_write_text
from sim.sweep.experiment import scenario_point

#: Figure stem -> caption (English, Chinese), from sim/labels.py.
CAPTIONS = FIGURE_CAPTION_TEXTS
#: English captions, the names earlier code read.
FIGURE_CAPTIONS = {k: v[0] for k, v in CAPTIONS.items()}


def captions(lang: str = "en") -> dict[str, str]:
    """Figure stem -> caption in ``lang``."""
    return {k: v[LANGS.index(lang)] for k, v in CAPTIONS.items()}


def write_report(out: Path, scenarios: Sequence[Scenario], summary: pd.DataFrame,
                 manifest: dict[str, Any], figures: Sequence[Path],
                 failed: Sequence[RunOutcome], settled: pd.DataFrame | None = None, *,
                 comparisons: pd.DataFrame | None = None, tables: Sequence[Path] = (),
                 lang: str = "en", extra: Sequence[sections.Section] = ()) -> Path:
    """Write ``out/report.md`` and return its path.

    Args:
        out: the batch directory.
        scenarios: the batch's scenarios, in order.
        summary: the summary table (see :func:`sim.analysis.batch.summary_table`).
        manifest: the batch manifest (command, seeds, counts).
        figures: PNG files to embed.
        failed: failed runs to list.
        settled: per-run settling (:func:`sim.analysis.stats.settling`), or None.
        comparisons: :func:`sim.analysis.compare.comparisons` output, or None.
        tables: the CSV/LaTeX tables written, listed in the report.
        lang: "en" or "zh".
        extra: more sections, put before the figures (e.g. another analysis).
    """
    path = out / "report.md"
    atomic_write_text(path, render(scenarios, summary, manifest, figures, failed, out, settled,
                                   comparisons=comparisons, tables=tables, lang=lang,
                                   extra=extra))
    return path


def render(scenarios: Sequence[Scenario], summary: pd.DataFrame, manifest: dict[str, Any],
           figures: Sequence[Path], failed: Sequence[RunOutcome], out: Path,
           settled: pd.DataFrame | None = None, *, comparisons: pd.DataFrame | None = None,
           tables: Sequence[Path] = (), lang: str = "en",
           extra: Sequence[sections.Section] = ()) -> str:
    """The report's Markdown text, from the sections every report is built of."""
    reps = manifest["replicates"]
    first = term("batch_intro", lang).format(
        scenarios=len(scenarios), reps=reps, steps=manifest["steps"], seed=manifest["root_seed"],
        finished=manifest["finished"])
    command = term("command", lang).format(command=manifest["command"])
    intro = [first, "", command, "", sections.disclaimer(lang)]
    parts = [sections.scenarios_section([scenario_point(s) for s in scenarios], lang),
             sections.results_section(summary, reps, lang=lang)]
    if comparisons is not None and not comparisons.empty:
        parts.append(sections.comparisons_section(comparisons, lang))
    if settled is not None:
        parts.append(sections.settling_section(settled, SETTLED_TREND_PER_YEAR, lang))
    parts += list(extra)
    parts.append(sections.figures_section(figures, out, captions(lang), lang))
    if tables:
        parts.append(sections.bullets_section(
            term("section_tables", lang),
            [f"`{p.relative_to(out).as_posix()}`" for p in tables]))
    if failed:
        parts.append(sections.failed_section(failed, lang))
    title = term("batch_title", lang).format(
        names=term("list_sep", lang).join(s.name for s in scenarios))
    return sections.render(title, intro, parts)
