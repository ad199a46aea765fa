"""Read a robustness file (``experiments/robustness.toml``) into a checked plan.

The file names the status quo (``baseline``), the scenario whose lead over it is
the conclusion at stake (``scenario``), the lever scenarios, and the size of each
stage. What is varied is not in the file: every parameter of the structural
groups of :mod:`sim.params`, over its declared range.

Every error is a :class:`RobustnessError` reading ``<file>: <place>: <message>``.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.params import ParameterError, Parameters, check_names, structural_names
from sim.sweep.experiment import EXPERIMENTS_DIR, ExperimentError

DEFAULT_FILE = EXPERIMENTS_DIR / "robustness.toml"
KIND = "robustness"
TOP_LEVEL_KEYS = ("kind", "title", "description", "baseline", "scenario", "levers", "output",
                  "steps", "seed", "fixed", "morris", "sobol", "per_lever", "reversal",
                  "quick")
#: Stage tables, their keys, and the field of :class:`Sizes` each key sets.
STAGE_KEYS = {
    "morris": {"trajectories": "trajectories", "levels": "levels"},
    "sobol": {"top": "top", "sample_size": "sample_size"},
    "per_lever": {"structures": "structures", "replicates": "lever_replicates"},
    "reversal": {"replicates": "reversal_replicates"},
}
#: Outputs the robustness analysis can judge (content is what the conclusions are about).
OUTPUTS = ("content_share", "depth_index", "practice_share", "skill_match", "reported_content_share")


class RobustnessError(ExperimentError):
    """A robustness file or option is not acceptable (``<file>: <place>: <message>``)."""


@dataclass(frozen=True)
class Sizes:
    """How many runs each stage makes.

    Attributes:
        trajectories: Morris trajectories (runs per scenario: trajectories x (D + 1)).
        levels: Morris grid levels (even).
        top: parameters the Sobol stage varies (largest screening effects).
        sample_size: Saltelli base sample N (a power of 2).
        structures: Latin-hypercube model structures of the per-lever stage.
        lever_replicates: seeds per structure and scenario there.
        reversal_replicates: seeds per end of each parameter in the reversal check.
    """

    trajectories: int = 12
    levels: int = 4
    top: int = 5
    sample_size: int = 64
    structures: int = 64
    lever_replicates: int = 2
    reversal_replicates: int = 4


@dataclass(frozen=True)
class Role:
    """A scenario in the comparison: a short key for directory names, its values and file.

    Attributes:
        key: filesystem-safe name (the scenario's file stem).
        params: every parameter value (the scenario's, with ``[fixed]`` applied).
        source: the file or description it came from, for reports.
    """

    key: str
    params: dict[str, Any]
    source: str


@dataclass(frozen=True)
class Plan:
    """A checked robustness analysis: who is compared, over what, at what size.

    Attributes:
        title: one line.
        description: what it does and why (the file's).
        path: the robustness file.
        baseline: the status quo.
        treatment: the scenario whose lead over the baseline must survive.
        levers: the scenarios compared with the baseline one by one (stage 3).
        output: the output judged.
        steps: steps per run.
        seed: root seed of every stage (same seeds and design points in paired stages).
        fixed: values applied to every scenario (e.g. a smaller county).
        sizes: stage sizes.
        quick: whether ``sizes`` are the file's quick sizes.
        factors: the structural parameters varied, in declaration order.
    """

    title: str
    description: str
    path: str
    baseline: Role
    treatment: Role
    levers: tuple[Role, ...]
    output: str
    steps: int
    seed: int
    fixed: dict[str, Any]
    sizes: Sizes
    quick: bool
    factors: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """A plain description (for ``summary.json``)."""
        return {"title": self.title, "path": self.path, "output": self.output,
                "steps": self.steps, "seed": self.seed, "fixed": self.fixed,
                "quick": self.quick, "sizes": dataclasses.asdict(self.sizes),
                "baseline": {"key": self.baseline.key, "source": self.baseline.source},
                "treatment": {"key": self.treatment.key, "source": self.treatment.source},
                "levers": [{"key": r.key, "source": r.source} for r in self.levers],
                "factors": list(self.factors)}


def load_plan(path: str | Path = DEFAULT_FILE, *, scenario: str | None = None,
              against: str | None = None, quick: bool = False) -> Plan:
    """Read and check a robustness file, with the command line's scenarios applied.

    Args:
        path: the robustness file.
        scenario: a scenario name or file replacing the file's ``scenario``.
        against: a scenario name or file replacing the file's ``baseline``.
        quick: use the file's ``[quick]`` sizes.

    Raises:
        RobustnessError: for any problem in the file.
        sim.scenarios.ScenarioError: a scenario cannot be found or read.
    """
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise RobustnessError(where, "file", "no such robustness file (the shipped one is "
                              f"{DEFAULT_FILE})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise RobustnessError(where, "TOML syntax", str(err)) from None
    return parse_plan(data, path=where, scenario=scenario, against=against, quick=quick)


def parse_plan(data: Mapping[str, Any], *, path: str = "<robustness>",
               scenario: str | None = None, against: str | None = None,
               quick: bool = False) -> Plan:
    """Check a parsed robustness file (see :func:`load_plan`)."""
    from sim.scenarios import load_scenario

    _keys(data, TOP_LEVEL_KEYS, path, "top level")
    if data.get("kind") != KIND:
        raise RobustnessError(path, "kind", f"{data.get('kind')!r}: a robustness file says "
                              f'kind = "{KIND}"')
    fixed = _table(data, "fixed", path)
    structural = structural_names()
    try:
        check_names(fixed)
        Parameters.from_mapping(fixed)
    except ParameterError as err:
        raise RobustnessError(path, f"fixed.{err.field_name}", str(err)) from None
    clash = sorted(set(fixed) & set(structural))
    if clash:
        raise RobustnessError(path, f"fixed.{clash[0]}", "is a structural parameter: the "
                              "robustness analysis varies every one of them over its declared "
                              "range, so none can be fixed")
    output = data.get("output", "content_share")
    if output not in OUTPUTS:
        raise RobustnessError(path, "output", f"{output!r}: allowed {', '.join(OUTPUTS)}")
    steps = _whole(data.get("steps", 120), path, "steps")
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise RobustnessError(path, "seed", f"{seed!r}: must be a whole number >= 0")

    sizes = Sizes()
    for table, keys in STAGE_KEYS.items():
        entry = _table(data, table, path)
        _keys(entry, tuple(keys), path, table)
        sizes = dataclasses.replace(sizes, **{keys[k]: _whole(v, path, f"{table}.{k}")
                                              for k, v in entry.items()})
    if quick:
        entry = _table(data, "quick", path)
        allowed = tuple(f.name for f in dataclasses.fields(Sizes))
        _keys(entry, allowed, path, "quick")
        sizes = dataclasses.replace(sizes, **{k: _whole(v, path, f"quick.{k}")
                                              for k, v in entry.items()})
    _check_sizes(sizes, len(structural), path, "quick" if quick else "")

    def role(name: Any, place: str) -> Role:
        if not isinstance(name, str) or not name:
            raise RobustnessError(path, place, f"{name!r}: must be a scenario name or file")
        loaded = load_scenario(_beside(name, path))
        return Role(_safe(loaded.name), _with_fixed(loaded.params.to_dict(), fixed, path),
                    str(loaded.path))

    shipped_base = role(data.get("baseline", "ruian-status-quo"), "baseline")
    baseline = role(against, "--against") if against else shipped_base
    treatment = role(scenario, "--scenario") if scenario else role(
        data.get("scenario", "full-package"), "scenario")
    if treatment.key == baseline.key:
        raise RobustnessError(path, "--scenario" if scenario else "scenario",
                              f"{treatment.key!r} is also the status quo it is compared with; "
                              "give another scenario (or --against another status quo)")
    names = data.get("levers", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise RobustnessError(path, "levers", f"{names!r}: must be a list of scenario names")
    levers = []
    for name in names:
        lever = role(name, "levers")
        if against:  # a lever is what its file sets beyond the shipped status quo
            own = {k: v for k, v in lever.params.items() if v != shipped_base.params[k]}
            lever = Role(lever.key, {**baseline.params, **own},
                         f"{lever.source}, its own settings on {baseline.key}")
        levers.append(lever)
    if treatment.key not in [r.key for r in levers]:
        levers.append(treatment)
    keys = [baseline.key, *(r.key for r in levers)]
    if len(set(keys)) != len(keys):
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        raise RobustnessError(path, "levers", f"{', '.join(dupes)} named twice (the status "
                              "quo and each lever once; results are named by scenario)")
    return Plan(title=str(data.get("title", "Robustness")),
                description=str(data.get("description", "")).strip(), path=path,
                baseline=baseline, treatment=treatment, levers=tuple(levers), output=output,
                steps=steps, seed=seed, fixed=dict(fixed), sizes=sizes, quick=quick,
                factors=tuple(structural))


def plan_for_params(base: Plan, baseline: Mapping[str, Any], treatment: Mapping[str, Any], *,
                    baseline_key: str, treatment_key: str, source: str) -> Plan:
    """``base`` with scenarios given as values (``sim validate --scenario``: no files).

    The levers become the treatment alone.
    """
    b = Role(_safe(baseline_key), Parameters.from_mapping(baseline).to_dict(), source)
    t = Role(_safe(treatment_key), Parameters.from_mapping(treatment).to_dict(), source)
    return dataclasses.replace(base, baseline=b, treatment=t, levers=(t,))


def _check_sizes(sizes: Sizes, d: int, path: str, table: str) -> None:
    """Refuse sizes no design can take, naming the key as written in the file."""
    places = {field: f"{stage}.{key}" for stage, keys in STAGE_KEYS.items()
              for key, field in keys.items()}

    def place(field: str) -> str:
        return f"{table}.{field}" if table else places[field]

    if sizes.trajectories < 2:
        raise RobustnessError(path, place("trajectories"), "Morris needs at least 2 "
                              "trajectories")
    if sizes.levels < 2 or sizes.levels % 2:
        raise RobustnessError(path, place("levels"), f"{sizes.levels}: Morris levels must "
                              "be an even whole number >= 2 (4 is usual)")
    if not 2 <= sizes.top <= d:
        raise RobustnessError(path, place("top"), f"{sizes.top}: the Sobol stage varies "
                              f"between 2 and {d} parameters")
    n = sizes.sample_size
    if n < 2 or n & (n - 1):
        raise RobustnessError(path, place("sample_size"), f"{n}: Saltelli's N must be a "
                              "power of 2 >= 2 (e.g. 32, 64)")
    if sizes.structures < 2:
        raise RobustnessError(path, place("structures"), "need at least 2 structures")


def _with_fixed(params: dict[str, Any], fixed: Mapping[str, Any], path: str) -> dict[str, Any]:
    try:
        return Parameters.from_mapping({**params, **fixed}).to_dict()
    except ParameterError as err:
        raise RobustnessError(path, f"fixed.{err.field_name}", str(err)) from None


def _beside(name: str, path: str) -> str | Path:
    """A scenario path in the file is read beside the file first (as in experiment files)."""
    if "/" in name or name.endswith(".toml"):
        candidate = Path(path).parent / name
        if candidate.is_file():
            return candidate
    return name


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "scenario"


def _whole(value: Any, path: str, place: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RobustnessError(path, place, f"{value!r}: must be a whole number >= 1")
    return value


def _table(data: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise RobustnessError(path, key, f"must be a table ([{key}]), got {value!r}")
    return value


def _keys(data: Mapping[str, Any], allowed: tuple[str, ...], path: str, place: str) -> None:
    for key in data:
        if key not in allowed:
            where = key if place == "top level" else f"{place}.{key}"
            raise RobustnessError(path, where, f"unknown key; allowed: {', '.join(allowed)}")
