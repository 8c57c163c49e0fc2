"""About: the model in plain words, the ODD summary, every parameter, how to cite."""

from __future__ import annotations

from importlib import metadata

import solara

from .. import parameters
from . import state
from .i18n import t


def version() -> str:
    """The installed project version (what a citation must name)."""
    try:
        return metadata.version("influence-world")
    except metadata.PackageNotFoundError:
        return "unknown"


@solara.component
def AboutPage() -> solara.Element:  # noqa: N802
    """The About page."""
    lang = state.language.value
    with solara.Column(style={"max-width": "980px"}, classes=["about-page"]):
        solara.Markdown(f"# {t('about_title', lang)}")
        solara.Markdown(f"## {t('about_plain_title', lang)}\n\n{t('about_plain', lang)}")
        solara.Markdown(f"## {t('about_odd_title', lang)}\n\n{t('about_odd', lang)}")
        solara.Markdown(f"## {t('about_params_title', lang)}\n\n{t('about_params_note', lang)}")
        solara.Markdown(parameters.parameter_table())
        solara.Markdown(f"## {t('about_cite_title', lang)}\n\n"
                        f"> {t('about_cite', lang, version=version())}")
