"""About: the model in plain words, the ODD summary, the stylised facts, every parameter,
how to cite.

The parameter table is the declaration's (:func:`simulation.parameters.parameter_table`)
in English, and its French words (:mod:`simulation.parameters_fr`) in French.
"""

from __future__ import annotations

import csv
from importlib import metadata
from pathlib import Path

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


#: The stylised-facts panel as last measured and committed (``influence check facts --out
#: docs/figures/facts``); the page shows it, it does not rerun it.
FACTS_CSV = Path(__file__).resolve().parents[2] / "docs" / "figures" / "facts" / "facts.csv"


def facts_rows(lang: str, path: Path = FACTS_CSV) -> list[tuple[str, str, str, str]] | None:
    """Per fact: id, title, checks met of checks, verdict, in ``lang``; None without the file."""
    from ..facts import TITLES

    try:
        with path.open(encoding="utf-8", newline="") as handle:
            records = list(csv.DictReader(handle))
    except OSError:
        return None
    rows = []
    for fact in TITLES:
        checks = [r for r in records if r["fact"] == fact]
        if not checks:
            continue
        met = sum(r["holds"] == "True" for r in checks)
        verdict = t("fact_holds" if met == len(checks) else "fact_fails", lang)
        rows.append((fact, t(f"fact_{fact}", lang), f"{met} / {len(checks)}", verdict))
    return rows


def facts_html(lang: str) -> str:
    """The facts table as HTML, or a line saying how to measure it."""
    rows = facts_rows(lang)
    if not rows:
        return f"<p>{escape(t('about_facts_missing', lang))}</p>"
    head = "".join(f"<th>{escape(t(c, lang))}</th>"
                   for c in ("col_fact", "col_fact_title", "col_fact_checks", "col_fact_verdict"))
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@solara.component
def AboutPage() -> solara.Element:  # noqa: N802
    """The About page."""
    lang = state.language.value
    with solara.Column(style={"max-width": "980px"}, classes=["about-page"]):
        solara.Markdown(f"# {t('about_title', lang)}")
        solara.Markdown(f"## {t('about_plain_title', lang)}\n\n{t('about_plain', lang)}")
        solara.Markdown(f"## {t('about_odd_title', lang)}\n\n{t('about_odd', lang)}")
        solara.Markdown(f"## {t('about_facts_title', lang)}\n\n{t('about_facts_note', lang)}")
        html_block(facts_html(lang), classes=["facts-table"])
        solara.Markdown(f"## {t('about_params_title', lang)}\n\n{t('about_params_note', lang)}")
        if lang == "fr":
            html_block(french_parameter_table(), classes=["parameter-table"])
        else:
            solara.Markdown(parameters.parameter_table())
        solara.Markdown(f"## {t('about_cite_title', lang)}\n\n"
                        f"> {t('about_cite', lang, version=version())}")
