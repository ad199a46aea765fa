import textwrap

import numpy as np
import pytest

from sim.params import Parameters
from sim.sweep.designs import build_design, replicate_seeds
from sim.sweep.experiment import ExperimentError, load_experiment, parse_experiment


def write(tmp_path, text, name="exp.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def error_of(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    message = str(info.value)
    assert message.startswith(str(path) + ": ")
    return message


def test_unknown_parameter_is_named_with_a_suggestion(tmp_path):
    msg = error_of(tmp_path, """
        [vary]
        subsidy_per_content_stp = { values = [0.0, 1.0] }
    """)
    assert "vary.subsidy_per_content_stp" in msg
    assert "subsidy_per_content_step" in msg


@pytest.mark.parametrize("low, high, word", [(1.0, 1.0, "empty"), (2.0, 1.0, "inverted")])
def test_empty_or_inverted_range_is_refused_with_allowed_range(tmp_path, low, high, word):
    msg = error_of(tmp_path, f"""
        design = "lhs"
        sample_size = 8
        [vary]
        audit_prob_per_step = {{ low = {low}, high = {high} }}
    """)
    assert "vary.audit_prob_per_step" in msg and word in msg and "[0, 1]" in msg


def test_range_outside_declared_bounds_names_the_allowed_range(tmp_path):
    msg = error_of(tmp_path, """
        [vary]
        audit_prob_per_step = { low = 0.0, high = 1.5, num = 3 }
    """)
    assert "vary.audit_prob_per_step.high" in msg and "[0, 1]" in msg


def test_bool_parameter_enters_a_sampled_design_only_as_false_true(tmp_path):
    msg = error_of(tmp_path, """
        design = "sobol"
        sample_size = 8
        [vary]
        coordination_body = { low = 0, high = 1 }
        audit_prob_per_step = { low = 0.0, high = 0.5 }
    """)
    assert "vary.coordination_body" in msg and "values = [false, true]" in msg
    exp = parse_experiment({"design": "lhs", "sample_size": 10, "seed": 2, "vary": {
        "coordination_body": {"values": [False, True]},
        "audit_prob_per_step": {"low": 0.0, "high": 0.5}}})
    points = build_design(exp).points
    assert points.coordination_body.dtype == bool
    assert points.coordination_body.sum() == 5  # LHS: half the strata below 0.5


def test_text_parameter_cannot_go_into_sobol(tmp_path):
    msg = error_of(tmp_path, """
        design = "sobol"
        sample_size = 8
        [vary]
        network_file = { values = ["a.graphml", "b.graphml"] }
        audit_prob_per_step = { low = 0.0, high = 0.5 }
    """)
    assert "vary.network_file" in msg and "cannot sample" in msg


def test_sobol_sample_size_must_be_a_power_of_two(tmp_path):
    msg = error_of(tmp_path, """
        design = "sobol"
        sample_size = 100
        [vary]
        audit_prob_per_step = { low = 0.0, high = 0.5 }
        service_awareness = { low = 0.0, high = 1.0 }
    """)
    assert "sample_size" in msg and "power of 2" in msg and "64 and 128" in msg


def test_unknown_design_and_output_list_allowed_values(tmp_path):
    msg = error_of(tmp_path, """
        design = "factorial"
        [vary]
        audit_prob_per_step = { values = [0.0] }
    """)
    assert "design" in msg and "grid, lhs, sobol, morris" in msg
    msg = error_of(tmp_path, """
        [vary]
        audit_prob_per_step = { values = [0.0, 0.1] }
        [outputs]
        content = { column = "content_shar", reduce = "mean_last_12" }
    """)
    assert "outputs.content.column" in msg and "'content_share'" in msg
    msg = error_of(tmp_path, """
        [vary]
        audit_prob_per_step = { values = [0.0, 0.1] }
        [outputs]
        content = { column = "content_share", reduce = "median" }
    """)
    assert "outputs.content.reduce" in msg and "mean_last_N" in msg


def test_integer_grid_must_land_on_whole_numbers(tmp_path):
    msg = error_of(tmp_path, """
        [vary]
        n_departments = { low = 1, high = 6, num = 4 }
    """)
    assert "vary.n_departments.num" in msg and "whole" in msg


def test_toml_syntax_error_names_the_file(tmp_path):
    msg = error_of(tmp_path, "design = \n")
    assert "TOML syntax" in msg


def test_fixed_overrides_apply_and_range_is_checked(tmp_path):
    exp = load_experiment(write(tmp_path, """
        steps = 24
        [fixed]
        n_enterprises = 300
        [vary]
        audit_prob_per_step = [0.0, 0.1]
    """))
    assert exp.base.n_enterprises == 300
    assert exp.base.audit_prob_per_step == Parameters().audit_prob_per_step
    msg = error_of(tmp_path, """
        [fixed]
        n_enterprises = 1
        [vary]
        audit_prob_per_step = [0.0, 0.1]
    """)
    assert "fixed.n_enterprises" in msg and "[2, 200000]" in msg


def test_reducer_window_longer_than_the_run_is_refused(tmp_path):
    msg = error_of(tmp_path, """
        steps = 6
        [vary]
        audit_prob_per_step = [0.0, 0.1]
        [outputs]
        content_share = "mean_last_12"
    """)
    assert "steps" in msg and "12-step window" in msg


def test_grid_is_the_full_factorial_product_with_parameter_types(tmp_path):
    exp = load_experiment(write(tmp_path, """
        [vary]
        audit_prob_per_step = { low = 0.0, high = 0.2, num = 3 }
        n_departments = { values = [2, 4] }
        coordination_body = [false, true]
    """))
    points = build_design(exp).points
    assert len(points) == 3 * 2 * 2
    assert len(points.drop_duplicates()) == len(points)
    assert sorted(points.audit_prob_per_step.unique()) == pytest.approx([0.0, 0.1, 0.2])
    assert points.n_departments.dtype == np.int64
    assert points.coordination_body.dtype == bool


@pytest.mark.parametrize("design, size", [("lhs", 40), ("sobol", 16), ("morris", 10)])
def test_sampled_designs_stay_in_bounds_and_round_integers(design, size):
    data = {
        "design": design, "sample_size": size, "seed": 3,
        "vary": {"audit_prob_per_step": {"low": 0.05, "high": 0.3},
                 "n_departments": {"low": 2, "high": 9},
                 "service_awareness": {"low": 0.01, "high": 0.9, "dist": "loguniform"}},
    }
    exp = parse_experiment(data)
    design_ = build_design(exp)
    p = design_.points
    assert p.audit_prob_per_step.between(0.05, 0.3).all()
    assert p.service_awareness.between(0.01, 0.9).all()
    assert p.n_departments.dtype == np.int64 and p.n_departments.between(2, 9).all()
    assert design_.unit.shape == (len(p), 3)
    expected = {"lhs": size, "sobol": size * (3 + 2), "morris": size * (3 + 1)}[design]
    assert len(p) == expected
    # deterministic given the seed
    assert build_design(exp).points.equals(p)


def test_lhs_stratifies_each_factor():
    exp = parse_experiment({"design": "lhs", "sample_size": 20, "seed": 1,
                            "vary": {"audit_prob_per_step": {"low": 0.0, "high": 1.0}}})
    values = np.sort(build_design(exp).points.audit_prob_per_step.to_numpy())
    # one value in each of the 20 equal-probability strata
    assert (np.floor(values * 20).astype(int) == np.arange(20)).all()


def test_replicate_seeds_do_not_depend_on_replicate_count():
    assert replicate_seeds(42, 5)[:3] == replicate_seeds(42, 3)
    assert len(set(replicate_seeds(42, 50))) == 50
    assert replicate_seeds(42, 2) != replicate_seeds(43, 2)


def test_overrides_are_checked_like_the_file(tmp_path):
    exp = load_experiment(write(tmp_path, """
        design = "sobol"
        sample_size = 16
        [vary]
        audit_prob_per_step = { low = 0.0, high = 0.5 }
        service_awareness = { low = 0.0, high = 1.0 }
    """))
    assert exp.with_overrides(sample_size=4, replicates=2).sample_size == 4
    with pytest.raises(ExperimentError, match="--sample-size.*power of 2"):
        exp.with_overrides(sample_size=6)
