"""The step's state containers: the partnership table's buffers and agents made when read."""

from __future__ import annotations

import pickle

import numpy as np

from sim import CooperationModel
from sim.partnerships import FIELDS, Partnerships

SMALL = dict(n_schools=3, n_enterprises=60, n_departments=3)


def _table(n: int) -> Partnerships:
    pt = Partnerships()
    idx = np.arange(n)
    pt.add(idx % 3, idx, np.ones(n, dtype=np.int64), np.full(n, 2), np.ones(n, dtype=np.int64),
           np.full(n, -1), np.zeros(n, dtype=np.int64))
    return pt


def test_the_table_appends_drops_and_assigns_through_its_buffers():
    pt = _table(5)
    assert len(pt) == 5 and pt.capacity >= 5
    assert sorted(vars(pt)) == sorted(FIELDS)  # the columns are the only attributes
    assert all(getattr(pt, name).dtype == dtype for name, dtype in FIELDS.items())
    pt.misreporting = np.array([True, False, True, False, False])  # assigning fills the buffer
    pt.overpaid += 2.0
    pt.keep(np.array([True, False, True, True, False]))
    assert pt.enterprise.tolist() == [0, 2, 3]
    assert pt.misreporting.tolist() == [True, True, False]
    assert pt.overpaid.tolist() == [2.0, 2.0, 2.0]
    assert pt.buffers()[list(FIELDS).index("enterprise")][3:5].tolist() == [0, 0]  # no trace
    pt.add(np.array([1]), np.array([9]), np.array([1]), np.array([1]), np.array([1]),
           np.array([0]), np.array([0]))
    assert pt.enterprise.tolist() == [0, 2, 3, 9] and pt.overpaid[-1] == 0.0


def test_the_table_grows_and_a_copy_keeps_its_columns_on_its_buffers():
    pt = _table(3)
    pt.reserve(1000)
    assert pt.capacity >= 1000 and pt.enterprise.tolist() == [0, 1, 2]
    copy = pickle.loads(pickle.dumps(pt))
    copy.false_report |= True   # in place on a column of the copy
    copy.resize(len(copy))      # the columns are views again after a resize
    assert copy.false_report.all() and not pt.false_report.any()


def test_agents_are_made_when_first_read_and_the_run_is_the_same():
    plain = CooperationModel(rng=4, **SMALL)
    looked = CooperationModel(rng=4, **SMALL)
    assert plain._agent_lists is None  # building the model made no agent
    ids = [a.unique_id for a in looked.schools + looked.enterprises + looked.departments]
    assert len(looked.agents) == len(ids) == 3 + 60 + 3
    plain.run_for(13)
    looked.run_for(13)
    assert plain._agent_lists is None
    a = plain.datacollector.get_model_vars_dataframe()
    b = looked.datacollector.get_model_vars_dataframe()
    assert a.equals(b) and a["partnerships_active"].iloc[-1] > 0
    # Made late, the agents are the same objects in the same order, as views on the arrays.
    assert [a.unique_id for a in plain.schools + plain.enterprises + plain.departments] == ids
    firm = plain.enterprises[7]
    assert firm.retention == plain.ent_retained[7]
    assert plain.network.nodes[firm.node]["agent"] is firm
    assert set(plain.agents_by_type) == {type(plain.schools[0]), type(firm),
                                         type(plain.departments[0])}


def test_the_collectors_table_is_the_frame_the_runner_builds_from_mesas():
    import pandas as pd

    from sim.outputs import COLUMNS

    model = CooperationModel(rng=2, **SMALL,
                             subsidy_per_content_step={"value": 2.0, "start_year": 0.5},
                             subsidy_budget_per_year=1e4)
    model.run_for(15)
    levers = model.levers.columns
    assert levers  # a scheduled lever adds its own column
    want = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    want.insert(0, "step", np.arange(len(want), dtype=np.int64))
    want = want[["step", *COLUMNS, *levers]]
    got = model.datacollector.table([*COLUMNS, *levers])
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert want[levers[0]].nunique() == 2 and want["partnerships_active"].iloc[-1] > 0
