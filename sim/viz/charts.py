"""Live time-series charts of the model's outputs, as Vega-Lite specs.

Each chart reads columns of ``model.datacollector.get_model_vars_dataframe()``
(definitions in :data:`sim.outputs.COLUMNS`); a chart is a title, a unit and
the columns it draws, so adding one is one entry in :data:`CHARTS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.viz.network_view import COLOURS, VEGA_LITE_SCHEMA
from sim.viz.vega_view import Layered


@dataclass(frozen=True)
class Chart:
    """One live chart: which output columns it draws, under which labels and colours."""

    key: str
    title: str
    y_title: str
    series: dict[str, tuple[str, str]]  # column -> (label, colour)
    stacked: bool = False
    y_domain: tuple[float, float] | None = None


CHARTS: tuple[Chart, ...] = (
    Chart("depth_shares", "Share of active partnerships at each depth", "share",
          {"form_share": ("form", COLOURS["form"]),
           "practice_share": ("practice", COLOURS["practice"]),
           "content_share": ("content", COLOURS["content"])},
          stacked=True, y_domain=(0.0, 1.0)),
    Chart("content", "Content: real vs reported, and depth index", "share / index",
          {"content_share": ("content share (real)", COLOURS["content"]),
           "reported_content_share": ("content share (reported)", "#a6d96a"),
           "depth_index": ("depth index", "#555555")},
          y_domain=(0.0, 1.0)),
    Chart("spending", "Government spending and subsidy leakage", "MU per step",
          {"spending_total": ("total spending", "#222222"),
           "spending_subsidy": ("subsidy paid", "#3b82c4"),
           "subsidy_leakage": ("subsidy to form-only (leakage)", "#d7301f"),
           "spending_tax_offset": ("tax offsets", "#8c6bb1")}),
    Chart("approval_delay", "Approval delay of upgrades", "steps (months)",
          {"approval_delay": ("mean delay, last year", "#7b3294")}),
)


def long_frame(frame: pd.DataFrame, chart: Chart) -> pd.DataFrame:
    """The chart's columns in long form: step, series label, value (NaN dropped)."""
    wide = frame[list(chart.series)].rename(columns={c: lab for c, (lab, _) in chart.series.items()})
    wide.index.name = "step"
    long = wide.reset_index().melt(id_vars="step", var_name="series", value_name="value")
    return long.dropna(subset=["value"])


def chart_spec(frame: pd.DataFrame, chart: Chart, *, width: int = 330,
               height: int = 150) -> dict[str, Any]:
    """A self-contained Vega-Lite line (or stacked area) chart of ``chart``'s columns."""
    return chart_layered(frame, chart, width=width, height=height).standalone()


def chart_layered(frame: pd.DataFrame, chart: Chart, *, width: int = 330,
                  height: int = 150) -> Layered:
    """The chart split into its fixed spec and the data up to the current step."""
    fixed = chart_fixed(chart, few_steps=len(frame) < 3, width=width, height=height)
    data, params = chart_changes(frame, chart)
    return Layered(fixed.spec, fixed.base, data, params)


def chart_fixed(chart: Chart, *, few_steps: bool = False, width: int = 330,
                height: int = 150) -> Layered:
    """The spec of ``chart``, fed by a data set ``series`` and a param ``last_step``.

    Args:
        chart: which columns to draw.
        few_steps: draw points on the lines (a line needs two steps to show).
        width: plot width in pixels.
        height: plot height in pixels.
    """
    labels = [lab for lab, _ in chart.series.values()]
    y: dict[str, Any] = {"field": "value", "type": "quantitative", "title": chart.y_title}
    if chart.stacked:
        y["stack"] = "zero"
    if chart.y_domain:
        y["scale"] = {"domain": list(chart.y_domain)}
    spec = {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": chart.title, "fontSize": 13},
        "width": width, "height": height,
        "params": [{"name": "last_step", "value": 0}],
        "data": {"name": "series"},
        "mark": {"type": "area", "opacity": 0.85} if chart.stacked
        else {"type": "line", "point": few_steps, "strokeWidth": 2},
        "encoding": {
            "x": {"field": "step", "type": "quantitative", "title": "step (month)",
                  "scale": {"domainMin": 0, "domainMax": {"expr": "max(12, last_step)"}}},
            "y": y,
            "color": {"field": "series", "type": "nominal", "title": None,
                      "scale": {"domain": labels,
                                "range": [c for _, c in chart.series.values()]},
                      "legend": {"orient": "bottom", "columns": 2}},
            "order": {"field": "series"} if chart.stacked else {"value": 0},
            "tooltip": [{"field": "step"}, {"field": "series"},
                        {"field": "value", "format": ".3~f"}],
        },
    }
    return Layered(spec)


def chart_changes(frame: pd.DataFrame,
                  chart: Chart) -> tuple[dict[str, dict[str, list]], dict[str, int]]:
    """The columns of data set ``series`` up to the current step, and ``last_step``."""
    long = long_frame(frame, chart)
    series = {"step": [int(s) for s in long["step"]], "series": long["series"].tolist(),
              "value": [_clean(v) for v in long["value"]]}
    return {"series": series}, {"last_step": len(frame) - 1}


def _clean(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, 4)
