"""The patterns of the brief and of the decision core, shown with paired replicates.

Each pattern of :mod:`sim.patterns` runs its conditions on the same seeds (ten;
twenty for interactions), and every claim's 95 % CI must meet its stated rule.
The same checks make the validation report (``python -m sim validate``). They
test the *direction and rough size* the seeds argue for; they are not
calibrated to data. docs/ODD.md, section 1, names the mechanism behind each.
"""

import pytest

from sim.patterns import PATTERNS


@pytest.mark.parametrize("pattern", [pytest.param(p, marks=[pytest.mark.slow] if p.slow else [],
                                                  id=p.key) for p in PATTERNS])
def test_pattern_holds(pattern):
    failed = [c for c in pattern.evaluate() if not c.passed]
    assert not failed, "; ".join(
        f"{c.label}: {c.estimate:+.4g} [{c.ci[0]:+.4g}, {c.ci[1]:+.4g}] fails '{c.rule}'" for c in failed)
