"""Issue 14: outputs a paper can use as they are.

Comparisons with a baseline (paired over common seeds), intervals inside [0, 1]
for shares, journal figures with no clipped text or overlapping legends
(checked on every figure a batch, sweep and game writes), booktabs tables,
Chinese output with no missing glyph, and a manifest that says how to cite.
"""

from __future__ import annotations

import io
import json
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sympy

import sim.scenarios  # noqa: F401 - import before COOPSIM_SCENARIOS is set
from sim import cli
from sim.analysis import compare
from sim.analysis.stats import mean_ci, paired_comparison, ratio_ci, share_ci
from sim.figure_style import layout_checked

HAND = Path(__file__).resolve().parent.parent / "scenarios" / "games" / "hand-example.toml"
LITERATURE = HAND.with_name("tripartite-literature.toml")


def _problems(found):
    return {Path(k).name: [str(p) for p in v] for k, v in found.items() if v}


# ------------------------------------------------------------------ statistics
@pytest.mark.parametrize("values", [[0, 0, 0.01, 0, 0.02, 0, 0, 0.005], [0.97, 1.0, 0.99, 1.0],
                                    [0.3, 0.5, 0.4, 0.45, 0.35]])
def test_share_intervals_stay_inside_0_1_and_contain_the_mean(values):
    mean, _, low, high, _ = share_ci(values)
    assert 0 <= low <= mean <= high <= 1
    t_low = mean_ci(values)[2]
    if min(values) == 0:  # the t-interval of the same values falls below 0
        assert t_low < 0 < low


def test_share_interval_matches_the_t_interval_for_shares_away_from_the_bounds():
    rng = np.random.default_rng(3)
    values = 0.5 + rng.normal(0, 0.01, 30)
    _, _, low, high, _ = share_ci(values)
    _, _, t_low, t_high, _ = mean_ci(values)
    assert low == pytest.approx(t_low, abs=1e-5) and high == pytest.approx(t_high, abs=1e-5)


def test_paired_comparison_uses_the_replicate_pairs():
    base = pd.Series([1.0, 2.0, 3.0, 4.0])
    other = base + pd.Series([0.5, 0.7, 0.6, 0.6])  # a steady gain on widely spread values
    row = paired_comparison(base, other)
    assert row["difference"] == pytest.approx(0.6)
    assert 0 < row["diff_low"] < 0.6 < row["diff_high"]  # paired: far narrower than the spread
    diffs = np.array([0.5, 0.7, 0.6, 0.6])
    assert row["d_z"] == pytest.approx(diffs.mean() / diffs.std(ddof=1))
    shuffled = paired_comparison(base, other.iloc[::-1].set_axis(base.index))
    assert shuffled["diff_low"] < 0  # unpaired values would not show it


def test_cost_ratio_bootstrap_is_seeded_and_refuses_an_unbounded_ratio():
    cost, gain = np.array([10.0, 12, 11, 9, 10]), np.array([1.0, 2, 1.5, 1.2, 1.4])
    first, again = ratio_ci(cost, gain, seed=[7, 1]), ratio_ci(cost, gain, seed=[7, 1])
    assert first == again
    ratio, low, high = first
    assert ratio == pytest.approx(cost.mean() / gain.mean()) and low < ratio < high
    assert np.isnan(ratio_ci(cost, np.array([1.0, -2, 1.5, -1.2, 0.1]), seed=1)[1])


def test_comparisons_table_has_each_scenario_against_the_baseline():
    ends = pd.DataFrame({
        "scenario": ["a"] * 3 + ["b"] * 3 + ["c"] * 3, "replicate": [0, 1, 2] * 3,
        "content_share": [0.1, 0.2, 0.15, 0.2, 0.3, 0.26, 0.1, 0.2, 0.15],
        "spending_total": [1.0, 1, 1, 3, 3.2, 3.1, 1, 1, 1],
        "partnerships_content": [5.0, 6, 5, 9, 10, 9, 5, 6, 5]})
    table = compare.comparisons(ends, "a", outputs=["content_share"], seed=1)
    assert set(table["scenario"]) == {"b", "c"} and compare.many(table)
    b = table[(table["scenario"] == "b") & (table["output"] == "content_share")].iloc[0]
    assert b["difference"] == pytest.approx(0.1033333, rel=1e-5)
    cost = table[(table["scenario"] == "b") & (table["output"] == compare.COST_PER_CONTENT)]
    # two extra MU a step for 4 more content partnerships: 12 x 2.1 / 4 MU a partnership-year
    assert cost["difference"].iloc[0] == pytest.approx(12 * 2.1 / 4)
    same = table[(table["scenario"] == "c") & (table["output"] == "content_share")].iloc[0]
    assert same["difference"] == 0 and np.isnan(same["d_z"])
    with pytest.raises(compare.ComparisonError, match="'z' is not one of"):
        compare.choose_baseline(["a", "b"], "z")


# ------------------------------------------------------------------ batch
@pytest.fixture
def small(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPSIM_SCENARIOS", str(tmp_path / "scen"))
    (tmp_path / "scen").mkdir()
    for name, subsidy in (("plain", 0.0), ("paid", 3.0), ("audited", 0.0)):
        audit = 0.2 if name == "audited" else 0.0
        (tmp_path / "scen" / f"{name}.toml").write_text(textwrap.dedent(f"""
            title = "{name}"
            description = "D"
            [scale]
            n_enterprises = {{ value = 150, source = "assumption" }}
            n_schools = {{ value = 4, source = "assumption" }}
            [financial_support]
            subsidy_per_content_step = {{ value = {subsidy}, source = "assumption" }}
            [supervision]
            audit_prob_per_step = {{ value = {audit}, source = "assumption" }}
            """))
    return tmp_path


def _batch(out, *extra):
    return cli.main(["run", "plain", "paid", "audited", "-r", "3", "-t", "14", "--seed", "3",
                     "-j", "1", "-q", "-o", str(out), *extra])


def test_a_batch_compares_with_its_baseline_and_every_figure_is_clean(small):
    out = small / "batch"
    with layout_checked() as found:
        assert _batch(out, "--baseline", "paid") == 0
    assert {Path(k).name for k in found} == {"depth_shares_over_time", "content_vs_spending",
                                             "leakage_and_delay", "comparisons_forest"}
    assert not _problems(found), _problems(found)
    table = pd.read_csv(out / "comparisons.csv")
    assert set(table["baseline"]) == {"paid"} and set(table["scenario"]) == {"plain", "audited"}
    assert compare.COST_PER_CONTENT in set(table["output"])
    tex = (out / "comparisons.tex").read_text()
    assert "\\toprule" in tex and "\\bottomrule" in tex and "content_share" not in tex
    report = (out / "report.md").read_text()
    assert "## Comparisons with the baseline" in report and "`paid`" in report
    assert "multiple comparisons" in report  # two scenarios against one baseline
    for stem in ("end_of_run", "parameters"):
        assert (out / "tables" / f"{stem}.tex").read_text().count("\\toprule") >= 1
    params = pd.read_csv(out / "tables" / "parameters.csv")
    row = params.set_index("parameter").loc["subsidy_per_content_step"]
    assert float(row["paid"]) == 3.0 and float(row["plain"]) == 0.0
    assert "assumption" in row["source"]
    for suffix in (".pdf", ".svg", ".png"):
        assert (out / "figures" / f"comparisons_forest{suffix}").stat().st_size > 1000
    assert b"<text" in (out / "figures" / "comparisons_forest.svg").read_bytes()  # text as text
    summary = pd.read_csv(out / "summary.csv")
    shares = summary[summary["output"].isin(["content_share", "form_share"])].dropna()
    assert ((shares["ci95_low"] >= 0) & (shares["ci95_high"] <= 1)).all()
    cite = json.loads((out / "manifest.json").read_text())["cite"]
    assert cite["version"] and "coopsim" in cite["text"] and cite["bibtex"].startswith("@software")
    manifest_git = json.loads((out / "manifest.json").read_text())["git"]
    if manifest_git:
        assert cite["commit"] == manifest_git["commit"]


def test_an_unknown_baseline_is_refused_naming_the_scenarios(small, capsys):
    assert _batch(small / "bad", "--baseline", "nope") == 2
    err = capsys.readouterr().err
    assert "--baseline: 'nope' is not one of" in err and "plain, paid, audited" in err
    assert "Traceback" not in err


def test_a_chinese_batch_has_chinese_labels_and_no_missing_glyph(small):
    out = small / "zh"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _batch(out, "--lang", "zh") == 0
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)
               or "Glyph" in str(w.message)]
    assert not missing, missing
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "与基准情景的比较" in report and "实质合作占比" in report
    svg = (out / "figures" / "depth_shares_over_time.svg").read_text(encoding="utf-8")
    assert "形式合作" in svg and "实质合作" in svg  # legend text kept as text, in Chinese
    assert "情景" in (out / "tables" / "end_of_run.tex").read_text(encoding="utf-8")


def test_figure_titles_are_off_by_default_and_on_with_the_flag(small):
    import matplotlib.pyplot as plt

    from sim.analysis import figures

    summary = pd.DataFrame([{"scenario": s, "output": o, "mean": m, "ci95_low": m - 0.01,
                             "ci95_high": m + 0.01, "n": 3} for s, m in (("a", 0.1), ("b", 0.3))
                            for o in ("spending_total", "content_share",
                                      "reported_content_share")])
    titled = []
    original = plt.Figure.suptitle

    def spy(self, text, **kw):
        titled.append(text)
        return original(self, text, **kw)

    plt.Figure.suptitle = spy
    try:
        figures.content_vs_spending(summary, small / "plain_fig")
        assert titled == []
        figures.content_vs_spending(summary, small / "titled_fig", figure_titles=True)
        assert len(titled) == 1 and "not data" in titled[0]
    finally:
        plt.Figure.suptitle = original


# ------------------------------------------------------------------ sweep
GRID = """
    title = "grid"
    steps = 14
    replicates = 3
    seed = 5
    [fixed]
    n_enterprises = 150
    n_schools = 4
    [vary]
    subsidy_per_content_step = [0.0, 3.0]
    audit_prob_per_step = [0.0, 0.2]
    [outputs]
    content_share = "end"
    spending_total = "end"
    partnerships_content = "end"
"""


def test_a_sweep_compares_with_a_named_point_and_draws_the_boundary_band(tmp_path, capsys):
    from sim.sweep.executors import ExecutorChoice
    from sim.sweep.experiment import load_experiment
    from sim.sweep.run import run_sweep

    path = tmp_path / "grid.toml"
    path.write_text(textwrap.dedent(GRID))
    out = tmp_path / "sweep"
    run_sweep(load_experiment(path), out, ExecutorChoice(jobs=1), progress=False,
              stream=io.StringIO())
    with layout_checked() as found:
        assert cli.main(["analyze", str(out), "--baseline", "0"]) == 0
    assert found and not _problems(found), _problems(found)
    assert any(Path(k).name == "comparisons_forest" for k in found)
    table = pd.read_csv(out / "analysis" / "tables" / "comparisons.csv")
    assert set(table["scenario"].astype(str)) == {"1", "2", "3"}
    assert compare.COST_PER_CONTENT in set(table["output"])
    printed = capsys.readouterr().out
    assert "the 95 % CI contains" in printed  # the phase boundary's uncertainty, counted
    assert "are shown stable within the 3 replicates" in printed
    phase = (out / "analysis" / "tables" / "phase_content_share.tex").read_text()
    assert "[" in phase and "\\toprule" in phase  # means with their CIs
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert cli.main(["analyze", str(out), "--lang", "zh"]) == 0
    assert not [str(w.message) for w in caught if "missing from" in str(w.message)]
    readme = (out / "analysis" / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# 参数扫描") and "发现与说明" in readme
    svg = (out / "analysis" / "figures" / "phase_content_share.svg").read_text(encoding="utf-8")
    assert "实质合作补贴" in svg  # the subsidy axis, labelled in Chinese
    capsys.readouterr()
    assert cli.main(["analyze", str(out), "--baseline", "99"]) == 2
    err = capsys.readouterr().err
    assert "--baseline: '99' is not one of the compared design points" in err
    assert "Traceback" not in err


# ------------------------------------------------------------------ games
def test_game_figures_are_clean_and_the_ess_table_matches_the_eigenvalues(tmp_path):
    from sim.games import cli as game_cli
    from sim.games.replicator import pure_equilibria
    from sim.games.spec import load_game
    from sim.games.tables import eigenvalue_expressions, symbols

    out = tmp_path / "game"
    parser = __import__("argparse").ArgumentParser()
    game_cli.add_arguments(parser)
    with layout_checked() as found:
        args = parser.parse_args([str(LITERATURE), "--out", str(out), "--t-max", "3"])
        assert game_cli.main(args) == 0
    assert {Path(k).name for k in found} == {"phase3d", "shares"}
    assert not _problems(found), _problems(found)
    csv = pd.read_csv(out / "ess_table.csv")
    assert len(csv) == 8 and "ess_condition" in csv.columns
    tex = (out / "ess_table.tex").read_text()
    assert "\\lambda" in tex and "\\toprule" in tex and "ESS" in tex
    # The symbols are the numbers: each eigenvalue expression at the file's values.
    game = load_game(LITERATURE)
    local = symbols(game)
    values = {local[n]: v for n, v in game.values.items()}
    for eq in pure_equilibria(game.payoff_array()):
        for expr, number in zip(eigenvalue_expressions(game, eq.profile), eq.eigenvalues,
                                strict=True):
            assert float(sympy.sympify(expr).subs(values)) == pytest.approx(number)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_game_figures_with_titles_keep_a_long_title_inside_the_figure(tmp_path, lang):
    # The hand example's title is wider than a figure: it was cut at both edges.
    from sim.games import cli as game_cli

    parser = __import__("argparse").ArgumentParser()
    game_cli.add_arguments(parser)
    with layout_checked() as found, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        args = parser.parse_args([str(HAND), "--out", str(tmp_path), "--t-max", "3", "--agents",
                                  "--sizes", "40", "--replicates", "2", "--figure-titles",
                                  "--lang", lang])
        assert game_cli.main(args) == 0
    assert {Path(k).name for k in found} == {"phase3d", "shares", "agents"}
    assert not _problems(found), _problems(found)
    assert not [str(w.message) for w in caught if "missing from" in str(w.message)]


def test_the_depth_figure_legend_clears_the_panel_titles_with_two_scenarios(tmp_path):
    # Issue 14 named this bug: with two scenarios the legend lay over the panel titles.
    from sim.analysis import figures

    rng = np.random.default_rng(1)
    rows = []
    for scenario in ("a-long-scenario-name", "another-long-scenario-name"):
        for replicate in range(3):
            for step in range(13):
                form, practice = rng.uniform(0.3, 0.6), rng.uniform(0.1, 0.3)
                rows.append({"scenario": scenario, "replicate": replicate, "step": step,
                             "partnerships_active": 10, "form_share": form,
                             "practice_share": practice, "content_share": 1 - form - practice})
    with layout_checked() as found:
        figures.depth_shares_over_time(pd.DataFrame(rows), tmp_path / "depth",
                                       titles={"a-long-scenario-name": "a: " + "words " * 12})
    assert len(found) == 1 and not _problems(found), _problems(found)



def test_with_figure_titles_the_depth_legend_stays_clear_of_the_title(tmp_path):
    # The layout check does not look at the figure title: measure it here.
    from sim import figure_style
    from sim.analysis import figures

    rows = [{"scenario": s, "replicate": r, "step": t, "partnerships_active": 10,
             "form_share": 0.5, "practice_share": 0.3, "content_share": 0.2}
            for s in ("a", "b") for r in range(2) for t in range(13)]
    overlaps = []

    def observe(fig, stem):
        fig.canvas.draw()
        title = fig._suptitle.get_window_extent()
        overlaps.append([lg for lg in fig.legends if lg.get_window_extent().overlaps(title)])

    figure_style._OBSERVERS.append(observe)
    try:
        for lang in ("en", "zh"):
            figures.depth_shares_over_time(pd.DataFrame(rows), tmp_path / f"depth-{lang}",
                                           lang=lang, figure_titles=True)
    finally:
        figure_style._OBSERVERS.remove(observe)
    assert overlaps == [[], []]


def test_every_figure_phrase_has_both_languages_with_the_same_fields():
    import re
    import string

    from sim.labels import FIGURE_CAPTION_TEXTS, FIGURE_TEXTS, GAME_WORDS, figure_text

    def fields(text):
        return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)

    for table in (FIGURE_TEXTS, FIGURE_CAPTION_TEXTS, GAME_WORDS):
        for key, (en, zh) in table.items():
            assert en.strip() and re.search(r"[\u4e00-\u9fff]", zh), key
            assert fields(en) == fields(zh), key
    assert figure_text("budget", "zh", limit=1500.0) == "预算 1500"
    with pytest.raises(KeyError, match="no figure text"):
        figure_text("nope")


def test_sim_sweep_takes_the_same_output_options_as_analyze(tmp_path, capsys):
    """--baseline, --lang and --figure-titles work on the sweep command itself, not only later."""
    path = tmp_path / "grid.toml"
    path.write_text(textwrap.dedent(GRID))
    out = tmp_path / "sweep"
    assert cli.main(["sweep", str(path), "--out", str(out), "-j", "1", "-q", "--baseline", "0",
                     "--lang", "zh"]) == 0
    assert (out / "analysis" / "tables" / "comparisons.csv").is_file()
    assert (out / "analysis" / "README.md").read_text(encoding="utf-8").startswith("# 参数扫描")
    capsys.readouterr()
    assert cli.main(["sweep", str(path), "--out", str(out), "-j", "1", "-q",
                     "--baseline", "99"]) == 2
    err = capsys.readouterr().err
    assert "'99' is not one of the compared design points" in err
    assert "the runs are kept" in err and "Traceback" not in err
