"""The Mesa agents users see and inspect: enterprises, schools, departments.

The model keeps the state that its vectorised step changes in numpy arrays
(one entry per agent, see :class:`sim.model.CooperationModel`); each agent is a
view on its entries, so ``agent.retention`` always shows the current value
while a step over 20,000 firms stays a handful of array operations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.depth import Depth

if TYPE_CHECKING:
    from sim.model import CooperationModel


class _ArrayAgent(mesa.Agent):
    """An agent whose state lives at index ``idx`` of the model's arrays."""

    model: CooperationModel

    def __init__(self, model: CooperationModel, idx: int, node: str):
        super().__init__(model)
        self.idx = idx
        self.node = node

    def partnership_depths(self) -> list[Depth]:
        """Depth of each of this agent's active partnerships."""
        return [Depth(int(d)) for d in self.model.partnerships.depths_of(self)]


class Enterprise(_ArrayAgent):
    """A local firm deciding whether and how deeply to cooperate with schools."""

    @property
    def industry(self) -> str:
        """Industry name."""
        return self.model.population.industries[self.model.ent_industry[self.idx]]

    @property
    def size(self) -> float:
        """Relative size (median firm = 1)."""
        return float(self.model.ent_size[self.idx])

    @property
    def age(self) -> float:
        """Years since establishment."""
        return float(self.model.ent_age[self.idx])

    @property
    def skill_demand(self) -> float:
        """Relative demand for skilled graduates (size^0.6: vacancies grow less than size)."""
        return float(self.model.ent_value_scale[self.idx])

    @property
    def training_capacity(self) -> float:
        """Students per year it can host in training at content depth."""
        return float(self.model.ent_training_slots[self.idx])

    @property
    def retention(self) -> float:
        """Share of its trained graduates it currently keeps (after poaching)."""
        return float(self.model.ent_retained[self.idx])

    @property
    def perceived_legal_risk(self) -> float:
        """Priced legal/safety risk per step of a content partnership with a secondary school.

        With a higher vocational college (adult students) it is 0.6 of this.
        """
        p = self.model.p
        return float(p.legal_risk_per_step * (1.0 - p.regulation_completeness))

    @property
    def aware_of_policy(self) -> bool:
        """Whether it knows the incentives on offer."""
        return bool(self.model.ent_aware[self.idx])


class School(_ArrayAgent):
    """A secondary vocational school or higher vocational college."""

    @property
    def level(self) -> str:
        """'secondary' or 'higher'."""
        return "higher" if self.model.school_level[self.idx] else "secondary"

    @property
    def majors(self) -> dict[str, float]:
        """Share of students per major (industry)."""
        inds = self.model.population.industries
        return {inds[k]: float(s) for k, s in enumerate(self.model.school_majors[self.idx])
                if s > 1e-3}

    @property
    def intake(self) -> int:
        """Students per year."""
        return int(self.model.school_intake[self.idx])

    @property
    def teacher_practical_capacity(self) -> float:
        """Share of teachers with real practical capacity."""
        return float(self.model.school_teacher_capacity[self.idx])

    @property
    def quality(self) -> float:
        """Training quality it offers a partner, from school_quality_floor up to 1 with teachers' capacity."""
        floor = self.model.p.school_quality_floor
        return floor + (1.0 - floor) * self.teacher_practical_capacity

    @property
    def alignment(self) -> float:
        """Overlap of its majors with local industry demand (1 = fully aligned)."""
        return float(np.minimum(self.model.school_majors[self.idx], self.model.demand).sum())


class Department(_ArrayAgent):
    """A government department sharing the cooperation mandate."""

    @property
    def mandate(self) -> str:
        """What it is responsible for (education, finance, ...)."""
        return self.model.population.mandates[self.idx]

    @property
    def functions(self) -> list[str]:
        """The cooperation functions its mandate holds (broker, approve, audit)."""
        from sim.mechanisms.departments import FUNCTIONS

        return [f for f, held in zip(FUNCTIONS, self.model.dept_held[self.idx], strict=True) if held]

    @property
    def service_awareness(self) -> float:
        """Chance it attends to a task that reaches it."""
        return float(self.model.dept_awareness[self.idx])

    @property
    def effort(self) -> float:
        """Chance it takes a task of its functions up, on average (its decision)."""
        takeup = self.model.dept_takeup[self.idx]
        held = self.model.dept_held[self.idx]
        return float(takeup[held].mean()) if held.any() else 0.0

    @property
    def budget(self) -> float:
        """Its share of the subsidy budget left this year."""
        return float(self.model.dept_budget[self.idx])

    @property
    def brokered(self) -> int:
        """Matches it has brokered so far."""
        return int(self.model.dept_brokered[self.idx])
