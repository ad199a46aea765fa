"""What a robustness analysis writes: CSV tables, figures, ``summary.json`` and ``summary.md``.

``DIR/summary.json`` holds every number the Markdown needs, so the validation
report (``python -m sim validate``) renders its robustness section from it
with :func:`markdown_section`, the same text as ``DIR/summary.md``.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sim.analysis import style  # noqa: E402
from sim.analysis.style import CAPTION, OKABE_ITO  # noqa: E402
from sim.figure_style import journal_style  # noqa: E402
from sim.labels import LabelError, label  # noqa: E402
from sim.robustness.run import EFFECT, Results  # noqa: E402
from sim.store import atomic_write_text  # noqa: E402

SUMMARY_JSON = "summary.json"
SUMMARY_MD = "summary.md"
#: Parameters labelled in the Morris figure and listed in the summary, per output.
SHOWN = 8


def write(results: Results, directory: Path, *, command: str) -> list[Path]:
    """Write the tables, figures and summaries of ``results`` into ``directory``.

    Returns:
        The files written.
    """
    directory = Path(directory)
    tables, figures = directory / "tables", directory / "figures"
    files = []
    for name, table in (("morris", results.screening), ("sobol", results.sobol),
                        ("levers", results.levers), ("lever_effects", results.lever_effects),
                        ("reversal", results.reversal)):
        path = tables / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, table.to_csv(index=False))
        files.append(path)
    files += morris_figure(results, figures / "morris")
    files += lever_figure(results, figures / "levers")
    files += reversal_figure(results, figures / "reversal")
    summary = summarise(results, command=command, previous=read_summary(directory),
                        directory=directory)
    atomic_write_text(directory / SUMMARY_JSON, json.dumps(summary, indent=2, default=float) + "\n")
    captions = ["## Figures", ""] + [f"- `figures/{stem}.pdf|svg|png`: {caption} {CAPTION}"
                                     for stem, caption in FIGURE_CAPTIONS.items()]
    text = "\n".join([f"# {results.plan.title}", "", *markdown_section(summary, level=2), "",
                      *captions])
    atomic_write_text(directory / SUMMARY_MD, text + "\n")
    return [*files, directory / SUMMARY_JSON, directory / SUMMARY_MD]


def read_summary(directory: Path) -> dict[str, Any] | None:
    """The ``summary.json`` of a finished analysis, or None."""
    path = Path(directory) / SUMMARY_JSON
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def summarise(results: Results, *, command: str, previous: Mapping[str, Any] | None = None,
              directory: Path | str = "") -> dict[str, Any]:
    """Every number the summary shows, as plain data.

    ``calls`` keeps the wall time and run counts of every call that computed
    runs (a resumed call adds its own), so the cost of the whole analysis stays
    on record after it is resumed.
    """
    plan = results.plan
    same = previous is not None and previous.get("plan") == json.loads(
        json.dumps(plan.to_dict(), default=float))
    calls = list(previous.get("calls", [])) if same else []
    if results.counts.get("computed", 0) or not calls:
        calls.append({"seconds": round(results.seconds, 1), **results.counts})
    screen = results.screening
    top = {output: sub.sort_values("rank").head(SHOWN)[["parameter", "mu_star", "mu_star_conf",
                                                        "sigma"]].to_dict("records")
           for output, sub in screen.groupby("output", sort=False)}
    return {
        "command": command, "directory": str(directory), "plan": plan.to_dict(),
        "runs": results.runs, "calls": calls,
        "morris_top": top, "sobol_factors": results.top,
        "sobol": results.sobol.to_dict("records"),
        "levers": results.levers.to_dict("records"),
        "reversal": results.reversal_summary,
        "reversal_smallest": results.reversal[results.reversal["end"] != "-"].nsmallest(
            5, "difference")[["parameter", "end", "value", "difference", "ci_low",
                              "ci_high"]].to_dict("records"),
    }


def headings(output: str, *, level: int = 2) -> list[str]:
    """The headings of :func:`markdown_section`, in order (for the report's staleness test)."""
    h = "#" * level
    return [f"{h} Does one structural number reverse the ordering?",
            f"{h} Per lever: how often it raises `{output}`",
            f"{h} Which structural numbers matter (Morris screening)"]


def markdown_section(summary: Mapping[str, Any], *, level: int = 2) -> list[str]:
    """The robustness summary as Markdown lines (headings at ``level``)."""
    plan = summary["plan"]
    sizes = plan["sizes"]
    base, treat = plan["baseline"]["key"], plan["treatment"]["key"]
    out = plan["output"]
    titles = headings(out, level=level)
    d = len(plan["factors"])
    calls = summary.get("calls", [])
    seconds = sum(c["seconds"] for c in calls if c.get("computed"))
    computed = sum(c.get("computed", 0) for c in calls)
    quick = " (**quick version**: too small to conclude from)" if plan["quick"] else ""
    fixed = (", with " + ", ".join(f"`{k}` = {v}" for k, v in plan["fixed"].items())
             if plan["fixed"] else "")
    cost = (f"The runs took {seconds:.0f} s of wall time ({computed} computed in "
            f"{sum(1 for c in calls if c.get('computed'))} call(s))" if computed
            else "The runs were computed by an earlier call whose time is not on record")
    where = summary.get("directory")
    files = (f" Tables (CSV) and figures (Morris mu*/sigma, per-lever effects, reversal) are in "
             f"`{where}/tables` and `{where}/figures`." if where else "")
    lines = [
        f"Produced by `{summary['command']}`{quick}: every structural parameter ({d}, the "
        f"`structure` group of `sim/params.py`) over its declared range, `{treat}` against "
        f"`{base}`{fixed}; {summary['runs']} runs of {plan['steps']} steps, output "
        f"`{out}` at the end of the run (mean of the last {min(12, plan['steps'])} steps). {cost}. Paired "
        "comparisons share structures and seeds. Values are model outputs under stated "
        f"assumptions, not data.{files}", "",
        titles[0], "",
    ]
    rev = summary["reversal"]
    if rev.get("points"):
        verdict = ("**Yes**: " + ", ".join(rev["reversed"]) + " reverses it"
                   + (" (significantly: " + ", ".join(rev["significant"]) + ")"
                      if rev["significant"] else " (not significantly)")
                   if rev["reversed"] else "No")
        lines += [
            f"Each parameter alone at its declared low and high end ({rev['points']} points, "
            f"{sizes['reversal_replicates']} paired seeds each), `{treat}` minus `{base}` in "
            f"`{out}`: {verdict}. The difference is {rev['default_difference']:+.3f} at the "
            f"defaults and ranges from {rev['min_difference']:+.3f} ({rev['min_at']}, 95 % CI "
            f"{_ci(rev['min_ci'])}) to {rev['max_difference']:+.3f} ({rev['max_at']}).", "",
            "| parameter | end | value | difference [95 % CI] |", "|---|---|---|---|"]
        lines += [f"| `{r['parameter']}` | {r['end']} | {r['value']:g} | {r['difference']:+.3f} "
                  f"{_ci([r['ci_low'], r['ci_high']])} |" for r in summary["reversal_smallest"]]
        lines.append("")
    lines += [titles[1], "",
              f"A Latin hypercube of {sizes['structures']} model structures over every "
              f"structural parameter; at each, the lever scenario and `{base}` with the same "
              f"{sizes['lever_replicates']} seed(s). Share of structures where the lever raises "
              f"`{out}` (Wilson 95 % CI) and the spread of its effect over structures. A "
              "lever with no effect distinguishable from seed noise raises it in about half "
              "the structures, with a mean effect whose CI holds 0.", "",
              "| lever | raises it in | mean effect [95 % CI] | 5 % | median | 95 % | min | max |",
              "|---|---|---|---|---|---|---|---|"]
    for r in summary["levers"]:
        lines.append(
            f"| `{r['lever']}` | {r['raises']}/{r['structures']} = {r['share_raises']:.2f} "
            f"{_ci([r['share_ci_low'], r['share_ci_high']], '.2f')} | {r['mean_effect']:+.3f} "
            f"{_ci([r['mean_ci_low'], r['mean_ci_high']])} | {r['q05']:+.3f} | {r['q50']:+.3f} "
            f"| {r['q95']:+.3f} | {r['min_effect']:+.3f} | {r['max_effect']:+.3f} |")
    lines += ["", titles[2], "",
              f"{sizes['trajectories']} trajectories x {d + 1} points per scenario "
              f"({sizes['levels']} levels). mu* is the mean absolute elementary effect on "
              f"`{out}` of moving a parameter across its full range; `{EFFECT}` is the "
              f"paired effect `{treat}` minus `{base}`. Largest mu* per output:", "",
              "| output | parameters by mu* [95 % CI] |", "|---|---|"]
    for output, rows in summary["morris_top"].items():
        shown = ", ".join(f"`{r['parameter']}` {r['mu_star']:.3f} (±{r['mu_star_conf']:.3f})"
                          for r in rows[:5])
        lines.append(f"| {output} | {shown} |")
    lines += ["", f"Sobol indices (Saltelli, N = {sizes['sample_size']}, one seed per point) "
              f"over the {len(summary['sobol_factors'])} parameters the screening ranks first, "
              "the others at their defaults (S1 first order, ST total, ± half-width of the 95 % "
              "bootstrap CI):", "",
              "| parameter | " + " | ".join(f"{o} S1 | {o} ST" for o in _outputs(summary)) + " |",
              "|---|" + "---|---|" * len(_outputs(summary))]
    by = {(r["output"], r["parameter"]): r for r in summary["sobol"]}
    for p in summary["sobol_factors"]:
        cells = []
        for o in _outputs(summary):
            r = by[(o, p)]
            cells += [f"{r['S1']:.2f} ± {r['S1_conf']:.2f}", f"{r['ST']:.2f} ± {r['ST_conf']:.2f}"]
        lines.append(f"| `{p}` | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def _outputs(summary: Mapping[str, Any]) -> list[str]:
    return list(dict.fromkeys(r["output"] for r in summary["sobol"]))


def _ci(pair: Any, fmt: str = "+.3f") -> str:
    lo, hi = pair
    if lo is None or hi is None or not (np.isfinite(lo) and np.isfinite(hi)):
        return "[n/a]"
    return f"[{lo:{fmt}}, {hi:{fmt}}]"


# ------------------------------------------------------------------ figures
# Journal figures (sim/figure_style.py): print size, text >= 7 pt, readable parameter
# labels; the caption goes into summary.md, not into the image.
FIGURE_CAPTIONS = {
    "morris": "Morris screening of the structural parameters: the largest mu* (mean absolute "
              "elementary effect per full range, with its 95 % CI) of each output; sigma and "
              "every parameter are in tables/morris.csv.",
    "levers": "Effect of each lever at every sampled model structure (box: quartiles, "
              "whiskers 5-95 %; points: structures).",
    "reversal": "Treatment minus baseline with one structural parameter at a time at the low or "
                "high end of its range (95 % CI); dashed: all parameters at their defaults.",
}


def _name(parameter: str) -> str:
    """A parameter's readable label (its code name when it has none)."""
    try:
        return label(parameter, with_unit=False)
    except LabelError:
        return parameter


def morris_figure(results: Results, stem: Path) -> list[Path]:
    """mu* of the :data:`SHOWN` largest parameters per output, as labelled bars with CIs.

    Bars rather than SALib's mu*-sigma scatter: at 45 parameters the labels of a
    scatter pile up; sigma is in ``tables/morris.csv``.
    """
    outputs = list(dict.fromkeys(results.screening["output"]))
    with journal_style(width="double") as st:
        fig, axes = plt.subplots(len(outputs), 1, squeeze=False,
                                 figsize=(st.width_in, (0.17 * SHOWN + 0.55) * len(outputs)))
        for ax, output in zip(axes[:, 0], outputs, strict=True):
            sub = results.screening[results.screening["output"] == output]
            top = sub.nsmallest(SHOWN, "rank")
            y = np.arange(len(top))
            ax.barh(y, top["mu_star"], xerr=top["mu_star_conf"], color=OKABE_ITO[0],
                    ecolor="black", error_kw={"elinewidth": 0.6}, height=0.6)
            ax.set_yticks(y, [_name(p) for p in top["parameter"]])
            ax.set_ylim(len(top) - 0.5, -0.5)
            ax.set_title(output if output != EFFECT else f"effect: {results.plan.treatment.key} "
                         f"minus {results.plan.baseline.key}", loc="left")
        axes[-1, 0].set_xlabel(f"mu* (mean |elementary effect| on {_name(results.plan.output)} "
                               "per full range, 95 % CI)")
        return style.save(fig, stem)


def lever_figure(results: Results, stem: Path) -> list[Path]:
    """Each lever's effect at every sampled structure: box plot and points."""
    effects = results.lever_effects
    levers = list(dict.fromkeys(effects["lever"]))
    with journal_style(width="single") as st:
        fig, ax = plt.subplots(figsize=(st.width_in, 0.3 * len(levers) + 1.0))
        data = [effects.loc[effects["lever"] == k, "effect"].to_numpy(dtype=float)
                for k in levers]
        ax.boxplot(data, orientation="horizontal", whis=(5, 95), showfliers=False, widths=0.5,
                   medianprops={"color": OKABE_ITO[5]})
        jitter = np.random.default_rng(0)  # fixed: the figure's bytes do not change between runs
        for i, values in enumerate(data, start=1):
            ax.scatter(values, i + jitter.uniform(-0.15, 0.15, len(values)), s=6, alpha=0.5,
                       color=OKABE_ITO[0])
        ax.set_yticks(range(1, len(levers) + 1), levers)
        ax.axvline(0, color="black", linewidth=0.7)
        ax.set_xlabel(f"effect on {_name(results.plan.output).lower()}\n(lever minus "
                      f"{results.plan.baseline.key}, paired)")
        return style.save(fig, stem)


def reversal_figure(results: Results, stem: Path) -> list[Path]:
    """The treatment's lead at each end of each parameter, with the default as a line."""
    table = results.reversal
    moved = table[table["end"] != "-"]
    params = list(dict.fromkeys(moved["parameter"]))
    with journal_style(width="double") as st:
        fig, ax = plt.subplots(figsize=(st.width_in, 0.13 * len(params) + 1.2))
        for k, (end, colour, shift) in enumerate((("low", OKABE_ITO[0], -0.15),
                                                  ("high", OKABE_ITO[5], 0.15))):
            sub = moved[moved["end"] == end].set_index("parameter").reindex(params)
            y = np.arange(len(params)) + shift
            err = np.vstack([sub["difference"] - sub["ci_low"],
                             sub["ci_high"] - sub["difference"]])
            ax.errorbar(sub["difference"], y, xerr=np.nan_to_num(err), fmt="o", ms=2.5,
                        color=colour, elinewidth=0.5, label=f"at the {end} end", zorder=2 + k)
        default = table.loc[table["end"] == "-", "difference"]
        if len(default):
            ax.axvline(float(default.iloc[0]), color="grey", linestyle="--", linewidth=0.8,
                       label="all at defaults")
        ax.axvline(0, color="black", linewidth=0.7)
        ax.set_yticks(range(len(params)), [_name(p) for p in params])
        ax.set_ylim(len(params) - 0.5, -0.5)
        ax.set_xlabel(f"{results.plan.treatment.key} minus {results.plan.baseline.key}: "
                      f"{_name(results.plan.output)} (95 % CI)")
        fig.legend(loc="outside upper center", ncol=3)
        return style.save(fig, stem)


def _wrap(text: str, width: int = 90) -> str:
    return "\n".join(textwrap.wrap(text, width))

