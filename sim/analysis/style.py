"""The look and the saving of every figure a batch or sweep writes: one palette, one save.

The journal style itself (sizes, fonts, formats, layout checks) is
:mod:`sim.figure_style`; this module keeps the names the figure modules use.
Figures are saved as PDF, SVG and 300 dpi PNG, each through a temporary file
and a rename, so a kill while figures are written leaves the old figure or
none, never a 0-byte one (issue 13, item 6), and the same figure gives the
same bytes.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sim import figure_style  # noqa: E402

#: Okabe & Ito (2008) colour-blind-safe palette, the low-contrast yellow last.
OKABE_ITO = list(figure_style.CYCLE)
#: Colour-blind-safe colormap of heatmaps.
HEATMAP_CMAP = "cividis"
#: What a figure says about itself when titles are asked for (``--figure-titles``).
CAPTION = "Model outputs under stated assumptions, not data. Money in model units (MU)."


def save(fig: plt.Figure, stem: Path) -> list[Path]:
    """Save ``fig`` as ``stem.pdf``, ``stem.svg`` and ``stem.png`` atomically and byte-stably; close it.

    Args:
        fig: the figure (drawn with constrained layout at print size).
        stem: path without suffix.

    Returns:
        The three paths (PDF, SVG, PNG).
    """
    try:
        return figure_style.save(fig, stem)
    finally:
        plt.close(fig)
