"""Scenario files: loading, extends, provenance and every kind of bad input."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sim.params import LEVER_GROUPS, Parameters, specs
from sim.scenarios import (
    PACKAGE_SCENARIO_DIR,
    ScenarioError,
    list_scenarios,
    load_scenario,
)

REQUIRED = ["ruian-status-quo", "sichuan-status-quo", "cixi", "kunshan", "jiangsu", "guangdong",
            "full-package"]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    lines = [line for line in textwrap.dedent(text).splitlines() if line.strip()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


HEAD = 'title = "T"\ndescription = "D"\n'


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPSIM_SCENARIOS", str(tmp_path))
    return tmp_path


def test_shipped_scenarios_include_every_case_and_one_single_lever_per_lever_group():
    names = list_scenarios(PACKAGE_SCENARIO_DIR)
    for name in REQUIRED:
        assert name in names
    single = [load_scenario(PACKAGE_SCENARIO_DIR / f"{n}.toml") for n in names
              if n.startswith("lever-")]
    groups_turned = set()
    for scenario in single:
        assert scenario.extends == ["ruian-status-quo"]
        groups = {next(s.group for n, _, _, s in specs() if n == k) for k in scenario.changed()}
        assert len(groups) == 1, (scenario.name, groups)
        groups_turned |= groups
    assert groups_turned == set(LEVER_GROUPS)


def test_every_shipped_non_default_value_carries_a_provenance():
    for name in list_scenarios(PACKAGE_SCENARIO_DIR):
        scenario = load_scenario(PACKAGE_SCENARIO_DIR / f"{name}.toml")
        assert scenario.title and scenario.description
        for key in scenario.changed():
            assert scenario.provenance.get(key, "").strip(), (name, key)


def test_reference_cases_say_they_are_stylised_assumptions():
    for name in ("cixi", "kunshan", "jiangsu", "guangdong"):
        scenario = load_scenario(PACKAGE_SCENARIO_DIR / f"{name}.toml")
        assert "stylised" in scenario.description.lower()
        for key in scenario.changed():
            source = scenario.provenance[key].lower()
            assert "assumption" in source or "caishui" in source or key in (
                "n_schools", "higher_vocational_share", "students_per_school_year",
                "target_partnerships_per_school"), (name, key, source)


def test_child_changes_only_what_differs_and_inherits_the_rest(folder):
    write(folder, "base", HEAD + """
        [supervision]
        audit_prob_per_step = { value = 0.2, source = "assumption" }
        [public_service]
        service_awareness = { value = 0.6, source = "base sentence" }
        """)
    write(folder, "child", HEAD + """
        extends = "base"
        [public_service]
        service_awareness = { value = 0.9, source = "child sentence" }
        """)
    child = load_scenario("child")
    assert child.params.audit_prob_per_step == 0.2
    assert child.params.service_awareness == 0.9
    assert child.provenance == {"audit_prob_per_step": "assumption",
                                "service_awareness": "child sentence"}
    assert child.extends == ["base"]
    assert child.params.penalty_per_misreport == Parameters().penalty_per_misreport


def test_extends_chain_lists_parents_nearest_first(folder):
    write(folder, "a", HEAD)
    write(folder, "b", HEAD + 'extends = "a"\n')
    write(folder, "c", HEAD + 'extends = "b"\n')
    assert load_scenario("c").extends == ["b", "a"]


def test_scenario_by_path_works_outside_the_scenario_folder(tmp_path):
    path = write(tmp_path, "mine", HEAD + """
        [coordination]
        coordination_body = { value = true, source = "assumption" }
        """)
    scenario = load_scenario(str(path))
    assert scenario.name == "mine" and scenario.params.coordination_body is True


def test_missing_scenario_lists_available_and_close_matches(folder):
    write(folder, "full-package", HEAD)
    write(folder, "status-quo", HEAD)
    with pytest.raises(ScenarioError) as err:
        load_scenario("full-pakage")
    message = str(err.value)
    assert "no scenario 'full-pakage'" in message
    assert "did you mean 'full-package'" in message
    assert "available: full-package, status-quo" in message


def test_malformed_toml_names_file_and_line(folder):
    path = write(folder, "bad", HEAD + "[supervision]\naudit_prob_per_step = { value = 0.1,\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario("bad")
    assert str(err.value).startswith(f"{path}:4: malformed TOML")
    assert err.value.line == 4


def test_unknown_key_names_file_line_key_and_close_match(folder):
    path = write(folder, "typo", HEAD + """
        [supervision]
        audit_prob_per_stp = { value = 0.1, source = "assumption" }
        """)
    with pytest.raises(ScenarioError) as err:
        load_scenario("typo")
    message = str(err.value)
    assert message.startswith(f"{path}:4:")
    assert "unknown parameter 'audit_prob_per_stp'" in message
    assert "did you mean 'audit_prob_per_step'" in message


def test_unknown_group_table_suggests_the_group(folder):
    write(folder, "group", HEAD + """
        [supervison]
        audit_prob_per_step = { value = 0.1, source = "assumption" }
        """)
    with pytest.raises(ScenarioError, match=r":3: unknown parameter group \[table\] "
                                            r"'supervison'; did you mean 'supervision'"):
        load_scenario("group")


def test_key_in_the_wrong_group_says_which_group_it_belongs_to(folder):
    write(folder, "wrong", HEAD + """
        [financial_support]
        audit_prob_per_step = { value = 0.1, source = "assumption" }
        """)
    with pytest.raises(ScenarioError, match=r":4: \[financial_support\] audit_prob_per_step: "
                                            r"audit_prob_per_step belongs in \[supervision\]"):
        load_scenario("wrong")


def test_out_of_range_value_names_file_key_and_allowed_range(folder):
    path = write(folder, "range", HEAD + """
        [supervision]
        audit_prob_per_step = { value = 1.5, source = "assumption" }
        """)
    with pytest.raises(ScenarioError) as err:
        load_scenario("range")
    message = str(err.value)
    column = path.read_text().splitlines()[3].index("1.5") + 1
    assert message.startswith(f"{path}:4: [supervision] audit_prob_per_step = 1.5")
    assert message.endswith(f"(column {column})") and err.value.column == column
    assert "allowed [0, 1]" in message


def test_wrong_type_names_key_and_expected_type(folder):
    write(folder, "kind", HEAD + """
        [scale]
        n_schools = { value = "ten", source = "assumption" }
        """)
    with pytest.raises(ScenarioError, match=r"n_schools = 'ten': must be a number \(int\) in "
                                            r"\[1, 5000\]"):
        load_scenario("kind")


def test_value_without_provenance_is_refused(folder):
    write(folder, "bare", HEAD + "[supervision]\naudit_prob_per_step = 0.1\n")
    with pytest.raises(ScenarioError, match=r":4: \[supervision\] audit_prob_per_step: give "
                                            r"the value with its provenance"):
        load_scenario("bare")
    write(folder, "empty", HEAD + '[supervision]\naudit_prob_per_step = { value = 0.1, '
                                  'source = " " }\n')
    with pytest.raises(ScenarioError, match="source = ' ': must be a non-empty string"):
        load_scenario("empty")
    write(folder, "nosource", HEAD + '[supervision]\naudit_prob_per_step = { value = 0.1 }\n')
    with pytest.raises(ScenarioError, match="source is missing"):
        load_scenario("nosource")


def test_parameter_at_top_level_points_to_its_group(folder):
    write(folder, "top", HEAD + "audit_prob_per_step = 0.1\n")
    with pytest.raises(ScenarioError, match=r"put it under \[supervision\]"):
        load_scenario("top")


def test_missing_title_is_refused(folder):
    write(folder, "untitled", 'description = "D"\n')
    with pytest.raises(ScenarioError, match="title: missing"):
        load_scenario("untitled")


def test_extends_cycle_is_reported_with_the_cycle(folder):
    write(folder, "a", HEAD + 'extends = "b"\n')
    write(folder, "b", HEAD + 'extends = "a"\n')
    with pytest.raises(ScenarioError, match=r"extends: cycle (a -> b -> a|b -> a -> b)"):
        load_scenario("a")


def test_self_extension_is_a_cycle(folder):
    write(folder, "me", HEAD + 'extends = "me"\n')
    with pytest.raises(ScenarioError, match="cycle me -> me"):
        load_scenario("me")


def test_missing_parent_names_the_file_line_and_parent(folder):
    path = write(folder, "orphan", HEAD + 'extends = "nobody"\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario("orphan")
    assert str(err.value).startswith(f"{path}:3: extends = 'nobody': no scenario 'nobody'")


def test_network_file_is_resolved_relative_to_the_scenario(folder):
    nets = folder / "nets"
    nets.mkdir()
    (nets / "x-nodes.csv").write_text("id,type\n")
    (nets / "x-edges.csv").write_text("source,target,tie\n")
    write(folder, "county", HEAD + 'network_file = "nets/x-nodes.csv"\n')
    scenario = load_scenario("county")
    assert scenario.params.network_file == str((nets / "x-nodes.csv").resolve())


def test_missing_network_file_is_reported_at_its_line(folder):
    write(folder, "nonet", HEAD + 'network_file = "nowhere-nodes.csv"\n')
    with pytest.raises(ScenarioError, match=r"nonet.toml:3: network_file: .*nowhere-nodes.csv "
                                            r"not found"):
        load_scenario("nonet")
