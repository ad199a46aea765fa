"""``python -m sim calibrate TARGETS.toml``: fit parameters to a county's observations.

Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC, pyabc): draw
parameter values from the priors (uniform on each parameter's declared range, or the
range the file gives), run the model, keep the draws whose outputs come close to the
observed targets, and repeat with a tighter threshold from the kept draws
(populations). The distance is the Euclidean norm of the differences to the targets,
each divided by its standard error. What is left is a sample of the posterior: the
values consistent with the observations, given the model.

The history is pyabc's own SQLite database ``DIR/abc.db``: every finished population
is kept, and the same command started again continues from the last one (pyabc's
``ABCSMC.load``). The file it was made from is remembered in ``DIR/calibration.json``;
another file in the same ``--out`` is refused unless ``--force``.

Writes, in ``--out`` (default ``out/calibrate/<file stem>``): ``posterior.csv``
(weighted mean, sd, 5/50/95 % quantiles, prior range, width ratio, identified or not),
``populations.csv``, ``predictive.csv`` (the posterior predictive check of every target
and held-out output), ``figures/posterior.{png,svg}``, ``figures/predictive.{png,svg}``
and ``report.md``. A run's seed is a hash of its parameter values and the file's seed,
so the same values always give the same run.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import hashlib
import json
import logging
import math
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.tables import sig
from sim.cli_errors import fail as _error
from sim.cli_errors import run_failure, run_failure_types
from sim.explore.targets import Calibration, TargetsError, load_targets
from sim.sweep.executors import add_executor_arguments

DEFAULT_OUT = Path("out") / "calibrate"
DB = "abc.db"
CONFIG = "calibration.json"
#: 90 % posterior interval width over the prior's 90 % width above which the targets do
#: not identify a parameter (the posterior is about as wide as the prior), and below
#: which they do. In between: weakly identified. A convention of this project.
UNIDENTIFIED_RATIO = 0.8
IDENTIFIED_RATIO = 0.5


class Simulator:
    """The model as pyabc sees it: parameter values in, targets and held-out values out.

    A module-level class so that process pools and Dask workers can pickle it.
    """

    def __init__(self, calibration: Calibration):
        self.base = calibration.experiment.base.to_dict()
        self.kinds = {f.name: f.kind for f in calibration.experiment.factors}
        self.steps = calibration.experiment.steps
        self.seed = calibration.experiment.seed
        self.outputs = (*calibration.targets, *calibration.held_out)

    def params(self, values: dict[str, float]) -> dict[str, Any]:
        """The full parameters of a draw (whole-number parameters rounded)."""
        draw = {n: (int(round(float(v))) if self.kinds[n] is int else float(v))
                for n, v in values.items() if n in self.kinds}
        return {**self.base, **draw}

    def seed_of(self, values: dict[str, float], salt: int = 0) -> int:
        """The run seed of a draw: a hash of its values, the file's seed and ``salt``."""
        text = json.dumps({k: float(values[k]) for k in sorted(self.kinds)}, sort_keys=True)
        digest = hashlib.sha256(f"{self.seed}:{salt}:{text}".encode()).hexdigest()
        return int(digest[:8], 16)

    def run(self, values: dict[str, float], salt: int = 0) -> dict[str, float]:
        """Run the model once at ``values``; every target's and held-out output's value."""
        from sim.runner import run_one

        params = self.params(values)
        frame = run_one(params, self.seed_of(values, salt), self.steps)
        return {t.name: float(t.of(frame, params["n_schools"])) for t in self.outputs}

    def __call__(self, parameter: Any) -> dict[str, float]:
        """One pyabc model call: the fitted targets' values at ``parameter``."""
        values = {n: float(parameter[n]) for n in self.kinds}
        out = self.run(values)
        return {k: v for k, v in out.items() if k in self.fitted}

    @property
    def fitted(self) -> set[str]:
        """The names of the fitted targets."""
        return {t.name for t in self.outputs if not t.held_out}


@dataclass
class CalibrationResult:
    """What the calibration found.

    Attributes:
        posterior: one row per parameter (weighted summaries, prior range, width ratio).
        populations: one row per population (epsilon, samples, particles).
        predictive: one row per target and held-out output.
        simulations: model runs pyabc made in all populations (this call and earlier).
        predictive_runs: runs of the predictive check.
        seconds: wall time of this call.
        directory: the output directory.
    """

    posterior: pd.DataFrame
    populations: pd.DataFrame
    predictive: pd.DataFrame
    simulations: int
    predictive_runs: int
    seconds: float
    directory: Path


def config_text(calibration: Calibration) -> str:
    """What makes a calibration this one (the file's checked content), for ``calibration.json``."""
    exp = calibration.experiment
    data = {"base": exp.base.to_dict(), "steps": exp.steps, "seed": exp.seed,
            "priors": {f.name: [f.low, f.high] for f in exp.factors},
            "targets": {t.name: [t.output.column, t.output.reduce, t.value, t.sd, t.per_school]
                        for t in calibration.targets},
            "population": calibration.abc["population"]}
    return json.dumps(data, sort_keys=True, default=str)


def calibrate(calibration: Calibration, directory: Path, *, executor: Any = None, jobs: int = 1,
              force: bool = False, generations: int | None = None,
              stream: Any = None) -> CalibrationResult:
    """Run (or continue) ABC-SMC, then the posterior summaries and the predictive check.

    Args:
        calibration: the checked targets file.
        directory: where ``abc.db`` and the outputs go.
        executor: a ready ``concurrent.futures.Executor`` (a Dask cluster), or None for a
            local pool of ``jobs`` processes (inline for one).
        jobs: local worker processes.
        force: discard a calibration of another file in ``directory``.
        generations: override of the file's ``abc.generations``.
        stream: where progress goes (default stderr).

    Raises:
        TargetsError: ``directory`` holds the calibration of another file and not ``force``.
    """
    import pyabc

    stream = stream or sys.stderr
    started = time.monotonic()
    directory.mkdir(parents=True, exist_ok=True)
    db_path = directory / DB
    config_path = directory / CONFIG
    config = config_text(calibration)
    if db_path.is_file():
        previous = config_path.read_text(encoding="utf-8") if config_path.is_file() else ""
        if previous != config:
            if not force:
                raise TargetsError(str(directory), "--out", f"holds the calibration of another "
                                   f"targets file ({db_path}); use another --out, or --force "
                                   "to replace it")
            _remove_db(db_path)
    from sim.store import atomic_write_text

    atomic_write_text(config_path, config)
    logging.getLogger("ABC").setLevel(logging.WARNING)  # pyabc logs every population at INFO
    logging.getLogger("Sampler").setLevel(logging.WARNING)
    simulator = Simulator(calibration)
    prior = pyabc.Distribution(**{f.name: pyabc.RV("uniform", f.low, f.high - f.low)
                                  for f in calibration.experiment.factors})
    distance = pyabc.PNormDistance(p=2, fixed_weights={t.name: 1.0 / t.sd
                                                       for t in calibration.targets})
    wanted = generations or calibration.abc["generations"]
    db = f"sqlite:///{db_path.resolve()}"
    with _sampler(executor, jobs, calibration.abc["population"]) as sampler:
        abc = pyabc.ABCSMC(simulator, prior, distance,
                           population_size=calibration.abc["population"], sampler=sampler)
        done = _populations_done(db)
        if done:
            abc.load(db, 1)
            print(f"calibrate: continuing from {done} finished populations in {db_path}",
                  file=stream)
        else:
            # Stopped before its first population was complete: nothing in it to keep, and
            # a second run in the same database would not be the one continued (id 1).
            _remove_db(db_path)
            abc.new(db, {t.name: t.value for t in calibration.targets})
        if done < wanted:
            # pyabc draws from numpy's global generator: seeded, a one-process calibration
            # repeats exactly; pool and Dask workers reseed themselves (pyabc's choice).
            np.random.seed(int(calibration.experiment.seed) % 2**32)
            history = abc.run(minimum_epsilon=calibration.abc["min_epsilon"],
                              max_nr_populations=wanted - done)
        else:
            history = abc.history
    result = summarise(calibration, history, directory, started, stream=stream)
    write(result, calibration)
    return result


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _populations_done(db: str) -> int:
    """Populations stored in the history (0 when there is none)."""
    import pyabc

    path = Path(db.removeprefix("sqlite:///"))
    if not path.is_file():
        return 0
    try:
        history = pyabc.History(db)
        if not history.all_runs():
            return 0
        history.id = 1
        return 0 if history.max_t is None else int(history.max_t) + 1
    except Exception:  # noqa: BLE001 - an unreadable or empty database: start afresh
        return 0


@contextlib.contextmanager
def _sampler(executor: Any, jobs: int, population: int) -> Iterator[Any]:
    """The pyabc sampler on the chosen executor: the futures interface sweeps use too.

    On a cluster at most one population's worth of runs is in flight: pyabc cancels the
    runs still going when a population is full, and their work is lost.
    """
    from pyabc.sampler import ConcurrentFutureSampler, SingleCoreSampler

    if executor is not None:
        yield ConcurrentFutureSampler(executor, client_max_jobs=max(2, population))
    elif jobs == 1:
        yield SingleCoreSampler()
    else:
        with cf.ProcessPoolExecutor(max_workers=jobs) as pool:
            yield ConcurrentFutureSampler(pool, client_max_jobs=2 * jobs)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The weighted ``q``-quantile (pyabc's)."""
    from pyabc.weighted_statistics import weighted_quantile as wq

    return float(wq(np.asarray(values, float), np.asarray(weights, float), alpha=q))


def summarise(calibration: Calibration, history: Any, directory: Path, started: float, *,
              stream: Any) -> CalibrationResult:
    """Posterior summaries and the posterior predictive check from the last population."""
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    weights = np.asarray(weights, float) / np.sum(weights)
    rows = []
    for f in calibration.experiment.factors:
        values = frame[f.name].to_numpy(float)
        mean = float(np.sum(weights * values))
        sd = float(np.sqrt(np.sum(weights * (values - mean) ** 2)))
        q05, q50, q95 = (weighted_quantile(values, weights, q) for q in (0.05, 0.5, 0.95))
        ratio = (q95 - q05) / (0.9 * (f.high - f.low))
        verdict = ("not identified" if ratio > UNIDENTIFIED_RATIO else
                   "identified" if ratio < IDENTIFIED_RATIO else "weakly identified")
        rows.append({"parameter": f.name, "mean": mean, "sd": sd, "q05": q05, "median": q50,
                     "q95": q95, "prior_low": f.low, "prior_high": f.high,
                     "width_ratio": ratio, "identification": verdict})
    posterior = pd.DataFrame(rows)
    populations = history.get_all_populations()
    populations = populations[populations["t"] >= 0][["t", "epsilon", "samples"]].copy()
    counts = history.get_nr_particles_per_population()
    populations["particles"] = [int(counts.get(t, 0)) for t in populations["t"]]
    predictive = predictive_check(calibration, frame, weights)
    return CalibrationResult(posterior, populations.reset_index(drop=True), predictive,
                             int(history.total_nr_simulations),
                             int(calibration.abc["predictive"]), time.monotonic() - started,
                             directory)


def predictive_check(calibration: Calibration, frame: pd.DataFrame,
                     weights: np.ndarray) -> pd.DataFrame:
    """Run the model at ``predictive`` posterior draws (new seeds); compare with the data.

    Draws are taken by weight with a Generator seeded by the file's seed, so the check
    is the same each time for the same posterior.
    """
    simulator = Simulator(calibration)
    rng = np.random.default_rng(calibration.experiment.seed)
    n = int(calibration.abc["predictive"])
    picks = rng.choice(len(frame), size=n, replace=True, p=weights)
    names = calibration.parameters
    runs = [simulator.run({k: float(frame.iloc[i][k]) for k in names}, salt=1 + j)
            for j, i in enumerate(picks)]
    rows = []
    for t in (*calibration.targets, *calibration.held_out):
        values = np.array([r[t.name] for r in runs], float)
        lo, hi = float(np.quantile(values, 0.05)), float(np.quantile(values, 0.95))
        rows.append({"output": t.name, "role": "held out" if t.held_out else "target",
                     "observed": t.value, "sd": t.sd, "predicted_mean": float(values.mean()),
                     "q05": lo, "q95": hi,
                     "z": (t.value - values.mean()) / math.sqrt(t.sd ** 2 + values.var()),
                     "inside_90": bool(lo - t.sd <= t.value <= hi + t.sd)})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------ outputs
def write(result: CalibrationResult, calibration: Calibration) -> None:
    """Write the tables, figures and report."""
    from sim.store import atomic_write_text

    out = result.directory
    atomic_write_text(out / "posterior.csv", result.posterior.to_csv(index=False))
    atomic_write_text(out / "populations.csv", result.populations.to_csv(index=False))
    atomic_write_text(out / "predictive.csv", result.predictive.to_csv(index=False))
    figure_posterior(result, out / "figures" / "posterior")
    figure_predictive(result, out / "figures" / "predictive")
    atomic_write_text(out / "report.md", report(result, calibration))


def report(result: CalibrationResult, calibration: Calibration) -> str:
    """The markdown report, in the order of the reporting checklist of docs/exploration.md."""
    from sim.labels import label

    pops = result.populations
    lines = [f"# Calibration: {calibration.title}", ""]
    if calibration.made_up:
        lines += ["**The observations in this file are made up** (the file says so): this "
                  "shows the method; the posterior says nothing about any real county.", ""]
    lines += ["Targets (fitted): " + "; ".join(f"{t.name} = {t.value:g} ± {t.sd:g}"
                                               for t in calibration.targets) + ".",
              "Held out (checked, not fitted): " + ("; ".join(
                  f"{t.name} = {t.value:g} ± {t.sd:g}" for t in calibration.held_out)
                  or "none") + ".",
              "Distance: Euclidean norm of (simulated - observed) / standard error over the "
              "targets; one run per particle.",
              "Priors: uniform on " + "; ".join(
                  f"{f.name} [{f.low:g}, {f.high:g}]" for f in calibration.experiment.factors)
              + ".",
              f"ABC-SMC (pyabc): {len(pops)} populations of {calibration.abc['population']} "
              f"particles, adaptive (median) threshold from {sig(pops['epsilon'].iloc[0])} to "
              f"{sig(pops['epsilon'].iloc[-1])}; {result.simulations} model runs, acceptance rate "
              f"of the last population "
              f"{pops['particles'].iloc[-1] / max(pops['samples'].iloc[-1], 1):.2f}.", "",
              "| parameter | posterior mean | 90 % interval | prior | width ratio | |",
              "|---|---|---|---|---|---|"]
    for _, row in result.posterior.iterrows():
        lines.append(f"| {label(row['parameter'], with_unit=False)} (`{row['parameter']}`) | "
                     f"{sig(row['mean'])} | [{sig(row['q05'])}, {sig(row['q95'])}] | "
                     f"[{sig(row['prior_low'])}, {sig(row['prior_high'])}] | "
                     f"{row['width_ratio']:.2f} | {row['identification']} |")
    weak = result.posterior[result.posterior["identification"] == "not identified"]
    lines += ["", "Identifiability: width ratio = 90 % posterior interval / 90 % prior interval; "
              f"above {UNIDENTIFIED_RATIO} the targets do not identify the parameter, below "
              f"{IDENTIFIED_RATIO} they do. "
              + (f"Not identified by these targets: {', '.join(weak['parameter'])}."
                 if len(weak) else "Every parameter is at least weakly identified."), "",
              f"Posterior predictive check ({result.predictive_runs} runs at posterior draws, "
              "new seeds):", "", "| output | role | observed | predicted 90 % | inside |",
              "|---|---|---|---|---|"]
    for _, row in result.predictive.iterrows():
        lines.append(f"| {row['output']} | {row['role']} | {sig(row['observed'])} ± "
                     f"{sig(row['sd'])} | [{sig(row['q05'])}, {sig(row['q95'])}] | "
                     f"{'yes' if row['inside_90'] else 'no'} |")
    lines += ["", "Every value is a modelling assumption unless a source says otherwise.", ""]
    return "\n".join(lines)


def figure_posterior(result: CalibrationResult, stem: Path) -> None:
    """One panel per parameter: the posterior's 90 % interval and median on its prior range."""
    import matplotlib.pyplot as plt

    from sim.analysis import style
    from sim.figure_style import journal_style
    from sim.labels import label

    post = result.posterior
    with journal_style():
        fig, ax = plt.subplots(figsize=(3.5, 0.5 * len(post) + 0.8))
        for k, (_, row) in enumerate(post.iterrows()):
            span = row["prior_high"] - row["prior_low"] or 1.0

            def at(v, row=row, span=span):
                return (v - row["prior_low"]) / span

            ax.plot([0, 1], [k, k], color="0.85", lw=5, solid_capstyle="butt")
            ax.plot([at(row["q05"]), at(row["q95"])], [k, k], lw=5, solid_capstyle="butt")
            ax.plot([at(row["median"])], [k], "k|", ms=10)
        ax.set_yticks(range(len(post)), [label(p, with_unit=False) for p in post["parameter"]])
        ax.set_xlim(-0.05, 1.05)
        ax.set_ylim(-0.6, len(post) - 0.4)
        ax.set_xlabel("position in the prior range (grey); 90 % posterior interval (colour)")
        style.save(fig, stem)  # PDF, SVG and PNG, like every project figure; closes it


def figure_predictive(result: CalibrationResult, stem: Path) -> None:
    """Each output's predictive 90 % interval (bar) against the observation (point ± sd)."""
    import matplotlib.pyplot as plt

    from sim.analysis import style
    from sim.figure_style import journal_style

    pred = result.predictive
    with journal_style():
        fig, axes = plt.subplots(1, len(pred), figsize=(3.5, 2.2), squeeze=False)
        for ax, (_, row) in zip(axes[0], pred.iterrows(), strict=True):
            ax.plot([0, 0], [row["q05"], row["q95"]], lw=6, solid_capstyle="butt", alpha=0.6)
            ax.errorbar([0], [row["observed"]], yerr=[row["sd"]], fmt="ko", ms=3)
            ax.set_xticks([])
            ax.set_title(row["output"].replace("_", " ") + ("\n(held out)" if row["role"]
                                                           == "held out" else ""), fontsize=7)
            ax.set_xlim(-1, 1)
        style.save(fig, stem)  # PDF, SVG and PNG, like every project figure; closes it


# ------------------------------------------------------------------------ command line
def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``calibrate`` command's options."""
    parser.add_argument("targets", help="targets file (TOML; see "
                        "experiments/calibration/made-up-county-survey.toml)")
    parser.add_argument("--out", metavar="DIR", help=f"history and output directory (default "
                        f"{DEFAULT_OUT}/<file stem>); started again there, it continues")
    parser.add_argument("--generations", type=int, help="override abc.generations")
    parser.add_argument("--force", action="store_true",
                        help="replace the calibration of another targets file in --out")
    add_executor_arguments(parser)


def main(args: argparse.Namespace) -> int:
    """Run the calibration described by ``args``; return the exit code."""
    from sim.sweep.executors import ExecutorError, choice_from_args, make_executor

    try:
        calibration = load_targets(args.targets)
    except TargetsError as err:
        return _error(str(err))
    if args.generations is not None and args.generations < 1:
        return _error(f"--generations: {args.generations}: must be 1 or more")
    try:
        choice = choice_from_args(args)
    except ExecutorError as err:
        return _error(str(err))
    directory = Path(args.out) if args.out else DEFAULT_OUT / Path(args.targets).stem
    print(f"calibrate {Path(args.targets).name}: ABC-SMC of {', '.join(calibration.parameters)} "
          f"to {len(calibration.targets)} targets; {choice.describe()}; history in "
          f"{directory / DB}", file=sys.stderr)
    try:
        with make_executor(choice) as pool:
            result = calibrate(calibration, directory, executor=pool, jobs=choice.jobs,
                               force=args.force, generations=args.generations)
    except TargetsError as err:
        return _error(str(err))
    except run_failure_types() as err:
        return _error(run_failure(err, args,
                                  kept=f"finished populations are kept in {directory / DB}"))
    print(f"runs: {result.simulations} by ABC-SMC over {len(result.populations)} populations, "
          f"{result.predictive_runs} for the predictive check; {result.seconds:.0f} s",
          file=sys.stderr)
    print(f"posterior in {directory / 'posterior.csv'}; report in {directory / 'report.md'}")
    return 0

