"""Make every table and figure of a finished (or partly finished) sweep.

Writes into ``DIR/analysis/``: ``tables/`` (CSV and LaTeX), ``figures/`` (PNG
and SVG) and ``README.md`` (what was made, the key numbers, and what could not
be made and why). Which outputs are made depends on the design:

============================  ====================================================
every design                  run outputs, design-point summary, response curves,
                              replicate adequacy (3+ replicates)
``--baseline`` (or scenarios) each point against the baseline point: paired
                              differences, d_z, cost of content, forest plot
grid with 2+ factors          phase diagram with the form/content boundary
sobol                         first-order and total indices with CIs
morris                        mu, mu*, sigma
``[analysis.budget]``         best mixes within the budget, cost frontier
============================  ====================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim import outputs as model_outputs
from sim.analysis import compare, sections
from sim.analysis import figures as batch_figures
from sim.analysis import sweep_figures as figures
from sim.analysis import sweep_tables as tables
from sim.analysis import tables as paper_tables
from sim.analysis.batch import summarise_ends
from sim.analysis.sensitivity import (
    SensitivityError,
    morris_indices,
    replicate_cv,
    sobol_indices,
    stable_replicates,
)
from sim.analysis.stats import is_bounded
from sim.labels import LabelError, figure_text, in_sentence, label, term, title
from sim.store import atomic_write_text
from sim.sweep.designs import sampler_seed, unit_problem
from sim.sweep.experiment import Experiment, ExperimentError, Factor, Output, PhaseSpec, parse_reducer
from sim.sweep.results import load_sweep_experiment, run_outputs, run_status
from sim.sweep.run import read_design

ANALYSIS = "analysis"
#: Largest design-point table also written as LaTeX.
MAX_LATEX_ROWS = 60
#: Most curves drawn per response figure (one per value of a second grid factor).
MAX_CURVES = 6


@dataclass
class Report:
    """What the analysis made.

    Attributes:
        directory: ``DIR/analysis``.
        files: every file written.
        notes: key findings and what could not be made (one line each).
    """

    directory: Path
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lang: str = "en"
    titles: bool = False
    comparisons: pd.DataFrame = field(default_factory=pd.DataFrame)

    def title(self, text: str) -> str:
        """A figure title: ``text`` with ``--figure-titles``, else none (captions are the README's)."""
        return text if self.titles else ""


def analyze_sweep(directory: Path, *, baseline: str | None = None, lang: str = "en",
                  figure_titles: bool = False) -> Report:
    """Make the tables and figures of the sweep in ``directory``.

    Args:
        directory: a sweep directory (made by ``python -m sim sweep``).
        baseline: the design point every other is compared with: a scenario
            name (scenarios design) or a design-point number (the
            ``design_point`` column of ``design.parquet``). A scenarios design
            compares with its first scenario by default; other designs only
            when a baseline is named.
        lang: language of labels, legends, table headers and headings ("en", "zh").
        figure_titles: draw titles into the figures.

    Returns:
        The files written and the notes of ``analysis/README.md``.

    Raises:
        sim.sweep.experiment.ExperimentError: when ``directory`` holds no sweep.
    """
    exp = load_sweep_experiment(directory)
    out = directory / ANALYSIS
    report = Report(out, lang=lang, titles=figure_titles)
    runs = run_outputs(directory, exp)
    status = run_status(directory)
    design = read_design(directory)
    failed = int((status["status"] == "failed").sum()) if len(status) else 0
    expected = len(design) * exp.replicates
    report.notes.append(term("note_finished", lang).format(done=len(runs), expected=expected)
                        + (term("note_failed", lang).format(failed=failed) if failed else ""))
    if runs.empty:
        report.notes.append(term("note_nothing", lang))
        _write_readme(exp, report)
        return report

    tdir, fdir = out / "tables", out / "figures"
    names = ["scenario"] if exp.design == "scenarios" else exp.factor_names
    out_names = [o.name for o in exp.outputs]
    atomic_write_text(_mkdir(tdir) / "run_outputs.csv", runs.to_csv(index=False))
    report.files.append(tdir / "run_outputs.csv")
    summary = tables.point_summary(runs, names, out_names, bounded=_bounded(exp))
    summary_cols = [*names, "n", *(f"{o}_{s}" for o in out_names for s in ("mean", "low", "high"))]
    if len(summary) <= MAX_LATEX_ROWS:
        shown = pd.DataFrame({(term("scenario", lang) if n == "scenario" else
                               _factor_label(_factor(exp, n), lang)): summary[n] for n in names})
        shown["n"] = summary["n"].to_numpy()
        for o in exp.outputs:
            shown[_output_label(o, lang)] = [paper_tables.with_ci(m, lo, hi) for m, lo, hi in zip(
                summary[f"{o.name}_mean"], summary[f"{o.name}_low"], summary[f"{o.name}_high"],
                strict=True)]
        report.files += tables.write_table(shown.reset_index(drop=True), tdir / "design_points",
                                           caption=term("caption_points", lang).format(
                                               title=title(exp.title, lang)),
                                           label=f"tab:{exp.name}-points",
                                           key_columns=len(names), csv=summary[summary_cols],
                                           lang=lang)
    else:
        atomic_write_text(tdir / "design_points.csv", summary.to_csv())
        report.files.append(tdir / "design_points.csv")

    _comparisons(exp, runs, baseline, tdir, fdir, report)
    _responses(exp, runs, tdir, fdir, report)
    _phase(exp, runs, tdir, fdir, report)
    if exp.design == "sobol":
        _sobol(exp, runs, design, tdir, fdir, report)
    if exp.design == "morris":
        _morris(exp, runs, design, tdir, fdir, report)
    _adequacy(exp, runs, tdir, fdir, report)
    if exp.analysis.budget:
        _budget(exp, summary, tdir, fdir, report)
    _write_readme(exp, report, runs)
    return report


# --------------------------------------------------------------------- parts
def _responses(exp: Experiment, runs: pd.DataFrame, tdir: Path, fdir: Path,
               report: Report) -> None:
    main = exp.output(exp.analysis.main)
    grid = exp.design == "grid"
    lang = report.lang
    for name in exp.analysis.response:
        factor = _factor(exp, name)
        others = [f for f in exp.factor_names if f != name]
        by = exp.analysis.response_by if exp.analysis.response_by != name else None
        if by is None and grid and len(others) == 1 and runs[others[0]].nunique() <= MAX_CURVES:
            by = others[0]
        if by is not None and runs[by].nunique() > MAX_CURVES:
            by = None
        table = tables.response_table(runs, name, main.name, by=by, binned=not grid,
                                      bounded=main.name in _bounded(exp))
        atomic_write_text(tdir / f"response_{name}.csv", table.to_csv(index=False))
        rest = [f for f in others if f != by]
        how = term("list_sep", lang).join(filter(None, [
            figure_text("response_by", lang, by=by) if by else "",
            figure_text("response_marginal", lang) if rest else ""]))
        heading = figure_text("title_response", lang, name=exp.name,
                              output=_output_name(main, lang), factor=name)
        report.files.append(tdir / f"response_{name}.csv")
        report.files += figures.response_curve(
            table, fdir / f"response_{name}", factor=name, x_label=_factor_label(factor, lang),
            y_label=_output_label(main, lang), by=by,
            by_label=_factor_label(_factor(exp, by), lang) if by else "",
            title=report.title(term("reduce_of", lang).format(column=heading, how=how)
                               if how else heading), lang=lang)


def _phase(exp: Experiment, runs: pd.DataFrame, tdir: Path, fdir: Path, report: Report) -> None:
    spec = exp.analysis.phase
    if spec is None:
        if exp.design != "grid" or len(exp.factors) < 2:
            return
        spec = PhaseSpec(exp.factor_names[0], exp.factor_names[1], exp.analysis.main)
    if exp.design != "grid":
        report.notes.append(term("note_phase_grid", report.lang))
        return
    out = exp.output(spec.output)
    lang = report.lang
    bounded = out.name in _bounded(exp)
    groups = runs.groupby(spec.by, sort=True) if spec.by else [(None, runs)]
    panels: dict[str, pd.DataFrame] = {}
    bands: dict[str, pd.DataFrame] = {}
    n_groups = 0
    for key, sub in groups:
        n_groups += 1
        key = key[0] if isinstance(key, tuple) else key
        table = tables.phase_table(sub, spec.x, spec.y, out.name)
        low, high = tables.phase_intervals(sub, spec.x, spec.y, out.name, bounded=bounded)
        low, high = low.reindex_like(table), high.reindex_like(table)
        suffix = "" if key is None else f"_{spec.by}={_fmt(key)}"
        panel = "" if key is None else f"{spec.by} = {_fmt(key)}"
        # The CSV keeps the means (scripts read it); the LaTeX shows each mean with its CI.
        csv = table.copy()
        csv.index = [_fmt(v) for v in csv.index]
        csv.index.name = spec.y
        csv.columns = [f"{spec.x}={_fmt(v)}" for v in csv.columns]
        shown = pd.DataFrame({f"{_short_label(spec.x, lang)} = {_fmt(c)}": [
            paper_tables.with_ci(table.loc[r, c], low.loc[r, c], high.loc[r, c])
            for r in table.index] for c in table.columns})
        shown.insert(0, _short_label(spec.y, lang), [_fmt(v) for v in table.index])
        report.files += tables.write_table(
            shown, tdir / f"phase_{out.name}{suffix}",
            caption=term("caption_phase", lang).format(
                title=title(exp.title, lang), output=_output_name(out, lang),
                x=in_sentence(_short_label(spec.x, lang), lang),
                y=in_sentence(_short_label(spec.y, lang), lang))
            + (f" ({panel})" if panel else ""), label=f"tab:{exp.name}-phase{suffix}",
            csv=csv.reset_index(), lang=lang)
        above = int((table.to_numpy() >= spec.threshold).sum())
        straddle = (low <= spec.threshold) & (high >= spec.threshold)
        report.notes.append(term("note_phase", lang).format(
            panel=f" ({panel})" if panel else "", above=above, cells=table.size, x=spec.x,
            y=spec.y, output=out.name, threshold=f"{spec.threshold:g}",
            straddle=int(straddle.to_numpy().sum())))
        if _numeric(table):
            for frame in (table, straddle):
                frame.index = np.asarray(frame.index, dtype=float)
                frame.columns = np.asarray(frame.columns, dtype=float)
            panels[panel] = table
            bands[panel] = straddle
    if len(panels) != n_groups:
        report.notes.append(term("note_phase_numeric", lang).format(x=spec.x, y=spec.y))
        return
    report.files += figures.phase_diagram(
        panels if spec.by else panels[""], fdir / f"phase_{out.name}",
        x_label=_factor_label(_factor(exp, spec.x), lang),
        y_label=_factor_label(_factor(exp, spec.y), lang),
        value_label=_output_label(out, lang), threshold=spec.threshold,
        title=report.title(figure_text("title_phase", lang, name=exp.name,
                                       output=_output_name(out, lang))),
        uncertain=bands if spec.by else bands[""], lang=lang)


def _point_means(exp: Experiment, runs: pd.DataFrame, n_points: int, output: str) -> np.ndarray:
    means = runs.groupby("design_point")[output].mean()
    return means.reindex(range(n_points)).to_numpy(dtype=float)


def _sobol(exp: Experiment, runs: pd.DataFrame, design: pd.DataFrame, tdir: Path, fdir: Path,
           report: Report) -> None:
    problem = unit_problem(exp)
    for out in exp.outputs:
        y = _point_means(exp, runs, len(design), out.name)
        try:
            indices = sobol_indices(problem, y, second_order=exp.second_order,
                                    seed=sampler_seed(exp.seed) + 1)
        except SensitivityError as err:
            report.notes.append(term("note_sobol_failed", report.lang).format(
                output=out.name, error=err))
            continue
        report.files += tables.write_table(
            _readable_index(indices, exp, report.lang), tdir / f"sobol_{out.name}",
            caption=term("caption_sobol", report.lang).format(
                title=title(exp.title, report.lang), output=_output_name(out, report.lang)),
            label=f"tab:{exp.name}-sobol-{out.name}", csv=indices, lang=report.lang)
        report.files += figures.sobol_bars(indices, fdir / f"sobol_{out.name}",
                                           output_label=_output_label(out, report.lang,
                                                                      unit=False),
                                           title=report.title(figure_text(
                                               "title_sobol", report.lang, name=exp.name,
                                               output=_output_name(out, report.lang))),
                                           names=_factor_names(exp, report.lang),
                                           lang=report.lang)
        top = indices["ST"].sort_values(ascending=False).head(3)
        report.notes.append(term("note_sobol", report.lang).format(
            output=out.name, top=", ".join(f"{k} {v:.2f}" for k, v in top.items())))


def _morris(exp: Experiment, runs: pd.DataFrame, design: pd.DataFrame, tdir: Path, fdir: Path,
            report: Report) -> None:
    problem = unit_problem(exp)
    x = design[[f"unit_{n}" for n in exp.factor_names]].to_numpy(dtype=float)
    for out in exp.outputs:
        y = _point_means(exp, runs, len(design), out.name)
        try:
            indices = morris_indices(problem, x, y, levels=exp.levels,
                                     seed=sampler_seed(exp.seed) + 1)
        except SensitivityError as err:
            report.notes.append(term("note_morris_failed", report.lang).format(
                output=out.name, error=err))
            continue
        report.files += tables.write_table(
            _readable_index(indices, exp, report.lang), tdir / f"morris_{out.name}",
            caption=term("caption_morris", report.lang).format(
                title=title(exp.title, report.lang), output=_output_name(out, report.lang)),
            label=f"tab:{exp.name}-morris-{out.name}", csv=indices, lang=report.lang)
        report.files += figures.morris_plot(indices, fdir / f"morris_{out.name}",
                                            output_label=_output_label(out, report.lang,
                                                                       unit=False),
                                            title=report.title(figure_text(
                                                "title_morris", report.lang, name=exp.name,
                                                output=_output_name(out, report.lang))),
                                            names=_factor_names(exp, report.lang),
                                            lang=report.lang)
        top = indices["mu_star"].sort_values(ascending=False).head(3)
        report.notes.append(term("note_morris", report.lang).format(
            output=out.name, top=", ".join(f"{k} {v:.3g}" for k, v in top.items())))


def _adequacy(exp: Experiment, runs: pd.DataFrame, tdir: Path, fdir: Path,
              report: Report) -> None:
    main = exp.output(exp.analysis.main)
    replicates = int(runs.groupby("design_point").size().max())
    if replicates < 3:
        report.notes.append(term("note_adequacy_few", report.lang))
        return
    cv = replicate_cv(runs.rename(columns={main.name: "value"}))
    tol = exp.analysis.adequacy_tolerance
    per_point = stable_replicates(cv, tolerance=tol)
    median = cv.dropna(subset=["cv"]).groupby("n", as_index=False)["cv"].median()
    atomic_write_text(tdir / "adequacy_cv.csv", cv.to_csv(index=False))
    atomic_write_text(tdir / "adequacy_stable.csv", per_point.to_csv(index=False))
    report.files += [tdir / "adequacy_cv.csv", tdir / "adequacy_stable.csv"]
    if per_point.empty or median.empty:
        report.notes.append(term("note_adequacy_zero", report.lang).format(output=main.name))
        n_stable = None
    else:
        overall = stable_replicates(median.assign(design_point=0), tolerance=tol).iloc[0]
        n_stable = int(overall["n_stable"])
        lang = report.lang
        verdict = (term("adequacy_stable_from", lang).format(n=n_stable, replicates=replicates)
                   if overall["shown_stable"]
                   else term("adequacy_not_stable", lang).format(replicates=replicates))
        report.notes.append(term("note_adequacy", lang).format(
            output=main.name, verdict=verdict, tolerance=f"{tol:.0%}", replicates=replicates,
            statement=adequacy_statement(per_point, len(cv["design_point"].unique()), lang)))
        if not overall["shown_stable"]:
            n_stable = None
    report.files += figures.adequacy_plot(cv, fdir / "adequacy",
                                          output_label=_output_label(main, report.lang,
                                                                     unit=False),
                                          n_stable=n_stable, tolerance=tol,
                                          title=report.title(figure_text(
                                              "title_adequacy", report.lang, name=exp.name)),
                                          lang=report.lang)


def _budget(exp: Experiment, summary: pd.DataFrame, tdir: Path, fdir: Path,
            report: Report) -> None:
    spec = exp.analysis.budget
    cost, value = exp.output(spec.cost), exp.output(spec.output)
    best = tables.budget_table(summary, exp.factor_names, spec.cost, spec.output, spec.limit)
    front = tables.pareto_front(summary[f"{spec.cost}_mean"], summary[f"{spec.output}_mean"])
    frontier = summary[front].sort_values(f"{spec.cost}_mean")
    atomic_write_text(tdir / "frontier.csv", frontier.to_csv())
    report.files.append(tdir / "frontier.csv")
    lang = report.lang
    shown = pd.DataFrame({_factor_label(_factor(exp, f), lang): best[f].to_numpy()
                          for f in exp.factor_names})
    shown[_output_label(cost, lang)] = best[f"{spec.cost}_mean"].to_numpy()
    shown[_output_label(value, lang) + term("ci95_bracket", lang)] = [
        paper_tables.with_ci(m, lo, hi) for m, lo, hi in zip(
            best[f"{spec.output}_mean"], best[f"{spec.output}_low"], best[f"{spec.output}_high"],
            strict=True)]
    shown["n"] = best["n"].to_numpy()
    shown[term("on_frontier", lang)] = best["on_frontier"].to_numpy()
    report.files += tables.write_table(
        shown, tdir / "budget_best",
        caption=term("caption_budget", lang).format(
            title=title(exp.title, lang), cost=_output_name(cost, lang), limit=f"{spec.limit:g}",
            output=_output_name(value, lang)),
        label=f"tab:{exp.name}-budget",
        key_columns=0, csv=best.reset_index(drop=True), lang=lang)
    report.files += figures.frontier_plot(
        summary, fdir / "frontier", cost=spec.cost, output=spec.output,
        cost_label=_output_label(cost, lang), output_label=_output_label(value, lang),
        limit=spec.limit, on_frontier=front,
        title=report.title(figure_text("title_budget", lang, name=exp.name,
                                       output=_output_name(value, lang))), lang=lang)
    if best.empty:
        report.notes.append(term("note_budget_none", lang).format(limit=f"{spec.limit:g}"))
    else:
        top = best.iloc[0]
        report.notes.append(term("note_budget", lang).format(
            limit=f"{spec.limit:g}", output=spec.output, value=f"{top[f'{spec.output}_mean']:.3f}",
            cost=f"{top[f'{spec.cost}_mean']:.0f}", frontier=int(front.sum())))


# ------------------------------------------------------------------ helpers
def _factor(exp: Experiment, name: str) -> Factor:
    return next(f for f in exp.factors if f.name == name)


def _output_name(out: Output, lang: str) -> str:
    """How a figure title or caption names an output: its readable label and reducer."""
    return in_sentence(_output_label(out, lang, unit=False), lang)



def _factor_label(factor: Factor, lang: str = "en") -> str:
    """The parameter's readable label with its unit (sim.labels)."""
    try:
        return label(factor.name, lang)
    except LabelError:
        return f"{factor.name} [{factor.spec.unit}]"


def _short_label(name: str, lang: str = "en") -> str:
    try:
        return label(name, lang, with_unit=False)
    except LabelError:
        return name


def _factor_names(exp: Experiment, lang: str) -> dict[str, str]:
    return {f.name: _short_label(f.name, lang) for f in exp.factors}


def _output_label(out: Output, lang: str = "en", *, unit: bool = True) -> str:
    """The output column's readable label; a reducer other than the end-of-run rule is named."""
    try:
        text = label(out.column, lang, with_unit=unit and out.reduce == "end")
    except LabelError:
        return out.describe()
    if out.reduce == "end":
        return text
    kind, n = parse_reducer(out.reduce)
    how = term(f"how_{kind}", lang) if kind in ("final", "mean", "min", "max") else ""
    if n:
        how = term("how_mean_last" if kind == "mean" else "how_sum_last", lang).format(n=n)
    money = out.column.startswith("spending_") or "(MU" in model_outputs.COLUMNS.get(
        out.column, "")
    how += term("how_money", lang) if money and unit else ""
    return term("reduce_of", lang).format(column=text, how=how)


def _readable_index(indices: pd.DataFrame, exp: Experiment, lang: str) -> pd.DataFrame:
    """A sensitivity table with readable parameter labels for LaTeX (the CSV keeps the names)."""
    names = _factor_names(exp, lang)
    shown = indices.copy()
    shown.index = pd.Index([names.get(str(i), str(i)) for i in indices.index],
                           name=term("parameter", lang))
    return shown


def _bounded(exp: Experiment) -> list[str]:
    """Outputs that are shares (logit-scale intervals): a share column not summed over steps."""
    return [o.name for o in exp.outputs
            if is_bounded(o.column) and parse_reducer(o.reduce)[0] != "sum"]


def adequacy_statement(per_point: pd.DataFrame, points: int, lang: str = "en") -> str:
    """How many design points were shown stable, and by which n: counted, not assumed.

    Args:
        per_point: :func:`sim.analysis.sensitivity.stable_replicates` output.
        points: design points with runs (those with an undefined CV are not in ``per_point``).
        lang: language of the statement.
    """
    stable = per_point[per_point["shown_stable"].astype(bool)]
    undefined = points - len(per_point)
    text = term("adequacy_points", lang).format(
        stable=len(stable), points=points,
        replicates=int(per_point["replicates"].max()) if len(per_point) else 0)
    if len(stable):
        text += term("adequacy_latest", lang).format(n=int(stable["n_stable"].max()))
    if undefined:
        text += term("adequacy_undefined", lang).format(n=undefined)
    return text


def _comparisons(exp: Experiment, runs: pd.DataFrame, baseline: str | None, tdir: Path,
                 fdir: Path, report: Report) -> None:
    """Every design point against the baseline point: paired over the common replicate seeds."""
    scenarios = exp.design == "scenarios"
    group = "scenario" if scenarios else "design_point"
    names = ([p.name for p in exp.scenarios] if scenarios
             else [str(int(p)) for p in sorted(runs["design_point"].unique())])
    present = set(runs[group].astype(str) if scenarios else runs[group].astype(int).astype(str))
    names = [n for n in names if n in present]
    if baseline is None and not scenarios:
        report.notes.append(term("note_comparisons_skipped", report.lang))
        return
    try:
        base = compare.choose_baseline(names, baseline, kind="scenarios" if scenarios else
                                       "design points with finished runs (design_point numbers)")
    except compare.ComparisonError as err:
        option, message = str(err).split(": ", 1)
        raise ExperimentError(str(report.directory.parent), option, message) from None
    if len(names) < 2:
        return
    ends = runs.assign(**{group: runs[group].astype(str) if scenarios
                          else runs[group].astype(int).astype(str)})
    cost = next((o for o in exp.outputs if o.column == "spending_total"
                 and o.reduce in ("end", "sum_last_12")), None)
    content = next((o for o in exp.outputs if o.column == "partnerships_content"
                    and o.reduce in ("end", "final")), None)
    table = compare.comparisons(
        ends, base, group=group, outputs=[o.name for o in exp.outputs], order=names,
        seed=exp.seed, cost=cost.name if cost and content else None,
        content=content.name if cost and content else None,
        cost_per_year=compare.STEPS_PER_YEAR if cost and cost.reduce == "end" else 1.0)
    report.comparisons = table
    lang = report.lang
    labels = {o.name: _output_label(o, lang) for o in exp.outputs}
    note = term("multiple_comparisons", lang) if compare.many(table) else ""
    report.files += tables.write_table(
        paper_tables.comparison_table(table, lang, names=labels), tdir / "comparisons",
        caption=term("caption_sweep_comparisons", lang).format(title=title(exp.title, lang),
                                                              base=base),
        label=f"tab:{exp.name}-comparisons",
        key_columns=2, csv=table, lang=lang)
    if note:
        report.notes.append(note)
    report.files += batch_figures.comparison_forest(
        table, fdir / "comparisons_forest", lang=lang, figure_titles=report.titles,
        outputs=[o.name for o in exp.outputs][:6], names=labels)
    if cost is None or content is None:
        report.notes.append(term("note_no_cost", lang))


def _fmt(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, float | np.floating):
        return f"{value:g}"
    return str(value)


def _numeric(table: pd.DataFrame) -> bool:
    try:
        np.asarray(table.columns, dtype=float)
        np.asarray(table.index, dtype=float)
        return True
    except (TypeError, ValueError):
        return False


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_readme(exp: Experiment, report: Report, runs: pd.DataFrame | None = None) -> None:
    lang = report.lang
    what = (term("sweep_what_scenarios", lang).format(n=len(exp.scenarios))
            if exp.design == "scenarios" else term("sweep_what_factors", lang).format(
                n=len(exp.factors), names=", ".join(exp.factor_names)))
    intro = [title(exp.title, lang), "",
             term("sweep_intro", lang).format(design=exp.design, what=what,
                                              replicates=exp.replicates, steps=exp.steps,
                                              seed=exp.seed)]
    parts = []
    if exp.design == "scenarios" and runs is not None and not runs.empty:
        parts += [sections.scenarios_section(exp.scenarios, lang),
                  sections.results_section(_scenario_summary(exp, runs), exp.replicates,
                                           note=term("results_note_sweep", lang), lang=lang)]
    if not report.comparisons.empty:
        parts.append(sections.comparisons_section(
            report.comparisons, lang, files="`tables/comparisons.csv`, `tables/comparisons.tex`",
            names={o.name: _output_label(o, lang) for o in exp.outputs}))
    parts.append(sections.bullets_section(term("section_findings", lang), report.notes))
    files = [f"`{p.relative_to(report.directory)}`" for p in report.files]
    parts.append(sections.bullets_section(term("section_files", lang), files))
    _mkdir(report.directory)
    path = report.directory / "README.md"
    heading = term("sweep_title", lang).format(name=exp.name)
    atomic_write_text(path, sections.render(heading, intro, parts))
    report.files.append(path)


def _scenario_summary(exp: Experiment, runs: pd.DataFrame) -> pd.DataFrame:
    """A batch-style summary of a scenarios design: the batch's statistics, the sweep's reducers."""
    names = [o.name for o in exp.outputs if o.name in model_outputs.COLUMNS]
    summary = summarise_ends(runs, outputs=names, order=[p.name for p in exp.scenarios])
    summary["statistic"] = [exp.output(o).describe() for o in summary["output"]]
    return summary
