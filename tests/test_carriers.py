"""What carries a funded gain: the reset experiment of sim.carriers."""

import numpy as np

from sim import CooperationModel
from sim.carriers import CARRIERS, _reset, carriers, render_rows


def test_a_reset_gives_the_funded_run_the_twins_state():
    funded = CooperationModel(rng=1, n_schools=2, n_enterprises=50, policy_awareness=0.9)
    twin = CooperationModel(rng=2, n_schools=2, n_enterprises=50, policy_awareness=0.1)
    funded.run_for(3)
    twin.run_for(3)
    _reset(funded, twin, CARRIERS["teachers"] + CARRIERS["imitation"] + CARRIERS["expectations"])
    assert np.array_equal(funded.school_teacher_capacity, twin.school_teacher_capacity)
    assert np.array_equal(funded.ent_last_choice, twin.ent_last_choice)
    assert funded.ent_last_choice is not twin.ent_last_choice  # a copy, not a shared array
    assert funded.expected_detection == twin.expected_detection


def test_every_case_starts_from_the_same_gain_and_experience_only_with_learning():
    rows = carriers(learning=0.0, seeds=(1, 2), later=(1,))
    assert [r.case for r in rows] == ["no reset", "teachers", "imitation", "expectations", "all"]
    # the reset happens after the end of support is measured: the gain there is the same
    assert len({round(r.gain_at_end, 12) for r in rows}) == 1
    table = "\n".join(render_rows(rows, later=(1,)))
    assert "| teachers' capacity |" in table and "left after 1 year |" in table
    with_learning = carriers(learning=0.5, seeds=(1,), later=(1,))
    assert "experience" in [r.case for r in with_learning]
