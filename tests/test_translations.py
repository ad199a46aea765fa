"""Issue 14 items 4 and 6: Chinese reports are in Chinese, every translation lives in
sim/labels.py, and every LaTeX table the project writes is well formed.

One small batch (a scenario whose support ends, so every report section is
there), one small sweep and one game are written in English and in Chinese;
the tests read what they wrote. The tables are checked structurally (balanced
environments, booktabs rules, every row with as many cells as the column spec,
LaTeX special characters escaped) and, where TeX Live is installed (.ci/run
installs Debian's), compiled and measured against the page (docs/figures.md,
"Tables for papers").
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shutil
import string
import textwrap
from pathlib import Path

import pytest

import sim.scenarios  # noqa: F401 - import before COOPSIM_SCENARIOS is set
from sim import cli

ROOT = Path(__file__).resolve().parent.parent
SIM = ROOT / "sim"
HAND = ROOT / "scenarios" / "games" / "hand-example.toml"
#: Chinese characters and the CJK and full-width punctuation that goes with them.
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
#: Chinese characters (the source check: parsing code may name CJK punctuation, as the
#: live view does to read "1，2" as "1,2", but words are translations).
HANZI = re.compile(r"[\u4e00-\u9fff]")
#: The modules that may hold Chinese text: the translations, and the font module's notes.
MAY_HOLD_CHINESE = {"labels.py", "fonts.py"}

GRID = """
    title = "grid"
    steps = 14
    replicates = 3
    seed = 5
    [fixed]
    n_enterprises = 60
    n_schools = 3
    [vary]
    subsidy_per_content_step = [0.0, 3.0]
    audit_prob_per_step = [0.0, 0.2]
    [outputs]
    content_share = "end"
    spending_total = "end"
    partnerships_content = "end"
    spending_subsidy = "mean_last_12"
    [analysis.budget]
    cost = "spending_total"
    output = "content_share"
    limit = 5.0
"""


# ------------------------------------------------------------------ the outputs
@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Batch, sweep and game outputs in both languages: {lang: {name: text}} plus the paths."""
    base = tmp_path_factory.mktemp("lang")
    scen = base / "scen"
    scen.mkdir()
    for name, subsidy in (("plain", "{ value = 0.0, source = \"assumption\" }"),
                          ("paid", "{ schedule = { value = 3.0, start_year = 0, end_year = 1 }, "
                                   "source = \"assumption\" }")):
        (scen / f"{name}.toml").write_text(textwrap.dedent(f"""
            title = "{name}"
            description = "D"
            [scale]
            n_enterprises = {{ value = 60, source = "assumption" }}
            n_schools = {{ value = 3, source = "assumption" }}
            [financial_support]
            subsidy_per_content_step = {subsidy}
            """))
    mp = pytest.MonkeyPatch()
    mp.setenv("COOPSIM_SCENARIOS", str(scen))
    out: dict[str, dict[str, str]] = {"en": {}, "zh": {}}
    tex: dict[str, list[Path]] = {"en": [], "zh": []}
    try:
        batch, sweep = base / "batch", base / "sweep"
        grid = base / "grid.toml"
        grid.write_text(textwrap.dedent(GRID))
        for lang in ("en", "zh"):
            # The second language reuses the first one's runs (same batch, same store).
            assert cli.main(["run", "plain", "paid", "-r", "2", "-t", "26", "--seed", "3",
                             "-j", "1", "-q", "-o", str(batch), "--lang", lang]) == 0
            if lang == "en":
                assert cli.main(["sweep", str(grid), "--out", str(sweep), "-j", "1", "-q"]) == 0
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                assert cli.main(["analyze", str(sweep), "--baseline", "0", "--lang", lang]) == 0
            game_out = base / f"game-{lang}"
            parser = argparse.ArgumentParser()
            from sim.games import cli as game_cli

            game_cli.add_arguments(parser)
            shown = io.StringIO()
            with contextlib.redirect_stdout(shown):
                assert game_cli.main(parser.parse_args(
                    [str(HAND), "--no-plots", "--out", str(game_out), "--lang", lang])) == 0
            keep = base / f"kept-{lang}"
            shutil.copytree(batch, keep / "batch", ignore=shutil.ignore_patterns("*.parquet",
                                                                                  "runs"))
            shutil.copytree(sweep / "analysis", keep / "sweep")
            shutil.copytree(game_out, keep / "game")
            texts = out[lang]
            texts["batch report.md"] = (keep / "batch" / "report.md").read_text(encoding="utf-8")
            texts["sweep README.md"] = (keep / "sweep" / "README.md").read_text(encoding="utf-8")
            texts["sweep printed"] = printed.getvalue()
            texts["game printed"] = shown.getvalue().split("\nwrote ")[0]
            tex[lang] = sorted(keep.rglob("*.tex"))
            for path in tex[lang]:
                texts[path.relative_to(keep).as_posix()] = path.read_text(encoding="utf-8")
    finally:
        mp.undo()
    return out, tex


# ------------------------------------------------------------------ translations in one place
def test_no_module_outside_labels_holds_chinese_text():
    found = []
    for path in sorted(SIM.rglob("*.py")):
        if path.relative_to(SIM).as_posix() in MAY_HOLD_CHINESE:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HANZI.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:70]}")
    assert not found, "Chinese text outside sim/labels.py (move it there):\n" + "\n".join(found)


def translated_english() -> set[str]:
    """Every English phrase of three words or more that sim/labels.py translates.

    A template's literal parts between its format fields count as phrases; a
    phrase its Chinese keeps as it is (a formula of column names) does not.
    """
    from sim import labels
    from sim.outputs import COLUMNS

    pairs = [pair for table in (labels.TERMS, labels.FIGURE_CAPTION_TEXTS, labels.FIGURE_TEXTS,
                                labels.GAME_WORDS, labels.VIZ_TEXTS) for pair in table.values()]
    pairs += list(labels.TITLES.items())
    pairs += [(COLUMNS[k], zh) for k, zh in labels.OUTPUT_DEFINITIONS.items()]
    pairs += [(entry.en, entry.zh) for table in (labels.PARAMETERS, labels.OUTPUTS,
                                                  labels.GROUP_LABELS, labels.RUNGS)
              for entry in table.values()]
    phrases = set()
    for en, zh in pairs:
        for literal, *_ in string.Formatter().parse(en):
            phrase = literal.strip(" ,.;:()[]*\\")
            if len(re.findall(r"[A-Za-z]{2,}", phrase)) >= 3 and phrase not in zh:
                phrases.add(phrase)
    return phrases


def english_left(text: str, phrases: set[str]) -> list[str]:
    """The translated English phrases found in ``text``."""
    return sorted(p for p in phrases if p in text)


#: Six or more English words in a row, outside code spans, links and maths.
RUN_OF_WORDS = re.compile(r"\b[A-Za-z][a-z'-]*(?:[ ,;:]+[A-Za-z][a-z'-]*){5,}\b")


def english_runs(text: str) -> list[str]:
    """Runs of English prose in a Chinese report (file names, code and maths left out)."""
    text = re.sub(r"`[^`]*`|\]\([^)]*\)|\$[^$]*\$", " ", text)
    return RUN_OF_WORDS.findall(text)


def test_the_checks_find_english_in_a_chinese_text():
    phrases = translated_english()
    assert "Every scenario has settled" in phrases  # a whole sentence of TERMS
    assert "share of gain left after" in phrases  # the literal part of a template
    sample = "## 是否已趋于稳定？\n\nEvery scenario has settled.\n"
    assert english_left(sample, phrases) == ["Every scenario has settled"]
    assert english_runs("结果 `python -m sim run a b c d e f`：" ) == []
    assert english_runs("结果：these words have no translation at all here") != []


def test_chinese_reports_hold_no_english_that_has_a_translation(written):
    out, _ = written
    phrases = translated_english()
    left = {name: found for name, text in out["zh"].items()
            if (found := english_left(text, phrases))}
    assert not left, left
    # The English reports do hold them: the check reads what the reports say.
    assert english_left(out["en"]["batch report.md"], phrases)
    assert english_left(out["en"]["game printed"], phrases)


def test_chinese_reports_have_no_english_prose_and_every_section(written):
    out, _ = written
    prose = {name: runs for name, text in out["zh"].items()
             if not name.endswith(".tex") and (runs := english_runs(text))}
    assert not prose, prose
    batch = out["zh"]["batch report.md"]
    for heading in ("## 情景", "## 与基准情景的比较", "## 是否已趋于稳定？", "## 政策支持结束之后",
                    "## 图", "## 论文用表"):
        assert heading in batch
    assert "末步取值" in batch and "最近一届毕业生" in batch  # reducer words, output definitions
    assert "自第 0 年起为 3" in batch  # the lever schedule in words
    game = out["zh"]["game printed"]
    assert "严格监管" in game and "形式合作" in game and "演化稳定策略" in game
    assert "可手算的示例" in game  # the shipped game's title
    assert "实质合作占比" in out["zh"]["sweep README.md"]


def test_english_outputs_hold_no_chinese(written):
    out, _ = written
    chinese = {name: CJK.findall(text)[:5] for name, text in out["en"].items()
               if CJK.search(text)}
    assert not chinese, chinese


# ------------------------------------------------------------------ LaTeX tables
_TABULAR = re.compile(r"\\begin\{(tabular|longtable)\}\{((?:[^{}]|\{[^{}]*\})*)\}(.*?)"
                      r"\\end\{\1\}", re.S)
_SPECIAL = re.compile(r"(?<!\\)[_%#&^~]|(?<!\\)\$")


_STACK = re.compile(r"\\begin\{tabular\}\[[bt]\]\{@\{\}[lrc]@\{\}\}(.*?)\\end\{tabular\}")


def _columns(spec: str) -> int:
    """Columns of a tabular spec such as ``lrp{3cm}`` (rules ``|`` and ``@{}`` are none)."""
    spec = re.sub(r"@\{[^{}]*\}", "", spec)
    return len(re.findall(r"[lrc]|[pmb]\{[^{}]*\}", spec))


def _unescaped(cell: str) -> list[str]:
    """LaTeX special characters of a cell outside its maths."""
    text = re.sub(r"(?<!\\)\$.*?(?<!\\)\$", "", cell)
    return _SPECIAL.findall(text)


def tex_problems(text: str) -> list[str]:
    """What is wrong with a booktabs LaTeX table file ([] when nothing)."""
    problems = []
    open_envs: list[str] = []
    for kind, env in re.findall(r"\\(begin|end)\{([^}]+)\}", text):
        if kind == "begin":
            open_envs.append(env)
        elif not open_envs or open_envs.pop() != env:
            problems.append(f"\\end{{{env}}} closes an environment it did not open")
    problems += [f"\\begin{{{env}}} never closed" for env in open_envs]
    # A cell of stacked lines (a header broken into lines, an interval under its mean) is a
    # one-column tabular inside the cell: read as its lines' text.
    text = _STACK.sub(lambda m: " ".join(m.group(1).split("\\\\{}")), text)
    for caption in re.findall(r"\\caption(?:\[\])?\{((?:[^{}]|\{[^{}]*\})*)\}", text):
        if _unescaped(caption):
            problems.append(f"unescaped {_unescaped(caption)} in caption {caption[:40]!r}")
    blocks = _TABULAR.findall(text)
    if not blocks:
        problems.append("no tabular or longtable")
    for env, spec, body in blocks:
        width = _columns(spec)
        rules = [r for r in re.findall(r"\\(toprule|midrule|bottomrule)", body)]
        if rules.count("toprule") < 1 or rules.count("bottomrule") != 1 or "midrule" not in rules:
            problems.append(f"{env}: booktabs rules {rules}")
        elif rules.index("toprule") > rules.index("midrule"):
            problems.append(f"{env}: \\midrule before \\toprule")
        for row in re.split(r"\\\\", body):
            row = re.sub(r"\\(toprule|midrule|bottomrule|endfirsthead|endhead|endfoot|endlastfoot)"
                         r"\b", "", row).strip()
            if not row or row.startswith("\\caption"):
                continue
            span = re.match(r"\\multicolumn\{(\d+)\}", row)
            cells = int(span.group(1)) if span else len(re.findall(r"(?<!\\)&", row)) + 1
            if cells != width:
                problems.append(f"{env} {{{spec}}}: {cells} cells, not {width}: {row[:60]!r}")
            for cell in re.split(r"(?<!\\)&", row):
                if not cell.strip().startswith("\\multicolumn") and _unescaped(cell):
                    problems.append(f"unescaped {_unescaped(cell)} in cell {cell.strip()[:40]!r}")
    return problems


def test_the_table_check_finds_broken_tables():
    good = ("\\begin{table}\n\\caption{a 95\\% CI}\n\\begin{tabular}{lr}\n\\toprule\n"
            "name & value \\\\\n\\midrule\nx\\_1 & $\\lambda < 0$ \\\\\n\\bottomrule\n"
            "\\end{tabular}\n\\end{table}\n")
    assert tex_problems(good) == []
    assert any("cells, not 2" in p for p in tex_problems(good.replace("x\\_1 &", "x & y &")))
    assert any("unescaped" in p for p in tex_problems(good.replace("x\\_1", "x_1")))
    assert any("caption" in p for p in tex_problems(good.replace("95\\%", "95%")))
    assert any("rules" in p for p in tex_problems(good.replace("\\bottomrule\n", "")))
    assert any("never closed" in p for p in tex_problems(good.replace("\\end{table}\n", "")))


def test_every_latex_table_written_is_well_formed(written):
    _, tex = written
    names = {p.name for p in tex["en"]}
    # each kind of table the project writes: batch, sweep, game
    assert {"comparisons.tex", "end_of_run.tex", "parameters.tex", "design_points.tex",
            "phase_content_share.tex", "budget_best.tex", "ess_table.tex"} <= names
    problems = {f"{lang}/{p.parent.name}/{p.name}": found for lang in ("en", "zh")
                for p in tex[lang] if (found := tex_problems(p.read_text(encoding="utf-8")))}
    assert not problems, problems


def test_a_table_with_special_characters_and_many_columns_is_escaped_and_split(tmp_path):
    import pandas as pd

    from sim.analysis.tables import MAX_COLUMNS, write_table

    table = pd.DataFrame({"name_with_underscores & 50%": ["a#b", "x_y ~ z"],
                          **{f"column {k} ($)": [1.5e-7, 12345.0] for k in range(MAX_COLUMNS + 2)}})
    for lang in ("en", "zh"):
        paths = write_table(table, tmp_path / f"wide-{lang}", caption="costs_in % of $",
                            label="tab:wide", lang=lang)
        text = paths[1].read_text(encoding="utf-8")
        assert text.count("\\begin{table}") == 2  # split to fit a page
        assert tex_problems(text) == [], tex_problems(text)
    assert "(part 1 of 2)" in (tmp_path / "wide-en.tex").read_text()
    assert "第 1 部分" in (tmp_path / "wide-zh.tex").read_text(encoding="utf-8")


def test_a_results_cell_from_fewer_runs_says_so_in_the_report_language():
    import numpy as np
    import pandas as pd

    from sim.analysis.batch import wide

    summary = pd.DataFrame([
        {"scenario": "a", "output": "x", "mean": 1.0, "ci95_low": 0.5, "ci95_high": 1.5, "n": 1},
        {"scenario": "a", "output": "y", "mean": np.nan, "ci95_low": np.nan,
         "ci95_high": np.nan, "n": 0},
        {"scenario": "a", "output": "z", "mean": 1.0, "ci95_low": 0.5, "ci95_high": 1.5, "n": 5}])
    assert wide(summary, ["x", "y"]).loc["a"].tolist() == ["1 [0.5, 1.5] (n=1 of 5)", "n/a"]
    zh = wide(summary, ["x", "y"], lang="zh").loc["a"].tolist()
    assert "5" in zh[0] and "1" in zh[0] and " of " not in zh[0] and HANZI.search(zh[0])
    assert HANZI.search(zh[1])


# ------------------------------------------------------------------ the tables compile
#: What a paper needs for the project's tables (docs/figures.md, "LaTeX tables").
PREAMBLE = r"""\documentclass{article}
\usepackage[margin=2.5cm]{geometry}
\usepackage{booktabs}
\usepackage{longtable}
\usepackage{amsmath}
"""


def _compile(engine: str, tables: list[Path], work: Path, extra: str = "") -> tuple[bool, str]:
    """All ``tables`` in one document, one page each; returns (ok, the engine's log)."""
    import subprocess

    body = "".join(f"\\typeout{{TABLE {p.as_posix()}}}\n\\input{{{p.as_posix()}}}\n\\clearpage\n"
                   for p in tables)
    (work / "doc.tex").write_text(PREAMBLE + extra + "\\begin{document}\n" + body
                                  + "\\end{document}\n", encoding="utf-8")
    done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                          cwd=work, capture_output=True, text=True, errors="replace",
                          timeout=600)  # a hang guard only
    return done.returncode == 0, done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_latex_table_written_compiles(written, lang, tmp_path):
    # .ci/run installs Debian's TeX Live (pdflatex, and xelatex with xeCJK for Chinese).
    engine = "pdflatex" if lang == "en" else "xelatex"
    if shutil.which(engine) is None:
        pytest.skip(f"{engine} not found: install Debian's texlive-latex-recommended"
                    + (", texlive-xetex and texlive-lang-chinese" if lang == "zh" else "")
                    + " to compile the tables (.ci/run does)")
    extra = ""
    if lang == "zh":
        from sim.fonts import _regular_instance

        font = _regular_instance()
        extra = ("\\usepackage{xeCJK}\n"
                 f"\\setCJKmainfont[Path={font.parent.as_posix()}/]{{{font.name}}}\n")
    _, tex = written
    ok, log = _compile(engine, tex[lang], tmp_path, extra)
    assert ok, log[log.rfind("TABLE "):]  # from the table that failed
    pages = re.search(r"Output written on doc\.pdf \((\d+) pages?", log)
    assert pages and int(pages.group(1)) >= len(tex[lang]), log[-2000:]
    # Every table fits the text width of an A4/letter page with 2.5 cm margins.
    overfull = [m.group(0) for m in re.finditer(r"Overfull \\hbox \((\d+\.?\d*)pt too wide\)[^\n]*",
                                                log) if float(m.group(1)) > 1.0]
    assert not overfull, overfull
