"""``python -m sim robustness``: do the conclusions survive the structural assumptions?

Examples::

    python -m sim robustness -j 2                       # the shipped analysis (15-20 min, 2 busy cores)
    python -m sim robustness --quick -j 2               # a first look (a few minutes)
    python -m sim robustness --scenario my-package.toml --against my-county.toml -j 2

Runs every stage of ``experiments/robustness.toml`` (or ``FILE``) into
``--out`` (default ``out/robustness``, ``out/robustness-<scenario>`` for a
user's scenario, ``-quick`` added for ``--quick``), then writes
``tables/*.csv``, ``figures/*.pdf|svg|png``, ``summary.md`` and ``summary.json``.
Started again with the same arguments it resumes and recomputes nothing that
finished. Errors print ``error: ...`` naming the file and field and return 2.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from sim.cli_errors import fail as _error
from sim.cli_errors import run_failure, run_failure_types
from sim.sweep.executors import add_executor_arguments

DEFAULT_OUT = Path("out")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m sim robustness``."""
    parser.add_argument("file", nargs="?", metavar="FILE",
                        help="robustness file (default experiments/robustness.toml)")
    parser.add_argument("--scenario", metavar="FILE",
                        help="scenario (name or file) whose lead over --against must survive "
                        "(default: the file's, the full package); it is also added to the levers")
    parser.add_argument("--against", metavar="FILE",
                        help="the status quo to compare with (default: the file's, the Ruian "
                        "status quo); each lever scenario's own settings are layered on it")
    parser.add_argument("--out", "-o", metavar="DIR", type=Path,
                        help="where the stages and reports go (default out/robustness[-NAME])")
    parser.add_argument("--quick", action="store_true",
                        help="the file's [quick] sizes: a first look, too small to conclude from")
    parser.add_argument("--force", action="store_true",
                        help="replace the results of a different analysis in --out")
    parser.add_argument("--no-progress", "--quiet", "-q", dest="no_progress",
                        action="store_true", help="no progress display")
    add_executor_arguments(parser)


def main(args: argparse.Namespace) -> int:
    """Run the analysis; return 0, 1 when runs failed, 2 for bad input."""
    from sim.network_io import NetworkFileError
    from sim.robustness.report import write
    from sim.robustness.run import run_robustness
    from sim.robustness.spec import DEFAULT_FILE, load_plan
    from sim.robustness.stages import UnpairedError
    from sim.scenarios import ScenarioError
    from sim.sweep.executors import ExecutorError, choice_from_args
    from sim.sweep.experiment import ExperimentError

    try:
        plan = load_plan(args.file or DEFAULT_FILE, scenario=args.scenario, against=args.against,
                         quick=args.quick)
    except ScenarioError as err:
        option = "--scenario" if args.scenario and args.scenario in str(err) else (
            "--against" if args.against and args.against in str(err) else "scenario")
        return _error(f"{option}: {err}")
    except ExperimentError as err:
        return _error(str(err))
    try:
        choice = choice_from_args(args)
    except ExecutorError as err:
        return _error(str(err))
    directory = args.out or default_out(plan)
    command = _command(args, directory)
    try:
        results = run_robustness(plan, directory, choice=choice, force=args.force,
                                 progress=not args.no_progress, command=command)
    except (ExperimentError, NetworkFileError) as err:
        return _error(str(err))
    except run_failure_types() as err:
        return _error(run_failure(err, args))
    except UnpairedError as err:
        return _error(f"{directory}: {err}")
    files = write(results, directory, command=command)
    counts = results.counts
    print(f"runs: {counts['computed']} computed, {counts['resumed']} already done, "
          f"{counts['failed']} failed; {results.seconds:.0f} s", file=sys.stderr)
    rev = results.reversal_summary
    if rev.get("points"):
        print(f"reversal check: {results.plan.treatment.key} minus {results.plan.baseline.key} "
              f"from {rev['min_difference']:+.3f} ({rev['min_at']}) to "
              f"{rev['max_difference']:+.3f}; "
              + (f"reversed at {', '.join(rev['reversed'])}" if rev["reversed"]
                 else "no single parameter reverses the ordering"))
    print(f"summary: {directory / 'summary.md'} ({len(files)} files)")
    return 1 if counts["failed"] else 0


def default_out(plan) -> Path:
    """``out/robustness`` for the shipped comparison, ``out/robustness-<name>`` otherwise."""
    shipped = plan.baseline.key == "ruian-status-quo" and plan.treatment.key == "full-package"
    name = "robustness" if shipped else f"robustness-{plan.treatment.key}-vs-{plan.baseline.key}"
    return DEFAULT_OUT / (name + ("-quick" if plan.quick else ""))


def _command(args: argparse.Namespace, directory: Path) -> str:
    parts = ["python", "-m", "sim", "robustness"]
    if args.file:
        parts.append(str(args.file))
    for flag, value in (("--scenario", args.scenario), ("--against", args.against)):
        if value:
            parts += [flag, str(value)]
    if args.quick:
        parts.append("--quick")
    return shlex.join([*parts, "--out", str(directory), "-j", str(args.jobs)])


