"""Every mechanism matters somewhere, in the direction the studies argue.

One paired, replicated check per mechanism of :mod:`sim.patterns`, on a
background where it can act. Effects are on real content (the number of
content partnerships or their share, or the depth index); where a mechanism
changes how many partnerships there are, the count is the measure, since a
share can fall while real content rises. docs/ODD.md, section 9, gives the
sentence behind each; ``python -m sim validate`` reports the same checks.
"""

import pytest

from sim.patterns import MECHANISMS

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("mechanism", MECHANISMS, ids=[m.name.replace(" ", "-").replace("'", "")
                                                       for m in MECHANISMS])
def test_mechanism_moves_real_content(mechanism):
    failed = [c for c in mechanism.as_pattern().evaluate() if not c.passed]
    assert not failed, "; ".join(
        f"{c.label}: {c.estimate:+.4g} [{c.ci[0]:+.4g}, {c.ci[1]:+.4g}] fails '{c.rule}'" for c in failed)
