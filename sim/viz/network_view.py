"""Drawing the county network: fixed positions and a Vega-Lite picture with tooltips.

Positions are computed once per network with a few numpy operations (no force
layout, which takes 45 s at 5,000 nodes): departments in the centre, schools on
an inner ring (each near the industries its majors serve), enterprises in one
sector per industry on the outer rings, larger firms nearer the schools.
Nodes never move during a run (only ties change), so the positions stay valid.

:func:`network_fixed` gives the Vega-Lite spec and what stays fixed during a run
(positions, names, sizes), :func:`network_changes` what a step changes (ties,
depth, counts, title), so the live view sends positions once (see
:mod:`sim.viz.vega_view`); :func:`network_spec` joins both into one spec:
schools, enterprises and departments as triangles, circles and squares;
partnership ties coloured by depth; enterprises coloured by their deepest
partnership; a tooltip with each agent's key attributes. Peer ties (thousands
at county scale) are drawn only on request.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.depth import Depth
from sim.figure_style import DEPTH_COLOURS
from sim.labels import label as param_label
from sim.viz.texts import text
from sim.viz.vega_view import Layered

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0

#: Colour of each depth rung (ties, and an enterprise's deepest partnership): the
#: Okabe-Ito colours of sim.figure_style, the same as in every figure.
COLOURS: dict[str, str] = {
    "no partnership": "#d9d9d9",
    "lapsed": DEPTH_COLOURS[Depth.NONE],
    "form": DEPTH_COLOURS[Depth.FORM],
    "practice": DEPTH_COLOURS[Depth.PRACTICE],
    "content": DEPTH_COLOURS[Depth.CONTENT],
}
#: Fixed colours of the agents that are not coloured by depth.
AGENT_COLOURS = {"school": "#222222", "department": "#7b3294"}
DEPTH_LABELS = {Depth.NONE: "lapsed", Depth.FORM: "form", Depth.PRACTICE: "practice",
                Depth.CONTENT: "content"}
#: Dash of a tie by what is reported of it (a misreport is the 'form' signal itself).
REPORTING_DASH = {"honest": [], "misreported": [5, 3]}
#: Above this many enterprises the picture draws a fixed, evenly spread sample of them
#: (every partnership is still drawn): a browser redraws 20,000 points too slowly per step.
MAX_FIRMS_DRAWN = 3000
SHAPES = {"school": "triangle-up", "enterprise": "circle", "department": "square"}

# Radii of the rings (the picture spans [-1.2, 1.2]).
DEPARTMENT_RING = 0.12
SCHOOL_RING = 0.36
FIRM_INNER, FIRM_OUTER = 0.55, 1.0
SECTOR_GAP = 0.04  # radians left empty between industry sectors


@dataclass(frozen=True)
class Positions:
    """Fixed x/y of every agent, aligned with the model's index of each kind."""

    school: np.ndarray       # (n_schools, 2)
    enterprise: np.ndarray   # (n_enterprises, 2)
    department: np.ndarray   # (n_departments, 2)
    sector_centre: np.ndarray  # angle of each industry's sector
    industries: list[str]


_CACHE: weakref.WeakKeyDictionary[Any, Positions] = weakref.WeakKeyDictionary()


def positions(model: Any) -> Positions:
    """Positions for ``model``'s network, computed on first use and kept with the network."""
    key = model.network
    cached = _CACHE.get(key)
    if cached is None or len(cached.enterprise) != len(model.enterprises):
        pop = model.population
        cached = county_layout(pop.industry, pop.size, model.school_majors,
                               len(pop.department_keys), list(pop.industries))
        _CACHE[key] = cached
    return cached


def county_layout(industry: np.ndarray, size: np.ndarray, majors: np.ndarray,
                  n_departments: int, industries: list[str]) -> Positions:
    """Place agents on rings and industry sectors (deterministic, no randomness).

    Args:
        industry: industry index of each enterprise.
        size: relative size of each enterprise (larger firms sit nearer the centre).
        majors: (n_schools, n_industries) share of each school's students per industry.
        n_departments: number of government departments.
        industries: industry names, one per column of ``majors``.
    """
    n_ind = max(1, len(industries))
    counts = np.bincount(industry, minlength=n_ind).astype(float)
    usable = 2 * np.pi - SECTOR_GAP * n_ind
    width = usable * (counts + 0.5) / (counts + 0.5).sum()
    start = np.concatenate([[0.0], np.cumsum(width + SECTOR_GAP)[:-1]])
    centre = start + width / 2

    n_e = len(industry)
    ent = np.zeros((n_e, 2))
    # Within a sector, the k-th largest firm goes at radius ~ sqrt(k/n) (even density)
    # and at a golden-ratio angle offset (even spread without randomness).
    order = np.lexsort((-size, industry))
    sorted_ind = industry[order]
    first = np.searchsorted(sorted_ind, np.arange(n_ind))
    rank = np.arange(n_e) - first[sorted_ind]
    n_k = counts[sorted_ind]
    radius = FIRM_INNER + (FIRM_OUTER - FIRM_INNER) * np.sqrt((rank + 0.5) / np.maximum(n_k, 1))
    angle = start[sorted_ind] + width[sorted_ind] * (0.05 + 0.9 * ((rank * GOLDEN) % 1.0))
    ent[order] = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])

    n_s = len(majors)
    school = np.zeros((n_s, 2))
    if n_s:
        # Each school faces the circular mean of the sectors its majors serve, then the
        # schools are spaced evenly in that order so none overlap.
        vec = majors[:, :n_ind] @ np.column_stack([np.cos(centre), np.sin(centre)])
        wanted = np.arctan2(vec[:, 1], vec[:, 0])
        slots = np.sort(wanted)[0] + 2 * np.pi * np.arange(n_s) / n_s
        a = np.empty(n_s)
        a[np.argsort(wanted, kind="stable")] = slots
        school = SCHOOL_RING * np.column_stack([np.cos(a), np.sin(a)])

    if n_departments == 1:
        dep = np.zeros((1, 2))
    else:
        a = np.pi / 2 + 2 * np.pi * np.arange(n_departments) / max(1, n_departments)
        dep = DEPARTMENT_RING * np.column_stack([np.cos(a), np.sin(a)])
    return Positions(school=school, enterprise=ent, department=dep, sector_centre=centre,
                     industries=industries)


def drawn_firms(n_enterprises: int) -> np.ndarray:
    """Indices of the enterprises drawn as points: all, or an evenly spread fixed sample."""
    if n_enterprises <= MAX_FIRMS_DRAWN:
        return np.arange(n_enterprises)
    return np.unique(np.linspace(0, n_enterprises - 1, MAX_FIRMS_DRAWN).round().astype(int))


def depth_names(lang: str = "en") -> dict[str, str]:
    """Legend text of each key of :data:`COLOURS` in ``lang`` (rungs from sim.labels)."""
    return {"no partnership": text("no_partnership", lang), "lapsed": text("lapsed", lang),
            **{k: param_label(k, lang, with_unit=False) for k in ("form", "practice", "content")}}


def network_spec(model: Any, *, show_peers: bool = False, width: int = 560,
                 height: int = 560, lang: str = "en") -> dict[str, Any]:
    """A self-contained Vega-Lite spec of the model's network in its current state."""
    return network_layered(model, show_peers=show_peers, width=width, height=height,
                           lang=lang).standalone()


def network_layered(model: Any, *, show_peers: bool = False, width: int = 560,
                    height: int = 560, lang: str = "en") -> Layered:
    """The network picture split into its fixed part and the current step's data."""
    fixed = network_fixed(model, show_peers=show_peers, width=width, height=height, lang=lang)
    data, params = network_changes(model, lang=lang)
    return Layered(fixed.spec, fixed.base, data, params)


def network_fixed(model: Any, *, show_peers: bool = False, width: int = 560,
                  height: int = 560, lang: str = "en") -> Layered:
    """What stays fixed while a model runs: the spec, positions, names and sizes.

    The live view sends this once per model (and when peer ties or the language
    are switched); :func:`network_changes` gives what each step changes.
    """
    pos = positions(model)
    n_s, n_d = len(model.schools), len(model.departments)
    firms = drawn_firms(len(model.enterprises))
    n_e = len(firms)
    industries = np.asarray(model.population.industries, dtype=object)
    nodes = [a.node for a in model.enterprises]
    base: dict[str, dict[str, list]] = {
        "firms": {
            "x": _r(pos.enterprise[firms, 0]), "y": _r(pos.enterprise[firms, 1]),
            "agent": [nodes[i] for i in firms], "kind": [text("enterprise", lang)] * n_e,
            "industry": industries[model.ent_industry[firms]].tolist(),
            "size": _r(model.ent_size[firms], 2), "age": _r(model.ent_age[firms], 1),
            "marker": _r(np.clip(14 * np.sqrt(model.ent_size[firms]), 6, 70), 1),
        },
        "schools": {
            "x": _r(pos.school[:, 0]), "y": _r(pos.school[:, 1]),
            "agent": [a.node for a in model.schools], "kind": [text("school", lang)] * n_s,
            "level": [text("higher_vocational_college" if lv else "secondary_vocational_school",
                           lang) for lv in model.school_level],
            "intake": np.asarray(model.school_intake).tolist(),
        },
        "departments": {
            "x": _r(pos.department[:, 0]), "y": _r(pos.department[:, 1]),
            "agent": [a.node for a in model.departments],
            "kind": [text("department", lang)] * n_d,
            "mandate": [a.mandate for a in model.departments],
        },
    }
    names = depth_names(lang)
    colour = {"field": "status", "type": "nominal",
              "title": text("ties", lang),
              "scale": {"domain": [names[k] for k in COLOURS], "range": list(COLOURS.values())},
              "legend": {"orient": "bottom", "direction": "vertical", "symbolType": "circle"}}
    agent_kinds = [text(k, lang) for k in ("school", "enterprise", "department")]
    shape = {"field": "kind", "type": "nominal", "title": text("agents", lang),
             "scale": {"domain": agent_kinds, "range": list(SHAPES.values())},
             "legend": {"orient": "bottom", "direction": "vertical", "symbolFillColor": "#555555",
                        "symbolStrokeColor": "#555555"}}
    layers: list[dict[str, Any]] = []
    if show_peers:
        peers = model.population.peers.tocoo()
        keep = peers.row < peers.col
        a, b = pos.enterprise[peers.row[keep]], pos.enterprise[peers.col[keep]]
        base["peers"] = {"x": _r(a[:, 0]), "y": _r(a[:, 1]), "x2": _r(b[:, 0]),
                         "y2": _r(b[:, 1])}
        layers.append({"data": {"name": "peers"},
                       "mark": {"type": "rule", "opacity": 0.12, "strokeWidth": 1,
                                "color": "#999999"},
                       "encoding": _edge_encoding()})
    reporting = [text("honest", lang), text("misreported", lang)]
    layers.append({
        "data": {"name": "ties"},
        "mark": {"type": "rule"},
        # Misreported ties are drawn on top, wider and opaque, so the dashes show
        # among hundreds of honest ones.
        "encoding": {**_edge_encoding(), "color": colour,
                     "strokeWidth": {"field": "reporting", "type": "nominal", "legend": None,
                                     "scale": {"domain": reporting, "range": [1.1, 2.4]}},
                     "opacity": {"field": "reporting", "type": "nominal", "legend": None,
                                 "scale": {"domain": reporting, "range": [0.5, 0.95]}},
                     "strokeDash": {"field": "reporting", "type": "nominal",
                                    "title": text("tie_reporting", lang),
                                    "scale": {"domain": reporting,
                                              "range": list(REPORTING_DASH.values())},
                                    "legend": {"orient": "bottom", "direction": "vertical",
                                               "symbolType": "stroke",
                                               "symbolStrokeColor": "#555555",
                                               "symbolStrokeWidth": 2}}},
    })
    layers.append(_node_layer("firms", colour=colour, shape=shape, size_field="marker", tooltip=[
        ("agent", "enterprise"), ("industry", None), ("status", "deepest partnership"),
        ("partnerships", None), ("size", "size (median 1)"), ("age", "age (years)"),
        ("retention", "share of trained graduates kept"), ("aware", "knows incentives")]))
    layers.append(_node_layer("schools", shape=shape, fixed_colour=AGENT_COLOURS["school"],
                              size=260, tooltip=[
        ("agent", "school"), ("level", None), ("majors", "main majors"),
        ("intake", "students/year"), ("partnerships", None),
        ("content", "at content"), ("misreported", "misreported ties"),
        ("teachers", "teachers' practical capacity"),
        ("alignment", "majors aligned with local demand")]))
    layers.append(_node_layer("departments", shape=shape,
                              fixed_colour=AGENT_COLOURS["department"], size=200, tooltip=[
        ("agent", "department"), ("mandate", None),
        ("effort", "chance it takes a task up (its decision)"), ("brokered", "matches brokered")]))
    r = FIRM_OUTER + 0.1
    base["sectors"] = {"x": _r(r * np.cos(pos.sector_centre)),
                       "y": _r(r * np.sin(pos.sector_centre)), "label": list(pos.industries)}
    layers.append({
        "data": {"name": "sectors"},
        "mark": {"type": "text", "fontSize": 11, "color": "#555555"},
        "encoding": {"x": _axis("x"), "y": _axis("y"), "text": {"field": "label"}},
    })
    spec = {
        "$schema": VEGA_LITE_SCHEMA,
        "width": width, "height": height,
        # Non-empty at first so the layout keeps room for the title (set per step).
        "params": [{"name": "heading", "value": "County network"},
                   {"name": "subheading", "value": "agents and partnerships"}],
        "title": {"text": {"expr": "heading"}, "subtitle": {"expr": "subheading"},
                  "anchor": "start", "subtitleFontSize": 11},
        "layer": layers,
        "config": {"view": {"stroke": None},
                   # Solid swatches: the marks are translucent, the key need not be.
                   "legend": {"symbolOpacity": 1, "labelLimit": 200, "titleLimit": 200,
                              "rowPadding": 2, "titlePadding": 4}},
    }
    return Layered(spec, base)


def network_changes(model: Any, *, lang: str = "en") -> tuple[dict[str, dict[str, list]],
                                                              dict[str, str]]:
    """What a step changes: the ties, each agent's changing attributes, the title.

    Returns the changing columns of each data set of :func:`network_fixed` (rows in
    the same order) and the values of its params.
    """
    pos = positions(model)
    pt = model.partnerships
    n_s, n_e, n_d = len(model.schools), len(model.enterprises), len(model.departments)
    firms = drawn_firms(n_e)
    names = depth_names(lang)

    # Deepest ties drawn last, on top; misreported ones above all.
    order = np.lexsort((pt.depth, pt.misreporting))
    s_xy, e_xy = pos.school[pt.school[order]], pos.enterprise[pt.enterprise[order]]
    depth_text = np.array([names[DEPTH_LABELS[d]] for d in Depth], dtype=object)
    reporting = np.array([text("honest", lang), text("misreported", lang)], dtype=object)
    ties = {"x": _r(s_xy[:, 0]), "y": _r(s_xy[:, 1]), "x2": _r(e_xy[:, 0]),
            "y2": _r(e_xy[:, 1]), "status": depth_text[pt.depth[order]].tolist(),
            "reporting": reporting[pt.misreporting[order].astype(int)].tolist()}

    deepest = np.full(n_e, -1)
    np.maximum.at(deepest, pt.enterprise, pt.depth)
    status = np.array([names["no partnership"], *depth_text], dtype=object)[deepest + 1]
    yes_no = np.array(["no", "yes"], dtype=object)
    firm_rows = {
        "status": status[firms].tolist(),
        "partnerships": np.bincount(pt.enterprise, minlength=n_e)[firms].tolist(),
        "retention": _r(np.asarray(model.ent_retained)[firms]),
        "aware": yes_no[np.asarray(model.ent_aware, dtype=int)[firms]].tolist(),
    }

    majors = model.school_majors
    industries = list(model.population.industries)
    top = [", ".join(f"{industries[k]} {majors[i, k]:.0%}" for k in np.argsort(-majors[i])[:3]
                     if majors[i, k] > 0.005) for i in range(n_s)]
    content = np.bincount(pt.school, weights=(pt.depth == Depth.CONTENT), minlength=n_s)
    misreported = np.bincount(pt.school, weights=pt.misreporting, minlength=n_s)
    schools = {
        "majors": top, "teachers": _r(model.school_teacher_capacity),
        "partnerships": np.bincount(pt.school, minlength=n_s).tolist(),
        "content": content.astype(int).tolist(),
        "misreported": misreported.astype(int).tolist(),
        "alignment": _r(np.minimum(majors, model.demand).sum(axis=1)),
    }
    departments = {"effort": [round(d.effort, 3) for d in model.departments],
                   "brokered": np.asarray(model.dept_brokered).tolist()}
    subheading = text("network_sub", lang, s=n_s, e=f"{n_e:,}", d=n_d,
                      a=int((pt.depth > 0).sum()))
    if len(firms) < n_e:
        subheading += text("network_coarse", lang, shown=f"{len(firms):,}", e=f"{n_e:,}")
    params = {"heading": text("network_title", lang, step=model.step_count),
              "subheading": subheading}
    data = {"ties": ties, "firms": firm_rows, "schools": schools, "departments": departments}
    return data, params


def _axis(name: str) -> dict[str, Any]:
    return {"field": name, "type": "quantitative", "axis": None,
            "scale": {"domain": [-1.2, 1.2]}}


def _edge_encoding() -> dict[str, Any]:
    return {"x": _axis("x"), "y": _axis("y"), "x2": {"field": "x2"}, "y2": {"field": "y2"}}


def _node_layer(name: str, *, tooltip: list[tuple[str, str | None]], shape: dict[str, Any],
                colour: dict[str, Any] | None = None, fixed_colour: str | None = None,
                size: float | None = None, size_field: str | None = None) -> dict[str, Any]:
    encoding: dict[str, Any] = {
        "x": _axis("x"), "y": _axis("y"), "shape": shape,
        "tooltip": [{"field": f, "title": t or f} for f, t in tooltip],
    }
    mark: dict[str, Any] = {"type": "point", "filled": True, "opacity": 0.9, "stroke": "white",
                            "strokeWidth": 0.3}
    if colour is not None:
        encoding["color"] = colour
    else:
        mark["color"] = fixed_colour
    if size_field:
        encoding["size"] = {"field": size_field, "type": "quantitative", "scale": None,
                            "legend": None}
    if size is not None:
        mark["size"] = size
    return {"data": {"name": name}, "mark": mark, "encoding": encoding}


def _r(values: Any, digits: int = 3) -> list[float]:
    return np.round(np.asarray(values, dtype=float), digits).tolist()
