r"""Tables for papers: every report table as CSV and as a booktabs LaTeX table.

The LaTeX comes from pandas' Styler (``to_latex(hrules=True)``: ``\toprule``,
``\midrule``, ``\bottomrule``), with headers escaped, numbers to fixed
significant digits written out in full (``1150``, never ``1.15e+03``), and
tables wider than :data:`MAX_COLUMNS` split into parts that repeat the key
columns, so each part fits a page. The CSV keeps the full-precision numbers.
Chinese headers need ``\usepackage{ctex}`` (or xeCJK) in the paper.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.store import atomic_write_text

#: Most columns (key columns included) in one LaTeX table; wider ones are split.
MAX_COLUMNS = 6
#: Significant digits of numbers in LaTeX tables.
DIGITS = 3


def sig(value: object, digits: int = DIGITS) -> str:
    """``value`` to ``digits`` significant digits, written out in full (no exponent); NaN as '--'."""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if not isinstance(value, int | float | np.integer | np.floating):
        return str(value)
    if isinstance(value, int | np.integer):
        return str(int(value))
    if not np.isfinite(value):
        return "--" if value != value else ("∞" if value > 0 else "−∞")
    if value == 0:
        return "0"
    return np.format_float_positional(value, precision=digits, unique=False, fractional=False,
                                      trim="-")


def with_ci(mean: float, low: float, high: float, digits: int = DIGITS) -> str:
    """"mean [low, high]" to fixed significant digits ("mean" alone when there is no interval)."""
    if mean != mean:
        return "--"
    if low != low or high != high:
        return sig(mean, digits)
    return f"{sig(mean, digits)} [{sig(low, digits)}, {sig(high, digits)}]"


def write_table(table: pd.DataFrame, stem: Path, *, caption: str, label: str,
                key_columns: int = 1, digits: int = DIGITS, csv: pd.DataFrame | None = None,
                note: str = "", long: bool = False, latex_columns: Sequence[str] = (),
                widths: dict[str, str] | None = None, lang: str = "en") -> list[Path]:
    r"""Write ``table`` as ``stem.csv`` and ``stem.tex`` (booktabs, split when wide).

    Args:
        table: what the paper shows: readable headers, cells as numbers or
            strings; a named index is written as the first column.
        stem: path without suffix.
        caption: the caption (plain text: LaTeX special characters are escaped
            here, ``\%`` stays as it is).
        label: the LaTeX label (a split table's parts get ``-a``, ``-b`` ...).
        key_columns: leading columns every part of a split table repeats.
        digits: significant digits of numbers in the LaTeX.
        csv: the table to write as CSV instead of ``table`` (full-precision
            numbers, code names), default ``table``.
        note: a line under the table (plain text).
        latex_columns: columns whose cells are LaTeX already (math), not escaped.
        widths: column -> LaTeX width (``"3cm"``): the column wraps at that width.
        long: a table of many rows: a ``longtable`` (needs ``\usepackage{longtable}``)
            that breaks across pages, its text columns wrapped.
        lang: language of the words the table adds itself (yes/no cells, "part 1 of 2").

    Returns:
        The two paths.
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    keep_index = table.index.name is not None
    shown = table.reset_index() if keep_index else table.reset_index(drop=True)
    csv_frame = csv if csv is not None else table
    paths = [stem.with_suffix(".csv"), stem.with_suffix(".tex")]
    atomic_write_text(paths[0], csv_frame.to_csv(index=csv_frame.index.name is not None))
    atomic_write_text(paths[1], to_latex(shown, caption=caption, label=label,
                                         key_columns=key_columns, digits=digits, note=note,
                                         long=long, latex_columns=latex_columns,
                                         widths=widths, lang=lang))
    return paths


def to_latex(table: pd.DataFrame, *, caption: str, label: str, key_columns: int = 1,
             digits: int = DIGITS, note: str = "", long: bool = False,
             latex_columns: Sequence[str] = (), widths: dict[str, str] | None = None,
             lang: str = "en") -> str:
    """The booktabs LaTeX of ``table`` (no index), split into parts of :data:`MAX_COLUMNS` columns."""
    from sim.labels import term

    keys = list(table.columns[:key_columns])
    rest = list(table.columns[key_columns:])
    width = max(1, MAX_COLUMNS - len(keys))
    chunks = [rest[i:i + width] for i in range(0, len(rest), width)] or [[]]
    parts = []
    for k, chunk in enumerate(chunks):
        part = table[keys + chunk]
        suffix = (term("table_part", lang).format(part=k + 1, parts=len(chunks))
                  if len(chunks) > 1 else "")
        tag = f"-{chr(ord('a') + k)}" if len(chunks) > 1 else ""
        parts.append(_one(part, caption=escape_caption(caption) + suffix, label=label + tag,
                          digits=digits, note=note if k == len(chunks) - 1 else "", long=long,
                          latex_columns=latex_columns, widths=widths, lang=lang))
    return "\n".join(parts)


def _one(table: pd.DataFrame, *, caption: str, label: str, digits: int, note: str,
         long: bool = False, latex_columns: Sequence[str] = (),
         widths: dict[str, str] | None = None, lang: str = "en") -> str:
    from sim.labels import term

    numeric = [pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])
               for c in table.columns]
    wrap: dict[str, str] = {}
    if long and len(table.columns) > 1:
        # A long table's columns share the line: the first (a name) a fifth, the last (a
        # source) three tenths, the text columns between (units, values, schedules in
        # words) the rest; numbers stay as wide as they are.
        between = [c for c, n in zip(table.columns[1:-1], numeric[1:-1], strict=True) if not n]
        shares = {table.columns[0]: 0.2, table.columns[-1]: 0.3,
                  **{c: 0.5 / len(between) for c in between}}
        wrap = {c: f"p{{\\dimexpr {share:.3f}\\linewidth-2\\tabcolsep\\relax}}"
                for c, share in shares.items()}
    wrap |= {c: f"p{{{w}}}" for c, w in (widths or {}).items() if c in table.columns}
    frame = table.copy()
    frame.columns = [str(c) for c in frame.columns]
    styler = frame.style.hide(axis="index")
    raw = [str(c) for c in latex_columns if str(c) in frame.columns]
    plain = [c for c in frame.columns if c not in raw]
    words = {True: term("yes", lang), False: term("no", lang)}
    align = {c: "r" if n else "l" for c, n in zip(frame.columns, numeric, strict=True)}
    for c in plain:
        styler = styler.format(lambda v, side=align[c], wrapped=c in wrap: _cell(
            words[bool(v)] if isinstance(v, bool | np.bool_) else sig(v, digits),
            side, wrapped), subset=[c])
    if raw:
        styler = styler.format(str, subset=raw)
    styler = styler.format_index(lambda v: _header(str(v), align.get(str(v), "l"), lang,
                                                   str(v) in wrap), axis=1)
    fmt = "".join(wrap.get(c, align[c]) for c in frame.columns)
    if long:
        text = styler.to_latex(hrules=True, caption=caption, label=label, environment="longtable",
                               column_format=fmt)
        # pandas writes this footer in English
        text = text.replace("{Continued on next page}", "{" + term("continued", lang) + "}")
        return "\\footnotesize\n" + text + ("\\par\\footnotesize " + tex_escape(note) + "\n"
                                              if note else "") + "\\normalsize\n"
    text = styler.to_latex(hrules=True, caption=caption, label=label, position="htbp",
                           position_float="centering", column_format=fmt)
    # Journals set tables a size below the text; the widths above are measured at it.
    text = text.replace("\\centering\n", "\\centering\n\\small\n", 1)
    if note:
        text = text.replace("\\end{tabular}\n", f"\\end{{tabular}}\n\\par\\footnotesize "
                            f"{tex_escape(note)}\n", 1)
    return text


#: Characters of a header line: headers break into lines, so a column is as wide as its
#: numbers rather than its name (Chinese characters are about twice as wide as Latin).
HEADER_CHARACTERS = {"en": 16, "zh": 8}
_INTERVAL = re.compile(r"^(\S+) (\[.+\])$")


def _stack(lines: Sequence[str], side: str, valign: str) -> str:
    """Lines stacked in one cell, with no packages beyond LaTeX's own tabular."""
    if len(lines) == 1:
        return lines[0]
    return (f"\\begin{{tabular}}[{valign}]{{@{{}}{side}@{{}}}}" + "\\\\{}".join(lines)
            + "\\end{tabular}")


def _header(text: str, side: str, lang: str, wrapped: bool) -> str:
    """A header cell: math ($...$) as written; plain text escaped, broken into short lines."""
    if text.startswith("$"):
        return text
    if wrapped:  # a p{} column wraps its header itself
        return tex_escape(text)
    width = HEADER_CHARACTERS.get(lang, HEADER_CHARACTERS["en"])
    lines = textwrap.wrap(text, width, break_long_words=lang == "zh", break_on_hyphens=False)
    return _stack([tex_escape(line) for line in lines] or [""], side, "b")


def _cell(text: str, side: str, wrapped: bool) -> str:
    """A value cell: a "mean [low, high]" cell puts its interval under the mean."""
    match = None if wrapped else _INTERVAL.match(text)
    if match is None:
        return tex_escape(text)
    return _stack([tex_escape(match.group(1)), tex_escape(match.group(2))], side, "t")


#: Symbols the labels use that pdfLaTeX's UTF-8 input does not set (dashes, quotes and the
#: ellipsis it does): written as maths, so a table compiles with the plain preamble.
_TEX_SYMBOLS = {"−": "$-$", "∞": r"$\infty$", "α": r"$\alpha$", "Δ": r"$\Delta$",
                "→": r"$\rightarrow$", "×": r"$\times$", "±": r"$\pm$", "⋯": r"$\cdots$",
                "·": r"$\cdot$"}
_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}", **_TEX_SYMBOLS}


def tex_escape(text: str) -> str:
    """Escape LaTeX special characters in plain text."""
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in str(text))


def escape_caption(caption: str) -> str:
    r"""Escape ``_ & % # $`` not already escaped (so ``\\%`` stays as written), and symbols."""
    escaped = re.sub(r"(?<!\\)([_&%#$])", r"\\\1", caption)
    return "".join(_TEX_SYMBOLS.get(ch, ch) for ch in escaped)


def headers(columns: Sequence[str], names: dict[str, str]) -> list[str]:
    """Readable headers: each column's entry in ``names``, else the column itself."""
    return [names.get(c, c) for c in columns]


# ------------------------------------------------------------ report tables
def end_of_run_table(summary: pd.DataFrame, outputs: Sequence[str], lang: str = "en"
                     ) -> pd.DataFrame:
    """Scenario x output "mean [95 % CI]" with readable headers (from a batch summary)."""
    from sim.labels import label, term

    order = list(dict.fromkeys(summary["scenario"]))
    present = [o for o in outputs if o in set(summary["output"])]
    rows = []
    for scenario in order:
        part = summary[summary["scenario"] == scenario].set_index("output")
        row = {term("scenario", lang): scenario}
        for output in present:
            r = part.loc[output]
            row[label(output, lang)] = with_ci(r["mean"], r["ci95_low"], r["ci95_high"])
        row["n"] = int(part["n"].max())
        rows.append(row)
    return pd.DataFrame(rows)


def comparison_table(table: pd.DataFrame, lang: str = "en",
                     names: dict[str, str] | None = None) -> pd.DataFrame:
    """The comparison table with readable headers and "difference [95 % CI]" cells."""
    from sim.analysis.compare import COST_PER_CONTENT
    from sim.labels import label, term

    rows = []
    for _, r in table.iterrows():
        cost = r["output"] == COST_PER_CONTENT
        rows.append({
            term("scenario", lang): r["scenario"],
            term("output", lang): (f"{term('cost_per_content', lang)} "
                                   f"({term('cost_per_content_unit', lang)})") if cost
            else (names or {}).get(r["output"]) or label(r["output"], lang),
            term("baseline_mean", lang): "" if cost else sig(r["baseline_mean"]),
            term("difference", lang) + " [95 % CI]": with_ci(r["difference"], r["diff_low"],
                                                              r["diff_high"]),
            "d_z": sig(r["d_z"]),
            term("n_pairs", lang): int(r["n_pairs"]),
        })
    return pd.DataFrame(rows)


def parameter_table(scenarios: Sequence, lang: str = "en") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every parameter's value in each scenario, with its unit and source (an appendix table).

    Args:
        scenarios: loaded scenarios (:class:`sim.scenarios.Scenario`).
        lang: language of the headers and labels.

    Returns:
        ``(shown, raw)``: the table with readable headers and labels, and the
        same with code names (for the CSV): ``parameter, group, unit, <scenario>...,
        source``. The source is the declaration's (``sim/params.py``) unless a
        scenario file sets the value, then ``scenario: source`` for each such file.
    """
    from sim.labels import declared_unit, label, term, unit
    from sim.params import specs

    rows, shown = [], []
    for name, _default, _type, spec in specs():
        values = {s.name: _value(getattr(s.params, name), lang) for s in scenarios}
        own = {s.name: s.provenance[name] for s in scenarios if name in s.provenance}
        distinct = list(dict.fromkeys(own.values()))
        if not own:
            source = spec.source
        elif len(distinct) == 1 and len(own) == len(scenarios):
            source = distinct[0]
        else:
            source = "; ".join(f"{k}: {v}" for k, v in own.items())
            if len(own) < len(scenarios):
                source += f"; {term('otherwise', lang)}: {spec.source}"
        rows.append({"parameter": name, "group": spec.group, "unit": spec.unit, **values,
                     "source": source})
        shown.append({term("parameter", lang): label(name, lang, with_unit=False),
                      term("unit", lang): unit(name, lang) or declared_unit(spec.unit, lang),
                      **values, term("source", lang): source})
    return pd.DataFrame(shown), pd.DataFrame(rows)


def _value(value: object, lang: str = "en") -> object:
    from sim.schedules import Schedule, describe

    if isinstance(value, Schedule):
        return describe(value, lang)
    if isinstance(value, str) and "/" in value:
        return Path(value).name
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return value
