"""``python -m sim validate``: the model's pattern and mechanism checks as a report.

Runs every pattern and mechanism check of :mod:`sim.patterns` (paired
replicates, 95 % CIs) on the model's defaults, or on a user's scenario
(``--scenario FILE``: every condition is layered on the scenario's values),
plus which side binds and whether a subsidy does less in hub-dominated peer
networks, and the robustness summary (:mod:`sim.robustness`), and writes a
Markdown report (default ``docs/validation.md``).

The robustness section is read from a finished ``python -m sim robustness``
analysis when there is one for the same comparison (``--robustness DIR``, or
``out/robustness`` for the defaults), and says which command produced it;
otherwise the quick version of that analysis runs here (about two minutes on
2 cores), and the section says it is the quick version. Running the full
analysis inside ``validate`` would triple its time.
The shipped ``docs/validation.md`` is this command's output; a test fails
when its structure (sections, checks) is stale.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from sim.analysis.stats import SETTLED_TREND_PER_YEAR
from sim.carriers import FUNDED, TWIN, carriers
from sim.carriers import render_rows as render_carriers
from sim.horizons import CONDITIONS, YEARS, horizons, render_rows
from sim.patterns import (
    FULL_PACKAGE,
    MECHANISMS,
    PATTERNS,
    SEEDS,
    Check,
    binding_shares,
    ci95,
    end_of_run,
)

#: The learning-by-doing rate the persistence section shows beside "off" (an assumption).
LEARNING_SHOWN = 0.5
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "validation.md"
#: Where ``python -m sim robustness`` puts the shipped analysis (read when finished).
ROBUSTNESS_DIR = Path("out") / "robustness"
FAMILIES = ("random", "hub", "small_world")
#: The subsidy compared across peer-network families, on the full package with and without it.
FAMILY_SUBSIDY = dict(subsidy_per_content_step=1.0, subsidy_budget_per_year=2000.0)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m sim validate``."""
    parser.add_argument("--scenario", metavar="FILE",
                        help="a scenario file or shipped scenario name: run every check on it")
    parser.add_argument("--out", "-o", metavar="FILE", type=Path,
                        help="where to write the report (default docs/validation.md; with "
                        "--scenario, validation-<scenario>.md in the current directory)")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: number of CPUs); results do not depend on it")
    parser.add_argument("--only", choices=["patterns", "horizons", "persistence", "mechanisms",
                                           "robustness", "all"],
                        default="all", help="which checks to run (default all)")
    parser.add_argument("--robustness", metavar="DIR", type=Path,
                        help="a finished `python -m sim robustness` analysis to report (default: "
                        f"{ROBUSTNESS_DIR} for the defaults if finished there, else the quick "
                        "version runs)")


def main(args: argparse.Namespace) -> int:
    """Run the checks and write the report; exit 1 if any check fails."""
    base, name = _base(args.scenario)
    out = args.out or (DEFAULT_OUT if name is None else Path(f"validation-{name}.md"))
    executor = ProcessPoolExecutor(max_workers=args.jobs) if args.jobs > 1 else None
    progress = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    from sim.robustness.spec import RobustnessError
    from sim.store import StoreMismatchError

    try:
        results = collect(base, executor, only=args.only, progress=progress)
        if args.only in ("robustness", "all"):
            results["robustness"] = robustness(base, name, getattr(args, "robustness", None),
                                               args.jobs, progress)
    except (RobustnessError, StoreMismatchError) as err:
        print(f"error: --robustness: {err}", file=sys.stderr)
        return 2
    finally:
        if executor:
            executor.shutdown(cancel_futures=True)
    text = render(results, scenario=name)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    failed = [c for _, checks in results["patterns"] + results["mechanisms"] for c in checks
              if not c.passed]
    print(f"report: {out} ({len(failed)} check(s) failed)")
    return 1 if failed else 0


def _base(scenario: str | None) -> tuple[dict[str, Any], str | None]:
    if scenario is None:
        return {}, None
    from sim.scenarios import load_scenario

    loaded = load_scenario(scenario)
    return loaded.changed(), loaded.name


def collect(base: Mapping[str, Any], executor: Executor | None = None, only: str = "all",
            progress=lambda message: None) -> dict[str, Any]:
    """Every check's result on ``base``."""
    results: dict[str, Any] = {"patterns": [], "mechanisms": [], "binding": {}, "families": [],
                               "horizons": []}
    if only in ("patterns", "all"):
        for pattern in PATTERNS:
            progress(f"pattern: {pattern.title}")
            results["patterns"].append((pattern, pattern.evaluate(base, executor)))
        progress("binding sides")
        results["binding"] = binding_shares(base, executor)
        results["families"] = _families(base, executor, progress)
    if only in ("patterns", "horizons", "all"):
        progress("horizons: " + ", ".join(f"{y} years" for y in YEARS))
        results["horizons"] = horizons(base, executor=executor)
    if only in ("patterns", "persistence", "all") and not base:
        # the shipped funding scenarios, so only in the report of the defaults
        progress(f"persistence: {FUNDED} against {TWIN}, each state reset")
        results["carriers"] = {rate: carriers(rate, executor=executor)
                               for rate in (0.0, LEARNING_SHOWN)}
    if only in ("mechanisms", "all"):
        for mechanism in MECHANISMS:
            progress(f"mechanism: {mechanism.name}")
            pattern = mechanism.as_pattern()
            results["mechanisms"].append((pattern, pattern.evaluate(base, executor)))
    return results


def robustness(base: Mapping[str, Any], name: str | None, directory: Path | None, jobs: int,
               progress=lambda message: None) -> dict[str, Any] | None:
    """The summary of a robustness analysis of ``base`` (see the module docstring).

    Raises:
        sim.robustness.spec.RobustnessError: ``directory`` holds no finished analysis.
    """
    from sim.robustness.report import read_summary, write
    from sim.robustness.run import run_robustness
    from sim.robustness.spec import DEFAULT_FILE, RobustnessError, load_plan, plan_for_params
    from sim.sweep.executors import ExecutorChoice

    if directory is not None:
        summary = read_summary(directory)
        if summary is None:
            raise RobustnessError(str(directory), "summary.json", "not found: run python -m sim "
                                  f"robustness --out {directory} first")
        return summary
    if name is None:
        summary = read_summary(ROBUSTNESS_DIR)
        shipped = load_plan(DEFAULT_FILE)
        if summary is not None and not summary["plan"]["quick"] and (
                summary["plan"]["baseline"]["key"], summary["plan"]["treatment"]["key"]) == (
                shipped.baseline.key, shipped.treatment.key):
            progress(f"robustness: reading the finished analysis in {ROBUSTNESS_DIR}")
            return summary
        plan = load_plan(DEFAULT_FILE, quick=True)
        where = Path("out") / "robustness-quick"
        command = f"python -m sim robustness --quick --out {where} -j {jobs}"
    else:
        shipped = load_plan(DEFAULT_FILE, quick=True)
        plan = plan_for_params(shipped, base, {**base, **FULL_PACKAGE}, baseline_key=name,
                               treatment_key=f"{name}+full-package",
                               source=f"the scenario {name}")
        where = Path("out") / f"robustness-quick-{plan.baseline.key}"
        command = f"python -m sim validate --scenario {name}"
    progress(f"robustness: the quick version into {where} (a finished analysis is read instead "
             f"when there is one: {ROBUSTNESS_DIR} or --robustness DIR)")
    results = run_robustness(plan, where, choice=ExecutorChoice(jobs=jobs), progress=False,
                             command=command)
    write(results, where, command=command)
    return read_summary(where)


def _families(base, executor, progress) -> list[tuple[str, float, tuple[float, float]]]:
    rows = []
    for family in FAMILIES:
        progress(f"peer network: {family}")
        settings = {**base, **FULL_PACKAGE, "peer_network_family": family}
        with_subsidy = end_of_run({**settings, **FAMILY_SUBSIDY}, SEEDS, executor=executor)
        without = end_of_run({**settings, "subsidy_per_content_step": 0.0}, SEEDS, executor=executor)
        diff = with_subsidy["content_share"] - without["content_share"]
        rows.append((family, float(diff.mean()), ci95(diff)))
    return rows


def _fmt(value: float) -> str:
    return f"{value:+.3f}" if abs(value) < 100 else f"{value:+.0f}"


def _check_row(check: Check) -> str:
    verdict = "holds" if check.passed else "**fails**"
    return (f"| {check.label} | {_fmt(check.estimate)} [{_fmt(check.ci[0])}, {_fmt(check.ci[1])}] "
            f"| {check.rule} | {verdict} |")


def render(results: Mapping[str, Any], scenario: str | None = None) -> str:
    """The report as Markdown (its structure depends only on the checks, not their numbers)."""
    where = f"the scenario `{scenario}`" if scenario else "the model's defaults"
    cmd = "python -m sim validate" + (f" --scenario {scenario}" if scenario else "")
    lines = [
        "# Validation report", "",
        f"Generated by `{cmd}` on {where}. Every check is a paired comparison over common seeds "
        f"({len(SEEDS)} seeds; 20 for interactions), end of a 120-step run (mean of the last 12 "
        "steps), with a t-based 95 % CI; each condition is layered on "
        f"{where}. The checks are defined once in `sim/patterns.py` and asserted by the test suite "
        "on the defaults. Values are model outputs under stated assumptions, not data.", "",
        "## Patterns", "",
    ]
    for pattern, checks in results["patterns"]:
        lines += [f"### {pattern.title}", "", f"*Mechanism.* {pattern.mechanism}", ""]
        if pattern.departure:
            lines += [f"*Departure from the brief.* {pattern.departure}", ""]
        lines += ["| check | estimate [95 % CI] | rule | verdict |", "|---|---|---|---|"]
        lines += [_check_row(c) for c in checks] + [""]
    if results["binding"]:
        lines += ["## Which side binds", "",
                  f"Of the active partnerships below content that a side holds at their rung, at "
                  f"the end of a run of {where} (mean [95 % CI]), from each side's best response: "
                  "the enterprise where its best rung is no higher while the school's is, the "
                  "school where the reverse holds, both where neither wants more, and approval "
                  "where the firm would invest deeper if its claim were certified at once.", "",
                  "| side | share [95 % CI] |", "|---|---|"]
        for column, (mean, (lo, hi)) in results["binding"].items():
            side = column.removeprefix("binding_").removesuffix("_share")
            lines.append(f"| {side} | {mean:.3f} [{lo:.3f}, {hi:.3f}] |")
        lines.append("")
    if results["families"]:
        lines += ["## Does a subsidy do less in hub-dominated peer networks?", "",
                  "Paired effect on content share of a subsidy (1 MU per content partnership-step, "
                  "budget 2,000 MU a year) on top of the full package without it, by peer-network "
                  "family (`peer_network_family`). Reported as the model says it; nothing was tuned "
                  "towards an answer.", "",
                  "| family | effect on content share [95 % CI] |", "|---|---|"]
        for family, mean, (lo, hi) in results["families"]:
            lines.append(f"| {family} | {_fmt(mean)} [{_fmt(lo)}, {_fmt(hi)}] |")
        lines.append("")
    if results.get("horizons"):
        lines += ["## Horizons: has it settled?", "",
                  "Content share at named horizons in years, for the status quo and the full "
                  f"package layered on {where} (one run per seed as long as the longest horizon, "
                  f"{len(SEEDS)} seeds), with its trend: that year's mean minus the year before's. "
                  "A condition has settled when the trend's 95 % CI lies within "
                  f"±{SETTLED_TREND_PER_YEAR} a year, and is still rising or falling (a result "
                  "there is a transient) when the CI excludes zero; otherwise settling is not "
                  "shown at this number of seeds. The slow state variables behind the trends and "
                  "their time constants are listed in docs/ODD.md, section 2.", ""]
        lines += render_rows(results["horizons"]) + [""]
    if results.get("carriers"):
        lines += ["## What carries a funded gain after support ends", "",
                  f"`{FUNDED}` (support ends after year 3) against its no-support twin `{TWIN}`, "
                  f"{len(SEEDS)} paired seeds: at the end of support one candidate state of the "
                  "funded run is set to the twin's value, then both run on. The gain is the "
                  "funded minus the twin's content share (yearly means); *left* is the gain "
                  "later over the gain at the end of support (mean [95 % CI]). Partnership "
                  "depths are never reset, so what is left with every state reset is carried "
                  "by the partnerships still standing (docs/ODD.md 7.14).", ""]
        for rate, rows in results["carriers"].items():
            lines += [("Learning by doing off (the default)." if rate == 0 else
                       f"Learning by doing on (`experience_learning_rate` = {rate:g}, the other "
                       "experience parameters at their defaults)."), ""]
            lines += render_carriers(rows) + [""]
    if results["mechanisms"]:
        lines += ["## Mechanisms", "",
                  "One check per mechanism, on a background where it can act.", ""]
        for pattern, checks in results["mechanisms"]:
            lines += [f"### {pattern.title}", "", pattern.mechanism, "",
                      "| check | estimate [95 % CI] | rule | verdict |", "|---|---|---|---|"]
            lines += [_check_row(c) for c in checks] + [""]
    if "robustness" in results:
        from sim.robustness.report import markdown_section

        lines += ["## Robustness to the structural assumptions", ""]
        if results["robustness"] is None:
            lines += ["Not run: `python -m sim robustness` makes this section.", ""]
        else:
            lines += markdown_section(results["robustness"], level=3)
    return "\n".join(lines)


def outline() -> list[str]:
    """The headings and check labels every report of the defaults has (for the staleness test)."""
    items = ["# Validation report", "## Patterns", "## Which side binds",
             "## Does a subsidy do less in hub-dominated peer networks?",
             "## Horizons: has it settled?", "## What carries a funded gain after support ends",
             "## Mechanisms",
             "## Robustness to the structural assumptions"]
    for pattern in PATTERNS:
        items.append(f"### {pattern.title}")
        items += [f"| {c.label} |" for c in pattern.claims]
    for mechanism in MECHANISMS:
        pattern = mechanism.as_pattern()
        items.append(f"### {pattern.title}")
        items += [f"| {c.label} |" for c in pattern.claims]
    items += [f"| {family} |" for family in FAMILIES]
    items += [f"| {condition} | {year} |" for condition in CONDITIONS for year in YEARS]
    from sim.robustness.report import headings
    from sim.robustness.spec import load_plan

    plan = load_plan()
    items += headings(plan.output, level=3)
    items += [f"| `{lever.key}` |" for lever in plan.levers]
    return items
