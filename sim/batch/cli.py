"""``python -m sim run SCENARIO [SCENARIO ...]``: a replicated scenario batch.

Examples::

    python -m sim run --list
    python -m sim run ruian-status-quo full-package --replicates 10 --steps 120 --jobs 2
    python -m sim run my-county.toml --replicates 20 --out out/my-county

Re-running the same command resumes: finished runs are reused. Bad input
prints ``error: <file>: <place>: <message>`` and returns 2; failed runs are
listed and the command returns 1.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from sim.cli_errors import fail, run_failure, run_failure_types
from sim.sweep.executors import add_executor_arguments

DEFAULT_REPLICATES = 10
DEFAULT_STEPS = 120
DEFAULT_SEED = 20240501


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``run`` command's options.

    Args:
        parser: The sub-parser to fill.
    """
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                        help="scenario name from scenarios/ (e.g. full-package) or path to a "
                             ".toml file")
    parser.add_argument("--list", action="store_true", help="list the available scenarios")
    parser.add_argument("--replicates", "-r", type=int, default=DEFAULT_REPLICATES,
                        help=f"runs per scenario (default {DEFAULT_REPLICATES})")
    parser.add_argument("--steps", "-t", type=int, default=DEFAULT_STEPS,
                        help=f"steps (months) per run (default {DEFAULT_STEPS})")
    parser.add_argument("--seed", "-s", type=int, default=DEFAULT_SEED,
                        help=f"root seed; replicate seeds are spawned from it (default "
                             f"{DEFAULT_SEED})")
    add_executor_arguments(parser)
    parser.add_argument("--out", "-o", metavar="DIR",
                        help="output directory (default out/<scenario names>)")
    parser.add_argument("--force", action="store_true",
                        help="replace the results of a different batch found in --out")
    parser.add_argument("--retries", type=int, default=0,
                        help="extra attempts for a run that raises (default 0)")
    parser.add_argument("--quiet", "-q", "--no-progress", dest="quiet", action="store_true",
                        help="no progress output")
    add_output_arguments(parser, baseline_help="scenario the others are compared with (paired "
                                               "differences, effect sizes, cost of content; "
                                               "default the first scenario)")


def add_output_arguments(parser: argparse.ArgumentParser, *, baseline_help: str | None) -> None:
    """``--lang``, ``--figure-titles`` and (when ``baseline_help``) ``--baseline``: run, analyze, game."""
    if baseline_help:
        parser.add_argument("--baseline", metavar="NAME", default=None, help=baseline_help)
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of reports, figure labels, legends and table headers "
                             "(default en; zh: Chinese)")
    parser.add_argument("--figure-titles", action="store_true",
                        help="draw a title and the not-data note into each figure (by default "
                             "captions are in the report only, as journals want)")


def main(args: argparse.Namespace) -> int:
    """Run the batch described by ``args``; return the exit code (0, 1 failed runs, 2 bad input)."""
    from sim.batch.scenario_batch import BatchInputError, run_scenario_batch
    from sim.network_io import NetworkFileError
    from sim.scenarios import ScenarioError, list_scenarios, load_scenario, scenario_dir
    from sim.sweep.executors import ExecutorChoice, check_choice
    from sim.sweep.experiment import ExperimentError

    if args.list:
        return _list(list_scenarios, load_scenario, scenario_dir, ScenarioError)
    try:
        if not args.scenarios:
            available = ", ".join(list_scenarios()) or "(none)"
            raise BatchInputError(f"SCENARIO: give at least one scenario; available: "
                                  f"{available}")
        scenarios = [load_scenario(name) for name in args.scenarios]
        out = Path(args.out) if args.out else default_out([s.name for s in scenarios])
        choice = ExecutorChoice(jobs=args.jobs, dask_scheduler=getattr(args, "dask_scheduler", None),
                                dask_local=getattr(args, "dask_local", None))
        if args.jobs >= 1:  # a bad --jobs is refused below, by its own name
            check_choice(choice)
        result = run_scenario_batch(
            scenarios, replicates=args.replicates, steps=args.steps, seed=args.seed,
            jobs=args.jobs, out=out, force=args.force, retries=args.retries,
            command=command_line(args, out), progress=not args.quiet, choice=choice,
            baseline=args.baseline, lang=args.lang, figure_titles=args.figure_titles)
    except (ScenarioError, NetworkFileError, BatchInputError, ExperimentError) as err:
        return fail(str(err))
    except run_failure_types() as err:
        return fail(run_failure(err, args))
    reused = len(result.outcomes) - result.recomputed
    print(f"{len(result.outcomes)} runs ({result.recomputed} computed, {reused} reused from "
          f"{result.out})")
    if result.report is not None:
        print(f"report: {result.report}")
    if result.failed:
        print(f"error: {len(result.failed)} of {len(result.outcomes)} runs failed (tracebacks in "
              f"{result.out / 'runs.csv'}); run the same command to retry them:",
              file=sys.stderr)
        for outcome in result.failed:
            print(f"  {outcome.run_id}: {outcome.error}", file=sys.stderr)
        return 1
    return 0


def default_out(names: list[str]) -> Path:
    """``out/<a>-vs-<b>`` for up to three scenarios, else ``out/<first>-and-<n>-more``."""
    if len(names) <= 3:
        return Path("out") / "-vs-".join(names)
    return Path("out") / f"{names[0]}-and-{len(names) - 1}-more"


def command_line(args: argparse.Namespace, out: Path) -> str:
    """The command that reproduces this batch (scenarios, replicates, steps, seed, out)."""
    parts = ["python", "-m", "sim", "run", *args.scenarios, "--replicates", str(args.replicates),
             "--steps", str(args.steps), "--seed", str(args.seed), "--jobs", str(args.jobs),
             "--out", str(out)]
    if getattr(args, "baseline", None):
        parts += ["--baseline", args.baseline]
    if getattr(args, "lang", "en") != "en":
        parts += ["--lang", args.lang]
    if getattr(args, "figure_titles", False):
        parts.append("--figure-titles")
    return shlex.join(parts)


def _list(list_scenarios, load_scenario, scenario_dir, error_type) -> int:
    names = list_scenarios()
    print(f"scenarios in {scenario_dir()}:")
    width = max((len(n) for n in names), default=0)
    for name in names:
        try:
            title = load_scenario(name).title
        except error_type as err:
            title = f"(broken: {err})"
        print(f"  {name.ljust(width)}  {title}")
    return 0
