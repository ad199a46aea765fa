"""``python -m sim game FILE``: stability table, trajectories and the agent version.

Examples::

    python -m sim game scenarios/games/form-vs-content.toml
    python -m sim game scenarios/games/form-vs-content.toml --set S=1 --set a=0.3 --json eq.json
    python -m sim game scenarios/games/tripartite-literature.toml --set Rg=7 --agents
    python -m sim game scenarios/games/hand-example.toml --agents --network ws:k=8,p=0.1

Errors print ``error: <file>[:<line>]: <place>: <message>[ (column <n>)]`` and return 2;
Ctrl-C stops a run, prints ``interrupted`` and returns 130.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

#: Test hook: when set, the agent run holds after its first replicate until interrupted,
#: so a test can send Ctrl-C while a run is under way without racing it.
HOLD_ENV = "COOPSIM_TEST_HOLD_GAME_AGENTS"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``game`` command's options.

    Args:
        parser: The sub-parser to fill.
    """
    parser.add_argument("file", help="game file (TOML), e.g. scenarios/games/form-vs-content.toml")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="NAME=VALUE", help="override a parameter (repeatable)")
    parser.add_argument("--json", metavar="OUT", help="also write the equilibrium table as JSON")
    parser.add_argument("--out", metavar="DIR",
                        help="folder for figures (default: out/games/<file stem>)")
    parser.add_argument("--no-plots", action="store_true",
                        help="write no figures (with --agents the agent CSV is still written; "
                             "with --out the stability table is still written)")
    parser.add_argument("--t-max", type=float, default=50.0,
                        help="replicator time to integrate (default 50)")
    parser.add_argument("--init", action="append", default=[], metavar="X,Y,Z",
                        help="initial shares of the first strategies (repeatable; default: "
                             "eight spread points). The agent run starts from the first.")
    agents = parser.add_argument_group("agent-based version")
    agents.add_argument("--agents", action="store_true",
                        help="also run the Mesa agent version and overlay it on the ODE")
    agents.add_argument("--sizes", default="1000",
                        help="agents per population: N or N1,N2,N3 (default 1000)")
    agents.add_argument("--replicates", type=int, default=5, help="agent runs (default 5)")
    agents.add_argument("--seed", type=int, default=0, help="root seed, 0 or more (default 0)")
    agents.add_argument("--revision-prob", type=float, default=0.5,
                        help="chance an agent revises per step (default 0.5)")
    agents.add_argument("--network", metavar="SPEC", default=None,
                        help="match along a network instead of well-mixed (implies --agents): "
                             "er:p=0.01, ws:k=8,p=0.1, ba:m=4 or complete")
    from sim.batch.cli import add_output_arguments

    add_output_arguments(parser, baseline_help=None)


class _UsageError(Exception):
    def __init__(self, place: str, message: str):
        super().__init__(message)
        self.place = place
        self.message = message


def _parse_triple(text: str, place: str) -> tuple[float, float, float]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise _UsageError(place, f"expected three numbers X,Y,Z, got {text!r}") from None
    if len(values) != 3 or any(not 0 <= v <= 1 for v in values):
        raise _UsageError(place, f"expected three shares in [0, 1] as X,Y,Z, got {text!r}")
    return values  # type: ignore[return-value]


def _parse_sizes(text: str) -> tuple[int, int, int]:
    try:
        sizes = [int(v) for v in text.split(",")]
    except ValueError:
        raise _UsageError("--sizes", f"expected N or N1,N2,N3, got {text!r}") from None
    if len(sizes) == 1:
        sizes *= 3
    if len(sizes) != 3 or any(n < 2 for n in sizes):
        raise _UsageError("--sizes", f"expected N or N1,N2,N3 with each at least 2, got {text!r}")
    return tuple(sizes)  # type: ignore[return-value]


def _bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024:
            return f"{n:.0f} B" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} TB"


def _count(n: float) -> str:
    """``1,234,567``; in powers of ten past a trillion (a t-max typo can give 300 digits)."""
    return f"{n:,.0f}" if n < 1e12 else f"{n:.3g}"


def check_resources(game, t_max: float, revision_prob: float, sizes, replicates: int,
                    network=None, available: int | None = None) -> int:
    """Refuse an agent run that cannot fit in memory, before it starts; return its steps.

    Args:
        game: The game (its payoff range sets the steps per unit of replicator time).
        t_max: Replicator time to cover.
        revision_prob: Per-step revision probability.
        sizes: Population sizes.
        replicates: Number of runs.
        network: None or a parsed network spec.
        available: Bytes available (default: what the system reports now).

    Raises:
        _UsageError: naming the option to lower, the estimate and what is available.
    """
    from sim.games import runs

    try:
        steps = runs.steps_for(game, t_max, revision_prob)
    except OverflowError:
        raise _UsageError("--t-max", f"{t_max:g} units of replicator time is more agent steps "
                                     "than can be counted; lower --t-max") from None
    need = runs.memory_estimate(steps, sizes, replicates, network)
    total = sum(need.values())
    available = runs.available_memory() if available is None else available
    if available is None or total <= runs.MEMORY_SHARE * available:
        return steps
    worst = max(need, key=need.get)
    detail, option = {
        "agents": (f"{_count(sum(sizes))} agents x {runs.BYTES_PER_AGENT} B", "--sizes"),
        "network": (f"the {network} network's edges x {runs.BYTES_PER_EDGE} B", "--network"),
        "history": (f"{_count(steps)} steps x ({runs.BYTES_PER_STEP} B + {_count(replicates)} "
                    "replicates x "
                    f"{runs.BYTES_PER_REPLICATE_STEP} B)", "--t-max"),
    }[worst]
    lower = {"--sizes": "lower --sizes", "--network": "use a sparser --network or lower --sizes",
             "--t-max": "lower --t-max or --replicates"}[option]
    raise _UsageError(option, f"this agent run would need about {_bytes(total)} of memory "
                              f"(mostly {worst}: {detail}), more than {runs.MEMORY_SHARE:.0%} of "
                              f"the {_bytes(available)} available; {lower}")


def _on_replicate(done: int, total: int) -> None:
    print(f"agents: replicate {done}/{total} done", file=sys.stderr, flush=True)
    if os.environ.get(HOLD_ENV):
        while True:  # held until Ctrl-C (test hook, see HOLD_ENV)
            time.sleep(0.1)


def _label(game, eq, lang: str = "en") -> str:
    """Strategy names of a corner given in share notation (1 = first strategy), in ``lang``."""
    from sim.games.tables import profile_label

    return profile_label(game, eq.profile, lang)


def format_table(game, equilibria, overridden=(), lang: str = "en") -> str:
    """The stability table as printed.

    Args:
        game: The game.
        equilibria: Its eight corners, as from ``pure_equilibria``.
        overridden: Names of parameters set on the command line (marked ``*``).
        lang: Language of the words (``--lang``); names a game file gives stay as written
            unless sim/labels.py translates them.

    Returns:
        Multi-line text.
    """
    from sim.games.replicator import zero_tolerance
    from sim.labels import game_name, game_word, term, title

    def t(key: str, **fields) -> str:
        return term(key, lang).format(**fields)

    lines = [title(game.title, lang), t("game_source", source=game.source)]
    lines.append(t("game_shares", shares=term("list_sep", lang).join(
        t("game_share_of", v=v, population=game_name(pop, lang),
          strategy=game_name(game.strategies[p][0], lang, population=pop))
        for p, (v, pop) in enumerate(zip("xyz", game.populations, strict=True)))))
    params = "  ".join(f"{n}={p.value:g}{'*' if n in overridden else ''}"
                       for n, p in game.parameters.items())
    lines.append(t("game_parameters", parameters=params))
    if overridden:
        lines.append(t("game_overridden"))
    labels = [t("game_eig", population=game_name(pop, lang)) for pop in game.populations]
    width = max(len(_label(game, eq, lang)) for eq in equilibria) + 2
    header = (f"{'E(x,y,z)':<10}{t('game_profile'):<{width}}"
              + "".join(f"{lab:>16}" for lab in labels))
    lines.append("")
    lines.append(header + "  " + t("game_stability"))
    for eq in equilibria:
        row = f"{'E({},{},{})'.format(*eq.profile):<10}{_label(game, eq, lang):<{width}}"
        row += "".join(f"{v:>16.6g}" for v in eq.eigenvalues)
        lines.append(row + f"  {game_word(eq.stability, lang)}")
    stable = [eq for eq in equilibria if eq.stability == "ESS"]
    lines.append("")
    if stable:
        lines.append(t("game_ess_list", corners="; ".join(
            "E({},{},{}) ".format(*eq.profile) + _label(game, eq, lang) for eq in stable)))
    else:
        lines.append(t("game_no_ess"))
    lines.append(t("game_stability_help", tol=f"{zero_tolerance(game.payoff_array()):.1e}"))
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from sim.games.network import NetworkSpecError, parse_network
    from sim.games.replicator import DEFAULT_INITIAL_SHARES, integrate, pure_equilibria
    from sim.games.spec import GameSpecError, load_game, parse_override

    overrides = {}
    for text in args.overrides:
        try:
            name, value = parse_override(text)
        except GameSpecError as exc:
            raise GameSpecError(args.file, f"--set {exc.place}", exc.message) from None
        overrides[name] = value
    game = load_game(args.file, overrides)
    initial = [_parse_triple(t, "--init") for t in args.init] or list(DEFAULT_INITIAL_SHARES)
    if not math.isfinite(args.t_max) or args.t_max <= 0:
        raise _UsageError("--t-max", f"must be a finite number above 0, got {args.t_max!r}")
    network = None
    sizes = (1000, 1000, 1000)
    if args.network:
        args.agents = True
    if args.agents:
        sizes = _parse_sizes(args.sizes)
        if args.replicates < 1:
            raise _UsageError("--replicates", "must be at least 1")
        if not 0 < args.revision_prob <= 1:
            raise _UsageError("--revision-prob", "must be in (0, 1]")
        if args.seed < 0:
            raise _UsageError("--seed", f"must be 0 or more (numpy seeds are non-negative), "
                                        f"got {args.seed}")
        if args.network:
            try:
                network = parse_network(args.network)
            except NetworkSpecError as exc:
                raise _UsageError("--network", str(exc)) from None
        check_resources(game, args.t_max, args.revision_prob, sizes, args.replicates, network)

    payoffs = game.payoff_array()
    equilibria = pure_equilibria(payoffs)
    print(format_table(game, equilibria, overridden=set(overrides), lang=args.lang))
    unused = game.unused_parameters
    if unused:
        print(f"note: {game.path}: parameters used in no payoff: {', '.join(unused)}",
              file=sys.stderr)

    if args.json:
        out = Path(args.json)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps([e.as_dict() for e in equilibria], indent=2) + "\n")
        except OSError as exc:
            raise _UsageError("--json", f"cannot write {out}: {exc.strerror or exc}") from None
        print(f"wrote {out}")

    if args.no_plots and not args.agents and not args.out:
        return 0
    from sim.games import plots
    from sim.games.tables import write_ess_table

    out_dir = Path(args.out) if args.out else Path("out") / "games" / game.name
    look = {"lang": args.lang, "titles": args.figure_titles}
    written = []
    try:
        # The stability table in symbols and numbers, for papers (CSV and booktabs LaTeX).
        written += write_ess_table(game, equilibria, out_dir / "ess_table", lang=args.lang)
        if not args.no_plots:
            trajectories = [integrate(payoffs, x0, t_max=args.t_max) for x0 in initial]
            written += plots.plot_phase(game, trajectories, equilibria, out_dir / "phase3d",
                                        **look)
            written += plots.plot_shares(game, trajectories, out_dir / "shares", **look)
        if args.agents:
            from sim.games.runs import run_agents
            from sim.store import atomic_write_text

            try:
                run = run_agents(game, args.t_max, initial[0], sizes=sizes,
                                 revision_prob=args.revision_prob,
                                 network=network, replicates=args.replicates, seed=args.seed,
                                 on_replicate=_on_replicate)
            except NetworkSpecError as exc:
                raise _UsageError("--network", str(exc)) from None
            ode = integrate(payoffs, initial[0], t_eval=run.ode_t)
            name = "agents" if network is None else f"agents-{network.kind}"
            if not args.no_plots:
                written += plots.plot_agents(game, ode, run, out_dir / name,
                                             network=str(network) if network else None, **look)
            table = out_dir / f"{name}.csv"
            atomic_write_text(table, plots.agent_table(run, game))
            written.append(table)
            if network is not None:
                print(f"network: {run.stuck_share:.1%} of agents lack a neighbour in some "
                      "population and never revise (denser networks lower this)")
            gap = float(abs(run.mean - ode.shares).max())
            print(f"agents: {run.shares.shape[0]} replicates x {run.steps} steps "
                  f"({'network ' + str(network) if network else 'well-mixed'}); "
                  f"one step = {run.ode_t[1] if run.steps else 0:.4g} replicator time; "
                  f"final mean shares {', '.join(f'{v:.3f}' for v in run.mean[-1])}; "
                  f"max |agents - ODE| = {gap:.3f}")
    except OSError as exc:
        raise _UsageError("--out", f"cannot write figures to {out_dir}: {exc}") from None
    for path in written:
        print(f"wrote {path}")
    return 0


def main(args: argparse.Namespace) -> int:
    """Run the ``game`` command.

    Args:
        args: Parsed arguments (see :func:`add_arguments`).

    Returns:
        0 on success, 2 on any input error (printed as
        ``error: <file>[:<line>]: <place>: <message>[ (column <n>)]``), 130 on Ctrl-C.
    """
    from sim.games.spec import GameSpecError
    from sim.interrupts import terminate_as_interrupt

    try:
        with terminate_as_interrupt():  # Ctrl-C even in a background job; kill as Ctrl-C
            return _run(args)
    except GameSpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except _UsageError as exc:
        print(f"error: {args.file}: {exc.place}: {exc.message}", file=sys.stderr)
    except KeyboardInterrupt:
        # Figures and tables are renamed into place whole, so what was written is complete.
        print("\ninterrupted: the game run stopped; files listed as written are complete, the "
              "rest were not written", file=sys.stderr)
        return 130
    return 2
