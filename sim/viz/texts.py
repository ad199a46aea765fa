"""Words of the live view's own interface (buttons, notes, help) in English and Chinese.

The words themselves live in :mod:`sim.labels` (``VIZ_TEXTS``, ``VIZ_HELP``),
beside the labels of parameters, outputs and rungs, the one place for
translations; this module only looks them up.
"""

from __future__ import annotations

from sim.labels import LANGS, VIZ_HELP, VIZ_TEXTS, term

#: key -> (English, Chinese), and the help paragraphs, from sim/labels.py.
TEXTS = VIZ_TEXTS
HELP = VIZ_HELP


def text(key: str, lang: str = "en", **fields: object) -> str:
    """The interface text ``key`` in ``lang``, with ``fields`` filled in."""
    phrase = TEXTS[key][LANGS.index(lang)] if key in TEXTS else term(key, lang)
    return phrase.format(**fields) if fields else phrase
