"""CooperationModel: government departments, schools and enterprises on one network.

A step is a month. Its order (see docs/ODD.md, "Process overview"):

1. departments act: each decides whether to take up the tasks its mandate
   holds; they pay subsidies and tax offsets on what is reported, from their
   own budget shares, and audit the reports that look suspicious to them;
2. schools decide whether one more agreement is worth seeking, ask for
   brokering, propose; enterprises accept or decline (capacity, payoff);
3. partners revise, per partnership, what each invests in; the enterprise
   chooses its investment and its report together (logit over alternatives,
   partly imitating peers);
4. applications move through take-up and sign-offs; partnerships move: up a
   rung when both invest for it and the upgrade is approved, down when either
   stops, dissolved after a spell at none; reports go to government through
   noise;
5. once a year: a cohort graduates, teachers gain practice, schools shift
   majors, outreach spreads awareness, budgets renew;
6. outputs are collected.

State that the step changes lives in numpy arrays (``ent_*``, ``school_*``,
``dept_*`` and :class:`sim.partnerships.Partnerships`); the Mesa agents are
views on it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import mesa
import networkx as nx
import numpy as np

from sim import outputs, schedules
from sim.agents import Department, Enterprise, School
from sim.depth import Depth
from sim.mechanisms import (
    coordination,
    departments,
    enterprise_payoff,
    experience,
    incentives,
    kernels,
    planning,
    poaching,
    regulation,
    service,
)
from sim.mechanisms.departments import APPROVE, AUDIT, BROKER
from sim.network import (
    CountyDraw,
    county_graph,
    draw_county,
    industry_demand,
    population_from_draw,
    population_from_graph,
)
from sim.params import ParameterError, Parameters
from sim.partnerships import PairIndex, Partnerships

#: A step is a month: every per-step quantity in the parameters is monthly.
STEPS_PER_YEAR = 12
#: ``signers_left`` of an application no department has taken up yet.
_NOT_TAKEN_UP = -1


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
        # Levers that follow a schedule start at their year-0 value (sim/schedules.py).
        self.levers = schedules.plan(self.p)
        if self.levers is not None:
            self.p = self.levers.start_params
        p = self.p

        if network is None and p.network_file:
            from sim.network_io import load_network

            network = load_network(p.network_file)
        # The graph is built and brought up to date only when someone reads
        # ``model.network`` (see the property): the step works on arrays alone.
        if network is not None:
            # A graph passed in is copied: the run adds partnership and service ties to its own.
            self._graph: nx.Graph | None = network.copy()
            self._county: CountyDraw | None = None
            self.population = pop = population_from_graph(self._graph)
        else:
            self._graph = None
            self._county = draw_county(p, self.rng)
            self.population = pop = population_from_draw(self._county)
        self._dissolved_log: list[np.ndarray] = []   # pair keys dissolved since the last sync
        self._service_log: list[tuple[np.ndarray, np.ndarray]] = []  # (department, firm) ties
        self._network_stale = False
        self._handle_of: np.random.Generator | None = None  # generator of self._handle
        self._constants: _StageConstants | None = None

        # --- rung profiles (none, form, practice, content), content = 1 ---
        self.yield_by_rung = enterprise_payoff.profile(p.training_yield_form, p.training_yield_practice)
        self.cost_share_by_rung = enterprise_payoff.profile(p.cost_share_form, p.cost_share_practice)
        self.school_cost_by_rung = p.school_content_cost_per_step * enterprise_payoff.profile(
            p.school_cost_share_form, p.school_cost_share_practice)
        self.outcome_by_rung = np.array([0.0, p.outcome_credit_form, p.outcome_credit_practice,
                                         p.outcome_credit_content])
        self.placements_by_rung = np.array([0.0, p.placements_form, p.placements_practice,
                                            p.placements_content])
        self.quality_by_rung = np.array([0.0, p.training_quality_form, p.training_quality_practice,
                                         1.0])
        self.risk_exposure = regulation.exposure_by_rung(p.risk_exposure_practice)

        # --- enterprise state ---
        self.ent_industry = pop.industry
        self.ent_size = pop.size
        self.ent_age = pop.age
        n_e = len(pop.enterprise_keys)
        # Long-established firms are likelier to know the policy (Yang & Yue 2018):
        # a logit shift by age rank, keeping the mean near policy_awareness and 0/1 exact.
        age_rank = np.argsort(np.argsort(pop.age)) / max(1, n_e - 1)
        self.ent_aware = self.rng.random(n_e) < _shift_by_rank(p.policy_awareness, age_rank,
                                                               p.awareness_age_spread)
        self.ent_base_retention = poaching.base_retention(p.retention_share, pop.size,
                                                          p.retention_size_elasticity)
        self.ent_retained = self.ent_base_retention.copy()
        self.ent_loss = np.zeros(n_e)
        self._training: np.ndarray | None = None  # firms training (1.0) at the last update
        self._retained_mean: float | None = None
        self.ent_last_choice = np.full(n_e, -1, dtype=np.int64)  # alternative index
        self.ent_experience = np.zeros(n_e)  # learning by doing (off unless its rate is > 0)
        self._scratch = np.zeros(n_e, dtype=np.int64)  # zero work array of the compiled step
        # Vacancies, and so placements and trainee places, grow less than proportionally with size.
        self.ent_value_scale = pop.size ** p.value_size_elasticity
        self.ent_training_slots = p.placements_content * self.ent_value_scale
        self.ent_agreement_cap = np.maximum(1, np.floor(p.firm_partnership_capacity
                                                        * self.ent_value_scale)).astype(np.int64)
        self.ent_deep_cap = np.maximum(1, np.floor(p.firm_deep_capacity
                                                   * self.ent_value_scale)).astype(np.int64)
        self.ent_content_cost = enterprise_payoff.rung_cost(
            p.content_cost_per_step, pop.size, p.cost_size_elasticity, self.cost_share_by_rung)

        # --- school state ---
        self.school_level = pop.level
        self.school_majors = pop.majors
        self.school_intake = pop.intake
        self._set_teacher_capacity(np.full(len(pop.school_keys), p.teacher_practical_capacity))
        self.school_risk_factor = np.where(pop.level == 1, p.risk_factor_higher, 1.0)
        # Priced legal risk of each rung with each school: parameters alone set it.
        self._risk_of_school = regulation.legal_risk(p.legal_risk_per_step, p.regulation_completeness,
                                                     self.school_risk_factor, self.risk_exposure)
        self.demand = industry_demand(pop.industry, pop.size, len(pop.industries))
        self.relevance = planning.fit_matrix(self.school_majors, self.demand)
        self.fit_by_industry = self.relevance.copy()

        # --- government: departments that decide ---
        n_dep = len(pop.department_keys)
        self.dept_held = departments.assign_mandates(max(1, n_dep), p.mandate_overlap,
                                                     self.rng)[:n_dep]
        self.dept_awareness = departments.draw_awareness(
            p.service_awareness, p.department_awareness_concentration, n_dep, self.rng)
        self.dept_lead = departments.primary_holders(n_dep) if (p.coordination_body and n_dep) else None
        self.dept_brokered = np.zeros(n_dep, dtype=np.int64)
        self.dept_audits = np.zeros(n_dep, dtype=np.int64)
        self.dept_signed = np.zeros(n_dep, dtype=np.int64)
        self._decide_department_effort()
        # Without a subsidy or tax offset every claim, payment and incentive term is
        # zero: the step then skips that arithmetic (its results would all be 0).
        self._on_offer = p.subsidy_per_content_step > 0 or p.tax_offset_rate > 0
        self.credibility = regulation.incentive_credibility(p.regulation_completeness,
                                                            p.incentive_credibility_floor)
        self.dept_budget = np.zeros(n_dep)
        self._handler_of_broker: np.ndarray | None = None
        self._renew_budgets()
        # Firms expect a subsidy to be paid only if there is a budget to pay it from.
        self.payout_ratio = 1.0 if p.subsidy_budget_per_year > 0 else 0.0
        self._year_claimed = 0.0
        self._year_paid = 0.0
        # Firms' expectations, learnt from what they see: approval delay and the
        # chance a false report is found in a month (announced audit rate at first).
        self.expected_delay = (1.0 / max(self.takeup_done[APPROVE], 1e-3)
                               + float(np.max(1.0 / coordination.sign_off_prob(
                                   p.approval_stage_prob_per_step,
                                   self.acting_awareness[self.sign_offs_needed],
                                   p.sign_off_routine_share), initial=0.0)))
        self.expected_detection = p.audit_prob_per_step
        # Delay sums and approvals of the last year's steps (approval_delay).
        self._recent_delay_sums: deque[float] = deque(maxlen=STEPS_PER_YEAR)
        self._recent_approved: deque[int] = deque(maxlen=STEPS_PER_YEAR)

        # --- agents (views on the arrays), made when first read (see _agent_lists) ---
        self._agent_lists: tuple[list[School], list[Enterprise], list[Department]] | None = None
        if self._graph is not None:
            self._attach_agents(self._graph)

        # --- partnerships given by the network (generated counties start with none) ---
        self.partnerships = Partnerships()
        # Which school-enterprise pairs hold a partnership (kept in step with the table).
        self._paired = PairIndex(len(pop.school_keys) * len(pop.enterprise_keys))
        self._given_edges = bool(len(pop.partnerships))
        if len(pop.partnerships):
            s, e, d = pop.partnerships.T
            self.partnerships.add(s, e, d, d.copy(), d.copy(), np.full(len(s), -1),
                                  self._default_handler(np.full(len(s), -1)))
            self.partnerships.given_depth[:] = True
            self._paired.add(s * len(pop.enterprise_keys) + e)
        self._aware_cache: tuple[np.ndarray, float] | None = None
        self._annual = {"graduates_placed_locally": 0.0, "graduates_poached": 0.0,
                        "skill_match": 0.0}
        self.tally: dict[str, float] = {}
        self._update_retention()
        self._update_fit()
        self._binding = self._binding_sides()
        self._tally_state(step_flows=_zero_flows())
        if self.levers is not None:
            self.levers.start(self)
        self.datacollector = TallyCollector(
            agenttype_reporters=outputs.agent_reporters() if collect_agents else None,
            extra_columns=self.levers.columns if self.levers is not None else ())
        self.datacollector.collect(self)

    # ------------------------------------------------------------ agents
    # The step reads and writes arrays only; the agents are views on them. Making
    # a thousand Mesa agents is about half the cost of building a county model,
    # and runs in a sweep never look at them: they are made, all at once and in
    # the same order (so with the same unique ids), the first time anything reads
    # them: these lists, ``model.agents``, ``agents_by_type``, the network.
    @property
    def schools(self) -> list[School]:
        """The school agents, in the order of the school arrays."""
        return (self._agent_lists or self._make_agents())[0]

    @property
    def enterprises(self) -> list[Enterprise]:
        """The enterprise agents, in the order of the ``ent_*`` arrays."""
        return (self._agent_lists or self._make_agents())[1]

    @property
    def departments(self) -> list[Department]:
        """The department agents, in the order of the ``dept_*`` arrays."""
        return (self._agent_lists or self._make_agents())[2]

    @property
    def agents(self) -> Any:
        """Mesa's set of all agents (made on first read, as the lists above)."""
        if self._agent_lists is None:
            self._make_agents()
        return super().agents

    @property
    def agents_by_type(self) -> Any:
        """Mesa's agent sets by type (made on first read, as the lists above)."""
        if self._agent_lists is None:
            self._make_agents()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """The agent types registered (made on first read, as the lists above)."""
        if self._agent_lists is None:
            self._make_agents()
        return super().agent_types

    def _make_agents(self) -> tuple[list[School], list[Enterprise], list[Department]]:
        pop = self.population
        self._agent_lists = (
            [School(self, i, k) for i, k in enumerate(pop.school_keys)],
            [Enterprise(self, i, k) for i, k in enumerate(pop.enterprise_keys)],
            [Department(self, i, k) for i, k in enumerate(pop.department_keys)])
        return self._agent_lists

    # ------------------------------------------------------------ network
    @property
    def network(self) -> nx.Graph:
        """The county's graph, up to date with the partnership table whenever it is read.

        The step changes only arrays; the graph is built on first access and its
        partnership and service ties are brought in step at each access. A
        reference kept across steps is brought up to date at the next access.
        """
        if self._graph is None:
            self._graph = county_graph(self._county)
            self._attach_agents(self._graph)
        if self._network_stale:
            self._sync_network()
        return self._graph

    def _attach_agents(self, graph: nx.Graph) -> None:
        for agent in (*self.schools, *self.enterprises, *self.departments):
            graph.nodes[agent.node]["agent"] = agent

    def _sync_network(self) -> None:
        """Apply the steps since the last access to the graph, as if each had edited it.

        A partnership dissolved since then loses its tie (one re-formed since gets a
        fresh one); every live partnership has its tie at its current depth, except
        a given tie whose depth never moved, which keeps the value it was given.
        """
        g, pt, pop = self._graph, self.partnerships, self.population
        schools, firms = pop.school_keys, pop.enterprise_keys
        n_e = len(firms)
        if self._dissolved_log:
            for key in np.concatenate(self._dissolved_log).tolist():
                u, v = schools[key // n_e], firms[key % n_e]
                if g.has_edge(u, v):
                    g.remove_edge(u, v)
        adj = g.adj
        for s, e, d, given in zip(pt.school.tolist(), pt.enterprise.tolist(), pt.depth.tolist(),
                                  pt.given_depth.tolist(), strict=True):
            u, v = schools[s], firms[e]
            data = adj[u].get(v) if u in adj else None
            if data is None:
                g.add_edge(u, v, tie="partnership", depth=d)
            elif not given:
                data["depth"] = d
        deps = pop.department_keys
        for dep, firm in self._service_log:
            g.add_edges_from(((deps[a], firms[b]) for a, b in zip(dep.tolist(), firm.tolist(),
                                                                 strict=True)), tie="service")
        self._dissolved_log.clear()
        self._service_log.clear()
        self._network_stale = False

    @property
    def _draws(self) -> np.ndarray:
        """The run's generator as the compiled step takes it (:func:`kernels.rng_handle`).

        Read from whatever ``self.rng`` is now; the generator is kept with its
        handle, which points into its state.
        """
        rng = self.rng
        if self._handle_of is not rng:
            self._handle, self._handle_of = kernels.rng_handle(rng), rng
        return self._handle

    # ------------------------------------------------------------ government
    def _decide_department_effort(self) -> None:
        """Each department's take-up of each function: the volunteer's-dilemma equilibrium."""
        p = self.p
        self.dept_takeup = departments.take_up(
            self.dept_awareness, self.dept_held, self.dept_lead, p.department_task_value,
            p.department_effort_cost, p.department_choice_temperature)
        self.takeup_done = departments.done_prob(self.dept_takeup)
        # Whose attention signs and audits: a department's own, or a body's pooled one at its lead.
        self.acting_awareness = self.dept_awareness.copy()
        if self.dept_lead is not None:
            pooled = departments.pooled_awareness(self.dept_awareness, self.dept_held)
            for f, dep in enumerate(self.dept_lead):
                self.acting_awareness[dep] = pooled[f]
        self.sign_offs_needed = departments.sign_off_sequence(self.dept_held, self.dept_lead)
        self._all_signers = int(np.sum(np.int64(1) << self.sign_offs_needed))
        n_dep = len(self.dept_awareness)
        self._monthly_capacity = np.full(n_dep, p.department_capacity_per_step)
        if self.dept_lead is not None:
            # A coordination body pools every department's staff under the leads.
            leads = np.unique(self.dept_lead)
            self._monthly_capacity[:] = 0.0
            self._monthly_capacity[leads] = p.department_capacity_per_step * n_dep / leads.size

    def _renew_budgets(self) -> None:
        """Split the year's subsidy budget among the departments that pay (the lead's alone)."""
        self.dept_budget[:] = 0.0
        if len(self.dept_budget) == 0:
            return
        payers = (np.array([self.dept_lead[APPROVE]]) if self.dept_lead is not None
                  else np.flatnonzero(self.dept_held[:, APPROVE]))
        self.dept_budget[payers] = self.p.subsidy_budget_per_year / len(payers)

    def _default_handler(self, broker: np.ndarray) -> np.ndarray:
        """The paying department of new partnerships: the broker if it pays, else the primary payer."""
        if len(self.dept_budget) == 0:
            return np.full(broker.shape, -1, dtype=np.int64)
        return self._handler_table()[broker]

    def _handler_table(self) -> np.ndarray:
        """Paying department by broker (broker -1 last); empty without departments."""
        if len(self.dept_budget) == 0:
            return np.zeros(0, dtype=np.int64)
        if self._handler_of_broker is None:
            # Mandates and leads are fixed for the run: one lookup table, broker -1 last.
            primary = (self.dept_lead[APPROVE] if self.dept_lead is not None
                       else departments.primary_holders(len(self.dept_budget))[APPROVE])
            table = np.full(len(self.dept_budget) + 1, primary, dtype=np.int64)
            if self.dept_lead is None:
                pays = np.flatnonzero(self.dept_held[:, APPROVE])
                table[pays] = pays
            self._handler_of_broker = table
        return self._handler_of_broker

    @property
    def budget_left(self) -> float:
        """Subsidy budget left this year, all departments together."""
        return float(np.add.reduce(self.dept_budget))

    @property
    def service_reach(self) -> float:
        """Chance a brokering or outreach task is taken up by some department."""
        return float(self.takeup_done[BROKER])

    # ------------------------------------------------------------------ step
    @property
    def step_count(self) -> int:
        """Steps run so far; inside ``step()``, the number of the current step (1-based)."""
        return int(round(self.time))

    def step(self) -> None:
        """Advance one month (see the module docstring for the order)."""
        flows = _zero_flows()
        self._step_no = self.step_count
        p = self.p
        self._on_offer = p.subsidy_per_content_step > 0 or p.tax_offset_rate > 0
        self._capacity_left = self._monthly_capacity.copy()
        audit_in_month = self._departments_act(flows)
        self._month(flows, audit_in_month)
        if self._step_no % STEPS_PER_YEAR == 0:
            self._year_end()
        self._tally_state(flows, self._counts)
        if self.levers is not None:
            self.levers.record(self.tally)  # scheduled levers' values and set-up costs
        self.datacollector.collect(self)

    # -- 1. departments -----------------------------------------------------
    def _departments_act(self, flows: dict[str, float]) -> bool:
        """Lever costs, payments, audits; True when the audits are left to the month's call.

        With noise in the auditors' reading (the usual case) the audits run
        compiled at the start of :meth:`_month` (kernels.month, audit_month),
        after the payments, before the search, as here.
        """
        pt = self.partnerships
        flows["spending_levers"] = self._lever_cost_per_step()
        if len(pt) == 0:
            return False
        if self._on_offer:
            self._pay_claims(flows)
        if self._stage_constants().audit_compiled:
            return True
        self._audit_reports(flows)
        return False

    def _pay_claims(self, flows: dict[str, float]) -> None:
        """Pay this month's subsidy claims and tax offsets; book what exceeds the true depth."""
        p, pt = self.p, self.partnerships
        aware = self.ent_aware[pt.enterprise]
        # Claims follow the reported rung (the whole subsidy: firm's and school's part);
        # what the true rung would have drawn is the entitlement, the rest over-payment.
        claimed = np.minimum(pt.filed, pt.certified)
        claims, offsets = incentives.entitlement(
            p.subsidy_per_content_step, p.tax_offset_rate, claimed,
            self.ent_content_cost[pt.enterprise, claimed], aware, p.subsidy_practice_share)
        paid = np.zeros(len(pt))
        for dep in np.flatnonzero(np.bincount(pt.handler[claims > 0], minlength=1)):
            rows = ((pt.handler == dep) & (claims > 0)).nonzero()[0]
            paid[rows], self.dept_budget[dep] = incentives.pay_subsidies(
                claims[rows], self.dept_budget[dep], self.rng)
        self._year_claimed += claims.sum()
        self._year_paid += paid.sum()
        due_subsidy, due_tax = incentives.entitlement(
            p.subsidy_per_content_step, p.tax_offset_rate, pt.depth,
            self.ent_content_cost[pt.enterprise, pt.depth], aware, p.subsidy_practice_share)
        over_subsidy = np.maximum(paid - due_subsidy, 0.0)
        over_tax = np.maximum(offsets - due_tax, 0.0)
        pt.overpaid += over_subsidy + over_tax
        flows.update(
            spending_subsidy=paid.sum(),
            subsidy_leakage=paid[pt.depth <= Depth.FORM].sum(),
            subsidy_overpaid=over_subsidy.sum(),
            spending_tax_offset=offsets.sum(),
            tax_offset_overpaid=over_tax.sum(),
        )

    def _audit_reports(self, flows: dict[str, float]) -> None:
        """Audit reports, fine the false ones found and claw back what they were overpaid."""
        p, pt = self.p, self.partnerships
        audited = self._audit(pt)
        if audited is None:
            # Nothing audited this month: nothing found, fined or clawed back; firms see no audit.
            self._learn_detection_risk(pt, 0, 0)
            flows.update(audits=0.0, misreports_detected=0.0, penalties_collected=0.0,
                         clawbacks_collected=0.0, spending_audit=0.0 * p.cost_per_audit)
            return
        detected = audited & pt.misreporting
        self._learn_detection_risk(pt, audited, detected)
        clawback = pt.overpaid[detected].sum()
        pt.overpaid[audited] = 0.0
        pt.misreporting = pt.misreporting & ~detected
        pt.false_report &= ~detected
        n_audited, n_detected = np.count_nonzero(audited), np.count_nonzero(detected)
        flows.update(
            audits=float(n_audited),
            misreports_detected=float(n_detected),
            penalties_collected=float(n_detected) * p.penalty_per_misreport,
            clawbacks_collected=float(clawback),
            spending_audit=float(n_audited) * p.cost_per_audit,
        )

    def _book_audits(self, flows: dict[str, float], n_audited: int, n_detected: int,
                     found: np.ndarray) -> None:
        """Flows of the compiled audits (kernels.audit_month): what _audit_reports books."""
        p = self.p
        flows.update(
            audits=float(n_audited),
            misreports_detected=float(n_detected),
            penalties_collected=float(n_detected) * p.penalty_per_misreport,
            clawbacks_collected=float(found.sum()) if n_detected else 0.0,
            spending_audit=float(n_audited) * p.cost_per_audit,
        )

    def _learn_detection_risk(self, pt: Partnerships, audited: np.ndarray | int,
                              detected: np.ndarray | int) -> None:
        """Firms update the chance they expect a false report to be found in a month.

        They learn from the share of false reports found; with none around, from
        how often reports are audited at all (what anyone can see).
        """
        self._learn_rate(np.count_nonzero(pt.misreporting),
                         np.count_nonzero(pt.reported >= Depth.PRACTICE),
                         np.count_nonzero(detected), np.count_nonzero(audited))

    def _learn_rate(self, misreporting: int, eligible: int, detected: int, audited: int) -> None:
        """_learn_detection_risk from the counts: misreporting and eligible before the audits."""
        if misreporting:
            rate = detected / misreporting
        elif eligible:
            rate = audited / eligible
        else:
            return
        w = self.p.detection_learning_rate
        self.expected_detection = (1 - w) * self.expected_detection + w * rate

    def _audit(self, pt: Partnerships) -> np.ndarray:
        """Audits this month: the mandated number, made by the departments that take them up.

        None when no audit is mandated (or no department could make one).
        """
        # Only without noise in the auditors' reading (else kernels.audit_month, in _month):
        # ties among equally suspicious reports are broken as numpy's partition does.
        p, c = self.p, self._stage_constants()
        noise = c.audit_noise
        eligible = pt.reported >= Depth.PRACTICE
        mandated = int(self.rng.binomial(np.count_nonzero(eligible), p.audit_prob_per_step))
        if mandated == 0 or len(self.dept_budget) == 0:
            return None
        audited = np.zeros(len(pt), dtype=bool)
        doer = kernels.assign_tasks(mandated, c.audit_takeup, self._capacity_left, self._draws)
        for dep, n in enumerate(np.bincount(doer[doer >= 0], minlength=len(self.dept_budget))):
            if n == 0:
                continue
            picked = departments.pick_suspicious(int(n), pt.reported, pt.depth, eligible & ~audited,
                                                 noise[dep], self.rng)
            audited[picked] = True
            self.dept_audits[dep] += picked.size
        return audited

    def _lever_cost_per_step(self) -> float:
        p = self.p
        yearly = (p.coordination_body * p.cost_coordination_body_per_year
                  + p.service_awareness * p.cost_service_per_year
                  + p.regulation_completeness * p.cost_regulation_per_year
                  + p.major_adjust_rate_per_year * p.cost_planning_per_year
                  + p.assessment_outcome_weight * p.cost_outcome_assessment_per_year)
        return yearly / STEPS_PER_YEAR

    # -- 2-4. partner search, revision, movement on the ladder, approvals ------
    def _month(self, flows: dict[str, float], audit: bool = False) -> None:
        """Search, then revision, movement and approvals: one compiled call (kernels.month).

        With ``audit``, this month's audits first, in the same call (see
        :meth:`_departments_act`).

        Search: what one more agreement is worth to each school (the count
        credit while below the quota plus the outcomes its partnerships bring
        on average; outcomes need students, so a new partner adds them only
        from the intake its partners do not already want: assessment's
        agreement value), attempts, brokering, candidates, then the firms'
        answers; new rows at form. Revision: each revised firm re-chooses
        investment and report (logit), copies a random peer's latest choice
        with ``imitation_prob`` if that choice is open to it, within its trainee
        places; its school re-chooses its rung. Then rungs move (up when both
        invest for it, down by decay), reports are filed and read through
        noise, claims above the certified rung wait for approval, applications
        are taken up and signed, and partnerships long at none dissolve.
        Parameters are read from ``self.p`` here, at every step.
        """
        p, pt = self.p, self.partnerships
        n_s, n_e = len(self.school_intake), len(self.ent_industry)
        search_on = n_s > 0 and n_e > 0
        # Room for one new row per attempt: the compiled call appends in place.
        pt.reserve(len(pt) + (n_s * p.search_attempts_per_step if search_on else 0))
        fit = self.fit_by_industry   # its row means (ndarray.mean's sum and division)
        quality = np.add.reduce(fit, axis=1) / fit.shape[1] * self._quality_of_school
        c = self._stage_constants()
        peers = self.population.peers
        (rows, made, declined, new_s, new_e, new_b, revised, n_approved, delay_sum, gone,
         training, touched, fit, counts, n_audited, n_detected, found,
         detection) = kernels.month(
            len(pt), search_on, n_s, self.outcome_by_rung, quality, self.school_intake,
            p.target_partnerships_per_school, p.assessment_outcome_weight,
            p.school_placement_value, float(self.school_cost_by_rung[Depth.FORM]),
            p.search_attempts_per_step, p.partner_search_cost, c.broker_takeup,
            self._capacity_left, p.partner_info_noise, p.broker_shortlist, p.own_shortlist,
            *self._paired.lookup(), self.ent_agreement_cap, self.ent_deep_cap,
            *self._enterprise_inputs(), *self._school_inputs(), p.choice_temperature,
            self._handler_table(), p.revision_prob_per_step, p.imitation_prob,
            self.ent_last_choice, peers.indptr, peers.indices, bool(self._on_offer),
            p.decay_prob_per_step, p.reporting_noise, self._step_no, c.approve_takeup,
            self._all_signers, self.dept_lead is None, c.approve_held, self.sign_offs_needed,
            c.sign_prob, self.dept_signed, self.dept_brokered, len(self.dept_budget) > 0,
            p.dissolve_after_steps, self._training, self._free_riders, peers.data,
            self.relevance, self.school_majors, self.placements_by_rung, *pt.buffers(),
            audit, p.audit_prob_per_step, c.audit_takeup, c.audit_noise, self.dept_audits,
            float(self.expected_detection), p.detection_learning_rate, self._draws, self._scratch)
        if audit:
            self.expected_detection = detection
            self._book_audits(flows, n_audited, n_detected, found)
        pt.resize(rows)
        self._counts = counts
        if made:
            flows["proposals_declined"] = float(declined)
        if new_s.size:
            self._paired.add(new_s * n_e + new_e)
            self._network_stale = True
            flows["partnerships_formed"] = float(new_s.size)
            # The department that brokered a match is the one that worked on it (a service tie).
            by = new_b >= 0
            if by.any():
                self._service_log.append((new_b[by], new_e[by]))
        if not revised:
            return
        self._recent_delay_sums.append(float(delay_sum))
        self._recent_approved.append(n_approved)
        if n_approved:
            # Enterprises learn how long certification takes (exponential smoothing).
            w = p.delay_learning_rate
            self.expected_delay = (1 - w) * self.expected_delay + w * (delay_sum / n_approved)
        self._network_stale = True
        flows["partnerships_dissolved"] = float(gone.size)
        flows["approvals"] = float(n_approved)
        if gone.size:
            self._paired.remove(gone)
            self._dissolved_log.append(gone)
        self._set_retention(training, touched)
        self.fit_by_industry = fit

    def _stage_constants(self) -> _StageConstants:
        """Per-step inputs that change only with the parameters or the departments' decisions.

        Worked out again whenever ``self.p`` (levers replace it), the take-up,
        the mandates or the acting awareness have been replaced since.
        """
        key = (self.p, self.dept_takeup, self.dept_held, self.acting_awareness,
               self.sign_offs_needed)
        cached = self._constants
        if cached is not None and all(x is y for x, y in zip(cached.key, key, strict=True)):
            return cached
        p, n_dep = self.p, len(self.dept_budget)
        noise = p.audit_signal_noise / (p.audit_skill_floor + self.acting_awareness)
        self._constants = _StageConstants(
            key=key,
            broker_takeup=(np.ascontiguousarray(self.dept_takeup[:, BROKER]) if n_dep
                           else np.zeros(0)),
            approve_takeup=(np.ascontiguousarray(self.dept_takeup[:, APPROVE]) if n_dep
                            else np.zeros(0)),
            audit_takeup=np.ascontiguousarray(self.dept_takeup[:, AUDIT]),
            approve_held=np.ascontiguousarray(self.dept_held[:, APPROVE]),
            sign_prob=coordination.sign_off_prob(p.approval_stage_prob_per_step,
                                                 self.acting_awareness[self.sign_offs_needed],
                                                 p.sign_off_routine_share),
            audit_noise=noise,
            audit_compiled=bool(p.audit_signal_noise > 0 and np.isfinite(noise).all()))
        return self._constants

    def _set_teacher_capacity(self, capacity: np.ndarray) -> None:
        """Teachers' practical capacity, and the training quality it gives each school."""
        self.school_teacher_capacity = capacity
        floor = self.p.school_quality_floor
        self._quality_of_school = floor + (1.0 - floor) * capacity

    def _enterprise_inputs(self, expected_delay: float | None = None) -> tuple:
        """Arrays and scalars of the firm's payoff (kernels.enterprise_alternatives), read now.

        Parameters are read from ``self.p`` at each call, so a lever changed
        between steps is seen at the next one.
        """
        p = self.p
        waited = self.expected_delay if expected_delay is None else expected_delay
        scalars = np.array([
            p.training_value_per_step, p.symbolic_value_per_step, float(self._on_offer),
            p.subsidy_per_content_step * (1.0 - p.school_compensation_share), p.tax_offset_rate,
            self.credibility, self.payout_ratio,
            coordination.incentive_discount(waited, STEPS_PER_YEAR), self.expected_detection,
            p.penalty_per_misreport, p.misreport_horizon_steps, p.fabrication_cost,
            p.subsidy_practice_share], dtype=float)
        return (self.fit_by_industry, self.ent_industry, self.ent_value_scale,
                self._kept_value_weight(),
                self._quality_of_school, self._risk_of_school, self.ent_content_cost,
                self.yield_by_rung, self.ent_aware, scalars)

    def _school_inputs(self) -> tuple:
        """Arrays and scalars of the school's payoff (kernels.school_alternatives), read now."""
        p = self.p
        scalars = np.array([
            p.teacher_cost_relief, p.service_school_support,
            p.subsidy_per_content_step * p.school_compensation_share * self.credibility
            * self.payout_ratio, p.assessment_outcome_weight, p.school_placement_value,
            p.subsidy_practice_share], dtype=float)
        return (self.school_teacher_capacity, self.acting_awareness, self.outcome_by_rung,
                self.school_cost_by_rung, scalars)

    def _enterprise_alternatives(self, schools: np.ndarray, firms: np.ndarray, depth: np.ndarray,
                                 deep_full: np.ndarray, expected_delay: float | None = None
                                 ) -> np.ndarray:
        """Payoff of every (investment, report) alternative, (n, len(ALTERNATIVES)).

        The formulas of :mod:`sim.mechanisms.enterprise_payoff`, compiled
        (:func:`sim.mechanisms.kernels.enterprise_alternatives`). No trainee
        places left (``deep_full``): practice and content are not options.
        ``expected_delay`` replaces the certification delay firms learnt (None: theirs).
        """
        return kernels.enterprise_alternatives(schools, firms, depth, deep_full,
                                               *self._enterprise_inputs(expected_delay))

    def _kept_value_weight(self) -> np.ndarray:
        """Per firm, the share of training value it keeps x what experience adds to it.

        The compiled payoff multiplies ``training_value_per_step`` by this array
        (``retained`` in :func:`sim.mechanisms.kernels.enterprise_alternatives`,
        read nowhere else), so learning by doing (:mod:`sim.mechanisms.experience`)
        enters as ``training_value_per_step`` x (1 + premium x experience). Off: the
        retained shares themselves, so the run is the same.
        """
        p = self.p
        if p.experience_learning_rate <= 0:  # off: no firm ever gains experience
            return self.ent_retained
        return self.ent_retained * experience.perceived_training_value(
            1.0, p.experience_value_premium, self.ent_experience)

    def _learn_from_experience(self) -> None:
        """Year end: each firm learns from the share of its partnerships at content."""
        pt, n_e = self.partnerships, len(self.ent_industry)
        held = np.bincount(pt.enterprise, minlength=n_e)
        content = np.bincount(pt.enterprise, weights=(pt.depth == Depth.CONTENT).astype(float),
                              minlength=n_e)
        share = np.divide(content, held, out=np.zeros(n_e), where=held > 0)
        self.ent_experience = experience.learn(self.ent_experience, share,
                                               self.p.experience_learning_rate,
                                               self.p.experience_forgetting)

    def _update_fit(self) -> None:
        """Fit = relevance of majors to the industry x the school's capacity to supply it."""
        pt = self.partnerships
        self.fit_by_industry = kernels.fit_by_industry_of(
            self.relevance, self.school_majors, self.school_intake, pt.school, pt.enterprise,
            self.ent_industry, self._students_wanted())

    def _students_wanted(self) -> np.ndarray:
        """Students per year each partnership wants, at the rung it is at or heading to."""
        pt = self.partnerships
        return kernels.students_wanted(pt.depth, pt.target_enterprise, pt.target_school,
                                       pt.enterprise, self.placements_by_rung, self.ent_value_scale)

    def _update_retention(self) -> None:
        """Poaching loss and retained share of every firm, from the partnerships as they are."""
        pt = self.partnerships
        training = np.zeros(len(self.ent_industry))
        training[pt.enterprise[pt.depth >= Depth.PRACTICE]] = 1.0
        self._free_riders = poaching.free_riders(self.population.peers, training)
        self._set_retention(training, np.arange(len(self.ent_industry)))

    def _set_retention(self, training: np.ndarray, firms: np.ndarray) -> None:
        """Record who trains; recompute loss and retention of ``firms`` (whose free riders changed).

        Only the peers of firms that started or stopped training see a change
        (poaching.update_free_riders; compiled: kernels.training_changes).
        """
        self._training = training
        if firms.size == 0:
            return
        self._retained_mean = None  # recomputed when next reported
        self.ent_loss[firms] = poaching.loss_from_free_riders(self._free_riders[firms],
                                                              self.p.poaching_prob_per_tie)
        self.ent_retained[firms] = poaching.retained_share(self.ent_base_retention[firms],
                                                           self.ent_loss[firms])

    # -- 5. once a year ------------------------------------------------------
    def _year_end(self) -> None:
        p, pt = self.p, self.partnerships
        n_s = len(self.school_intake)
        slots = self.placements_by_rung[pt.depth] * self.ent_value_scale[pt.enterprise]
        capacity = np.bincount(pt.school, weights=slots, minlength=n_s)
        placed_by_school = np.minimum(self.school_intake, capacity)
        scale = np.divide(placed_by_school, capacity, out=np.zeros(n_s), where=capacity > 0)
        placements = slots * scale[pt.school]
        fit = self.fit_by_industry[pt.school, self.ent_industry[pt.enterprise]]
        placed = placements.sum()
        self._annual = {
            "graduates_placed_locally": float(placed),
            "graduates_poached": float((placements * self.ent_loss[pt.enterprise]).sum()),
            "skill_match": float((placements * fit * self.quality_by_rung[pt.depth]).sum()
                                 / placed) if placed > 0 else 0.0,
        }
        deep = np.bincount(pt.school, weights=(pt.depth >= Depth.PRACTICE).astype(float),
                           minlength=n_s) / np.maximum(1, np.bincount(pt.school, minlength=n_s))
        cap = self.school_teacher_capacity
        self._set_teacher_capacity(np.clip(
            cap + p.teacher_learning_rate * deep * (1 - cap) - p.teacher_attrition * cap, 0, 1))
        self.school_majors = planning.adjust_majors(self.school_majors, self.demand,
                                                    p.major_adjust_rate_per_year)
        self.relevance = planning.fit_matrix(self.school_majors, self.demand)
        self._update_fit()
        self.ent_aware = service.spread_awareness(self.ent_aware, self.service_reach, self.rng)
        if p.experience_learning_rate > 0:
            self._learn_from_experience()
        if self._year_claimed > 0:
            self.payout_ratio = self._year_paid / self._year_claimed
        self._year_claimed = self._year_paid = 0.0
        self._renew_budgets()
        self._binding = self._binding_sides()

    # -- 6. outputs -----------------------------------------------------------
    def _tally_state(self, step_flows: dict[str, float], tallied: np.ndarray | None = None) -> None:
        """The outputs of this step (``tallied``: the table's counts, if already made)."""
        if tallied is None:
            pt = self.partnerships
            tallied = kernels.tally_counts(pt.depth, pt.reported, pt.misreporting, pt.stages_left)
        # Python ints: the shares below are the same divisions, without numpy scalars.
        none, form, practice, content, _, _, _, reported_content, misreporting, pending = (
            tallied.tolist())
        active = form + practice + content
        delay_n = sum(self._recent_approved)
        t = self.tally = step_flows
        t.update(
            partnerships_none=float(none),
            partnerships_form=float(form),
            partnerships_practice=float(practice),
            partnerships_content=float(content),
            partnerships_active=float(active),
            form_share=form / active if active else 0.0,
            practice_share=practice / active if active else 0.0,
            content_share=content / active if active else 0.0,
            depth_index=(practice + 2 * content) / (2 * active) if active else 0.0,
            reported_content_share=reported_content / active if active else 0.0,
            misreporting_share=misreporting / active if active else 0.0,
            approval_delay=sum(self._recent_delay_sums) / delay_n if delay_n else float("nan"),
            applications_pending=float(pending),
            aware_enterprise_share=self._aware_share(),
            mean_retained_share=self._mean_retained(),
            budget_left=self.budget_left,
            expected_detection=float(self.expected_detection),
            service_reach=self.service_reach,
        )
        t.update(self._binding)
        t.update(self._annual)
        t["spending_total"] = (t["spending_subsidy"] + t["spending_tax_offset"]
                               + t["spending_audit"] + t["spending_levers"])
        t["leakage_share"] = (t["subsidy_leakage"] / t["spending_subsidy"]
                              if t["spending_subsidy"] > 0 else 0.0)

    def _aware_share(self) -> float:
        # Awareness changes only at a year end: the share is worked out once per change.
        if self._aware_cache is None or self._aware_cache[0] is not self.ent_aware:
            share = float(self.ent_aware.mean()) if len(self.ent_aware) else 0.0
            self._aware_cache = (self.ent_aware, share)
        return self._aware_cache[1]

    def _mean_retained(self) -> float:
        if self._retained_mean is None:
            # ndarray.mean is this sum (pairwise) over the count, through a Python wrapper.
            n = len(self.ent_retained)
            self._retained_mean = float(np.add.reduce(self.ent_retained) / n) if n else 0.0
        return self._retained_mean

    def _binding_sides(self) -> dict[str, float]:
        """Which side holds each partnership below content at its rung (shares of those held).

        From each side's best response under its current expectations: the
        enterprise binds where its best rung is no higher than the current one
        while the school's is higher, the school where the reverse holds, both
        where neither wants more; certification ("approval") binds where the
        firm would invest deeper if its claim were certified at once (no delay
        discount) and the school wants more. Partnerships both sides want to
        deepen rise at their next revision and are left out.
        """
        pt = self.partnerships
        # Compiled (kernels.binding_counts): the best responses and their counts.
        firm_inputs = self._enterprise_inputs()
        enterprise, school, both, approval, held = kernels.binding_counts(
            pt.depth, pt.target_enterprise, pt.school, pt.enterprise, pt.broker, self.ent_deep_cap,
            *firm_inputs, self._enterprise_inputs(expected_delay=0.0)[-1], *self._school_inputs())
        if held == 0:
            return dict.fromkeys(outputs.BINDING_COLUMNS, 0.0)
        return {"binding_enterprise_share": enterprise / held,
                "binding_school_share": school / held,
                "binding_both_share": both / held,
                "binding_approval_share": approval / held}


@dataclass(frozen=True)
class _StageConstants:
    """What CooperationModel._stage_constants works out once per change of its ``key``."""

    key: tuple
    broker_takeup: np.ndarray
    approve_takeup: np.ndarray
    audit_takeup: np.ndarray
    approve_held: np.ndarray
    sign_prob: np.ndarray
    audit_noise: np.ndarray
    audit_compiled: bool


class TallyCollector(mesa.DataCollector):
    """Mesa's DataCollector for these outputs, recording each step's tally as it is.

    Every output is a float the step has already computed (``model.tally``), so
    the per-value reporter call and deep copy of Mesa's ``collect`` would copy
    nothing; this appends the values to the same ``model_vars`` lists, so
    ``get_model_vars_dataframe()`` is the frame Mesa's own collector would give.
    Per-agent reporters, when asked for, are collected by Mesa as usual.
    """

    def __init__(self, agenttype_reporters: dict | None = None, extra_columns: Any = ()):
        reporters = outputs.reporters()
        reporters.update({name: outputs.tally_reader(name) for name in extra_columns})
        super().__init__(model_reporters=reporters, agenttype_reporters=agenttype_reporters)
        self._columns = [(self.model_vars[name], name) for name in self.model_reporters]

    def add_column(self, name: str, earlier: float) -> None:
        """Record tally value ``name`` from now on; rows so far hold ``earlier``."""
        rows = len(self._columns[0][0]) if self._columns else 0
        self.model_reporters[name] = outputs.tally_reader(name)
        self.model_vars[name] = [float(earlier)] * rows
        self._columns.append((self.model_vars[name], name))

    def table(self, columns: Any) -> Any:
        """The collected outputs ``columns`` as one frame, with column ``step`` (the row) first.

        The values and dtypes of ``get_model_vars_dataframe()`` (every output
        is recorded as a float), built as one float block: about a quarter of
        the time of Mesa's frame plus column selection at county scale.
        """
        import pandas as pd

        columns = list(columns)
        values = np.array([self.model_vars[name] for name in columns], dtype=float).T
        frame = pd.DataFrame(values.reshape(-1, len(columns)), columns=columns)
        frame.insert(0, "step", np.arange(len(frame), dtype=np.int64))
        return frame

    def collect(self, model: Any) -> None:
        """Record the model's tally (and per-agent values, if any reporters ask for them)."""
        if hasattr(self, "_collection_steps"):
            self._collection_steps.append(model.time)
        tally = model.tally
        for values, name in self._columns:
            values.append(float(tally[name]))
        if self.agenttype_reporters:
            self._agenttype_records[model.time] = {
                agent_type: list(self._record_agenttype(model, agent_type))
                for agent_type in self.agenttype_reporters}


def _shift_by_rank(mean: float, rank: np.ndarray, spread: float) -> np.ndarray:
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
