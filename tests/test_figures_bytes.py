"""Issue 12 item 4: the same figure twice is the same bytes, for every figure function a batch
or sweep writes (called through the real pipelines, so a figure function that bypasses the
shared saver, as the phase diagram once did, fails here)."""

from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path

import pytest

import sim.scenarios  # noqa: F401 - import before COOPSIM_SCENARIOS is set
from sim import cli
from sim.figure_style import layout_checked
from sim.sweep.executors import ExecutorChoice
from sim.sweep.experiment import load_experiment
from sim.sweep.report import analyze_sweep
from sim.sweep.run import run_sweep


def figure_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.suffix in (".png", ".svg")}


@pytest.fixture
def small(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPSIM_SCENARIOS", str(tmp_path / "scen"))
    (tmp_path / "scen").mkdir()
    (tmp_path / "scen" / "small.toml").write_text(textwrap.dedent("""
        title = "T"
        description = "D"
        [scale]
        n_enterprises = { value = 200, source = "assumption" }
        n_schools = { value = 4, source = "assumption" }
        [financial_support]
        subsidy_per_content_step = { value = 1.0, source = "assumption" }
        """))


def test_a_batch_run_twice_writes_byte_identical_figures(small, tmp_path):
    made = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert cli.main(["run", "small", "-r", "2", "-t", "14", "--seed", "4", "-j", "1", "-q",
                         "-o", str(out)]) == 0
        made.append(figure_bytes(out / "figures"))
    assert {Path(n).stem for n in made[0]} == {"depth_shares_over_time", "content_vs_spending",
                                               "leakage_and_delay"}
    assert made[0] == made[1]
    assert all(b"Date" not in data for name, data in made[0].items() if name.endswith(".svg"))


GRID = """
    title = "grid with a budget"
    steps = 14
    replicates = 3
    seed = 5
    [fixed]
    n_enterprises = 200
    [vary]
    subsidy_per_content_step = [0.0, 2.0]
    audit_prob_per_step = [0.0, 0.2]
    [outputs]
    content_share = "end"
    annual_spending = { column = "spending_total", reduce = "sum_last_12" }
    [analysis]
    budget = { cost = "annual_spending", limit = 1000.0 }
"""
SAMPLED = """
    title = "{design}"
    design = "{design}"
    sample_size = 2
    steps = 14
    seed = 5
    [fixed]
    n_enterprises = 200
    [vary]
    subsidy_per_content_step = {{ low = 0.0, high = 3.0 }}
    audit_prob_per_step = {{ low = 0.0, high = 0.3 }}
"""


@pytest.mark.parametrize("text, stems", [
    (GRID, {"phase_content_share", "response_subsidy_per_content_step", "adequacy",
            "frontier"}),
    (SAMPLED.format(design="sobol"), {"sobol_content_share"}),
    (SAMPLED.format(design="morris"), {"morris_content_share"}),
])
def test_every_sweep_figure_is_the_same_bytes_when_made_again(tmp_path, text, stems):
    path = tmp_path / "exp.toml"
    path.write_text(textwrap.dedent(text))
    out = tmp_path / "sweep"
    run_sweep(load_experiment(path), out, ExecutorChoice(), progress=False,
              stream=io.StringIO())
    with layout_checked() as found:  # issue 14: nothing clipped, no legend over a title
        analyze_sweep(out)
    assert not {k: v for k, v in found.items() if v}, {k: [str(p) for p in v]
                                                       for k, v in found.items() if v}
    first = figure_bytes(out / "analysis")
    shutil.rmtree(out / "analysis")
    with layout_checked():  # the same path as the first (a layout check draws the figure first)
        analyze_sweep(out)
    assert stems <= {Path(n).stem for n in first}
    assert first == figure_bytes(out / "analysis")
