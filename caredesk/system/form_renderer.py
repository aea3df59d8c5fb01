"""The form renderer: Django's commonest widgets written by Python, the rest by their templates.

Django renders every widget through a template, and the queue page alone renders about 45 options and 20
inputs: even flattened into one template each (caredesk/templates/django/forms/widgets/README.md) they
were a quarter of its time. Here inputs, selects and lists of checkboxes or radio buttons are written
directly, with the same markup as those templates: tests/test_form_renderer.py renders every case both
ways and compares. Values are escaped as the templates escape them ({{ }} and |stringformat:'s')."""

from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"


def _formatted(value) -> str:
    """{{ value|stringformat:'s' }}: safe text stays as it is, anything else is escaped."""
    if isinstance(value, SafeData):
        return str(value)
    return escape(str(value) if isinstance(value, tuple) else "%s" % value)


def _shown(value) -> str:
    """{{ value }}: localised when it is not text, then escaped unless it is safe."""
    return conditional_escape(value if isinstance(value, str) else str(localize(value)))


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {_shown(name)}" + ("" if value is True else f'="{_formatted(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _input_tag(widget: dict) -> str:
    # `!= None`, not `is not None`: what the template's {% if widget.value != None %} evaluates.
    value = "" if widget["value"] == None else f' value="{_formatted(widget["value"])}"'  # noqa: E711
    kind, name = _shown(widget["type"]), _shown(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>'


# Each writer returns what its template file renders, down to the line break every file ends with (a
# template that includes another adds its own).


def _input(widget: dict) -> str:
    return _input_tag(widget) + "\n"


def _input_option(widget: dict) -> str:
    if not widget.get("wrap_label"):
        return _input_tag(widget) + "\n\n"
    label_id = widget["attrs"].get("id")
    label_for = f' for="{_shown(label_id)}"' if label_id else ""
    return f"<label{label_for}>{_input_tag(widget)}\n {_shown(widget['label'])}</label>\n"


def _select(widget: dict) -> str:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        parts.extend(
            f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
            f'{_shown(option["label"])}</option>\n'
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _multiple_input(widget: dict) -> str:
    own_id, own_class = widget["attrs"].get("id"), widget["attrs"].get("class")
    parts = [
        "<div"
        + (f' id="{_shown(own_id)}"' if own_id else "")
        + (f' class="{_shown(own_class)}"' if own_class else "")
        + ">"
    ]
    for group, options, _ in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_shown(group)}</label>")
        parts.extend(f"<div>\n    {WRITERS[option['template_name']](option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _included(write):
    """A template that is only an {% include %} of another: its output and the file's own line break."""
    return lambda widget: write(widget) + "\n"


INPUTS = (
    "text", "email", "number", "url", "password", "hidden", "date", "datetime", "time", "search", "tel", "color",
    "checkbox",
)
# Django's templates (or caredesk's flattened copies) -> what writes the same markup.
WRITERS = {
    f"{WIDGETS}input.html": _input,
    **{f"{WIDGETS}{name}.html": _included(_input) for name in INPUTS},
    f"{WIDGETS}input_option.html": _input_option,
    **{f"{WIDGETS}{name}.html": _included(_input_option) for name in ("checkbox_option", "radio_option")},
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}multiple_input.html": _multiple_input,
    **{f"{WIDGETS}{name}.html": _included(_multiple_input) for name in ("checkbox_select", "radio")},
}


class FormRenderer(TemplatesSetting):
    """TemplatesSetting (forms find caredesk's templates first) with WRITERS for the commonest widgets."""

    def render(self, template_name, context, request=None):
        write = WRITERS.get(template_name)
        if write is None:
            return super().render(template_name, context, request=request)
        # Stripped, as BaseRenderer.render strips what a template writes.
        return mark_safe(write(context["widget"]).strip())
