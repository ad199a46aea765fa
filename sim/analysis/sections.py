"""Reports built from sections: batch ``report.md`` and sweep ``analysis/README.md`` alike.

A section is a title and Markdown lines; :func:`render` joins a report from
them. The section builders here are pure (tables in, lines out), so a sweep
whose design is a list of scenarios gets the same scenario and results
sections as a scenario batch, and new analyses add sections without touching
the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis import compare
from sim.analysis.batch import wide
from sim.analysis.tables import sig
from sim.labels import label, term
from sim.outputs import COLUMNS

#: Outputs in the results section, in order.
KEY_OUTPUTS = ("content_share", "depth_index", "form_share", "reported_content_share",
               "spending_total", "leakage_share", "approval_delay", "graduates_placed_locally",
               "skill_match")
DISCLAIMER = ("> These values are model outputs under stated assumptions (each scenario "
              "value's provenance is in `manifest.json` and the scenario file), not data. "
              "Money is in model units (MU), a relative scale.")


@dataclass
class Section:
    """One part of a report: a ``## title`` and its Markdown lines."""

    title: str
    lines: list[str] = field(default_factory=list)


def render(title: str, intro: Iterable[str], sections: Iterable[Section]) -> str:
    """The Markdown text of a report: ``# title``, the intro lines, then each section."""
    lines = [f"# {title}", "", *intro]
    for section in sections:
        lines += ["", f"## {section.title}", "", *section.lines]
    return "\n".join(lines).rstrip("\n") + "\n"


def disclaimer(lang: str = "en") -> str:
    """:data:`DISCLAIMER` in ``lang``."""
    return DISCLAIMER if lang == "en" else f"> {term('disclaimer', lang)}"


def scenarios_section(points: Sequence[Any], lang: str = "en") -> Section:
    """The scenarios of a batch: name, title, parents and changed values.

    Args:
        points: objects with ``name``, ``title``, ``extends`` and ``params`` (the
            values changed from the defaults), e.g.
            :class:`sim.sweep.experiment.ScenarioPoint`.
        lang: language of the headers.
    """
    head = [term(k, lang) for k in ("scenario", "title", "extends", "changed_values")]
    lines = ["| " + " | ".join(head) + " |", "|---|---|---|---|"]
    for p in points:
        changed = ", ".join(f"{k}={_short(v)}" for k, v in p.params.items()) or "-"
        lines.append(f"| `{p.name}` | {p.title} | {' < '.join(p.extends) or '-'} | {changed} |")
    return Section(term("section_scenarios", lang), lines)


def results_section(summary: pd.DataFrame, replicates: int,
                    note: str = "All outputs, with standard deviations: `summary.csv`; every "
                                "step of every run: `steps.parquet` / `steps.csv`.",
                    lang: str = "en") -> Section:
    """End-of-run means with 95 % CIs per scenario (logit-scale CIs for shares).

    The column headers are the output names scripts read (in English) and the
    Chinese labels in Chinese; the LaTeX table has readable headers in both.

    Args:
        summary: from :func:`sim.analysis.batch.summarise_ends`.
        replicates: replicates per scenario.
        note: where the rest of the numbers are.
        lang: language of the headings.
    """
    outputs = [o for o in KEY_OUTPUTS if o in set(summary["output"])]
    table = wide(summary, outputs)
    n = summary.groupby("scenario")["n"].max()  # runs that finished
    shown = outputs if lang == "en" else [label(o, lang) for o in outputs]
    lines = [f"| {term('scenario', lang)} | " + " | ".join(shown) + " | n |",
             "|---|" + "---|" * (len(outputs) + 1)]
    for scenario, row in table.iterrows():
        lines.append(f"| `{scenario}` | " + " | ".join(row[o] for o in outputs)
                     + f" | {int(n.get(scenario, 0))} |")
    lines += ["", term("columns", lang), ""]
    for output in outputs:
        window = summary.loc[summary["output"] == output, "statistic"].iloc[0]
        lines.append(f"- `{output}`: {label(output, lang)}: {COLUMNS[output]} ({window})")
    lines += ["", term("share_intervals_note", lang), "", note]
    heading = term("results_heading", lang).format(replicates=replicates)
    return Section(heading, lines)


def comparisons_section(table: pd.DataFrame, lang: str = "en",
                        files: str = "`comparisons.csv`, `comparisons.tex`",
                        names: dict[str, str] | None = None) -> Section:
    """Each scenario against the baseline (from :func:`sim.analysis.compare.comparisons`).

    Lists the paired difference [95 % CI], d_z and the cost per content
    partnership-year; adds the multiple-comparison caveat when more than one
    scenario is compared.
    """
    if table.empty:
        return Section(term("section_comparisons", lang), ["(nothing to compare)"])
    baseline = table["baseline"].iloc[0]
    lines = [term("comparisons_intro", lang).format(
        baseline=baseline, n=int(table["n_pairs"].max()),
        resamples=compare_resamples()), ""]
    if compare.many(table):
        lines += [f"**{term('multiple_comparisons', lang)}**", ""]
    head = [term(k, lang) for k in ("scenario", "output", "baseline_mean", "scenario_mean",
                                    "difference")] + ["d_z", term("n_pairs", lang)]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for _, r in table.iterrows():
        if r["output"] == compare.COST_PER_CONTENT:
            what = f"{term('cost_per_content', lang)} ({term('cost_per_content_unit', lang)})"
            cells = ["", "", _interval(r)]
        else:
            what = (names or {}).get(r["output"]) or label(r["output"], lang)
            cells = [sig(r["baseline_mean"]), sig(r["mean"]), _interval(r)]
        mark = " *" if compare.excludes_zero(pd.DataFrame([r])).iloc[0] else ""
        lines.append(f"| `{r['scenario']}` | {what} | " + " | ".join(cells) + mark
                     + f" | {sig(r['d_z'])} | {int(r['n_pairs'])} |")
    lines += ["", term("excludes_zero", lang) + f"{files}."]
    return Section(term("section_comparisons", lang), lines)


def compare_resamples() -> int:
    """Bootstrap resamples behind the cost intervals."""
    from sim.analysis.stats import BOOTSTRAP_RESAMPLES

    return BOOTSTRAP_RESAMPLES


def _interval(row: pd.Series) -> str:
    from sim.analysis.tables import with_ci

    return with_ci(row["difference"], row["diff_low"], row["diff_high"])


def settling_section(table: pd.DataFrame, tolerance: float, lang: str = "en") -> Section:
    """Whether each scenario has settled (per-run trends from :func:`sim.analysis.stats.settling`).

    A scenario has settled when the 95 % CI of its runs' mean trend lies within
    ``±tolerance`` a year: one run's yearly share wobbles more than that with
    seed noise alone, so the replicates together decide.
    """
    from sim.analysis.stats import mean_ci, settling_verdict

    zh = lang != "en"
    lines = [(f"A scenario has settled when the mean change of its content share over the runs' "
              f"last two years (last year's mean minus the year before's) has a 95 % CI within "
              f"±{tolerance:g} a year." if not zh else
              f"若各次运行最后两年实质合作占比的平均变化（最后一年均值减去前一年均值）的 95% "
              f"置信区间落在每年 ±{tolerance:g} 以内，则该情景视为已稳定。"), ""]
    judged = table.dropna(subset=["trend"])
    if judged.empty:
        return Section(term("section_settling", lang), lines + [
            "Runs shorter than two years cannot be judged." if not zh else "运行不足两年，无法判断。"])
    head = (["scenario", "content share trend a year [95 % CI]", "settled"] if not zh
            else ["情景", "实质合作占比年变化 [95% 置信区间]", "已稳定"])
    lines += ["| " + " | ".join(head) + " |", "|---|---|---|"]
    open_scenarios = 0
    for scenario, runs in judged.groupby("scenario", sort=False):
        mean, _, low, high, n = mean_ci(runs["trend"])
        verdict = settling_verdict(low, high, tolerance) if n > 1 else "not shown"
        open_scenarios += verdict != "settled"
        interval = f"[{low:+.4f}, {high:+.4f}]" if n > 1 else ("(one run)" if not zh else "（仅一次运行）")
        shown = (term("yes", lang) if verdict == "settled"
                 else f"**{term('no', lang)}** ({term('settling_' + verdict.replace(' ', '_'), lang)})")
        lines.append(f"| `{scenario}` | {mean:+.4f} {interval} | {shown} |")
    if not zh:
        last = ("**These results may be a transient:** where a scenario is rising or falling "
                "its shares are still moving at the end of the run; where settling is not shown "
                "the replicates are too few to tell (more replicates narrow the CI). The ODD "
                "lists the slow state variables; `python -m sim validate` reports the defaults "
                "at longer horizons."
                if open_scenarios else "Every scenario has settled.")
    else:
        last = ("**以上结果可能仍处于过渡状态：**仍在上升或下降的情景，其比例在运行结束时仍在变化；"
                "未能判断稳定的情景，重复运行次数不足以下结论（增加重复次数可收窄置信区间）。"
                "ODD 列出了变化缓慢的状态变量；`python -m sim validate` 给出默认设定在更长时间跨度的结果。"
                if open_scenarios else "所有情景均已稳定。")
    lines += ["", last]
    return Section(term("section_settling", lang), lines)


def figures_section(figures: Sequence[Path], out: Path, captions: dict[str, str],
                    lang: str = "en") -> Section:
    """Embedded PNG figures with captions and links to their PDFs and SVGs."""
    lines = []
    for figure in figures:
        caption = captions.get(figure.stem, figure.stem)
        rel = figure.relative_to(out).as_posix()
        pdf, svg = (Path(rel).with_suffix(s).as_posix() for s in (".pdf", ".svg"))
        lines += [f"![{caption}]({rel})", "", f"*{caption}* ({'also as' if lang == 'en' else '另有'} "
                  f"[PDF]({pdf}), [SVG]({svg}))", ""]
    return Section(term("section_figures", lang), lines)


def failed_section(failed: Sequence[Any]) -> Section:
    """The runs that raised, with their errors (outcomes with ``run_id`` and ``error``)."""
    lines = ["These runs raised an error and are left out above (tracebacks in `runs.csv`); "
             "run the same command again to retry them.", ""]
    return Section("Failed runs", lines + [f"- `{o.run_id}`: {o.error}" for o in failed])


def bullets_section(title: str, items: Iterable[str]) -> Section:
    """A section of one bullet per item."""
    return Section(title, [f"- {item}" for item in items])


def _schedule_words(schedule: dict) -> str:
    """A lever schedule as a short phrase: years since the run's start, to 3 digits."""
    def year(y: float) -> str:
        return f"{y:.3g}"

    if "steps" in schedule:
        text = ", ".join(f"{v:g} from year {year(y)}" for y, v in schedule["steps"])
    else:
        text = f"{schedule['value']:g} from year {year(schedule.get('start_year', 0.0))}"
        if schedule.get("end_year") is not None:
            text += f" to {year(schedule['end_year'])}"
        if schedule.get("ramp_years"):
            text += f" (ramp {year(schedule['ramp_years'])} years)"
    if schedule.get("setup_cost"):
        text += f", set-up {schedule['setup_cost']:g} MU"
    return f"[{text}; else {schedule.get('off', 0.0):g}]"


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):  # a lever schedule (sim.schedules), in words
        return _schedule_words(value)
    if isinstance(value, str) and "/" in value:
        return Path(value).name
    return str(value).lower() if isinstance(value, bool) else str(value)
