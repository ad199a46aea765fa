"""A Vega-Lite view that is embedded once and then only fed new data.

Solara's own ``VegaLite`` widget re-embeds the whole spec on every change: it
waits a fixed 100 ms (a debounce), then compiles, parses and draws the chart
from scratch, with every data point sent again. A step of the live view only
changes some of the data, so :class:`VegaView` splits a chart in two traits:

* ``chart``: the Vega-Lite spec (data sources named, not inlined) and the
  columns that stay fixed (node positions, names, sizes). Sent and embedded
  again only when it changes (a new model, peer ties switched on).
* ``frame``: the columns that change per step and the values of the spec's
  params (e.g. the title). On each change the browser swaps the named data
  sets with ``view.change`` and redraws the existing view, without a wait.

Data go over the wire as columns (``{"x": [...], "y": [...]}``); the browser
zips the fixed and changing columns of a data set into rows. The same split
gives a stand-alone spec with inline values (:meth:`Layered.standalone`) for
tests and export.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

import ipyvuetify as v
import solara
import traitlets

Columns = dict[str, list[Any]]

TEMPLATE = r"""
<template>
  <div><div ref="plot"></div></div>
</template>
<script>
module.exports = {
  mounted() { this.embed(); },
  beforeDestroy() { this.finalize(); },
  unmounted() { this.finalize(); },
  watch: {
    chart() { this.fixed = null; this.embed(); },
    frame() { this.changing = null; this.update(); },
  },
  methods: {
    // Both traits arrive as JSON text (parsed once per change, see VegaViewWidget).
    spec() {
      if (!this.fixed) this.fixed = JSON.parse(this.chart || '{}');
      return this.fixed;
    },
    step() {
      if (!this.changing) this.changing = JSON.parse(this.frame || '{}');
      return this.changing;
    },
    finalize() {
      if (this.view) { this.view.finalize(); this.view = null; }
    },
    async embed() {
      const ticket = this.ticket = (this.ticket || 0) + 1;
      const [vega, vegaEmbed] = await this.loadVega();
      if (ticket !== this.ticket || !this.$refs.plot) return;  // a newer chart came
      const spec = JSON.parse(JSON.stringify(this.spec().spec || {}));
      // Export only (PNG and SVG); the source/editor links need the internet and a Vega editor.
      const result = await vegaEmbed(this.$refs.plot, spec, {
        renderer: 'canvas',
        actions: {export: true, source: false, compiled: false, editor: false},
        downloadFileName: this.spec().name || 'coopsim-chart',
      });
      if (ticket !== this.ticket) { result.view.finalize(); return; }
      this.finalize();
      this.view = result.view;
      this.vega = vega;
      await this.update();
    },
    rows(name) {
      const base = (this.spec().base || {})[name] || {};
      const changing = (this.step().data || {})[name] || {};
      const columns = Object.assign({}, base, changing);
      const keys = Object.keys(columns);
      const n = keys.length ? columns[keys[0]].length : 0;
      const out = new Array(n);
      for (let i = 0; i < n; i++) {
        const row = {};
        for (const k of keys) row[k] = columns[k][i];
        out[i] = row;
      }
      return out;
    },
    async update() {
      if (!this.view) return;  // embed() calls update() once the view exists
      if (this.running) { this.dirty = true; return; }
      this.running = true;
      try {
        do {
          this.dirty = false;
          const view = this.view, vega = this.vega;
          const names = new Set([...Object.keys(this.spec().base || {}),
                                 ...Object.keys(this.step().data || {})]);
          for (const name of names) {
            view.change(name, vega.changeset().remove(vega.truthy).insert(this.rows(name)));
          }
          const params = this.step().params || {};
          for (const [name, value] of Object.entries(params)) view.signal(name, value);
          view.resize();  // let autosize make room for wider axis labels or titles
          await view.runAsync();
        } while (this.dirty && this.view);
      } finally {
        this.running = false;
      }
    },
    async loadVega() {
      if (!window.requirejs) {
        await new Promise((resolve, reject) => {
          const script = document.createElement('script');
          script.src = `${this.cdn()}/requirejs@2.3.6/require.js`;
          script.onload = resolve;
          script.onerror = reject;
          document.head.appendChild(script);
        });
      }
      if (!window.__coopsimVegaConfigured) {
        require.config({map: {'*': {
          'vega': `${this.cdn()}/vega@5/build/vega.min.js`,
          'vega-lite': `${this.cdn()}/vega-lite@5/build/vega-lite.min.js`,
          'vega-embed': `${this.cdn()}/vega-embed@6/build/vega-embed.min.js`,
        }}});
        window.__coopsimVegaConfigured = true;
      }
      return await new Promise((resolve, reject) => {
        require(['vega', 'vega-lite', 'vega-embed'], (vega, vl, embed) => resolve([vega, embed]),
                reject);
      });
    },
    cdn() {
      if (window.solara && window.solara.cdn) return window.solara.cdn;
      let base = document.getElementsByTagName('base').length ? './'
        : (document.body.dataset.baseUrl || document.baseURI);
      if (!base.endsWith('/')) base += '/';
      return `${base}_solara/cdn`;
    },
  },
}
</script>
"""


class VegaViewWidget(v.VuetifyTemplate):
    """The browser side: embeds ``chart`` once, applies each ``frame`` to the live view.

    Both are JSON text, not dicts: the renderer walks every value of a dict prop on
    each render (tens of thousands of numbers per step), and a string it does not.
    """

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    chart = traitlets.Unicode("{}").tag(sync=True)
    frame = traitlets.Unicode("{}").tag(sync=True)

    def chart_value(self) -> dict[str, Any]:
        """``chart`` as a dict."""
        return json.loads(self.chart)

    def frame_value(self) -> dict[str, Any]:
        """``frame`` as a dict."""
        return json.loads(self.frame)


@dataclass
class Layered:
    """A Vega-Lite chart split into what stays fixed and what changes per step.

    Attributes:
        spec: Vega-Lite spec whose data sources are ``{"name": ...}`` references.
        base: fixed columns of each named data set.
        data: changing columns of each named data set (same row order as ``base``).
        params: values of the spec's params (signals) for this step.
    """

    spec: dict[str, Any]
    base: dict[str, Columns] = field(default_factory=dict)
    data: dict[str, Columns] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def chart(self) -> dict[str, Any]:
        """The fixed part, as the widget's ``chart`` trait."""
        return {"spec": self.spec, "base": self.base}

    def frame(self) -> dict[str, Any]:
        """The changing part, as the widget's ``frame`` trait."""
        return {"data": self.data, "params": self.params}

    def rows(self, name: str) -> list[dict[str, Any]]:
        """Rows of data set ``name``: its fixed and changing columns zipped."""
        columns = {**self.base.get(name, {}), **self.data.get(name, {})}
        if not columns:
            return []
        keys = list(columns)
        return [dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True)]

    def standalone(self) -> dict[str, Any]:
        """A self-contained spec: data inlined as rows and the params set to this step."""
        spec = copy.deepcopy(self.spec)
        names = set(self.base) | set(self.data)
        spec["datasets"] = {name: self.rows(name) for name in names}
        for param in spec.get("params", []):
            if param["name"] in self.params:
                param["value"] = self.params[param["name"]]
        return spec


def encode(value: dict[str, Any]) -> str:
    """JSON text of a chart or frame (NaN is not JSON: give None instead)."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


@solara.component
def VegaView(chart: str, frame: str):
    """Show a chart from :func:`encode` of :meth:`Layered.chart` and :meth:`Layered.frame`.

    Memoise ``chart`` (e.g. ``solara.use_memo``) so an unchanged fixed part is
    neither encoded nor sent again.
    """
    return VegaViewWidget.element(chart=chart, frame=frame)
