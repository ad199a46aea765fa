"""Command line: ``python -m sim COMMAND``.

Each command lives in its own module exposing ``add_arguments(parser)`` and
``main(args) -> int``; this file only routes to them, importing lazily so a
command's heavy dependencies load only when it runs.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("sim.demo", "run the main job: a status-quo vs countermeasures batch with report"),
    "run": ("sim.batch.cli", "run replicated scenario batches"),
    "sweep": ("sim.sweep.cli", "run a parameter sweep / sensitivity experiment"),
    "analyze": ("sim.sweep.analyze_cli", "make tables and figures for a finished sweep"),
    "game": ("sim.games.cli", "analyse a tripartite evolutionary game (replicator dynamics)"),
    "viz": ("sim.viz.cli", "start the live Solara view on 127.0.0.1"),
    "validate": ("sim.validate", "run the model's pattern and mechanism checks and write the "
                 "validation report"),
}


def _available() -> dict[str, tuple[str, str]]:
    available = {}
    for name, (module, help_text) in COMMANDS.items():
        if importlib.util.find_spec(module.rsplit(".", 1)[0]) is None:
            continue
        try:
            if importlib.util.find_spec(module) is None:
                continue
        except ModuleNotFoundError:
            continue
        available[name] = (module, help_text)
    return available


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, str]]:
    """Build the top-level parser with one sub-parser per available command."""
    parser = argparse.ArgumentParser(
        prog="python -m sim",
        description="School-enterprise cooperation simulation: form over content, and what moves it.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name, (module_name, help_text) in _available().items():
        module = importlib.import_module(module_name)
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(sub_parser)
        modules[name] = module_name
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the exit code."""
    parser, modules = build_parser()
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
