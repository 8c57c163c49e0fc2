"""What makes every page usable by keyboard, by screen reader and on a phone.

* The page's ``lang`` attribute follows the visitor's language
  (:class:`PageLanguage`), so a screen reader reads French as French.
* :data:`CSS` gives every focusable element a focus ring that shows on light
  and dark backgrounds alike, hides the chart summaries visually but not
  from screen readers (``sr-only``), and lets the layout fold on a narrow
  screen: the app bar's page links collapse behind one button (the language
  switch stays in view), the Explore controls stack above the charts, and a
  wide table scrolls sideways within its own box instead of being cut.
* :func:`contrast` is the WCAG 2 contrast ratio, for the tests that check
  text and chart colours.
"""

from __future__ import annotations

import ipyvuetify
import traitlets

#: Below this width (CSS pixels) the layout is a phone's.
NARROW_PX = 760

CSS = f"""
/* A focus ring seen on white and on the blue app bar alike (black with a
   yellow halo), for keyboard focus only. */
*:focus-visible, .v-btn:focus-visible, [role=slider]:focus-visible,
.v-slider__thumb-container:focus-visible {{
  outline: 3px solid #0b0c0c !important;
  outline-offset: 2px !important;
  box-shadow: 0 0 0 5px #ffdd00 !important;
}}
.v-input--is-focused .v-input__slot {{
  outline: 2px solid #0b0c0c;
  outline-offset: 2px;
}}
/* Read by screen readers, not shown. */
.sr-only {{
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0;
}}
/* Tables scroll sideways inside their own box rather than being cut. */
.fairness-table, .influencer-table, .compare-summary, .about-page table,
.scroll-table table {{
  display: block; max-width: 100%; overflow-x: auto;
}}
.v-application .nav-toggle, .v-application .nav-narrow.d-flex {{ display: none !important; }}
.v-toolbar__title {{ overflow: hidden; text-overflow: ellipsis; min-width: 0; }}
@media (max-width: {NARROW_PX}px) {{
  .v-application .nav-wide.d-flex {{ display: none !important; }}
  .v-application .nav-toggle {{ display: inline-flex !important; }}
  .v-application .nav-narrow.d-flex {{ display: flex !important; }}
  .v-toolbar__title {{ font-size: 1.1rem !important; flex: 0 1 auto; }}
  .v-toolbar__content {{ padding: 0 8px !important; }}
  .explore-controls {{
    flex: 1 1 100% !important; max-height: none !important; overflow-y: visible !important;
    padding-right: 0 !important;
  }}
  .company-inside {{ min-width: 0 !important; flex: 1 1 100% !important; }}
  .compare-page .d-flex, .compare-page .row {{ flex-wrap: wrap; }}
  .compare-page .v-input__slider {{ min-width: 240px; }}
  .compare-page .v-input {{ flex: 1 1 240px; min-width: 0; }}
}}
"""

_LANG_TEMPLATE = """
<template><span class="page-language" style="display: none"></span></template>
<script>
module.exports = {
  mounted() { document.documentElement.lang = this.lang; },
  watch: { lang(value) { document.documentElement.lang = value; } },
};
</script>
"""


class PageLanguage(ipyvuetify.VuetifyTemplate):
    """An invisible widget that sets ``<html lang>`` to its ``lang`` in the browser."""

    template = traitlets.Unicode(_LANG_TEMPLATE).tag(sync=True)
    lang = traitlets.Unicode("en").tag(sync=True)


def _linear(channel: float) -> float:
    channel /= 255
    return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2) of a ``#rrggbb`` colour."""
    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio between two ``#rrggbb`` colours (1 to 21)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)
