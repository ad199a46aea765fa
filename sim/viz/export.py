"""What the live view lets a user take away: the levers as a scenario file.

:func:`scenario_toml` writes the running parameter set in the format of
:mod:`sim.scenarios` (one table per parameter group, every value with its
``source``), so ``python -m sim run that-file.toml`` replays it. Each value set
from the page carries ``source = "live view"``: the page is where it was chosen,
and nothing more is known of it. The steps as CSV come from
:meth:`sim.viz.runs.Comparison.csv`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from sim.params import GROUPS, Parameters, spec

SOURCE = "live view"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):  # Parameters refuses these: a guard, not a format
            raise ValueError(f"cannot write {value!r} to a scenario file")
        return repr(value)
    if isinstance(value, dict):  # a lever's schedule (sim/schedules.py) as an inline table
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    # A JSON string is a valid TOML basic string (same escapes for what json emits).
    return json.dumps(str(value), ensure_ascii=False)


def scenario_toml(params: Parameters, *, title: str, description: str,
                  names: list[str] | None = None) -> str:
    """A scenario file that sets ``names`` (default: every value that differs from the defaults).

    Args:
        params: the parameter set to save.
        title: the scenario's one-line title.
        description: a few sentences (the page writes what it was built from).
        names: parameters to write, in any order (written by group); a
            ``network_file`` is written at the top level, as an absolute path.
    """
    chosen = set(names if names is not None else params.changed())
    chosen |= set(params.changed())  # a value differing from the defaults is always kept
    values = params.to_dict()
    lines = [f"title = {_toml_value(title)}",
             f"description = {_toml_value(description)}"]
    network = values.get("network_file")
    if network:
        lines.append(f"network_file = {_toml_value(network)}")
    chosen.discard("network_file")
    for group in GROUPS:
        rows = [n for n in values if n in chosen and spec(n).group == group]
        if not rows:
            continue
        lines += ["", f"[{group}]"]
        lines += [f"{n} = {{ {'schedule' if isinstance(values[n], dict) else 'value'} = "
                  f"{_toml_value(values[n])}, source = {_toml_value(SOURCE)} }}" for n in rows]
    return "\n".join(lines) + "\n"


def file_stem(text: str) -> str:
    """A file-name-safe stem of ``text`` (letters, digits, dashes)."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return stem or "coopsim"
