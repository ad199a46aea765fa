"""sim.figure_style and sim.fonts: print size, text kept as text, same bytes, checked layout, Chinese."""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from sim import figure_style  # noqa: E402
from sim.depth import Depth  # noqa: E402
from sim.figure_style import CYCLE, check_layout, journal_style, save  # noqa: E402
from sim.labels import label  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def draw(lang: str = "en", width: str = "single", legend: bool = True):
    """A typical two-panel figure: titles, axis labels, ticks, a legend."""
    fig, axes = plt.subplots(1, 2, figsize=figure_style.Style(lang, width, "").figsize(0.45))
    for ax, rung in zip(axes, (Depth.FORM, Depth.CONTENT), strict=True):
        ax.plot([0, 1, 2, 3], [0.1, 0.3, 0.2, 0.4], marker="o", label=label("content_share", lang))
        ax.plot([0, 1, 2, 3], [-0.2, 0.0, 0.1, 0.05], label=label("depth_index", lang, with_unit=False))
        ax.set_title(label(rung, lang))
        ax.set_xlabel(label("approval_delay", lang))
        ax.set_ylabel(label("content_share", lang))
        ax.set_ylim(-0.3, 0.5)
        ax.set_xlim(-0.5, 3.5)
    if legend:
        axes[0].legend(loc="lower right")
    return fig


def visible_texts(fig):
    fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("width,inches", [("single", 3.5), ("double", 7.2)])
def test_print_size_and_no_text_below_7_pt(width, inches):
    with journal_style(width=width) as style:
        assert style.width_in == inches
        fig = draw(width=width)
        fig.suptitle("A figure title")
        fig.text(0.5, 0.01, "note")
        texts = visible_texts(fig)
    assert fig.get_size_inches()[0] == pytest.approx(inches)
    assert len(texts) > 15  # titles, labels, ticks, legend entries were all found
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < 7]
    assert not small, f"text below 7 pt at print size: {small}"
    plt.close(fig)


def test_outside_the_style_matplotlib_defaults_are_not_journal_ready():
    # The check above can fail: matplotlib's default ticks are 10 pt on a 6.4 in figure.
    fig = plt.figure()
    assert fig.get_size_inches()[0] == pytest.approx(6.4)
    plt.close(fig)
    with journal_style():
        assert matplotlib.rcParams["xtick.labelsize"] >= 7
        assert matplotlib.rcParams["svg.fonttype"] == "none"
    assert matplotlib.rcParams["svg.fonttype"] != "none"  # the style is undone after the block


def test_palette_is_okabe_ito_and_rungs_have_fixed_colours():
    assert CYCLE[:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert set(CYCLE) == set(figure_style.OKABE_ITO.values())
    assert len(set(figure_style.DEPTH_COLOURS.values())) == len(Depth)
    with journal_style():
        fig, ax = plt.subplots()
        (line,) = ax.plot([0, 1])
        assert matplotlib.colors.to_hex(line.get_color()).upper() == CYCLE[0]
        plt.close(fig)


def test_svg_keeps_text_as_text(tmp_path):
    with journal_style():
        fig = draw()
        (path,) = save(fig, tmp_path / "fig", formats=["svg"])
    plt.close(fig)
    root = ET.parse(path).getroot()
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Approval delay (steps)" in texts
    assert "Content" in texts and "Depth index" in texts
    assert "<dc:date>" not in path.read_text(encoding="utf-8")


def pdf_font_subtypes(data: bytes) -> set[bytes]:
    return set(re.findall(rb"/Subtype\s*/(Type3|Type1|TrueType|Type0|CIDFontType[02])", data))


def test_pdf_embeds_truetype_not_type3(tmp_path):
    with journal_style():
        fig = draw()
        (path,) = save(fig, tmp_path / "fig", formats=["pdf"])
    plt.close(fig)
    data = path.read_bytes()
    subtypes = pdf_font_subtypes(data)
    # Type 42: a TrueType font, simple or as the CID font of a Type0 font
    assert b"Type3" not in subtypes and subtypes & {b"TrueType", b"CIDFontType2"}, subtypes
    assert b"/FontFile2" in data  # the TrueType program is embedded
    assert b"/CreationDate" not in data and b"Matplotlib" not in data


def test_pdf_check_detects_type3_fonts(tmp_path):
    # Guards the test above: matplotlib's default (fonttype 3) is what it rejects.
    fig = draw()
    fig.savefig(tmp_path / "t3.pdf")
    plt.close(fig)
    assert b"Type3" in pdf_font_subtypes((tmp_path / "t3.pdf").read_bytes())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_same_figure_gives_the_same_bytes(tmp_path, lang):
    outputs = []
    for run in ("a", "b"):
        with journal_style(lang=lang):
            fig = draw(lang)
            outputs.append(save(fig, tmp_path / run / "fig"))
        plt.close(fig)
    for first, second in zip(*outputs, strict=True):
        assert first.suffix == second.suffix
        assert first.read_bytes() == second.read_bytes(), f"{first.suffix} differs between two saves"
    assert [p.suffix for p in outputs[0]] == [".pdf", ".svg", ".png"]


def test_png_is_300_dpi_at_print_size(tmp_path):
    with journal_style(width="double"):
        fig = draw(width="double")
        (path,) = save(fig, tmp_path / "fig", formats=["png"])
    plt.close(fig)
    image = plt.imread(path)
    assert image.shape[1] == round(7.2 * 300)


def test_save_replaces_a_file_whole_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / "fig.svg"
    target.write_text("previous figure", encoding="utf-8")
    fig = draw()

    def half_written(handle, **_):
        handle.write(b"<svg partial")
        raise OSError("disk full")

    monkeypatch.setattr(fig, "savefig", half_written)
    with pytest.raises(OSError, match="disk full"):
        save(fig, tmp_path / "fig", formats=["svg"])
    assert target.read_text(encoding="utf-8") == "previous figure"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.svg"]  # no temp file left
    plt.close(fig)


def test_bad_arguments_name_the_allowed_values(tmp_path):
    with pytest.raises(ValueError, match="format 'jpg' is not allowed: use one of pdf, svg, png"):
        save(plt.figure(), tmp_path / "x", formats=["png", "jpg"])
    assert not list(tmp_path.iterdir())  # checked before anything is written
    with pytest.raises(ValueError, match=r"ends in a file format: give '.*/fig' and choose"):
        save(plt.figure(), tmp_path / "fig.png")
    with pytest.raises(ValueError, match="lang 'fr' is not allowed: use one of en, zh"):
        with journal_style(lang="fr"):
            pass
    with pytest.raises(ValueError, match="width 'triple' is not allowed: use one of single, double"):
        with journal_style(width="triple"):
            pass
    plt.close("all")


def test_check_layout_passes_a_clean_figure():
    with journal_style():
        fig = draw()
        assert check_layout(fig) == []
    plt.close(fig)


def test_check_layout_catches_clipped_text():
    with journal_style():
        fig = draw()
        fig.text(0.9, 0.5, "a note that runs off the page")
        problems = check_layout(fig)
    plt.close(fig)
    assert [p.kind for p in problems] == ["clipped"]
    assert "a note that runs off the page" in problems[0].what
    assert "right edge" in problems[0].detail


def test_check_layout_catches_a_legend_over_the_panel_titles():
    # The depth_shares_over_time bug: a figure legend on top of two panel titles.
    with journal_style(width="double"):
        fig = draw(width="double", legend=False)
        handles, names = fig.axes[0].get_legend_handles_labels()
        entries = [f"{scenario}: {name}" for scenario in ("Status quo", "Full package") for name in names]
        fig.legend(handles * 2, entries, loc="upper center", ncols=4)
        problems = check_layout(fig)
    plt.close(fig)
    overlaps = [p for p in problems if p.kind == "overlap"]
    assert overlaps and all(p.what == "figure legend" for p in overlaps)
    assert {p.detail for p in overlaps} >= {"lies over axes 1 'Form'", "lies over axes 2 'Content'"}
    with journal_style(width="double"):  # the fix: a legend outside the panels
        fig = draw(width="double", legend=False)
        fig.legend(handles * 2, entries, loc="outside upper center", ncols=4)
        assert check_layout(fig) == []
    plt.close(fig)


def test_check_layout_catches_a_legend_over_the_figure_title():
    # With --figure-titles the depth figure's legend once covered the title and the note.
    with journal_style(width="double"):
        fig = draw(width="double", legend=False)
        fig.suptitle("Depth shares over time")
        handles, names = fig.axes[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, 1.0), ncols=4)
        problems = check_layout(fig)
    plt.close(fig)
    assert "lies over the figure text 'Depth shares over time'" in {
        p.detail for p in problems if p.what == "figure legend"}


def test_check_layout_catches_a_marker_cut_by_the_axes():
    # The content_vs_spending bug: the right-most point sits on the axes edge.
    with journal_style():
        fig, ax = plt.subplots()
        ax.scatter([0.0, 0.5, 1.0], [0.2, 0.5, 0.4], s=30, label="scenarios")
        ax.set_xlim(0.0 - 0.1, 1.0)
        problems = check_layout(fig)
        ax.set_xlim(-0.1, 1.1)
        assert check_layout(fig) == []
    plt.close(fig)
    assert [(p.kind, p.what) for p in problems] == [("marker clipped", "axes 1 scenarios")]


def test_check_layout_catches_crowded_tick_labels_and_an_offset_on_the_axis_label():
    # The comparisons_forest bug: tiny differences got an offset ("1e-5") over the axis
    # label, and six long tick labels in a third of a double column ran into each other.
    with journal_style(width="double"):
        fig, axes = plt.subplots(1, 3)
        for ax in axes:
            ax.plot([-3e-5, 4e-5], [0, 1])
            ax.set_xlabel("Δ Government spending (MU/step)")
        axes[1].set_xticks(np.linspace(-3e-5, 4e-5, 8))
        axes[1].ticklabel_format(axis="x", style="plain", useOffset=False)
        problems = check_layout(fig)
        for ax in axes:  # the fix: fewer ticks, written out in full
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, min_n_ticks=3))
            ax.ticklabel_format(axis="x", style="plain", useOffset=False)
        assert check_layout(fig) == []
    plt.close(fig)
    overlaps = {(p.kind, p.what.split(" ")[0] + " " + p.what.split(" ")[1]) for p in problems}
    assert overlaps == {("overlap", "axes 1"), ("overlap", "axes 2"), ("overlap", "axes 3")}
    assert any("offset text" in p.detail or "offset text" in p.what for p in problems)
    assert any(p.what.startswith("axes 2 tick label") and "tick label" in p.detail
               for p in problems)


def chinese_figure():
    fig, ax = plt.subplots()
    ax.plot([-1, 0, 1], [0.1, 0.4, 0.2], label=label(Depth.CONTENT, "zh"))
    ax.plot([-1, 0, 1], [0.3, 0.2, 0.1], label=label(Depth.FORM, "zh"))
    ax.set_title("校企合作：政府补贴与审计（2019 年）")
    ax.set_xlabel(label("subsidy_per_content_step", "zh"))
    ax.set_ylabel(label("content_share", "zh"))
    ax.set_xticks([-1, 0, 1], ["减少", "现状", "产教融合"])
    ax.set_ylim(-0.1, 0.45)  # a negative tick: the minus sign must have a glyph too
    ax.legend(title="合作深度")
    return fig


def test_chinese_figure_renders_every_glyph(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        with journal_style(lang="zh") as style:
            fig = chinese_figure()
            paths = save(fig, tmp_path / "zh", formats=["png", "pdf", "svg"])
            assert check_layout(fig) == []
    plt.close(fig)
    assert style.font_family == "Noto Sans SC"
    pdf = paths[1].read_bytes()
    assert b"NotoSansSC" in pdf and b"Type3" not in pdf_font_subtypes(pdf)
    svg = paths[2].read_text(encoding="utf-8")
    assert "产教融合" in svg and "Noto Sans SC" in svg


def test_glyph_check_fails_without_the_cjk_font(tmp_path):
    # Guards the test above: the English style has no Chinese glyphs and matplotlib says so.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with journal_style(lang="en"):
            fig = chinese_figure()
            with pytest.raises(UserWarning, match=r"Glyph \d+ .* missing from font"):
                fig.savefig(tmp_path / "x.png")
    plt.close(fig)


def test_font_override_must_be_a_font_file(tmp_path, monkeypatch):
    from sim import fonts

    monkeypatch.setenv(fonts.ENV_VAR, str(tmp_path / "missing.ttf"))
    with pytest.raises(fonts.FontError, match="COOPSIM_CJK_FONT=.*is not a font file"):
        fonts._user_font()
