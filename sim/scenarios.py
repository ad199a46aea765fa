"""Scenario files: named, documented parameter settings in ``scenarios/*.toml``.

A scenario file has a ``title``, a ``description``, optionally ``extends``
(the name of a parent scenario whose values it starts from) and
``network_file`` (a county read from a file, path relative to the scenario
file), then one table per parameter group of :data:`sim.params.GROUPS`. Every
value carries its provenance in an inline table::

    title = "Subsidy only"
    description = "Status quo plus a subsidy for reported content partnerships."
    extends = "ruian-status-quo"

    [financial_support]
    subsidy_per_content_step = { value = 1.0, source = "Sichuan: 'insufficient financial support'" }

``source`` is the seed sentence the value stands for, or the word
"assumption". A lever may give ``schedule = { ... }`` instead of ``value``
(:mod:`sim.schedules`); its years are calendar years when the file declares
``start_year = 2016`` (the calendar year the run starts), else years from the
start of the run::

    start_year = 2016
    [supervision]
    audit_prob_per_step = { schedule = { value = 0.1, start_year = 2018 }, source = "assumption" }

See ``scenarios/README.md`` and ``docs/scenarios.md``.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim import schedules
from sim.params import GROUPS, LEVER_GROUPS, ParameterError, Parameters, names, spec

#: Environment variable naming another scenario folder.
ENV_VAR = "COOPSIM_SCENARIOS"
#: The scenario folder shipped with the project (``scenarios/`` beside ``sim/``).
PACKAGE_SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
#: The scenario folder in use: ``$COOPSIM_SCENARIOS`` if set, else the shipped one.
SCENARIO_DIR = Path(os.environ.get(ENV_VAR) or PACKAGE_SCENARIO_DIR)

TOP_LEVEL_KEYS = ("title", "description", "extends", "network_file", "start_year")
VALUE_KEYS = ("value", "schedule", "source")
#: Calendar years a scenario may start in (``start_year``).
START_YEARS = (1949, 2100)
#: Longest ``extends`` chain (parents above one file). Real chains are 1-3 deep; the bound
#: turns a runaway or generated chain into a message instead of a RecursionError.
MAX_EXTENDS_DEPTH = 32
_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]")
_VALUE = re.compile(r"\bvalue\s*=\s*")


class ScenarioError(ValueError):
    """A scenario cannot be found or its file is not acceptable.

    The message starts with the file (and line, when known), then names the key
    and what is allowed; a bad value's message ends with its column, e.g.
    ``scenarios/x.toml:7: [supervision] audit_prob_per_step = 1.5 is out of
    range: allowed [0, 1] prob/step (column 33)``.

    Attributes:
        path: the file concerned (None for a scenario that was not found).
        line: the line in that file, when known.
        key: the key concerned, when there is one.
        column: the column of the value, when the error is about a value.
    """

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None,
                 key: str | None = None, column: int | None = None):
        super().__init__(message)
        self.path = path
        self.line = line
        self.key = key
        self.column = column


def check_distinct_names(scenarios: list[Scenario]) -> None:
    """Refuse two different scenario files with the same name (runs are named by it).

    The same file given twice is left to the caller (it is a repeat, not a clash).

    Raises:
        ScenarioError: naming both files and the shared name.
    """
    first: dict[str, Path] = {}
    for scenario in scenarios:
        seen = first.setdefault(scenario.name, scenario.path)
        if seen != scenario.path:
            raise ScenarioError(
                f"{scenario.path}: scenario name {scenario.name!r} is also the name of {seen}; "
                "runs and results are named by the file name, so rename one of the two files",
                path=scenario.path)


@dataclass(frozen=True)
class Scenario:
    """A loaded scenario with its parents' values folded in.

    Attributes:
        name: the file's stem, e.g. ``full-package``.
        title: one-line title.
        description: a few sentences on what the scenario stands for.
        path: the scenario file.
        params: every parameter, after ``extends`` and with ``network_file``
            made absolute.
        provenance: parameter name to its ``source`` for every value set in
            this file or a parent (the nearest setting wins).
        extends: the chain of parents, nearest first (empty if none).
        start_year: the calendar year the run starts (``start_year`` of the file
            or a parent), None when the scenario counts years from the run start.
    """

    name: str
    title: str
    description: str
    path: Path
    params: Parameters
    provenance: dict[str, str] = field(default_factory=dict)
    extends: list[str] = field(default_factory=list)
    start_year: int | None = None

    def changed(self) -> dict[str, Any]:
        """Parameter values that differ from the model defaults."""
        return self.params.changed()


def scenario_dir() -> Path:
    """The scenario folder: ``$COOPSIM_SCENARIOS`` when set at call time, else SCENARIO_DIR."""
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else SCENARIO_DIR


def list_scenarios(directory: str | Path | None = None) -> list[str]:
    """Names of the scenarios in ``directory`` (default: :func:`scenario_dir`), sorted."""
    folder = Path(directory) if directory is not None else scenario_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.toml") if p.is_file())


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a scenario by bare name (from :func:`scenario_dir`) or by path.

    Args:
        name_or_path: ``"full-package"`` or ``"path/to/my-county.toml"``.

    Returns:
        The scenario with its ``extends`` chain resolved and every value checked.

    Raises:
        ScenarioError: the scenario is missing, the TOML is malformed, a key is
            unknown or in the wrong group, a value is of the wrong type or out of
            range, a provenance is missing, or ``extends`` has a cycle or names a
            missing parent.
    """
    path = resolve(name_or_path)
    values, provenance, chain, own = _load_chain(path, stack=[])
    where = f"{path}: "
    try:
        params = Parameters.from_mapping(values, where=where)
    except ParameterError as err:  # values were checked one by one: only a guard
        raise ScenarioError(str(err), path=path, key=err.field_name) from None
    return Scenario(name=path.stem, title=own["title"], description=own["description"],
                    path=path, params=params, provenance=provenance, extends=chain,
                    start_year=own.get("start_year"))


def resolve(name_or_path: str | Path, *, relative_to: Path | None = None) -> Path:
    """The file of a scenario given by bare name or path.

    A bare name (no ``/`` and no ``.toml``) is looked up beside ``relative_to``
    first (for ``extends``), then in :func:`scenario_dir`.

    Raises:
        ScenarioError: no such scenario; the message lists the available ones.
    """
    text = str(name_or_path)
    is_path = text.endswith(".toml") or "/" in text or os.sep in text
    if is_path:
        path = Path(text)
        if not path.is_absolute() and relative_to is not None and not path.is_file():
            path = relative_to / path
        if path.is_file():
            return path.resolve()
        raise ScenarioError(f"{text}: scenario file not found", path=path)
    folders = [relative_to] if relative_to is not None else []
    folders.append(scenario_dir())
    for folder in folders:
        candidate = folder / f"{text}.toml"
        if candidate.is_file():
            return candidate.resolve()
    available = list_scenarios()
    close = difflib.get_close_matches(text, available, n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    raise ScenarioError(
        f"no scenario {text!r} in {scenario_dir()}; {hint}available: "
        f"{', '.join(available) if available else '(none)'}")


# ---------------------------------------------------------------- reading one file


def _load_chain(path: Path, stack: list[Path]
                ) -> tuple[dict[str, Any], dict[str, str], list[str], dict[str, Any]]:
    """Values and provenance of ``path`` with its parents folded in, and the chain."""
    if path in stack:
        cycle = " -> ".join(p.stem for p in [*stack[stack.index(path):], path])
        raise ScenarioError(f"{stack[-1]}: extends: cycle {cycle}", path=stack[-1],
                            key="extends")
    if len(stack) > MAX_EXTENDS_DEPTH:
        names = [p.stem for p in [*stack, path]]
        shown = " -> ".join(names) if len(names) <= 10 else (
            " -> ".join(names[:4]) + f" -> ... ({len(names) - 8} more) -> "
            + " -> ".join(names[-4:]))
        raise ScenarioError(f"{stack[0]}: extends: chain longer than {MAX_EXTENDS_DEPTH} "
                            f"parents: {shown}; shorten it (a scenario rarely needs more than "
                            "two or three)", path=stack[0], key="extends")
    own, values, provenance = _read_file(path)
    merged_values: dict[str, Any] = {}
    merged_provenance: dict[str, str] = {}
    chain: list[str] = []
    parent = own.get("extends")
    if parent is not None:
        try:
            parent_path = resolve(parent, relative_to=path.parent)
        except ScenarioError as err:
            line = _line_of_key(path, None, "extends")
            raise ScenarioError(f"{_place(path, line)}extends = {parent!r}: {err}", path=path,
                                line=line, key="extends") from None
        merged_values, merged_provenance, parent_chain, parent_own = _load_chain(
            parent_path, [*stack, path])
        chain = [parent_path.stem, *parent_chain]
        _inherit_start_year(path, own, parent_own, parent_path)
    merged_values.update(values)
    merged_provenance.update(provenance)
    return merged_values, merged_provenance, chain, own


def _inherit_start_year(path: Path, own: dict[str, Any], parent: dict[str, Any],
                        parent_path: Path) -> None:
    """A child runs on its parent's calendar: the same start_year, or none given."""
    inherited = parent.get("start_year")
    if inherited is None:
        return
    mine = own.get("start_year")
    if mine is None:
        if own.get("_schedules"):
            line = _line_of_key(path, None, "extends")
            raise ScenarioError(
                f"{_place(path, line)}start_year: {parent_path.stem} starts in {inherited}, so "
                f"declare start_year = {inherited} here too (the years of this file's schedules "
                "are then read as calendar years)", path=path, line=line, key="start_year")
        own["start_year"] = inherited
    elif mine != inherited:
        line = _line_of_key(path, None, "start_year")
        raise ScenarioError(
            f"{_place(path, line)}start_year = {mine}: {parent_path.stem} starts in {inherited}; "
            "a scenario runs on the calendar of the one it extends", path=path, line=line,
            key="start_year")


def _read_file(path: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """Parse and check one scenario file (without its parents)."""
    try:
        # utf-8-sig: a byte-order mark (Windows editors write one) is not TOML's business.
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(f"{path}: cannot read: {err}", path=path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err))
        col = f", column {match.group(2)}" if match else ""
        raise ScenarioError(f"{_place(path, line)}malformed TOML{col}: {message}", path=path,
                            line=line) from None

    own: dict[str, Any] = {}
    values: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    known = names()
    start_year = _start_year(path, text, data.get("start_year"))
    for key, item in data.items():
        if isinstance(item, dict) and key not in TOP_LEVEL_KEYS:
            if key not in GROUPS:
                _unknown(path, text, None, key, list(GROUPS), what="parameter group [table]")
            for name, entry in item.items():
                value, source = _entry(path, text, key, name, entry, known, start_year)
                if isinstance(value, dict):
                    own["_schedules"] = True
                values[name] = value
                provenance[name] = source
            continue
        if key not in TOP_LEVEL_KEYS:
            if key in GROUPS:
                line = _line_of_key(path, None, key, text)
                raise ScenarioError(
                    f"{_place(path, line)}{key} = {item!r}: {key} is a parameter group, not a "
                    f"value; write it as a table: [{key}] on its own line, then one "
                    "name = { value = ..., source = \"...\" } line per parameter",
                    path=path, line=line, key=key)
            if key in known:
                group = spec(key).group
                line = _line_of_key(path, None, key, text)
                raise ScenarioError(
                    f"{_place(path, line)}{key}: parameters go in their group table; put it "
                    f"under [{group}] as {key} = {{ value = ..., source = \"...\" }}",
                    path=path, line=line, key=key)
            _unknown(path, text, None, key, list(TOP_LEVEL_KEYS) + list(GROUPS),
                     what="top-level key")
        own[key] = item
    for key in ("title", "description"):
        if key not in own:
            raise ScenarioError(f"{path}: {key}: missing; give the scenario a {key} "
                                f"(a non-empty string)", path=path, key=key)
        if not isinstance(own[key], str) or not own[key].strip():
            line = _line_of_key(path, None, key, text)
            raise ScenarioError(f"{_place(path, line)}{key}: must be a non-empty string, got "
                                f"{own[key]!r}", path=path, line=line, key=key)
    if "extends" in own and not isinstance(own["extends"], str):
        line = _line_of_key(path, None, "extends", text)
        raise ScenarioError(f"{_place(path, line)}extends: must be the name of one scenario "
                            f"(a string), got {own['extends']!r}", path=path, line=line,
                            key="extends")
    if "network_file" in own:
        network = own["network_file"]
        line = _line_of_key(path, None, "network_file", text)
        if not isinstance(network, str):
            raise ScenarioError(f"{_place(path, line)}network_file: must be a path string",
                                path=path, line=line, key="network_file")
        if "network_file" in values:
            raise ScenarioError(f"{_place(path, line)}network_file: given twice (top level "
                                "and [scale])", path=path, line=line, key="network_file")
        values["network_file"] = network
        provenance["network_file"] = "network file"
    if values.get("network_file"):
        values["network_file"] = _network_path(path, text, values["network_file"])
    return own, values, provenance


def _start_year(path: Path, text: str, value: Any) -> int | None:
    if value is None:
        return None
    low, high = START_YEARS
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        line = _line_of_key(path, None, "start_year", text)
        raise ScenarioError(f"{_place(path, line)}start_year = {value!r}: must be the calendar "
                            f"year the run starts, a whole number in [{low}, {high}]", path=path,
                            line=line, key="start_year")
    return value


def _entry(path: Path, text: str, group: str, name: str, entry: Any, known: list[str],
           start_year: int | None = None) -> tuple[Any, str]:
    """Check one ``name = { value = ..., source = "..." }`` (or ``schedule = {...}``) of ``group``.

    A schedule comes back as a mapping in years from the run start.
    """
    line = _line_of_key(path, group, name, text)
    place = f"{_place(path, line)}[{group}] {name}"
    if name not in known:
        _unknown(path, text, group, name, known, what="parameter")
    home = spec(name).group
    if home != group:
        raise ScenarioError(f"{place}: {name} belongs in [{home}], not [{group}]",
                            path=path, line=line, key=name)
    if not isinstance(entry, dict):
        raise ScenarioError(
            f"{place}: give the value with its provenance: {name} = {{ value = {entry!r}, "
            "source = \"<seed sentence> or assumption\" }", path=path, line=line, key=name)
    extra = [k for k in entry if k not in VALUE_KEYS]
    if extra or ("value" in entry) == ("schedule" in entry):
        raise ScenarioError(f"{place}: expected {{ value = ..., source = \"...\" }} or, for a "
                            f"lever, {{ schedule = {{ ... }}, source = \"...\" }}, got keys "
                            f"{', '.join(entry) or '(none)'}", path=path, line=line, key=name)
    source = entry.get("source")
    if "source" not in entry:
        raise ScenarioError(f"{place}: source is missing: quote the seed sentence the value "
                            "stands for, or write \"assumption\"", path=path, line=line, key=name)
    if not isinstance(source, str) or not source.strip():
        raise ScenarioError(f"{place}: source = {source!r}: must be a non-empty string: the seed "
                            "sentence the value stands for, or \"assumption\"", path=path,
                            line=line, key=name)
    value = entry.get("value", entry.get("schedule"))
    if "schedule" in entry and not isinstance(value, dict):
        raise ScenarioError(f"{place}: schedule = {value!r}: must be a table, e.g. schedule = "
                            "{ value = 2.0, start_year = 2, end_year = 5 } or schedule = "
                            "{ steps = [[0, 0.0], [3, 2.0]] }", path=path, line=line, key=name)
    if "value" in entry and isinstance(value, dict):
        raise ScenarioError(f"{place}: value = {{...}}: a table is a schedule; write it as "
                            "schedule = { ... }", path=path, line=line, key=name)
    try:
        if "schedule" in entry and start_year is not None and home in LEVER_GROUPS:
            value = schedules.from_calendar(name, value, start_year)
        Parameters(**{name: value})
    except ParameterError as err:
        column = _value_column(text, line)
        suffix = f" (column {column})" if column else ""
        raise ScenarioError(f"{_place(path, line)}[{group}] {err}{suffix}", path=path, line=line,
                            key=name, column=column) from None
    return value, source.strip()


def _unknown(path: Path, text: str, group: str | None, key: str, choices: list[str], *,
             what: str) -> None:
    line = _line_of_key(path, group, key, text) if group else _line_of_table(text, key) or (
        _line_of_key(path, None, key, text))
    close = difflib.get_close_matches(key, choices, n=3, cutoff=0.6)
    if what == "parameter" and not close:
        hint = "; see docs/ODD.md for the parameters of each group"
    else:
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else (
            f"; allowed: {', '.join(choices)}")
    table = f"[{group}] " if group else ""
    raise ScenarioError(f"{_place(path, line)}{table}unknown {what} {key!r}{hint}", path=path,
                        line=line, key=key)


def _network_path(path: Path, text: str, network: str) -> str:
    target = Path(network)
    if not target.is_absolute():
        target = (path.parent / target).resolve()
    if not target.exists():
        line = _line_of_key(path, None, "network_file", text) or _line_of_key(
            path, "scale", "network_file", text)
        raise ScenarioError(f"{_place(path, line)}network_file: {target} not found (paths are "
                            "relative to the scenario file)", path=path, line=line,
                            key="network_file")
    return str(target)


def _value_column(text: str, line: int | None) -> int | None:
    """1-based column where the value of ``{ value = ... }`` on ``line`` starts, if found."""
    if not line:
        return None
    lines = text.splitlines()
    match = _VALUE.search(lines[line - 1]) if line <= len(lines) else None
    return match.end() + 1 if match else None


def _place(path: Path, line: int | None) -> str:
    return f"{path}:{line}: " if line else f"{path}: "


def _line_of_table(text: str, table: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        match = _TABLE.match(line)
        if match and match.group(1) == table:
            return number
    return None


def _line_of_key(path: Path, table: str | None, key: str, text: str | None = None
                 ) -> int | None:
    """Line of ``key = ...`` inside ``[table]`` (None: before any table), if found."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            return None
    current: str | None = None
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        match = _TABLE.match(line)
        if match:
            current = match.group(1)
            continue
        if current == table and pattern.match(line):
            return number
    return None
