"""``python -m sim game``: table, JSON, figures, agent overlay and error handling."""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.games import cli

ROOT = Path(__file__).resolve().parents[1]
GAMES = ROOT / "scenarios" / "games"
HAND = str(GAMES / "hand-example.toml")


def run(argv):
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return cli.main(parser.parse_args(argv))


def test_json_output_is_exactly_the_specified_table(tmp_path, capsys):
    out = tmp_path / "eq.json"
    assert run([HAND, "--json", str(out), "--no-plots"]) == 0
    table = json.loads(out.read_text())
    assert isinstance(table, list) and len(table) == 8
    for row in table:
        assert set(row) == {"profile", "eigenvalues", "stability"}
        assert len(row["profile"]) == 3 and all(v in (0, 1) for v in row["profile"])
        assert all(type(v) is int for v in row["profile"])
        assert len(row["eigenvalues"]) == 3 and all(type(v) is float for v in row["eigenvalues"])
        assert row["stability"] in {"ESS", "unstable", "saddle", "non-hyperbolic"}
    by_profile = {tuple(r["profile"]): r for r in table}
    assert by_profile[(1, 0, 1)] == {"profile": [1, 0, 1], "eigenvalues": [-1.0, 3.0, -2.0],
                                     "stability": "saddle"}
    assert by_profile[(0, 1, 1)]["eigenvalues"] == [1.0, -3.0, 0.0]  # no "-0.0"
    assert by_profile[(0, 1, 1)]["stability"] == "non-hyperbolic"
    printed = capsys.readouterr().out
    assert "E(1,1,1)  strict/active/content" in printed
    assert "ESS: E(0,0,0) loose/passive/form; E(1,1,1) strict/active/content" in printed


def test_set_overrides_a_parameter(tmp_path, capsys):
    out = tmp_path / "eq.json"
    # c = 0.5: strict-vs-loose advantage at z = 0 becomes -0.5.
    assert run([HAND, "--set", "c=0.5", "--json", str(out), "--no-plots"]) == 0
    table = {tuple(r["profile"]): r for r in json.loads(out.read_text())}
    assert table[(0, 0, 0)]["eigenvalues"] == [-0.5, -0.5, -0.5]
    assert "c=0.5*" in capsys.readouterr().out


def test_figures_and_agent_overlay_are_written(tmp_path, capsys):
    out = tmp_path / "figs"
    argv = [HAND, "--out", str(out), "--t-max", "4", "--init", "0.4,0.6,0.5",
            "--init", "0.2,0.2,0.2", "--agents", "--sizes", "200", "--replicates", "2"]
    assert run(argv) == 0
    for stem in ("phase3d", "shares", "agents"):
        assert (out / f"{stem}.png").stat().st_size > 0
        assert (out / f"{stem}.svg").read_text().lstrip().startswith("<?xml")
    rows = (out / "agents.csv").read_text().splitlines()
    assert rows[0].startswith("step,ode_time,mean_government,mean_school,mean_enterprise")
    assert rows[1].startswith("0,0,0.4,0.6,0.5")
    assert "agents: 2 replicates" in capsys.readouterr().out


def test_network_agents(tmp_path, capsys):
    assert run([HAND, "--out", str(tmp_path), "--no-plots", "--t-max", "2", "--agents",
                "--sizes", "100", "--replicates", "1", "--network", "ws:k=8,p=0.1"]) == 0
    assert (tmp_path / "agents-ws.csv").exists()
    assert not list(tmp_path.glob("*.png")) and not list(tmp_path.glob("*.svg"))  # --no-plots
    assert "of agents lack a neighbour" in capsys.readouterr().out


def bad_game(tmp_path, old, new):
    path = tmp_path / "bad.toml"
    path.write_text(Path(HAND).read_text().replace(old, new))
    return str(path)


@pytest.mark.parametrize("make_argv, place, fragment", [
    (lambda t: [bad_game(t, '"b + h"', '"bb + h"')],
     'payoffs."strict/active/content".enterprise', "unknown parameter 'bb'; did you mean 'b'"),
    (lambda t: [bad_game(t, '"loose/passive/form"', '"loose/passive/formm"')],
     'payoffs."loose/passive/formm"', "unknown strategy 'formm'"),
    (lambda t: [bad_game(t, '"loose/passive/form" ', '# ')], "payoffs", "missing 1 of the eight"),
    (lambda t: [bad_game(t, "value = 3.0", 'value = "3"')], "parameters.s.value",
     "expected a number"),
    (lambda t: [bad_game(t, '"g"', "\"__import__('os')\"")],
     'payoffs."strict/active/content".government', "function calls are not allowed"),
    (lambda t: [HAND, "--set", "gg=2"], "--set gg", "did you mean 'g'"),
    (lambda t: [HAND, "--set", "g=abc"], "--set g", "expected a number"),
    (lambda t: [HAND, "--set", "g"], "--set 'g'", "expected NAME=VALUE"),
    (lambda t: [HAND, "--init", "0.2,0.3"], "--init", "three shares"),
    (lambda t: [HAND, "--agents", "--network", "ws:k=8"], "--network", "missing p"),
    (lambda t: [HAND, "--agents", "--sizes", "1,2"], "--sizes", "N1,N2,N3"),
    (lambda t: [str(t / "missing.toml")], "file", "no such file"),
])
def test_errors_name_file_and_place_and_exit_2(tmp_path, capsys, make_argv, place, fragment):
    argv = make_argv(tmp_path)
    assert run([*argv, "--no-plots"]) == 2
    err = capsys.readouterr().err.strip()
    # A place inside the file also gets its line and column there.
    located = r":\d+" if place.startswith(("payoffs", "parameters")) else ""
    assert re.match(rf"error: {re.escape(argv[0])}{located}: {re.escape(place)}: ", err), err
    assert fragment in err
    assert "Traceback" not in err


def test_router_exits_2_without_traceback(tmp_path):
    bad = bad_game(tmp_path, '"b + h"', '"b + hh"')
    result = subprocess.run([sys.executable, "-m", "sim", "game", bad, "--no-plots"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert re.match(rf"error: {re.escape(bad)}:\d+: payoffs\.", result.stderr)
    assert re.search(r"\(column \d+\)$", result.stderr.strip())
    assert "did you mean 'h'" in result.stderr
    assert "Traceback" not in result.stderr
