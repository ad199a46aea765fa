import io
import textwrap

import numpy as np
import pandas as pd
import pytest

from sim.analysis.stats import mean_ci
from sim.analysis.sweep_tables import (
    budget_table,
    pareto_front,
    phase_table,
    point_summary,
    response_table,
)
from sim.sweep.executors import ExecutorChoice
from sim.sweep.experiment import load_experiment
from sim.sweep.report import analyze_sweep
from sim.sweep.run import run_sweep


def test_pareto_front_keeps_only_unbeaten_points():
    cost = [1.0, 2.0, 2.0, 3.0, 4.0, np.nan]
    value = [0.1, 0.3, 0.2, 0.25, 0.5, 0.9]
    assert pareto_front(cost, value).tolist() == [True, True, False, False, True, False]


def test_mean_ci_matches_student_t():
    mean, sd, low, high, n = mean_ci([1.0, 2.0, 3.0, np.nan])
    assert (mean, sd, n) == (2.0, 1.0, 3)
    assert high - mean == pytest.approx(4.302653 * 1.0 / np.sqrt(3), rel=1e-5)
    assert mean - low == pytest.approx(high - mean)
    assert np.isnan(mean_ci([5.0])[2])


def synthetic_runs():
    rng = np.random.default_rng(0)
    rows = []
    for point, (x, y) in enumerate([(x, y) for x in (0.0, 1.0, 2.0) for y in (0.0, 0.5)]):
        for rep in range(4):
            rows.append({"design_point": point, "replicate": rep, "x": x, "y": y,
                         "out": x * 0.1 + y + rng.normal(0, 0.01), "cost": 100 * x + 10 * y})
    return pd.DataFrame(rows)


def test_phase_and_response_tables_average_over_replicates():
    runs = synthetic_runs()
    phase = phase_table(runs, "x", "y", "out")
    assert phase.shape == (2, 3)
    assert phase.loc[0.5, 2.0] == pytest.approx(0.7, abs=0.02)
    response = response_table(runs, "x", "out", by="y")
    assert len(response) == 6 and (response.n == 4).all()
    assert (response["low"] < response["mean"]).all() and (response["mean"] < response["high"]).all()
    binned = response_table(runs, "x", "out", binned=True, bins=3)
    assert binned.n.sum() == len(runs)


def test_budget_table_keeps_mixes_within_the_limit_best_first():
    summary = point_summary(synthetic_runs(), ["x", "y"], ["out", "cost"])
    best = budget_table(summary, ["x", "y"], "cost", "out", limit=105)
    assert (best["cost_mean"] <= 105).all()
    assert best["out_mean"].is_monotonic_decreasing
    assert best.iloc[0][["x", "y"]].tolist() == [1.0, 0.5]


SOBOL = """
    design = "{design}"
    sample_size = {size}
    replicates = 1
    steps = 24
    seed = 3
    [fixed]
    n_enterprises = 200
    subsidy_budget_per_year = 5000.0
    [vary]
    subsidy_per_content_step = {{ low = 0.0, high = 3.0 }}
    assessment_outcome_weight = {{ low = 0.0, high = 1.0 }}
    coordination_body = {{ values = [false, true] }}
"""


@pytest.mark.parametrize("design, size, table, columns", [
    ("sobol", 4, "sobol_content_share.csv", {"S1", "S1_conf", "ST", "ST_conf"}),
    ("morris", 4, "morris_content_share.csv", {"mu", "mu_star", "sigma", "mu_star_conf"}),
])
def test_sensitivity_sweep_writes_index_tables_and_figures(tmp_path, design, size, table,
                                                           columns):
    path = tmp_path / "exp.toml"
    path.write_text(textwrap.dedent(SOBOL.format(design=design, size=size)))
    out = tmp_path / "out"
    run_sweep(load_experiment(path), out, ExecutorChoice(jobs=2), progress=False,
              stream=io.StringIO())
    report = analyze_sweep(out)
    indices = pd.read_csv(out / "analysis" / "tables" / table, index_col="parameter")
    assert columns <= set(indices.columns)
    assert list(indices.index) == ["subsidy_per_content_step", "assessment_outcome_weight",
                                   "coordination_body"]
    stem = table.removesuffix(".csv")
    for suffix in (".png", ".svg"):
        assert (out / "analysis" / "figures" / f"{stem}{suffix}").is_file()
    assert (out / "analysis" / "tables" / f"{stem}.tex").read_text().startswith(
        "\\begin{table}")
    assert any(design.capitalize() in note for note in report.notes)


def test_sobol_analysis_reports_missing_runs_instead_of_guessing(tmp_path):
    path = tmp_path / "exp.toml"
    path.write_text(textwrap.dedent(SOBOL.format(design="sobol", size=2)))
    out = tmp_path / "out"
    run_sweep(load_experiment(path), out, ExecutorChoice(), progress=False, stream=io.StringIO())
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    [results] = (out / "results").glob("*.parquet")  # drop design point 3's runs
    table = pq.read_table(results)
    pq.write_table(table.filter(pc.invert(pc.starts_with(table["run_id"], "p00003-"))), results)
    report = analyze_sweep(out)
    assert any("not computed" in n and "missing" in n for n in report.notes)
    assert not (out / "analysis" / "tables" / "sobol_content_share.csv").exists()


def test_latex_table_is_booktabs_with_escaped_names(tmp_path):
    from sim.analysis.sweep_tables import write_table

    table = pd.DataFrame({"audit_prob": [0.1, 0.25], "share_%": [0.123456, 1.0], "on": [True, False]})
    csv, tex = write_table(table, tmp_path / "t", caption="mean content_share, 95\\% CI",
                           label="tab:x")
    text = tex.read_text()
    assert "\\toprule" in text and "\\midrule" in text and "\\bottomrule" in text
    assert "audit\\_prob & share\\_\\% & on \\\\" in text
    assert "\\caption{mean content\\_share, 95\\% CI}" in text
    assert "0.1 & 0.123 & yes \\\\" in text
    assert "\\begin{tabular}{rrl}" in text
    assert pd.read_csv(csv).shape == (2, 3)


def test_latex_caption_from_a_title_with_specials_compiles_and_nan_is_a_dash(tmp_path):
    from sim.analysis.sweep_tables import write_table

    table = pd.DataFrame({"lever": ["a", "b"], "S1_conf": [0.05, np.nan]})
    _, tex = write_table(table, tmp_path / "t", label="tab:y",
                         caption="Mix & match: 50% of #1 budget, 95\\% CI")
    text = tex.read_text()
    assert "\\caption{Mix \\& match: 50\\% of \\#1 budget, 95\\% CI}" in text
    assert "b & -- \\\\" in text and "nan" not in text


def test_the_same_figure_saved_twice_gives_identical_svg_and_png_files(tmp_path):
    # Papers are built from these files: an unchanged figure must not show up as changed.
    import matplotlib.pyplot as plt

    from sim.analysis import figures, sweep_figures

    files = {}
    for k in range(2):
        for saver in (figures.save, sweep_figures.save):
            fig, ax = plt.subplots()
            ax.plot([0, 1], [0, 1])
            ax.set_xlim(0, 0.5)  # clipping gives the SVG clip-path ids
            for path in saver(fig, tmp_path / f"{saver.__module__}-{k}"):
                files.setdefault((saver.__module__, path.suffix), []).append(path.read_bytes())
    for (module, suffix), (first, second) in files.items():
        assert first == second, f"{module} {suffix} differs between two saves"
