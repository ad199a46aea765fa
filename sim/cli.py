"""Command line: ``python -m sim COMMAND``.

Each command lives in its own module exposing ``add_arguments(parser)`` and
``main(args) -> int``; this file only routes to them, importing lazily so a
command's heavy dependencies load only when it runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("sim.demo", "run the main job: a status-quo vs countermeasures batch with report"),
    "run": ("sim.batch.cli", "run replicated scenario batches"),
    "sweep": ("sim.sweep.cli", "run a parameter sweep / sensitivity experiment"),
    "analyze": ("sim.sweep.analyze_cli", "make tables and figures for a finished sweep"),
    "game": ("sim.games.cli", "analyse a tripartite evolutionary game (replicator dynamics)"),
    "viz": ("sim.viz.cli", "start the live Solara view on 127.0.0.1"),
    "discover": ("sim.explore.discover", "scenario discovery (PRIM, CART): where the inputs make "
                 "a policy fail"),
    "optimize": ("sim.explore.optimize", "robust many-objective search for lever mixes (NSGA-II)"),
    "calibrate": ("sim.explore.calibrate", "fit parameters to a county's observations (ABC-SMC)"),
    "validate": ("sim.validate", "run the model's pattern and mechanism checks and write the "
                 "validation report"),
    "robustness": ("sim.robustness.cli", "do the conclusions survive the structural assumptions? "
                   "(Morris, Sobol, per-lever shares, reversal check)"),
}


def _available() -> dict[str, tuple[str, str]]:
    """The commands whose module is present (looked up on disk: importing is left to the run)."""
    root = Path(__file__).resolve().parent.parent
    available = {}
    for name, (module, help_text) in COMMANDS.items():
        path = root.joinpath(*module.split("."))
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            available[name] = (module, help_text)
    return available


def build_parser(command: str | None = None) -> tuple[argparse.ArgumentParser, dict[str, str]]:
    """Build the top-level parser; only ``command``'s module is imported to fill its options.

    Args:
        command: the command about to run (None: list the commands, import none).
    """
    parser = argparse.ArgumentParser(
        prog="python -m sim",
        description="School-enterprise cooperation simulation: form over content, and what moves it.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name, (module_name, help_text) in _available().items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            importlib.import_module(module_name).add_arguments(sub_parser)
        modules[name] = module_name
    return parser, modules


def _command_of(argv: list[str]) -> str | None:
    """The command word of ``argv`` (the first argument that is not an option)."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser, modules = build_parser(_command_of(argv))
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    module = importlib.import_module(modules[args.command])
    try:
        return int(module.main(args) or 0)
    except KeyboardInterrupt:
        print("\ninterrupted: finished runs are kept on disk; run the same command to resume.",
              file=sys.stderr)
        return 130
    except OSError as err:  # an --out that cannot be made, a full disk, a read-only mount
        where = f"{err.filename}: " if err.filename else ""
        print(f"error: {where}{err.strerror or err}; finished runs are kept on disk: fix this "
              "(another --out, free space) and run the same command to resume.", file=sys.stderr)
        return 2
