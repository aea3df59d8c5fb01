"""Forms of the customer side. Widgets carry Bootstrap classes; a field with an error is marked invalid."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.customers.models import Customer

MAX_MESSAGE_LENGTH = 20_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files, cleaned to a list (Django's documented pattern for multiple uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields and "is-invalid" not in self.fields[name].widget.attrs["class"]:
                self.fields[name].widget.attrs["class"] += " is-invalid"


def _attachments_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Attachments"),
        help_text=_("Photos, PDFs and documents are welcome; programs (such as .exe files) are not."),
    )


class RequestForm(BootstrapForm):
    """A new request from the public web form."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We reply to this address and send you a link to follow your request."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=255)
    message = forms.CharField(
        label=_("How can we help?"), max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea(attrs={"rows": 7})
    )
    attachments = _attachments_field()
    # The honeypot: people never see it, so never fill it; form-filling robots do.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    field_order = ["name", "email", "subject", "message", "attachments", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class PortalRequestForm(RequestForm):
    """The same request from a logged-in customer: who they are is known, so name and address are shown,
    not asked (disabled fields ignore whatever is posted for them)."""

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, initial={"name": customer.name, "email": customer.email}, **kwargs)
        for name in ("name", "email"):
            self.fields[name].disabled = True
        self.fields["email"].help_text = _("We reply to this address.")
        del self.fields["website"]


class ReplyForm(BootstrapForm):
    message = forms.CharField(
        label=_("Your reply"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = _attachments_field()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("message", "").strip() and not cleaned.get("attachments") and not self.errors:
            self.add_error("message", _("Write a message before sending."))
        return cleaned


class LoginLinkForm(BootstrapForm):
    email = forms.EmailField(label=_("Email address"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "autofocus": True})
