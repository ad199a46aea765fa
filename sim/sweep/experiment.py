"""Read and validate an experiment file (TOML) for a parameter sweep.

An experiment file says what to vary, how, how often and what to measure::

    title = "Subsidy vs audit"
    scenario = "status-quo"          # base scenario (name or path); default: model defaults
    design = "grid"                  # grid | lhs | sobol | morris
    replicates = 5                   # runs per design point (common random numbers)
    steps = 120                      # steps per run (a step is a month)
    seed = 20250101                  # root seed of every replicate seed
    # sample_size = 64               # lhs: points; sobol: N (a power of 2); morris: trajectories
    # second_order = false           # sobol only
    # levels = 4                     # morris only (even)

    [fixed]                          # overrides of the base scenario, same at every point
    n_enterprises = 500

    [vary]                           # the parameters to vary
    subsidy_per_content_step = { low = 0.0, high = 4.0, num = 9 }      # grid: evenly spaced
    audit_prob_per_step = { values = [0.0, 0.05, 0.1, 0.2] }          # grid: listed values
    # service_awareness = { low = 0.1, high = 0.9, dist = "uniform" }  # lhs/sobol/morris
    # subsidy_per_content_step.start_year = { values = [0, 2, 4] }      # a lever's timing

    # [timing]                       # levers that share a timing, and a total budget
    # together = ["subsidy_per_content_step", "subsidy_budget_per_year"]
    # total_budget = 6000.0          # subsidy_budget_per_year = total / years it is on

    [outputs]                        # each run reduced to one number per output
    content_share = { column = "content_share", reduce = "mean_last_12" }
    annual_spending = { column = "spending_total", reduce = "sum_last_12" }

    [analysis]
    main = "content_share"
    phase = { x = "subsidy_per_content_step", y = "audit_prob_per_step", threshold = 0.25 }
    # phase.by = a third factor: one panel per value; response_by: one curve per value

What each design can take (the rule every error message repeats):

- ``grid``: every type. Floats and ints by ``values`` or ``low``/``high``/``num``
  (evenly spaced; ints must land on whole numbers); bools and strings by
  ``values`` only.
- ``lhs``, ``sobol``, ``morris``: floats and ints by ``low``/``high`` with an
  optional ``dist`` (``uniform``, ``loguniform``, ``triangular`` with
  ``mode``). Ints are sampled as reals and rounded to the nearest whole number
  (documented bias at the range ends: the two end values get half the
  probability of inner ones). Bools only as ``values = [false, true]``: a
  uniform draw rounded to 0/1 (false below 0.5). Strings cannot be sampled:
  vary them in a grid, or fix them.

Timing factors: ``<lever>.<key>`` varies one key of the lever's schedule
(sim/schedules.py): ``start_year``, ``end_year``, ``duration_years`` (end =
start + duration), ``ramp_years`` or ``value``; a lever given as a number in
the base becomes a schedule on at that number. ``[timing]`` lists levers that
take the same timing values (``together``) and a ``total_budget`` (MU) that sets
``subsidy_budget_per_year`` to the total over the years it is on within the run.

Every error is an :class:`ExperimentError` whose text reads
``<file>: <place>: <message>`` and names the allowed values.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim import outputs as model_outputs
from sim.analysis.reduce import end_of_run
from sim.outputs import END_WINDOW, end_rule
from sim.params import ParameterError, Parameters, Spec, check_names, specs

DESIGNS = ("grid", "lhs", "sobol", "morris", "scenarios")
DISTRIBUTIONS = ("uniform", "loguniform", "triangular")
REDUCERS_HELP = ("end (the column's end-of-run rule), final, mean, min, max, mean_last_N or "
                 "sum_last_N (N a whole number of steps)")
TOP_LEVEL_KEYS = ("name", "title", "description", "scenario", "scenarios", "design", "replicates",
                  "steps",
                  "seed", "sample_size", "second_order", "levels", "fixed", "vary", "outputs",
                  "analysis", "timing", "optimize")
TIMING_TABLE_KEYS = ("together", "total_budget")
FACTOR_KEYS = ("values", "low", "high", "num", "dist", "mode")
ANALYSIS_KEYS = ("main", "phase", "response", "response_by", "budget", "adequacy_tolerance")
PHASE_KEYS = ("x", "y", "by", "output", "threshold")
BUDGET_KEYS = ("cost", "output", "limit")
#: Default experiments folder, searched when a bare name is given.
EXPERIMENTS_DIR = Path(__file__).resolve().parents[2] / "experiments"
#: Default form/content boundary on the phase diagram: a quarter of active
#: partnerships at content depth (the status quo has under 1 %).
DEFAULT_THRESHOLD = 0.25
#: Replicate adequacy: the CV has stabilised at n when it stays within this
#: relative distance of its value at the full replicate count from n on.
DEFAULT_ADEQUACY_TOLERANCE = 0.05
DEFAULT_OUTPUTS = {"content_share": {"column": "content_share", "reduce": "end"}}


class ExperimentError(ValueError):
    """An experiment file (or an override of it) is not acceptable.

    ``str(err)`` reads ``<file>: <place>: <message>``.
    """

    def __init__(self, file: str, place: str, message: str):
        super().__init__(f"{file}: {place}: {message}")
        self.file = file
        self.place = place
        self.message = message


@dataclass(frozen=True)
class Factor:
    """One varied parameter and how its values are chosen.

    Attributes:
        name: parameter name (a field of :class:`sim.params.Parameters`).
        kind: the parameter's Python type (float, int, bool or str).
        spec: the parameter's declared range, unit and meaning.
        values: explicit values (grid only), or None.
        low: lower bound of a range, or None.
        high: upper bound of a range, or None.
        num: number of evenly spaced grid values in ``[low, high]``, or None.
        dist: distribution over ``[low, high]`` for sampled designs.
        mode: peak of a triangular distribution.
    """

    name: str
    kind: type
    spec: Spec
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    num: int | None = None
    dist: str = "uniform"
    mode: float | None = None

    def grid_values(self) -> list[Any]:
        """The values a grid design takes for this factor, in order."""
        if self.values is not None:
            return list(self.values)
        points = np.linspace(self.low, self.high, self.num)
        if self.kind is int:
            return [int(round(v)) for v in points]
        return [float(v) for v in points]

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of the unit interval to parameter values (inverse CDF, then rounding).

        Args:
            u: values in [0, 1].

        Returns:
            Parameter values (ints rounded to the nearest whole number).
        """
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.kind is bool:
            return u >= 0.5
        lo, hi = float(self.low), float(self.high)
        if self.dist == "loguniform":
            x = np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))
        elif self.dist == "triangular":
            c = (float(self.mode) - lo) / (hi - lo)
            left = lo + np.sqrt(u * (hi - lo) * (self.mode - lo))
            right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - self.mode))
            x = np.where(u < c, left, right)
        else:
            x = lo + u * (hi - lo)
        x = np.clip(x, lo, hi)
        if self.kind is int:
            return np.rint(x).astype(np.int64)
        return x

    def describe(self) -> str:
        """A short human-readable description of the values taken."""
        if self.values is not None:
            return "values " + ", ".join(_fmt(v) for v in self.values)
        if self.num is not None:
            return f"{self.num} values in [{_fmt(self.low)}, {_fmt(self.high)}]"
        extra = f", mode {_fmt(self.mode)}" if self.dist == "triangular" else ""
        return f"{self.dist} on [{_fmt(self.low)}, {_fmt(self.high)}]{extra}"


@dataclass(frozen=True)
class Output:
    """A scalar output of interest: one column of the per-step table, reduced per run.

    Attributes:
        name: the output's name in sweep tables.
        column: the per-step column of :data:`sim.outputs.COLUMNS` it reads.
        reduce: ``end`` (the column's end-of-run rule, as in scenario batches:
            :data:`sim.outputs.END_RULES`), ``final``, ``mean``, ``min``, ``max``,
            ``mean_last_N`` or ``sum_last_N``. On a ratio column (e.g.
            ``leakage_share``) a mean or sum over a window is the ratio of the
            summed numerator and denominator over that window, never a mean of
            per-step ratios.
    """

    name: str
    column: str
    reduce: str = "end"

    def columns(self) -> tuple[str, ...]:
        """The per-step columns :meth:`apply` reads."""
        return tuple(dict.fromkeys((self.column, *end_rule(self.column).columns(self.column))))

    def apply(self, frame: Any) -> float:
        """Reduce one run's per-step table (row 0 = initial state) to a number.

        NaN values (e.g. ``approval_delay`` before the first approval) are
        ignored; an all-NaN window gives NaN.

        Args:
            frame: the run's per-step table: ``step`` and :meth:`columns`, in step order.
        """
        kind, n = parse_reducer(self.reduce)
        ratio = end_rule(self.column).kind == "ratio"
        if kind == "end" or (ratio and kind in ("mean", "sum")):
            window = END_WINDOW if kind == "end" else (n or len(frame))
            run = frame.assign(_run=0)
            return float(end_of_run(run, window=window, keys=("_run",),
                                    outputs=[self.column])[self.column].iloc[0])
        values = np.asarray(frame[self.column], dtype=float)
        if kind == "final":
            return float(values[-1])
        window = values[-n:] if n else values
        if np.isnan(window).all():
            return float("nan")
        return float({"mean": np.nanmean, "sum": np.nansum, "min": np.nanmin,
                      "max": np.nanmax}[kind](window))

    def describe(self) -> str:
        """A label for axes and tables, e.g. ``content_share (mean of last 12 steps)``."""
        kind, n = parse_reducer(self.reduce)
        rule = end_rule(self.column)
        if kind == "end":
            return f"{self.column} ({rule.describe()})"
        if rule.kind == "ratio" and kind in ("mean", "sum"):
            span = f"last {n} steps" if n else "the run"
            return f"{self.column} (sum of {rule.numerator} / sum of {rule.denominator} over {span})"
        how = {"final": "at the last step", "mean": "mean over the run",
               "min": "minimum over the run", "max": "maximum over the run"}.get(kind)
        if n:
            how = f"{'mean' if kind == 'mean' else 'sum'} of last {n} steps"
        return f"{self.column} ({how})"


@dataclass(frozen=True)
class PhaseSpec:
    """Phase diagram: mean of ``output`` over two factors, boundary at ``threshold``.

    With ``by``, one panel per value of a third factor.
    """

    x: str
    y: str
    output: str
    threshold: float = DEFAULT_THRESHOLD
    by: str | None = None


@dataclass(frozen=True)
class BudgetSpec:
    """Policy mix under a budget: ``output`` against ``cost``, mixes with cost <= ``limit``."""

    cost: str
    output: str
    limit: float


@dataclass(frozen=True)
class TimingSpec:
    """How timing factors apply: levers that share them, and a total budget.

    Attributes:
        together: levers that take the same timing values as any one of them.
        total_budget: total subsidy budget (MU) over the run, or None: with it,
            ``subsidy_budget_per_year`` is this over the years it is on.
    """

    together: tuple[str, ...] = ()
    total_budget: float | None = None


@dataclass(frozen=True)
class AnalysisSpec:
    """What ``python -m sim analyze`` makes beyond the defaults of the design."""

    main: str
    phase: PhaseSpec | None = None
    response: tuple[str, ...] = ()
    response_by: str | None = None
    budget: BudgetSpec | None = None
    adequacy_tolerance: float = DEFAULT_ADEQUACY_TOLERANCE


@dataclass(frozen=True)
class ScenarioPoint:
    """One named scenario of a ``scenarios`` design: a design point with a name.

    Attributes:
        name: the scenario's name (run ids are ``<name>-r<NNN>``).
        title: its one-line title.
        path: the scenario file.
        params: its parameter values that differ from the model defaults, with
            the experiment's ``[fixed]`` applied.
        extends: the scenario's chain of parents, nearest first.
        provenance: parameter name to its ``source``.
    """

    name: str
    title: str
    path: str
    params: dict[str, Any]
    extends: tuple[str, ...] = ()
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: base parameters, design, replicates, outputs and analysis.

    Attributes:
        name: short name (file stem unless given).
        title: one-line title for figures and reports.
        description: what the experiment asks.
        path: the file it was read from.
        scenario: the base scenario's name or path ('' = model defaults).
        base: base scenario parameters with ``[fixed]`` applied.
        design: ``grid``, ``lhs``, ``sobol`` or ``morris``.
        factors: the varied parameters, in file order.
        replicates: runs per design point.
        steps: steps per run.
        seed: root seed of the replicate seeds.
        sample_size: lhs points, Sobol N, or Morris trajectories (None for grids).
        second_order: Sobol second-order indices (doubles the runs).
        levels: Morris grid levels.
        outputs: scalar outputs of interest.
        analysis: what the analysis makes.
        fixed: the ``[fixed]`` overrides as written.
        scenarios: the named scenarios of a ``scenarios`` design (a scenario
            batch is this design), empty otherwise.
    """

    name: str
    title: str
    description: str
    path: str
    scenario: str
    base: Parameters
    design: str
    factors: tuple[Factor, ...]
    replicates: int
    steps: int
    seed: int
    sample_size: int | None
    second_order: bool
    levels: int
    outputs: tuple[Output, ...]
    analysis: AnalysisSpec
    fixed: dict[str, Any] = field(default_factory=dict)
    scenarios: tuple[ScenarioPoint, ...] = ()
    timing: TimingSpec = field(default_factory=TimingSpec)

    @property
    def factor_names(self) -> list[str]:
        """Names of the varied parameters."""
        return [f.name for f in self.factors]

    def output(self, name: str) -> Output:
        """The output called ``name``."""
        return next(o for o in self.outputs if o.name == name)

    def salib_problem(self) -> dict[str, Any]:
        """The SALib ``problem`` in parameter units (names and bounds), for reports."""
        return {"num_vars": len(self.factors), "names": self.factor_names,
                "bounds": [[f.low, f.high] for f in self.factors]}

    def with_overrides(self, *, replicates: int | None = None, sample_size: int | None = None,
                       steps: int | None = None) -> Experiment:
        """A copy with command-line overrides applied and checked like the file's values.

        Args:
            replicates: runs per design point.
            sample_size: lhs points, Sobol N or Morris trajectories.
            steps: steps per run.
        """
        changes: dict[str, Any] = {}
        where = "command line"
        if replicates is not None:
            changes["replicates"] = _positive_int(replicates, self.path, f"{where}: --replicates")
        if steps is not None:
            changes["steps"] = _positive_int(steps, self.path, f"{where}: --steps")
        if sample_size is not None:
            if self.design == "grid":
                raise ExperimentError(self.path, f"{where}: --sample-size",
                                      "a grid design has no sample size (its size is the "
                                      "product of the factors' value counts)")
            changes["sample_size"] = _check_sample_size(self.design, sample_size, self.path,
                                                        f"{where}: --sample-size")
        new = dataclasses.replace(self, **changes)
        _check_reducer_windows(new, where=f"{where}: --steps")
        return new

    def to_dict(self) -> dict[str, Any]:
        """A plain description (for ``DIR/experiment.json`` and fingerprints)."""
        return {
            "name": self.name, "title": self.title, "description": self.description,
            "path": self.path, "scenario": self.scenario, "design": self.design,
            "replicates": self.replicates, "steps": self.steps, "seed": self.seed,
            "sample_size": self.sample_size, "second_order": self.second_order,
            "levels": self.levels, "fixed": self.fixed,
            "base": self.base.to_dict(),
            "factors": [{k: v for k, v in dataclasses.asdict(f).items()
                         if k not in ("kind", "spec")} | {"type": f.kind.__name__}
                        for f in self.factors],
            "outputs": [dataclasses.asdict(o) for o in self.outputs],
            "analysis": dataclasses.asdict(self.analysis),
            "scenarios": [dataclasses.asdict(p) for p in self.scenarios],
            "timing": dataclasses.asdict(self.timing),
        }

    def point_params(self, values: Mapping[str, Any], base: Mapping[str, Any] | None = None
                     ) -> dict[str, Any]:
        """The parameters of one design point: the base with ``values`` (timing factors too).

        ``base`` is ``self.base.to_dict()``, passed in by a planner making many points.
        """
        from sim import schedules

        base = self.base.to_dict() if base is None else base
        if not any("." in name for name in values) and self.timing.total_budget is None:
            return {**base, **values}
        return schedules.apply_timing(base, values, together=self.timing.together,
                                      total_budget=self.timing.total_budget,
                                      run_years=self.steps / schedules.STEPS_PER_YEAR)


# ---------------------------------------------------------------------- loading
def resolve_path(name_or_path: str | Path) -> Path:
    """Find an experiment file: a path, or a name in ``experiments/`` (``.toml`` optional).

    Args:
        name_or_path: e.g. ``subsidy-vs-audit`` or ``experiments/subsidy-vs-audit.toml``.

    Raises:
        ExperimentError: when no such file exists (lists the shipped experiments).
    """
    path = Path(name_or_path)
    candidates = [path, path.with_suffix(".toml") if path.suffix != ".toml" else path]
    if len(path.parts) == 1:
        candidates += [EXPERIMENTS_DIR / path.name, EXPERIMENTS_DIR / f"{path.stem}.toml"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    shipped = ", ".join(list_experiments()) or "none"
    raise ExperimentError(str(name_or_path), "file", f"no such experiment file; shipped "
                          f"experiments: {shipped}")


def list_experiments() -> list[str]:
    """Names of the experiments shipped in ``experiments/``."""
    return sorted(p.stem for p in EXPERIMENTS_DIR.glob("*.toml"))


def load_experiment(name_or_path: str | Path) -> Experiment:
    """Read and validate an experiment file.

    Args:
        name_or_path: a path, or the name of a file in ``experiments/``.

    Raises:
        ExperimentError: for any problem, naming file, key and allowed values.
    """
    path = resolve_path(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ExperimentError(str(path), "TOML syntax", str(err)) from None
    return parse_experiment(data, path=str(path))


def parse_experiment(data: Mapping[str, Any], *, path: str = "<experiment>") -> Experiment:
    """Validate an experiment given as a mapping (the parsed TOML).

    Args:
        data: the file's content.
        path: the file name used in messages.

    Raises:
        ExperimentError: for any problem, naming file, key and allowed values.
    """
    if data.get("kind") == "robustness":  # experiments/robustness.toml has its own command
        raise ExperimentError(path, "kind", "a robustness analysis: run it with python -m sim "
                              "robustness (not sim sweep)")
    _check_keys(data, TOP_LEVEL_KEYS, path, "top level")
    # [optimize] is read and checked by python -m sim optimize (sim/explore/optimize.py); a
    # sweep of the same file runs its [vary] design as it is.
    design = data.get("design", "grid")
    if design not in DESIGNS:
        raise ExperimentError(path, "design", f"{design!r} is not a design; allowed: "
                              f"{', '.join(DESIGNS)}")
    base, scenario = _base_parameters(data, path)
    fixed = dict(_table(data, "fixed", path))
    try:
        check_names(fixed, where="")
        base = Parameters.from_mapping({**base.to_dict(), **fixed})
    except ParameterError as err:
        raise ExperimentError(path, f"fixed.{err.field_name}", str(err)) from None

    vary = _timing_names(_table(data, "vary", path), path)
    timing = _parse_timing(_table(data, "timing", path), path)
    points: tuple[ScenarioPoint, ...] = ()
    if design == "scenarios":
        points = _scenario_points(data, fixed, path)
        if vary:
            raise ExperimentError(path, "vary", "a scenarios design runs the listed scenarios "
                                  "as they are; vary parameters in a grid design, or fix them "
                                  "in [fixed]")
    elif "scenarios" in data:
        raise ExperimentError(path, "scenarios", f"applies to design 'scenarios' only (this "
                              f"is design {design!r}; its base is the key 'scenario')")
    if not vary and design != "scenarios":
        raise ExperimentError(path, "vary", "no parameter to vary; add e.g. "
                              "[vary] subsidy_per_content_step = { low = 0.0, high = 4.0, "
                              "num = 5 }")
    try:
        check_names({n: v for n, v in vary.items() if "." not in n})
    except ParameterError as err:
        raise ExperimentError(path, f"vary.{err.field_name}", str(err)) from None
    kinds = {n: (t, s) for n, _, t, s in specs()}
    kinds.update({n: _timing_kind(n, path) for n in vary if "." in n})
    factors = []
    for name, entry in vary.items():
        if name in fixed:
            raise ExperimentError(path, f"vary.{name}", "is also set in [fixed]; a parameter "
                                  "is either fixed or varied")
        kind, spec_ = kinds[name]
        factors.append(_parse_factor(name, entry, kind, spec_, design, path))

    replicates = _positive_int(data.get("replicates", 1), path, "replicates")
    steps = _positive_int(data.get("steps", 120), path, "steps")
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ExperimentError(path, "seed", f"{seed!r}: must be a whole number >= 0")
    sample_size = None
    if design in ("grid", "scenarios"):
        for key in ("sample_size", "second_order", "levels"):
            if key in data:
                raise ExperimentError(path, key, f"does not apply to a {design} design (it "
                                      "applies to lhs, sobol or morris)")
    else:
        if "sample_size" not in data:
            raise ExperimentError(path, "sample_size", f"required by design {design!r}: "
                                  + _SAMPLE_SIZE_RULE[design])
        sample_size = _check_sample_size(design, data["sample_size"], path, "sample_size")
    second_order = data.get("second_order", False)
    if "second_order" in data and design != "sobol":
        raise ExperimentError(path, "second_order", "applies to design 'sobol' only")
    if not isinstance(second_order, bool):
        raise ExperimentError(path, "second_order", f"{second_order!r}: must be true or false")
    levels = data.get("levels", 4)
    if "levels" in data and design != "morris":
        raise ExperimentError(path, "levels", "applies to design 'morris' only")
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2 or levels % 2:
        raise ExperimentError(path, "levels", f"{levels!r}: Morris levels must be an even whole "
                              "number >= 2 (4 is usual)")
    outs = _parse_outputs(data.get("outputs", DEFAULT_OUTPUTS), path)
    names = [f.name for f in factors]
    analysis = _parse_analysis(_table(data, "analysis", path), names, outs, path)
    if design == "sobol" and len(factors) < 2:
        raise ExperimentError(path, "vary", "a Sobol design needs at least 2 varied parameters")

    stem = Path(path).stem
    experiment = Experiment(
        name=str(data.get("name", stem)), title=str(data.get("title", stem)),
        description=str(data.get("description", "")).strip(), path=path, scenario=scenario,
        base=base, design=design, factors=tuple(factors), replicates=replicates, steps=steps,
        seed=seed, sample_size=sample_size, second_order=second_order, levels=levels,
        outputs=outs, analysis=analysis, fixed=fixed, scenarios=points, timing=timing)
    _check_reducer_windows(experiment, where="steps")
    _check_points(experiment)
    return experiment


def _timing_names(vary: Mapping[str, Any], path: str) -> dict[str, Any]:
    """``[vary]`` with TOML's nested form of ``lever.key = {...}`` written as dotted names."""
    from sim.schedules import TIMING_FACTOR_KEYS

    out: dict[str, Any] = {}
    for name, entry in vary.items():
        if isinstance(entry, Mapping) and entry and all(k in TIMING_FACTOR_KEYS for k in entry):
            for key, inner in entry.items():
                out[f"{name}.{key}"] = inner
        else:
            out[name] = entry
    return out


def _timing_kind(name: str, path: str) -> tuple[type, Spec]:
    """Type and range of timing factor ``<lever>.<key>``."""
    from sim.schedules import TIMING_FACTOR_KEYS, timing_spec

    lever, _, key = name.partition(".")
    try:
        return timing_spec(lever, key)
    except ParameterError as err:
        raise ExperimentError(path, f"vary.{name}", f"{err} (timing keys: "
                              f"{', '.join(TIMING_FACTOR_KEYS)})") from None


def _parse_timing(table: Mapping[str, Any], path: str) -> TimingSpec:
    from sim.params import lever_names
    from sim.schedules import INITIAL_ONLY

    _check_keys(table, TIMING_TABLE_KEYS, path, "timing")
    together = table.get("together", [])
    allowed = [n for n in lever_names() if n not in INITIAL_ONLY]
    if not isinstance(together, list) or any(n not in allowed for n in together):
        raise ExperimentError(path, "timing.together", f"{together!r}: must be a list of lever "
                              f"names; allowed: {', '.join(allowed)}")
    total = table.get("total_budget")
    if total is not None and (isinstance(total, bool) or not isinstance(total, int | float)
                              or not math.isfinite(total) or total < 0):
        raise ExperimentError(path, "timing.total_budget", f"{total!r}: must be a number of MU "
                              ">= 0 (the subsidy budget over the whole run)")
    return TimingSpec(together=tuple(together),
                      total_budget=float(total) if total is not None else None)


def _check_points(experiment: Experiment) -> None:
    """With timing factors, check the corner design points give valid parameters now."""
    timing = [f for f in experiment.factors if "." in f.name]
    if not timing:
        return
    for pick in (min, max):
        values = {f.name: pick(f.grid_values()) if f.values is not None or f.num else
                  pick(f.low, f.high) for f in experiment.factors}
        try:
            Parameters.from_mapping(experiment.point_params(values))
        except ParameterError as err:
            raise ExperimentError(experiment.path, f"vary.{err.field_name}",
                                  f"at the {'lowest' if pick is min else 'highest'} values of "
                                  f"the factors: {err}") from None


# ------------------------------------------------------------------- helpers
_SAMPLE_SIZE_RULE = {
    "lhs": "the number of design points, a whole number >= 2",
    "sobol": "Saltelli's base sample N, a power of 2 >= 2 (e.g. 16, 32, 64); runs per "
             "replicate are N * (D + 2), or N * (2D + 2) with second_order",
    "morris": "the number of trajectories, a whole number >= 2 (runs per replicate are "
              "trajectories * (D + 1))",
}


def _check_sample_size(design: str, value: Any, path: str, place: str) -> int:
    rule = _SAMPLE_SIZE_RULE[design]
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise ExperimentError(path, place, f"{value!r} cannot be used: {rule}")
    if design == "sobol" and value & (value - 1):
        lower = 1 << (value.bit_length() - 1)
        raise ExperimentError(path, place, f"{value} cannot be used by Sobol: {rule}; nearest "
                              f"powers of 2 are {lower} and {lower * 2}")
    return value


def _check_reducer_windows(experiment: Experiment, *, where: str) -> None:
    for out in experiment.outputs:
        _, n = parse_reducer(out.reduce)
        if n and n > experiment.steps:
            raise ExperimentError(experiment.path, where,
                                  f"{experiment.steps} steps is fewer than the {n}-step window "
                                  f"of output {out.name!r} ({out.reduce})")


def parse_reducer(text: str) -> tuple[str, int]:
    """Split a reducer name into its kind and window (0 = the whole run).

    Args:
        text: ``end``, ``final``, ``mean``, ``min``, ``max``, ``mean_last_N`` or ``sum_last_N``.

    Returns:
        ``(kind, n)``, e.g. ``("mean", 12)`` for ``mean_last_12``.

    Raises:
        ValueError: for an unknown reducer.
    """
    if text in ("end", "final", "mean", "min", "max"):
        return text, 0
    match = re.fullmatch(r"(mean|sum)_last_([1-9][0-9]*)", str(text))
    if not match:
        raise ValueError(f"{text!r} is not a reducer; allowed: {REDUCERS_HELP}")
    return match.group(1), int(match.group(2))


def _base_parameters(data: Mapping[str, Any], path: str) -> tuple[Parameters, str]:
    scenario = data.get("scenario", "")
    if not isinstance(scenario, str):
        raise ExperimentError(path, "scenario", f"{scenario!r}: must be a scenario name or path")
    if not scenario:
        return Parameters(), ""
    from sim.scenarios import ScenarioError, list_scenarios

    try:
        loaded = _load_beside(scenario, path)
    except ScenarioError as err:
        try:
            known = ", ".join(list_scenarios())
        except Exception:  # noqa: BLE001 - the list is only a hint
            known = ""
        hint = f" (shipped scenarios: {known})" if known else ""
        raise ExperimentError(path, "scenario", f"{err}{hint}") from None
    return loaded.params, scenario


def _load_beside(name: str, experiment_path: str) -> Any:
    """Load a scenario named in an experiment file: a path is read beside that file first.

    Raises:
        sim.scenarios.ScenarioError: the scenario cannot be found or read.
    """
    from sim.scenarios import load_scenario

    target: str | Path = name
    if "/" in name or name.endswith(".toml"):
        candidate = Path(experiment_path).parent / name
        target = candidate if candidate.is_file() else name
    return load_scenario(target)


def _scenario_points(data: Mapping[str, Any], fixed: Mapping[str, Any], path: str
                     ) -> tuple[ScenarioPoint, ...]:
    """Load the scenarios of a ``scenarios`` design, with ``[fixed]`` applied to each."""
    names = data.get("scenarios")
    if "scenario" in data:
        raise ExperimentError(path, "scenario", "a scenarios design has no base scenario; list "
                              "the scenarios in 'scenarios' (and common values in [fixed])")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ExperimentError(path, "scenarios", f"{names!r}: design 'scenarios' needs a "
                              'non-empty list of scenario names or paths, e.g. scenarios = '
                              '["ruian-status-quo", "full-package"]')
    from sim.scenarios import ScenarioError

    points = []
    for name in names:
        try:
            loaded = _load_beside(name, path)
        except ScenarioError as err:
            raise ExperimentError(path, "scenarios", str(err)) from None
        points.append(scenario_point(loaded, fixed, path=path))
    seen = [p.name for p in points]
    dupes = sorted({n for n in seen if seen.count(n) > 1})
    if dupes:
        raise ExperimentError(path, "scenarios", f"{', '.join(dupes)} given more than once (a "
                              "batch names each scenario once)")
    return tuple(points)


def scenario_point(scenario: Any, fixed: Mapping[str, Any] | None = None, *,
                   path: str = "<experiment>") -> ScenarioPoint:
    """The design point of a loaded :class:`sim.scenarios.Scenario` (``fixed`` applied).

    Raises:
        ExperimentError: a ``fixed`` value is out of range for this scenario.
    """
    params = scenario.params
    if fixed:
        try:
            params = Parameters.from_mapping({**params.to_dict(), **fixed})
        except ParameterError as err:
            raise ExperimentError(path, f"fixed.{err.field_name}", str(err)) from None
    return ScenarioPoint(name=scenario.name, title=scenario.title, path=str(scenario.path),
                         params=params.changed(), extends=tuple(scenario.extends),
                         provenance=dict(scenario.provenance))


def scenarios_experiment(scenarios: Any, *, replicates: int, steps: int, seed: int,
                         name: str = "", title: str = "") -> Experiment:
    """The experiment of a scenario batch: design ``scenarios``, every output by its rule.

    ``sim run`` plans, runs and summarises through this, so a batch is a sweep
    whose design is a list of named scenarios.

    Args:
        scenarios: loaded scenarios (:func:`sim.scenarios.load_scenario`).
        replicates: runs per scenario.
        steps: steps per run.
        seed: root seed of the replicate seeds.
        name: the experiment's name (default: the scenario names joined).
        title: its title.
    """
    points = tuple(scenario_point(s) for s in scenarios)
    label = name or "-vs-".join(p.name for p in points)
    outs = tuple(Output(c, c, "end") for c in model_outputs.COLUMNS)
    return Experiment(
        name=label, title=title or f"Scenario batch: {', '.join(p.name for p in points)}",
        description="", path="(command line)", scenario="", base=Parameters(),
        design="scenarios", factors=(), replicates=replicates, steps=steps, seed=seed,
        sample_size=None, second_order=False, levels=4, outputs=outs,
        analysis=AnalysisSpec(main="content_share"), scenarios=points)


def _table(data: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ExperimentError(path, key, f"must be a table ([{key}]), got {value!r}")
    return value


def _check_keys(data: Mapping[str, Any], allowed: tuple[str, ...], path: str, place: str) -> None:
    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=2, cutoff=0.6)
            hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
            where = key if place == "top level" else f"{place}.{key}"
            raise ExperimentError(path, where, f"unknown key; {hint}allowed: {', '.join(allowed)}")


def _positive_int(value: Any, path: str, place: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ExperimentError(path, place, f"{value!r}: must be a whole number >= 1")
    return value


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _allowed(kind: type, spec_: Spec) -> str:
    if kind is bool:
        return "true or false"
    if kind is str:
        return "text"
    return f"[{spec_.low:g}, {spec_.high:g}] {spec_.unit}"


def _check_value(name: str, value: Any, place: str, path: str) -> Any:
    if "." in name:  # a timing key: checked as one value of the lever's schedule
        from sim import schedules

        lever, _, key = name.partition(".")
        kind, spec_ = schedules.timing_spec(lever, key)
        if key == "value":
            return _check_value(lever, value, place, path)
        if isinstance(value, bool) or not isinstance(value, int | float) or not (
                spec_.low <= value <= spec_.high):
            raise ExperimentError(path, place, f"{value!r}: must be a number of years in "
                                  f"[{spec_.low:g}, {spec_.high:g}]")
        return float(value)
    try:
        return getattr(Parameters(**{name: value}), name)
    except ParameterError as err:
        raise ExperimentError(path, place, str(err)) from None
    except TypeError:  # unhashable or odd TOML value
        raise ExperimentError(path, place, f"{value!r} is not a parameter value") from None


def _parse_factor(name: str, entry: Any, kind: type, spec_: Spec, design: str,
                  path: str) -> Factor:
    place = f"vary.{name}"
    if isinstance(entry, list):  # shorthand: name = [v1, v2]
        entry = {"values": entry}
    if not isinstance(entry, Mapping):
        raise ExperimentError(path, place, "must be a table, e.g. { values = [...] } or "
                              "{ low = ..., high = ..., num = ... }")
    _check_keys(entry, FACTOR_KEYS, path, place)
    allowed = _allowed(kind, spec_)
    sampled = design != "grid"
    if kind is str and sampled:
        raise ExperimentError(path, place, f"is a text parameter: design {design!r} cannot "
                              "sample it; vary it in a grid design (values = [\"a\", \"b\"]) "
                              "or fix it in [fixed]")
    if kind is bool and sampled and entry.get("values") != [False, True]:
        raise ExperimentError(path, place, f"is a true/false parameter: design {design!r} "
                              "samples it only as values = [false, true] (a uniform draw "
                              "rounded to 0/1: false below 0.5, true from 0.5)")
    if "values" in entry:
        if sampled and kind is not bool:
            raise ExperimentError(path, f"{place}.values", f"a list of values is for grid "
                                  f"designs; design {design!r} needs a range: low and high "
                                  f"within {allowed} (optional dist: {', '.join(DISTRIBUTIONS)})")
        for key in ("low", "high", "num", "dist", "mode"):
            if key in entry:
                raise ExperimentError(path, f"{place}.{key}", "give either values or a range "
                                      "(low, high, num), not both")
        values = entry["values"]
        if not isinstance(values, list) or not values:
            raise ExperimentError(path, f"{place}.values", f"must be a non-empty list of "
                                  f"values in {allowed}")
        checked = tuple(_check_value(name, v, f"{place}.values", path) for v in values)
        if len(set(checked)) != len(checked):
            raise ExperimentError(path, f"{place}.values", "lists a value twice")
        return Factor(name, kind, spec_, values=checked)

    if kind in (bool, str):
        example = "[false, true]" if kind is bool else '["a", "b"]'
        raise ExperimentError(path, place, f"is a {'true/false' if kind is bool else 'text'} "
                              f"parameter: give values = {example}")
    for key in ("low", "high"):
        if key not in entry:
            need = "low, high and num (or values)" if not sampled else "low and high"
            raise ExperimentError(path, f"{place}.{key}", f"missing; a range needs {need}, "
                                  f"within {allowed}")
    low = _check_value(name, entry["low"], f"{place}.low", path)
    high = _check_value(name, entry["high"], f"{place}.high", path)
    if not low < high:
        what = "empty" if low == high else "inverted"
        raise ExperimentError(path, place, f"range [{_fmt(low)}, {_fmt(high)}] is {what}: "
                              f"need low < high, within {allowed}")
    num = None
    if not sampled:
        if "dist" in entry or "mode" in entry:
            raise ExperimentError(path, f"{place}.dist", "a grid takes evenly spaced values "
                                  "(num) or a list (values); dist applies to lhs, sobol, morris")
        num = entry.get("num")
        if isinstance(num, bool) or not isinstance(num, int) or num < 2:
            raise ExperimentError(path, f"{place}.num", f"{num!r}: a grid range needs num, a "
                                  "whole number >= 2 of evenly spaced values (or give values)")
        if kind is int:
            points = np.linspace(low, high, num)
            if not np.allclose(points, np.rint(points)):
                raise ExperimentError(path, f"{place}.num", f"{num} evenly spaced values in "
                                      f"[{low}, {high}] are not whole numbers; {name} is an "
                                      "integer parameter: choose num so that (high - low) / "
                                      "(num - 1) is whole, or give values")
        return Factor(name, kind, spec_, low=low, high=high, num=num)
    if "num" in entry:
        raise ExperimentError(path, f"{place}.num", f"num is for grid designs; design "
                              f"{design!r} sets its size with sample_size")
    dist = entry.get("dist", "uniform")
    if dist not in DISTRIBUTIONS:
        raise ExperimentError(path, f"{place}.dist", f"{dist!r}: allowed "
                              f"{', '.join(DISTRIBUTIONS)}")
    mode = None
    if dist == "loguniform" and low <= 0:
        raise ExperimentError(path, f"{place}.low", f"{_fmt(low)}: a loguniform range needs "
                              "low > 0")
    if dist == "triangular":
        mode = entry.get("mode")
        if isinstance(mode, bool) or not isinstance(mode, int | float) or not (
                low <= mode <= high):
            raise ExperimentError(path, f"{place}.mode", f"{mode!r}: a triangular "
                                  f"distribution needs mode within [{_fmt(low)}, {_fmt(high)}]")
        mode = float(mode)
    elif "mode" in entry:
        raise ExperimentError(path, f"{place}.mode", "applies to dist = 'triangular' only")
    if kind is int and math.floor(high) - math.ceil(low) < 1:
        raise ExperimentError(path, place, f"integer range [{low}, {high}] holds fewer than 2 "
                              "whole numbers")
    return Factor(name, kind, spec_, low=float(low) if kind is float else low,
                  high=float(high) if kind is float else high, dist=dist, mode=mode)


def _parse_outputs(table: Any, path: str) -> tuple[Output, ...]:
    if not isinstance(table, Mapping) or not table:
        raise ExperimentError(path, "outputs", "must be a non-empty table, e.g. [outputs] "
                              'content_share = { column = "content_share", reduce = '
                              '"mean_last_12" }')
    known = list(model_outputs.COLUMNS)
    result = []
    for name, entry in table.items():
        place = f"outputs.{name}"
        if isinstance(entry, str):  # shorthand: name = "mean_last_12", column = name
            entry = {"column": name, "reduce": entry}
        if not isinstance(entry, Mapping):
            raise ExperimentError(path, place, "must be a table { column = ..., reduce = ... }")
        _check_keys(entry, ("column", "reduce"), path, place)
        column = entry.get("column", name)
        if column not in known:
            close = difflib.get_close_matches(str(column), known, n=3, cutoff=0.6)
            hint = (f"did you mean {' or '.join(repr(c) for c in close)}?" if close
                    else "see sim/outputs.py or docs/ODD.md for the output columns")
            raise ExperimentError(path, f"{place}.column", f"{column!r} is not a model "
                                  f"output; {hint}")
        reduce = entry.get("reduce", "end")
        try:
            parse_reducer(reduce)
        except ValueError as err:
            raise ExperimentError(path, f"{place}.reduce", str(err)) from None
        result.append(Output(str(name), column, reduce))
    return tuple(result)


def _parse_analysis(table: Mapping[str, Any], factors: list[str], outs: tuple[Output, ...],
                    path: str) -> AnalysisSpec:
    _check_keys(table, ANALYSIS_KEYS, path, "analysis")
    out_names = [o.name for o in outs]

    def output_name(value: Any, place: str) -> str:
        if value not in out_names:
            raise ExperimentError(path, place, f"{value!r} is not an output of this "
                                  f"experiment; allowed: {', '.join(out_names)}")
        return value

    def factor_name(value: Any, place: str) -> str:
        if value not in factors:
            raise ExperimentError(path, place, f"{value!r} is not a varied parameter; "
                                  f"allowed: {', '.join(factors)}")
        return value

    main = output_name(table.get("main", out_names[0]), "analysis.main")
    phase = None
    if "phase" in table:
        entry = table["phase"]
        if not isinstance(entry, Mapping):
            raise ExperimentError(path, "analysis.phase", "must be a table { x = ..., y = ... }")
        _check_keys(entry, PHASE_KEYS, path, "analysis.phase")
        for key in ("x", "y"):
            if key not in entry:
                raise ExperimentError(path, f"analysis.phase.{key}", f"missing; allowed: "
                                      f"{', '.join(factors)}")
        x = factor_name(entry["x"], "analysis.phase.x")
        y = factor_name(entry["y"], "analysis.phase.y")
        if x == y:
            raise ExperimentError(path, "analysis.phase", "x and y must differ")
        threshold = entry.get("threshold", DEFAULT_THRESHOLD)
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise ExperimentError(path, "analysis.phase.threshold", f"{threshold!r}: must be "
                                  "a number")
        by = entry.get("by")
        if by is not None:
            by = factor_name(by, "analysis.phase.by")
            if by in (x, y):
                raise ExperimentError(path, "analysis.phase.by", "must differ from x and y")
        phase = PhaseSpec(x, y, output_name(entry.get("output", main), "analysis.phase.output"),
                          float(threshold), by)
    response = table.get("response", factors)
    if not isinstance(response, list):
        raise ExperimentError(path, "analysis.response", "must be a list of varied parameters")
    response = tuple(factor_name(r, "analysis.response") for r in response)
    response_by = table.get("response_by")
    if response_by is not None:
        response_by = factor_name(response_by, "analysis.response_by")
    budget = None
    if "budget" in table:
        entry = table["budget"]
        if not isinstance(entry, Mapping):
            raise ExperimentError(path, "analysis.budget", "must be a table { cost = ..., "
                                  "limit = ... }")
        _check_keys(entry, BUDGET_KEYS, path, "analysis.budget")
        limit = entry.get("limit")
        if isinstance(limit, bool) or not isinstance(limit, int | float) or limit <= 0:
            raise ExperimentError(path, "analysis.budget.limit", f"{limit!r}: must be a "
                                  "positive number (MU per year)")
        if "cost" not in entry:
            raise ExperimentError(path, "analysis.budget.cost", f"missing; allowed: "
                                  f"{', '.join(out_names)}")
        budget = BudgetSpec(output_name(entry["cost"], "analysis.budget.cost"),
                            output_name(entry.get("output", main), "analysis.budget.output"),
                            float(limit))
    tol = table.get("adequacy_tolerance", DEFAULT_ADEQUACY_TOLERANCE)
    if isinstance(tol, bool) or not isinstance(tol, int | float) or not 0 < tol < 1:
        raise ExperimentError(path, "analysis.adequacy_tolerance", f"{tol!r}: must be in (0, 1)")
    return AnalysisSpec(main, phase, response, response_by, budget, float(tol))


def experiment_from_dict(data: Mapping[str, Any]) -> Experiment:
    """Rebuild an :class:`Experiment` from :meth:`Experiment.to_dict` (e.g. ``experiment.json``).

    The base parameters are taken as stored (the base scenario file is not
    read again), so a finished sweep can be analysed after scenarios change.

    Args:
        data: the stored description.

    Raises:
        ExperimentError: when a stored parameter or output is no longer known.
    """
    path = str(data.get("path", "experiment.json"))
    kinds = {n: (t, s) for n, _, t, s in specs()}
    kinds.update({e["name"]: _timing_kind(e["name"], path) for e in data["factors"]
                  if "." in e["name"]})
    factors = []
    for entry in data["factors"]:
        name = entry["name"]
        if name not in kinds:
            raise ExperimentError(path, f"factors.{name}", "is no longer a model parameter")
        kind, spec_ = kinds[name]
        values = entry.get("values")
        factors.append(Factor(name, kind, spec_,
                              values=tuple(values) if values is not None else None,
                              low=entry.get("low"), high=entry.get("high"), num=entry.get("num"),
                              dist=entry.get("dist", "uniform"), mode=entry.get("mode")))
    analysis = dict(data["analysis"])
    phase = PhaseSpec(**analysis["phase"]) if analysis.get("phase") else None
    budget = BudgetSpec(**analysis["budget"]) if analysis.get("budget") else None
    try:
        base = Parameters.from_mapping(data.get("base", {}))
    except ParameterError as err:
        raise ExperimentError(path, f"base.{err.field_name}", str(err)) from None
    return Experiment(
        name=data["name"], title=data["title"], description=data.get("description", ""),
        path=path, scenario=data.get("scenario", ""), base=base, design=data["design"],
        factors=tuple(factors), replicates=int(data["replicates"]), steps=int(data["steps"]),
        seed=int(data["seed"]), sample_size=data.get("sample_size"),
        second_order=bool(data.get("second_order", False)), levels=int(data.get("levels", 4)),
        outputs=tuple(Output(**o) for o in data["outputs"]),
        analysis=AnalysisSpec(main=analysis["main"], phase=phase,
                              response=tuple(analysis.get("response", ())),
                              response_by=analysis.get("response_by"), budget=budget,
                              adequacy_tolerance=float(analysis.get(
                                  "adequacy_tolerance", DEFAULT_ADEQUACY_TOLERANCE))),
        fixed=dict(data.get("fixed", {})),
        scenarios=tuple(ScenarioPoint(**{**p, "extends": tuple(p.get("extends", ()))})
                        for p in data.get("scenarios", ())),
        timing=TimingSpec(together=tuple(data.get("timing", {}).get("together", ())),
                          total_budget=data.get("timing", {}).get("total_budget")))
