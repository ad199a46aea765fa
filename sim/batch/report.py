"""``report.md``: a short readable summary of a batch with its figures and key tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis import sections
from sim.analysis.sections import KEY_OUTPUTS  # noqa: F401 - the report's table, in order
from sim.analysis.stats import SETTLED_TREND_PER_YEAR
from sim.labels import term
from sim.runner import RunOutcome
from sim.scenarios import Scenario
from sim.store import atomic_write_text
from sim.sweep.experiment import scenario_point

#: Figure stem -> caption (English, Chinese). Captions go here, not into the image.
CAPTIONS = {
    "depth_shares_over_time": (
        "Share of active partnerships at form, practice and content over time (replicate mean, "
        "95 % confidence band, logit-scale). Grey: the months in which a scheduled lever is on, "
        "one labelled strip per lever along the top.",
        "有效合作中形式合作、实践合作与实质合作所占比例随时间的变化"
        "（重复运行均值，95% 置信带，logit 尺度）。灰色：某项政策按时间表实施的月份，"
        "顶部每项政策一条标注带。"),
    "content_vs_spending": (
        "End-of-run content share against government spending (MU per step, mean over the last "
        "year); bars are 95 % confidence intervals.",
        "期末实质合作占比与政府支出（模型货币单位/步，最后一年均值）；误差线为 95% 置信区间。"),
    "leakage_and_delay": (
        "Share of subsidy paid to partnerships that are only form, and the approval delay, at the "
        "end of the run (mean, 95 % CI).",
        "期末流向仅为形式合作的补贴比例与审批时长（均值，95% 置信区间）。"),
    "comparisons_forest": (
        "Difference of each scenario from the baseline, paired over common seeds (mean and 95 % "
        "CI); the dashed line is no difference.",
        "各情景与基准情景之差（按共同随机种子配对，均值与 95% 置信区间）；虚线表示无差异。"),
}
#: English captions, the names earlier code read.
FIGURE_CAPTIONS = {k: v[0] for k, v in CAPTIONS.items()}


def captions(lang: str = "en") -> dict[str, str]:
    """Figure stem -> caption in ``lang``."""
    return {k: v[0 if lang == "en" else 1] for k, v in CAPTIONS.items()}


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
    if lang == "en":
        first = (f"{len(scenarios)} scenarios x {reps} replicates x {manifest['steps']} steps "
                 f"(a step is a month), root seed {manifest['root_seed']}; replicate r of every "
                 "scenario uses the same seed (common random numbers). Finished "
                 f"{manifest['finished']}.")
        command = f"Command: `{manifest['command']}`"
    else:
        first = (f"{len(scenarios)} 个情景 × {reps} 次重复运行 × {manifest['steps']} 步（每步为一个月），"
                 f"根种子 {manifest['root_seed']}；各情景第 r 次重复运行使用同一种子（共同随机数）。"
                 f"完成于 {manifest['finished']}。")
        command = f"命令：`{manifest['command']}`"
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
        parts.append(sections.failed_section(failed))
    title = (f"Scenario batch: {', '.join(s.name for s in scenarios)}" if lang == "en"
             else f"{term('report_batch', lang)}：{'、'.join(s.name for s in scenarios)}")
    return sections.render(title, intro, parts)
