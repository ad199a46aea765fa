"""Issue 16 item 3: ABC-SMC calibration (pyabc) to observed targets."""

from __future__ import annotations

import io
import textwrap

import pandas as pd
import pytest

from sim.cli import main as cli_main
from sim.explore.calibrate import Simulator, calibrate
from sim.explore.targets import TargetsError, load_targets

pytest.importorskip("pyabc")

TRUTH = {"training_yield_practice": 0.7, "firm_deep_capacity": 2.0}
SYNTHETIC = """
    title = "synthetic: data made by the model at a known point"
    made_up = true
    steps = 24
    seed = 3
    [fixed]
    n_schools = 2
    n_enterprises = 60
    [parameters]
    training_yield_practice = {{}}
    firm_deep_capacity = {{ low = 0.5, high = 4.0 }}
    [targets]
    practice_share = {{ value = {practice}, sd = 0.05, reduce = "mean_last_12" }}
    content_share = {{ value = {content}, sd = 0.03, reduce = "mean_last_12" }}
    [held_out]
    form_share = {{ value = {form}, sd = 0.05, reduce = "mean_last_12" }}
    [abc]
    population = 24
    generations = 3
    predictive = 6
"""


def _write(tmp_path, text, name="targets.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def _synthetic(tmp_path):
    placeholder = _write(tmp_path, SYNTHETIC.format(practice=0.3, content=0.1, form=0.6))
    simulator = Simulator(load_targets(placeholder))
    observed = simulator.run(TRUTH, salt=99)  # the data: one run at the known point
    return _write(tmp_path, SYNTHETIC.format(practice=observed["practice_share"],
                                             content=observed["content_share"],
                                             form=observed["form_share"]))


@pytest.mark.slow
def test_abc_recovers_the_point_that_made_the_data_and_continues_from_its_history(tmp_path):
    path = _synthetic(tmp_path)
    calibration = load_targets(path)
    first = calibrate(calibration, tmp_path / "out", generations=2, stream=io.StringIO())
    assert len(first.populations) == 2
    result = calibrate(calibration, tmp_path / "out", stream=io.StringIO())  # continues
    assert list(result.populations["t"]) == [0, 1, 2]
    assert result.simulations > first.simulations
    assert (result.populations["epsilon"].diff().dropna() <= 0).all()  # the threshold tightens
    post = result.posterior.set_index("parameter")
    for name, value in TRUTH.items():  # the known point lies in the 90 % posterior interval
        assert post.loc[name, "q05"] <= value <= post.loc[name, "q95"], (name, post.loc[name])
    # The depth shares inform the training value at practice: its posterior is narrower
    # than its prior (a calibration that learnt nothing would keep the prior's width).
    assert post.loc["training_yield_practice", "width_ratio"] < 0.8
    pred = result.predictive.set_index("output")
    assert list(pred["role"]) == ["target", "target", "held out"]
    assert pred.loc["practice_share", "inside_90"]
    for name in ("posterior.csv", "populations.csv", "predictive.csv", "report.md",
                 "figures/posterior.png", "figures/predictive.svg", "abc.db"):
        assert (tmp_path / "out" / name).is_file(), name
    report = (tmp_path / "out" / "report.md").read_text()
    assert "made up" in report and "width ratio" in report
    # Another targets file in the same directory is refused, naming the option.
    other = _write(tmp_path, textwrap.dedent(path.read_text()).replace("sd = 0.05", "sd = 0.07"),
                   "other.toml")
    with pytest.raises(TargetsError, match="--out: holds the calibration of another"):
        calibrate(load_targets(other), tmp_path / "out", stream=io.StringIO())


def test_simulator_seeds_are_hashes_of_the_values(tmp_path):
    sim = Simulator(load_targets(_write(tmp_path, SYNTHETIC.format(practice=0.3, content=0.1,
                                                                   form=0.6))))
    assert sim.seed_of(TRUTH) == sim.seed_of(dict(reversed(TRUTH.items())))
    assert sim.seed_of(TRUTH) != sim.seed_of({**TRUTH, "firm_deep_capacity": 2.5})
    assert sim.seed_of(TRUTH, salt=1) != sim.seed_of(TRUTH)
    assert sim.run(TRUTH) == sim.run(TRUTH)
    assert sim.params({"firm_deep_capacity": 2.0})["n_schools"] == 2  # [fixed] applied


def test_per_school_targets_divide_by_the_number_of_schools(tmp_path):
    text = SYNTHETIC.format(practice=0.3, content=0.1, form=0.6).replace(
        "[held_out]", "per_school = { column = \"partnerships_active\", per_school = true, "
        "value = 5.0, sd = 1.0 }\n    total = { column = \"partnerships_active\", value = 10.0, "
        "sd = 1.0 }\n    [held_out]")
    sim = Simulator(load_targets(_write(tmp_path, text)))
    out = sim.run(TRUTH)
    assert out["per_school"] == pytest.approx(out["total"] / 2)


def test_the_shipped_survey_is_labelled_made_up():
    calibration = load_targets("experiments/calibration/made-up-county-survey.toml")
    assert calibration.made_up and "MADE UP, NOT DATA" in calibration.description
    assert calibration.held_out and calibration.parameters


@pytest.mark.parametrize("change, place, allowed", [
    (("sd = 0.05, reduce", "sd = 0.0, reduce"), "targets.practice_share.sd", "must be above 0"),
    (("value = 0.3,", "value = \"high\","), "targets.practice_share.value", "must be a number"),
    (("practice_share = {", "practice = {"), "targets.practice", "give column = one of"),
    (('0.05, reduce = "mean_last_12" }\ncontent', '0.05, reduce = "average" }\ncontent'),
     "targets.practice_share", "allowed: end (the column's end-of-run rule)"),
    (("firm_deep_capacity = { low = 0.5, high = 4.0 }",
      "firm_deep_capacity = { low = 0.5, high = 40.0 }"), "parameters.firm_deep_capacity.high",
     "allowed [0.3, 5]"),
    (("firm_deep_capacity = {", "firm_deep_capasity = {"), "parameters.firm_deep_capasity",
     "did you mean firm_deep_capacity"),
    (("population = 24", "population = 1"), "abc.population", "whole number >= 2"),
    (("[abc]", "[abc]\n    workers = 3"), "abc.workers",
     "allowed: population, generations, min_epsilon, predictive"),
    (("form_share = {", "content_share = {"), "held_out.content_share", "is also a target"),
])
def test_malformed_targets_name_file_field_and_allowed_values(tmp_path, capsys, change, place,
                                                               allowed):
    text = textwrap.dedent(SYNTHETIC.format(practice=0.3, content=0.1, form=0.6))
    assert change[0] in text, change
    path = _write(tmp_path, text.replace(*change))
    code = cli_main(["calibrate", str(path), "--out", str(tmp_path / "out"), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{path}: {place}" in err and allowed in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_missing_targets_file_is_named(tmp_path, capsys):
    assert cli_main(["calibrate", str(tmp_path / "none.toml")]) == 2
    assert f"{tmp_path / 'none.toml'}: file: no such targets file" in capsys.readouterr().err


def test_weighted_quantile_respects_the_weights():
    # The summaries of a fake one-population history: weights respected.
    from sim.explore.calibrate import weighted_quantile

    values = pd.Series([0.0, 1.0, 2.0, 3.0]).to_numpy()
    assert weighted_quantile(values, [0.0, 0.0, 0.0, 1.0], 0.5) == pytest.approx(3.0)
    assert weighted_quantile(values, [0.25] * 4, 0.5) == pytest.approx(1.5)


def test_a_calibration_stopped_before_its_first_population_starts_afresh(tmp_path):
    import pyabc

    from sim.explore.calibrate import CONFIG, DB, config_text

    text = SYNTHETIC.format(practice=0.3, content=0.1, form=0.6).replace(
        "population = 24", "population = 6").replace("predictive = 6", "predictive = 2")
    calibration = load_targets(_write(tmp_path, text))
    out = tmp_path / "out"
    out.mkdir()
    # What a calibration killed during its first population leaves: a run with no population.
    (out / CONFIG).write_text(config_text(calibration))
    db = f"sqlite:///{out / DB}"
    prior = pyabc.Distribution(training_yield_practice=pyabc.RV("uniform", 0.2, 0.6),
                               firm_deep_capacity=pyabc.RV("uniform", 0.5, 3.5))
    pyabc.ABCSMC(lambda p: {"practice_share": 0.0}, prior, population_size=6).new(
        db, {"practice_share": 0.3, "content_share": 0.1})
    result = calibrate(calibration, out, generations=1, stream=io.StringIO())
    assert len(result.populations) == 1
    history = pyabc.History(db)
    assert len(history.all_runs()) == 1  # started afresh, not as a second run beside it
    history.id = 1
    assert history.n_populations == 1


@pytest.mark.slow
def test_a_one_process_calibration_repeats_exactly(tmp_path):
    # docs/exploration.md promises this; only pooled samplers depend on timing.
    path = _synthetic(tmp_path)
    calibration = load_targets(path)
    runs = [calibrate(calibration, tmp_path / f"out{k}", generations=2, jobs=1,
                      stream=io.StringIO()) for k in (1, 2)]
    pd.testing.assert_frame_equal(runs[0].posterior, runs[1].posterior)
    assert runs[0].simulations == runs[1].simulations
