"""One input widget per declared parameter, built from its declaration.

Label, range, step, unit and help text all come from the parameter's
:class:`~simulation.parameters.Param` (their French from
:mod:`simulation.parameters_fr`), so the page can never disagree with the
model about what a parameter means or allows. A French page shows the French
label, help, unit and choice words, and its numbers with a decimal comma. Numbers with a short range
get a slider; those whose range spans orders of magnitude (a budget up to a
billion) get a typed field, validated by the declaration itself.

A control never changes the value it shows. A slider snaps whatever it is
given to its grid (and reports the snapped value back as if the visitor had
moved it), so a slider's step is fine enough for the declaration's default,
its bounds and the value in hand (:func:`float_step`); a value no slider of
reasonable size can hold exactly gets a typed field instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import solara

from .. import parameters_fr
from ..parameters import Param, ParameterError, split_path
from .i18n import colon, t

#: Widest range (high - low) an integer slider covers; beyond it a typed field.
INT_SLIDER_SPAN = 600
#: Widest range a float slider covers; beyond it a typed field.
FLOAT_SLIDER_SPAN = 100.0
#: Slider positions across a float range, at least (a finer step where values need one).
FLOAT_SLIDER_STEPS = 100
#: Most positions a slider may have; a value that needs more gets a typed field.
MAX_SLIDER_POSITIONS = 10_000
#: Finest slider step: the browser's slider reads a step's decimals from its
#: text, and JavaScript writes 1e-7 and below in exponent form.
MIN_SLIDER_STEP = 1e-6


def help_text(param: Param, lang: str = "en") -> str:
    """The declaration's meaning, unit and allowed values, in one line, in ``lang``."""
    unit = "" if param.unit in ("-", "") else " " + t(
        "help_unit", lang, unit=parameters_fr.unit(param, lang))
    allowed = t("help_allowed", lang, allowed=parameters_fr.allowed(param, lang))
    return f"{parameters_fr.doc(param, lang)}{unit} {allowed}"


def shown_number(value: Any, lang: str) -> str:
    """A value as a slider's label shows it: exact (:func:`format_number`), a decimal
    comma in French."""
    text = format_number(value)
    return text.replace(".", ",") if lang == "fr" else text


def format_number(value: Any) -> str:
    """A number as its shortest exact text: ``0.003``, ``10`` (not ``10.0``), ``1234567``.

    Unlike ``{:g}``, which keeps six digits, the text reads back as the same
    number, so a typed field that shows it and is left as it is changes nothing.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def decimals(value: float) -> int:
    """Digits after the decimal point in the shortest exact text of ``value`` (0.003: 3)."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def float_step(param: Param, value: float | None = None) -> float:
    """A round slider step on whose grid the default, the bounds and ``value`` all lie.

    The step shows the range in at least :data:`FLOAT_SLIDER_STEPS` positions
    (1, 2 or 5 times a power of ten), finer where the declaration's default or
    bounds, or the value shown, have more decimals: ``unit_cost`` (0.4 in
    [0, 100]) moves by 0.1, ``feedback_gain`` (0.003 in [0, 1]) by 0.001. A
    value with ``d`` decimals is a multiple of ``10**-d``, and so of every
    coarser round step; the grid starts at the low bound, which has no more
    decimals than the step.
    """
    raw = (param.high - param.low) / FLOAT_SLIDER_STEPS
    magnitude = 10 ** math.floor(math.log10(raw))
    coarse = next((nice * magnitude for nice in (1, 2, 5, 10) if raw <= nice * magnitude), raw)
    places = max(decimals(x) for x in (param.default, param.low, param.high,
                                       param.default if value is None else value))
    step = min(coarse, 10.0 ** -places) if places else coarse
    return float(f"{step:.12g}")  # 0.1, not 0.30000000000000004 / 3


def fits_slider(param: Param, value: float | None = None) -> bool:
    """Whether a float slider can show ``value`` (and the default) exactly, at a usable size."""
    step = float_step(param, value)
    positions = (param.high - param.low) / step
    return step >= MIN_SLIDER_STEP and positions <= MAX_SLIDER_POSITIONS * (1 + 1e-9)


def widget_kind(param: Param, value: Any = None) -> str:
    """``select``, ``checkbox``, ``text``, ``int_slider``, ``float_slider`` or ``number``.

    ``value`` is the value to show (the default when None): a float the
    slider's grid would have to be too fine for gets a typed field.
    """
    if param.kind == "choice":
        return "select"
    if param.kind == "bool":
        return "checkbox"
    if param.kind == "str":
        return "text"
    bounded = param.low is not None and param.high is not None
    span = (param.high - param.low) if bounded else float("inf")
    if param.kind == "int" and span <= INT_SLIDER_SPAN:
        return "int_slider"
    if param.kind == "float" and span <= FLOAT_SLIDER_SPAN and fits_slider(param, value):
        return "float_slider"
    return "number"


def css_class(path: str) -> str:
    """A control's CSS class: ``param-companies-1-budget`` for ``companies[1].budget``."""
    return "param-" + "-".join(str(part) for part in split_path(path))


@solara.component
def ParamControl(param: Param, value: Any, on_value: Callable[[Any], None],  # noqa: N802
                 label: str | None = None, path: str | None = None,
                 lang: str = "en") -> solara.Element:
    """An input for ``param``; ``on_value`` receives a value already valid for it.

    A typed value the declaration refuses is not passed on: the field shows
    the declaration's own message (``got X; allowed: Y``) instead. Showing the
    control never calls ``on_value``: it shows ``value`` exactly.

    Args:
        param: The declaration.
        value: The value to show, valid for ``param``.
        on_value: Called with each new value the visitor sets.
        label: Text to name the control by (by default the parameter's name
            in English, its French label in French).
        path: The parameter's path (``companies[1].budget``), named in the
            control's CSS class (``param-companies-1-budget``).
        lang: The page's language.
    """
    error, set_error = solara.use_state("")
    name = label or parameters_fr.label(param, lang)
    kind = widget_kind(param, value)
    words = {parameters_fr.choice(c, lang): c for c in param.choices}

    def accept(new: Any) -> None:
        if lang == "fr" and isinstance(new, str) and kind == "number":
            new = new.replace(",", ".").replace("\u202f", "").replace("\u00a0", "")
        try:
            checked = param.coerce(new, name)
        except ParameterError as problem:
            set_error(str(problem))
            return
        set_error("")
        on_value(checked)

    with solara.Column(gap="0px", classes=["param-control", css_class(path or param.name)]):
        if kind == "select":
            solara.Select(label=name, values=list(words), value=parameters_fr.choice(value, lang),
                          on_value=lambda word: accept(words.get(word, word)))
        elif kind == "checkbox":
            solara.Checkbox(label=name, value=bool(value), on_value=accept)
        elif kind == "text":
            solara.InputText(label=name, value=str(value), on_value=accept,
                             continuous_update=False)
        elif kind == "int_slider":
            solara.SliderInt(label=f"{name}{colon(lang)}{value}", value=int(value),
                             min=int(param.low),
                             max=int(param.high), step=1, on_value=accept)
        elif kind == "float_slider":
            step = float_step(param, value)
            places = decimals(step)
            solara.SliderFloat(label=f"{name}{colon(lang)}{shown_number(value, lang)}",
                               value=float(value),
                               min=float(param.low), max=float(param.high), step=step,
                               on_value=lambda v: accept(round(float(v), places)))
        else:
            solara.InputText(label=name, value=shown_number(value, lang), on_value=accept,
                             continuous_update=False, error=error or False)
        solara.Text(help_text(param, lang), classes=["param-help"],
                    style={"font-size": "0.75em", "color": "#595959"})
        if error and kind != "number":
            solara.Text(error, style={"font-size": "0.75em", "color": "#c0392b"})
