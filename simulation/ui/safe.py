"""Text from scenario files stays text: in the page, in figures and in downloads.

A scenario file is handed from teacher to class, so its title, summary,
company names and teaching texts are whatever someone typed. None of them
may become markup, script or a formula:

* in the page, they are escaped (:func:`escape`) and put where the browser
  never compiles them: plain text elements, or HTML set as ``innerHTML``
  (:func:`html_block`). Never in ``solara.Markdown``: it hands raw HTML to
  the page, and the page compiles it as a Vue template, where ``{{ … }}`` is
  code;
* in Matplotlib figures, ``$…$`` is not read as mathematics
  (:func:`literal_text`);
* in CSV files, a cell a spreadsheet would take for a formula (``=``, ``+``,
  ``-``, ``@`` first) is written with a leading apostrophe (:func:`csv_safe`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import solara

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape(text: Any) -> str:
    """``text`` as HTML text: ``<``, ``>``, ``&`` and both quotes escaped."""
    return html.escape(str(text), quote=True)


def html_block(inner_html: str, classes: Iterable[str] = (), style: str | None = None
               ) -> solara.Element:
    """A ``div`` showing ``inner_html`` (already escaped), styled as the Markdown blocks are.

    The HTML is set as the element's ``innerHTML``: the browser parses it, but
    nothing compiles it as a template, so an escaped ``{{ … }}`` stays text.
    """
    return solara.HTML(tag="div", unsafe_innerHTML=inner_html, style=style,
                       classes=["solara-markdown", "rendered_html", "jp-RenderedHTMLCommon",
                                *classes])


def table_html(frame: pd.DataFrame, css_class: str = "") -> str:
    """``frame`` as an HTML table, every header and cell escaped."""
    head = "".join(f"<th>{escape(c)}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return (f"<table class='{escape(css_class)}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with text cells that would start a spreadsheet formula quoted by ``'``.

    Only text columns are touched: numbers (negative ones included) are kept.
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = [f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v
                           for v in out[column]]
    return out


@contextmanager
def literal_text() -> Iterator[None]:
    """Within: Matplotlib draws every text as written (``$x$`` is not mathematics)."""
    import matplotlib

    with matplotlib.rc_context({"text.parse_math": False}):
        yield
