"""coopsim: an agent-based model of school-enterprise cooperation in vocational education.

``from sim import CooperationModel`` and run it with Mesa's ``run_for(steps)``.

The names below load on first use (PEP 562), so ``import sim`` and commands
that never build a model (``python -m sim run --help``) do not pay for Mesa,
pandas and networkx at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.depth import Depth
    from sim.model import CooperationModel
    from sim.params import ParameterError, Parameters

__all__ = ["CooperationModel", "Depth", "Parameters", "ParameterError"]

_WHERE = {"CooperationModel": "sim.model", "Depth": "sim.depth", "Parameters": "sim.params",
          "ParameterError": "sim.params"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
