"""``python -m sim analyze DIR``: tables and figures of a sweep directory.

Reads ``DIR/experiment.json``, ``DIR/design.parquet`` and the finished runs in
``DIR/results/`` and writes ``DIR/analysis/`` (see :mod:`sim.sweep.report`).
Works on a partly finished sweep too: it analyses what has finished and says
what is missing. Errors print ``error: <file>: <place>: <message>`` and return 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: ``--baseline`` of a sweep's analysis (``sim analyze`` and ``sim sweep``).
BASELINE_HELP = ("design point the others are compared with (paired differences, effect sizes, "
                 "cost of content, forest plot): a scenario name for a scenarios design (default "
                 "its first scenario), else a design_point number from design.parquet (no "
                 "comparison by default)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``analyze`` command's options.

    Args:
        parser: the sub-parser to fill.
    """
    from sim.batch.cli import add_output_arguments

    parser.add_argument("directory", help="a sweep directory (the --out of python -m sim sweep)")
    add_output_arguments(parser, baseline_help=BASELINE_HELP)


def main(args: argparse.Namespace) -> int:
    """Analyse the sweep in ``args.directory``; return the exit code."""
    from sim.sweep.experiment import ExperimentError
    from sim.sweep.report import analyze_sweep

    directory = Path(args.directory)
    if not directory.is_dir():
        print(f"error: {directory}: directory: not found", file=sys.stderr)
        return 2
    from sim.store import RunStore, StoreBusyError

    store = RunStore(directory)
    try:
        # Hold the directory like a run does: no sweep writes meanwhile, and any
        # temporary file an earlier, killed analysis left is a dead writer's.
        with store.running():
            store.remove_partial()
            report = analyze_sweep(directory, baseline=args.baseline, lang=args.lang,
                                   figure_titles=args.figure_titles)
    except (ExperimentError, StoreBusyError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print_report(report)
    return 0


def print_report(report: object) -> None:
    """Print the notes and the folder of an analysis report."""
    for note in report.notes:
        print(f"- {note}")
    from sim.labels import term

    print(term("analysis_written", getattr(report, "lang", "en")).format(
        directory=report.directory, files=len(report.files)))
