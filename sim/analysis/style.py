"""The look and the saving of every figure a batch or sweep writes: one palette, one save.

Figures are saved as PNG and SVG, each through a hidden temporary file and a
rename, so a kill while figures are written leaves the old figure or none,
never a 0-byte one (issue 13, item 6). The same figure gives the same bytes:
no dates or software versions in the metadata, and a fixed salt for the SVG's
element ids, which are random by default.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sim.store import atomic_path  # noqa: E402

#: Okabe & Ito (2008) colour-blind-safe palette, the low-contrast yellow last.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000",
             "#F0E442"]
#: Colour-blind-safe colormap of heatmaps.
HEATMAP_CMAP = "cividis"
#: What every figure says about itself.
CAPTION = "Model outputs under stated assumptions, not data. Money in model units (MU)."
#: Metadata that would change from one save to the next, left out.
_NO_METADATA = {".png": {"Software": None}, ".svg": {"Date": None}}


def save(fig: plt.Figure, stem: Path, *, dpi: int = 150, tight: bool = True) -> list[Path]:
    """Save ``fig`` as ``stem.png`` and ``stem.svg`` atomically and byte-stably; close it.

    Args:
        fig: the figure.
        stem: path without suffix.
        dpi: PNG resolution.
        tight: crop to the drawn area (``bbox_inches="tight"``).

    Returns:
        The two paths.
    """
    paths = []
    try:
        for suffix in (".png", ".svg"):
            path = Path(stem).with_suffix(suffix)
            with atomic_path(path) as tmp, matplotlib.rc_context({"svg.hashsalt": "coopsim"}):
                fig.savefig(tmp, format=suffix[1:], dpi=dpi, metadata=_NO_METADATA[suffix],
                            bbox_inches="tight" if tight else None)
            paths.append(path)
    finally:
        plt.close(fig)
    return paths
