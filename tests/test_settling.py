"""Batch reports say whether a scenario has settled (issue 11, horizons)."""

import numpy as np
import pandas as pd

from sim.analysis.sections import settling_section
from sim.analysis.stats import SETTLED_TREND_PER_YEAR, settling


def _steps(scenario, slopes, steps=36):
    rows = []
    for replicate, slope in enumerate(slopes):
        for step in range(steps + 1):  # row 0 is the initial state
            rows.append((scenario, replicate, step, 0.2 + slope * step / 12))
    return pd.DataFrame(rows, columns=["scenario", "replicate", "step", "content_share"])


def test_trend_is_the_last_year_minus_the_year_before():
    table = settling(_steps("a", [0.06, 0.0]))
    assert np.allclose(table["trend"], [0.06, 0.0])
    assert table["settled"].tolist() == [False, True]
    short = settling(_steps("b", [0.1], steps=12))
    assert short["trend"].isna().all() and short["settled"].isna().all()


def test_a_scenario_is_settled_only_when_its_mean_trend_ci_is_within_the_tolerance():
    flat = settling(_steps("flat", [0.001, -0.001, 0.0005, -0.0005]))
    rising = settling(_steps("rising", [0.05, 0.06, 0.055, 0.045]))
    lines = "\n".join(settling_section(pd.concat([flat, rising]), SETTLED_TREND_PER_YEAR).lines)
    assert "| `flat` |" in lines and "| yes |" in lines
    assert "| `rising` |" in lines and "**no** (rising)" in lines and "transient" in lines
    only_flat = "\n".join(settling_section(flat, SETTLED_TREND_PER_YEAR).lines)
    assert "Every scenario has settled." in only_flat


def test_a_batch_report_says_whether_it_has_settled(tmp_path):
    from sim import cli

    out = tmp_path / "batch"
    assert cli.main(["run", "ruian-status-quo", "-r", "2", "-t", "30", "-j", "1", "-q",
                     "--out", str(out)]) == 0
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Has it settled?" in report and "| `ruian-status-quo` |" in report


def test_the_verdict_separates_a_trend_from_too_few_replicates():
    from sim.analysis.stats import settling_verdict

    assert settling_verdict(-0.004, 0.004) == "settled"
    assert settling_verdict(0.001, 0.02) == "rising"
    assert settling_verdict(-0.02, -0.001) == "falling"
    assert settling_verdict(-0.01, 0.01) == "not shown"  # consistent with flat, but not shown to be
