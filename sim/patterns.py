"""The patterns the model must reproduce and the effect of every mechanism, as checks.

One definition serves both the test suite (``tests/test_behaviour.py``,
``tests/test_mechanism_effects.py`` assert every check) and the validation
report (``python -m sim validate`` writes ``docs/validation.md``). A check is a
paired comparison over common seeds: each condition runs the same seeds, and
the estimate is the mean of a per-seed quantity with its t-based 95 % CI.

Every condition is layered on a *base* (the model's defaults, or a user's
scenario for ``sim validate --scenario``), so the same checks can be asked of
any county.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

#: Ten seeds for direct effects; twenty for interactions (differences of differences).
SEEDS = tuple(range(100, 110))
INTERACTION_SEEDS = tuple(range(100, 120))
STEPS = 120
LAST = 12

NO_GOVERNMENT = dict(regulation_completeness=0.0, service_awareness=0.0, audit_prob_per_step=0.0,
                     subsidy_per_content_step=0.0, tax_offset_rate=0.0)
#: A subsidy large enough to cover the content gap of many firms, with a budget that does not bind.
SUBSIDY = dict(subsidy_per_content_step=3.0, subsidy_budget_per_year=1e5)
AUDITS = dict(audit_prob_per_step=0.15, penalty_per_misreport=5.0)
MONEY = dict(**SUBSIDY, tax_offset_rate=0.3, **AUDITS)
#: Departments able to certify claims (otherwise a subsidy is hardly ever paid at the status quo).
SERVING = dict(service_awareness=0.8, coordination_body=True)
FULL_PACKAGE = dict(
    regulation_completeness=0.8, coordination_body=True, planning_alignment=0.7,
    major_adjust_rate_per_year=0.3, service_awareness=0.8, subsidy_per_content_step=1.0,
    subsidy_budget_per_year=2000.0, tax_offset_rate=0.3, audit_prob_per_step=0.1,
    penalty_per_misreport=5.0, assessment_outcome_weight=0.7,
)

Runs = dict[str, np.ndarray]


def ci95(values: np.ndarray) -> tuple[float, float]:
    """t-based 95 % confidence interval of the mean."""
    values = np.asarray(values, dtype=float)
    mean = float(np.mean(values))
    if len(values) < 2:
        return mean, mean
    half = float(stats.t.ppf(0.975, len(values) - 1) * stats.sem(values))
    return mean - half, mean + half


def _end_of_run(job: tuple[dict[str, Any], int, int, int]) -> dict[str, float]:
    from sim import CooperationModel

    params, seed, steps, last = job
    model = CooperationModel(rng=seed, **params)
    model.run_for(steps)
    return model.datacollector.get_model_vars_dataframe().iloc[-last:].mean().to_dict()


def end_of_run(params: Mapping[str, Any], seeds: Iterable[int], steps: int = STEPS, last: int = LAST,
               executor: Executor | None = None) -> Runs:
    """Mean of each output over the last ``last`` steps, one value per seed."""
    jobs = [(dict(params), int(seed), steps, last) for seed in seeds]
    rows = list(executor.map(_end_of_run, jobs)) if executor else [_end_of_run(j) for j in jobs]
    return {col: np.array([r[col] for r in rows]) for col in rows[0]}


@dataclass(frozen=True)
class Check:
    """One measured quantity, its 95 % CI and the rule it must meet."""

    label: str
    estimate: float
    ci: tuple[float, float]
    rule: str
    passed: bool


@dataclass(frozen=True)
class Claim:
    """A measured quantity and the rule its CI must satisfy."""

    label: str
    measure: Callable[[Callable[..., Runs]], np.ndarray]
    #: 'lo >', 'hi <', 'hi >' (not significantly below), 'contains 0' (within a width),
    #: 'all >' (every seed's value)
    rule: str
    bound: float = 0.0

    def check(self, run: Callable[..., Runs]) -> Check:
        """Measure with ``run`` (conditions -> runs) and judge the CI by the rule."""
        values = self.measure(run)
        lo, hi = ci95(values)
        passed = {"lo >": lo > self.bound, "hi <": hi < self.bound, "hi >": hi > self.bound,
                  "contains 0": lo < 0.0 < hi and hi - lo < self.bound,
                  "all >": bool(np.min(values) > self.bound)}[self.rule]
        rule = {"lo >": f"95 % CI lower bound > {self.bound:g}",
                "hi <": f"95 % CI upper bound < {self.bound:g}",
                "hi >": f"95 % CI upper bound > {self.bound:g} (not significantly below)",
                "contains 0": f"95 % CI contains 0 and is narrower than {self.bound:g}",
                "all >": f"every seed's value > {self.bound:g}"}[self.rule]
        return Check(self.label, float(np.mean(values)), (lo, hi), rule, bool(passed))


@dataclass(frozen=True)
class Pattern:
    """A pattern of the brief or the decision core, the mechanism behind it and its claims."""

    key: str
    title: str
    mechanism: str
    claims: tuple[Claim, ...]
    slow: bool = False
    departure: str = ""

    def evaluate(self, base: Mapping[str, Any] | None = None,
                 executor: Executor | None = None) -> list[Check]:
        """Run the pattern's conditions on ``base`` and check every claim."""
        cache: dict[tuple, Runs] = {}
        base = dict(base or {})

        def run(settings: Mapping[str, Any] | None = None, seeds: Iterable[int] = SEEDS,
                steps: int = STEPS) -> Runs:
            params = {**base, **(settings or {})}
            key = (tuple(sorted(params.items())), tuple(seeds), steps)
            if key not in cache:
                cache[key] = end_of_run(params, seeds, steps=steps, executor=executor)
            return cache[key]

        return [claim.check(run) for claim in self.claims]


def _diff(a: Runs, b: Runs, column: str) -> np.ndarray:
    return a[column] - b[column]


def _interaction(run, settings, background, column) -> np.ndarray:
    seeds = INTERACTION_SEEDS
    base = run(background, seeds)
    alone = run({**background, **settings}, seeds)
    coord = run({**background, "coordination_body": True}, seeds)
    both = run({**background, **settings, "coordination_body": True}, seeds)
    return both[column] - coord[column] - (alone[column] - base[column])


def _marginal_per_mu(run, low: float, high: float) -> np.ndarray:
    """Extra content partnerships per 100 extra MU a year from raising the subsidy ``low`` -> ``high``."""
    def at(subsidy):
        return run({**SERVING, **AUDITS, "subsidy_per_content_step": subsidy,
                    "subsidy_budget_per_year": 1e5})

    a, b = at(low), at(high)
    extra_content = b["partnerships_content"] - a["partnerships_content"]
    extra_spending = (b["spending_subsidy"] - a["spending_subsidy"]) * 12
    return extra_content / np.maximum(extra_spending, 1e-9) * 100


def _firm_ratio(run, attribute) -> np.ndarray:
    """Per seed: median size (or age) of firms in deep partnerships over those at form."""
    from sim import CooperationModel, Depth

    ratios = []
    for seed in SEEDS[:6]:
        m = CooperationModel(rng=seed)
        m.run_for(STEPS)
        pt = m.partnerships
        values = getattr(m, attribute)[pt.enterprise]
        deep, form = pt.depth >= Depth.PRACTICE, pt.depth == Depth.FORM
        ratios.append(np.median(values[deep]) / np.median(values[form]))
    return np.array(ratios)


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "status-quo", "Status quo: most partnerships at form, content rare, the enterprise side binds",
        "Firms keep only the retained share of the value their training creates, against the cost "
        "and legal risk of the rung, with incentives absent, unknown or not credible; schools mostly "
        "want depth.",
        (Claim("form share", lambda run: run()["form_share"], "lo >", 0.6),
         Claim("content share", lambda run: run()["content_share"], "hi <", 0.10),
         Claim("share of partnerships below content held by the enterprise side",
               lambda run: run()["binding_enterprise_share"], "lo >", 0.5),
         Claim("enterprise-binding minus school-binding share",
               lambda run: run()["binding_enterprise_share"] - run()["binding_school_share"],
               "lo >", 0.4),
         Claim("active partnerships", lambda run: run()["partnerships_active"], "lo >", 100))),
    Pattern(
        "no-government", "Without subsidy, supervision and service, content is rarer still",
        "Nothing lowers the firm's cost or risk; large firms that need workers still host real "
        "placements.",
        (Claim("content share without government", lambda run: run(NO_GOVERNMENT)["content_share"],
               "hi <", 0.06),
         Claim("content share, status quo minus no government",
               lambda run: _diff(run(), run(NO_GOVERNMENT), "content_share"), "lo >", 0.0),
         Claim("practice + content share, status quo minus no government",
               lambda run: _diff(run(), run(NO_GOVERNMENT), "practice_share")
               + _diff(run(), run(NO_GOVERNMENT), "content_share"), "lo >", 0.0)),
        departure="Published tripartite games have nothing past form here; practice by large firms "
        "remains (about a quarter of partnerships)."),
    Pattern(
        "weak-audits", "A subsidy with weak audits raises reported depth far more than real depth",
        "The firm chooses investment and report together: keeping the partnership at form and "
        "reporting it deeper draws the subsidy at a fraction of the cost of real content.",
        (Claim("reported-content gain minus real-content gain",
               lambda run: (_diff(run({**SERVING, **SUBSIDY, "audit_prob_per_step": 0.0}), run(SERVING),
                                  "reported_content_share")
                            - _diff(run({**SERVING, **SUBSIDY, "audit_prob_per_step": 0.0}),
                                    run(SERVING), "content_share")), "lo >", 0.15),
         Claim("misreporting share", lambda run: run({**SERVING, **SUBSIDY, "audit_prob_per_step": 0.0})[
             "misreporting_share"], "lo >", 0.2),
         Claim("leakage share", lambda run: run({**SERVING, **SUBSIDY, "audit_prob_per_step": 0.0})[
             "leakage_share"], "lo >", 0.5))),
    Pattern(
        "complements", "Subsidy and audit are complements in real content; audits alone do nothing",
        "Audits raise the expected loss of the false report, so where the subsidy covers the gap to "
        "content the firm's best honest option is real investment; with no subsidy there is nothing "
        "to deter.",
        (Claim("interaction of subsidy and audit on content share",
               lambda run: (run({**SERVING, **SUBSIDY, **AUDITS})["content_share"]
                            - run({**SERVING, **SUBSIDY, "audit_prob_per_step": 0.0})["content_share"]
                            - run({**SERVING, **AUDITS})["content_share"]
                            + run(SERVING)["content_share"]), "lo >", 0.0),
         Claim("content share, audits alone minus none",
               lambda run: _diff(run({**SERVING, **AUDITS}), run(SERVING), "content_share"),
               "contains 0", 0.04),
         Claim("misreporting share, subsidy without minus with audits",
               lambda run: _diff(run({**SERVING, **SUBSIDY, "audit_prob_per_step": 0.0}),
                                 run({**SERVING, **SUBSIDY, **AUDITS}), "misreporting_share"),
               "lo >", 0.1),
         Claim("content share, subsidy with minus without audits",
               lambda run: _diff(run({**SERVING, **SUBSIDY, **AUDITS}),
                                 run({**SERVING, **SUBSIDY, "audit_prob_per_step": 0.0}),
                                 "content_share"), "lo >", 0.0))),
    Pattern(
        "diminishing-returns", "More subsidy buys less real content per MU; with weak audits more leaks",
        "Firms that would deepen at a lower subsidy are paid the higher one too; a false report pays "
        "more the larger the subsidy once it covers the cost of fabricating evidence.",
        (Claim("extra content partnerships per 100 extra MU, subsidy 2 to 4 minus 6 to 9",
               lambda run: _marginal_per_mu(run, 2.0, 4.0) - _marginal_per_mu(run, 6.0, 9.0),
               "lo >", 0.0),
         Claim("leakage share, weak audits, subsidy 6 minus subsidy 1",
               lambda run: _diff(run({**SERVING, "audit_prob_per_step": 0.0, "subsidy_per_content_step": 6.0,
                                      "subsidy_budget_per_year": 1e5}),
                                 run({**SERVING, "audit_prob_per_step": 0.0, "subsidy_per_content_step": 1.0,
                                      "subsidy_budget_per_year": 1e5}), "leakage_share"), "lo >", 0.0),
         Claim("misreporting share at subsidy 0.25 (below the fabrication threshold)",
               lambda run: run({**SERVING, "audit_prob_per_step": 0.0, "subsidy_per_content_step": 0.25,
                                "subsidy_budget_per_year": 1e5})["misreporting_share"], "hi <", 0.05)),
        slow=True),
    Pattern(
        "large-old-firms", "Larger, long-established firms cooperate more deeply (Yang & Yue 2018)",
        "Training value and vacancies grow with size faster than training cost, larger firms lose "
        "fewer trainees, and older firms are likelier to know the incentives.",
        (Claim("median size, deep over form partners", lambda run: _firm_ratio(run, "ent_size"),
               "all >", 1.2),
         Claim("median age, deep over form partners", lambda run: _firm_ratio(run, "ent_age"),
               "lo >", 1.0))),
    Pattern(
        "poaching", "More poaching (denser peer ties, lower retention) lowers content",
        "It cuts the share of the training value the firm keeps.",
        (Claim("content share, no poaching minus dense poaching",
               lambda run: _diff(run({**FULL_PACKAGE, "poaching_prob_per_tie": 0.0}),
                                 run({**FULL_PACKAGE, "poaching_prob_per_tie": 0.2, "peer_degree": 12.0}),
                                 "content_share"), "lo >", 0.0),
         Claim("content share, retention 0.7 minus 0.25",
               lambda run: _diff(run({**FULL_PACKAGE, "retention_share": 0.7}),
                                 run({**FULL_PACKAGE, "retention_share": 0.25}), "content_share"),
               "lo >", 0.0))),
    Pattern(
        "coordination-certifies", "A coordination body shortens certification",
        "It pools the departments under a lead, so nobody waits for another and one signs.",
        (Claim("certification delay (steps), without minus with a body",
               lambda run: _diff(run(dict(subsidy_per_content_step=1.0, subsidy_budget_per_year=2000.0,
                                          service_awareness=0.6)),
                                 run(dict(subsidy_per_content_step=1.0, subsidy_budget_per_year=2000.0,
                                          service_awareness=0.6, coordination_body=True)),
                                 "approval_delay"), "lo >", 0.0),)),
    Pattern(
        "coordination-amplifies", "Coordination raises the effect of the levers that run through "
        "departments' work",
        "Financial support is paid on certified claims and audited by departments; service is their "
        "attention: a body that pools them makes both do more.",
        (Claim("financial support x coordination, content partnerships",
               lambda run: _interaction(run, MONEY, {}, "partnerships_content"), "lo >", 0.0),
         Claim("financial support x coordination, content share",
               lambda run: _interaction(run, MONEY, {}, "content_share"), "lo >", 0.0),
         Claim("public service x coordination (incentives on offer), content partnerships",
               lambda run: _interaction(run, dict(service_awareness=0.8), MONEY, "partnerships_content"),
               "lo >", 0.0)),
        slow=True),
    Pattern(
        "coordination-payoff-levers", "Coordination leaves levers that act on payoffs directly unchanged",
        "Regulation and outcome-based assessment act on firms' and schools' payoffs, not through "
        "departments' work.",
        (Claim("regulation x coordination, content partnerships",
               lambda run: _interaction(run, dict(regulation_completeness=0.8), dict(service_awareness=0.6),
                                        "partnerships_content"), "contains 0", 12.0),
         Claim("outcome assessment x coordination, content partnerships",
               lambda run: _interaction(run, dict(assessment_outcome_weight=0.7),
                                        dict(service_awareness=0.6), "partnerships_content"),
               "contains 0", 12.0)),
        slow=True,
        departure="The brief expects coordination to raise the effect of every lever."),
    Pattern(
        "full-package", "The full package moves a clear share of partnerships to content",
        "Each lever removes one obstacle of several; what remains is the enterprise side.",
        (Claim("content share, full package minus status quo",
               lambda run: _diff(run(FULL_PACKAGE), run(), "content_share"), "lo >", 0.20),
         Claim("skill match, full package minus status quo (does not fall)",
               lambda run: _diff(run(FULL_PACKAGE), run(), "skill_match"), "hi >", 0.0))),
)


@dataclass(frozen=True)
class Mechanism:
    """One mechanism of the brief, a background where it can act, and its expected effect."""

    name: str
    sentence: str
    background: dict[str, Any]
    more: dict[str, Any]
    less: dict[str, Any]
    column: str
    steps: int = STEPS
    rule: str = "lo >"
    bound: float = 0.0
    extra: tuple[Claim, ...] = field(default_factory=tuple)

    def as_pattern(self) -> Pattern:
        """The mechanism's effect (and any extra claims) as a pattern to evaluate."""
        claim = Claim(f"{self.column}, {_describe(self.more)} minus {_describe(self.less) or 'default'}",
                      lambda run: _diff(run({**self.background, **self.more}, steps=self.steps),
                                        run({**self.background, **self.less}, steps=self.steps),
                                        self.column), self.rule, self.bound)
        return Pattern(self.name, self.name, self.sentence, (claim, *self.extra), slow=True)


def _describe(settings: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in settings.items())


MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism("tax offset", "Tax offsets (Caishui [2019] No. 46) pay back part of the investment.",
              dict(**SERVING, **AUDITS), dict(tax_offset_rate=0.3), dict(tax_offset_rate=0.0),
              "content_share"),
    Mechanism("regulation", "Complete regulation lowers priced legal risk and makes incentives credible.",
              dict(service_awareness=0.6), dict(regulation_completeness=0.8),
              dict(regulation_completeness=0.2), "depth_index"),
    Mechanism("partner information", "Schools that see firms' fit clearly pick better partners.",
              {}, dict(partner_info_noise=0.0), dict(partner_info_noise=2.0), "content_share"),
    Mechanism("search cost", "Cheap search lets schools without brokers find partners at all.",
              dict(MONEY, service_awareness=0.0, coordination_body=True),
              dict(partner_search_cost=0.1), dict(partner_search_cost=2.0), "partnerships_content"),
    Mechanism("planning", "Once deepening pays, majors aligned with local industry raise fit.",
              dict(**SERVING, **MONEY), dict(planning_alignment=0.7, major_adjust_rate_per_year=0.3),
              {}, "content_share"),
    Mechanism("outcome assessment", "Schools assessed on outcomes value real placements and seek "
              "partners for them (so the share at content can fall while real content rises).",
              dict(**SERVING, **MONEY, school_placement_value=0.0),
              dict(assessment_outcome_weight=0.8), dict(assessment_outcome_weight=0.2),
              "partnerships_content"),
    Mechanism("public service", "Departments that take requests up certify claims and spread awareness.",
              MONEY, dict(service_awareness=0.8), {}, "content_share"),
    Mechanism("mandate overlap", "Without overlap nobody waits for another and one department signs.",
              dict(MONEY, service_awareness=0.9, n_departments=8), dict(mandate_overlap=0.0),
              dict(mandate_overlap=1.0), "partnerships_content"),
    Mechanism("teachers' practice", "Teachers' practical capacity grows with deep partnerships and "
              "raises both sides' value.", {}, dict(teacher_learning_rate=0.6),
              dict(teacher_learning_rate=0.05), "content_share"),
    Mechanism("trainee capacity", "More trainee places let firms host more deep partnerships.",
              dict(**SERVING, **MONEY), dict(firm_deep_capacity=3.0), dict(firm_deep_capacity=0.5),
              "content_share"),
    Mechanism("school compensation", "The school's part of the subsidy covers its cost of depth.",
              dict(**SERVING, **MONEY, school_placement_value=0.0, school_content_cost_per_step=2.0),
              dict(school_compensation_share=0.6), dict(school_compensation_share=0.0), "content_share"),
    Mechanism("reporting noise", "Government reads filings through noise: honest reports look "
              "suspicious, false ones less so, and more firms misreport. Its effect on real content is "
              "small: audits pick false reports by a two-rung gap one-rung noise rarely hides.",
              dict(**SERVING, subsidy_per_content_step=3.0, subsidy_budget_per_year=1e5,
                   audit_prob_per_step=0.05, penalty_per_misreport=5.0),
              dict(reporting_noise=0.6), dict(reporting_noise=0.0), "misreporting_share",
              extra=(Claim("content share, noise 0.6 minus none (small)",
                           lambda run: _diff(run(dict(**SERVING, subsidy_per_content_step=3.0,
                                                      subsidy_budget_per_year=1e5, audit_prob_per_step=0.05,
                                                      penalty_per_misreport=5.0, reporting_noise=0.6)),
                                             run(dict(**SERVING, subsidy_per_content_step=3.0,
                                                      subsidy_budget_per_year=1e5, audit_prob_per_step=0.05,
                                                      penalty_per_misreport=5.0, reporting_noise=0.0)),
                                             "content_share"), "contains 0", 0.05),)),
    Mechanism("policy awareness", "Incentives nobody knows of change nothing: before outreach has "
              "spread awareness, firms that know of them deepen more.",
              dict(MONEY, coordination_body=True), dict(policy_awareness=0.9), dict(policy_awareness=0.1),
              "partnerships_content", steps=36),
)


def binding_shares(base: Mapping[str, Any] | None = None,
                   executor: Executor | None = None) -> dict[str, tuple[float, tuple[float, float]]]:
    """Which side holds partnerships below content, at the end of a run of ``base`` (mean, CI)."""
    from sim.outputs import BINDING_COLUMNS

    runs = end_of_run(dict(base or {}), SEEDS, executor=executor)
    return {c: (float(runs[c].mean()), ci95(runs[c])) for c in BINDING_COLUMNS}
