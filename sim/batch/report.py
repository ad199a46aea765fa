"""``report.md``: a short readable summary of a batch with its figures and key table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.batch import wide
from sim.outputs import COLUMNS
from sim.runner import RunOutcome
from sim.scenarios import Scenario
from sim.store import atomic_write_text

#: Outputs in the report's table, in order.
KEY_OUTPUTS = ("content_share", "depth_index", "form_share", "reported_content_share",
               "spending_total", "leakage_share", "approval_delay", "graduates_placed_locally",
               "skill_match")
FIGURE_CAPTIONS = {
    "depth_shares_over_time": "Share of active partnerships at form, practice and content over "
                              "time (replicate mean, 95 % confidence band).",
    "content_vs_spending": "End-of-run content share against government spending (MU per "
                           "step, mean over the last year); bars are 95 % confidence intervals.",
    "leakage_and_delay": "Share of subsidy paid to partnerships that are only form, and the "
                         "approval delay, at the end of the run (mean, 95 % CI).",
}


def write_report(out: Path, scenarios: Sequence[Scenario], summary: pd.DataFrame,
                 manifest: dict[str, Any], figures: Sequence[Path],
                 failed: Sequence[RunOutcome]) -> Path:
    """Write ``out/report.md`` and return its path.

    Args:
        out: the batch directory.
        scenarios: the batch's scenarios, in order.
        summary: the summary table (see :func:`sim.analysis.batch.summary_table`).
        manifest: the batch manifest (command, seeds, counts).
        figures: PNG files to embed.
        failed: failed runs to list.
    """
    path = out / "report.md"
    atomic_write_text(path, render(scenarios, summary, manifest, figures, failed, out))
    return path


def render(scenarios: Sequence[Scenario], summary: pd.DataFrame, manifest: dict[str, Any],
           figures: Sequence[Path], failed: Sequence[RunOutcome], out: Path) -> str:
    """The report's Markdown text."""
    reps = manifest["replicates"]
    lines = [
        f"# Scenario batch: {', '.join(s.name for s in scenarios)}",
        "",
        f"{len(scenarios)} scenarios x {reps} replicates x {manifest['steps']} steps "
        f"(a step is a month), root seed {manifest['root_seed']}; replicate r of every "
        "scenario uses the same seed (common random numbers). Finished "
        f"{manifest['finished']}.",
        "",
        f"Command: `{manifest['command']}`",
        "",
        "> These values are model outputs under stated assumptions (each scenario value's "
        "provenance is in `manifest.json` and the scenario file), not data. Money is in model "
        "units (MU), a relative scale.",
        "",
        "## Scenarios",
        "",
        "| scenario | title | extends | values changed from the defaults |",
        "|---|---|---|---|",
    ]
    for s in scenarios:
        changed = ", ".join(f"{k}={_short(v)}" for k, v in s.params.changed().items()) or "-"
        lines.append(f"| `{s.name}` | {s.title} | {' < '.join(s.extends) or '-'} | {changed} |")
    outputs = [o for o in KEY_OUTPUTS if o in set(summary["output"])]
    table = wide(summary, outputs)
    n = summary.groupby("scenario")["n"].max()  # runs that finished
    lines += ["", f"## Results at the end of the run (mean [95 % CI], {reps} replicates)", "",
              "| scenario | " + " | ".join(outputs) + " | n |",
              "|---|" + "---|" * (len(outputs) + 1)]
    for scenario, row in table.iterrows():
        lines.append(f"| `{scenario}` | " + " | ".join(row[o] for o in outputs)
                     + f" | {int(n.get(scenario, 0))} |")
    lines += ["", "Columns:", ""]
    for output in outputs:
        window = summary.loc[summary["output"] == output, "statistic"].iloc[0]
        lines.append(f"- `{output}`: {COLUMNS[output]} ({window})")
    lines += ["", "All outputs, with standard deviations: `summary.csv`; every step of every "
              "run: `steps.parquet` / `steps.csv`.", "", "## Figures", ""]
    for figure in figures:
        caption = FIGURE_CAPTIONS.get(figure.stem, figure.stem)
        rel = figure.relative_to(out).as_posix()
        lines += [f"![{caption}]({rel})", "", f"*{caption}* (also as "
                  f"[SVG]({Path(rel).with_suffix('.svg').as_posix()}))", ""]
    if failed:
        lines += ["## Failed runs", "", "These runs raised an error and are left out above "
                  "(tracebacks in `runs.csv`); run the same command again to retry them.", ""]
        lines += [f"- `{o.run_id}`: {o.error}" for o in failed]
        lines.append("")
    return "\n".join(lines)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and "/" in value:
        return Path(value).name
    return str(value).lower() if isinstance(value, bool) else str(value)
