"""The font for Chinese text in figures: Noto Sans SC from the project's own install.

The pip package ``justmytype-intl-cjk`` (a coopsim dependency) ships Noto Sans
SC under the SIL Open Font License 1.1 as a variable TrueType font whose
default instance is Thin. Matplotlib cannot choose a weight of a variable
font, so the Regular instance is cut once with fontTools (about 10 s) into
matplotlib's cache folder and registered from there; ``make venv`` does it at
install time. TrueType outlines (not CFF) keep PDFs valid with Type 42 fonts.

Set ``COOPSIM_CJK_FONT`` to a .ttf/.otf file to use another font (a journal's
own, say) instead.
"""

from __future__ import annotations

import functools
import os
import tempfile
from importlib import metadata, resources
from pathlib import Path

import matplotlib
from matplotlib import font_manager

#: Environment variable naming a font file to use instead of Noto Sans SC.
ENV_VAR = "COOPSIM_CJK_FONT"
_PACKAGE = "justmytype-intl-cjk"
_SOURCE = "NotoSansSC[wght].ttf"
_WEIGHT = 400  # Regular


class FontError(RuntimeError):
    """The Chinese font cannot be found or prepared (the message says what to do)."""


@functools.cache
def cjk_family() -> str:
    """Register the Chinese font with matplotlib and return its family name.

    Use it first in ``font.sans-serif`` (``sim.figure_style.journal_style(lang="zh")``
    does): its Latin letters and digits match, so mixed text reads as one font.

    Raises:
        FontError: the font package is missing or ``COOPSIM_CJK_FONT`` is not a font file.
    """
    path = _user_font() or _regular_instance()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _user_font() -> Path | None:
    value = os.environ.get(ENV_VAR)
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_file() or path.suffix.lower() not in (".ttf", ".otf", ".ttc"):
        raise FontError(f"{ENV_VAR}={value!r} is not a font file: give a .ttf, .otf or .ttc file")
    return path


def _regular_instance() -> Path:
    """The cached Regular instance of Noto Sans SC, cut from the packaged variable font."""
    try:
        fonts = resources.files("justmytype_intl_cjk")
        version = metadata.version(_PACKAGE)
    except (ModuleNotFoundError, metadata.PackageNotFoundError):
        raise FontError(f"the Chinese figure font comes from the {_PACKAGE} package, a dependency of "
                        "coopsim: reinstall with `make venv` or `pip install -e .`") from None
    # Not rglob(_SOURCE): its brackets would be read as a glob character class.
    sources = sorted(p for p in Path(str(fonts)).rglob("*.ttf") if p.name == _SOURCE)
    if not sources:
        raise FontError(f"{_PACKAGE} {version} has no {_SOURCE}: pin the version in pyproject.toml "
                        f"that has it (0.1) or set {ENV_VAR}")
    cached = Path(matplotlib.get_cachedir()) / "coopsim-fonts" / f"NotoSansSC-Regular-{version}.ttf"
    if not cached.is_file():
        _cut_instance(sources[0], cached)
    return cached


def _cut_instance(source: Path, target: Path) -> None:
    from fontTools.ttLib import TTFont  # matplotlib depends on fontTools
    from fontTools.varLib import instancer

    font = instancer.instantiateVariableFont(TTFont(source), {"wght": _WEIGHT}, updateFontNames=True)
    font.recalcTimestamp = False  # keep the source's date: the same font bytes on every machine
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed, so a parallel worker never reads half a font.
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".ttf.part")
    os.close(fd)
    try:
        font.save(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


if __name__ == "__main__":  # `make venv` runs this so the first Chinese figure is quick
    print(f"Chinese figure font: {cjk_family()}")
