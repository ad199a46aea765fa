"""CooperationModel: government departments, schools and enterprises on one network.

A step is a month. Its order (see docs/ODD.md, "Process overview"):

1. departments act: process applications, audit reports, pay subsidies and tax
   offsets on what is reported, until the budget runs out;
2. schools search for partners (brokered or on their own) and enterprises
   accept or decline;
3. partners revise, per partnership, the rung each invests for (logit choice,
   enterprises partly imitating peers), and whether to misreport;
4. partnerships move: up a rung when both invest for it and the upgrade is
   approved, down when either stops, dissolved after a spell at none; reports
   go to government through noise;
5. once a year: a cohort graduates, teachers gain practice, schools shift
   majors, outreach spreads awareness, the budget renews;
6. outputs are collected.

State that the step changes lives in numpy arrays (``ent_*``, ``school_*`` and
:class:`sim.partnerships.Partnerships`); the Mesa agents are views on it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

import mesa
import networkx as nx
import numpy as np

from sim import outputs
from sim.agents import Department, Enterprise, School
from sim.depth import Depth
from sim.mechanisms import (
    assessment,
    choice,
    coordination,
    enterprise_payoff,
    incentives,
    planning,
    poaching,
    regulation,
    reporting,
    service,
)
from sim.network import generate, industry_demand, population_from_graph
from sim.params import ParameterError, Parameters
from sim.partnerships import Partnerships

#: A step is a month: every per-step quantity in the parameters is monthly.
STEPS_PER_YEAR = 12
#: Search attempts a school can make in one step. Assumption.
MAX_ATTEMPTS_PER_STEP = 3
#: Students per year a median firm can take at each rung (scaled by size). Assumption.
PLACEMENTS_BY_RUNG = np.array([0.0, 0.3, 3.0, 8.0])
#: Skill match of a graduate trained at each rung, before fit. Assumption.
TRAINING_QUALITY_BY_RUNG = np.array([0.0, 0.3, 0.65, 1.0])
#: Yearly growth of teachers' practical capacity per unit share of deep partnerships,
#: and yearly attrition. Assumption.
TEACHER_LEARNING_RATE = 0.3
TEACHER_ATTRITION = 0.03


class CooperationModel(mesa.Model):
    """Agent-based model of school-enterprise cooperation under government levers.

    Args:
        rng: seed (int or SeedSequence) or numpy Generator; the only source of randomness.
        params: a :class:`sim.params.Parameters` or a mapping of parameter values.
        scenario: a Mesa ``Scenario`` whose fields are parameter values (alternative to params).
        network: a typed networkx graph (schema in :mod:`sim.network`) to start from.
        collect_agents: also record per-agent values each step (off: it is slower).
        **kwargs: any parameter of :class:`sim.params.Parameters` as a plain value.
    """

    def __init__(self, rng: Any = None, params: Parameters | Mapping[str, Any] | None = None,
                 scenario: Any = None, network: nx.Graph | None = None,
                 collect_agents: bool = False, **kwargs: Any):
        if scenario is not None:
            values = {k: v for k, v in scenario.to_dict().items()
                      if k not in ("rng", "model", "_scenario_id")}
            rng = scenario.rng if rng is None else rng
            params = Parameters.from_mapping({**values, **kwargs}, where="scenario: ")
            kwargs = {}
        super().__init__(rng=rng)
        self.p = _resolve_params(params, kwargs)
        p = self.p

        if network is None and p.network_file:
            from sim.network_io import load_network

            network = load_network(p.network_file)
        # A graph passed in is copied: the run adds partnership and service ties to its own.
        self.network = network.copy() if network is not None else generate(p, self.rng)
        self.population = pop = population_from_graph(self.network)

        # --- enterprise state ---
        self.ent_industry = pop.industry
        self.ent_size = pop.size
        self.ent_age = pop.age
        n_e = len(pop.enterprise_keys)
        # Long-established firms are likelier to know the policy (Yang & Yue 2018):
        # a logit shift by age rank, keeping the mean near policy_awareness and 0/1 exact.
        age_rank = np.argsort(np.argsort(pop.age)) / max(1, n_e - 1)
        self.ent_aware = self.rng.random(n_e) < _shift_by_rank(p.policy_awareness, age_rank)
        self.ent_base_retention = poaching.base_retention(p.retention_share, pop.size)
        self.ent_retained = self.ent_base_retention.copy()
        self.ent_loss = np.zeros(n_e)
        self.ent_last_target = np.full(n_e, -1, dtype=np.int64)
        # Vacancies, and so placements, grow less than proportionally with size.
        self.ent_value_scale = pop.size ** enterprise_payoff.VALUE_SIZE_ELASTICITY
        self.ent_training_slots = PLACEMENTS_BY_RUNG[Depth.CONTENT] * self.ent_value_scale
        self.ent_content_cost = enterprise_payoff.rung_cost(p.content_cost_per_step, pop.size)

        # --- school state ---
        self.school_level = pop.level
        self.school_majors = pop.majors
        self.school_intake = pop.intake
        self.school_teacher_capacity = np.full(len(pop.school_keys), p.teacher_practical_capacity)
        self.school_risk_factor = np.where(pop.level == 1, regulation.RISK_BY_LEVEL["higher"],
                                           regulation.RISK_BY_LEVEL["secondary"])
        self.demand = industry_demand(pop.industry, pop.size, len(pop.industries))
        self.relevance = planning.fit_matrix(self.school_majors, self.demand)
        self.fit_by_industry = self.relevance.copy()

        # --- government state ---
        n_dep = max(1, len(pop.department_keys))
        self.dilution = coordination.effort_dilution(p.mandate_overlap, n_dep, p.coordination_body)
        self.effective_service = p.service_awareness * self.dilution
        self.sign_offs = coordination.expected_sign_offs(p.mandate_overlap, n_dep,
                                                         p.coordination_body)
        self.stage_prob = coordination.stage_clear_prob(p.approval_stage_prob_per_step,
                                                        self.effective_service)
        self.expected_delay = self.sign_offs / self.stage_prob
        self.credibility = regulation.incentive_credibility(p.regulation_completeness,
                                                            p.incentive_credibility_floor)
        self.budget_left = p.subsidy_budget_per_year
        # Firms expect a subsidy to be paid only if there is a budget to pay it from.
        self.payout_ratio = 1.0 if p.subsidy_budget_per_year > 0 else 0.0
        self._year_claimed = 0.0
        self._year_paid = 0.0
        self.dept_brokered = np.zeros(len(pop.department_keys), dtype=np.int64)
        self._recent_delays: deque[tuple[float, int]] = deque(maxlen=STEPS_PER_YEAR)
        self.school_target = assessment.partnership_target(
            p.assessment_outcome_weight, p.target_partnerships_per_school)

        # --- agents (views on the arrays) ---
        self.schools = [School(self, i, k) for i, k in enumerate(pop.school_keys)]
        self.enterprises = [Enterprise(self, i, k) for i, k in enumerate(pop.enterprise_keys)]
        self.departments = [Department(self, i, k) for i, k in enumerate(pop.department_keys)]
        for agent in (*self.schools, *self.enterprises, *self.departments):
            self.network.nodes[agent.node]["agent"] = agent

        # --- partnerships given by the network (generated counties start with none) ---
        self.partnerships = Partnerships()
        if len(pop.partnerships):
            s, e, d = pop.partnerships.T
            self.partnerships.add(s, e, d, d.copy(), d.copy())
        self._annual = {"graduates_placed_locally": 0.0, "graduates_poached": 0.0,
                        "skill_match": 0.0}
        self.tally: dict[str, float] = {}
        self._update_retention()
        self._update_fit()
        self._tally_state(step_flows=_zero_flows())
        self.datacollector = mesa.DataCollector(
            model_reporters=outputs.reporters(),
            agenttype_reporters=outputs.agent_reporters() if collect_agents else None,
        )
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ step
    @property
    def step_count(self) -> int:
        """Steps run so far; inside ``step()``, the number of the current step (1-based)."""
        return int(round(self.time))

    def step(self) -> None:
        """Advance one month (see the module docstring for the order)."""
        flows = _zero_flows()
        self._departments_act(flows)
        existing = len(self.partnerships)  # signed before this month's search
        self._schools_search(flows)
        self._partners_revise(existing)
        self._partnerships_move(flows)
        if self.step_count % STEPS_PER_YEAR == 0:
            self._year_end()
        self._tally_state(flows)
        self.datacollector.collect(self)

    # -- 1. departments -----------------------------------------------------
    def _departments_act(self, flows: dict[str, float]) -> None:
        p, pt = self.p, self.partnerships
        if len(pt) == 0:
            flows["spending_levers"] = self._lever_cost_per_step()
            return
        aware = self.ent_aware[pt.enterprise]
        # Claims follow the reported rung; what the true rung would have drawn is
        # the entitlement, and the rest is over-payment.
        claims, offsets = incentives.entitlement(
            p.subsidy_per_content_step, p.tax_offset_rate, pt.reported,
            self.ent_content_cost[pt.enterprise, pt.reported], aware)
        paid, self.budget_left = incentives.pay_subsidies(claims, self.budget_left, self.rng)
        self._year_claimed += claims.sum()
        self._year_paid += paid.sum()
        due_subsidy, due_tax = incentives.entitlement(
            p.subsidy_per_content_step, p.tax_offset_rate, pt.depth,
            self.ent_content_cost[pt.enterprise, pt.depth], aware)
        over_subsidy = np.maximum(paid - due_subsidy, 0.0)
        over_tax = np.maximum(offsets - due_tax, 0.0)
        pt.overpaid += over_subsidy + over_tax

        audited = (pt.reported >= Depth.PRACTICE) & (self.rng.random(len(pt)) < p.audit_prob_per_step)
        detected = audited & pt.misreporting
        clawback = pt.overpaid[detected].sum()
        pt.overpaid[audited] = 0.0
        pt.misreporting = pt.misreporting & ~detected
        flows.update(
            spending_subsidy=paid.sum(),
            subsidy_leakage=paid[pt.depth <= Depth.FORM].sum(),
            subsidy_overpaid=over_subsidy.sum(),
            spending_tax_offset=offsets.sum(),
            tax_offset_overpaid=over_tax.sum(),
            audits=float(audited.sum()),
            misreports_detected=float(detected.sum()),
            penalties_collected=float(detected.sum()) * p.penalty_per_misreport,
            clawbacks_collected=float(clawback),
            spending_audit=float(audited.sum()) * p.cost_per_audit,
            spending_levers=self._lever_cost_per_step(),
        )

    def _lever_cost_per_step(self) -> float:
        p = self.p
        yearly = (p.coordination_body * p.cost_coordination_body_per_year
                  + p.service_awareness * p.cost_service_per_year
                  + p.regulation_completeness * p.cost_regulation_per_year
                  + p.major_adjust_rate_per_year * p.cost_planning_per_year
                  + p.assessment_outcome_weight * p.cost_outcome_assessment_per_year)
        return yearly / STEPS_PER_YEAR

    # -- 2. partner search --------------------------------------------------
    def _schools_search(self, flows: dict[str, float]) -> None:
        p, pt = self.p, self.partnerships
        n_s, n_e = len(self.schools), len(self.enterprises)
        if n_s == 0 or n_e == 0:
            return
        have = np.bincount(pt.school, minlength=n_s)
        attempts = np.clip(self.school_target - have, 0, MAX_ATTEMPTS_PER_STEP)
        schools = np.repeat(np.arange(n_s), attempts)
        if schools.size == 0:
            return
        brokered = self.rng.random(schools.size) < self.effective_service
        # On their own, schools search only when an agreement is worth its search cost.
        worth = assessment.search_value(p.assessment_outcome_weight) - p.partner_search_cost
        searching = brokered | choice.logit_binary(np.full(schools.size, worth),
                                                   p.choice_temperature, self.rng)
        schools, brokered = schools[searching], brokered[searching]
        firms = service.choose_candidates(self.fit_by_industry, self.ent_industry, schools,
                                          brokered, p.partner_info_noise, self.rng)
        keys = schools * n_e + firms
        _, first = np.unique(keys, return_index=True)
        new = np.zeros(keys.size, dtype=bool)
        new[first] = True
        new &= ~np.isin(keys, pt.pair_keys(n_e))
        schools, firms, brokered = schools[new], firms[new], brokered[new]
        if schools.size == 0:
            return
        u_ent = self._enterprise_utility(schools, firms, np.full(schools.size, int(Depth.FORM)))
        ent_choice = choice.logit_choice(u_ent, p.choice_temperature, self.rng)
        accepted = ent_choice > Depth.NONE
        u_school = self._school_utility(schools, firms)
        u_school[:, Depth.NONE] = -np.inf  # the school proposed: it wants at least form
        school_choice = choice.logit_choice(u_school, p.choice_temperature, self.rng)
        s, e = schools[accepted], firms[accepted]
        pt.add(s, e, np.full(s.size, int(Depth.FORM)), ent_choice[accepted],
               school_choice[accepted])
        self.ent_last_target[e] = ent_choice[accepted]
        flows["partnerships_formed"] = float(s.size)
        for school, firm in zip(s, e, strict=True):
            self.network.add_edge(self.schools[school].node, self.enterprises[firm].node,
                                  tie="partnership", depth=int(Depth.FORM))
        broker_firms = e[brokered[accepted]]
        if broker_firms.size and len(self.departments):
            brokers = self.rng.integers(0, len(self.departments), size=broker_firms.size)
            np.add.at(self.dept_brokered, brokers, 1)
            for dep, firm in zip(brokers, broker_firms, strict=True):
                self.network.add_edge(self.departments[dep].node, self.enterprises[firm].node,
                                      tie="service")

    def _enterprise_utility(self, schools: np.ndarray, firms: np.ndarray,
                            depth: np.ndarray) -> np.ndarray:
        """Payoff of each rung for partnerships at ``depth`` (a new one counts as form)."""
        p = self.p
        fit = self.fit_by_industry[schools, self.ent_industry[firms]]
        # Incentives on a rung above the current depth arrive only after approval.
        upgrade = np.arange(4)[None, :] > depth[:, None]
        delay = np.where(upgrade, coordination.incentive_discount(self.expected_delay,
                                                                  STEPS_PER_YEAR), 1.0)
        tax_weight = self.credibility * delay
        return enterprise_payoff.payoff(
            size=self.ent_size[firms], retained=self.ent_retained[firms], fit=fit,
            school_quality=0.5 + 0.5 * self.school_teacher_capacity[schools],
            aware=self.ent_aware[firms].astype(float),
            risk=regulation.legal_risk(p.legal_risk_per_step, p.regulation_completeness,
                                       self.school_risk_factor[schools]),
            cost=self.ent_content_cost[firms], training_value=p.training_value_per_step,
            symbolic_value=p.symbolic_value_per_step, subsidy=p.subsidy_per_content_step,
            tax_rate=p.tax_offset_rate, subsidy_weight=tax_weight * self.payout_ratio,
            tax_weight=tax_weight)

    def _school_utility(self, schools: np.ndarray, firms: np.ndarray) -> np.ndarray:
        fit = self.fit_by_industry[schools, self.ent_industry[firms]]
        return assessment.school_utility(self.p.assessment_outcome_weight, fit,
                                         self.school_teacher_capacity[schools],
                                         self.p.school_content_cost_per_step)

    # -- 3. revision of investment and reporting -----------------------------
    def _partners_revise(self, existing: int) -> None:
        """Revisit investment and reporting of partnerships older than this month."""
        p, pt = self.p, self.partnerships
        rows = np.flatnonzero(self.rng.random(existing) < p.revision_prob_per_step)
        if rows.size == 0:
            return
        s, e = pt.school[rows], pt.enterprise[rows]
        ent_choice = choice.logit_choice(self._enterprise_utility(s, e, pt.depth[rows]),
                                         p.choice_temperature, self.rng)
        # Imitation: copy the latest choice of a random peer in the same industry.
        imitating = self.rng.random(rows.size) < p.imitation_prob
        if imitating.any():
            peer = self._random_peer(e[imitating])
            has_peer = peer >= 0
            copied = np.where(has_peer, self.ent_last_target[np.maximum(peer, 0)], -1)
            idx = np.flatnonzero(imitating)
            usable = copied >= 0
            ent_choice[idx[usable]] = copied[usable]
        pt.target_enterprise[rows] = ent_choice
        self.ent_last_target[e] = ent_choice
        pt.target_school[rows] = choice.logit_choice(self._school_utility(s, e),
                                                     p.choice_temperature, self.rng)

        depth = pt.depth[rows]
        # Extra subsidy and tax offset a content report draws over the true rung.
        costs = self.ent_content_cost[e]
        claim_sub, claim_tax = incentives.entitlement(
            p.subsidy_per_content_step, p.tax_offset_rate, np.full(rows.size, int(Depth.CONTENT)),
            costs[:, Depth.CONTENT], np.ones(rows.size, dtype=bool))
        due_sub, due_tax = incentives.entitlement(
            p.subsidy_per_content_step, p.tax_offset_rate, depth,
            costs[np.arange(rows.size), depth], np.ones(rows.size, dtype=bool))
        gain = self.credibility * (self.payout_ratio * (claim_sub - due_sub) + claim_tax - due_tax)
        utility = reporting.misreport_utility(gain, p.audit_prob_per_step, p.penalty_per_misreport)
        could = (gain > 0) & self.ent_aware[e] & (depth >= Depth.FORM) & (depth < Depth.CONTENT)
        pt.misreporting[rows] = could & choice.logit_binary(utility, p.choice_temperature, self.rng)

    def _random_peer(self, firms: np.ndarray) -> np.ndarray:
        """A random peer of each firm, -1 where it has none."""
        indptr, indices = self.population.peers.indptr, self.population.peers.indices
        degree = indptr[firms + 1] - indptr[firms]
        pick = (self.rng.random(firms.size) * np.maximum(degree, 1)).astype(np.int64)
        return np.where(degree > 0, indices[np.minimum(indptr[firms] + pick, len(indices) - 1)]
                        if len(indices) else -1, -1)

    # -- 4. movement on the ladder -------------------------------------------
    def _partnerships_move(self, flows: dict[str, float]) -> None:
        p, pt = self.p, self.partnerships
        if len(pt) == 0:
            return
        before = pt.depth.copy()
        target = np.minimum(pt.target_enterprise, pt.target_school)
        wants_up = target > pt.depth
        # From none back to form needs no approval; upgrades to practice/content do.
        pt.depth[wants_up & (pt.depth == Depth.NONE)] = Depth.FORM
        needs_approval = wants_up & (pt.depth >= Depth.FORM) & (target > pt.depth)
        pt.stages_left[~needs_approval] = 0
        filing = needs_approval & (pt.stages_left == 0)
        pt.stages_left[filing] = coordination.draw_sign_offs(self.sign_offs, int(filing.sum()),
                                                             self.rng)
        pt.filed_at[filing] = self.step_count
        pending = pt.stages_left > 0
        pt.stages_left = coordination.advance_applications(pt.stages_left, self.stage_prob,
                                                           self.rng)
        approved = pending & (pt.stages_left == 0)
        pt.depth[approved] += 1
        delays = self.step_count + 1 - pt.filed_at[approved]  # filed and cleared same step = 1
        self._recent_delays.append((float(delays.sum()), int(approved.sum())))
        if approved.any():
            # Enterprises learn how long approvals take (exponential smoothing).
            self.expected_delay = 0.8 * self.expected_delay + 0.2 * float(delays.mean())

        slides = (target < pt.depth) & (self.rng.random(len(pt)) < p.decay_prob_per_step)
        pt.depth[slides] -= 1
        pt.steps_at_none = np.where(pt.depth == Depth.NONE, pt.steps_at_none + 1, 0)

        true_report = np.where(pt.misreporting & (pt.depth >= Depth.FORM), int(Depth.CONTENT),
                               pt.depth)
        pt.reported = reporting.observe(true_report, p.reporting_noise, self.rng)
        pt.misreporting &= (pt.depth >= Depth.FORM) & (pt.depth < Depth.CONTENT)

        dissolve = pt.steps_at_none >= p.dissolve_after_steps
        changed = np.flatnonzero((pt.depth != before) & ~dissolve)
        for i in changed:
            self.network.edges[self.schools[pt.school[i]].node,
                               self.enterprises[pt.enterprise[i]].node]["depth"] = int(pt.depth[i])
        for i in np.flatnonzero(dissolve):
            self.network.remove_edge(self.schools[pt.school[i]].node,
                                     self.enterprises[pt.enterprise[i]].node)
        flows["partnerships_dissolved"] = float(dissolve.sum())
        flows["approvals"] = float(approved.sum())
        pt.keep(~dissolve)
        self._update_retention()
        self._update_fit()

    def _update_fit(self) -> None:
        """Fit = relevance of majors to the industry x the school's capacity to supply it."""
        pt = self.partnerships
        rung = np.maximum(pt.depth, np.minimum(pt.target_enterprise, pt.target_school))
        wanted = PLACEMENTS_BY_RUNG[rung] * self.ent_value_scale[pt.enterprise]
        self.fit_by_industry = self.relevance * planning.supply_adequacy(
            self.school_majors, self.school_intake, pt.school, self.ent_industry[pt.enterprise],
            wanted)

    def _update_retention(self) -> None:
        pt = self.partnerships
        training = np.zeros(len(self.enterprises))
        training[pt.enterprise[pt.depth >= Depth.PRACTICE]] = 1.0
        self.ent_loss = poaching.poaching_loss(self.population.peers, training,
                                               self.p.poaching_prob_per_tie)
        self.ent_retained = poaching.retained_share(self.ent_base_retention, self.ent_loss)

    # -- 5. once a year ------------------------------------------------------
    def _year_end(self) -> None:
        p, pt = self.p, self.partnerships
        n_s = len(self.schools)
        slots = PLACEMENTS_BY_RUNG[pt.depth] * self.ent_value_scale[pt.enterprise]
        capacity = np.bincount(pt.school, weights=slots, minlength=n_s)
        placed_by_school = np.minimum(self.school_intake, capacity)
        scale = np.divide(placed_by_school, capacity, out=np.zeros(n_s), where=capacity > 0)
        placements = slots * scale[pt.school]
        fit = self.fit_by_industry[pt.school, self.ent_industry[pt.enterprise]]
        placed = placements.sum()
        self._annual = {
            "graduates_placed_locally": float(placed),
            "graduates_poached": float((placements * self.ent_loss[pt.enterprise]).sum()),
            "skill_match": float((placements * fit * TRAINING_QUALITY_BY_RUNG[pt.depth]).sum()
                                 / placed) if placed > 0 else 0.0,
        }
        deep = np.bincount(pt.school, weights=(pt.depth >= Depth.PRACTICE).astype(float),
                           minlength=n_s) / np.maximum(1, np.bincount(pt.school, minlength=n_s))
        cap = self.school_teacher_capacity
        self.school_teacher_capacity = np.clip(
            cap + TEACHER_LEARNING_RATE * deep * (1 - cap) - TEACHER_ATTRITION * cap, 0, 1)
        self.school_majors = planning.adjust_majors(self.school_majors, self.demand,
                                                    p.major_adjust_rate_per_year)
        self.relevance = planning.fit_matrix(self.school_majors, self.demand)
        self._update_fit()
        self.ent_aware = service.spread_awareness(self.ent_aware, self.effective_service, self.rng)
        if self._year_claimed > 0:
            self.payout_ratio = self._year_paid / self._year_claimed
        self._year_claimed = self._year_paid = 0.0
        self.budget_left = p.subsidy_budget_per_year

    # -- 6. outputs -----------------------------------------------------------
    def _tally_state(self, step_flows: dict[str, float]) -> None:
        pt = self.partnerships
        counts = np.bincount(pt.depth, minlength=4)
        active = counts[1:].sum()
        reported = np.bincount(pt.reported, minlength=4)
        delay_sum = sum(d for d, _ in self._recent_delays)
        delay_n = sum(n for _, n in self._recent_delays)
        self.tally = {
            **step_flows,
            "partnerships_none": float(counts[0]),
            "partnerships_form": float(counts[1]),
            "partnerships_practice": float(counts[2]),
            "partnerships_content": float(counts[3]),
            "partnerships_active": float(active),
            "form_share": counts[1] / active if active else 0.0,
            "practice_share": counts[2] / active if active else 0.0,
            "content_share": counts[3] / active if active else 0.0,
            "depth_index": float((pt.depth[pt.depth > 0] - 1).sum() / (2 * active))
            if active else 0.0,
            "reported_content_share": reported[3] / active if active else 0.0,
            "misreporting_share": float(pt.misreporting.sum() / active) if active else 0.0,
            "approval_delay": delay_sum / delay_n if delay_n else float("nan"),
            "applications_pending": float((pt.stages_left > 0).sum()),
            "aware_enterprise_share": float(self.ent_aware.mean()) if len(self.ent_aware) else 0.0,
            "mean_retained_share": float(self.ent_retained.mean()) if len(self.ent_retained) else 0.0,
            "budget_left": float(self.budget_left),
            **self._annual,
        }
        t = self.tally
        t["spending_total"] = (t["spending_subsidy"] + t["spending_tax_offset"]
                               + t["spending_audit"] + t["spending_levers"])
        t["leakage_share"] = (t["subsidy_leakage"] / t["spending_subsidy"]
                              if t["spending_subsidy"] > 0 else 0.0)


def _shift_by_rank(mean: float, rank: np.ndarray, spread: float = 1.5) -> np.ndarray:
    """Probabilities around ``mean`` that rise with ``rank`` in [0, 1] (logit shift)."""
    if mean <= 0.0 or mean >= 1.0:
        return np.full(rank.shape, mean)
    logit = np.log(mean / (1.0 - mean)) + spread * (rank - 0.5)
    return 1.0 / (1.0 + np.exp(-logit))


def _zero_flows() -> dict[str, float]:
    return dict.fromkeys(outputs.FLOW_COLUMNS, 0.0)


def _resolve_params(params: Parameters | Mapping[str, Any] | None,
                    kwargs: Mapping[str, Any]) -> Parameters:
    if params is None:
        return Parameters.from_mapping(kwargs)
    if isinstance(params, Parameters):
        return params.replace(**kwargs) if kwargs else params
    if isinstance(params, Mapping):
        return Parameters.from_mapping({**params, **kwargs})
    raise ParameterError(f"params must be a Parameters or a mapping, not {type(params).__name__}")
