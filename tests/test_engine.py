"""One engine behind ``sim run`` and ``sim sweep``: one planner, one set of end-of-run rules,
one statistics module, one manifest."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pandas as pd
import pytest
from test_batch_cli import scenario  # noqa: E402  (one writer of small scenario files)

import sim.scenarios  # noqa: F401 - import before COOPSIM_SCENARIOS is set (its default dir is read at import)
from sim import cli, outputs
from sim.analysis.reduce import end_of_run
from sim.store import RunStore


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPSIM_SCENARIOS", str(tmp_path / "scen"))
    (tmp_path / "scen").mkdir()
    scenario(tmp_path / "scen", "small", """
        [scale]
        n_enterprises = { value = 200, source = "assumption" }
        n_schools = { value = 4, source = "assumption" }
        """)
    # A binding budget: subsidy runs out within the year, so monthly leakage
    # shares and the share of the year's sums differ.
    # Departments that certify claims and a body that pools the budget, so it is spent.
    scenario(tmp_path / "scen", "budget", """
        extends = "small"
        [financial_support]
        subsidy_per_content_step = { value = 2.0, source = "assumption" }
        subsidy_budget_per_year = { value = 500.0, source = "assumption" }
        [coordination]
        coordination_body = { value = true, source = "assumption" }
        [public_service]
        service_awareness = { value = 0.9, source = "assumption" }
        """)
    return tmp_path / "scen"


def test_every_output_column_has_an_end_of_run_rule():
    missing = [c for c in outputs.COLUMNS if c not in outputs.END_RULES]
    assert missing == [], f"columns without an end-of-run rule: {missing}"
    for name, rule in outputs.END_RULES.items():
        assert name in outputs.COLUMNS, f"rule for a column that does not exist: {name}"
        for column in rule.columns(name):
            assert column in outputs.COLUMNS, f"{name} reads {column}, not an output column"


def test_a_column_without_a_rule_fails_loudly_naming_it():
    with pytest.raises(outputs.MissingRuleError) as info:
        outputs.end_rule("brand_new_output")
    assert "brand_new_output" in str(info.value) and "END_RULES" in str(info.value)
    frame = pd.DataFrame({"scenario": "a", "replicate": 0, "step": [0, 1],
                          "brand_new_output": [0.0, 1.0]})
    with pytest.raises(outputs.MissingRuleError):
        end_of_run(frame, outputs=["brand_new_output"])


def test_states_take_the_horizon_flows_the_yearly_mean_ratios_the_ratio_of_sums():
    steps = np.arange(0, 25)
    paid = np.where((steps > 0) & (steps % 12 < 4), 100.0, 0.0)  # budget gone after 3 months
    leaked = np.where(paid > 0, np.where(steps % 12 == 1, 90.0, 10.0), 0.0)
    frame = pd.DataFrame({"scenario": "a", "replicate": 0, "step": steps,
                          "content_share": steps / 100, "spending_subsidy": paid,
                          "subsidy_leakage": leaked,
                          "leakage_share": np.where(paid > 0, leaked / np.maximum(paid, 1), 0)})
    ends = end_of_run(frame, outputs=["content_share", "spending_subsidy", "leakage_share"])
    last_year = slice(13, 25)
    assert ends["content_share"].item() == pytest.approx(0.24)
    assert ends["spending_subsidy"].item() == pytest.approx(paid[last_year].mean())
    assert ends["leakage_share"].item() == pytest.approx(
        leaked[last_year].sum() / paid[last_year].sum())
    # ... which is not the mean of the monthly shares (the rule this replaces)
    assert ends["leakage_share"].item() != pytest.approx(frame["leakage_share"][last_year].mean())


def test_nothing_paid_in_the_last_year_gives_a_leakage_share_of_zero():
    frame = pd.DataFrame({"scenario": "a", "replicate": 0, "step": range(5),
                          "spending_subsidy": 0.0, "subsidy_leakage": 0.0,
                          "leakage_share": 0.0})
    assert end_of_run(frame, outputs=["leakage_share"])["leakage_share"].item() == 0.0


def test_batch_and_sweep_give_the_same_numbers_for_the_same_runs_under_a_binding_budget(
        folder, tmp_path):
    args = ["-r", "3", "-t", "30", "--seed", "7", "-j", "1", "-q"]
    batch = tmp_path / "batch"
    assert cli.main(["run", "budget", "small", *args, "-o", str(batch)]) == 0
    experiment = tmp_path / "as-sweep.toml"
    experiment.write_text(textwrap.dedent("""
        title = "the batch as a sweep"
        design = "scenarios"
        scenarios = ["budget", "small"]
        replicates = 3
        steps = 30
        seed = 7
        [outputs]
        leakage_share = { column = "leakage_share" }
        leakage_share_yearly = { column = "leakage_share", reduce = "mean_last_12" }
        spending_subsidy = { column = "spending_subsidy" }
        content_share = { column = "content_share" }
        """))
    sweep = tmp_path / "sweep"
    assert cli.main(["sweep", str(experiment), "--out", str(sweep), "--jobs", "1",
                     "--no-progress"]) == 0

    # The same runs: same ids, seeds and per-step outputs in both stores.
    a = RunStore(batch).read_results().sort_values(["run_id", "step"]).reset_index(drop=True)
    b = RunStore(sweep).read_results().sort_values(["run_id", "step"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    budget = a[(a["scenario"] == "budget") & (a["step"] > 18)]
    assert (budget["budget_left"] == 0).any(), "the budget must bind for this test to bite"
    assert (budget["spending_subsidy"] == 0).any()

    # ... and the same numbers through either front end.
    summary = pd.read_csv(batch / "summary.csv").set_index(["scenario", "output"])
    points = pd.read_csv(sweep / "analysis" / "tables" / "design_points.csv").set_index(
        "scenario")
    for name in ("budget", "small"):
        for output in ("leakage_share", "spending_subsidy", "content_share"):
            row = summary.loc[(name, output)]
            assert points.loc[name, f"{output}_mean"] == pytest.approx(row["mean"], rel=1e-12)
            if not np.isnan(row["ci95_low"]):
                assert points.loc[name, f"{output}_low"] == pytest.approx(row["ci95_low"],
                                                                          rel=1e-12)
        # a ratio's yearly mean is the ratio of the year's sums, as in the batch
        assert points.loc[name, "leakage_share_yearly_mean"] == pytest.approx(
            summary.loc[(name, "leakage_share"), "mean"], rel=1e-12)

    # One report built from the same sections: the same results table cells.
    in_report = _results_table(batch / "report.md")
    in_readme = _results_table(sweep / "analysis" / "README.md")
    for name in ("budget", "small"):
        for output in ("content_share", "leakage_share"):
            assert in_readme[name][output] == in_report[name][output]


def _results_table(path):
    """The cells of the 'Results at the end of the run' table of a Markdown report."""
    section = path.read_text().split("## Results at the end of the run")[1]
    lines = section.split("\n## ")[0].splitlines()  # this section's table only
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines
            if line.startswith("|")]
    header, body = rows[0], rows[2:]
    return {row[0].strip("`"): dict(zip(header, row, strict=True)) for row in body}


def test_a_sweep_gets_the_same_manifest_as_a_batch(folder, tmp_path):
    experiment = tmp_path / "grid.toml"
    experiment.write_text(textwrap.dedent("""
        title = "tiny"
        scenario = "small"
        replicates = 2
        steps = 4
        seed = 3
        [vary]
        audit_prob_per_step = [0.0, 0.1]
        """))
    sweep = tmp_path / "sweep"
    assert cli.main(["sweep", str(experiment), "--out", str(sweep), "--jobs", "1",
                     "--no-progress", "--no-analyze"]) == 0
    batch = tmp_path / "batch"
    assert cli.main(["run", "small", "-r", "2", "-t", "4", "--seed", "3", "-j", "1", "-q",
                     "-o", str(batch)]) == 0
    made = json.loads((sweep / "manifest.json").read_text())
    ran = json.loads((batch / "manifest.json").read_text())
    shared = {"command", "argv", "root_seed", "replicate_seeds", "seed_rule", "replicates",
              "steps", "runs", "versions", "git", "platform", "started", "finished"}
    assert shared <= set(made) and shared <= set(ran)
    assert made["replicate_seeds"] == ran["replicate_seeds"]  # same root seed, same rule
    assert made["command"].startswith(f"python -m sim sweep {experiment}")
    assert made["runs"]["total"] == 4 and made["runs"]["computed_now"] == 4
    assert made["base_params"]["n_enterprises"] == 200  # resolved, from the base scenario
    assert made["experiment"]["factors"][0]["name"] == "audit_prob_per_step"
    assert made["versions"]["mesa"].startswith("3.")


def test_sweep_takes_every_front_end_option(tmp_path):
    from sim.cli import build_parser

    for command in ("run", "sweep"):
        parser, _ = build_parser(command)
        args = parser.parse_args([command, "x", "--retries", "2", "--dask-local", "2", "-q"])
        assert args.retries == 2 and args.dask_local == 2
        assert parser.parse_args([command, "x"]).jobs >= 1


def test_batch_and_sweep_run_clean_with_deprecation_and_future_warnings_as_errors(folder,
                                                                                  tmp_path):
    # Issue 12 item 7 (Mesa 4 ready): Mesa's deprecations (seed=, model.steps, batch_run,
    # NetworkGrid ...) would fail here, in the batch process and in its pool workers.
    import os
    import subprocess
    import sys

    env = {**os.environ, "COOPSIM_SCENARIOS": str(folder),
           "PYTHONWARNINGS": "error::DeprecationWarning,error::FutureWarning"}
    experiment = tmp_path / "as-sweep.toml"
    experiment.write_text('title = "t"\ndesign = "scenarios"\nscenarios = ["small"]\n'
                          "replicates = 2\nsteps = 3\n")
    for argv in (["run", "small", "budget", "-r", "2", "-t", "3", "-j", "2", "-q", "-o",
                  str(tmp_path / "b")],
                 ["sweep", str(experiment), "--jobs", "2", "--no-progress", "--out",
                  str(tmp_path / "s")]):
        done = subprocess.run([sys.executable, "-m", "sim", *argv], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "Warning" not in done.stderr


def test_the_model_keeps_the_mesa_examples_contract():
    import warnings

    from sim.model import CooperationModel

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        warnings.simplefilter("error", FutureWarning)
        model = CooperationModel()
        model.run_for(10)
    assert model.time == 10


def test_defect_13_21_sweep_network_files_are_checked_before_any_run(tmp_path, capsys):
    bad = tmp_path / "broken.graphml"
    bad.write_text("<graphml>not a network")
    experiment = tmp_path / "nets.toml"
    experiment.write_text(textwrap.dedent(f"""
        title = "networks"
        steps = 3
        [vary]
        network_file = {{ values = ["{bad}", "{tmp_path / 'missing.graphml'}"] }}
        """))
    out = tmp_path / "sweep"
    code = cli.main(["sweep", str(experiment), "--out", str(out), "--jobs", "1",
                     "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and str(bad) in err
    assert "Traceback" not in err
    assert not (out / "results").exists() and not (out / "parts").exists()


@pytest.mark.parametrize("command", ["run", "sweep", "demo"])
def test_defect_13_12_an_out_that_cannot_be_made_is_a_message_not_a_traceback(
        command, folder, tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    out = str(blocker / "out")
    experiment = tmp_path / "e.toml"
    experiment.write_text('title = "t"\nsteps = 2\n[vary]\naudit_prob_per_step = [0.0, 0.1]\n')
    argv = {"run": ["run", "small", "-r", "1", "-t", "2", "-j", "1", "-q", "-o", out],
            "sweep": ["sweep", str(experiment), "--jobs", "1", "--no-progress", "--out", out],
            "demo": ["demo", "-r", "1", "-t", "2", "-j", "1", "-q", "--out", out]}[command]
    if command == "demo":
        monkeypatch.delenv("COOPSIM_SCENARIOS")  # the demo runs the shipped scenarios
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(blocker) in err and "Traceback" not in err


def test_defect_13_13_a_negative_seed_is_refused_with_a_message(folder, capsys):
    assert cli.main(["run", "small", "--seed", "-5", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --seed:") and "-5" in err


def test_defect_13_19_a_garbage_batch_json_is_named_as_unreadable(tmp_path):
    from sim.plan import RunSpec
    from sim.store import StoreMismatchError

    (tmp_path / "batch.json").write_text('{"garbage": true}')
    with pytest.raises(StoreMismatchError) as info:
        RunStore(tmp_path).open_batch([RunSpec("a", {}, 1, 2)])
    assert "unreadable batch.json" in str(info.value) and "None" not in str(info.value)


def test_defect_13_06_a_rerun_repairs_outputs_left_stale_by_a_killed_extension(folder,
                                                                              tmp_path):
    out = tmp_path / "grow"
    args = ["run", "small", "-t", "4", "--seed", "2", "-j", "1", "-q", "-o", str(out)]
    assert cli.main([*args, "-r", "2"]) == 0
    stale = {name: (out / name).read_bytes() for name in ("report.md", "manifest.json",
                                                          "summary.csv")}
    assert cli.main([*args, "-r", "3"]) == 0
    for name, data in stale.items():  # as a kill after the runs, before these, left them
        (out / name).write_bytes(data)
    assert cli.main([*args, "-r", "3"]) == 0
    assert json.loads((out / "manifest.json").read_text())["replicates"] == 3
    assert json.loads((out / "manifest.json").read_text())["runs"]["computed_now"] == 0
    assert "3 replicates" in (out / "report.md").read_text()
    summary = pd.read_csv(out / "summary.csv").set_index("output")
    assert summary.loc["content_share", "n"] == 3
    assert pd.read_csv(out / "steps.csv")["replicate"].nunique() == 3
    assert not list(out.rglob(".*.tmp"))


def test_the_cli_imports_only_the_command_it_runs():
    import subprocess
    import sys

    probe = ("import sys; from sim import cli; cli.build_parser({!r}); "
             "print(sorted(m for m in sys.modules if m.startswith(('sim.batch', 'sim.sweep', "
             "'sim.games', 'sim.viz', 'sim.demo', 'sim.engine', 'sim.store'))))")
    for command, allowed in ((None, set()), ("run", {"sim.batch", "sim.batch.cli", "sim.sweep",
                                                     "sim.sweep.executors"})):
        done = subprocess.run([sys.executable, "-c", probe.format(command)], capture_output=True,
                              text=True, timeout=120, check=True)
        assert set(eval(done.stdout)) <= allowed, done.stdout  # noqa: S307 - our own output


def test_the_store_does_not_import_the_runner_and_run_specs_live_in_the_plan():
    import subprocess
    import sys

    probe = "import sys, sim.store; print('sim.runner' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "False"
    from sim import plan, runner, store

    assert runner.RunSpec is plan.RunSpec and store.RunSpec is plan.RunSpec


def test_defect_13_11_a_plan_too_large_to_hold_is_refused_before_it_is_built(folder, tmp_path,
                                                                              capsys):
    assert cli.main(["run", "small", "-r", "1000000000", "-q", "-o", str(tmp_path / "b")]) == 2
    assert "1,000,000,000 runs" in capsys.readouterr().err
    experiment = tmp_path / "huge.toml"
    experiment.write_text(textwrap.dedent("""
        title = "huge"
        [vary]
        subsidy_per_content_step = { low = 0.0, high = 4.0, num = 1000000 }
        audit_prob_per_step = { low = 0.0, high = 0.4, num = 1000000 }
        """))
    assert cli.main(["sweep", str(experiment), "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert "1,000,000,000,000 runs" in err and "Traceback" not in err
    assert not (tmp_path / "b").exists() and not (tmp_path / "s").exists()
