"""Load and validate a tripartite game file; evaluate its payoff expressions safely.

A game file is TOML::

    title = "..."
    source = "citation, or 'assumption'"
    populations = ["government", "school", "enterprise"]   # order of x, y, z
    [strategies]                                          # first strategy's share is x, y, z
    government = ["strict", "loose"]
    school = ["active", "passive"]
    enterprise = ["content", "form"]
    [parameters]
    S = { value = 3.0, meaning = "subsidy per deep partnership" }
    [payoffs]                                             # all eight profiles
    "strict/active/content" = { government = "R - S - C", school = "...", enterprise = "..." }

Payoffs are arithmetic expressions over the parameters: numbers, parameter
names, ``+ - * /``, unary ``+ -`` and parentheses. They are parsed with
:mod:`ast` and only those node types are walked; nothing is ever passed to
``eval``. Every problem raises :class:`GameSpecError`, which names the file
and the place in it.
"""

from __future__ import annotations

import ast
import difflib
import keyword
import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from itertools import product
from pathlib import Path

import numpy as np

MAX_EXPRESSION_LENGTH = 2000
TOP_LEVEL_KEYS = ("title", "source", "populations", "strategies", "parameters", "payoffs")

_BINARY_OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_UNARY_OPERATORS = {ast.UAdd: lambda a: +a, ast.USub: lambda a: -a}
_OPERATOR_SYMBOLS = {
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.Not: "not",
}
_NODE_DESCRIPTIONS = {
    ast.Call: "function calls are not allowed",
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "indexing is not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "'and'/'or' are not allowed",
    ast.IfExp: "conditional expressions are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.NamedExpr: "assignment is not allowed",
}
ALLOWED_SYNTAX = "numbers, parameter names, + - * /, unary -, and parentheses"


class GameSpecError(ValueError):
    """A game file, or an override of it, is invalid.

    The text is ``<file>[:<line>]: <place>: <message>[ (column <n>)]``; the line
    and column (of the value, or of the key) are given when the place is found
    in the file.

    Attributes:
        path: The game file (or ``"<string>"``).
        place: Where in the file: a TOML key path such as
            ``payoffs."strict/active/content".school``, or ``--set``.
        message: What is wrong, and where possible how to fix it.
        line: Line of the place in the file, when known.
        column: Column of the value (or key) on that line, when known.
    """

    def __init__(self, path: str | Path, place: str, message: str, line: int | None = None,
                 column: int | None = None):
        self.path = str(path)
        self.place = place
        self.message = message
        self.line = line
        self.column = column
        super().__init__(f"{self.location}: {place}: {message}{self.column_note}")

    @property
    def location(self) -> str:
        """``<file>``, or ``<file>:<line>`` when the place was found in it."""
        return self.path if self.line is None else f"{self.path}:{self.line}"

    @property
    def column_note(self) -> str:
        """`` (column <n>)`` when the column is known, else empty."""
        return "" if self.column is None else f" (column {self.column})"

    def located(self, text: str) -> GameSpecError:
        """This error with the line and column of its place in ``text`` (the file's TOML)."""
        found = locate(text, self.place)
        if found is None:
            return self
        return GameSpecError(self.path, self.place, self.message, *found)


_TOML_TABLE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")


def _split_place(place: str) -> list[str]:
    """``payoffs."a/b/c".school`` -> ``["payoffs", "a/b/c", "school"]``."""
    return [a or b for a, b in re.findall(r'"([^"]*)"|([^."]+)', place)]


def locate(text: str, place: str) -> tuple[int, int] | None:
    """Line and column of a TOML key path (as in :attr:`GameSpecError.place`) in ``text``.

    Finds ``key = ...`` in its ``[table]`` (or at the top level) and, for a deeper
    part such as ``.value`` or ``.school``, the column of that part's value in an
    inline table on the same line. Returns None when the place is not found.
    """
    parts = _split_place(place)
    if not parts:
        return None
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TOML_TABLE.match(line)
        if header:
            current = header.group(1).strip()
            if len(parts) == 1 and current == parts[0]:
                return number, line.index("[") + 1
            continue
        table, key, rest = (None, parts[0], parts[1:]) if current is None else (
            parts[0], parts[1] if len(parts) > 1 else None, parts[2:])
        if current != table or key is None:
            continue
        match = re.match(rf'\s*(?:"{re.escape(key)}"|{re.escape(key)})\s*=\s*', line)
        if not match:
            continue
        column = match.end() + 1
        for part in rest:
            inner = re.compile(rf'(?:"{re.escape(part)}"|\b{re.escape(part)})\s*=\s*')
            found = inner.search(line, match.end())
            if found:
                column = found.end() + 1
        return number, column
    return None


def _suggest(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.5)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


def _quote(key: str) -> str:
    return key if key.replace("_", "").isalnum() else f'"{key}"'


@dataclass(frozen=True)
class Expression:
    """A validated arithmetic payoff expression.

    Attributes:
        text: The expression as written in the file.
        names: The parameter names it uses.
    """

    text: str
    names: frozenset[str]
    _tree: ast.AST = field(repr=False, compare=False)

    def evaluate(self, values: dict[str, float]) -> float:
        """Evaluate with the given parameter values.

        Args:
            values: Value of every parameter named in the expression.

        Returns:
            The payoff as a float.

        Raises:
            ZeroDivisionError: If a divisor evaluates to zero.
        """
        return float(_evaluate(self._tree, values))


def _evaluate(node: ast.AST, values: dict[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.BinOp):
        return _BINARY_OPERATORS[type(node.op)](
            _evaluate(node.left, values), _evaluate(node.right, values)
        )
    if isinstance(node, ast.UnaryOp):
        return _UNARY_OPERATORS[type(node.op)](_evaluate(node.operand, values))
    raise TypeError(f"unvalidated node {type(node).__name__}")  # unreachable after validation


def _check_node(node: ast.AST, known: set[str], names: set[str]) -> str | None:
    """Return an error message for the first disallowed node, else None."""
    if isinstance(node, ast.Expression):
        return _check_node(node.body, known, names)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            return f"{node.value!r} is not a number (allowed: {ALLOWED_SYNTAX})"
        if isinstance(node.value, float) and not math.isfinite(node.value):
            return "a number literal is too large to be finite (it reads as inf)"
        return None
    if isinstance(node, ast.Name):
        if node.id not in known:
            return f"unknown parameter {node.id!r}{_suggest(node.id, known)}"
        names.add(node.id)
        return None
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY_OPERATORS:
            symbol = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
            return f"operator {symbol!r} is not allowed (allowed: {ALLOWED_SYNTAX})"
        return _check_node(node.left, known, names) or _check_node(node.right, known, names)
    if isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY_OPERATORS:
            symbol = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
            return f"operator {symbol!r} is not allowed (allowed: {ALLOWED_SYNTAX})"
        return _check_node(node.operand, known, names)
    description = _NODE_DESCRIPTIONS.get(
        type(node), f"{type(node).__name__} is not allowed"
    )
    return f"{description} (allowed: {ALLOWED_SYNTAX})"


def compile_expression(text: object, known: set[str], path: str | Path, place: str) -> Expression:
    """Parse and validate one payoff expression.

    Args:
        text: The expression string (a bare TOML number is accepted too).
        known: Parameter names the expression may use.
        path: Game file, for error messages.
        place: Location in the file, for error messages.

    Returns:
        The validated :class:`Expression`.

    Raises:
        GameSpecError: If the text is not an allowed arithmetic expression.
    """
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise GameSpecError(
            path, place, f"expected an expression string or a number, got {type(text).__name__}"
        )
    if isinstance(text, float) and not math.isfinite(text):
        raise GameSpecError(path, place, f"expected a finite number, got {text!r}")
    source = str(text).strip()
    if not source:
        raise GameSpecError(path, place, "empty expression")
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise GameSpecError(path, place, f"expression longer than {MAX_EXPRESSION_LENGTH} chars")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        column = f" at column {exc.offset}" if exc.offset else ""
        raise GameSpecError(
            path, place, f"cannot parse {source!r}{column}: {exc.msg} (allowed: {ALLOWED_SYNTAX})"
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise GameSpecError(path, place, f"cannot parse {source!r}: too deeply nested") from None
    names: set[str] = set()
    try:
        problem = _check_node(tree, known, names)
    except RecursionError:
        problem = "too deeply nested"
    if problem:
        raise GameSpecError(path, place, f"in {source!r}: {problem}")
    return Expression(text=source, names=frozenset(names), _tree=tree)


@dataclass(frozen=True)
class Parameter:
    """One named parameter of a game.

    Attributes:
        name: Symbol used in payoff expressions.
        value: Its numeric value.
        meaning: What it stands for (and, for model-linked games, which
            parameter of the main model it comes from).
    """

    name: str
    value: float
    meaning: str = ""


@dataclass(frozen=True)
class GameSpec:
    """A validated tripartite game with two strategies per population.

    Profiles are indexed by strategy *indices* ``(a, b, c)``, one per
    population in file order, where 0 is the population's first strategy and
    1 its second. Papers write profiles as shares instead, E(1,0,1) meaning
    "first, second, first"; :meth:`profile_shares` converts.

    Attributes:
        path: The file the game came from.
        title: Human-readable title.
        source: Citation of the paper, or ``"assumption"``.
        populations: The three population names; their order fixes x, y, z.
        strategies: Per population, its (first, second) strategy names.
        parameters: Parameters by name, in file order.
        payoffs: Per profile index triple, one expression per population.
    """

    path: str
    title: str
    source: str
    populations: tuple[str, str, str]
    strategies: tuple[tuple[str, str], tuple[str, str], tuple[str, str]]
    parameters: dict[str, Parameter]
    payoffs: dict[tuple[int, int, int], tuple[Expression, Expression, Expression]]

    @property
    def name(self) -> str:
        """Short name: the file stem."""
        return Path(self.path).stem

    @property
    def values(self) -> dict[str, float]:
        """Parameter values by name."""
        return {name: p.value for name, p in self.parameters.items()}

    @property
    def unused_parameters(self) -> list[str]:
        """Parameters declared but used in no payoff."""
        used = set().union(*(e.names for exprs in self.payoffs.values() for e in exprs))
        return [name for name in self.parameters if name not in used]

    def profile_label(self, profile: tuple[int, int, int]) -> str:
        """Strategy names of an index profile joined by '/', as in the file."""
        return "/".join(self.strategies[p][s] for p, s in enumerate(profile))

    @staticmethod
    def profile_shares(profile: tuple[int, int, int]) -> tuple[int, int, int]:
        """Paper notation E(x, y, z) of an index profile: 1 = first strategy."""
        return tuple(1 - s for s in profile)  # type: ignore[return-value]

    def with_overrides(self, overrides: dict[str, float], place: str = "--set") -> GameSpec:
        """Return a copy with some parameter values replaced.

        Args:
            overrides: New values by parameter name.
            place: Where the overrides came from, for error messages.

        Returns:
            A new :class:`GameSpec`; its payoffs are re-checked for finiteness.

        Raises:
            GameSpecError: For an unknown name or a non-finite value.
        """
        parameters = dict(self.parameters)
        for name, value in overrides.items():
            if name not in parameters:
                raise GameSpecError(
                    self.path, f"{place} {name}",
                    f"unknown parameter {name!r}{_suggest(name, parameters)}",
                )
            parameters[name] = replace(parameters[name], value=_as_number(
                value, self.path, f"{place} {name}"))
        game = replace(self, parameters=parameters)
        game.payoff_array()
        return game

    def payoff_array(self) -> np.ndarray:
        """Evaluate every payoff with the current parameter values.

        Returns:
            Array ``P`` of shape (3, 2, 2, 2): ``P[p, a, b, c]`` is population
            ``p``'s payoff in the profile with strategy indices ``(a, b, c)``.

        Raises:
            GameSpecError: If a payoff divides by zero or is not finite.
        """
        values = self.values
        table = np.empty((3, 2, 2, 2))
        for profile, exprs in self.payoffs.items():
            for p, expr in enumerate(exprs):
                place = f"payoffs.{_quote(self.profile_label(profile))}.{self.populations[p]}"
                try:
                    value = expr.evaluate(values)
                except ZeroDivisionError:
                    raise GameSpecError(
                        self.path, place, f"{expr.text!r} divides by zero"
                    ) from None
                except OverflowError:
                    value = math.inf
                if not math.isfinite(value):
                    raise GameSpecError(self.path, place, f"{expr.text!r} is not finite")
                table[(p, *profile)] = value
        return table


def _as_number(value: object, path: str | Path, place: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "the string " if isinstance(value, str) else ""
        raise GameSpecError(path, place, f"expected a number, got {kind}{value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise GameSpecError(path, place, f"expected a finite number, got {value!r}")
    return number


def parse_override(text: str) -> tuple[str, float]:
    """Split a ``NAME=VALUE`` command-line override.

    Args:
        text: The override as typed.

    Returns:
        ``(name, value)``.

    Raises:
        GameSpecError: If it is not of that form or VALUE is not a number
            (the path is ``--set``; the caller may re-raise with the file).
    """
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise GameSpecError("--set", repr(text), "expected NAME=VALUE, e.g. --set S=4.5")
    try:
        number = float(value)
    except ValueError:
        raise GameSpecError("--set", name, f"expected a number, got {value.strip()!r}") from None
    if not math.isfinite(number):
        raise GameSpecError("--set", name, f"expected a finite number, got {value.strip()!r}")
    return name, number


def _require(data: dict, key: str, kind: type | tuple, path: str, what: str):
    if key not in data:
        raise GameSpecError(path, key, f"missing; expected {what}")
    value = data[key]
    if not isinstance(value, kind):
        raise GameSpecError(path, key, f"expected {what}, got {value!r}")
    return value


def _parse_populations(data: dict, path: str) -> tuple[str, str, str]:
    populations = _require(data, "populations", list, path, "a list of three names")
    if len(populations) != 3:
        raise GameSpecError(
            path, "populations", f"expected exactly three populations, got {len(populations)}"
        )
    for name in populations:
        if not isinstance(name, str) or not name.strip():
            raise GameSpecError(path, "populations", f"{name!r} is not a non-empty name")
    if len(set(populations)) != 3:
        raise GameSpecError(path, "populations", "population names must be distinct")
    return tuple(populations)  # type: ignore[return-value]


def _parse_strategies(data: dict, populations, path: str) -> tuple:
    table = _require(data, "strategies", dict, path, "a table of two strategies per population")
    for key in table:
        if key not in populations:
            raise GameSpecError(
                path, f"strategies.{_quote(key)}",
                f"{key!r} is not a population{_suggest(key, populations)} "
                f"(populations: {', '.join(populations)})",
            )
    strategies = []
    for population in populations:
        place = f"strategies.{_quote(population)}"
        if population not in table:
            raise GameSpecError(path, place, "missing; give the population's two strategies")
        names = table[population]
        if (
            not isinstance(names, list)
            or len(names) != 2
            or not all(isinstance(n, str) and n.strip() for n in names)
        ):
            raise GameSpecError(path, place, f"expected two strategy names, got {names!r}")
        if names[0] == names[1]:
            raise GameSpecError(path, place, "the two strategies must have different names")
        for name in names:
            if "/" in name:
                raise GameSpecError(path, place, f"strategy name {name!r} may not contain '/'")
        strategies.append((names[0].strip(), names[1].strip()))
    return tuple(strategies)


def _parse_parameters(data: dict, path: str) -> dict[str, Parameter]:
    table = data.get("parameters", {})
    if not isinstance(table, dict):
        raise GameSpecError(path, "parameters", "expected a table of parameters")
    parameters = {}
    for name, entry in table.items():
        place = f"parameters.{_quote(name)}"
        if not name.isidentifier() or keyword.iskeyword(name):
            raise GameSpecError(
                path, place, "a parameter name must be a letter or '_' followed by letters, "
                "digits or '_' (and not a Python keyword)",
            )
        if isinstance(entry, dict):
            unknown = set(entry) - {"value", "meaning"}
            if unknown:
                key = sorted(unknown)[0]
                raise GameSpecError(
                    path, f"{place}.{key}",
                    f"unknown key{_suggest(key, ['value', 'meaning'])} "
                    "(a parameter has 'value' and 'meaning')",
                )
            if "value" not in entry:
                raise GameSpecError(path, place, "missing 'value'")
            value = _as_number(entry["value"], path, f"{place}.value")
            meaning = entry.get("meaning", "")
            if not isinstance(meaning, str):
                raise GameSpecError(path, f"{place}.meaning", "expected a string")
        else:
            value = _as_number(entry, path, place)
            meaning = ""
        parameters[name] = Parameter(name=name, value=value, meaning=meaning)
    return parameters


def _parse_profile_key(key: str, strategies, populations, path: str) -> tuple[int, int, int]:
    place = f"payoffs.{_quote(key)}"
    parts = [part.strip() for part in key.split("/")]
    if len(parts) != 3:
        raise GameSpecError(
            path, place,
            f"a profile names three strategies joined by '/', in population order "
            f"({'/'.join(populations)}), e.g. {'/'.join(s[0] for s in strategies)!r}",
        )
    profile = []
    for p, part in enumerate(parts):
        if part not in strategies[p]:
            raise GameSpecError(
                path, place,
                f"unknown strategy {part!r} for {populations[p]}{_suggest(part, strategies[p])} "
                f"(strategies: {', '.join(strategies[p])})",
            )
        profile.append(strategies[p].index(part))
    return tuple(profile)  # type: ignore[return-value]


def parse_game(data: dict, path: str | Path = "<string>") -> GameSpec:
    """Validate a decoded TOML document and build a :class:`GameSpec`.

    Args:
        data: The document as returned by :func:`tomllib.loads`.
        path: File name for error messages.

    Returns:
        The validated game.

    Raises:
        GameSpecError: For the first problem found.
    """
    path = str(path)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise GameSpecError(
                path, _quote(key), f"unknown key{_suggest(key, TOP_LEVEL_KEYS)} "
                f"(expected: {', '.join(TOP_LEVEL_KEYS)})",
            )
    title = _require(data, "title", str, path, "a string")
    source = _require(data, "source", str, path, "a citation string, or 'assumption'")
    populations = _parse_populations(data, path)
    strategies = _parse_strategies(data, populations, path)
    parameters = _parse_parameters(data, path)
    table = _require(data, "payoffs", dict, path, "a table with all eight profiles")
    known = set(parameters)
    payoffs = {}
    keys_of = {}
    for key, entry in table.items():
        profile = _parse_profile_key(key, strategies, populations, path)
        place = f"payoffs.{_quote(key)}"
        if profile in payoffs:
            raise GameSpecError(path, place, f"profile given twice (also as {keys_of[profile]!r})")
        if not isinstance(entry, dict):
            raise GameSpecError(
                path, place, "expected a table with one payoff per population, e.g. "
                + "{ " + ", ".join(f'{p} = "..."' for p in populations) + " }",
            )
        for member in entry:
            if member not in populations:
                raise GameSpecError(
                    path, f"{place}.{_quote(member)}",
                    f"{member!r} is not a population{_suggest(member, populations)}",
                )
        exprs = []
        for population in populations:
            if population not in entry:
                raise GameSpecError(path, place, f"missing the payoff of {population!r}")
            exprs.append(compile_expression(
                entry[population], known, path, f"{place}.{_quote(population)}"
            ))
        payoffs[profile] = tuple(exprs)
        keys_of[profile] = key
    missing = [p for p in product((0, 1), repeat=3) if p not in payoffs]
    if missing:
        labels = ", ".join(repr("/".join(strategies[i][s] for i, s in enumerate(p)))
                           for p in missing)
        raise GameSpecError(
            path, "payoffs", f"missing {len(missing)} of the eight profiles: {labels}"
        )
    game = GameSpec(
        path=path, title=title, source=source, populations=populations,
        strategies=strategies, parameters=parameters,
        payoffs={p: payoffs[p] for p in product((0, 1), repeat=3)},
    )
    game.payoff_array()
    return game


def load_game(path: str | Path, overrides: dict[str, float] | None = None) -> GameSpec:
    """Read, validate and optionally override a game file.

    Args:
        path: The TOML file.
        overrides: Parameter values replacing the file's (``--set``).

    Returns:
        The validated game.

    Raises:
        GameSpecError: If the file is unreadable, not TOML, or invalid.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark is not TOML's business
    except FileNotFoundError:
        raise GameSpecError(path, "file", "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GameSpecError(path, "file", f"cannot read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\s*\(at line (\d+), column (\d+)\)", str(exc))
        if match is None:
            raise GameSpecError(path, "TOML syntax", str(exc)) from None
        raise GameSpecError(path, "TOML syntax", str(exc)[:match.start()],
                            int(match.group(1)), int(match.group(2))) from None
    try:
        game = parse_game(data, path)
        if overrides:
            game = game.with_overrides(overrides)
    except GameSpecError as exc:
        raise exc.located(text) from None
    return game
