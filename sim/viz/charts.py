"""Live time-series charts of the model's outputs, as Vega-Lite specs.

Each chart draws output columns (:data:`sim.outputs.COLUMNS`, labels from
:mod:`sim.labels`) of every run the view holds: the current levers as thick
lines, the baseline (in compare mode) as thin ones, on the same axes. With
several replicates a line is their mean and a band its 95 % interval. Series
differ in colour (Okabe-Ito) *and* dash pattern, so lines that overlap, or a
grey print, still tell them apart. Adding a chart is one entry in :data:`CHARTS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.depth import Depth
from sim.figure_style import DEPTH_COLOURS, OKABE_ITO
from sim.labels import label, unit
from sim.viz.texts import text
from sim.viz.vega_view import Layered

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"

#: Dash patterns (Vega strokeDash arrays) by name, matching sim.figure_style's line styles.
DASHES: dict[str, list[int]] = {"-": [], "--": [7, 3], ":": [2, 2], "-.": [8, 3, 2, 3]}
#: Line width of each run: the current levers stand out, the baseline stays readable.
RUN_WIDTH = {"baseline": 1.4, "current": 2.8}


@dataclass(frozen=True)
class Chart:
    """One live chart: a title (a key of :mod:`sim.viz.texts`) and its series.

    ``series`` maps an output column to its (colour, dash name); the y-axis title
    is the first column's unit.
    """

    key: str
    title: str
    series: dict[str, tuple[str, str]]
    y_domain: tuple[float, float] | None = None


CHARTS: tuple[Chart, ...] = (
    Chart("depth_shares", "chart_depth",
          {"form_share": (DEPTH_COLOURS[Depth.FORM], "-"),
           "practice_share": (DEPTH_COLOURS[Depth.PRACTICE], "--"),
           "content_share": (DEPTH_COLOURS[Depth.CONTENT], "-.")},
          y_domain=(0.0, 1.0)),
    Chart("content", "chart_content",
          {"content_share": (OKABE_ITO["bluish_green"], "-"),
           "reported_content_share": (OKABE_ITO["vermillion"], "--"),
           "depth_index": (OKABE_ITO["black"], ":")},
          y_domain=(0.0, 1.0)),
    Chart("spending", "chart_spending",
          {"spending_total": (OKABE_ITO["black"], "-"),
           "spending_subsidy": (OKABE_ITO["blue"], "--"),
           "subsidy_leakage": (OKABE_ITO["vermillion"], ":"),
           "spending_tax_offset": (OKABE_ITO["reddish_purple"], "-.")}),
    Chart("leakage", "chart_leakage",
          {"leakage_share": (OKABE_ITO["vermillion"], "-"),
           "misreporting_share": (OKABE_ITO["reddish_purple"], "--")},
          y_domain=(0.0, 1.0)),
    Chart("approval_delay", "chart_delay",
          {"approval_delay": (OKABE_ITO["reddish_purple"], "-")}),
)
#: The charts shown beside the network (the rest follow below).
HEADLINE_CHARTS = 4


def run_name(name: str, lang: str) -> str:
    """A run's own name in ``lang``: scenario names as they are, "pinned" translated."""
    return text("pinned", lang) if name == "pinned" else name


def run_label(name: str, lang: str) -> str:
    """What a run is called in a legend or tooltip: 'current', or 'baseline: <name>'."""
    if name == "current":
        return text("current", lang)
    return f"{text('baseline', lang)}: {run_name(name, lang)}"


def chart_fixed(chart: Chart, run_names: list[str], *, lang: str = "en", few_steps: bool = False,
                width: int | str = "container", height: int = 125) -> Layered:
    """The spec of ``chart``, fed by a data set ``series`` and a param ``last_step``.

    Args:
        chart: which columns to draw.
        run_names: the runs drawn ("current" last); their order sets the legend.
        lang: language of titles and legends.
        few_steps: draw points on the lines (a line needs two steps to show).
        width: plot width in pixels, or "container" (fills its card).
        height: plot height in pixels.
    """
    labels = [label(c, lang, with_unit=False) for c in chart.series]
    runs = [run_label(r, lang) for r in run_names]
    widths = [RUN_WIDTH["current" if r == "current" else "baseline"] for r in run_names]
    x = {"field": "step", "type": "quantitative", "title": text("step_axis", lang),
         "scale": {"domainMin": 0, "domainMax": {"expr": "max(12, last_step)"}}}
    y_title = unit(next(iter(chart.series)), lang) or None
    y: dict[str, Any] = {"field": "mean", "type": "quantitative", "title": y_title}
    if chart.y_domain:
        y["scale"] = {"domain": list(chart.y_domain)}
    colour = {"field": "series", "type": "nominal", "title": None,
              "scale": {"domain": labels, "range": [c for c, _ in chart.series.values()]},
              "legend": {"orient": "bottom", "columns": 1, "symbolStrokeWidth": 2.5,
                         "labelLimit": 260, "symbolSize": 300, "symbolOpacity": 1}}
    dash = {"field": "series", "type": "nominal", "title": None,
            "scale": {"domain": labels, "range": [DASHES[d] for _, d in chart.series.values()]},
            "legend": {"orient": "bottom", "columns": 1, "symbolStrokeWidth": 2.5,
                       "labelLimit": 260, "symbolSize": 300, "symbolOpacity": 1}}
    layers: list[dict[str, Any]] = [
        {"transform": [{"filter": "isValid(datum.lo) && isValid(datum.hi)"}],
         "mark": {"type": "area", "opacity": 0.18},
         "encoding": {"x": x, "y": {"field": "lo", "type": "quantitative"},
                      "y2": {"field": "hi"},
                      "color": colour, "detail": {"field": "run"}}},
        {"mark": {"type": "line", "point": few_steps},
         "encoding": {
             "x": x, "y": y, "color": colour, "strokeDash": dash,
             # Which run a line belongs to is told by the key above the charts, not
             # per chart: the charts are narrow and the key is the same for all.
             "strokeWidth": {"field": "run", "type": "nominal", "title": text("run", lang),
                             "scale": {"domain": runs, "range": widths}, "legend": None},
             "detail": {"field": "run"},
             "tooltip": [{"field": "step", "title": text("step_axis", lang)},
                         {"field": "run", "title": text("run", lang)},
                         {"field": "series", "title": text("output", lang)},
                         {"field": "mean", "title": text("mean", lang), "format": ".3~f"},
                         {"field": "lo", "title": "95 % low", "format": ".3~f"},
                         {"field": "hi", "title": "95 % high", "format": ".3~f"}]}},
    ]
    spec = {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": text(chart.title, lang), "fontSize": 12, "anchor": "start",
                  "limit": {"expr": "width"}},
        "width": width, "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"} if width == "container" else None,
        "params": [{"name": "last_step", "value": 0}],
        "data": {"name": "series"},
        "layer": layers,
        "config": {"legend": {"symbolType": "stroke"}},
    }
    if spec["autosize"] is None:
        del spec["autosize"]
    return Layered(spec)


def chart_changes(runs: list[Any], chart: Chart, *,
                  lang: str = "en") -> tuple[dict[str, dict[str, list]], dict[str, int]]:
    """Columns of data set ``series`` for every run (objects like :class:`sim.viz.runs.RunSet`).

    Returns the data and the ``last_step`` param.
    """
    step, series, run, mean, lo, hi = [], [], [], [], [], []
    last = 0
    for r in runs:
        name = run_label(r.name, lang)
        for column in chart.series:
            m, low, high = r.band(column)
            keep = ~np.isnan(m)
            steps = np.flatnonzero(keep)
            n = len(steps)
            step += steps.tolist()
            series += [label(column, lang, with_unit=False)] * n
            run += [name] * n
            mean += [_clean(v) for v in m[keep]]
            lo += [_clean(v) for v in low[keep]]
            hi += [_clean(v) for v in high[keep]]
        last = max(last, r.step_count)
    data = {"step": step, "series": series, "run": run, "mean": mean}
    if any(v is not None for v in lo):  # one replicate has no band: half the data not sent
        data.update(lo=lo, hi=hi)
    return {"series": data}, {"last_step": last}


def chart_layered(runs: list[Any], chart: Chart, *, lang: str = "en",
                  width: int | str = 330, height: int = 150) -> Layered:
    """The chart with the data up to the current step (for tests and export)."""
    fixed = chart_fixed(chart, [r.name for r in runs], lang=lang,
                        few_steps=max(r.step_count for r in runs) < 2, width=width, height=height)
    data, params = chart_changes(runs, chart, lang=lang)
    return Layered(fixed.spec, fixed.base, data, params)


def _clean(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, 4)
