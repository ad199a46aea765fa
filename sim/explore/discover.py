"""``python -m sim discover EXPERIMENT --outcome NAME --below X``: where does a policy fail?

Scenario discovery (Bryant & Lempert 2010) on a sweep: each design point is a case,
the cases of interest are those whose outcome (mean over replicates) is below (or
above) a threshold, and the uncertain inputs are the sweep's varied parameters.
PRIM (``ema_workbench.analysis.prim``) peels the input space down to a box that holds
many cases of interest (coverage) and mostly cases of interest (density), and pastes
back what it peeled too far; the whole peeling trajectory is the trade-off between
the two. CART (``ema_workbench.analysis.cart``) gives a second view: the leaves of a
classification tree.

EXPERIMENT is an experiment file (or a shipped name), whose sweep is run into
``--out`` (default ``out/sweeps/<name>``, where ``python -m sim sweep`` puts it) and
resumed there, or a finished sweep directory. What it writes, in
``DIR/discover/<outcome>-below-<X>/``:

- ``tradeoff.csv``: the PRIM peeling/pasting trajectory (coverage, density, mass,
  restricted dimensions per box);
- ``box.csv``: the chosen box, one row per restricted input: limits, the full range,
  quasi-p values;
- ``cart_boxes.csv``: CART's leaves with their coverage, density and limits;
- ``figures/tradeoff.{png,svg}``, ``figures/box.{png,svg}``;
- ``report.md``: the sentence "... fails when X < a and Y > b (coverage c, density d)".

Errors print ``error: <file>: <place>: <message>`` and return 2.
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.tables import sig
from sim.cli_errors import fail as _error
from sim.cli_errors import run_failure, run_failure_types
from sim.sweep.executors import add_executor_arguments

DEFAULT_SWEEPS = Path("out") / "sweeps"
#: Default: the densest box on the trajectory that still covers half the cases of interest.
DEFAULT_MIN_COVERAGE = 0.5
#: A restriction whose quasi-p value is above this may be chance (Bryant & Lempert 2010).
QP_SIGNIFICANT = 0.05
#: Inputs PRIM peels by default: with dozens of inputs and a few hundred cases PRIM peels
#: noise (a slice without failures by chance); feature scoring picks the inputs first.
DEFAULT_INPUTS = 8


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``discover`` command's options."""
    parser.add_argument("experiment", help="experiment file, a shipped experiment's name, or a "
                        "finished sweep directory")
    parser.add_argument("--outcome", required=True,
                        help="the output whose failure is asked about (an [outputs] name)")
    side = parser.add_mutually_exclusive_group(required=True)
    side.add_argument("--below", type=float, metavar="X",
                      help="cases of interest: outcome (mean over replicates) below X")
    side.add_argument("--above", type=float, metavar="X",
                      help="cases of interest: outcome above X")
    parser.add_argument("--out", metavar="DIR", help=f"sweep directory (default "
                        f"{DEFAULT_SWEEPS}/<experiment name>; reused when it holds the sweep)")
    parser.add_argument("--min-coverage", type=float, default=DEFAULT_MIN_COVERAGE,
                        help="choose the densest PRIM box covering at least this share of the "
                             f"cases of interest (default {DEFAULT_MIN_COVERAGE})")
    parser.add_argument("--box", type=int, metavar="I",
                        help="choose box I of the peeling trajectory instead (see tradeoff.csv)")
    parser.add_argument("--mass-min", type=float, default=0.05,
                        help="smallest share of cases a box (or CART leaf) may hold (default 0.05)")
    parser.add_argument("--peel-alpha", type=float, default=0.05,
                        help="share of cases PRIM peels off per step (default 0.05)")
    parser.add_argument("--inputs", type=int, default=DEFAULT_INPUTS, metavar="N",
                        help="PRIM peels the N inputs that feature scoring (extra trees) ranks "
                             f"highest (default {DEFAULT_INPUTS}; 0 = every varied input)")
    parser.add_argument("--keep-insignificant", action="store_true",
                        help="keep restrictions whose quasi-p value is above "
                             f"{QP_SIGNIFICANT} (default: drop them, least significant first)")
    add_executor_arguments(parser)
    size = parser.add_argument_group("scaling of the sweep (overrides of the file)")
    size.add_argument("--replicates", type=int, help="runs per design point")
    size.add_argument("--sample-size", type=int, help="lhs points")
    size.add_argument("--steps", type=int, help="steps per run")
    parser.add_argument("--force", action="store_true",
                        help="replace the results of a different sweep in --out")
    parser.add_argument("--no-progress", "--quiet", "-q", dest="no_progress",
                        action="store_true", help="no progress display")


@dataclass
class Discovery:
    """What scenario discovery found.

    Attributes:
        cases: design points analysed.
        of_interest: of them, cases of interest.
        trajectory: PRIM's peeling/pasting trajectory (one row per box).
        peeled: index of the box chosen on the peeling trajectory.
        peeling_length: boxes PRIM's peeling and pasting made (those after them are
            the chosen box with restrictions dropped).
        chosen: index of the reported box (``peeled`` with its insignificant
            restrictions dropped; ema_workbench appends each such box to the trajectory).
        scores: feature scores of every varied input (extra trees), highest first.
        peeled_inputs: the inputs PRIM peeled.
        box: the chosen box: one row per restricted input (low, high, range, qp values).
        cart: CART's leaves (coverage, density, mass, limits).
        sentence: the finding in one sentence.
        directory: where the files went.
    """

    cases: int
    of_interest: int
    trajectory: pd.DataFrame
    peeled: int
    chosen: int
    peeling_length: int
    scores: pd.Series
    peeled_inputs: list[str]
    box: pd.DataFrame
    cart: pd.DataFrame
    sentence: str
    directory: Path


def main(args: argparse.Namespace) -> int:
    """Run (or resume) the sweep, then PRIM and CART; return the exit code."""
    from sim.network_io import NetworkFileError
    from sim.sweep.executors import ExecutorError, choice_from_args
    from sim.sweep.experiment import ExperimentError

    try:
        choice = choice_from_args(args)
    except ExecutorError as err:
        return _error(str(err))
    if not 0.0 < args.min_coverage <= 1.0:
        return _error(f"--min-coverage: {args.min_coverage:g}: must be in (0, 1]")
    if not 0.0 < args.mass_min < 0.5:
        return _error(f"--mass-min: {args.mass_min:g}: must be in (0, 0.5)")
    if args.inputs < 0:
        return _error(f"--inputs: {args.inputs}: must be 0 (every input) or more")
    if not 0.0 < args.peel_alpha < 0.5:
        return _error(f"--peel-alpha: {args.peel_alpha:g}: must be in (0, 0.5)")
    try:
        experiment, directory = prepare(args, choice)
        found = discover(directory, experiment, args.outcome,
                         below=args.below, above=args.above, min_coverage=args.min_coverage,
                         box=args.box, mass_min=args.mass_min, peel_alpha=args.peel_alpha,
                         inputs=args.inputs, drop_insignificant=not args.keep_insignificant)
    except (ExperimentError, NetworkFileError, DiscoveryError) as err:
        return _error(str(err))
    except run_failure_types() as err:
        return _error(run_failure(err, args))
    print(found.sentence)
    print(f"trade-off, box, CART leaves and figures in {found.directory}")
    return 0


class DiscoveryError(ValueError):
    """The outcome, threshold or box asked for cannot be used (names the option)."""


def prepare(args: argparse.Namespace, choice: Any) -> tuple[Any, Path]:
    """The experiment and its finished sweep directory (running or resuming the sweep).

    Raises:
        ExperimentError: a bad experiment file or override.
    """
    from sim.sweep.experiment import load_experiment, resolve_path
    from sim.sweep.results import load_sweep_experiment
    from sim.sweep.run import run_sweep

    given = Path(args.experiment)
    if given.is_dir():
        directory = given
        experiment = load_sweep_experiment(directory)
        source = None
        if any(v is not None for v in (args.replicates, args.sample_size, args.steps)):
            experiment = experiment.with_overrides(replicates=args.replicates,
                                                   sample_size=args.sample_size,
                                                   steps=args.steps)
    else:
        experiment = load_experiment(args.experiment).with_overrides(
            replicates=args.replicates, sample_size=args.sample_size, steps=args.steps)
        source = resolve_path(args.experiment).read_text(encoding="utf-8")
        directory = Path(args.out) if args.out else DEFAULT_SWEEPS / experiment.name
    check_outcome(experiment, args.outcome)
    result = run_sweep(experiment, directory, choice, force=args.force,
                       progress=not args.no_progress, source_text=source,
                       command=f"python -m sim discover {args.experiment}")
    counts = result.counts
    print(f"runs: {counts['computed']} computed, {counts['resumed']} already done, "
          f"{counts['failed']} failed", file=sys.stderr)
    return experiment, directory


def check_outcome(experiment: Any, outcome: str) -> None:
    """Refuse an outcome the experiment does not measure."""
    from sim.sweep.experiment import ExperimentError

    names = [o.name for o in experiment.outputs]
    if outcome not in names:
        raise ExperimentError(experiment.path, "--outcome", f"{outcome!r} is not an output of "
                              f"this experiment; allowed: {', '.join(names)}")


def cases(directory: Path, experiment: Any, outcome: str) -> tuple[pd.DataFrame, pd.Series]:
    """The uncertain inputs (one row per design point) and the outcome's mean over replicates."""
    from sim.sweep.results import run_outputs

    runs = run_outputs(directory, experiment)
    names = experiment.factor_names
    grouped = runs.groupby("design_point", sort=True)
    x = grouped[names].first().reset_index(drop=True)
    y = grouped[outcome].mean().reset_index(drop=True)
    for name in names:
        if x[name].dtype == bool:
            x[name] = x[name].astype(int)  # PRIM peels numbers; 0/1 reads as false/true
        elif x[name].dtype.kind == "i":
            x[name] = x[name].astype(np.int64)
    return x, y


def discover(directory: Path, experiment: Any, outcome: str, *, below: float | None = None,
             above: float | None = None, min_coverage: float = DEFAULT_MIN_COVERAGE,
             box: int | None = None, mass_min: float = 0.05, peel_alpha: float = 0.05,
             inputs: int = DEFAULT_INPUTS, drop_insignificant: bool = True) -> Discovery:
    """PRIM and CART on a finished sweep; writes the tables, figures and report.

    Raises:
        DiscoveryError: no case (or every case) is of interest, or ``box`` is off the
            trajectory.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench warns about optional parallel back ends
        from ema_workbench.analysis import cart as ema_cart
        from ema_workbench.analysis import feature_scoring
        from ema_workbench.analysis import prim as ema_prim

    x, values = cases(directory, experiment, outcome)
    side, threshold = ("below", below) if below is not None else ("above", above)
    y = (values < threshold).to_numpy() if side == "below" else (values > threshold).to_numpy()
    option = f"--{side}"
    if not y.any():
        raise DiscoveryError(f"{option}: no design point has {outcome} {side} {threshold:g} "
                             f"(range {sig(values.min())} to {sig(values.max())} over {len(y)} "
                             "points): nothing to discover")
    if y.all():
        raise DiscoveryError(f"{option}: every design point has {outcome} {side} "
                             f"{threshold:g}: nothing to tell apart")
    scored = feature_scoring.get_ex_feature_scores(
        x, y, mode=feature_scoring.RuleInductionType.CLASSIFICATION,
        random_state=int(experiment.seed) % 2**32)[0]
    scores = scored.iloc[:, 0].sort_values(ascending=False)
    peel = list(scores.index[:inputs]) if inputs else list(x.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecation warnings from inside ema_workbench
        prim = ema_prim.Prim(x[peel], y, peel_alpha=peel_alpha, mass_min=mass_min)
    found = prim.find_box()
    if box is None:
        peeled = choose_box(found.peeling_trajectory, min_coverage)
    elif not 0 <= box < len(found.peeling_trajectory):
        raise DiscoveryError(f"--box: {box} is not on the trajectory; allowed: 0 to "
                             f"{len(found.peeling_trajectory) - 1}")
    else:
        peeled = box
    peeling_length = len(found.peeling_trajectory)
    chosen = drop_insignificant_restrictions(found, peeled) if drop_insignificant else peeled
    trajectory = found.peeling_trajectory.copy()
    limits = box_table(found, prim, chosen)
    tree = ema_cart.CART(x, y, mass_min=mass_min)
    # ema_workbench builds scikit-learn's tree without a random_state, and the tree breaks
    # ties between equally good splits at random from numpy's global generator: seeded
    # here, the same sweep gives the same leaves.
    np.random.seed(int(experiment.seed) % 2**32)
    tree.build_tree()
    leaves = cart_table(tree, x)

    name = f"{outcome}-{side}-{threshold:g}"
    out = directory / "discover" / name
    stats = trajectory.loc[chosen]
    sentence = describe(experiment, outcome, side, threshold, limits,
                        float(stats["coverage"]), float(stats["density"]), int(y.sum()), len(y))
    result = Discovery(len(y), int(y.sum()), trajectory, peeled, chosen, peeling_length, scores,
                       peel, limits, leaves, sentence, out)
    write(result, experiment, outcome, side, threshold)
    return result


def choose_box(trajectory: pd.DataFrame, min_coverage: float) -> int:
    """The densest box covering at least ``min_coverage`` (fewer restrictions on a tie)."""
    eligible = trajectory[trajectory["coverage"] >= min_coverage - 1e-12]
    if eligible.empty:
        eligible = trajectory.iloc[[0]]
    ranked = eligible.sort_values(["density", "res_dim"], ascending=[False, True], kind="stable")
    return int(ranked.index[0])


def drop_insignificant_restrictions(found: Any, i: int) -> int:
    """Drop box ``i``'s restrictions with quasi-p above :data:`QP_SIGNIFICANT`, worst first.

    Each drop is ema_workbench's ``PrimBox.drop_restriction``, which appends the wider box
    (with its coverage, density and quasi-p values recomputed) to the trajectory.

    Returns:
        The index of the last box: every restriction left is significant.
    """
    while True:
        _, data = found.inspect(i, style="data")[0]
        worst = {name: max((v for v in found.p_values[i][name] if v >= 0), default=0.0)
                 for name in data.index}
        if not worst or max(worst.values()) <= QP_SIGNIFICANT:
            return i
        found.drop_restriction(max(worst, key=worst.get), i)
        i = len(found.peeling_trajectory) - 1


def box_table(found: Any, prim: Any, i: int) -> pd.DataFrame:
    """One row per input box ``i`` restricts: its limits, the full range and quasi-p values."""
    from sim.labels import LabelError, label

    _, data = found.inspect(i, style="data")[0]
    rows = []
    for name in data.index:
        lims = found.box_lims[i][name]
        init = prim.box_init[name]
        qp = found.p_values[i][name]
        try:
            readable = label(name, with_unit=False)
        except LabelError:
            readable = name
        rows.append({"parameter": name, "label": readable,
                     "low": float(lims.iloc[0]), "high": float(lims.iloc[1]),
                     "range_low": float(init.iloc[0]), "range_high": float(init.iloc[1]),
                     "qp_low": _qp(qp[0]), "qp_high": _qp(qp[1])})
    return pd.DataFrame(rows, columns=["parameter", "label", "low", "high", "range_low",
                                       "range_high", "qp_low", "qp_high"])


def _qp(value: Any) -> float:
    """A quasi-p value; ema_workbench marks an unrestricted side with -1 (NaN here)."""
    value = float(value)
    return math.nan if value < 0 else value


def cart_table(tree: Any, x: pd.DataFrame) -> pd.DataFrame:
    """CART's leaves, densest first: coverage, density, mass and the limits they restrict."""
    box_init = pd.DataFrame({c: [x[c].min(), x[c].max()] for c in x.columns})
    rows = []
    for leaf, (lims, stats) in enumerate(zip(tree.boxes, tree.stats, strict=True)):
        parts = []
        for name in lims.columns:
            lo, hi = lims[name].iloc[0], lims[name].iloc[1]
            init_lo, init_hi = box_init[name].iloc[0], box_init[name].iloc[1]
            if lo > init_lo or hi < init_hi:
                parts.append(f"{name} in [{sig(lo)}, {sig(hi)}]")
        rows.append({"leaf": leaf, "coverage": float(stats["coverage"]),
                     "density": float(stats["density"]), "mass": float(stats["mass"]),
                     "restricted": int(stats["res dim"]), "limits": "; ".join(parts)})
    table = pd.DataFrame(rows, columns=["leaf", "coverage", "density", "mass", "restricted",
                                        "limits"])
    return table.sort_values(["density", "coverage"], ascending=False).reset_index(drop=True)


def condition(row: pd.Series) -> str:
    """One restriction in words: ``service awareness (`service_awareness`) < 0.62``."""
    name = f"{row['label'].lower()} (`{row['parameter']}`)"
    low_cut = row["low"] > row["range_low"]
    high_cut = row["high"] < row["range_high"]
    if low_cut and high_cut:
        return f"{sig(row['low'])} < {name} < {sig(row['high'])}"
    if low_cut:
        return f"{name} > {sig(row['low'])}"
    return f"{name} < {sig(row['high'])}"


def describe(experiment: Any, outcome: str, side: str, threshold: float, limits: pd.DataFrame,
             coverage: float, density: float, hits: int, total: int) -> str:
    """The finding in one sentence."""
    who = (f"the {experiment.scenario.replace('-', ' ')}" if experiment.scenario
           else f"the {experiment.name} experiment")
    what = f"{outcome} {side} {threshold:g}"
    if limits.empty:
        return (f"{who.capitalize()} fails ({what}) in {hits} of {total} cases, and PRIM finds "
                "no box that restricts any input: the failures are spread across the inputs.")
    when = " and ".join(condition(row) for _, row in limits.iterrows())
    return (f"{who.capitalize()} fails ({what}: {hits} of {total} cases, {hits / total:.0%}) "
            f"when {when} (coverage {coverage:.2f}, density {density:.2f}: {density:.0%} of the "
            f"cases in this box fail, and it holds {coverage:.0%} of all failures).")


def write(found: Discovery, experiment: Any, outcome: str, side: str, threshold: float) -> None:
    """Write the trade-off, box and CART tables, the figures and the report."""
    from sim.store import atomic_write_text

    out = found.directory
    out.mkdir(parents=True, exist_ok=True)
    traj = found.trajectory[["id", "n", "k", "coverage", "density", "mass", "res_dim"]].copy()
    traj.insert(0, "box", range(len(traj)))
    traj["how"] = ["peel/paste" if k < found.peeling_length else "dropped a restriction"
                   for k in traj["box"]]
    traj["chosen"] = traj["box"] == found.chosen
    atomic_write_text(out / "tradeoff.csv", traj.to_csv(index=False))
    atomic_write_text(out / "box.csv", found.box.to_csv(index=False))
    atomic_write_text(out / "cart_boxes.csv", found.cart.to_csv(index=False))
    scores = found.scores.rename("score").rename_axis("parameter").reset_index()
    scores["peeled"] = scores["parameter"].isin(found.peeled_inputs)
    atomic_write_text(out / "feature_scores.csv", scores.to_csv(index=False))
    figure_tradeoff(found, out / "figures" / "tradeoff")
    figure_box(found, out / "figures" / "box")
    atomic_write_text(out / "report.md", report(found, experiment, outcome, side, threshold))


def report(found: Discovery, experiment: Any, outcome: str, side: str, threshold: float) -> str:
    """The markdown report: the sentence, the box with quasi-p values, CART's view."""
    stats = found.trajectory.loc[found.chosen]
    lines = [f"# Scenario discovery: {experiment.title}", "",
             f"Cases: {found.cases} design points of the sweep; cases of interest: "
             f"{found.of_interest} with {outcome} (mean over replicates) {side} {threshold:g}.",
             "", found.sentence, "",
             f"PRIM box {found.chosen} of {len(found.trajectory)} on the peeling/pasting "
             f"trajectory (`tradeoff.csv`): coverage {stats['coverage']:.3f} (share of the "
             f"cases of interest inside the box), density {stats['density']:.3f} (share of the "
             f"cases inside the box that are of interest), mass {stats['mass']:.3f}, "
             f"{int(stats['res_dim'])} inputs restricted.", "",
             f"PRIM peeled the {len(found.peeled_inputs)} of {found.scores.size} inputs that "
             "feature scoring (extra trees, `feature_scores.csv`) ranks highest: "
             f"{', '.join(found.peeled_inputs)}. The densest box covering enough cases was box "
             f"{found.peeled}; {len(found.trajectory) - found.peeling_length} restrictions whose "
             f"quasi-p value was above {QP_SIGNIFICANT} were then dropped, least significant "
             "first.", "",
             "| input | box | full range | quasi-p (low, high) |", "|---|---|---|---|"]
    for _, row in found.box.iterrows():
        qps = ", ".join("-" if math.isnan(v) else f"{v:.2g}" for v in (row["qp_low"],
                                                                        row["qp_high"]))
        lines.append(f"| {row['label']} (`{row['parameter']}`) | [{sig(row['low'])}, "
                     f"{sig(row['high'])}] | [{sig(row['range_low'])}, {sig(row['range_high'])}] "
                     f"| {qps} |")
    weak = [r["parameter"] for _, r in found.box.iterrows()
            if any(v > QP_SIGNIFICANT for v in (r["qp_low"], r["qp_high"]) if not math.isnan(v))]
    if weak:
        lines += ["", f"Restrictions with a quasi-p value above {QP_SIGNIFICANT}: "
                  f"{', '.join(weak)}; they may be chance and can be dropped."]
    failing = found.cart[found.cart["density"] >= 0.5]
    lines += ["", "CART (a second view; `cart_boxes.csv`): "
              f"{len(failing)} of {len(found.cart)} leaves hold mostly cases of interest."]
    for _, row in failing.head(3).iterrows():
        lines.append(f"- coverage {row['coverage']:.2f}, density {row['density']:.2f}: "
                     f"{row['limits'] or '(no restriction)'}")
    lines += ["", "Every value is a modelling assumption, not data.", ""]
    return "\n".join(lines)


def figure_tradeoff(found: Discovery, stem: Path) -> None:
    """Coverage against density along the trajectory, the chosen box circled."""
    import matplotlib.pyplot as plt

    from sim.analysis import style
    from sim.figure_style import journal_style

    t = found.trajectory
    with journal_style():
        fig, ax = plt.subplots()
        points = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], s=12)
        fig.colorbar(points, ax=ax, label="inputs restricted")
        c = t.loc[found.chosen]
        ax.scatter([c["coverage"]], [c["density"]], s=60, facecolors="none", edgecolors="k",
                   label=f"chosen box {found.chosen}")
        ax.set_xlabel("coverage")
        ax.set_ylabel("density")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.legend(loc="lower left")
        style.save(fig, stem)  # PDF, SVG and PNG, like every project figure; closes it


def figure_box(found: Discovery, stem: Path) -> None:
    """The chosen box: each restricted input's limits within its full range (0 to 1)."""
    import matplotlib.pyplot as plt

    from sim.analysis import style
    from sim.figure_style import journal_style

    box = found.box
    with journal_style(width="double"):
        fig, ax = plt.subplots(figsize=(7.2, 0.45 * max(len(box), 1) + 0.9))
        for k, (_, row) in enumerate(box.iterrows()):
            span = row["range_high"] - row["range_low"] or 1.0
            lo = (row["low"] - row["range_low"]) / span
            hi = (row["high"] - row["range_low"]) / span
            ax.plot([0, 1], [k, k], color="0.85", lw=4, solid_capstyle="butt")
            ax.plot([lo, hi], [k, k], lw=4, solid_capstyle="butt")
            ax.text(lo, k + 0.25, f"{sig(row['low'])}", ha="center", fontsize=7)
            ax.text(hi, k + 0.25, f"{sig(row['high'])}", ha="center", fontsize=7)
        ax.set_yticks(range(len(box)), [row["label"] for _, row in box.iterrows()])
        ax.set_ylim(-0.6, len(box) - 0.2)
        ax.set_xlim(-0.05, 1.05)
        ax.set_xlabel("position in the input's full range (0 = low end, 1 = high end)")
        stats = found.trajectory.loc[found.chosen]
        ax.set_title(f"box {found.chosen}: coverage {stats['coverage']:.2f}, "
                     f"density {stats['density']:.2f}")
        style.save(fig, stem)  # PDF, SVG and PNG, like every project figure; closes it

