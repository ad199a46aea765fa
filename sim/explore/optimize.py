"""``python -m sim optimize EXPERIMENT``: robust many-objective search for lever mixes.

The experiment file is a sweep file (its ``[vary]`` levers with their ranges, its
``[outputs]``) with an ``[optimize]`` table; swept as it is (``python -m sim sweep``)
it gives the Latin-hypercube answer to compare with::

    [optimize]
    population = 16              # candidate mixes per generation (NSGA-II)
    generations = 10
    structure_sample = 8         # structural points each candidate is run at
    structure = "all"            # or a list of structural assumptions to sample
    [optimize.objectives]        # each an output of [outputs]
    content_share = { sense = "max", statistic = "quantile", q = 0.1 }
    annual_spending = { sense = "min", statistic = "mean" }
    leakage_share = { sense = "min", statistic = "mean" }
    [optimize.constraints]
    annual_spending = { statistic = "mean", max = 1500.0 }

Each candidate mix is run once at each point of a Latin-hypercube sample of the
structural assumptions (:func:`sim.explore.evaluate.structural_sample`, each point
with its own seed, the same for every candidate: common random numbers), and each
objective is a statistic of its output over that sample: ``quantile`` with ``q =
0.1`` is the content a mix reaches in 9 of 10 worlds. NSGA-II is pymoo's; the
hypervolume of each generation's front (pymoo's indicator, on objectives scaled to
the range every front spans) shows convergence.

Every run goes through the run store in ``--out`` under an id that hashes its
parameters and seed, so a search started again (interrupted, or with more
generations) replays the same seeded search and computes only the runs not stored.

Writes, in ``--out`` (default ``out/optimize/<name>``): ``front.csv`` (the mixes of
the final Pareto front, lever values and objectives), ``convergence.csv``,
``structure.csv`` (the structural sample), ``figures/front_parallel.{png,svg}``,
``figures/convergence.{png,svg}``, ``report.md``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.tables import sig
from sim.cli_errors import fail as _error
from sim.cli_errors import run_failure, run_failure_types
from sim.sweep.executors import add_executor_arguments

DEFAULT_OUT = Path("out") / "optimize"
OPTIMIZE_KEYS = ("population", "generations", "structure_sample", "structure", "objectives",
                 "constraints")
OBJECTIVE_KEYS = ("sense", "statistic", "q")
CONSTRAINT_KEYS = ("statistic", "q", "max", "min")
SENSES = ("max", "min")
STATISTICS = ("mean", "quantile", "min", "max")


@dataclass(frozen=True)
class Statistic:
    """A statistic of one output over the structural sample.

    Attributes:
        output: the output's name in ``[outputs]``.
        statistic: ``mean``, ``quantile`` (with ``q``), ``min`` or ``max``.
        q: the quantile, in (0, 1).
    """

    output: str
    statistic: str = "mean"
    q: float = 0.5

    def of(self, values: np.ndarray) -> float:
        """The statistic of ``values`` (NaN, a failed run, is left out; all NaN gives NaN)."""
        values = np.asarray(values, dtype=float)
        values = values[~np.isnan(values)]
        if values.size == 0:
            return math.nan
        if self.statistic == "quantile":
            return float(np.quantile(values, self.q))
        return float(getattr(np, self.statistic)(values))

    def describe(self) -> str:
        """E.g. ``10th percentile of content_share``."""
        if self.statistic == "quantile":
            return f"{_ordinal(round(self.q * 100))} percentile of {self.output}"
        return f"{self.statistic} of {self.output}"


@dataclass(frozen=True)
class Objective:
    """One objective: a statistic to maximise or minimise."""

    stat: Statistic
    sense: str


@dataclass(frozen=True)
class Constraint:
    """A statistic that must stay within ``[low, high]`` (either may be None)."""

    stat: Statistic
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class SearchSpec:
    """The ``[optimize]`` table, checked.

    Attributes:
        population: candidates per generation.
        generations: generations.
        structure_sample: structural points each candidate is run at.
        structure: the structural assumptions sampled.
        objectives: what is optimised.
        constraints: what must hold.
    """

    population: int
    generations: int
    structure_sample: int
    structure: tuple[str, ...]
    objectives: tuple[Objective, ...]
    constraints: tuple[Constraint, ...] = field(default_factory=tuple)


def load_search(path: str | Path, experiment: Any) -> SearchSpec:
    """Read and check the ``[optimize]`` table of an experiment file.

    Raises:
        sim.sweep.experiment.ExperimentError: naming the file, the key and the allowed values.
    """
    from sim.params import structural_names
    from sim.sweep.experiment import ExperimentError

    where = str(path)
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    table = data.get("optimize")
    if not isinstance(table, Mapping):
        raise ExperimentError(where, "optimize", "missing: python -m sim optimize needs an "
                              "[optimize] table (population, generations, structure_sample, "
                              "objectives, constraints); see docs/exploration.md")
    _keys(table, OPTIMIZE_KEYS, where, "optimize")
    if experiment.design == "scenarios" or not experiment.factors:
        raise ExperimentError(where, "vary", "the levers to search are the [vary] parameters "
                              "with low/high ranges; this file varies none")
    structural = structural_names()
    for f in experiment.factors:
        if f.name in structural:
            raise ExperimentError(where, f"vary.{f.name}", "is a structural assumption: the "
                                  "search runs every candidate over a sample of these "
                                  "(optimize.structure); vary levers only")
        if f.values is not None and f.kind is not bool:
            raise ExperimentError(where, f"vary.{f.name}", "give a range (low, high) to "
                                  "search; listed values are for grids")
    population = _count(table.get("population", 16), where, "optimize.population", 4)
    generations = _count(table.get("generations", 10), where, "optimize.generations", 1)
    sample = _count(table.get("structure_sample", 8), where, "optimize.structure_sample", 1)
    chosen = table.get("structure", "all")
    if chosen == "all":
        names = tuple(structural)
    elif isinstance(chosen, list) and chosen and all(isinstance(c, str) for c in chosen):
        unknown = [c for c in chosen if c not in structural]
        if unknown:
            raise ExperimentError(where, "optimize.structure", f"{unknown[0]!r} is not a "
                                  f"structural assumption; allowed: 'all' or a list of "
                                  f"{', '.join(structural)}")
        names = tuple(chosen)
    else:
        raise ExperimentError(where, "optimize.structure", f"{chosen!r}: allowed: 'all' or a "
                              "list of structural assumption names")
    fixed_structural = [n for n in names if n in experiment.fixed]
    if fixed_structural:
        raise ExperimentError(where, f"fixed.{fixed_structural[0]}", "is fixed but also "
                              "sampled by optimize.structure; leave it out of one of them")
    outputs = [o.name for o in experiment.outputs]
    objectives = []
    entries = table.get("objectives")
    if not isinstance(entries, Mapping) or not entries:
        raise ExperimentError(where, "optimize.objectives", "missing: give at least one, e.g. "
                              "content_share = { sense = \"max\", statistic = \"quantile\", "
                              "q = 0.1 }")
    for name, entry in entries.items():
        place = f"optimize.objectives.{name}"
        stat = _statistic(name, entry, outputs, where, place, OBJECTIVE_KEYS)
        sense = entry.get("sense")
        if sense not in SENSES:
            raise ExperimentError(where, f"{place}.sense", f"{sense!r}; allowed: "
                                  f"{', '.join(SENSES)}")
        objectives.append(Objective(stat, sense))
    constraints = []
    for name, entry in (table.get("constraints") or {}).items():
        place = f"optimize.constraints.{name}"
        stat = _statistic(name, entry, outputs, where, place, CONSTRAINT_KEYS)
        low, high = entry.get("min"), entry.get("max")
        for key, value in (("min", low), ("max", high)):
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, int | float)):
                raise ExperimentError(where, f"{place}.{key}", f"{value!r}: must be a number")
        if low is None and high is None:
            raise ExperimentError(where, place, "give max (and/or min), e.g. { statistic = "
                                  "\"mean\", max = 1500.0 }")
        constraints.append(Constraint(stat, None if low is None else float(low),
                                      None if high is None else float(high)))
    return SearchSpec(population, generations, sample, names, tuple(objectives),
                      tuple(constraints))


def _statistic(name: str, entry: Any, outputs: list[str], where: str, place: str,
               keys: tuple[str, ...]) -> Statistic:
    from sim.sweep.experiment import ExperimentError

    if name not in outputs:
        raise ExperimentError(where, place, f"{name!r} is not an output of [outputs]; "
                              f"allowed: {', '.join(outputs)}")
    if not isinstance(entry, Mapping):
        raise ExperimentError(where, place, "must be a table, e.g. { sense = \"min\", "
                              "statistic = \"mean\" }")
    _keys(entry, keys, where, place)
    statistic = entry.get("statistic", "mean")
    if statistic not in STATISTICS:
        raise ExperimentError(where, f"{place}.statistic", f"{statistic!r}; allowed: "
                              f"{', '.join(STATISTICS)}")
    q = entry.get("q", 0.5)
    if statistic == "quantile" and (isinstance(q, bool) or not isinstance(q, int | float)
                                    or not 0.0 < q < 1.0):
        raise ExperimentError(where, f"{place}.q", f"{q!r}: a quantile needs q in (0, 1), "
                              "e.g. 0.1 for the 10th percentile")
    if "q" in entry and statistic != "quantile":
        raise ExperimentError(where, f"{place}.q", "applies to statistic 'quantile' only")
    return Statistic(name, statistic, float(q))


def _keys(table: Mapping[str, Any], allowed: tuple[str, ...], where: str, place: str) -> None:
    from sim.sweep.experiment import ExperimentError

    for key in table:
        if key not in allowed:
            raise ExperimentError(where, f"{place}.{key}", f"unknown key; allowed: "
                                  f"{', '.join(allowed)}")


def _count(value: Any, where: str, place: str, least: int) -> int:
    from sim.sweep.experiment import ExperimentError

    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ExperimentError(where, place, f"{value!r}: must be a whole number >= {least}")
    return value


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ------------------------------------------------------------------------ the search
@dataclass
class SearchResult:
    """What the search found.

    Attributes:
        front: the final front: lever values, objective and constraint values per mix.
        convergence: per generation: evaluations, runs computed and reused, front size,
            hypervolume.
        structure: the structural sample.
        computed: runs computed in this call.
        reused: runs found in the store.
        seconds: wall time of this call.
        directory: the output directory.
        comparison: the best mixes of a Latin-hypercube sweep of the same file and the
            front's, over the same structural sample (empty without ``compare``).
    """

    front: pd.DataFrame
    convergence: pd.DataFrame
    structure: pd.DataFrame
    computed: int
    reused: int
    seconds: float
    directory: Path
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame)


def search(experiment: Any, spec: SearchSpec, directory: Path, *, executor: Any = None,
           jobs: int = 1, generations: int | None = None, stream: Any = None,
           progress: bool = True, compare: Path | None = None) -> SearchResult:
    """Run NSGA-II over the levers; every run through the store in ``directory``.

    Args:
        experiment: the validated experiment (levers, outputs, base, steps, seed).
        spec: its ``[optimize]`` table.
        directory: the store and output directory.
        executor: a ready executor (Dask), or None for a local pool of ``jobs``.
        jobs: local worker processes.
        generations: override of ``spec.generations``.
        stream: where progress lines go (default stderr).
        progress: print one line per generation.
        compare: a finished sweep of the same file: its best mixes within the constraints
            (by their mean over replicates in the sweep's one world) are run over the
            structural sample too, beside the front's (:func:`compare_with_sweep`).

    Raises:
        sim.sweep.experiment.ExperimentError: ``compare`` is not a sweep of these levers.
    """
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem

    from sim.explore.evaluate import StoreEvaluator, structural_sample

    stream = stream or sys.stderr
    started = time.monotonic()
    n_gen = generations or spec.generations
    structure = structural_sample(spec.structure_sample, experiment.seed, spec.structure)
    evaluator = StoreEvaluator(directory, experiment.outputs, experiment.steps,
                               executor=executor, jobs=jobs, stream=stream)
    base = experiment.base.to_dict()
    factors = experiment.factors
    stats = [o.stat for o in spec.objectives] + [c.stat for c in spec.constraints]

    def levers_of(u: np.ndarray) -> dict[str, Any]:
        return {f.name: _native(f.from_unit(np.array([u[i]]))[0]) for i, f in enumerate(factors)}

    def measure(unit: np.ndarray) -> np.ndarray:
        """Each candidate's statistics (objectives then constraints), shape (n, len(stats))."""
        return measure_mixes([levers_of(u) for u in unit])

    def measure_mixes(mixes: list[dict[str, Any]]) -> np.ndarray:
        runs, owner = [], []
        for k, mix in enumerate(mixes):
            for point, row in structure.iterrows():
                world = {n: _native(row[n]) for n in spec.structure}
                runs.append(evaluator.spec({**base, **world, **mix}, int(row["seed"]),
                                           {"structure_point": int(point), **mix}))
                owner.append(k)
        values = evaluator.evaluate(runs)
        owner = np.array(owner)
        return np.array([[s.of(values[s.output].to_numpy()[owner == k]) for s in stats]
                         for k in range(len(mixes))])

    n_obj = len(spec.objectives)

    class Levers(Problem):
        def _evaluate(self, x, out, *args, **kwargs):  # noqa: ARG002 - pymoo's signature
            measured = measure(np.atleast_2d(x))
            out["F"] = _objective_matrix(measured[:, :n_obj], spec.objectives)
            if spec.constraints:
                out["G"] = _constraint_matrix(measured[:, n_obj:], spec.constraints)

    problem = Levers(n_var=len(factors), n_obj=n_obj, n_ieq_constr=len(spec.constraints),
                     xl=0.0, xu=1.0)
    from pymoo.operators.sampling.lhs import LHS

    # The first generation is a Latin hypercube over the levers, as a sweep's would be.
    algorithm = NSGA2(pop_size=spec.population, sampling=LHS(), eliminate_duplicates=True)
    algorithm.setup(problem, termination=("n_gen", n_gen), seed=int(experiment.seed) % 2**32,
                    verbose=False)
    fronts, rows = [], []
    while algorithm.has_next():
        before_c, before_r = evaluator.computed, evaluator.reused
        algorithm.next()
        opt = algorithm.opt
        feasible = opt[_feasible(opt)] if spec.constraints else opt
        fronts.append(np.array(feasible.get("F")) if len(feasible) else np.empty((0, n_obj)))
        rows.append({"generation": len(rows) + 1, "evaluations": algorithm.evaluator.n_eval,
                     "runs_computed": evaluator.computed - before_c,
                     "runs_reused": evaluator.reused - before_r, "front_size": len(feasible)})
        if progress:
            r = rows[-1]
            print(f"generation {r['generation']}: {r['evaluations']} mixes evaluated, front of "
                  f"{r['front_size']}; runs {r['runs_computed']} computed, {r['runs_reused']} "
                  "reused from the store", file=stream, flush=True)
    convergence = pd.DataFrame(rows)
    convergence["hypervolume"] = hypervolumes(fronts)
    final = algorithm.opt
    if spec.constraints:
        final = final[_feasible(final)]
    unit = np.array(final.get("X")) if len(final) else np.empty((0, len(factors)))
    measured = measure(unit) if len(unit) else np.empty((0, len(stats)))
    front = front_table(unit, measured, factors, spec, levers_of)
    comparison = pd.DataFrame()
    if compare is not None:
        comparison = compare_with_sweep(Path(compare), experiment, spec, front, measure_mixes)
    result = SearchResult(front, convergence, structure, evaluator.computed, evaluator.reused,
                          time.monotonic() - started, Path(directory), comparison)
    write(result, experiment, spec)
    return result


def _feasible(population: Any) -> np.ndarray:
    """Which members violate no constraint (pymoo's total violation CV is 0)."""
    return np.asarray(population.get("CV"), dtype=float).reshape(len(population), -1)[:, 0] <= 0


#: Best mixes of a compared sweep that are run over the structural sample.
COMPARED_MIXES = 5


def compare_with_sweep(sweep: Path, experiment: Any, spec: SearchSpec, front: pd.DataFrame,
                       measure_mixes: Any) -> pd.DataFrame:
    """The sweep's best mixes within the constraints and the front's best, over one sample.

    The sweep (``python -m sim sweep`` of the same file) judges each mix by its mean over
    replicates in its one world, the base values of the structural assumptions; its
    best :data:`COMPARED_MIXES` there are run over the search's structural sample, so the
    two answers are compared on the same robust statistics.

    Returns:
        One row per mix: ``source`` (``lhs point N`` or ``front``), the levers, the sweep's
        mean of the first objective's output (``one_world_<output>``, lhs rows only) and
        every statistic of the search.
    """
    from sim.sweep.experiment import ExperimentError
    from sim.sweep.results import load_sweep_experiment, run_outputs

    swept = load_sweep_experiment(sweep)
    if swept.factor_names != experiment.factor_names:
        raise ExperimentError(str(sweep), "--compare-sweep", "varies "
                              f"{', '.join(swept.factor_names)}, not the levers searched "
                              f"({', '.join(experiment.factor_names)})")
    runs = run_outputs(sweep, swept)
    names = [o.name for o in swept.outputs]
    points = runs.groupby("design_point")[[*experiment.factor_names, *names]].agg(
        {**dict.fromkeys(experiment.factor_names, "first"), **dict.fromkeys(names, "mean")})
    for c in spec.constraints:
        if c.high is not None:
            points = points[points[c.stat.output] <= c.high]
        if c.low is not None:
            points = points[points[c.stat.output] >= c.low]
    first = spec.objectives[0]
    points = points.sort_values(first.stat.output, ascending=first.sense == "min")
    best = points.head(COMPARED_MIXES)
    mixes = [{n: _native(row[n]) for n in experiment.factor_names} for _, row in best.iterrows()]
    sources = [f"lhs point {int(p)}" for p in best.index]
    one_world = list(best[first.stat.output])
    if len(front):
        mixes.append({n: _native(front.iloc[0][n]) for n in experiment.factor_names})
        sources.append("front")
        one_world.append(math.nan)
    measured = measure_mixes(mixes) if mixes else np.empty((0, 0))
    stats = [o.stat for o in spec.objectives] + [c.stat for c in spec.constraints]
    rows = []
    for source, mix, world, values in zip(sources, mixes, one_world, measured, strict=True):
        within = all((c.high is None or v <= c.high) and (c.low is None or v >= c.low)
                     for c, v in zip(spec.constraints, values[len(spec.objectives):],
                                     strict=True))
        rows.append({"source": source, **mix, f"one_world_{first.stat.output}": world,
                     **{_column(s): v for s, v in zip(stats, values, strict=True)},
                     "within_constraints": within})
    return pd.DataFrame(rows)


def _objective_matrix(values: np.ndarray, objectives: tuple[Objective, ...]) -> np.ndarray:
    """Objectives as pymoo minimises them: a maximised one negated, a missing one the worst."""
    signs = np.array([-1.0 if o.sense == "max" else 1.0 for o in objectives])
    return np.nan_to_num(values * signs, nan=1e12)


def _constraint_matrix(values: np.ndarray, constraints: tuple[Constraint, ...]) -> np.ndarray:
    """Constraints as pymoo's ``G <= 0``: the distance beyond each limit (a missing value violates)."""
    columns = []
    for k, c in enumerate(constraints):
        v = values[:, k]
        g = np.full(v.shape, -np.inf)
        if c.high is not None:
            g = np.maximum(g, v - c.high)
        if c.low is not None:
            g = np.maximum(g, c.low - v)
        columns.append(np.nan_to_num(g, nan=1e12))
    return np.column_stack(columns)


def hypervolumes(fronts: list[np.ndarray]) -> list[float]:
    """Hypervolume of each generation's front, objectives scaled to what all fronts span.

    The scaling and the reference point (1.1 in every scaled objective) are the same for
    every generation, so the values are comparable: they rise as the front advances.
    """
    from pymoo.indicators.hv import HV

    filled = [f for f in fronts if len(f)]
    if not filled:
        return [math.nan] * len(fronts)
    every = np.vstack(filled)
    ideal, nadir = every.min(axis=0), every.max(axis=0)
    span = np.where(nadir > ideal, nadir - ideal, 1.0)
    indicator = HV(ref_point=np.full(every.shape[1], 1.1))
    return [float(indicator((f - ideal) / span)) if len(f) else 0.0 for f in fronts]


def front_table(unit: np.ndarray, measured: np.ndarray, factors: Any, spec: SearchSpec,
                levers_of: Any) -> pd.DataFrame:
    """One row per front mix: lever values, then each objective and constraint statistic."""
    rows = []
    stats = [o.stat for o in spec.objectives] + [c.stat for c in spec.constraints]
    for u, values in zip(unit, measured, strict=True):
        row = levers_of(u)
        for s, v in zip(stats, values, strict=True):
            row[_column(s)] = v
        rows.append(row)
    columns = [f.name for f in factors] + list(dict.fromkeys(_column(s) for s in stats))
    table = pd.DataFrame(rows, columns=columns)
    # Two members can differ in the search's unit space and still be one mix (a switch on
    # the same side of 0.5, a whole number rounded alike): the table lists each mix once.
    table = table.drop_duplicates(subset=[f.name for f in factors])
    first = _column(spec.objectives[0].stat)
    ascending = spec.objectives[0].sense == "min"
    return table.sort_values(first, ascending=ascending, kind="stable").reset_index(drop=True)


def _column(stat: Statistic) -> str:
    if stat.statistic == "quantile":
        return f"{stat.output}_q{round(stat.q * 100):02d}"
    return f"{stat.output}_{stat.statistic}"


def _stat_title(column: str, spec: SearchSpec, experiment: Any) -> str:
    """A front statistic's axis title: ``Real content share (10th percentile)``."""
    from sim.labels import LabelError, label

    for s in [o.stat for o in spec.objectives] + [c.stat for c in spec.constraints]:
        if _column(s) == column:
            try:
                name = label(experiment.output(s.output).column, with_unit=False)
            except LabelError:
                name = s.output
            how = (f"{_ordinal(round(s.q * 100))} percentile" if s.statistic == "quantile"
                   else s.statistic)
            return f"{name} ({how})"
    return column


def _native(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


# ------------------------------------------------------------------------ outputs
def write(result: SearchResult, experiment: Any, spec: SearchSpec) -> None:
    """Write the front, convergence and structural sample tables, the figures and the report."""
    from sim.store import atomic_write_text

    out = result.directory
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "front.csv", result.front.to_csv(index=False))
    atomic_write_text(out / "convergence.csv", result.convergence.to_csv(index=False))
    atomic_write_text(out / "structure.csv", result.structure.to_csv(index_label="point"))
    if len(result.comparison):
        atomic_write_text(out / "comparison.csv", result.comparison.to_csv(index=False))
    if len(result.front):
        figure_parallel(result.front, experiment, spec, out / "figures" / "front_parallel")
    figure_convergence(result.convergence, out / "figures" / "convergence")
    atomic_write_text(out / "report.md", report(result, experiment, spec))


def mix_text(row: pd.Series, factors: Any) -> str:
    """A front mix in words: ``Subsidy per content partnership 2.1 MU/step, ...``."""
    from sim.labels import label

    parts = []
    for f in factors:
        value = row[f.name]
        shown = ("yes" if value else "no") if f.kind is bool else f"{sig(value)}"
        parts.append(f"{label(f.name, with_unit=False).lower()} {shown}")
    return ", ".join(parts)


def report(result: SearchResult, experiment: Any, spec: SearchSpec) -> str:
    """The markdown report: what was searched, the front, convergence."""
    conv = result.convergence
    runs = result.computed + result.reused
    lines = [f"# Robust lever search: {experiment.title}", "",
             f"NSGA-II (pymoo), population {spec.population}, {len(conv)} generations; each mix "
             f"run at {spec.structure_sample} points of a Latin hypercube over "
             f"{len(spec.structure)} structural assumptions ({experiment.steps} steps each).",
             "", "Objectives: " + "; ".join(f"{o.sense}imise the {o.stat.describe()}"
                                           for o in spec.objectives) + "."]
    if spec.constraints:
        lines.append("Constraints: " + "; ".join(
            f"{c.stat.describe()}" + (f" <= {c.high:g}" if c.high is not None else "")
            + (f" >= {c.low:g}" if c.low is not None else "") for c in spec.constraints) + ".")
    lines += ["", f"Runs: {runs} ({result.computed} computed in this call, {result.reused} "
              f"reused from the store); {int(conv['evaluations'].iloc[-1])} mixes evaluated.",
              f"Hypervolume (scaled objectives, reference 1.1): {conv['hypervolume'].iloc[0]:.3f} "
              f"after generation 1, {conv['hypervolume'].iloc[-1]:.3f} after generation "
              f"{int(conv['generation'].iloc[-1])}.", ""]
    if result.front.empty:
        lines += ["No mix met the constraints.", ""]
        return "\n".join(lines)
    lines += [f"The front: {len(result.front)} mixes (`front.csv`), best first by "
              f"{spec.objectives[0].stat.describe()}:", ""]
    stat_columns = [c for c in result.front.columns if c not in experiment.factor_names]
    for _, row in result.front.head(5).iterrows():
        values = ", ".join(f"{c} {sig(row[c])}" for c in stat_columns)
        lines.append(f"- {values}: {mix_text(row, experiment.factors)}")
    lines += comparison_lines(result, spec)
    lines += ["", "Every value is a modelling assumption, not data.", ""]
    return "\n".join(lines)


def comparison_lines(result: SearchResult, spec: SearchSpec) -> list[str]:
    """The comparison with a Latin-hypercube sweep, in words (none without one)."""
    table = result.comparison
    if table.empty:
        return []
    first = spec.objectives[0].stat
    robust = _column(first)
    world = f"one_world_{first.output}"
    lhs = table[table["source"] != "front"]
    lines = ["", f"Compared with the Latin-hypercube sweep (`comparison.csv`): its best "
             f"{len(lhs)} mixes within the constraints, judged by their mean {first.output} "
             "in the one world of the base structural values, run over the same structural "
             "sample:", ""]
    for _, row in table.iterrows():
        where = ("" if math.isnan(row[world]) else
                 f"mean {sig(row[world])} in the one world; ")
        values = ", ".join(f"{c} {sig(row[c])}" for c in table.columns
                           if c.startswith(tuple(s.stat.output for s in spec.objectives))
                           and c != world)
        within = "" if row["within_constraints"] else " (breaks the constraints over the sample)"
        lines.append(f"- {row['source']}: {where}{values}{within}")
    kept = lhs[lhs["within_constraints"]]
    if (table["source"] == "front").any():
        front_best = float(table.loc[table["source"] == "front", robust].iloc[0])
        if kept.empty:
            tail = "none of the sweep's best mixes stays within the constraints over the sample."
        else:
            best = kept.sort_values(robust, ascending=spec.objectives[0].sense == "min").iloc[0]
            tail = (f"the best of the sweep's mixes that stay within the constraints over the "
                    f"sample ({best['source']}) {sig(best[robust])}.")
        lines += ["", f"{first.describe().capitalize()}: the front's best mix {sig(front_best)}; "
                  + tail]
    return lines


def figure_parallel(front: pd.DataFrame, experiment: Any, spec: SearchSpec, stem: Path) -> None:
    """Parallel coordinates: one line per front mix over the levers and the objectives.

    Each axis is scaled to its range with its ends labelled; lines are coloured by the
    first objective.
    """
    import matplotlib.pyplot as plt

    from sim.analysis import style
    from sim.figure_style import journal_style
    from sim.labels import label

    levers = experiment.factor_names
    stats = [c for c in front.columns if c not in levers]
    axes_names = levers + stats
    lows, highs = [], []
    for name in levers:
        f = next(f for f in experiment.factors if f.name == name)
        lo, hi = (0.0, 1.0) if f.kind is bool else (f.low, f.high)
        lows.append(lo)
        highs.append(hi)
    for name in stats:
        lo, hi = float(front[name].min()), float(front[name].max())
        lows.append(lo)
        highs.append(hi if hi > lo else lo + 1.0)
    lows, highs = np.array(lows, float), np.array(highs, float)
    scaled = (front[axes_names].astype(float).to_numpy() - lows) / (highs - lows)
    colour = front[stats[0]].astype(float).to_numpy()
    norm = plt.Normalize(colour.min(), colour.max() if colour.max() > colour.min()
                         else colour.min() + 1)
    titles = [label(n, with_unit=False) for n in levers] + [_stat_title(s, spec, experiment)
                                                              for s in stats]
    with journal_style(width="double"):
        fig, ax = plt.subplots(figsize=(7.2, 3.6))
        cmap = plt.get_cmap("cividis")
        for k in range(len(front)):
            ax.plot(range(len(axes_names)), scaled[k], color=cmap(norm(colour[k])), lw=1,
                    alpha=0.85)
        for i in range(len(axes_names)):
            ax.axvline(i, color="0.6", lw=0.5)
            ax.text(i, -0.06, f"{sig(lows[i])}", ha="center", va="top", fontsize=7)
            ax.text(i, 1.04, f"{sig(highs[i])}", ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(axes_names)), titles, rotation=35, ha="right")
        ax.set_yticks([])
        ax.set_ylim(-0.15, 1.12)
        ax.spines["left"].set_visible(False)
        bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax)
        bar.set_label(stats[0])
        style.save(fig, stem)  # PDF, SVG and PNG, like every project figure; closes it


def figure_convergence(convergence: pd.DataFrame, stem: Path) -> None:
    """Hypervolume of the front after each generation."""
    import matplotlib.pyplot as plt

    from sim.analysis import style
    from sim.figure_style import journal_style

    with journal_style():
        fig, ax = plt.subplots()
        ax.plot(convergence["generation"], convergence["hypervolume"], marker="o")
        ax.set_xlabel("generation")
        ax.set_ylabel("hypervolume of the front (scaled)")
        style.save(fig, stem)  # PDF, SVG and PNG, like every project figure; closes it


# ------------------------------------------------------------------------ command line
def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``optimize`` command's options."""
    parser.add_argument("experiment", help="experiment file with an [optimize] table, or a "
                        "shipped experiment's name")
    parser.add_argument("--out", metavar="DIR", help=f"store and output directory (default "
                        f"{DEFAULT_OUT}/<experiment name>); a search started again there "
                        "reuses every stored run")
    parser.add_argument("--generations", type=int, help="override optimize.generations")
    parser.add_argument("--steps", type=int, help="override the file's steps per run")
    parser.add_argument("--compare-sweep", metavar="DIR", help="a finished sweep of the same "
                        "file (python -m sim sweep EXPERIMENT): its best mixes within the "
                        "constraints are run over the same structural sample and compared")
    add_executor_arguments(parser)
    parser.add_argument("--no-progress", "--quiet", "-q", dest="no_progress",
                        action="store_true", help="no line per generation")


def main(args: argparse.Namespace) -> int:
    """Run the search described by ``args``; return the exit code."""
    from sim.sweep.executors import ExecutorError, choice_from_args, make_executor
    from sim.sweep.experiment import ExperimentError, load_experiment, resolve_path

    try:
        experiment = load_experiment(args.experiment).with_overrides(steps=args.steps)
        spec = load_search(resolve_path(args.experiment), experiment)
    except ExperimentError as err:
        return _error(str(err))
    if args.generations is not None and args.generations < 1:
        return _error(f"--generations: {args.generations}: must be 1 or more")
    try:
        choice = choice_from_args(args)
    except ExecutorError as err:
        return _error(str(err))
    directory = Path(args.out) if args.out else DEFAULT_OUT / experiment.name
    print(f"optimize {experiment.name}: NSGA-II, {spec.population} mixes x "
          f"{args.generations or spec.generations} generations, each at "
          f"{spec.structure_sample} structural points; {choice.describe()}; results in "
          f"{directory}", file=sys.stderr)
    try:
        with make_executor(choice) as pool:
            result = search(experiment, spec, directory, executor=pool, jobs=choice.jobs,
                            generations=args.generations, progress=not args.no_progress,
                            compare=Path(args.compare_sweep) if args.compare_sweep else None)
    except ExperimentError as err:
        return _error(str(err))
    except run_failure_types() as err:
        return _error(run_failure(err, args, kept="finished runs are kept in the store"))
    print(f"runs: {result.computed} computed, {result.reused} reused from the store; "
          f"{result.seconds:.0f} s", file=sys.stderr)
    print(f"front of {len(result.front)} mixes in {directory / 'front.csv'}; report in "
          f"{directory / 'report.md'}")
    return 0

