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
size      relative firm size, > 0 (median firm = 1; default 1)        enterprise
age       years since founding, >= 0 (default 10)                     enterprise
level     ``secondary`` (default) or ``higher`` vocational            school
majors    ``industry:share;industry:share`` or ``industry;industry``  school
intake    graduating students per year, >= 1 (default 400)            school
mandate   the department's mandate, e.g. education (default: its id)  department
========  ==========================================================  ===========

``NAME-edges.csv`` columns: ``source``, ``target``, ``tie`` (``partnership``
school-enterprise, ``peer`` enterprise-enterprise, ``jurisdiction``
department-school, ``service`` department-enterprise) and ``depth`` (starting
depth of a partnership: ``none``/``form``/``practice``/``content`` or 0-3;
default ``form``).

GraphML uses the same names as node and edge attributes (``type``,
``industry``, ... on nodes; ``tie``, ``depth`` on edges); other attributes
(labels or layout from Gephi or yEd) are ignored.
"""

from __future__ import annotations

import csv
import difflib
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from sim.network import DEPTH_NAMES, LEVELS, NODE_TYPES, TIE_TYPES, parse_majors

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


class NetworkFileError(ValueError):
    """A network file is malformed or does not fit the schema of :mod:`sim.network`.

    The message starts with ``<file>:<line>:`` (CSV, XML syntax) or
    ``<file>: node <id>:`` (GraphML), then says what is wrong and what is allowed.
    """


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
    where: dict[str, str] = {}
    for line, row in _rows(nodes_path, NODE_COLUMNS, required=("id", "type")):
        place = f"{nodes_path}:{line}"
        node = row.get("id", "")
        if not node:
            raise NetworkFileError(f"{place}: empty id")
        if node in where:
            raise NetworkFileError(f"{place}: duplicate node id {node!r} (first at {where[node]})")
        where[node] = place
        g.add_node(node, **_node_attributes(row, place))
    _check_majors(g, where)
    seen: dict[tuple[str, str], str] = {}
    for line, row in _rows(edges_path, EDGE_COLUMNS, required=("source", "target", "tie")):
        place = f"{edges_path}:{line}"
        a, b = row.get("source", ""), row.get("target", "")
        for end, node in (("source", a), ("target", b)):
            if node not in where:
                raise NetworkFileError(
                    f"{place}: {end} {node!r} is not a node of {nodes_path.name} "
                    "(dangling edge)")
        key = (min(a, b), max(a, b))
        if key in seen:
            raise NetworkFileError(f"{place}: duplicate edge {a!r}-{b!r} (first at {seen[key]})")
        seen[key] = place
        g.add_edge(a, b, **_edge_attributes(g, a, b, row, place))
    _check_population(g, str(nodes_path))
    return g


def _rows(path: Path, columns: tuple[str, ...], required: tuple[str, ...]
          ) -> Iterable[tuple[int, dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise NetworkFileError(f"{path}:1: empty file; expected a header "
                                       f"{','.join(columns)}")
            header = [h.strip() for h in header]
            for name in header:
                if name not in columns:
                    close = difflib.get_close_matches(name, columns, n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    raise NetworkFileError(f"{path}:1: unknown column {name!r}{hint} "
                                           f"(columns: {', '.join(columns)})")
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
                yield line, {h: c.strip() for h, c in zip(header, cells, strict=True)
                             if c.strip()}
    except (csv.Error, UnicodeDecodeError) as err:
        raise NetworkFileError(f"{path}: malformed CSV: {err}") from None


# ---------------------------------------------------------------- GraphML


def _load_graphml(path: Path) -> nx.Graph:
    declared = _graphml_node_ids(path)
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
        place = f"{path}: node {node!r}"
        if node not in declared:
            continue  # created by networkx for a dangling edge: reported below
        where[node] = place
        row = {k: str(v).strip() for k, v in data.items()
               if k in NODE_COLUMNS and str(v).strip()}
        g.add_node(node, **_node_attributes(row, place))
    _check_majors(g, where)
    for a, b, data in raw.edges(data=True):
        a, b = str(a), str(b)
        for node in (a, b):
            if node not in declared:
                raise NetworkFileError(f"{path}: edge {a!r}-{b!r}: node {node!r} is not "
                                       "declared (dangling edge)")
        row = {k: str(v).strip() for k, v in data.items()
               if k in EDGE_COLUMNS and str(v).strip()}
        g.add_edge(a, b, **_edge_attributes(g, a, b, row, f"{path}: edge {a!r}-{b!r}"))
    _check_population(g, str(path))
    return g


def _graphml_node_ids(path: Path) -> set[str]:
    try:
        ids = set()
        for _, elem in ET.iterparse(path):
            if elem.tag.rsplit("}", 1)[-1] == "node":
                ids.add(elem.get("id"))
        return ids
    except ET.ParseError as err:
        line, col = err.position
        raise NetworkFileError(f"{path}:{line}: malformed XML at column {col}: {err.msg}"
                               ) from None


# ---------------------------------------------------------------- shared checks


def _node_attributes(row: Mapping[str, str], place: str) -> dict[str, Any]:
    kind = row.get("type", "")
    if kind not in NODE_TYPES:
        raise NetworkFileError(f"{place}: unknown node type {kind!r}; allowed: "
                               f"{', '.join(NODE_TYPES)}")
    for name in REQUIRED[kind]:
        if not row.get(name):
            raise NetworkFileError(f"{place}: {_a(kind)} needs {name!r}")
    if kind == "enterprise":
        return {"type": kind, "industry": row["industry"],
                "size": _number(row, "size", place, low=0.0, strict_low=True),
                "age": _number(row, "age", place, low=0.0)}
    if kind == "school":
        level = row.get("level", DEFAULTS["level"])
        if level not in LEVELS:
            raise NetworkFileError(f"{place}: level {level!r}; allowed: {', '.join(LEVELS)}")
        intake = _number(row, "intake", place, low=1.0)
        if intake != int(intake):
            raise NetworkFileError(f"{place}: intake {intake!r} must be a whole number")
        return {"type": kind, "level": level, "majors": row["majors"], "intake": int(intake)}
    return {"type": kind, "mandate": row.get("mandate") or row.get("id") or ""}


def _number(row: Mapping[str, str], name: str, place: str, *, low: float,
            strict_low: bool = False) -> float:
    text = row.get(name)
    if text is None:
        return float(DEFAULTS[name])
    try:
        value = float(text)
    except ValueError:
        raise NetworkFileError(f"{place}: {name} {text!r} is not a number") from None
    if value != value or value < low or (strict_low and value == low):
        bound = f"> {low:g}" if strict_low else f">= {low:g}"
        raise NetworkFileError(f"{place}: {name} {text} is out of range: allowed {bound}")
    return value


def _edge_attributes(g: nx.Graph, a: str, b: str, row: Mapping[str, str],
                     place: str) -> dict[str, Any]:
    tie = row.get("tie", "")
    if tie not in TIE_TYPES:
        raise NetworkFileError(f"{place}: unknown tie {tie!r}; allowed: {', '.join(TIE_TYPES)}")
    if a == b:
        raise NetworkFileError(f"{place}: a tie from {a!r} to itself")
    ends = sorted((g.nodes[a]["type"], g.nodes[b]["type"]))
    if ends != sorted(TIE_ENDS[tie]):
        want = " and ".join(_a(t) for t in TIE_ENDS[tie])
        raise NetworkFileError(
            f"{place}: a {tie} tie joins {want}, not {_a(ends[0])} and {_a(ends[1])}")
    if tie == "peer" and g.nodes[a]["industry"] != g.nodes[b]["industry"]:
        raise NetworkFileError(f"{place}: peer ties join enterprises of the same industry "
                               f"({g.nodes[a]['industry']!r} vs {g.nodes[b]['industry']!r})")
    attributes: dict[str, Any] = {"tie": tie}
    if tie == "partnership":
        attributes["depth"] = _depth(row.get("depth", "form"), place)
    elif row.get("depth"):
        raise NetworkFileError(f"{place}: only partnership ties carry a depth")
    return attributes


def _depth(text: str, place: str) -> int:
    text = text.strip().lower()
    if text in DEPTH_NAMES:
        return DEPTH_NAMES[text]
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value in (0.0, 1.0, 2.0, 3.0):
        return int(value)
    raise NetworkFileError(f"{place}: depth {text!r}; allowed: "
                           f"{', '.join(DEPTH_NAMES)} or 0-3")


def _check_majors(g: nx.Graph, where: Mapping[str, str]) -> None:
    industries = sorted({d["industry"] for _, d in g.nodes(data=True)
                         if d["type"] == "enterprise"})
    for node, data in g.nodes(data=True):
        if data["type"] != "school":
            continue
        try:
            parse_majors(data["majors"], industries)
        except ValueError as err:
            raise NetworkFileError(f"{where[node]}: majors {data['majors']!r}: {err}") from None


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _check_population(g: nx.Graph, path: str) -> None:
    counts = {t: 0 for t in NODE_TYPES}
    for _, data in g.nodes(data=True):
        counts[data["type"]] += 1
    if counts["school"] < 1 or counts["enterprise"] < 2:
        raise NetworkFileError(
            f"{path}: needs at least 1 school and 2 enterprises (found {counts['school']} "
            f"schools, {counts['enterprise']} enterprises)")
