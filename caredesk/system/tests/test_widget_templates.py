"""caredesk's widgets (its form renderer, and its flattened templates behind it) render exactly what
Django's own templates do."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting, get_default_renderer

from caredesk.system.form_renderer import FormRenderer


class EveryWidget(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "<Tag>"}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    choice = forms.ChoiceField(choices=[("", "Any"), ("a", "A & B"), ("b", "B")])
    grouped = forms.ChoiceField(choices=[("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("x", "Other")])
    many = forms.MultipleChoiceField(choices=[("new", "New"), ("open", "Open")], widget=forms.SelectMultiple)
    boxes = forms.MultipleChoiceField(
        choices=[("new", "New"), ("open", "Open")], widget=forms.CheckboxSelectMultiple
    )
    flag = forms.BooleanField(required=False)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"text": '"><script>alert(1)</script>', "day": "2026-11-25", "choice": "a", "grouped": "pear",
         "many": ["new", "open"], "boxes": ["open"], "flag": "on", "hidden": "7"},
    ],
)
def test_flattened_widgets_render_as_djangos_own(data):
    assert isinstance(get_default_renderer(), FormRenderer)
    ours = EveryWidget(data or None)
    flattened = EveryWidget(data or None, renderer=TemplatesSetting())
    django_own = EveryWidget(data or None, renderer=DjangoTemplates())
    for name in EveryWidget.base_fields:
        assert str(ours[name]) == str(flattened[name]) == str(django_own[name]), name
    for index, option in enumerate(ours["boxes"]):
        assert option.tag() == django_own["boxes"][index].tag()
