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
    asked = []
    monkeypatch.setattr(validate, "robustness", lambda base, name, directory, jobs, progress:
                        asked.append((base, name)) or _summary(quick=True))
    out = tmp_path / "report.md"
    args = validate.argparse.Namespace(scenario=str(scenario), out=out, jobs=1, only="all")
    assert validate.main(args) == 0
    text = out.read_text(encoding="utf-8")
    assert "the scenario `tiny`" in text and "| active partnerships |" in text and "holds" in text
    # the horizons are measured on the user's scenario, for both conditions, at each year asked
    assert "## Horizons: has it settled?" in text
    assert "| status quo | 3 |" in text and "| full package | 2 |" in text
    # the persistence experiment uses the shipped funding scenarios: defaults only
    assert "## What carries a funded gain" not in text
    assert asked == [({"n_enterprises": 150, "n_schools": 3}, "tiny")]
    assert "## Robustness to the structural assumptions" in text and "**quick version**" in text


def _summary(quick: bool) -> dict:
    """A robustness summary built from synthetic result tables (no runs)."""
    import pandas as pd

    from sim.robustness import analysis
    from sim.robustness.report import summarise
    from sim.robustness.run import Results
    from sim.robustness.spec import load_plan

    plan = load_plan(quick=quick)
    names = list(plan.factors)
    screening = pd.DataFrame([(o, p, 0.0, 0.1 * (i + 1), 0.05, 0.01, len(names) - i)
                              for o in ("ruian-status-quo", "full-package", "effect")
                              for i, p in enumerate(names)],
                             columns=["output", "parameter", "mu", "mu_star", "sigma",
                                      "mu_star_conf", "rank"])
    top = names[:plan.sizes.top]
    sobol = pd.DataFrame([(o, p, 0.2, 0.05, 0.3, 0.05) for o in ("ruian-status-quo",
                                                                 "full-package", "effect")
                          for p in top], columns=["output", "parameter", "S1", "S1_conf", "ST",
                                                  "ST_conf"])
    levers = analysis.lever_table({r.key: [0.1, -0.02, 0.05] for r in plan.levers})
    reversal = pd.DataFrame([("default", "-", float("nan"), 0.4, 0.3, 0.5, 4, 0.07, 0.47, False,
                              False)] + [(p, e, 0.0, -0.01 if p == names[1] and e == "low"
                                          else 0.3, 0.2, 0.4, 4, 0.1, 0.4, False, False)
                                         for p in names for e in ("low", "high")],
                            columns=list(analysis.REVERSAL_COLUMNS))
    reversal["reversed"] = reversal["difference"] <= 0
    results = Results(plan, screening, top, sobol, levers,
                      pd.DataFrame({"lever": [], "design_point": [], "effect": []}), reversal,
                      analysis.reversal_summary(reversal), {"computed": 10, "resumed": 0,
                                                            "failed": 0}, 10, 12.5)
    return summarise(results, command="python -m sim robustness -j 2")


def test_the_robustness_section_reports_the_summary_and_names_its_command():
    summary = _summary(quick=False)
    text = validate.render({"patterns": [], "mechanisms": [], "binding": {}, "families": [],
                            "robustness": summary})
    section = text[text.index("## Robustness to the structural assumptions"):]
    assert "`python -m sim robustness -j 2`" in section and "quick version" not in section
    from sim.robustness.report import headings

    for heading in headings("content_share", level=3):
        assert heading in section
    # The synthetic reversal is reported as a reversal, with the parameter and end.
    reversed_at = summary["reversal"]["reversed"]
    assert len(reversed_at) == 1 and f"**Yes**: {reversed_at[0]} reverses it" in section
    for lever in load_levers():
        assert f"| `{lever}` | 2/3 = 0.67" in section


def load_levers() -> list[str]:
    from sim.robustness.spec import load_plan

    return [r.key for r in load_plan().levers]


def test_validate_reads_a_finished_robustness_analysis_or_says_how_to_make_one(tmp_path, capsys):
    import json

    from sim.robustness.report import SUMMARY_JSON

    with_summary = tmp_path / "done"
    with_summary.mkdir()
    (with_summary / SUMMARY_JSON).write_text(json.dumps(_summary(quick=False)), encoding="utf-8")
    assert validate.robustness({}, None, with_summary, 1)["command"] == \
        "python -m sim robustness -j 2"
    args = validate.argparse.Namespace(scenario=None, out=tmp_path / "r.md", jobs=1,
                                       only="robustness", robustness=tmp_path / "empty")
    assert validate.main(args) == 2
    err = capsys.readouterr().err
    assert "error: --robustness:" in err and "empty" in err and "python -m sim robustness" in err
    assert not (tmp_path / "r.md").exists()


def test_the_persistence_section_shows_each_reset_with_learning_off_and_on():
    from sim.carriers import CarrierRow

    rows = [CarrierRow("no reset", 0.13, ((0.7, 0.6, 0.8), (0.2, 0.1, 0.3), (0.2, 0.1, 0.3))),
            CarrierRow("teachers", 0.13, ((0.6, 0.5, 0.7), (0.1, 0.0, 0.2), (0.1, 0.0, 0.2)))]
    text = validate.render({"patterns": [], "mechanisms": [], "binding": {}, "families": [],
                            "carriers": {0.0: rows, 0.5: rows}})
    section = text[text.index("## What carries a funded gain after support ends"):]
    assert "Learning by doing off (the default)." in section
    assert "`experience_learning_rate` = 0.5" in section
    assert "| teachers' capacity | 0.130 | 0.60 [0.50, 0.70] | 0.10 [0.00, 0.20] |" in section
