import dataclasses

import mesa.experimental.scenarios as mesa_scenarios
import pytest

from sim import CooperationModel, ParameterError, Parameters
from sim import params as P


def test_typo_names_close_match():
    with pytest.raises(ParameterError) as err:
        Parameters.from_mapping({"audit_prob_per_stp": 0.1})
    assert "audit_prob_per_stp" in str(err.value)
    assert "audit_prob_per_step" in str(err.value)
    assert err.value.field_name == "audit_prob_per_stp"


def test_model_keyword_typo_raises_with_suggestion():
    with pytest.raises(ParameterError, match="did you mean 'subsidy_per_content_step'"):
        CooperationModel(rng=1, subsidy_per_content_stp=1.0)


def test_out_of_range_names_field_value_and_range():
    with pytest.raises(ParameterError) as err:
        Parameters(retention_share=1.5)
    msg = str(err.value)
    assert "retention_share" in msg and "1.5" in msg and "[0, 1]" in msg


@pytest.mark.parametrize("name,value", [
    ("n_schools", 2.5), ("n_schools", "ten"), ("coordination_body", 1), ("audit_prob_per_step", "x"),
    ("network_file", 3),
])
def test_wrong_type_rejected(name, value):
    with pytest.raises(ParameterError, match=name):
        Parameters(**{name: value})


def test_whole_float_accepted_for_int_and_kept_int():
    p = Parameters(n_schools=12.0)
    assert p.n_schools == 12 and isinstance(p.n_schools, int)


def test_every_parameter_has_range_unit_doc_and_known_group():
    for name, default, kind, spec in P.specs():
        assert spec.group in P.GROUPS, name
        assert spec.doc and spec.unit, name
        if kind in (int, float):
            assert spec.low <= default <= spec.high, name


def test_every_lever_group_of_the_brief_has_levers():
    groups = {P.group_of(n) for n in P.lever_names()}
    assert groups == set(P.LEVER_GROUPS)


def test_changed_lists_only_non_defaults():
    p = Parameters(audit_prob_per_step=0.2)
    assert p.changed() == {"audit_prob_per_step": 0.2}


def test_model_accepts_parameter_object_mapping_and_mesa_scenario():
    a = CooperationModel(rng=3, params=Parameters(n_enterprises=200, audit_prob_per_step=0.2))
    b = CooperationModel(rng=3, params={"n_enterprises": 200, "audit_prob_per_step": 0.2})
    c = CooperationModel(scenario=mesa_scenarios.Scenario(rng=3, n_enterprises=200,
                                                           audit_prob_per_step=0.2))
    d = CooperationModel(rng=3, n_enterprises=200, audit_prob_per_step=0.2)
    assert a.p == b.p == c.p == d.p
    for m in (a, b, c, d):
        m.run_for(24)
    frames = [m.datacollector.get_model_vars_dataframe() for m in (a, b, c, d)]
    for f in frames[1:]:
        assert f.equals(frames[0])


def test_parameters_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Parameters().n_schools = 3
