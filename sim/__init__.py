"""coopsim: an agent-based model of school-enterprise cooperation in vocational education.

``from sim import CooperationModel`` and run it with Mesa's ``run_for(steps)``.
"""

from sim.depth import Depth
from sim.model import CooperationModel
from sim.params import ParameterError, Parameters

__all__ = ["CooperationModel", "Depth", "Parameters", "ParameterError"]
