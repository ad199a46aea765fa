"""Journal figures: print sizes, legible text, vector output, safe colours, checked layout.

    with journal_style(lang="zh", width="single") as style:
        fig, ax = plt.subplots(figsize=style.figsize())
        ax.plot(x, y, label=label("content_share", "zh"))
        ...
        save(fig, out / "content_share")        # .pdf, .svg and .png
        assert not check_layout(fig)

* Sizes: single column 3.5 in, double column 7.2 in wide; drawn at print
  size, so every font size set here (7 pt and up) is the size in print.
* Vector PDF and SVG keep text as text (PDF Type 42 TrueType fonts, no
  Type 3; SVG ``<text>`` elements), PNG at 300 dpi.
* Colours: the Okabe–Ito palette, distinguishable with the common colour
  vision deficiencies.
* Deterministic: the same figure gives the same bytes (fixed SVG hash salt,
  no dates or software versions in the metadata).
* :func:`check_layout` reports text or legends cut off at the figure edge,
  markers cut off at the axes edge, and legends lying over titles or labels.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from sim.depth import Depth

#: Figure widths in inches (one journal column, the full text width).
WIDTHS: dict[str, float] = {"single": 3.5, "double": 7.2}
LANGS = ("en", "zh")
FORMATS = ("pdf", "svg", "png")
DPI = 300
#: Smallest text in print, in points.
MIN_FONT_PT = 7.0

#: Okabe & Ito's colour-blind-safe palette [@okabe2008].
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: Line and bar colours in order (the order the batch figures already use);
#: yellow last, as it is weak on white.
CYCLE = [OKABE_ITO[c] for c in ("blue", "orange", "bluish_green", "reddish_purple", "sky_blue",
                                "vermillion", "black", "yellow")]
#: One colour per depth rung, the same in every figure (as in the batch figures).
DEPTH_COLOURS: dict[Depth, str] = {
    Depth.NONE: "#999999",
    Depth.FORM: OKABE_ITO["orange"],
    Depth.PRACTICE: OKABE_ITO["sky_blue"],
    Depth.CONTENT: OKABE_ITO["bluish_green"],
}
#: And one line style per rung, so the rungs differ in grey print too.
DEPTH_LINESTYLES: dict[Depth, str] = {
    Depth.NONE: ":", Depth.FORM: "-", Depth.PRACTICE: "--", Depth.CONTENT: "-.",
}

_LATIN_FONT = "DejaVu Sans"  # ships with matplotlib: the same glyphs on every machine

#: Settings that make saved files deterministic and keep text as text; applied by
#: :func:`save` too, so a figure drawn outside :func:`journal_style` saves the same way.
SAVE_RC: dict[str, object] = {
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "none",
    "svg.hashsalt": "coopsim",
    "savefig.dpi": DPI,
    "savefig.bbox": "standard",  # 'tight' would change the printed size
}
_METADATA: dict[str, dict[str, str | None]] = {
    "pdf": {"Creator": "coopsim", "Producer": None, "CreationDate": None, "ModDate": None},
    "svg": {"Creator": "coopsim", "Date": None},
    "png": {"Software": "coopsim"},
}


@dataclass(frozen=True)
class Style:
    """What :func:`journal_style` set: language, width and the font family in use."""

    lang: str
    width: str
    font_family: str

    @property
    def width_in(self) -> float:
        """Figure width in inches."""
        return WIDTHS[self.width]

    def figsize(self, aspect: float = 0.62, rows: int = 1) -> tuple[float, float]:
        """(width, height) in inches: height = width x aspect per row of panels."""
        if aspect <= 0 or rows < 1:
            raise ValueError(f"aspect must be > 0 and rows >= 1, got aspect={aspect}, rows={rows}")
        return self.width_in, round(self.width_in * aspect * rows, 3)


def rc_params(lang: str = "en", width: str = "single") -> dict[str, object]:
    """The matplotlib settings of the journal style (see :func:`journal_style`)."""
    _check(lang, LANGS, "lang")
    _check(width, tuple(WIDTHS), "width")
    family = [_LATIN_FONT]
    if lang == "zh":
        from sim.fonts import cjk_family  # only Chinese figures need the CJK font prepared

        family = [cjk_family(), _LATIN_FONT]
    return {
        **SAVE_RC,
        "figure.figsize": (WIDTHS[width], round(WIDTHS[width] * 0.62, 3)),
        "figure.dpi": 100,
        "figure.constrained_layout.use": True,
        "font.family": "sans-serif",
        "font.sans-serif": family,
        "font.size": 8,
        "axes.titlesize": 8,
        "axes.labelsize": 8,
        "xtick.labelsize": MIN_FONT_PT,
        "ytick.labelsize": MIN_FONT_PT,
        "legend.fontsize": MIN_FONT_PT,
        "legend.title_fontsize": MIN_FONT_PT,
        "figure.titlesize": 8,
        "figure.labelsize": 8,
        "axes.prop_cycle": mpl.cycler(color=CYCLE),
        "axes.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "lines.linewidth": 1.2,
        "lines.markersize": 4,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "legend.frameon": False,
        "image.cmap": "cividis",  # perceptually uniform and colour-blind safe
        "axes.unicode_minus": True,
    }


@contextlib.contextmanager
def journal_style(lang: str = "en", width: str = "single") -> Iterator[Style]:
    """Draw figures inside this block in the journal style.

    Args:
        lang: "en", or "zh" for Chinese text (registers the CJK font of :mod:`sim.fonts`).
        width: "single" (3.5 in) or "double" (7.2 in) column; the default figure size.

    Raises:
        ValueError: lang or width is not one of the allowed values.
    """
    rc = rc_params(lang, width)
    with mpl.rc_context(rc):
        yield Style(lang=lang, width=width, font_family=rc["font.sans-serif"][0])


def save(fig: Figure, path_stem: str | os.PathLike[str], formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write ``fig`` to ``path_stem.<format>`` for each format; each file appears whole or not at all.

    Each file is written to a temporary file in the same folder and renamed
    over the target, so an interrupted save never leaves a half-written figure.

    Returns:
        The paths written, in the order of ``formats``.

    Raises:
        ValueError: an unknown format (allowed: pdf, svg, png).
    """
    for fmt in formats:
        _check(fmt, FORMATS, "format")
    stem = Path(path_stem)
    if stem.suffix.lstrip(".") in FORMATS:
        raise ValueError(f"path_stem {str(stem)!r} ends in a file format: give {str(stem.with_suffix(''))!r} "
                         "and choose the formats with formats=")
    stem.parent.mkdir(parents=True, exist_ok=True)
    for observer in _OBSERVERS:
        observer(fig, stem)
    written = []
    with mpl.rc_context(SAVE_RC):
        for fmt in formats:
            target = stem.with_name(f"{stem.name}.{fmt}")
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as handle:
                    fig.savefig(handle, format=fmt, dpi=DPI, metadata=_METADATA[fmt])
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            written.append(target)
    return written


_OBSERVERS: list = []


@contextlib.contextmanager
def layout_checked() -> Iterator[dict[str, list[LayoutProblem]]]:
    """Run :func:`check_layout` on every figure :func:`save` writes inside this block.

    Yields a dict, filled as figures are saved: path stem -> its problems
    (an empty list for a clean figure). Tests use it to check every figure a
    batch, sweep or game writes.
    """
    found: dict[str, list[LayoutProblem]] = {}

    def observe(fig: Figure, stem: Path) -> None:
        found[str(stem)] = check_layout(fig)

    _OBSERVERS.append(observe)
    try:
        yield found
    finally:
        _OBSERVERS.remove(observe)


@dataclass(frozen=True)
class LayoutProblem:
    """One layout fault :func:`check_layout` found."""

    kind: str  # "clipped" (cut by the figure edge), "marker clipped" (by the axes), "overlap"
    what: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.what}: {self.detail}"


def check_layout(fig: Figure, tolerance_pt: float = 0.25) -> list[LayoutProblem]:
    """Layout faults of ``fig`` as :func:`save` renders it: an empty list when there are none.

    Finds text, legends and axes reaching outside the figure, markers cut off
    by their axes or lying outside its limits, legends lying over an axes
    title or axis label, and figure legends lying over a plot area. Measured
    on the renderer's bounding boxes during a 300 dpi render, as :func:`save`
    draws it (constrained layout depends on the resolution it is drawn at).
    """
    problems: list[LayoutProblem] = []

    def measure(event) -> None:
        problems.clear()  # keep the last draw only
        problems.extend(_measure(fig, event.renderer, tolerance_pt * fig.dpi / 72))

    callback = fig.canvas.mpl_connect("draw_event", measure)
    try:
        with mpl.rc_context(SAVE_RC):
            fig.savefig(io.BytesIO(), format="png", dpi=DPI)
    finally:
        fig.canvas.mpl_disconnect(callback)
    return problems


def _measure(fig: Figure, renderer, tolerance_px: float) -> list[LayoutProblem]:
    page = fig.bbox
    problems: list[LayoutProblem] = []

    def outside(box: Bbox) -> str:
        sides = [(side, amount) for side, amount in (
            ("left", page.x0 - box.x0), ("right", box.x1 - page.x1),
            ("bottom", page.y0 - box.y0), ("top", box.y1 - page.y1)) if amount > tolerance_px]
        return ", ".join(f"{amount * 72 / fig.dpi:.1f} pt past the {side} edge" for side, amount in sides)

    for what, artist in _texts_and_legends(fig):
        box = artist.get_window_extent(renderer)
        if box.width > 0 and (cut := outside(box)):
            problems.append(LayoutProblem("clipped", what, cut))
    for i, ax in enumerate(fig.axes):
        if ax.get_visible() and (cut := outside(ax.bbox)):
            problems.append(LayoutProblem("clipped", f"axes {i + 1}", cut))
        problems.extend(_clipped_markers(ax, i, tolerance_px))
    problems.extend(_legend_overlaps(fig, renderer))
    problems.extend(_axis_text_overlaps(fig, renderer, tolerance_px))
    return problems


def _axis_text_overlaps(fig: Figure, renderer, tolerance_px: float) -> list[LayoutProblem]:
    """Tick labels, axis label and offset text (matplotlib's "1e-5") lying over each other."""
    problems = []
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible() or ax.name == "3d":
            continue
        for axis in (ax.xaxis, ax.yaxis):
            texts = [(f"tick label {t.get_text()!r}", t) for t in axis.get_ticklabels()
                     if _shown(t) and _in_view(ax, t)]
            texts += [(f"{kind} {t.get_text()!r}", t) for kind, t in (
                ("axis label", axis.label), ("offset text", axis.get_offset_text())) if _shown(t)]
            boxes = [(what, t.get_window_extent(renderer)) for what, t in texts]
            for k, (what, box) in enumerate(boxes):
                for other, other_box in boxes[k + 1:]:
                    width = min(box.x1, other_box.x1) - max(box.x0, other_box.x0)
                    height = min(box.y1, other_box.y1) - max(box.y0, other_box.y0)
                    if width > tolerance_px and height > tolerance_px:
                        problems.append(LayoutProblem(
                            "overlap", f"axes {i + 1} {what}",
                            f"lies over its {other} ({width * 72 / fig.dpi:.1f} x "
                            f"{height * 72 / fig.dpi:.1f} pt)"))
    return problems


def _figure_texts(fig: Figure) -> Iterator[tuple[str, Text]]:
    """The figure's own texts that are shown: its notes, then its title."""
    for text in fig.texts:
        if _shown(text):
            yield f"figure text {text.get_text()!r}", text
    suptitle = getattr(fig, "_suptitle", None)  # no public getter for the Text itself
    if suptitle is not None and _shown(suptitle):
        yield f"figure title {suptitle.get_text()!r}", suptitle


def _texts_and_legends(fig: Figure) -> Iterator[tuple[str, Text | Legend]]:
    yield from _figure_texts(fig)
    for legend in fig.legends:
        yield "figure legend", legend
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        name = f"axes {i + 1}"
        for text in (*_titles(ax), ax.xaxis.label, ax.yaxis.label, *ax.texts):
            if _shown(text):
                yield f"{name} text {text.get_text()!r}", text
        if ax.name == "3d":  # 3-D tick labels are placed by projection at draw time
            yield f"{name} (3-D, with its labels)", _TightBox(ax)
            continue
        for tick in (*ax.get_xticklabels(), *ax.get_yticklabels()):
            if _shown(tick) and _in_view(ax, tick):
                yield f"{name} tick label {tick.get_text()!r}", tick
        if (legend := ax.get_legend()) is not None:
            yield f"{name} legend", legend


class _TightBox:
    """An axes measured by its tight box (all it draws), for axes whose parts are projected."""

    def __init__(self, ax: Axes):
        self.ax = ax

    def get_window_extent(self, renderer) -> Bbox:
        return self.ax.get_tightbbox(renderer)


def _titles(ax: Axes) -> tuple[Text, ...]:
    return (ax.title, ax._left_title, ax._right_title)


def _shown(text: Text) -> bool:
    return text.get_visible() and bool(text.get_text().strip())


def _in_view(ax: Axes, tick: Text) -> bool:
    # Matplotlib keeps tick labels for locations outside the view; they are not drawn.
    x, y = tick.get_position()
    lo, hi = sorted(ax.get_xlim()) if tick in ax.get_xticklabels() else sorted(ax.get_ylim())
    value = x if tick in ax.get_xticklabels() else y
    return lo - 1e-9 * (hi - lo) <= value <= hi + 1e-9 * (hi - lo)


def _clipped_markers(ax: Axes, index: int, tolerance_px: float) -> list[LayoutProblem]:
    """Markers whose centre lies inside the axes but whose symbol is cut by its edge."""
    problems = []
    box = ax.bbox
    for artist in (*ax.lines, *ax.collections):
        if not artist.get_visible() or not artist.get_clip_on():
            continue
        if isinstance(artist, Line2D) and artist.get_marker() not in (None, "None", "", " "):
            xy = ax.transData.transform(np.column_stack(artist.get_data()).astype(float))
            radius = np.full(len(xy), artist.get_markersize() / 2 * ax.figure.dpi / 72)
        elif isinstance(artist, PathCollection) and len(artist.get_offsets()):
            xy = artist.get_offset_transform().transform(np.asarray(artist.get_offsets(), dtype=float))
            sizes = artist.get_sizes() if len(artist.get_sizes()) else np.array([36.0])
            radius = np.resize(np.sqrt(sizes) / 2 * ax.figure.dpi / 72, len(xy))
        else:
            continue
        finite = np.isfinite(xy).all(axis=1)
        xy, radius = xy[finite], radius[finite]
        x, y = xy[:, 0], xy[:, 1]
        inside = (x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)
        slack = radius - tolerance_px
        cut = inside & ((x - slack < box.x0) | (x + slack > box.x1)
                        | (y - slack < box.y0) | (y + slack > box.y1))
        outside = ~inside
        name = artist.get_label() if not str(artist.get_label()).startswith("_") else type(artist).__name__
        if cut.any():
            problems.append(LayoutProblem("marker clipped", f"axes {index + 1} {name}",
                                          f"{int(cut.sum())} marker(s) cut by the axes edge"))
        if outside.any():
            problems.append(LayoutProblem("marker clipped", f"axes {index + 1} {name}",
                                          f"{int(outside.sum())} point(s) outside the axes limits"))
    return problems


def _legend_overlaps(fig: Figure, renderer) -> list[LayoutProblem]:
    legends = [("figure legend", lg) for lg in fig.legends]
    legends += [(f"axes {i + 1} legend", ax.get_legend()) for i, ax in enumerate(fig.axes)
                if ax.get_legend() is not None]
    problems = []
    for name, legend in legends:
        if not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        for i, ax in enumerate(fig.axes):
            if name == "figure legend" and ax.get_visible() and box.overlaps(ax.bbox):
                problems.append(LayoutProblem("overlap", name, f"lies over the plot area of axes {i + 1}"))
            for text in (*_titles(ax), ax.xaxis.label, ax.yaxis.label):
                if _shown(text) and box.overlaps(text.get_window_extent(renderer)):
                    problems.append(LayoutProblem("overlap", name,
                                                  f"lies over axes {i + 1} {text.get_text()!r}"))
        for _, text in _figure_texts(fig):
            if box.overlaps(text.get_window_extent(renderer)):
                problems.append(LayoutProblem("overlap", name,
                                              f"lies over the figure text {text.get_text()!r}"))
    return problems


def _check(value: str, allowed: Sequence[str], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"{what} {value!r} is not allowed: use one of {', '.join(allowed)}")
