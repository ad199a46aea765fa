"""``python -m sim sweep EXPERIMENT``: run a parameter sweep, then analyse it.

Examples::

    python -m sim sweep subsidy-vs-audit --jobs 2
    python -m sim sweep experiments/sobol-levers.toml --jobs 2 --out out/sobol
    python -m sim sweep sobol-levers --dask-local 2
    python -m sim sweep sobol-levers --dask-scheduler tcp://10.0.0.5:8786
    python -m sim sweep policy-mix-under-budget --replicates 2 --sample-size 16 --steps 36

Started again with the same arguments, a sweep resumes and recomputes nothing
that finished. Errors print ``error: <file>: <place>: <message>`` and return 2;
a sweep with failed runs returns 1 (the failures are in ``DIR/runs.csv``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from sim.cli_errors import fail as _error
from sim.cli_errors import run_failure, run_failure_types
from sim.sweep.executors import add_executor_arguments

DEFAULT_OUT = Path("out") / "sweeps"
#: A failed run is attempted once more before it is recorded as failed.
RETRIES = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``sweep`` command's options.

    Args:
        parser: the sub-parser to fill.
    """
    from sim.sweep.experiment import list_experiments

    shipped = ", ".join(list_experiments()) or "none"
    parser.add_argument("experiment", nargs="?",
                        help=f"experiment file or the name of a shipped one ({shipped})")
    parser.add_argument("--out", metavar="DIR",
                        help=f"sweep directory (default {DEFAULT_OUT}/<experiment name>)")
    add_executor_arguments(parser)
    size = parser.add_argument_group("scaling (overrides of the file, checked like it)")
    size.add_argument("--replicates", type=int, help="runs per design point")
    size.add_argument("--sample-size", type=int,
                      help="lhs points, Sobol N (a power of 2) or Morris trajectories")
    size.add_argument("--steps", type=int, help="steps per run")
    parser.add_argument("--force", action="store_true",
                        help="replace the results of a different sweep in --out")
    parser.add_argument("--no-analyze", action="store_true",
                        help="run only; analyse later with python -m sim analyze DIR")
    from sim.batch.cli import add_output_arguments
    from sim.sweep.analyze_cli import BASELINE_HELP

    add_output_arguments(parser, baseline_help=BASELINE_HELP)
    parser.add_argument("--retries", type=int, default=RETRIES,
                        help=f"extra attempts for a run that raises (default {RETRIES})")
    parser.add_argument("--no-progress", "--quiet", "-q", dest="no_progress",
                        action="store_true", help="no progress display")
    parser.add_argument("--list", action="store_true", help="list the shipped experiments")


def main(args: argparse.Namespace) -> int:
    """Run the sweep described by ``args``; return the exit code."""
    from sim.network_io import NetworkFileError
    from sim.sweep.executors import ExecutorError, choice_from_args
    from sim.sweep.experiment import ExperimentError, load_experiment, resolve_path

    if args.list or not args.experiment:
        return _list(args)
    retries = getattr(args, "retries", RETRIES)
    if retries < 0:
        return _error(f"--retries: must be 0 or more, got {retries}")
    try:
        experiment = load_experiment(args.experiment).with_overrides(
            replicates=args.replicates, sample_size=args.sample_size, steps=args.steps)
        source = resolve_path(args.experiment).read_text(encoding="utf-8")
    except ExperimentError as err:
        return _error(str(err))
    try:
        choice = choice_from_args(args)
    except ExecutorError as err:
        return _error(str(err))
    directory = Path(args.out) if args.out else DEFAULT_OUT / experiment.name

    from sim.sweep.run import run_sweep

    try:
        result = run_sweep(experiment, directory, choice, force=args.force,
                           progress=not args.no_progress, source_text=source,
                           retries=retries, command=_command(args, directory))
    except (ExperimentError, NetworkFileError) as err:
        return _error(str(err))
    except run_failure_types() as err:
        return _error(run_failure(err, args))
    counts = result.counts
    print(f"runs: {counts['computed']} computed, {counts['resumed']} already done, "
          f"{counts['failed']} failed", file=sys.stderr)
    if counts["failed"]:
        print(f"failed runs are listed with their error in {directory / 'runs.csv'}; run the "
              "same command again to retry them", file=sys.stderr)
    if not args.no_analyze:
        from sim.sweep.analyze_cli import print_report
        from sim.sweep.report import analyze_sweep

        try:
            print_report(analyze_sweep(directory, baseline=args.baseline, lang=args.lang,
                                       figure_titles=args.figure_titles))
        except ExperimentError as err:  # e.g. a --baseline the design does not have
            return _error(f"{err}; the runs are kept: analyse them with python -m sim analyze "
                          f"{directory}")
    return 1 if counts["failed"] else 0


def _command(args: argparse.Namespace, directory: Path) -> str:
    """The command that reproduces this sweep."""
    parts = ["python", "-m", "sim", "sweep", str(args.experiment), "--out", str(directory)]
    for flag, value in (("--replicates", args.replicates), ("--sample-size", args.sample_size),
                        ("--steps", args.steps), ("--dask-scheduler", args.dask_scheduler),
                        ("--dask-local", args.dask_local)):
        if value is not None:
            parts += [flag, str(value)]
    return shlex.join([*parts, "--jobs", str(args.jobs)])


def _list(args: argparse.Namespace) -> int:
    from sim.sweep.experiment import ExperimentError, list_experiments, load_experiment

    for name in list_experiments():
        try:
            exp = load_experiment(name)
            print(f"{name}: {exp.title} [{exp.design}, {len(exp.factors)} parameters, "
                  f"{exp.replicates} replicates]")
        except ExperimentError as err:
            print(f"{name}: invalid ({err})")
    if not args.list:
        print("\nusage: python -m sim sweep EXPERIMENT [--jobs J] [--out DIR]", file=sys.stderr)
        return 2
    return 0


