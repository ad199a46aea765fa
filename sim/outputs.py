"""The model's outputs: one column per name, each with its definition.

``model.datacollector.get_model_vars_dataframe()`` has exactly these columns
(row 0 is the initial state, row t the state after step t). Users' scripts and
papers depend on the names: add, never rename. The definitions are printed
into docs/ODD.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Flows: what happened during the step (zero in row 0).
FLOWS: dict[str, str] = {
    "spending_subsidy": "subsidy paid this step (MU)",
    "spending_tax_offset": "tax offsets granted this step (MU, forgone surcharge revenue)",
    "spending_audit": "cost of the audits made this step (MU)",
    "spending_levers": "running cost this step of the other levers: coordination body, "
    "service, regulation, planning (MU)",
    "subsidy_leakage": "subsidy paid this step to partnerships whose true depth is form or none (MU)",
    "subsidy_overpaid": "subsidy paid this step above what the true depths entitle to (MU; includes "
    "leakage and practice partnerships paid as content)",
    "tax_offset_overpaid": "tax offsets granted this step above what the true depths entitle to (MU)",
    "clawbacks_collected": "over-payments recovered this step from misreports found by audits (MU)",
    "audits": "reports audited this step",
    "misreports_detected": "audits this step that found a report above the true depth",
    "penalties_collected": "fines collected this step (MU)",
    "partnerships_formed": "new agreements signed this step",
    "partnerships_dissolved": "partnerships dissolved this step",
    "approvals": "upgrade applications approved this step",
    "proposals_declined": "proposals by schools that enterprises declined this step (full, or not "
    "worth it)",
}
#: States: the situation at the end of the step.
STATES: dict[str, str] = {
    "partnerships_none": "partnerships at depth none (lapsed, heading to dissolution)",
    "partnerships_form": "partnerships at form (agreement, visits, nominal internships)",
    "partnerships_practice": "partnerships at practice (real placements, guest instructors)",
    "partnerships_content": "partnerships at content (co-designed curriculum, order classes, "
    "apprenticeship, training base, joint R&D)",
    "partnerships_active": "partnerships at form or deeper",
    "form_share": "partnerships_form / partnerships_active",
    "practice_share": "partnerships_practice / partnerships_active",
    "content_share": "partnerships_content / partnerships_active (0 when none is active)",
    "depth_index": "mean rung of active partnerships scaled to [0, 1]: form 0, practice 0.5, "
    "content 1",
    "reported_content_share": "share of active partnerships government reads as content",
    "misreporting_share": "share of active partnerships reporting content untruthfully",
    "approval_delay": "mean steps from filing to approval of the upgrades approved in the last "
    "year (NaN before the first approval)",
    "applications_pending": "upgrade applications waiting for sign-offs",
    "aware_enterprise_share": "share of enterprises that know the incentives",
    "mean_retained_share": "mean share of its trained graduates a firm keeps after poaching",
    "budget_left": "subsidy budget left this year (MU), all departments together",
    "expected_detection": "chance per step firms expect a false report to be found (learnt from "
    "the share of false reports found, or, with none around, from how often reports are audited)",
    "service_reach": "chance a brokering or outreach request is taken up by some department (the "
    "departments' decisions under their mandates)",
    "binding_enterprise_share": "share of active partnerships below content held there by the "
    "enterprise (its target is the lower and no higher than the current rung)",
    "binding_school_share": "share of active partnerships below content held there by the school",
    "binding_both_share": "share of active partnerships below content where both sides want no more "
    "than the current rung",
    "binding_approval_share": "share of active partnerships below content where both sides want "
    "more and an application is waiting for government",
    "graduates_placed_locally": "graduates of the last cohort placed with local partner firms "
    "(per year; updated at each year end)",
    "graduates_poached": "of those, graduates lost to peer firms (per year)",
    "skill_match": "placement-weighted mean of fit x training quality of the last cohort, in [0, 1]",
    "spending_total": "spending_subsidy + spending_tax_offset + spending_audit + spending_levers",
    "leakage_share": "subsidy_leakage / spending_subsidy (0 when nothing is paid)",
}
FLOW_COLUMNS = list(FLOWS)
BINDING_COLUMNS = ["binding_enterprise_share", "binding_school_share", "binding_both_share",
                   "binding_approval_share"]
COLUMNS: dict[str, str] = {**STATES, **FLOWS}


def reporters() -> dict[str, Callable[[Any], float]]:
    """Model reporters for Mesa's DataCollector, reading the step's tally."""
    return {name: _reader(name) for name in COLUMNS}


def _reader(name: str) -> Callable[[Any], float]:
    def read(model: Any) -> float:
        return float(model.tally[name])

    read.__name__ = f"read_{name}"
    return read


def agent_reporters() -> dict[type, dict[str, Callable[[Any], float]]]:
    """Per-agent reporters (used only with ``collect_agents=True``)."""
    from sim.agents import Enterprise, School

    def mean_depth(agent: Any) -> float:
        depths = agent.partnership_depths()
        return float(sum(depths) / len(depths)) if depths else 0.0

    return {
        School: {"partnerships": lambda a: len(a.partnership_depths()), "mean_depth": mean_depth,
                 "teacher_practical_capacity": lambda a: a.teacher_practical_capacity},
        Enterprise: {"partnerships": lambda a: len(a.partnership_depths()),
                     "retention": lambda a: a.retention},
    }


def markdown_table() -> str:
    """The output table of docs/ODD.md."""
    lines = ["| column | kind | definition |", "|---|---|---|"]
    lines += [f"| `{n}` | state | {d} |" for n, d in STATES.items()]
    lines += [f"| `{n}` | flow | {d} |" for n, d in FLOWS.items()]
    return "\n".join(lines)
