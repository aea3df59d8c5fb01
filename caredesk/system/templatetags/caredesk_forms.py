"""{{ field|bootstrap }}: render a form field's widget with Bootstrap's classes (and is-invalid on errors)."""

from django import template

register = template.Library()

_CLASSES = {"select": "form-select", "selectmultiple": "form-select", "checkbox": "form-check-input"}


@register.filter
def bootstrap(field, extra: str = ""):
    css = _CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    if extra:
        css += f" {extra}"
    return field.as_widget(attrs={"class": css})
