"""The one typed parameter set of the model.

Every parameter is declared once, here, with its default, type, range, unit,
one-line meaning, group and provenance. Sliders in the live view, the SALib
``problem`` of sweeps, scenario-file checks and the parameter table in
``docs/ODD.md`` are all generated from this declaration.

Defaults describe the *status quo* of the two seed studies: a county where
cooperation stays on paper. Unless a source says otherwise, every number is a
modelling assumption on a relative scale (money in model units, MU), never
data.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

ASSUMPTION = "assumption"

#: Parameter groups in display order, with a title. The lever groups follow the
#: countermeasures of the two seed studies (see docs/ODD.md, "Countermeasures").
GROUPS: dict[str, str] = {
    "scale": "Scale and structure",
    "enterprises": "Enterprises and the labour market",
    "schools": "Schools",
    "behaviour": "Bounded rationality and partnership dynamics",
    "law_and_policy": "Lever: legal and policy system (organisational leadership)",
    "coordination": "Lever: coordination mechanism among departments",
    "planning": "Lever: overall planning (majors vs local industry)",
    "public_service": "Lever: public service ability and awareness",
    "financial_support": "Lever: financial support (subsidy, tax offset, budget)",
    "supervision": "Lever: supervision, reporting and assessment",
    "lever_costs": "Cost of each lever to government",
    "structure": "Structural assumptions (numbers no source pins down)",
}

#: Groups of structural assumptions: swept by the robustness experiment, never levers.
STRUCTURAL_GROUPS = ("structure",)

#: Groups whose parameters are countermeasure levers a scenario turns.
LEVER_GROUPS = (
    "law_and_policy",
    "coordination",
    "planning",
    "public_service",
    "financial_support",
    "supervision",
)


@dataclass(frozen=True)
class Spec:
    """Metadata of one parameter: range, unit, meaning, group and provenance."""

    low: float | None
    high: float | None
    unit: str
    doc: str
    group: str
    source: str = ASSUMPTION


def _p(default: Any, low: float | None, high: float | None, unit: str, doc: str, group: str,
       source: str = ASSUMPTION) -> Any:
    return field(default=default, metadata={"spec": Spec(low, high, unit, doc, group, source)})


class ParameterError(ValueError):
    """A parameter name or value is not acceptable.

    The message names the field, the value, the allowed range and, for an
    unknown name, close matches.
    """

    def __init__(self, message: str, *, field_name: str | None = None):
        super().__init__(message)
        self.field_name = field_name


@dataclass(frozen=True)
class Parameters:
    """All parameters of :class:`sim.model.CooperationModel`, validated on creation.

    Build with keywords (``Parameters(audit_prob_per_step=0.05)``) or from a
    mapping (``Parameters.from_mapping(d)``); unknown names and out-of-range
    values raise :class:`ParameterError`.
    """

    # --- scale and structure -------------------------------------------------
    n_schools: int = _p(10, 1, 5000, "schools", "number of vocational schools", "scale")
    n_enterprises: int = _p(1000, 2, 200000, "enterprises", "number of local enterprises", "scale")
    n_departments: int = _p(
        6, 1, 12, "departments",
        "government departments sharing the cooperation mandate (education, HR & social "
        "security, development & reform, finance, industry, science & technology, ...)", "scale",
        "Ruian study: 'unclear responsibilities of multiple managers'")
    n_industries: int = _p(5, 1, 12, "industries", "local industries (majors map to them)", "scale")
    higher_vocational_share: float = _p(
        0.0, 0.0, 1.0, "share", "share of schools that are higher vocational colleges (rest: "
        "secondary vocational schools, whose students are mostly minors)", "scale")
    network_file: str = _p(
        "", None, None, "path", "load schools, enterprises, departments and ties from a GraphML "
        "or node/edge CSV file instead of generating them ('' = generate)", "scale")
    # Shape of a generated county (sim/network.py). A network_file brings its own
    # firms and ties: these are then ignored.
    peer_network_family: str = _p(
        "random", None, None, "choice", "shape of generated peer ties within an industry, all "
        "with mean degree peer_degree: 'random' (uniform random pairs), 'hub' (Barabasi-Albert "
        "preferential attachment: a few hub firms have many ties), 'small_world' "
        "(Watts-Strogatz: clustered ties, short paths); ignored (not checked) for a "
        "network_file, whose peer ties are used as given", "scale",
        "Angelini et al., JASSS 2017: public support to firms works differently in "
        "hub-dominated networks")
    small_world_rewiring_prob: float = _p(
        0.1, 0.01, 0.3, "prob", "share of ring ties rewired at random in the 'small_world' "
        "peer network (its clustering falls as this rises)", "scale",
        "Watts & Strogatz, Nature 393 (1998): small-world regime at 0.01-0.1")
    industry_concentration: float = _p(
        4.0, 0.5, 50.0, "Dirichlet alpha", "evenness of industry shares in a generated county "
        "(low: a few industries dominate; high: near-equal shares)", "scale")
    firm_size_distribution: str = _p(
        "lognormal", None, None, "choice", "distribution of generated firm sizes, median 1: "
        "'lognormal' (log-sd firm_size_sigma) or 'pareto' (tail index firm_size_pareto_tail)",
        "enterprises")
    firm_size_pareto_tail: float = _p(
        1.06, 1.0, 3.0, "tail index", "Pareto tail index of firm size when "
        "firm_size_distribution = 'pareto' (lower: heavier tail; 1 is Zipf's law)",
        "enterprises", "Axtell, Science 293 (2001): US firm sizes, tail index 1.06")
    # e^2, so that log(median) is exactly the 2.0 of the former age formula.
    firm_age_median_years: float = _p(
        7.38905609893065, 3.0, 20.0, "years", "median age of a generated firm of median size",
        "enterprises")
    firm_age_size_elasticity: float = _p(
        0.5, 0.0, 1.0, "elasticity", "rise of log firm age per unit of log size (firms long "
        "in business are larger)", "enterprises")
    firm_age_sigma: float = _p(
        0.6, 0.0, 1.5, "log-sd", "dispersion of firm age around its size relation (lognormal)",
        "enterprises")
    firm_age_min_years: float = _p(
        1.0, 0.0, 5.0, "years", "youngest age of a generated firm (ages below are raised to it)",
        "enterprises")
    firm_age_max_years: float = _p(
        80.0, 30.0, 150.0, "years", "greatest age of a generated firm (ages above are cut to it)",
        "enterprises")

    # --- enterprises ---------------------------------------------------------
    firm_size_sigma: float = _p(
        1.0, 0.0, 3.0, "log-sd", "dispersion of firm size (lognormal, median 1)", "enterprises")
    retention_share: float = _p(
        0.45, 0.0, 1.0, "share", "share of the graduates it trains that a firm keeps before "
        "poaching (larger firms keep more)", "enterprises",
        "Ruian study: 'market failure', 'independence of enterprises'")
    peer_degree: float = _p(
        6.0, 0.0, 50.0, "ties/firm", "mean number of peer ties per enterprise within its industry",
        "enterprises")
    poaching_prob_per_tie: float = _p(
        0.06, 0.0, 1.0, "share/tie", "share of a firm's trained graduates lost to each peer that "
        "does not train itself", "enterprises",
        "Ruian study: 'particularity of vocational education' (positive externality)")
    training_value_per_step: float = _p(
        3.0, 0.0, 100.0, "MU/step", "value to a median firm of the graduates a content "
        "partnership trains, if all are kept and fit perfectly", "enterprises")
    symbolic_value_per_step: float = _p(
        0.15, 0.0, 10.0, "MU/step", "value of a signed agreement itself (image, recruitment "
        "channel, goodwill with government): what keeps form partnerships alive",
        "enterprises")
    content_cost_per_step: float = _p(
        1.2, 0.0, 100.0, "MU/step", "a median firm's cost of running a content partnership "
        "(co-designed curriculum, order classes, training base); form and practice cost "
        "fixed fractions of it (see ODD)", "enterprises")
    legal_risk_per_step: float = _p(
        0.5, 0.0, 100.0, "MU/step", "priced legal and safety risk of hosting students at content "
        "depth with no regulation (practice: risk_exposure_practice of it)", "enterprises",
        "Sichuan study: 'regulations and policies are not systematic'")
    policy_awareness: float = _p(
        0.3, 0.0, 1.0, "share", "initial share of enterprises that know the incentives on offer",
        "enterprises", "Sichuan study: survey of local government promotion")

    # --- schools -------------------------------------------------------------
    target_partnerships_per_school: int = _p(
        30, 1, 500, "partnerships", "agreements a school seeks when assessed purely on counts",
        "schools")
    students_per_school_year: int = _p(
        400, 1, 20000, "students/year", "graduating cohort per school", "schools")
    teacher_practical_capacity: float = _p(
        0.3, 0.0, 1.0, "share", "initial practical capacity of teachers ('double-qualified' "
        "share); grows with practice and content partnerships", "schools")
    school_content_cost_per_step: float = _p(
        0.8, 0.0, 100.0, "MU/step", "a school's cost (teacher time, curriculum work) of a content "
        "partnership", "schools")

    # --- behaviour -----------------------------------------------------------
    choice_temperature: float = _p(
        0.25, 0.01, 10.0, "MU", "logit noise of every depth choice (higher = noisier)",
        "behaviour")
    imitation_prob: float = _p(
        0.2, 0.0, 1.0, "prob", "chance a revising enterprise copies a random peer's depth "
        "choice instead of computing its own", "behaviour")
    revision_prob_per_step: float = _p(
        0.15, 0.0, 1.0, "prob/step", "chance a partner revisits its investment in a step",
        "behaviour")
    decay_prob_per_step: float = _p(
        0.15, 0.0, 1.0, "prob/step", "chance a partnership slides down a rung in a step when "
        "either side stops investing for it", "behaviour")
    dissolve_after_steps: int = _p(
        6, 1, 120, "steps", "steps at depth none after which a partnership dissolves",
        "behaviour")
    partner_search_cost: float = _p(
        0.5, 0.0, 100.0, "MU", "a school's cost of finding and vetting an enterprise on its own",
        "behaviour", "Ruian study: 'information asymmetry'")
    partner_info_noise: float = _p(
        0.35, 0.0, 5.0, "sd of fit", "noise in what a school knows of an enterprise's fit before "
        "matching", "behaviour", "Ruian study: 'information asymmetry'")
    # Learning by doing (sim/mechanisms/experience.py): off unless the learning rate is > 0.
    experience_learning_rate: float = _p(
        0.0, 0.0, 1.0, "per year", "yearly growth of a firm's experience of deep cooperation per "
        "unit share of its partnerships at content (0: the mechanism is off)", "behaviour",
        "assumption; evolutionary-game studies: partners learn that deep cooperation pays")
    experience_value_premium: float = _p(
        0.5, 0.0, 2.0, "share", "extra training value a fully experienced firm sees in a "
        "partnership (its training value x (1 + premium x experience))", "behaviour")
    experience_forgetting: float = _p(
        0.1, 0.0, 1.0, "per year", "yearly loss of a firm's experience (staff turnover)",
        "behaviour")

    # --- lever: legal and policy system --------------------------------------
    regulation_completeness: float = _p(
        0.2, 0.0, 1.0, "index", "completeness of laws, rules and implementation guidance: "
        "lowers the priced legal/safety risk and makes incentives credible", "law_and_policy",
        "Ruian: 'incomplete government supporting laws and regulations'; Sichuan: 'lacking "
        "of specific implementation guidance'")
    incentive_credibility_floor: float = _p(
        0.4, 0.0, 1.0, "prob", "credibility of promised incentives with no regulation at all",
        "law_and_policy")

    # --- lever: coordination -------------------------------------------------
    coordination_body: bool = _p(
        False, None, None, "switch", "a joint coordination body (one-stop window) pools the "
        "departments: no dilution of effort, one sign-off", "coordination",
        "Sichuan: 'establish and perfect the management mechanism'; Ruian: 'communication and "
        "coordination functions'")
    mandate_overlap: float = _p(
        0.7, 0.0, 1.0, "share", "overlap of departments' mandates over the same cooperation: "
        "dilutes effort and adds sign-offs", "coordination",
        "Ruian: 'unclear responsibilities of multiple managers'")
    approval_stage_prob_per_step: float = _p(
        0.35, 0.01, 1.0, "prob/step", "chance a department clears one sign-off of an "
        "application in a step at full effort", "coordination")

    # --- lever: overall planning --------------------------------------------
    planning_alignment: float = _p(
        0.25, 0.0, 1.0, "index", "initial alignment of school majors with local industry demand",
        "planning", "Ruian: 'insufficient overall planning for school enterprise cooperation'")
    major_adjust_rate_per_year: float = _p(
        0.05, 0.0, 1.0, "share/year", "share of the gap to industry demand that schools close "
        "each year by shifting majors", "planning",
        "Ruian: 'constructing a comprehensive planning and control system'")

    # --- lever: public service ----------------------------------------------
    service_awareness: float = _p(
        0.25, 0.0, 1.0, "prob", "chance a department brokers a match or answers a request when "
        "asked", "public_service",
        "Ruian: 'inadequate government personnel awareness'; Sichuan: 'lacks of public service "
        "awareness'")

    # --- lever: financial support -------------------------------------------
    subsidy_per_content_step: float = _p(
        0.0, 0.0, 100.0, "MU/step", "subsidy paid per reported content partnership per step "
        "(practice: subsidy_practice_share of it)", "financial_support",
        "Sichuan: 'insufficient financial support'; no typical local amount is known")
    subsidy_practice_share: float = _p(
        0.5, 0.0, 1.0, "share", "subsidy paid per reported practice partnership, as a share of "
        "the content subsidy (a signed agreement alone is never paid)", "financial_support",
        "assumption")
    subsidy_budget_per_year: float = _p(
        0.0, 0.0, 1e7, "MU/year", "annual budget for subsidies; payments stop when it runs out",
        "financial_support", "Sichuan: 'raise financial support'")
    tax_offset_rate: float = _p(
        0.0, 0.0, 1.0, "share", "share of a certified firm's cooperation investment offset "
        "against education surcharges (status quo: few firms certified)", "financial_support",
        "Caishui [2019] No. 46: 30 % for certified industry-education integration enterprises")

    # --- lever: supervision and assessment ----------------------------------
    audit_prob_per_step: float = _p(
        0.01, 0.0, 1.0, "prob/step", "chance a reported practice/content partnership is audited "
        "in a step", "supervision", "Ruian: 'inadequate regulatory assessment'")
    penalty_per_misreport: float = _p(
        2.0, 0.0, 1000.0, "MU", "fine for a report found above the true depth (subsidy also "
        "clawed back)", "supervision")
    reporting_noise: float = _p(
        0.1, 0.0, 1.0, "prob", "chance the government misreads a report by one rung",
        "supervision", "Ruian: 'information asymmetry'")
    assessment_outcome_weight: float = _p(
        0.2, 0.0, 1.0, "weight", "weight of outcomes (placements, skill match) vs counts of "
        "agreements in how schools are assessed", "supervision",
        "brief: 'form-over-content assessment'")

    # --- what each lever costs government -----------------------------------
    cost_per_audit: float = _p(0.3, 0.0, 100.0, "MU/audit", "cost of one audit", "lever_costs")
    cost_outcome_assessment_per_year: float = _p(
        20.0, 0.0, 1e6, "MU/year", "cost per year of assessing schools wholly on outcomes "
        "(collecting placement and skill-match data, checking it); scales with "
        "assessment_outcome_weight", "lever_costs")
    cost_coordination_body_per_year: float = _p(
        20.0, 0.0, 1e6, "MU/year", "running cost of a coordination body", "lever_costs")
    cost_service_per_year: float = _p(
        40.0, 0.0, 1e6, "MU/year", "cost per year of service awareness at 1 (staff, training); "
        "scales linearly", "lever_costs")
    cost_regulation_per_year: float = _p(
        30.0, 0.0, 1e6, "MU/year", "cost per year of regulation completeness at 1 (drafting, "
        "guidance, enforcement); scales linearly", "lever_costs")
    cost_planning_per_year: float = _p(
        15.0, 0.0, 1e6, "MU/year", "cost per year of a planning system that moves majors at "
        "rate 1; scales linearly", "lever_costs")

    school_compensation_share: float = _p(
        0.3, 0.0, 1.0, "share", "share of each partnership's subsidy paid to the school side "
        "(teacher time, curriculum work): benefit compensation reaches schools too",
        "financial_support", "Ruian: 'improve the ... benefit compensation mechanism'; share is "
        "an assumption")

    # --- structural assumptions (declared once; swept by the robustness experiment) ---------
    # Rung profiles: content is the unit (1) of each profile, none is 0.
    training_yield_form: float = _p(
        0.05, 0.0, 0.3, "share of content", "training value a firm realises at form (visits, "
        "nominal internships) relative to content", "structure")
    training_yield_practice: float = _p(
        0.45, 0.2, 0.8, "share of content", "training value a firm realises at practice (real "
        "placements) relative to content", "structure")
    cost_share_form: float = _p(
        0.03, 0.0, 0.2, "share of content", "firm cost of a form partnership relative to content",
        "structure")
    cost_share_practice: float = _p(
        0.4, 0.2, 0.8, "share of content", "firm cost of a practice partnership relative to "
        "content", "structure")
    risk_exposure_practice: float = _p(
        0.5, 0.2, 0.8, "share of content", "legal/safety exposure of hosting interns (practice) "
        "relative to apprentices (content); form hosts nobody", "structure")
    risk_factor_higher: float = _p(
        0.6, 0.3, 1.0, "multiplier", "legal risk with a higher vocational college (adult "
        "students) relative to a secondary school (mostly minors)", "structure")
    value_size_elasticity: float = _p(
        0.6, 0.3, 0.9, "elasticity", "growth of a firm's training value and vacancies with its "
        "size", "structure")
    cost_size_elasticity: float = _p(
        0.3, 0.0, 0.6, "elasticity", "growth of a firm's training cost with its size (scale "
        "economies when below the value elasticity)", "structure")
    retention_size_elasticity: float = _p(
        0.15, 0.0, 0.4, "elasticity", "how fast the share of trained graduates a firm loses "
        "shrinks with its size (internal labour markets)", "structure")
    firm_partnership_capacity: float = _p(
        4.0, 1.0, 20.0, "partnerships", "agreements a median firm is willing to hold at once "
        "(scales with size like its vacancies); it declines proposals beyond", "structure")
    firm_deep_capacity: float = _p(
        1.0, 0.3, 5.0, "partnerships", "practice or content partnerships a median firm can host "
        "at once (trainee places; scales with size like its vacancies)", "structure")
    misreport_horizon_steps: int = _p(
        12, 3, 36, "steps", "horizon over which a firm weighs a false report (it revisits about "
        "once a year), and the over-payment an audit typically claws back", "structure")
    fabrication_cost: float = _p(
        1.0, 0.0, 5.0, "MU", "one-off cost of fabricating the evidence for a false report",
        "structure")
    outcome_credit_form: float = _p(
        0.1, 0.0, 0.5, "credit units", "outcome credit (placements, skill match) of a form "
        "partnership, per step, relative to one counted agreement", "structure")
    outcome_credit_practice: float = _p(
        0.8, 0.3, 1.5, "credit units", "outcome credit of a practice partnership per step "
        "relative to one counted agreement", "structure")
    outcome_credit_content: float = _p(
        2.0, 1.0, 4.0, "credit units", "outcome credit of a content partnership per step "
        "relative to one counted agreement", "structure")
    school_placement_value: float = _p(
        0.4, 0.0, 1.0, "share of credit", "weight a school puts on its students' outcomes "
        "whatever it is assessed on (employment-rate duties, reputation); adds to the "
        "assessment's outcome weight", "structure", "Chinese VET literature: 'schools hot, "
        "enterprises cold'; weight is an assumption")
    school_cost_share_form: float = _p(
        0.08, 0.0, 0.2, "share of content", "school cost of a form partnership relative to "
        "content", "structure")
    school_cost_share_practice: float = _p(
        0.4, 0.2, 0.8, "share of content", "school cost of a practice partnership relative to "
        "content", "structure")
    teacher_cost_relief: float = _p(
        0.5, 0.0, 0.9, "share", "share of a school's cost of depth that fully practical "
        "teachers save", "structure")
    service_school_support: float = _p(
        0.4, 0.0, 0.9, "share", "share of a school's cost of depth that a serving department "
        "covers when it brokers and backs the partnership (placements, insurance, paperwork)",
        "structure", "Ruian: 'fulfill the service guarantee function'; share is an assumption")
    teacher_learning_rate: float = _p(
        0.3, 0.05, 0.6, "per year", "yearly growth of teachers' practical capacity per unit "
        "share of a school's partnerships at practice or content", "structure")
    teacher_attrition: float = _p(
        0.03, 0.0, 0.1, "per year", "yearly loss of teachers' practical capacity (turnover, "
        "skills ageing)", "structure")
    placements_form: float = _p(
        0.3, 0.0, 1.0, "students/year", "students a median firm takes from a form partnership",
        "structure")
    placements_practice: float = _p(
        3.0, 1.0, 6.0, "students/year", "students a median firm takes from a practice "
        "partnership", "structure")
    placements_content: float = _p(
        8.0, 4.0, 16.0, "students/year", "students a median firm takes from a content "
        "partnership (an order class or apprenticeship cohort)", "structure")
    training_quality_form: float = _p(
        0.3, 0.0, 0.6, "share", "skill match of a graduate trained at form, before fit",
        "structure")
    training_quality_practice: float = _p(
        0.65, 0.3, 0.9, "share", "skill match of a graduate trained at practice, before fit",
        "structure")
    search_attempts_per_step: int = _p(
        3, 1, 10, "attempts/step", "proposals a school can make in one month", "structure")
    broker_shortlist: int = _p(
        20, 5, 50, "firms", "enterprises a brokering department compares for a school (fit "
        "known exactly)", "structure")
    own_shortlist: int = _p(
        5, 1, 20, "firms", "enterprises a school screens on its own (fit seen through noise)",
        "structure")
    awareness_age_spread: float = _p(
        1.5, 0.0, 3.0, "logit units", "how much likelier long-established firms are to know the "
        "incentives (logit shift across the age ranking)", "structure", "Yang & Yue 2018: "
        "long-established firms cooperate more; spread is an assumption")
    delay_learning_rate: float = _p(
        0.2, 0.05, 0.5, "weight", "weight firms give the latest approval delay when updating the "
        "delay they expect (exponential smoothing)", "structure")
    detection_learning_rate: float = _p(
        0.2, 0.05, 0.5, "weight", "weight firms give the latest observed detection rate of false "
        "reports when updating the risk they expect", "structure")
    department_awareness_concentration: float = _p(
        6.0, 1.0, 50.0, "Beta a+b", "how alike departments' service awareness is (Beta "
        "concentration around service_awareness; high = alike)", "structure")
    department_capacity_per_step: float = _p(
        30.0, 2.0, 200.0, "tasks/step", "tasks (brokering a match, one sign-off, one audit) a "
        "department's staff can do in a month on school-enterprise cooperation", "structure")
    department_task_value: float = _p(
        1.0, 0.2, 3.0, "effort units", "what a fully aware department gains from a cooperation "
        "task being done (career credit, duty), relative to the effort of doing it",
        "structure")
    department_effort_cost: float = _p(
        0.5, 0.05, 1.0, "effort units", "a department's cost of taking a task up itself",
        "structure")
    department_choice_temperature: float = _p(
        0.1, 0.02, 1.0, "effort units", "logit noise of a department's decision to take a task "
        "up", "structure")
    audit_signal_noise: float = _p(
        0.6, 0.0, 2.0, "rungs (sd)", "noise of an auditing department's own reading of a "
        "partnership's true depth when it picks suspicious reports (divided by 0.5 + its "
        "awareness)", "structure", "Ruian: 'information asymmetry'; size is an assumption")
    school_quality_floor: float = _p(
        0.5, 0.2, 0.8, "share", "training quality a school offers a partner with no practical "
        "teachers; quality rises linearly to 1 with teachers' practical capacity", "structure")
    sign_off_routine_share: float = _p(
        0.5, 0.0, 1.0, "share", "part of a sign-off's monthly chance that is routine; the rest "
        "depends on the signing department's awareness", "structure")
    audit_skill_floor: float = _p(
        0.5, 0.1, 1.0, "awareness units", "added to an auditing department's awareness to give its "
        "skill: its reading of true depth has noise audit_signal_noise / (floor + awareness)",
        "structure")
    unplanned_major_concentration: float = _p(
        0.4, 0.1, 2.0, "Dirichlet alpha", "concentration of the unplanned part of schools' "
        "majors (low: schools specialise in a few majors)", "structure")
    unplanned_nonlocal_share: float = _p(
        0.5, 0.1, 0.8, "share", "expected share of the unplanned part of majors that no local "
        "industry demands (chosen for ease of enrolment)", "structure")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, _coerce(f, getattr(self, f.name)))

    # ------------------------------------------------------------------ API
    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, where: str = "") -> Parameters:
        """Build from a flat mapping, checking names with close-match suggestions.

        Args:
            values: parameter name to value; missing names take their default.
            where: prefix for error messages (e.g. a file name).
        """
        check_names(values, where=where)
        try:
            return cls(**dict(values))
        except ParameterError as err:
            raise ParameterError(f"{where}{err}", field_name=err.field_name) from None

    def replace(self, **changes: Any) -> Parameters:
        """Return a copy with ``changes`` applied (validated)."""
        check_names(changes)
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain ``{name: value}`` of every parameter (a lever's schedule as a plain mapping)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def changed(self) -> dict[str, Any]:
        """Only the parameters that differ from their default."""
        default = Parameters()
        return {k: v for k, v in self.to_dict().items() if getattr(default, k) != v}


def _plain(value: Any) -> Any:
    return value.to_dict() if type(value).__name__ == "Schedule" else value


def _coerce(f: dataclasses.Field, value: Any) -> Any:
    if isinstance(value, Mapping) or type(value).__name__ == "Schedule":
        # A lever may follow a schedule (sim/schedules.py): each of its values is checked here.
        from sim import schedules

        return schedules.coerce(f, value, _coerce)
    spec: Spec = f.metadata["spec"]
    kind = type(f.default)
    name = f.name
    if kind is bool:
        if isinstance(value, bool):
            return value
        if type(value).__name__ == "bool_":  # numpy bool from a sampler or array
            return bool(value)
        raise ParameterError(f"{name} = {_shown(value)}: must be true or false", field_name=name)
    if kind is str:
        if isinstance(value, str):
            return value
        raise ParameterError(f"{name} = {_shown(value)}: must be a string", field_name=name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
            value = value.item()
        else:
            raise ParameterError(
                f"{name} = {_shown(value)}: must be a number ({kind.__name__}) in {_range(spec)}",
                field_name=name)
    # Checked before any conversion: int(inf) raises OverflowError and int(nan) a bare
    # ValueError, and float() of a huge int overflows; none of them names the field.
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(
            f"{name} = {_shown(value)}: must be a finite number in {_range(spec)} {spec.unit}",
            field_name=name)
    if kind is int:
        if value != int(value):
            raise ParameterError(
                f"{name} = {_shown(value)}: must be a whole number in {_range(spec)}",
                field_name=name)
        value = int(value)
    elif abs(value) <= sys.float_info.max:  # a larger int has no float: kept for the message
        value = float(value)
    if (spec.low is not None and value < spec.low) or (
            spec.high is not None and value > spec.high):
        raise ParameterError(
            f"{name} = {_shown(value)} is out of range: allowed {_range(spec)} {spec.unit}",
            field_name=name)
    return value


def _shown(value: Any) -> str:
    """``repr`` of a refused value, cut short (a 400-digit integer would flood the message)."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} characters)"


def _range(spec: Spec) -> str:
    return f"[{spec.low:g}, {spec.high:g}]"


def check_names(values: Mapping[str, Any], *, where: str = "") -> None:
    """Raise :class:`ParameterError` for a name that is not a parameter, with suggestions."""
    known = names()
    for key in values:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else (
                "; see docs/ODD.md for the list of parameters")
            raise ParameterError(f"{where}unknown parameter {key!r}{hint}", field_name=key)


def names() -> list[str]:
    """All parameter names in declaration order."""
    return [f.name for f in dataclasses.fields(Parameters)]


def specs() -> Iterator[tuple[str, Any, type, Spec]]:
    """Yield ``(name, default, type, spec)`` for every parameter in declaration order."""
    for f in dataclasses.fields(Parameters):
        yield f.name, f.default, type(f.default), f.metadata["spec"]


def spec(name: str) -> Spec:
    """The :class:`Spec` of one parameter (raises ParameterError for unknown names)."""
    check_names({name: None})
    return next(s for n, _, _, s in specs() if n == name)


def group_of(name: str) -> str:
    """The group a parameter belongs to."""
    return spec(name).group


def structural_names() -> list[str]:
    """Names of the structural assumptions (parameters in structural groups)."""
    return [n for n, _, _, s in specs() if s.group in STRUCTURAL_GROUPS]


def lever_names() -> list[str]:
    """Names of the countermeasure levers (parameters in lever groups)."""
    return [n for n, _, _, s in specs() if s.group in LEVER_GROUPS]


def markdown_table() -> str:
    """The parameter table of docs/ODD.md, generated from the declaration."""
    lines = []
    for group, title in GROUPS.items():
        rows = [(n, d, t, s) for n, d, t, s in specs() if s.group == group]
        if not rows:
            continue
        lines += [f"#### {title} (`{group}`)", "",
                  "| parameter | default | range | unit | meaning | source |",
                  "|---|---|---|---|---|---|"]
        for n, d, t, s in rows:
            rng = "true/false" if t is bool else ("text" if t is str else _range(s))
            default = repr(d) if t is str else (str(d).lower() if t is bool else f"{d:g}")
            lines.append(f"| `{n}` | {default} | {rng} | {s.unit} | {s.doc} | {s.source} |")
        lines.append("")
    return "\n".join(lines)
