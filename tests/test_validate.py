"""`python -m sim validate`: the shipped report is its output, and it reports failures."""

from pathlib import Path

import numpy as np

from sim import patterns, validate
from sim.patterns import Check, Claim, Pattern

REPORT = Path(__file__).resolve().parent.parent / "docs" / "validation.md"


def test_shipped_report_has_the_structure_of_the_current_checks():
    text = REPORT.read_text(encoding="utf-8")
    missing = [item for item in validate.outline() if item not in text]
    assert not missing, f"docs/validation.md is stale: run `python -m sim validate` (missing {missing[:5]})"
    known = {item for item in validate.outline() if item.startswith("### ")}
    extra = [line for line in text.splitlines() if line.startswith("### ") and line not in known]
    assert not extra, f"docs/validation.md has checks that no longer exist: {extra[:5]}"


def test_render_marks_failed_checks_and_states_departures():
    ok = Check("holds here", 0.2, (0.1, 0.3), "95 % CI lower bound > 0", True)
    bad = Check("fails here", -0.1, (-0.2, 0.05), "95 % CI lower bound > 0", False)
    pattern = Pattern("p", "A pattern", "Because.", (), departure="Not as the brief says.")
    text = validate.render({"patterns": [(pattern, [ok, bad])], "mechanisms": [], "binding": {},
                            "families": []}, scenario="my-county")
    assert "| holds here | +0.200 [+0.100, +0.300] | 95 % CI lower bound > 0 | holds |" in text
    assert "| fails here |" in text and "**fails**" in text
    assert "*Departure from the brief.* Not as the brief says." in text
    assert "`python -m sim validate --scenario my-county`" in text


def test_claims_judge_their_ci_by_the_stated_rule():
    runs = {"x": np.array([0.1, 0.2, 0.15, 0.12])}
    assert Claim("x", lambda run: run()["x"], "lo >", 0.0).check(lambda: runs).passed
    assert not Claim("x", lambda run: run()["x"], "hi <", 0.1).check(lambda: runs).passed
    assert not Claim("x", lambda run: run()["x"], "contains 0", 1.0).check(lambda: runs).passed
    centred = {"x": np.array([-0.1, 0.1, -0.05, 0.05])}
    assert Claim("x", lambda run: run()["x"], "contains 0", 1.0).check(lambda: centred).passed
    # 'all >' asks every seed, not the CI: one seed below fails it even when the CI is above.
    mostly = {"x": np.array([2.0, 2.1, 1.9, 2.2, 1.1])}
    assert Claim("x", lambda run: run()["x"], "lo >", 1.2).check(lambda: mostly).passed
    assert not Claim("x", lambda run: run()["x"], "all >", 1.2).check(lambda: mostly).passed


def test_validate_runs_the_checks_on_a_users_scenario(tmp_path, monkeypatch, capsys):
    # A small county so the check runs in seconds; a pattern that must hold on it.
    scenario = tmp_path / "tiny.toml"
    scenario.write_text('title = "tiny"\ndescription = "a small county"\n[scale]\n'
                        'n_enterprises = { value = 150, source = "test" }\n'
                        'n_schools = { value = 3, source = "test" }\n', encoding="utf-8")
    pattern = Pattern("t", "Partnerships exist", "Schools sign agreements.",
                      (Claim("active partnerships", lambda run: run(steps=12)["partnerships_active"],
                             "lo >", 0.0),))
    monkeypatch.setattr(validate, "PATTERNS", (pattern,))
    monkeypatch.setattr(validate, "MECHANISMS", ())
    monkeypatch.setattr(validate, "FAMILIES", ())
    monkeypatch.setattr(patterns, "SEEDS", (1, 2, 3))
    monkeypatch.setattr(validate, "binding_shares", lambda base, executor: {})
    short = validate.horizons
    monkeypatch.setattr(validate, "horizons",
                        lambda base, executor: short(base, years=(2, 3), seeds=(1, 2), executor=executor))
    out = tmp_path / "report.md"
    args = validate.argparse.Namespace(scenario=str(scenario), out=out, jobs=1, only="all")
    assert validate.main(args) == 0
    text = out.read_text(encoding="utf-8")
    assert "the scenario `tiny`" in text and "| active partnerships |" in text and "holds" in text
    # the horizons are measured on the user's scenario, for both conditions, at each year asked
    assert "## Horizons: has it settled?" in text
    assert "| status quo | 3 |" in text and "| full package | 2 |" in text
