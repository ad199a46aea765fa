"""Loading, validating and safely evaluating game files (sim.games.spec)."""

from pathlib import Path

import numpy as np
import pytest

from sim.games.spec import (
    GameSpecError,
    compile_expression,
    load_game,
    parse_override,
)

GAMES = Path(__file__).resolve().parents[1] / "scenarios" / "games"

VALID = '''
title = "t"
source = "assumption"
populations = ["gov", "sch", "ent"]
[strategies]
gov = ["strict", "loose"]
sch = ["active", "passive"]
ent = ["content", "form"]
[parameters]
S = { value = 3.0, meaning = "subsidy" }
C = { value = 1.0, meaning = "cost" }
[payoffs]
"strict/active/content" = { gov = "S - C", sch = "1", ent = "2*S" }
"strict/active/form" = { gov = "-C", sch = "0", ent = "0" }
"strict/passive/content" = { gov = "S", sch = "0", ent = "S / 2" }
"strict/passive/form" = { gov = "0", sch = "0", ent = "0" }
"loose/active/content" = { gov = "0", sch = "0", ent = "0" }
"loose/active/form" = { gov = "0", sch = "0", ent = "0" }
"loose/passive/content" = { gov = "0", sch = "0", ent = "-(C + 1)" }
"loose/passive/form" = { gov = "0", sch = "0", ent = 4 }
'''


def write(tmp_path, text, name="game.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(tmp_path, text) -> GameSpecError:
    path = write(tmp_path, text)
    with pytest.raises(GameSpecError) as info:
        load_game(path)
    assert info.value.path == str(path)
    return info.value


@pytest.mark.parametrize("path", sorted(GAMES.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_games_load(path):
    game = load_game(path)
    assert game.payoff_array().shape == (3, 2, 2, 2)
    assert game.unused_parameters == []
    assert all(p.meaning for p in game.parameters.values())


def test_valid_game_evaluates_payoffs_in_strategy_index_order(tmp_path):
    game = load_game(write(tmp_path, VALID))
    p = game.payoff_array()
    assert game.populations == ("gov", "sch", "ent")
    assert p[0, 0, 0, 0] == 2.0  # strict/active/content, gov: S - C
    assert p[2, 0, 0, 0] == 6.0  # 2*S
    assert p[2, 0, 1, 0] == 1.5  # strict/passive/content: S / 2
    assert p[2, 1, 1, 0] == -2.0  # loose/passive/content: -(C + 1)
    assert p[2, 1, 1, 1] == 4.0  # bare TOML number accepted
    assert game.profile_label((1, 0, 1)) == "loose/active/form"
    assert game.profile_shares((1, 0, 1)) == (0, 1, 0)


def test_user_names_any_populations_and_strategies(tmp_path):
    text = (VALID.replace('"gov"', '"ministry"').replace("gov =", "ministry =")
            .replace("strict", "audit").replace("loose", "trust"))
    game = load_game(write(tmp_path, text))
    assert game.populations[0] == "ministry"
    assert game.strategies[0] == ("audit", "trust")


def test_override_changes_payoffs_and_rejects_unknown_names(tmp_path):
    game = load_game(write(tmp_path, VALID), {"S": 5.0})
    assert game.parameters["S"].value == 5.0
    assert game.payoff_array()[0, 0, 0, 0] == 4.0
    with pytest.raises(GameSpecError) as info:
        game.with_overrides({"SS": 1.0})
    assert info.value.place == "--set SS"
    assert "did you mean 'S'" in info.value.message


def test_parse_override():
    assert parse_override("S=4.5") == ("S", 4.5)
    assert parse_override(" a = 1e-2") == ("a", 0.01)
    with pytest.raises(GameSpecError, match="expected NAME=VALUE"):
        parse_override("S4.5")
    with pytest.raises(GameSpecError, match="expected a number"):
        parse_override("S=high")
    with pytest.raises(GameSpecError, match="finite"):
        parse_override("S=nan")


def test_typo_in_parameter_name_suggests_close_match(tmp_path):
    err = error_of(tmp_path, VALID.replace('gov = "S - C"', 'gov = "Sx - C"'))
    assert err.place == 'payoffs."strict/active/content".gov'
    assert "unknown parameter 'Sx'" in err.message
    assert "did you mean 'S'" in err.message


def test_missing_profile_is_named(tmp_path):
    text = "\n".join(line for line in VALID.splitlines()
                     if not line.startswith('"loose/active/form"'))
    err = error_of(tmp_path, text)
    assert err.place == "payoffs"
    assert "missing 1 of the eight profiles" in err.message
    assert "'loose/active/form'" in err.message


def test_unknown_strategy_in_profile_is_named(tmp_path):
    err = error_of(tmp_path, VALID.replace('"strict/active/form"', '"strict/activ/form"'))
    assert err.place == 'payoffs."strict/activ/form"'
    assert "unknown strategy 'activ' for sch" in err.message
    assert "did you mean 'active'" in err.message


def test_profile_with_wrong_number_of_parts(tmp_path):
    err = error_of(tmp_path, VALID.replace('"strict/active/form"', '"strict/active"'))
    assert "three strategies joined by '/'" in err.message


def test_non_numeric_parameter_value(tmp_path):
    err = error_of(tmp_path, VALID.replace("value = 3.0", 'value = "three"'))
    assert err.place == "parameters.S.value"
    assert "expected a number" in err.message
    err = error_of(tmp_path, VALID.replace("value = 3.0", "value = true"))
    assert err.place == "parameters.S.value"


def test_missing_payoff_of_a_population(tmp_path):
    err = error_of(tmp_path, VALID.replace('gov = "-C", ', ""))
    assert err.place == 'payoffs."strict/active/form"'
    assert "missing the payoff of 'gov'" in err.message


def test_unknown_population_in_payoff_and_strategies(tmp_path):
    err = error_of(tmp_path, VALID.replace('{ gov = "-C"', '{ gv = "-C", gov = "-C"'))
    assert err.place == 'payoffs."strict/active/form".gv'
    err = error_of(tmp_path, VALID.replace('ent = ["content"', 'enterprise = ["content"'))
    assert err.place == "strategies.enterprise"


def test_bad_structure(tmp_path):
    assert error_of(tmp_path, VALID.replace('["gov", "sch", "ent"]', '["gov", "sch"]')).place \
        == "populations"
    assert error_of(tmp_path, VALID.replace('["strict", "loose"]', '["strict"]')).place \
        == "strategies.gov"
    assert error_of(tmp_path, VALID.replace("[parameters]", "[parameter]")).place == "parameter"
    assert error_of(tmp_path, VALID.replace('title = "t"\n', "")).place == "title"
    err = error_of(tmp_path, VALID.replace("populations =", "populations = = "))
    assert err.place == "TOML syntax"


def test_division_by_zero_is_reported(tmp_path):
    err = error_of(tmp_path, VALID.replace('ent = "S / 2"', 'ent = "S / (C - 1)"'))
    assert err.place == 'payoffs."strict/passive/content".ent'
    assert "divides by zero" in err.message


def test_missing_file(tmp_path):
    with pytest.raises(GameSpecError, match="no such file"):
        load_game(tmp_path / "nope.toml")


@pytest.mark.parametrize("text, fragment", [
    ("__import__('os')", "function calls are not allowed"),
    ("__import__('os').system('true')", "function calls are not allowed"),
    ("S.__class__", "attribute access is not allowed"),
    ("().__class__.__bases__", "attribute access is not allowed"),
    ("abs(S)", "function calls are not allowed"),
    ("S[0]", "indexing is not allowed"),
    ("S ** 2", "operator '**' is not allowed"),
    ("S // 2", "operator '//' is not allowed"),
    ("S % 2", "operator '%' is not allowed"),
    ("S > 1", "comparisons are not allowed"),
    ("S if C else 1", "conditional expressions are not allowed"),
    ("lambda: 1", "lambda is not allowed"),
    ("(S := 2)", "assignment is not allowed"),
    ("'text'", "is not a number"),
    ("True", "is not a number"),
    ("[S]", "List is not allowed"),
    ("not S", "operator 'not' is not allowed"),
    ("S; C", "cannot parse"),
    ("import os", "cannot parse"),
    ("os", "unknown parameter 'os'"),
    ("", "empty expression"),
])
def test_safe_parser_refuses(text, fragment):
    with pytest.raises(GameSpecError) as info:
        compile_expression(text, {"S", "C"}, "f.toml", "here")
    assert fragment in info.value.message
    assert info.value.place == "here"


def test_safe_parser_evaluates_arithmetic():
    expr = compile_expression("-(S + 2) * C / 4 - +1.5", {"S", "C"}, "f", "p")
    assert expr.names == {"S", "C"}
    assert np.isclose(expr.evaluate({"S": 2.0, "C": 3.0}), -(4) * 3 / 4 - 1.5)


def test_parser_never_calls_eval(monkeypatch):
    import builtins

    def refuse(*_args, **_kwargs):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    expr = compile_expression("S * (1 - C)", {"S", "C"}, "f", "p")
    assert expr.evaluate({"S": 2.0, "C": 0.25}) == 1.5
