"""About: the model in plain words, the ODD summary, every parameter, how to cite.

The parameter table is the declaration's (:func:`simulation.parameters.parameter_table`)
in English, and its French words (:mod:`simulation.parameters_fr`) in French.
"""

from __future__ import annotations

from importlib import metadata

import solara

from .. import parameters, parameters_fr
from . import state
from .i18n import t
from .safe import escape, html_block


def version() -> str:
    """The installed project version (what a citation must name)."""
    try:
        return metadata.version("influence-world")
    except metadata.PackageNotFoundError:
        return "unknown"


def french_parameter_table() -> str:
    """Every declared parameter in French, as HTML: name in the files, label, default,
    allowed values, unit and meaning."""
    groups = (("params_world", "world"), ("params_company", "company"),
              ("params_influencer", "influencer"), ("params_influencer", "role"),
              ("params_event", "event"))
    columns = ("col_param_name", "col_param_label", "col_param_default", "col_param_allowed",
               "col_param_unit", "col_param_meaning")
    parts = []
    for index, (title, group) in enumerate(groups):
        if index == 0 or groups[index - 1][0] != title:
            if parts:
                parts.append("</tbody></table>")
            parts.append(f"<h3>{escape(t(title, 'fr'))}</h3><table><thead><tr>"
                         + "".join(f"<th>{escape(t(c, 'fr'))}</th>" for c in columns)
                         + "</tr></thead><tbody>")
        for param in parameters_fr.GROUPS[group]:
            default = param.default
            shown = (parameters_fr.choice(default, "fr") if param.kind == "choice"
                     else parameters_fr.number(default, "fr")
                     if isinstance(default, int | float) and not isinstance(default, bool)
                     else default)
            cells = (f"<code>{escape(param.name)}</code>", escape(parameters_fr.label(param, "fr")),
                     escape(shown), escape(parameters_fr.allowed(param, "fr")),
                     escape(parameters_fr.unit(param, "fr")),
                     escape(parameters_fr.doc(param, "fr")))
            parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


@solara.component
def AboutPage() -> solara.Element:  # noqa: N802
    """The About page."""
    lang = state.language.value
    with solara.Column(style={"max-width": "980px"}, classes=["about-page"]):
        solara.Markdown(f"# {t('about_title', lang)}")
        solara.Markdown(f"## {t('about_plain_title', lang)}\n\n{t('about_plain', lang)}")
        solara.Markdown(f"## {t('about_odd_title', lang)}\n\n{t('about_odd', lang)}")
        solara.Markdown(f"## {t('about_params_title', lang)}\n\n{t('about_params_note', lang)}")
        if lang == "fr":
            html_block(french_parameter_table(), classes=["parameter-table"])
        else:
            solara.Markdown(parameters.parameter_table())
        solara.Markdown(f"## {t('about_cite_title', lang)}\n\n"
                        f"> {t('about_cite', lang, version=version())}")
