"""An Echarts chart that is cheap to update every week.

Solara's ``FigureEcharts`` takes the chart's option as a nested dictionary.
Every re-render then makes the component tree walk that dictionary (every
``[week, value]`` pair) looking for child elements, compares it, and sends it,
and the browser rebuilds the chart even when it is off screen. At a week of
the default world that cost ~100 ms on the server alone.

:class:`LiveChart` takes the option as one JSON string instead (compared and
sent as a single value), and the browser draws it only while the chart is
on screen or close to it: an option that arrives for a chart scrolled out of
sight waits until the chart comes into view. After drawing, the chart's
element carries the ``stamp`` it was drawn for (``data-stamp``), so tests
and the benchmark can tell when the browser has really drawn a given week;
a chart made with ``acknowledge`` also reports each stamp it took in back to
the server (``ack``), which Play waits for before the next week.

The Echarts script comes from the same place and version as solara's own
chart widget (its ``echarts.vue``), so the offline assets
(:mod:`simulation.ui.assets`) already hold it.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

import ipyvuetify
import solara
import traitlets

from .live import Fed

#: Echarts version if solara's own widget cannot be read (the one solara 1.64 uses).
FALLBACK_VERSION = "5.4.0"

_TEMPLATE = """
<template>
  <div ref="chart" class="solara-echarts live-chart" v-bind="attributes"></div>
</template>
<script>
module.exports = {
  mounted() {
    this.hasPending = true;
    this.isVisible = true;
    (async () => {
      const echarts = (await this.import(
        [`${this.getCdn()}/echarts@__VERSION__/dist/echarts.js`]))[0];
      this.chart = echarts.init(this.$refs.chart);
      this.draw();
    })();
    if (window.IntersectionObserver) {
      this.observer = new IntersectionObserver((entries) => {
        for (const entry of entries) {
          this.isVisible = entry.isIntersecting;
        }
        if (this.isVisible && this.hasPending) this.draw();
      }, {rootMargin: "300px"});
      this.observer.observe(this.$refs.chart);
    }
    if (window.ResizeObserver) {
      this.resizer = new ResizeObserver(() => { if (this.chart) this.chart.resize(); });
      this.resizer.observe(this.$refs.chart);
    }
  },
  beforeDestroy() {
    if (this.observer) this.observer.disconnect();
    if (this.resizer) this.resizer.disconnect();
    if (this.chart) this.chart.dispose();
  },
  watch: {
    option() {
      this.hasPending = true;
      if (this.isVisible) this.draw();
      // Tell the server this week has been taken in (drawn, or kept until the
      // chart scrolls into view), so that Play never runs ahead of the browser.
      if (this.acknowledge) this.ack = this.stamp;
    },
    stamp() {
      if (!this.hasPending && this.$refs.chart) this.$refs.chart.dataset.stamp = this.stamp;
    },
  },
  methods: {
    draw() {
      if (!this.chart) return;
      this.chart.setOption(JSON.parse(this.option), {notMerge: true});
      this.hasPending = false;
      this.$refs.chart.dataset.stamp = this.stamp;
    },
    import(deps) {
      return this.loadRequire().then(() => {
        if (window.jupyterVue) {
          define("vue", [], () => window.jupyterVue.Vue);
        } else {
          define("vue", ["jupyter-vue"], (jupyterVue) => jupyterVue.Vue);
        }
        return new Promise((resolve, reject) => {
          requirejs(deps, (...modules) => resolve(modules));
        });
      });
    },
    loadRequire() {
      if (window.requirejs) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = `${this.getCdn()}/requirejs@2.3.6/require.js`;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    },
    getCdn() {
      if (window.solara) return window.solara.cdn;
      let base = document.body.dataset.baseUrl || document.baseURI;
      if (!base.endsWith("/")) base += "/";
      return `${base}_solara/cdn`;
    },
  },
};
</script>
"""


@cache
def echarts_version() -> str:
    """The Echarts version solara's own chart widget loads (so the offline cache has it)."""
    from . import assets

    try:
        source = (assets.solara_root() / "components" / "echarts.vue").read_text("utf-8")
    except (OSError, assets.AssetError):
        return FALLBACK_VERSION
    match = assets._VERSION_CONSTANT.search(source)
    return match.group(1) if match else FALLBACK_VERSION


class LiveChartWidget(Fed, ipyvuetify.VuetifyTemplate):
    """The widget behind :func:`LiveChart`: an option as JSON text, and a stamp.

    It can be fed by a :class:`~simulation.ui.live.LiveFeed` (its ``option``).
    """

    feed_trait = "option"

    template = traitlets.Unicode("").tag(sync=True)
    option = traitlets.Unicode("{}").tag(sync=True)
    stamp = traitlets.Unicode("").tag(sync=True)
    #: Whether the browser reports each option it took in (``ack``, set to its stamp).
    acknowledge = traitlets.Bool(False).tag(sync=True)
    ack = traitlets.Unicode("").tag(sync=True)
    attributes = traitlets.Dict(default_value=None, allow_none=True).tag(sync=True)

    @traitlets.default("template")
    def _template(self) -> str:
        return _TEMPLATE.replace("__VERSION__", echarts_version())


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: those become null (a gap in a line)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def option_json(option: dict[str, Any]) -> str:
    """An Echarts option as compact JSON (NaN and infinities as null)."""
    try:
        return json.dumps(option, separators=(",", ":"), allow_nan=False)
    except ValueError:
        return json.dumps(_finite(option), separators=(",", ":"), allow_nan=False)


@solara.component
def LiveChart(option: str, stamp: str = "", style: dict[str, str] | None = None,  # noqa: N802
              classes: list[str] | None = None, label: str = "") -> solara.Element:
    """A chart drawn from ``option`` (JSON text, see :func:`option_json`).

    Args:
        option: The Echarts option as JSON text: compared and sent as one value.
        stamp: A label for what the option shows (the week); the browser puts
            it on the chart element as ``data-stamp`` once drawn.
        style: CSS of the chart's box (give it a height).
        classes: Extra CSS classes of the chart's box.
        label: The chart's accessible name (it is then an image to a screen
            reader; give its values in words beside it).
    """
    attributes: dict[str, Any] = {"style": style or {"height": "320px", "width": "100%"}}
    if label:
        attributes |= {"role": "img", "aria-label": label}
    if classes:
        attributes["class"] = " ".join(classes)
    return LiveChartWidget.element(option=option, stamp=stamp, attributes=attributes)
