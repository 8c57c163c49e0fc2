"""One input widget per declared parameter, built from its declaration.

Label, range, step, unit and help text all come from the parameter's
:class:`~simulation.parameters.Param`, so the page can never disagree with
the model about what a parameter means or allows. Numbers with a short range
get a slider; those whose range spans orders of magnitude (a budget up to a
billion) get a typed field, validated by the declaration itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import solara

from ..parameters import Param, ParameterError

#: Widest range (high - low) an integer slider covers; beyond it a typed field.
INT_SLIDER_SPAN = 600
#: Widest range a float slider covers; beyond it a typed field.
FLOAT_SLIDER_SPAN = 100.0
#: Slider positions across a float range.
FLOAT_SLIDER_STEPS = 100


def help_text(param: Param) -> str:
    """The declaration's meaning, unit and allowed values, in one line."""
    unit = "" if param.unit in ("-", "") else f" Unit: {param.unit}."
    return f"{param.doc}{unit} Allowed: {param.allowed()}."


def widget_kind(param: Param) -> str:
    """``select``, ``checkbox``, ``text``, ``int_slider``, ``float_slider`` or ``number``."""
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
    if param.kind == "float" and span <= FLOAT_SLIDER_SPAN:
        return "float_slider"
    return "number"


def float_step(param: Param) -> float:
    """A slider step that shows the range in about a hundred positions, a round number."""
    raw = (param.high - param.low) / FLOAT_SLIDER_STEPS
    magnitude = 10 ** math.floor(math.log10(raw))
    for nice in (1, 2, 5, 10):
        if raw <= nice * magnitude:
            return nice * magnitude
    return raw


@solara.component
def ParamControl(param: Param, value: Any, on_value: Callable[[Any], None],  # noqa: N802
                 label: str | None = None) -> solara.Element:
    """An input for ``param``; ``on_value`` receives a value already valid for it.

    A typed value the declaration refuses is not passed on: the field shows
    the declaration's own message (``got X; allowed: Y``) instead.
    """
    error, set_error = solara.use_state("")
    name = label or param.name
    kind = widget_kind(param)

    def accept(new: Any) -> None:
        try:
            checked = param.coerce(new, name)
        except ParameterError as problem:
            set_error(str(problem))
            return
        set_error("")
        on_value(checked)

    with solara.Column(gap="0px", classes=["param-control"]):
        if kind == "select":
            solara.Select(label=name, values=list(param.choices), value=value, on_value=accept)
        elif kind == "checkbox":
            solara.Checkbox(label=name, value=bool(value), on_value=accept)
        elif kind == "text":
            solara.InputText(label=name, value=str(value), on_value=accept,
                             continuous_update=False)
        elif kind == "int_slider":
            solara.SliderInt(label=f"{name}: {value}", value=int(value), min=int(param.low),
                             max=int(param.high), step=1, on_value=accept)
        elif kind == "float_slider":
            step = float_step(param)
            solara.SliderFloat(label=f"{name}: {value:g}", value=float(value),
                               min=float(param.low), max=float(param.high), step=step,
                               on_value=lambda v: accept(round(float(v), 10)))
        else:
            solara.InputText(label=name, value=f"{value:g}" if param.kind == "float" else
                             str(value), on_value=accept, continuous_update=False,
                             error=error or False)
        solara.Text(help_text(param), style={"font-size": "0.75em", "color": "#666"})
        if error and kind != "number":
            solara.Text(error, style={"font-size": "0.75em", "color": "#c0392b"})
