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
from sim.labels import definition, label, reword, term, title

#: Outputs in the results section, in order.
KEY_OUTPUTS = ("content_share", "depth_index", "form_share", "reported_content_share",
               "spending_total", "leakage_share", "approval_delay", "graduates_placed_locally",
               "skill_match")
DISCLAIMER = f"> {term('disclaimer')}"


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
    return f"> {term('disclaimer', lang)}"


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
        changed = ", ".join(f"{k}={_short(v, lang)}" for k, v in p.params.items()) or "-"
        lines.append(f"| `{p.name}` | {title(p.title, lang)} | {' < '.join(p.extends) or '-'} | {changed} |")
    return Section(term("section_scenarios", lang), lines)


def results_section(summary: pd.DataFrame, replicates: int,
                    note: str | None = None, lang: str = "en") -> Section:
    """End-of-run means with 95 % CIs per scenario (logit-scale CIs for shares).

    The column headers are the output names scripts read (in English) and the
    Chinese labels in Chinese; the LaTeX table has readable headers in both.

    Args:
        summary: from :func:`sim.analysis.batch.summarise_ends`.
        replicates: replicates per scenario.
        note: where the rest of the numbers are (default: a batch's files).
        lang: language of the headings.
    """
    outputs = [o for o in KEY_OUTPUTS if o in set(summary["output"])]
    table = wide(summary, outputs, lang=lang)
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
        lines.append(f"- `{output}`: {label(output, lang)}: {definition(output, lang)} "
                     f"({reword(window, lang)})")
    lines += ["", term("share_intervals_note", lang), "",
              term("results_note_batch", lang) if note is None else note]
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
        return Section(term("section_comparisons", lang), [term("nothing_to_compare", lang)])
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

    lines = [term("settling_intro", lang).format(tolerance=f"{tolerance:g}"), ""]
    judged = table.dropna(subset=["trend"])
    if judged.empty:
        return Section(term("section_settling", lang), lines + [term("settling_too_short", lang)])
    head = [term(k, lang) for k in ("scenario", "settling_trend", "settled")]
    lines += ["| " + " | ".join(head) + " |", "|---|---|---|"]
    open_scenarios = 0
    for scenario, runs in judged.groupby("scenario", sort=False):
        mean, _, low, high, n = mean_ci(runs["trend"])
        verdict = settling_verdict(low, high, tolerance) if n > 1 else "not shown"
        open_scenarios += verdict != "settled"
        interval = f"[{low:+.4f}, {high:+.4f}]" if n > 1 else term("one_run", lang)
        shown = (term("yes", lang) if verdict == "settled"
                 else f"**{term('no', lang)}** ({term('settling_' + verdict.replace(' ', '_'), lang)})")
        lines.append(f"| `{scenario}` | {mean:+.4f} {interval} | {shown} |")
    last = term("settling_transient" if open_scenarios else "settling_all", lang)
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
        lines += [f"![{caption}]({rel})", "", f"*{caption}* ({term('also_as', lang)} "
                  f"[PDF]({pdf}), [SVG]({svg}))", ""]
    return Section(term("section_figures", lang), lines)


def failed_section(failed: Sequence[Any], lang: str = "en") -> Section:
    """The runs that raised, with their errors (outcomes with ``run_id`` and ``error``)."""
    lines = [term("failed_intro", lang), ""]
    return Section(term("section_failed", lang),
                   lines + [f"- `{o.run_id}`: {o.error}" for o in failed])


def bullets_section(title: str, items: Iterable[str]) -> Section:
    """A section of one bullet per item."""
    return Section(title, [f"- {item}" for item in items])


def _short(value: Any, lang: str = "en") -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):  # a lever schedule (sim.schedules), in words
        from sim.schedules import describe

        return describe(value, lang)
    if isinstance(value, str) and "/" in value:
        return Path(value).name
    return str(value).lower() if isinstance(value, bool) else str(value)
