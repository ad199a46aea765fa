"""Read a real county from a file: GraphML or a pair of node/edge CSV files.

The file is checked against the schema of :mod:`sim.network` and turned into
the typed ``networkx.Graph`` the model starts from. Every problem raises
:class:`NetworkFileError` naming the file and the line (CSV) or the node id
(GraphML), so an analyst can fix it without reading code.

CSV pair: pass the path of ``NAME-nodes.csv`` (or of ``NAME-edges.csv``); the
other file of the pair sits beside it.

``NAME-nodes.csv`` columns (empty cell = not given):

========  ==========================================================  ===========
column    meaning                                                     needed for
========  ==========================================================  ===========
id        unique node id (text)                                       all
type      ``school``, ``enterprise`` or ``department``                all
industry  the enterprise's industry (free text, e.g. manufacturing)   enterprise
size      relative firm size in (0, 1e6]; median firm 1 (default 1)   enterprise
age       years since founding, 0-1000 (default 10)                   enterprise
level     ``secondary`` (default) or ``higher`` vocational            school
majors    ``industry:share;industry:share`` or ``industry;industry``  school
intake    graduating students per year, 1-20000 (default 400)         school
mandate   the department's mandate, e.g. education (default: its id)  department
========  ==========================================================  ===========

``NAME-edges.csv`` columns: ``source``, ``target``, ``tie`` (``partnership``
school-enterprise, ``peer`` enterprise-enterprise, ``jurisdiction``
department-school, ``service`` department-enterprise) and ``depth`` (starting
depth of a partnership: ``none``/``form``/``practice``/``content`` or 0-3;
default ``form``).

GraphML uses the same names as node and edge attributes (``type``,
``industry``, ... on nodes; ``tie``, ``depth`` on edges); other attributes
(labels or layout from Gephi or yEd) are ignored. A node id declared twice is
refused (networkx would keep the last copy), and so is a directed GraphML
whose two directions of one pair disagree on the tie or its depth.

Every number must be finite: ``inf``, ``nan`` and numbers beyond the ranges
above are refused with the file, line and column of the cell (CSV) or of the
``<data>`` element (GraphML).
"""

from __future__ import annotations

import csv
import difflib
import math
import xml.etree.ElementTree as ET
import xml.parsers.expat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from sim.network import DEPTH_NAMES, LEVELS, NODE_TYPES, TIE_TYPES, parse_majors
from sim.params import spec

NODE_COLUMNS = ("id", "type", "industry", "size", "age", "level", "majors", "intake", "mandate")
EDGE_COLUMNS = ("source", "target", "tie", "depth")
#: Attributes each node type must carry; the others have documented defaults.
REQUIRED = {"school": ("majors",), "enterprise": ("industry",), "department": ()}
#: Which node types each tie joins (unordered).
TIE_ENDS = {
    "partnership": ("school", "enterprise"),
    "peer": ("enterprise", "enterprise"),
    "jurisdiction": ("department", "school"),
    "service": ("department", "enterprise"),
}
DEFAULTS = {"size": 1.0, "age": 10.0, "level": "secondary", "intake": 400}
#: Allowed range of each numeric column: (low, high, low excluded). Bounded above so a
#: typo like 1e300 is refused here rather than overflowing inside the model; the intake
#: bound is the one of students_per_school_year, so a file can say what a scenario can.
LIMITS = {"size": (0.0, 1e6, True), "age": (0.0, 1000.0, False),
          "intake": (1.0, float(spec("students_per_school_year").high), False)}
#: Largest share one major may be given (shares are normalised; this only keeps the
#: sum finite).
MAX_MAJOR_SHARE = 1e6


class NetworkFileError(ValueError):
    """A network file is malformed or does not fit the schema of :mod:`sim.network`.

    The message starts with ``<file>:<line>:`` (the row, or the GraphML element:
    for a bad value, the line of its cell or ``<data>`` element) or ``<file>:``
    for the file as a whole, then says what is wrong and what is allowed; a bad
    value's message ends with its column, ``(column 4)``. GraphML messages also
    name the node (``node 'e1':``) or edge.
    """


@dataclass(frozen=True)
class _Place:
    """Where one node or edge is written, to prefix error messages with.

    ``line``/``column`` are the row (CSV) or element (GraphML); ``fields`` gives
    the ``(line, column)`` of each attribute's cell or ``<data>`` element.
    """

    path: Path
    line: int | None = None
    column: int | None = None
    fields: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    label: str = ""

    def at(self, name: str | None = None) -> str:
        """``file:line: [label: ]`` of the whole record, or of field ``name``."""
        line = self.fields[name][0] if name in self.fields else self.line
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        return f"{where}: {self.label}: " if self.label else f"{where}: "

    def fail(self, message: str, name: str | None = None) -> NetworkFileError:
        """The error for ``message`` about the record, or about its field ``name``.

        The column goes at the end, so every message starts ``file:line:`` alike.
        """
        column = self.fields[name][1] if name in self.fields else (
            self.column if name is not None else None)
        suffix = f" (column {column})" if column is not None else ""
        return NetworkFileError(f"{self.at(name)}{message}{suffix}")

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else str(self.path)


def load_network(path: str | Path) -> nx.Graph:
    """Read and check a network file; return the typed graph the model starts from.

    Args:
        path: a ``.graphml`` file, or one file of a ``NAME-nodes.csv`` /
            ``NAME-edges.csv`` pair.

    Returns:
        A graph whose nodes carry ``type`` and the attributes of their type and
        whose edges carry ``tie`` (and ``depth`` 0-3 for partnerships).

    Raises:
        NetworkFileError: the file is missing, malformed or breaks the schema.
    """
    path = Path(path)
    if path.suffix.lower() == ".graphml":
        if not path.is_file():
            raise NetworkFileError(f"{path}: network file not found")
        return _load_graphml(path)
    if path.suffix.lower() == ".csv":
        nodes, edges = csv_pair(path)
        return _load_csv(nodes, edges)
    raise NetworkFileError(
        f"{path}: unknown network file kind {path.suffix or '(no suffix)'!r}; use a .graphml file "
        "or a NAME-nodes.csv / NAME-edges.csv pair")


def csv_pair(path: str | Path) -> tuple[Path, Path]:
    """The ``(nodes, edges)`` CSV paths of the pair that ``path`` belongs to.

    Raises:
        NetworkFileError: the name does not end in ``-nodes.csv``/``-edges.csv``
            or a file of the pair is missing.
    """
    path = Path(path)
    stem = path.name[: -len(".csv")]
    for suffix in ("-nodes", "-edges"):
        if stem.endswith(suffix):
            base = stem[: -len(suffix)]
            break
    else:
        raise NetworkFileError(
            f"{path}: a CSV network is a pair NAME-nodes.csv and NAME-edges.csv; name the "
            "nodes file")
    nodes = path.with_name(f"{base}-nodes.csv")
    edges = path.with_name(f"{base}-edges.csv")
    for p in (nodes, edges):
        if not p.is_file():
            raise NetworkFileError(f"{p}: network file not found (the pair of {path.name})")
    return nodes, edges


# ---------------------------------------------------------------- CSV


def _load_csv(nodes_path: Path, edges_path: Path) -> nx.Graph:
    g = nx.Graph()
    where: dict[str, _Place] = {}
    for place, row in _rows(nodes_path, NODE_COLUMNS, required=("id", "type")):
        node = row.get("id", "")
        if not node:
            raise NetworkFileError(f"{place.at()}empty id")
        if node in where:
            raise place.fail(f"duplicate node id {node!r} (first at {where[node]})", "id")
        where[node] = place
        g.add_node(node, **_node_attributes(row, place))
    _check_population(g, str(nodes_path))
    _check_majors(g, where)
    seen: dict[tuple[str, str], _Place] = {}
    for place, row in _rows(edges_path, EDGE_COLUMNS, required=("source", "target", "tie")):
        a, b = row.get("source", ""), row.get("target", "")
        for end, node in (("source", a), ("target", b)):
            if node not in where:
                raise place.fail(f"{end} {node!r} is not a node of {nodes_path.name} "
                                 "(dangling edge)", end)
        key = (min(a, b), max(a, b))
        if key in seen:
            raise NetworkFileError(f"{place.at()}duplicate edge {a!r}-{b!r} (first at "
                                   f"{seen[key]})")
        seen[key] = place
        g.add_edge(a, b, **_edge_attributes(g, a, b, row, place))
    return g


def _rows(path: Path, columns: tuple[str, ...], required: tuple[str, ...]
          ) -> Iterable[tuple[_Place, dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise NetworkFileError(f"{path}:1: empty file; expected a header "
                                       f"{','.join(columns)}")
            header = [h.strip() for h in header]
            for number, name in enumerate(header, start=1):
                if name not in columns:
                    close = difflib.get_close_matches(name, columns, n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    raise NetworkFileError(f"{path}:1: unknown column {name!r}{hint} "
                                           f"(columns: {', '.join(columns)}) (column {number})")
            for name in required:
                if name not in header:
                    raise NetworkFileError(f"{path}:1: missing column {name!r} "
                                           f"(columns: {', '.join(columns)})")
            for cells in reader:
                line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    raise NetworkFileError(
                        f"{path}:{line}: {len(cells)} cells, the header has {len(header)}")
                fields = {h: (line, number) for number, h in enumerate(header, start=1)}
                yield _Place(path, line, fields=fields), {
                    h: c.strip() for h, c in zip(header, cells, strict=True) if c.strip()}
    except (csv.Error, UnicodeDecodeError) as err:
        raise NetworkFileError(f"{path}: malformed CSV: {err}") from None


# ---------------------------------------------------------------- GraphML


@dataclass
class _GraphmlIndex:
    """Where each node, edge and ``<data>`` element of a GraphML file is written.

    networkx reads the content but forgets positions and keeps only the last
    copy of a node declared twice; this pass, over the same bytes, keeps both.
    """

    nodes: dict[str, tuple[int, int]] = field(default_factory=dict)
    edges: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    data: dict[tuple[Any, str], tuple[int, int]] = field(default_factory=dict)


def _index_graphml(path: Path) -> _GraphmlIndex:
    index = _GraphmlIndex()
    keys: dict[str, tuple[str, str]] = {}  # key id -> (attribute name, declared type)
    stack: list[Any] = []  # the node id or (source, target) each open element belongs to
    pending: list[tuple[Any, str, str, tuple[int, int]]] = []  # owner, key id, text, position
    text: list[str] = []  # character data of the open <data> element
    in_data = [False]
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def position() -> tuple[int, int]:
        return parser.CurrentLineNumber, parser.CurrentColumnNumber + 1

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = name.rsplit(" ", 1)[-1]
        owner = stack[-1] if stack else None
        if tag == "key" and "id" in attrs:
            keys[attrs["id"]] = (attrs.get("attr.name", attrs["id"]),
                                 attrs.get("attr.type", "string"))
        elif tag == "node":
            node = attrs.get("id", "")
            if node in index.nodes:
                line, column = index.nodes[node]
                raise NetworkFileError(
                    f"{path}:{parser.CurrentLineNumber}: duplicate node id {node!r} (first at "
                    f"{path}:{line}, column {column}); give each node one <node> element "
                    f"(column {parser.CurrentColumnNumber + 1})")
            index.nodes[node] = position()
            owner = node
        elif tag == "edge":
            owner = (attrs.get("source", ""), attrs.get("target", ""))
            index.edges.setdefault(owner, position())
        elif tag == "data" and owner is not None:
            pending.append((owner, attrs.get("key", ""), "", position()))
            text.clear()
            in_data[0] = True
        stack.append(owner)

    def end(name: str) -> None:
        stack.pop()
        if name.rsplit(" ", 1)[-1] == "data" and in_data[0]:
            owner, key, _, where = pending[-1]
            pending[-1] = (owner, key, "".join(text), where)
            in_data[0] = False

    def characters(data: str) -> None:
        if in_data[0]:
            text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        with path.open("rb") as handle:
            parser.ParseFile(handle)
    except xml.parsers.expat.ExpatError as err:
        message = xml.parsers.expat.ErrorString(err.code)
        raise NetworkFileError(f"{path}:{err.lineno}: malformed XML at column "
                               f"{err.offset + 1}: {message}") from None
    for owner, key, value, where in pending:
        name, kind = keys.get(key, (key, "string"))
        index.data[(owner, name)] = where
        place = _Place(path, fields={name: where}, label=_label(owner))
        if name in NODE_COLUMNS + EDGE_COLUMNS and kind in ("int", "long", "float", "double"):
            _finite(value.strip(), name, place)
            if kind in ("int", "long"):
                try:
                    int(value.strip())
                except ValueError:
                    raise place.fail(f"{name} {value.strip()!r} is not a whole number (the key "
                                     f"declares {kind})", name) from None
    return index


def _label(owner: Any) -> str:
    return f"node {owner!r}" if isinstance(owner, str) else f"edge {owner[0]!r}-{owner[1]!r}"


def _graphml_place(path: Path, index: _GraphmlIndex, owner: Any,
                   columns: tuple[str, ...]) -> _Place:
    where = index.nodes.get(owner) if isinstance(owner, str) else index.edges.get(owner)
    line, column = where if where else (None, None)
    fields = {name: index.data[(owner, name)] for name in columns if (owner, name) in index.data}
    return _Place(path, line, column, fields, label=_label(owner))


def _load_graphml(path: Path) -> nx.Graph:
    index = _index_graphml(path)
    try:
        raw = nx.read_graphml(path, force_multigraph=False)
    except (ET.ParseError, nx.NetworkXError, KeyError, ValueError) as err:
        raise NetworkFileError(f"{path}: malformed GraphML: {err}") from None
    if raw.is_multigraph():
        raise NetworkFileError(f"{path}: parallel edges; give each pair of nodes one tie")
    g = nx.Graph()
    where = {}
    for node, data in raw.nodes(data=True):
        node = str(node)
        if node not in index.nodes:
            continue  # created by networkx for a dangling edge: reported below
        place = _graphml_place(path, index, node, NODE_COLUMNS)
        where[node] = place
        row = {k: str(v).strip() for k, v in data.items()
               if k in NODE_COLUMNS and str(v).strip()}
        g.add_node(node, **_node_attributes(row, place))
    _check_population(g, str(path))
    _check_majors(g, where)
    for a, b, data in raw.edges(data=True):
        a, b = str(a), str(b)
        place = _graphml_place(path, index, (a, b), EDGE_COLUMNS)
        for node in (a, b):
            if node not in index.nodes:
                raise NetworkFileError(f"{place.at()}node {node!r} is not declared "
                                       "(dangling edge)")
        row = {k: str(v).strip() for k, v in data.items()
               if k in EDGE_COLUMNS and str(v).strip()}
        attributes = _edge_attributes(g, a, b, row, place)
        if g.has_edge(a, b):  # only a directed file can give a pair twice (b->a, then a->b)
            first = g.edges[a, b]
            if first != attributes:
                other = _graphml_place(path, index, (b, a), EDGE_COLUMNS).line
                raise place.fail(
                    f"{_describe(attributes)}, but {b!r}-{a!r} at {path}:{other} gives "
                    f"{_describe(first)}; a tie is undirected: give both directions the same "
                    "tie and depth, or only one", "depth" if "depth" in row else "")
            continue
        g.add_edge(a, b, **attributes)
    return g


def _describe(attributes: Mapping[str, Any]) -> str:
    depth = attributes.get("depth")
    if depth is None:
        return f"a {attributes['tie']} tie"
    name = next(k for k, v in DEPTH_NAMES.items() if v == depth)
    return f"a {attributes['tie']} tie at depth {name}"


# ---------------------------------------------------------------- shared checks


def _node_attributes(row: Mapping[str, str], place: _Place) -> dict[str, Any]:
    kind = row.get("type", "")
    if kind not in NODE_TYPES:
        raise place.fail(f"unknown node type {kind!r}; allowed: {', '.join(NODE_TYPES)}",
                         "type")
    for name in REQUIRED[kind]:
        if not row.get(name):
            raise NetworkFileError(f"{place.at()}{_a(kind)} needs {name!r}")
    if kind == "enterprise":
        return {"type": kind, "industry": row["industry"],
                "size": _number(row, "size", place), "age": _number(row, "age", place)}
    if kind == "school":
        level = row.get("level", DEFAULTS["level"])
        if level not in LEVELS:
            raise place.fail(f"level {level!r}; allowed: {', '.join(LEVELS)}", "level")
        intake = _number(row, "intake", place)
        if intake != int(intake):
            raise place.fail(f"intake {row['intake']!r} must be a whole number", "intake")
        return {"type": kind, "level": level, "majors": row["majors"], "intake": int(intake)}
    return {"type": kind, "mandate": row.get("mandate") or row.get("id") or ""}


def _finite(text: str, name: str, place: _Place, column: str | None = None) -> float:
    """``text`` as a finite float, or NetworkFileError (inf and nan are never data).

    ``name`` is what the message calls the value; ``column`` the field it is in
    (default: ``name``).
    """
    field_name = column or name
    try:
        value = float(text)
    except ValueError:
        raise place.fail(f"{name} {text!r} is not a number", field_name) from None
    if not math.isfinite(value):
        raise place.fail(f"{name} {text!r} is not a finite number; give a finite number",
                         field_name)
    return value


def _number(row: Mapping[str, str], name: str, place: _Place) -> float:
    text = row.get(name)
    if text is None:
        return float(DEFAULTS[name])
    value = _finite(text, name, place)
    low, high, strict_low = LIMITS[name]
    if value < low or (strict_low and value == low) or value > high:
        bound = f"({low:g}, {high:g}]" if strict_low else f"[{low:g}, {high:g}]"
        raise place.fail(f"{name} {text} is out of range: allowed {bound}", name)
    return value


def _edge_attributes(g: nx.Graph, a: str, b: str, row: Mapping[str, str],
                     place: _Place) -> dict[str, Any]:
    tie = row.get("tie", "")
    if tie not in TIE_TYPES:
        raise place.fail(f"unknown tie {tie!r}; allowed: {', '.join(TIE_TYPES)}", "tie")
    if a == b:
        raise NetworkFileError(f"{place.at()}a tie from {a!r} to itself")
    ends = sorted((g.nodes[a]["type"], g.nodes[b]["type"]))
    if ends != sorted(TIE_ENDS[tie]):
        want = " and ".join(_a(t) for t in TIE_ENDS[tie])
        raise place.fail(f"a {tie} tie joins {want}, not {_a(ends[0])} and {_a(ends[1])}",
                         "tie")
    if tie == "peer" and g.nodes[a]["industry"] != g.nodes[b]["industry"]:
        raise NetworkFileError(f"{place.at()}peer ties join enterprises of the same industry "
                               f"({g.nodes[a]['industry']!r} vs {g.nodes[b]['industry']!r})")
    attributes: dict[str, Any] = {"tie": tie}
    if tie == "partnership":
        attributes["depth"] = _depth(row.get("depth", "form"), place)
    elif row.get("depth"):
        raise place.fail("only partnership ties carry a depth", "depth")
    return attributes


def _depth(text: str, place: _Place) -> int:
    text = text.strip().lower()
    if text in DEPTH_NAMES:
        return DEPTH_NAMES[text]
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value in (0.0, 1.0, 2.0, 3.0):
        return int(value)
    raise place.fail(f"depth {text!r}; allowed: {', '.join(DEPTH_NAMES)} or 0-3", "depth")


def _check_majors(g: nx.Graph, where: Mapping[str, _Place]) -> None:
    industries = sorted({d["industry"] for _, d in g.nodes(data=True)
                         if d["type"] == "enterprise"})
    for node, data in g.nodes(data=True):
        if data["type"] != "school":
            continue
        place = where[node]
        for part in str(data["majors"]).split(";"):
            name, _, share = part.partition(":")
            if share.strip():
                value = _finite(share.strip(), f"majors share of {name.strip()!r}", place,
                                "majors")
                if value > MAX_MAJOR_SHARE:
                    raise place.fail(f"majors share of {name.strip()!r} {share.strip()} is out "
                                     f"of range: allowed [0, {MAX_MAJOR_SHARE:g}]", "majors")
        try:
            parse_majors(data["majors"], industries)
        except ValueError as err:
            raise place.fail(f"majors {data['majors']!r}: {err}", "majors") from None


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _check_population(g: nx.Graph, path: str) -> None:
    # Checked before the majors: with no enterprise, every major names an unknown
    # industry, and that message would hide the real problem.
    counts = {t: 0 for t in NODE_TYPES}
    for _, data in g.nodes(data=True):
        counts[data["type"]] += 1
    if counts["school"] < 1 or counts["enterprise"] < 2:
        raise NetworkFileError(
            f"{path}: a network needs at least 1 school and 2 enterprises (found "
            f"{counts['school']} schools, {counts['enterprise']} enterprises)")
