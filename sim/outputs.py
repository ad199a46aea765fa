"""The model's outputs: one column per name, each with its definition.

``model.datacollector.get_model_vars_dataframe()`` has exactly these columns
(row 0 is the initial state, row t the state after step t). Users' scripts and
papers depend on the names: add, never rename. The definitions are printed
into docs/ODD.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
    "binding_enterprise_share": "of the active partnerships below content that a side holds at their "
    "rung, the share the enterprise holds (its best rung is no higher, the school's is; updated at "
    "each year end)",
    "binding_school_share": "of those, the share the school holds (its best rung is no higher, the "
    "firm's is; updated at each year end)",
    "binding_both_share": "of those, the share neither side wants to deepen (updated at each year "
    "end)",
    "binding_approval_share": "of those, the share held by certification: the firm would invest "
    "deeper if its claim were certified at once, and the school wants more (updated at each year "
    "end)",
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


def tally_reader(name: str) -> Callable[[Any], float]:
    """A reporter reading ``name`` from the step's tally (also for columns not listed here)."""
    return _reader(name)


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


# ---------------------------------------------------------------- end-of-run rules
#: Steps of "the last year" over which flows and ratios are taken at the end of a run.
END_WINDOW = 12


@dataclass(frozen=True)
class EndRule:
    """How one output column is reduced to its end-of-run value (one rule per kind).

    Attributes:
        kind: ``state`` (value at the horizon), ``flow`` (mean per step over the
            last year) or ``ratio`` (sum of ``numerator`` / sum of ``denominator``
            over the last year, 0 when the denominator sums to 0).
        numerator: the flow summed above the line (ratios only).
        denominator: the flow summed below the line (ratios only).
    """

    kind: str
    numerator: str | None = None
    denominator: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("state", "flow", "ratio"):
            raise ValueError(f"end-of-run rule kind {self.kind!r}; allowed: state, flow, ratio")
        if (self.kind == "ratio") != (self.numerator is not None and self.denominator is not None):
            raise ValueError("a ratio rule names its numerator and denominator flows; "
                             "other kinds name neither")

    def columns(self, column: str) -> tuple[str, ...]:
        """The per-step columns this rule reads for ``column``."""
        return (self.numerator, self.denominator) if self.kind == "ratio" else (column,)

    def describe(self, window: int = END_WINDOW) -> str:
        """The rule in words, for tables and reports."""
        if self.kind == "flow":
            return f"mean per step over the last {window} steps"
        if self.kind == "ratio":
            return f"sum of {self.numerator} / sum of {self.denominator} over the last {window} steps"
        return "value at the last step"


STATE = EndRule("state")
FLOW = EndRule("flow")
#: The end-of-run rule of every output column, used by batches and sweeps alike.
#: Listed by hand, not derived from FLOWS/STATES: a new column must get a rule on
#: purpose (``spending_total`` sits in STATES but is a flow), and one without a
#: rule fails loudly in :func:`end_rule`.
END_RULES: dict[str, EndRule] = {
    "partnerships_none": STATE,
    "partnerships_form": STATE,
    "partnerships_practice": STATE,
    "partnerships_content": STATE,
    "partnerships_active": STATE,
    "form_share": STATE,
    "practice_share": STATE,
    "content_share": STATE,
    "depth_index": STATE,
    "reported_content_share": STATE,
    "misreporting_share": STATE,
    # Already a mean over the approvals of the last year; its numerator (total
    # waiting steps of the year's approvals) is not an output column.
    "approval_delay": STATE,
    "applications_pending": STATE,
    "aware_enterprise_share": STATE,
    "mean_retained_share": STATE,
    "budget_left": STATE,
    "graduates_placed_locally": STATE,
    "graduates_poached": STATE,
    "skill_match": STATE,
    "spending_total": FLOW,
    "leakage_share": EndRule("ratio", "subsidy_leakage", "spending_subsidy"),
    "spending_subsidy": FLOW,
    "spending_tax_offset": FLOW,
    "spending_audit": FLOW,
    "spending_levers": FLOW,
    "subsidy_leakage": FLOW,
    "subsidy_overpaid": FLOW,
    "tax_offset_overpaid": FLOW,
    "clawbacks_collected": FLOW,
    "audits": FLOW,
    "misreports_detected": FLOW,
    "penalties_collected": FLOW,
    "partnerships_formed": FLOW,
    "partnerships_dissolved": FLOW,
    "approvals": FLOW,
    "proposals_declined": FLOW,
    "expected_detection": STATE,
    "service_reach": STATE,
    "binding_enterprise_share": STATE,
    "binding_school_share": STATE,
    "binding_both_share": STATE,
    "binding_approval_share": STATE,
}


class MissingRuleError(KeyError):
    """An output column has no end-of-run rule in :data:`END_RULES`."""

    def __str__(self) -> str:
        return str(self.args[0])


def end_rule(column: str) -> EndRule:
    """The end-of-run rule of ``column``.

    Raises:
        MissingRuleError: ``column`` has no rule (names the column and where to add it).
    """
    try:
        return END_RULES[column]
    except KeyError:
        raise MissingRuleError(
            f"sim/outputs.py: END_RULES: output column {column!r} has no end-of-run rule; "
            "add one: STATE (value at the horizon), FLOW (mean per step over the last "
            "year) or EndRule('ratio', numerator, denominator)") from None
