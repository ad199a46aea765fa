"""Issue 13, the input side: each numbered defect reproduced, and now refused with a message.

Test names carry the item number (``test_defect_13_NN_...``) so the list can be re-checked.
The class-wide property test (every numeric input of every file format, fed
non-finite and extreme numbers) is ``test_defect_13_class_*`` at the end.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from test_network_io import EDGES, NODES  # noqa: E402  (the same small county)

from sim.network_io import NetworkFileError, load_network
from sim.params import ParameterError, Parameters, specs
from sim.scenarios import (
    MAX_EXTENDS_DEPTH,
    ScenarioError,
    check_distinct_names,
    load_scenario,
)

#: (column, line in NODES, its text there): every numeric cell of the nodes file.
NUMERIC_CELLS = [("size", 3, "2.0"), ("age", 3, "20"), ("intake", 2, "300")]
NON_FINITE = ["inf", "-inf", "nan", "NaN", "Infinity", "1e400", "-1e999"]


def pair(folder: Path, nodes: str = NODES, edges: str = EDGES) -> Path:
    """Write a CSV network pair into ``folder``; return the nodes file."""
    (folder / "c-nodes.csv").write_text(nodes)
    (folder / "c-edges.csv").write_text(edges)
    return folder / "c-nodes.csv"


def set_cell(nodes: str, column: str, line: int, text: str) -> str:
    """``nodes`` with the cell ``column`` of line ``line`` (1 = header) replaced."""
    rows = [r.split(",") for r in nodes.splitlines()]
    rows[line - 1][rows[0].index(column)] = text
    return "\n".join(",".join(r) for r in rows) + "\n"


HEAD = 'title = "T"\ndescription = "D"\n'


def scenario(folder: Path, name: str, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``folder/name.toml``; return its path."""
    path = folder / f"{name}.toml"
    path.write_text(text, encoding=encoding)
    return path


def column_of(column: str) -> int:
    return NODES.splitlines()[0].split(",").index(column) + 1


# ---------------------------------------------------------------- 3: non-finite numbers


@pytest.mark.parametrize("text", NON_FINITE)
@pytest.mark.parametrize("column, line, _", NUMERIC_CELLS)
def test_defect_13_03_nonfinite_csv_cell_refused_with_file_line_column(tmp_path, column, line,
                                                                       _, text):
    path = pair(tmp_path, set_cell(NODES, column, line, text))
    with pytest.raises(NetworkFileError) as err:
        load_network(path)
    assert str(err.value).startswith(f"{path}:{line}: {column} ")
    assert "not a finite number" in str(err.value)
    assert str(err.value).endswith(f"(column {column_of(column)})")


@pytest.mark.parametrize("text", ["inf", "nan", "1e400"])
def test_defect_13_03_nonfinite_major_share_refused(tmp_path, text):
    nodes = NODES.replace("manufacturing:0.7", f"manufacturing:{text}")
    with pytest.raises(NetworkFileError, match=r"c-nodes.csv:2: majors share of 'manufacturing' "
                                               rf".* not a finite .*\(column {column_of('majors')}"
                                               r"\)$"):
        load_network(pair(tmp_path, nodes))


@pytest.mark.parametrize("attribute, old, new", [
    ("size", ">2.0<", ">INF<"), ("size", ">2.0<", ">NaN<"), ("intake", ">300<", ">inf<"),
    ("age", ">20.0<", ">-inf<")])
def test_defect_13_03_nonfinite_graphml_value_refused_with_line_and_column(tmp_path, attribute,
                                                                           old, new):
    g = load_network(pair(tmp_path))
    nx.write_graphml(g, tmp_path / "g.graphml")
    text = (tmp_path / "g.graphml").read_text()
    assert old in text
    path = tmp_path / "bad.graphml"
    path.write_text(text.replace(old, new, 1))
    line = next(n for n, row in enumerate(path.read_text().splitlines(), start=1) if new in row)
    with pytest.raises(NetworkFileError,
                       match=rf"bad.graphml:{line}: node '[se]1': {attribute} .*not a "
                             r"finite number.*\(column \d+\)$"):
        load_network(path)


# ---------------------------------------------------------------- 4: GraphML duplicates, directions


def _graphml_text(tmp_path: Path) -> str:
    nx.write_graphml(load_network(pair(tmp_path)), tmp_path / "g.graphml")
    return (tmp_path / "g.graphml").read_text()


@pytest.mark.parametrize("industry", ["commerce", "manufacturing"])
def test_defect_13_04_graphml_duplicate_node_id_refused_with_both_lines(tmp_path, industry):
    text = _graphml_text(tmp_path)
    start = text.index('<node id="e3">')
    end = text.index("</node>", start) + len("</node>")
    copy = text[start:end].replace("commerce", industry)  # differing or identical copy
    path = tmp_path / "dup.graphml"
    path.write_text(text[:end] + "\n    " + copy + text[end:])
    lines = [n for n, row in enumerate(path.read_text().splitlines(), start=1)
             if '<node id="e3">' in row]
    assert len(lines) == 2
    with pytest.raises(NetworkFileError,
                       match=rf"dup.graphml:{lines[1]}: duplicate node id 'e3' \(first at "
                             rf".*dup.graphml:{lines[0]}, column \d+\)"):
        load_network(path)


def test_defect_13_04_directed_graphml_with_conflicting_depths_refused(tmp_path):
    g = nx.DiGraph(load_network(pair(tmp_path)))  # each tie in both directions
    g.edges["e1", "s1"]["depth"] = 3  # s1->e1 keeps practice (2)
    nx.write_graphml(g, tmp_path / "d.graphml")
    with pytest.raises(NetworkFileError, match=r"d.graphml:\d+: edge 'e1'-'s1': a "
                                               r"partnership tie at depth content, but 's1'-'e1'"
                                               r" at .*d.graphml:\d+ gives .* depth practice"):
        load_network(tmp_path / "d.graphml")


def test_defect_13_04_directed_graphml_with_agreeing_directions_loads(tmp_path):
    undirected = load_network(pair(tmp_path))
    nx.write_graphml(nx.DiGraph(undirected), tmp_path / "d.graphml")
    assert nx.utils.graphs_equal(load_network(tmp_path / "d.graphml"), undirected)


# ---------------------------------------------------------------- 14: int parameters and intake


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 1e400, 10 ** 400])
@pytest.mark.parametrize("name", [n for n, _, kind, _ in specs() if kind in (int, float)])
def test_defect_13_14_nonfinite_or_huge_parameter_is_a_parameter_error(name, value):
    with pytest.raises(ParameterError) as err:
        Parameters(**{name: value})
    assert err.value.field_name == name
    assert str(err.value).startswith(f"{name} = ")
    assert len(str(err.value)) < 200  # a 400-digit integer is cut short


def test_defect_13_14_intake_inf_in_a_network_file_names_file_line_column(tmp_path):
    path = pair(tmp_path, set_cell(NODES, "intake", 2, "inf"))
    with pytest.raises(NetworkFileError, match=r"c-nodes.csv:2: intake 'inf' is not a finite "
                                               rf"number.*\(column {column_of('intake')}\)$"):
        load_network(path)


# ---------------------------------------------------------------- 19: misleading messages


@pytest.mark.parametrize("keep", [0, 1])
def test_defect_13_19_too_few_enterprises_says_the_two_enterprise_minimum(tmp_path, keep):
    lines = NODES.splitlines()
    enterprises = [row for row in lines if ",enterprise," in row]
    nodes = "\n".join(r for r in lines if r not in enterprises[keep:]) + "\n"
    edges = "source,target,tie,depth\ns1,e1,partnership,\n" if keep else (
        "source,target,tie,depth\nd1,s1,jurisdiction,\n")
    with pytest.raises(NetworkFileError, match=rf"needs at least 1 school and 2 enterprises "
                                               rf"\(found 1 schools, {keep} enterprises\)"):
        load_network(pair(tmp_path, nodes, edges))


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "+inf", "1e400"])
@pytest.mark.parametrize("group, name", [("scale", "n_schools"),
                                         ("supervision", "audit_prob_per_step")])
def test_defect_13_03_nonfinite_scenario_value_refused_with_line_and_column(tmp_path, text,
                                                                          group, name):
    line = f"{name} = {{ value = {text}, source = \"assumption\" }}"
    path = scenario(tmp_path, "x", HEAD + f"[{group}]\n{line}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    column = line.index(text) + 1
    assert str(err.value).startswith(f"{path}:4: [{group}] {name} = ")
    assert str(err.value).endswith(f"(column {column})")
    assert "must be a finite number" in str(err.value)
    assert (err.value.line, err.value.column, err.value.key) == (4, column, name)


# ---------------------------------------------------------------- 16: extends depth


def test_defect_13_16_extends_chain_depth_is_bounded_and_the_chain_named(tmp_path):
    depth = 1500  # the depth that hit RecursionError
    for k in range(depth):
        scenario(tmp_path, f"s{k}", HEAD + f'extends = "s{k + 1}"\n')
    scenario(tmp_path, f"s{depth}", HEAD)
    with pytest.raises(ScenarioError) as err:
        load_scenario(tmp_path / "s0.toml")
    message = str(err.value)
    assert message.startswith(f"{tmp_path / 's0.toml'}: extends: chain longer than "
                              f"{MAX_EXTENDS_DEPTH} parents: s0 -> s1 -> s2 -> s3 -> ... (")
    assert f"s{MAX_EXTENDS_DEPTH + 1}" in message and err.value.key == "extends"


def test_defect_13_16_a_chain_at_the_bound_still_loads(tmp_path):
    for k in range(MAX_EXTENDS_DEPTH):
        scenario(tmp_path, f"s{k}", HEAD + f'extends = "s{k + 1}"\n')
    scenario(tmp_path, f"s{MAX_EXTENDS_DEPTH}", HEAD + "[scale]\n"
             "n_schools = { value = 7, source = \"assumption\" }\n")
    loaded = load_scenario(tmp_path / "s0.toml")
    assert len(loaded.extends) == MAX_EXTENDS_DEPTH and loaded.params.n_schools == 7


# ---------------------------------------------------------------- 19: scenario messages


def test_defect_13_19_group_name_given_a_value_says_it_is_a_table(tmp_path):
    path = scenario(tmp_path, "x", HEAD + "supervision = 5\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert message.startswith(f"{path}:3: supervision = 5: supervision is a parameter group")
    assert "[supervision]" in message and "did you mean" not in message


@pytest.mark.parametrize("key", ["title", "description"])
def test_defect_13_19_title_of_the_wrong_type_is_not_called_missing(tmp_path, key):
    text = HEAD.replace(f'{key} = "{key[0].upper()}"', f"{key} = 5")
    path = scenario(tmp_path, "x", text)
    line = 1 if key == "title" else 2
    with pytest.raises(ScenarioError, match=rf"x.toml:{line}: {key}: must be a non-empty "
                                            r"string, got 5") as err:
        load_scenario(path)
    assert "missing" not in str(err.value)


def test_defect_13_19_source_of_the_wrong_type_is_not_called_missing(tmp_path):
    path = scenario(tmp_path, "x", HEAD + "[supervision]\n"
                    "audit_prob_per_step = { value = 0.1, source = 5 }\n")
    with pytest.raises(ScenarioError, match=r"x.toml:4: \[supervision\] audit_prob_per_step: "
                                            r"source = 5: must be a non-empty string") as err:
        load_scenario(path)
    assert "missing" not in str(err.value)


def test_defect_13_19_utf8_byte_order_mark_is_accepted(tmp_path):
    text = HEAD + "[supervision]\naudit_prob_per_step = { value = 0.3, source = \"assumption\" }\n"
    path = scenario(tmp_path, "bom", text, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    loaded = load_scenario(path)
    assert loaded.title == "T" and loaded.params.audit_prob_per_step == 0.3
    assert loaded.provenance["audit_prob_per_step"] == "assumption"


def test_defect_13_19_two_files_with_one_name_are_named_both(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = load_scenario(scenario(tmp_path / "a", "county", HEAD))
    second = load_scenario(scenario(tmp_path / "b", "county", HEAD))
    check_distinct_names([first, first])  # the same file twice is a repeat, not a clash
    with pytest.raises(ScenarioError) as err:
        check_distinct_names([first, second])
    message = str(err.value)
    assert str(first.path) in message and str(second.path) in message
    assert "'county'" in message and "given more than once" not in message


# ---------------------------------------------------------------- games: 3, 5, 10, 11, 13, 23, 24

ROOT = Path(__file__).resolve().parents[1]
HAND = ROOT / "scenarios" / "games" / "hand-example.toml"


def game_cli(argv: list[str]) -> int:
    import argparse

    from sim.games import cli

    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return cli.main(parser.parse_args(argv))


@pytest.mark.parametrize("old, new, place", [
    ("value = 3.0", "value = inf", "parameters.s.value"),
    ("value = 3.0", "value = nan", "parameters.s.value"),
    ("value = 3.0", "value = -inf", "parameters.s.value"),
    ('"b + h"', "inf", 'payoffs."strict/active/content".enterprise'),
    ('"b + h"', "1e400", 'payoffs."strict/active/content".enterprise'),
    ('"b + h"', '"1e999 * b + h"', 'payoffs."strict/active/content".enterprise'),
])
def test_defect_13_03_nonfinite_game_value_refused_with_line_and_column(tmp_path, old, new,
                                                                        place):
    from sim.games.spec import GameSpecError, load_game

    text = HAND.read_text()
    assert old in text
    path = tmp_path / "g.toml"
    path.write_text(text.replace(old, new, 1))
    line = next(n for n, row in enumerate(path.read_text().splitlines(), start=1) if new in row)
    row = path.read_text().splitlines()[line - 1]
    value = new.split("= ")[-1]  # the column is that of the value itself
    column = row.index(value, row.index(new)) + 1
    with pytest.raises(GameSpecError) as err:
        load_game(path)
    assert (err.value.place, err.value.line, err.value.column) == (place, line, column)
    assert str(err.value).startswith(f"{path}:{line}: {place}: ")
    assert str(err.value).endswith(f"(column {column})")
    assert "finite" in err.value.message


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "0", "-1"])
def test_defect_13_05_and_10_nonfinite_t_max_refused_before_any_output(tmp_path, capsys,
                                                                       value):
    out = tmp_path / "figs"
    assert game_cli([str(HAND), f"--t-max={value}", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"error: {HAND}: --t-max: must be a finite number above 0")
    assert captured.out == ""  # refused before the table, so nothing hangs after it
    assert not out.exists()  # no empty figures


def test_defect_13_11_huge_agent_population_refused_with_a_memory_estimate(tmp_path, capsys):
    out = tmp_path / "figs"
    assert game_cli([str(HAND), "--agents", "--sizes", "1000000000", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {HAND}: --sizes: this agent run would need about ")
    assert "3,000,000,000 agents" in err and "available; lower --sizes" in err
    assert not out.exists()


def test_defect_13_11_memory_check_compares_estimate_and_what_is_available():
    from sim.games import cli, runs
    from sim.games.spec import load_game

    game = load_game(HAND)
    steps = cli.check_resources(game, 4.0, 0.5, (100, 100, 100), 2, available=10 ** 12)
    assert steps == runs.steps_for(game, 4.0, 0.5) > 0
    need = sum(runs.memory_estimate(steps, (100, 100, 100), 2).values())
    with pytest.raises(cli._UsageError) as err:  # just too little memory
        cli.check_resources(game, 4.0, 0.5, (100, 100, 100), 2,
                            available=int(need / runs.MEMORY_SHARE) - 1)
    assert err.value.place == "--sizes"
    with pytest.raises(cli._UsageError) as err:  # steps beyond counting: --t-max to blame
        cli.check_resources(game, 1e308, 0.5, (100, 100, 100), 2, available=10 ** 12)
    assert err.value.place == "--t-max"


@pytest.mark.parametrize("sigint_at_start", ["default", "ignored"])
def test_defect_13_11_ctrl_c_during_an_agent_run_stops_it_cleanly(tmp_path, sigint_at_start):
    # "ignored": a background job of a non-interactive shell starts with SIGINT ignored
    # (as `./.ci/run &` does); Ctrl-C must still stop the run, as it stops a batch.
    import os
    import signal
    import subprocess
    import sys

    from sim.games.cli import HOLD_ENV

    def start_as_asked() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN if sigint_at_start == "ignored"
                      else signal.SIG_DFL)

    out = tmp_path / "figs"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "game", str(HAND), "--agents", "--sizes", "20",
         "--replicates", "3", "--t-max", "2", "--out", str(out)],
        cwd=ROOT, env={**os.environ, HOLD_ENV: "1"}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=start_as_asked)
    try:
        seen = []
        for line in proc.stderr:  # the hook holds the run after the first replicate's line
            seen.append(line)
            if line.startswith("agents: replicate 1/3 done"):
                break
        assert seen and seen[-1].startswith("agents: replicate 1/3 done"), seen
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        _, err = proc.communicate(timeout=120)  # a hang guard only
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "interrupted: the game run stopped" in err and "Traceback" not in err
    assert not list(out.glob("agents*")) and not list(out.glob(".*.tmp"))


@pytest.mark.parametrize("seed", ["-1", "-5"])
def test_defect_13_13_negative_game_seed_refused_with_a_message(tmp_path, capsys, seed):
    assert game_cli([str(HAND), "--agents", "--sizes", "10", "--no-plots", "--seed", seed,
                     "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {HAND}: --seed: must be 0 or more")
    assert "Traceback" not in err


def test_defect_13_23_same_game_figures_give_the_same_bytes(tmp_path):
    from sim.games import plots
    from sim.games.replicator import integrate, pure_equilibria
    from sim.games.runs import run_agents
    from sim.games.spec import load_game

    game = load_game(HAND)
    payoffs = game.payoff_array()
    trajectories = [integrate(payoffs, (0.4, 0.6, 0.5), t_max=3.0)]
    run = run_agents(game, 3.0, (0.4, 0.6, 0.5), sizes=(30, 30, 30), replicates=2, seed=4)
    ode = integrate(payoffs, (0.4, 0.6, 0.5), t_eval=run.ode_t)
    written = {}
    for copy in ("a", "b"):
        folder = tmp_path / copy
        paths = (plots.plot_phase(game, trajectories, pure_equilibria(payoffs), folder / "phase")
                 + plots.plot_shares(game, trajectories, folder / "shares")
                 + plots.plot_agents(game, ode, run, folder / "agents"))
        written[copy] = {p.name: p.read_bytes() for p in paths}
    assert len(written["a"]) == 9  # three figures, each PDF, SVG and PNG
    assert written["a"] == written["b"]
    svg = written["a"]["phase.svg"].decode()
    assert "<dc:date>" not in svg  # no timestamp


def test_defect_13_24_no_plots_writes_no_agent_figures(tmp_path, capsys):
    out = tmp_path / "figs"
    assert game_cli([str(HAND), "--agents", "--sizes", "20", "--replicates", "1", "--t-max", "2",
                     "--no-plots", "--out", str(out)]) == 0
    # no figures: the agent CSV and the stability table (issue 14) only
    assert sorted(p.name for p in out.iterdir()) == ["agents.csv", "ess_table.csv", "ess_table.tex"]
    assert "wrote" in capsys.readouterr().out


# ---------------------------------------------------------------- 14 in the live view, 18: viz


def test_defect_13_14_live_view_shows_the_network_file_line_for_intake_inf(tmp_path,
                                                                          monkeypatch):
    solara = pytest.importorskip("solara")
    from sim.viz import app

    nets = tmp_path / "nets"
    nets.mkdir()
    nodes = pair(nets, set_cell(NODES, "intake", 2, "inf"))
    (tmp_path / "county.toml").write_text(HEAD + f'network_file = "{nodes}"\n')
    monkeypatch.setenv("COOPSIM_SCENARIOS", str(tmp_path))
    state = app.ViewState(params=Parameters(n_enterprises=300, n_schools=6), seed=7)
    model = solara.reactive(app.ViewModel(state))
    before = model.value
    assert not state.choose_scenario("county", model)
    assert model.value is before
    assert f"{nodes}:2: intake 'inf' is not a finite number" in state.error.value
    assert f"(column {column_of('intake')})" in state.error.value
    assert "OverflowError" not in state.error.value


@pytest.mark.parametrize("value", [math.inf, math.nan])
def test_defect_13_14_live_view_refuses_inf_in_an_int_field_naming_it(value):
    pytest.importorskip("solara")
    from sim.viz import app

    state = app.ViewState(params=Parameters(n_enterprises=300, n_schools=6), seed=7)
    assert not state.set_value("n_schools", value)
    assert state.error.value.startswith("n_schools = ")
    assert "finite number" in state.error.value and state.values.value["n_schools"] == 6


def test_defect_13_18_viz_on_a_busy_port_says_so_before_printing_a_url(capsys, monkeypatch):
    import argparse
    import os
    import socket

    from sim.viz import cli

    def no_server(*_args):
        raise AssertionError("the server was started on a busy port")

    monkeypatch.setattr(os, "execve", no_server)
    monkeypatch.setattr(cli.subprocess, "call", no_server)
    with socket.socket() as other:  # another server holds the port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        args = argparse.Namespace(port=port, scenarios=None, no_assets=True)
        assert cli.main(args) == 2
    captured = capsys.readouterr()
    assert "live view:" not in captured.out and "http://" not in captured.out
    assert captured.err.startswith(f"error: --port: 127.0.0.1:{port} cannot be used")
    assert "--port 0" in captured.err and "Traceback" not in captured.err


def test_defect_13_18_a_free_port_is_reported_free():
    from sim.viz import cli

    assert cli.port_in_use(cli.free_port()) is None


# ---------------------------------------------------------------- the class: every numeric input

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

#: Non-finite and extreme numbers, as the number a file means and as text written in it.
NUMBERS = st.one_of(
    st.sampled_from([math.inf, -math.inf, math.nan, 1e308, -1e308, 5e-324, 0.0, -0.0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1).map(float),
)
CSV_SPELLINGS = ["inf", "-inf", "nan", "NaN", "Infinity", "-Infinity", "1e400", "-1e400",
                 "1e308", "1e-400", "0", "-0", "1"]
PROPERTY = settings(max_examples=40, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _text(value: float) -> str:
    """How a person would write ``value`` in a CSV cell or TOML (``repr`` is valid in both)."""
    return repr(value) if not float(value).is_integer() else repr(int(value))


def _in_range(value: float, low: float, high: float, strict_low: bool = False) -> bool:
    return math.isfinite(value) and (value > low if strict_low else value >= low) and (
        value <= high)


@PROPERTY
@given(column=st.sampled_from(NUMERIC_CELLS),
       text=st.one_of(st.sampled_from(CSV_SPELLINGS), NUMBERS.map(_text)))
def test_defect_13_class_network_csv_numbers_refused_or_in_range(tmp_path, column, text):
    from sim.network_io import LIMITS

    name, line, _ = column
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = pair(folder, set_cell(NODES, name, line, text))
    try:
        g = load_network(path)
    except NetworkFileError as err:
        assert str(err).startswith(f"{path}:{line}: {name} "), err
        assert str(err).endswith(f"(column {column_of(name)})"), err
        return
    node = "s1" if name == "intake" else "e1"
    value = float(text)
    assert _in_range(value, *LIMITS[name]), f"{name} = {text} accepted"
    assert g.nodes[node][name] == value


@PROPERTY
@given(text=st.one_of(st.sampled_from(CSV_SPELLINGS), NUMBERS.map(_text)))
def test_defect_13_class_network_csv_major_shares_and_depths(tmp_path, text):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = pair(folder, NODES.replace("manufacturing:0.7", f"manufacturing:{text}"))
    try:
        load_network(path)
    except NetworkFileError as err:
        assert str(err).startswith(f"{path}:2: majors "), err
        assert str(err).endswith(f"(column {column_of('majors')})"), err
    else:
        assert 0 <= float(text) <= 1e6
    path = pair(folder, edges=EDGES.replace("partnership,practice", f"partnership,{text}"))
    try:
        g = load_network(path)
    except NetworkFileError as err:
        assert str(err).startswith(f"{folder / 'c-edges.csv'}:2: depth "), err
        assert str(err).endswith("(column 4)"), err
    else:
        assert g.edges["s1", "e1"]["depth"] == float(text) and float(text) in (0, 1, 2, 3)


def graphml(name: str, kind: str, text: str) -> str:
    """A small county as GraphML whose one ``name`` value (of e1, or s1 for intake) is ``text``.

    ``name`` is declared with ``attr.type`` ``kind``; no other node carries it, so
    the value under test is the only one read with that type.
    """
    target = "s1" if name == "intake" else "e1"
    nodes = {"s1": {"type": "school", "majors": "manufacturing"},
             "e1": {"type": "enterprise", "industry": "manufacturing"},
             "e2": {"type": "enterprise", "industry": "manufacturing"}}
    nodes[target][name] = text
    keys = {"type": "string", "majors": "string", "industry": "string", name: kind}
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">']
    lines += [f'  <key id="{k}" for="node" attr.name="{k}" attr.type="{t}"/>'
              for k, t in keys.items()]
    lines += ['  <key id="tie" for="edge" attr.name="tie" attr.type="string"/>',
              '  <graph edgedefault="undirected">']
    for node, data in nodes.items():
        lines.append(f'    <node id="{node}">')
        lines += [f'      <data key="{k}">{v}</data>' for k, v in data.items()]
        lines.append("    </node>")
    lines += ['    <edge source="s1" target="e1"><data key="tie">partnership</data></edge>',
              "  </graph>", "</graphml>"]
    return "\n".join(lines) + "\n"


@PROPERTY
@given(column=st.sampled_from(NUMERIC_CELLS), kind=st.sampled_from(["double", "long", "string"]),
       text=st.one_of(st.sampled_from(CSV_SPELLINGS + ["INF", "NaN"]), NUMBERS.map(_text)))
def test_defect_13_class_graphml_numbers_refused_or_in_range(tmp_path, column, kind, text):
    from sim.network_io import LIMITS

    name = column[0]
    node = "s1" if name == "intake" else "e1"
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "g.graphml"
    path.write_text(graphml(name, kind, text))
    line = next(n for n, row in enumerate(path.read_text().splitlines(), start=1)
                if f'<data key="{name}">' in row)
    try:
        g = load_network(path)
    except NetworkFileError as err:
        assert str(err).startswith(f"{path}:{line}: node '{node}': {name} "), err
        assert str(err).endswith("(column 7)"), err
        return
    value = float(text)
    assert _in_range(value, *LIMITS[name]), f"{name} = {text} accepted as {kind}"
    assert g.nodes[node][name] == value


NUMERIC_PARAMETERS = [(n, spec.group) for n, _, kind, spec in specs() if kind in (int, float)]


@PROPERTY
@given(parameter=st.sampled_from(NUMERIC_PARAMETERS), value=NUMBERS)
def test_defect_13_class_scenario_numbers_refused_or_in_range(tmp_path, parameter, value):
    from sim.params import spec

    name, group = parameter
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    text = _text(value)
    path = scenario(folder, "x", HEAD + f"[{group}]\n"
                    f"{name} = {{ value = {text}, source = \"assumption\" }}\n")
    try:
        loaded = load_scenario(path)
    except ScenarioError as err:
        assert str(err).startswith(f"{path}:4:"), err
        assert f"[{group}] {name} = " in str(err) and err.key == name
        return
    declared = spec(name)
    assert _in_range(float(value), declared.low, declared.high), f"{name} = {text} accepted"
    assert getattr(loaded.params, name) == float(value)


@PROPERTY
@given(parameter=st.sampled_from([n for n, _ in NUMERIC_PARAMETERS]),
       value=st.one_of(NUMBERS, st.integers(min_value=-(10 ** 400), max_value=10 ** 400)))
def test_defect_13_class_parameters_from_any_mapping_refused_or_in_range(parameter, value):
    # Experiment files, sweeps and the live view all build Parameters from a mapping.
    from sim.params import spec

    try:
        params = Parameters.from_mapping({parameter: value}, where="exp.toml: ")
    except ParameterError as err:
        assert str(err).startswith(f"exp.toml: {parameter} = ") and err.field_name == parameter
        assert len(str(err)) < 300
        return
    declared = spec(parameter)
    assert math.isfinite(value) and declared.low <= value <= declared.high
    assert getattr(params, parameter) == value


GAME_SLOTS = [("value = 3.0", "parameters.s.value", "{}"),
              ('"b + h"', 'payoffs."strict/active/content".enterprise', "{}"),
              ('"b + h"', 'payoffs."strict/active/content".enterprise', '"{} * b + h"')]


@PROPERTY
@given(slot=st.sampled_from(GAME_SLOTS), value=NUMBERS)
def test_defect_13_class_game_numbers_refused_or_finite(tmp_path, slot, value):
    from sim.games.spec import GameSpecError, load_game

    old, place, template = slot
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "g.toml"
    written = "value = " + template.format(_text(value)) if old.startswith("value") else (
        template.format(_text(value)))
    path.write_text(HAND.read_text().replace(old, written, 1))
    try:
        game = load_game(path)
    except GameSpecError as err:
        assert err.path == str(path) and err.line is not None, err
        assert err.place == place or err.place.startswith("payoffs."), err
        return
    assert math.isfinite(value)
    assert np.isfinite(game.payoff_array()).all()
