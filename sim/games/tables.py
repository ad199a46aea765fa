"""The stability table of a game's eight corners, as CSV and booktabs LaTeX, in symbols and numbers.

At a pure corner the Jacobian of the replicator equations is diagonal and
population p's eigenvalue is its gain from deviating alone
(:mod:`sim.games.replicator`):

    lambda_p = P_p(p deviates) - P_p(corner)

so a corner is an ESS exactly when every lambda_p < 0. SymPy builds each
lambda_p from the payoff expressions as written in the game file and
simplifies it, so the table gives each corner's stability condition in the
game's own symbols, beside the eigenvalues at the file's (or ``--set``)
values.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sympy
from sympy.parsing.sympy_parser import parse_expr

from sim.analysis.tables import to_latex, write_table
from sim.games.replicator import Equilibrium
from sim.games.spec import GameSpec
from sim.labels import game_name, game_word, term, title
from sim.store import atomic_write_text


def symbols(game: GameSpec) -> dict[str, sympy.Symbol]:
    """One real SymPy symbol per game parameter (shadowing SymPy's own names such as S, E, I)."""
    return {name: sympy.Symbol(name, real=True) for name in game.parameters}


def eigenvalue_expressions(game: GameSpec, profile: tuple[int, int, int]) -> list[sympy.Expr]:
    """lambda_p of the corner in share notation ``profile`` (1 = first strategy), simplified."""
    local = symbols(game)
    index = tuple(1 - s for s in profile)  # share notation -> strategy indices

    def payoff(p: int, at: tuple[int, int, int]) -> sympy.Expr:
        return parse_expr(game.payoffs[at][p].text, local_dict=local, evaluate=True)

    result = []
    for p in range(3):
        deviated = list(index)
        deviated[p] = 1 - deviated[p]
        result.append(sympy.simplify(payoff(p, tuple(deviated)) - payoff(p, index)))
    return result


def ess_condition(eigenvalues: list[sympy.Expr]) -> sympy.Basic:
    """The corner is an ESS when every eigenvalue is negative: ``And(l1 < 0, l2 < 0, l3 < 0)``.

    An eigenvalue that is a number already decides its part (``True`` or ``False``).
    """
    return sympy.And(*(sympy.Lt(e, 0) for e in eigenvalues))


def ess_table(game: GameSpec, equilibria: list[Equilibrium], lang: str = "en"
              ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The corners with symbolic and numeric eigenvalues, stability and ESS condition.

    Returns:
        ``(eigen, conditions, csv)``: for LaTeX, the eigenvalues (each cell
        "$expression$ = value") and the ESS conditions (math); for CSV, all of
        it in SymPy's plain text and floats.
    """
    corner_h, profile_h = term("ess_corner", lang), term("ess_profile", lang)
    rows, conds, plain = [], [], []
    for eq in equilibria:
        exprs = eigenvalue_expressions(game, eq.profile)
        condition = ess_condition(exprs)
        corner = "E({},{},{})".format(*eq.profile)
        profile = game.profile_label(tuple(1 - s for s in eq.profile))
        row = {corner_h: corner, profile_h: profile_label(game, eq.profile, lang),
               term("ess_stability", lang): game_word(eq.stability, lang)}
        flat = {"corner": corner, "profile": profile}
        for p, pop in enumerate(game.populations):
            value = float(eq.eigenvalues[p])
            row[f"$\\lambda_{{\\mathrm{{{pop}}}}}$"] = f"${sympy.latex(exprs[p])} = {value:g}$"
            flat[f"lambda_{pop}"] = str(exprs[p])
            flat[f"lambda_{pop}_value"] = value
        flat["stability"] = eq.stability
        flat["ess_condition"] = str(condition)
        rows.append(row)
        conds.append({corner_h: corner,
                      term("ess_when", lang): _condition_latex(exprs, condition, lang)})
        plain.append(flat)
    return pd.DataFrame(rows), pd.DataFrame(conds), pd.DataFrame(plain)


def profile_label(game: GameSpec, profile: tuple[int, int, int], lang: str = "en") -> str:
    """A corner's strategy names in ``lang``, joined by "/" (``profile`` in share notation)."""
    index = tuple(1 - s for s in profile)
    return "/".join(game_name(game.strategies[p][s], lang, population=game.populations[p])
                    for p, s in enumerate(index))


def _condition_latex(exprs: list[sympy.Expr], condition: sympy.Basic, lang: str) -> str:
    """The conjunction in population order (SymPy's And would sort it); decided ones in words."""
    if condition is sympy.true:
        return term("ess_always", lang)
    if condition is sympy.false:
        return term("ess_never", lang)
    parts = [sympy.latex(sympy.Lt(e, 0)) for e in exprs if not e.is_number]
    return "$" + r",\ ".join(parts) + "$"


def write_ess_table(game: GameSpec, equilibria: list[Equilibrium], stem: Path,
                    lang: str = "en") -> list[Path]:
    """Write ``stem.csv`` and ``stem.tex``: the eigenvalue table and the ESS-condition table."""
    eigen, conditions, csv = ess_table(game, equilibria, lang)
    caption = term("caption_eigenvalues", lang).format(title=title(game.title, lang))
    cond_caption = term("caption_ess", lang).format(title=title(game.title, lang))
    math = [c for c in eigen.columns if c.startswith("$")]
    paths = write_table(eigen, stem, caption=caption, label=f"tab:{game.name}-eigenvalues",
                        key_columns=3, csv=csv, latex_columns=math,
                        widths={c: "2.2cm" for c in math}, lang=lang)
    second = to_latex(conditions, caption=cond_caption, label=f"tab:{game.name}-ess",
                      latex_columns=[conditions.columns[-1]],
                      widths={conditions.columns[-1]: "9cm"}, lang=lang)
    atomic_write_text(paths[1], paths[1].read_text(encoding="utf-8") + "\n" + second)
    return paths
