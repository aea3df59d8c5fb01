"""caredesk's form renderer writes the commonest widgets in Python: the same markup as their templates."""

import datetime

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from caredesk.system.form_renderer import WRITERS, FormRenderer

TEMPLATES, PYTHON = TemplatesSetting(), FormRenderer()
HOSTILE = ["<script>alert(1)</script>", "a \"quoted\" & 'single'", "plain", mark_safe("<b>safe</b>"), "", "Zoë"]
CHOICES = [("", "---------"), ("new", "New <b>"), (3, 'Three "3"'), ("x&y", gettext_lazy("Open"))]
GROUPED = [("Team <A>", [(1, "Ann"), (2, "Bo & Co")]), ("", [(3, "Cy")]), (4, "Di")]


def _both(widget: forms.Widget, name: str, value, attrs=None) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=attrs, renderer=TEMPLATES),
        widget.render(name, value, attrs=attrs, renderer=PYTHON),
    )


WIDGETS = [
    forms.TextInput(attrs={"class": "form-control", "placeholder": 'Say "hi" <now>', "required": True}),
    forms.EmailInput(), forms.NumberInput(attrs={"min": 0, "disabled": False}), forms.URLInput(),
    forms.PasswordInput(render_value=True), forms.HiddenInput(), forms.DateInput(attrs={"type": "date"}),
    forms.TimeInput(), forms.DateTimeInput(), forms.CheckboxInput(attrs={"class": "form-check-input"}),
    forms.Select(choices=CHOICES, attrs={"class": "form-select"}), forms.Select(choices=GROUPED),
    forms.SelectMultiple(choices=GROUPED),
    forms.CheckboxSelectMultiple(choices=CHOICES, attrs={"class": "form-check-input", "id": "id_f"}),
    forms.CheckboxSelectMultiple(choices=GROUPED), forms.RadioSelect(choices=CHOICES, attrs={"id": "id_r"}),
    forms.RadioSelect(choices=GROUPED),
]
VALUES = [None, "", "new", 3, ["new", 3], [1, 4], "x&y", True, False, datetime.date(2026, 11, 26), *HOSTILE]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_each_widget_renders_as_its_template_does(widget, value):
    if isinstance(widget, forms.SelectMultiple | forms.CheckboxSelectMultiple) and not isinstance(value, list):
        value = [value]
    attrs = {"data-x": '"x"', "aria-label": "Pick & go"}
    templates, python = _both(widget, "field<1>", value, attrs=attrs)
    assert python == templates


ATTRIBUTES = st.dictionaries(
    st.sampled_from(["class", "title", "data-a", "id"]), st.one_of(st.text(max_size=6), st.booleans()), max_size=3
)


@given(label=st.text(max_size=12), value=st.one_of(st.none(), st.text(max_size=8), st.integers()), attrs=ATTRIBUTES)
def test_any_label_value_and_attributes_render_as_the_templates_do(label, value, attrs):
    choice = value if value is not None else ""
    for widget in (
        forms.TextInput(attrs=attrs),
        forms.Select(choices=[(choice, label), ("b", "B")], attrs=attrs),
        forms.CheckboxSelectMultiple(choices=[("a", label), (value, "v")], attrs=attrs),
        forms.RadioSelect(choices=[("a", label)], attrs=attrs),
    ):
        shown = [value] if isinstance(widget, forms.CheckboxSelectMultiple) else value
        templates, python = _both(widget, "f", shown)
        assert python == templates


def test_each_option_alone_renders_as_its_template_does():
    """The queue's filters render options one by one (BoundWidget.tag)."""

    class Filters(forms.Form):
        status = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)

    for option in Filters({"status": ["new"]})["status"]:
        context = {"widget": option.data}
        assert PYTHON.render(option.template_name, context) == TEMPLATES.render(option.template_name, context)


def test_widgets_without_a_writer_still_use_their_templates():
    textarea = forms.Textarea(attrs={"rows": 3})
    assert "django/forms/widgets/textarea.html" not in WRITERS
    assert _both(textarea, "body", "<hello>")[1] == _both(textarea, "body", "<hello>")[0]
    assert "&lt;hello&gt;" in textarea.render("body", "<hello>", renderer=PYTHON)
