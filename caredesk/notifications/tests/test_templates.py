"""Email wording: built-in until an admin saves their own, per team where a team has its own, checked
before it is saved, previewed with example values, and only admins may change it."""

import pytest
from django.core.exceptions import ValidationError

from caredesk.notifications import samples
from caredesk.notifications.defaults import Kind
from caredesk.notifications.models import EmailTemplate
from caredesk.notifications import rendering
from caredesk.notifications.rendering import Rendered, render, render_text

pytestmark = pytest.mark.django_db


def test_the_built_in_wording_is_used_until_an_admin_saves_one(billing):
    email = render(Kind.ACKNOWLEDGEMENT, team=billing, context=samples.context(Kind.ACKNOWLEDGEMENT))
    assert email.subject == "We have your request: Twelve pies missing from Monday's order [#1042]"
    assert email.body.startswith("Hello Mrs,\n\nThank you for writing to us. Your request has reached our Deliveries team")


def test_a_team_of_its_own_wording_wins_over_the_default_and_others_keep_the_default(billing, deliveries):
    EmailTemplate.objects.create(kind=Kind.ACKNOWLEDGEMENT, subject="Default {{ ticket.reference }}", body="Default")
    EmailTemplate.objects.create(kind=Kind.ACKNOWLEDGEMENT, team=billing, subject="Billing {{ ticket.reference }}", body="B")
    context = samples.context(Kind.ACKNOWLEDGEMENT)
    assert render(Kind.ACKNOWLEDGEMENT, team=billing, context=context).subject == "Billing #1042"
    assert render(Kind.ACKNOWLEDGEMENT, team=deliveries, context=context).subject == "Default #1042"
    assert render(Kind.ACKNOWLEDGEMENT, team=None, context=context).subject == "Default #1042"


def test_a_team_can_switch_its_acknowledgements_off(billing, deliveries):
    EmailTemplate.objects.create(kind=Kind.ACKNOWLEDGEMENT, team=billing, enabled=False, subject="x", body="x")
    context = samples.context(Kind.ACKNOWLEDGEMENT)
    assert render(Kind.ACKNOWLEDGEMENT, team=billing, context=context) is None
    assert render(Kind.ACKNOWLEDGEMENT, team=deliveries, context=context) is not None


def test_a_subject_is_always_one_line():
    EmailTemplate.objects.create(kind=Kind.REPLY, subject="Re:\n{{ ticket.subject }}\r\nBcc: x@evil.example", body="b")
    email = render(Kind.REPLY, context=samples.context(Kind.REPLY))
    assert "\n" not in email.subject and "\r" not in email.subject


def test_a_wording_is_compiled_once_and_an_edited_one_afresh(monkeypatch):
    compiled = []
    real_from_string = rendering.ENGINE.from_string
    monkeypatch.setattr(rendering.ENGINE, "from_string", lambda text: compiled.append(text) or real_from_string(text))
    rendering._compiled.cache_clear()
    for name in ("Ann", "Bob"):
        assert render_text("Hi {{ name }}", "Dear {{ name }},", {"name": name}) == Rendered(f"Hi {name}", f"Dear {name},\n")
    assert render_text("Hello {{ name }}", "Dear {{ name }},", {"name": "Cy"}).subject == "Hello Cy"
    assert compiled == ["Hi {{ name }}", "Dear {{ name }},", "Hello {{ name }}"]


def test_templates_cannot_read_files_from_disk():
    EmailTemplate.objects.create(kind=Kind.REPLY, subject="s", body="{% include '/etc/passwd' %}")
    with pytest.raises(ValidationError, match="The template has an error: /etc/passwd"):
        render(Kind.REPLY, context=samples.context(Kind.REPLY))


def test_an_admin_edits_a_template_and_sees_a_preview(client, ada, billing):
    client.force_login(ada)
    new = client.get("/admin/notifications/emailtemplate/add/?kind=mentioned")
    assert new.status_code == 200 and "mentioned you in a note" in new.content.decode()  # starts from the built-in text
    answer = client.post("/admin/notifications/emailtemplate/add/", {
        "kind": "acknowledgement", "team": billing.pk, "enabled": "on",
        "subject": "Got it: {{ ticket.subject }}", "body": "Dear {{ customer.name }}, we are on it.",
    })
    assert answer.status_code == 302
    template = EmailTemplate.objects.get()
    assert (template.team, template.updated_by) == (billing, ada)
    page = client.get(f"/admin/notifications/emailtemplate/{template.pk}/change/").content.decode()
    assert "Got it: Twelve pies missing from Monday&#x27;s order" in page
    assert "Dear Mrs Miggins, we are on it." in page


def test_a_broken_template_is_refused_with_its_error_and_nothing_is_saved(client, ada):
    client.force_login(ada)
    answer = client.post("/admin/notifications/emailtemplate/add/", {
        "kind": "reply", "enabled": "on", "subject": "Re: {{ ticket.subject }}", "body": "{% if %}broken",
    })
    assert answer.status_code == 200
    assert "The template has an error" in answer.content.decode()
    assert not EmailTemplate.objects.exists()


@pytest.mark.parametrize("who", ["alice", "lena", "miggins"])
def test_only_admins_may_change_email_templates(client, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user if hasattr(user, "role") else user.user)
    answer = client.post("/admin/notifications/emailtemplate/add/", {
        "kind": "reply", "enabled": "on", "subject": "hijacked", "body": "hijacked",
    })
    assert answer.status_code in (302, 403)
    assert not EmailTemplate.objects.exists()
