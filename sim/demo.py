"""``python -m sim demo`` (``make demo``): status quo vs countermeasures, replicated, with a report.

Runs the Ruian status quo, three single levers, subsidy without audit and the
full package, 10 replicates of 120 steps (ten years of months) each, into
``out/demo``, then prints the headline numbers and where the report is.

Running it again reuses the finished runs (an interrupted demo resumes; more
replicates extend it). Like ``run``, it refuses a directory holding another
batch or sweep (other scenarios, steps or seed) unless given ``--force``: it
once replaced whatever ``--out`` held.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

SCENARIOS = ("ruian-status-quo", "lever-coordination", "lever-supervision",
             "lever-financial-support", "subsidy-without-audit", "full-package")
REPLICATES = 10
STEPS = 120
SEED = 20240501
OUT = Path("out/demo")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``demo`` command's options.

    Args:
        parser: The sub-parser to fill.
    """
    parser.add_argument("--out", "-o", type=Path, default=OUT,
                        help=f"output directory (default {OUT})")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: number of CPUs)")
    parser.add_argument("--replicates", "-r", type=int, default=REPLICATES,
                        help=f"replicates per scenario (default {REPLICATES})")
    parser.add_argument("--steps", "-t", type=int, default=STEPS,
                        help=f"steps (months) per run (default {STEPS})")
    parser.add_argument("--force", action="store_true",
                        help="replace the results of a different batch found in --out")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress output")


def main(args: argparse.Namespace) -> int:
    """Run the demo batch and print where its report is; return the exit code."""
    from sim.batch.cli import command_line
    from sim.batch.scenario_batch import BatchInputError, run_scenario_batch
    from sim.network_io import NetworkFileError
    from sim.scenarios import ScenarioError, load_scenario
    from sim.store import StoreMismatchError

    started = time.monotonic()
    print(f"demo: {len(SCENARIOS)} scenarios x {args.replicates} replicates x {args.steps} steps "
          f"on {args.jobs} process(es) -> {args.out}")
    try:
        scenarios = [load_scenario(name) for name in SCENARIOS]
        run_args = argparse.Namespace(scenarios=list(SCENARIOS), replicates=args.replicates,
                                      steps=args.steps, seed=SEED, jobs=args.jobs)
        result = run_scenario_batch(
            scenarios, replicates=args.replicates, steps=args.steps, seed=SEED, jobs=args.jobs,
            out=args.out, force=getattr(args, "force", False),
            command=command_line(run_args, args.out),
            progress=not args.quiet)
    except (ScenarioError, NetworkFileError, BatchInputError, StoreMismatchError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not result.summary.empty:
        print(headline(result.summary, SCENARIOS))
    seconds = time.monotonic() - started
    print(f"{len(result.outcomes)} runs ({result.recomputed} computed now) in {seconds:.1f} s")
    if result.failed:
        for outcome in result.failed:
            print(f"error: run {outcome.run_id} failed: {outcome.error}", file=sys.stderr)
        return 1
    print(f"report: {result.report}")
    return 0


def headline(summary, scenarios) -> str:
    """A small text table: content share, reported content share and spending per scenario."""
    rows = ["", f"{'scenario':<26}{'content share':>22}{'reported content':>20}"
                f"{'spending MU/step':>20}"]
    for name in scenarios:
        part = summary[summary["scenario"] == name].set_index("output")
        if part.empty:
            continue
        cells = []
        for output in ("content_share", "reported_content_share", "spending_total"):
            r = part.loc[output]
            cells.append(f"{r['mean']:.3f} ±{(r['ci95_high'] - r['mean']):.3f}"
                         if r["n"] > 1 else f"{r['mean']:.3f}")
        rows.append(f"{name:<26}{cells[0]:>22}{cells[1]:>20}{cells[2]:>20}")
    rows.append("(end of run, replicate mean ± 95 % CI half-width; model outputs under stated "
                "assumptions, not data)\n")
    return "\n".join(rows)
