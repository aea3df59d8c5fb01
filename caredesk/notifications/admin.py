from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import samples
from .defaults import BODIES, SUBJECTS, Kind
from .models import EmailTemplate
from .rendering import render_text


WIDE = "width: 100%; max-width: 50em; box-sizing: border-box"


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["kind", "team", "enabled", "subject", "body"]
        # The subject as wide as the body, so a whole subject template is seen while it is edited.
        widgets = {
            "subject": forms.TextInput(attrs={"style": WIDE}),
            "body": forms.Textarea(attrs={"rows": 16, "style": WIDE}),
        }

    def clean(self):
        data = super().clean()
        kind, subject, body = data.get("kind"), data.get("subject"), data.get("body")
        if kind and subject is not None and body is not None:
            try:
                render_text(subject, body, samples.context(kind))  # a broken template is never saved
            except ValidationError as error:
                self.add_error("body", error)
        return data


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    form = EmailTemplateForm
    list_display = ["kind", "team", "enabled", "subject", "updated_at", "updated_by"]
    list_filter = ["kind", "enabled", "team"]
    readonly_fields = ["preview", "names", "updated_at", "updated_by"]
    fields = ["kind", "team", "enabled", "subject", "body", "preview", "names", "updated_at", "updated_by"]

    def get_changeform_initial_data(self, request):
        # A new template starts from the built-in wording of its kind (?kind=... from the list's links).
        kind = request.GET.get("kind", Kind.ACKNOWLEDGEMENT)
        kind = kind if kind in Kind.values else Kind.ACKNOWLEDGEMENT
        return {"kind": kind, "subject": SUBJECTS[Kind(kind)], "body": BODIES[Kind(kind)]}

    @admin.display(description=_("Preview (with example values; save to refresh)"))
    def preview(self, template: EmailTemplate) -> str:
        if not template.pk:
            return _("Save to see the email as it will be sent.")
        try:
            rendered = render_text(template.subject, template.body, samples.context(template.kind))
        except ValidationError as error:
            return " ".join(error.messages)
        return format_html(
            '<div style="border:1px solid #ccc;padding:8px;{}"><strong>{}</strong>'
            '<pre style="white-space:pre-wrap;margin-top:8px">{}</pre></div>',
            WIDE, rendered.subject, rendered.body,
        )

    @admin.display(description=_("Names you can use"))
    def names(self, template: EmailTemplate) -> str:
        kind = template.kind or Kind.ACKNOWLEDGEMENT
        names = sorted(_flatten(samples.context(kind)))
        # One <code> per name that never breaks inside, so no "{{" is left at a line's end.
        return format_html_join(
            " ", '<code style="white-space: nowrap">{}</code>', (("{{ " + name + " }}",) for name in names)
        )

    def save_model(self, request, obj, form, change):
        obj.updated_at = timezone.now()
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


def _flatten(values: dict, prefix: str = "") -> list[str]:
    names = []
    for key, value in values.items():
        if isinstance(value, dict):
            names += _flatten(value, f"{prefix}{key}.")
        else:
            names.append(f"{prefix}{key}")
    return names
