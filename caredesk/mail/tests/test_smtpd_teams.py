"""Which team a received email goes to (queries.team_for_recipients), and the address setting it reads."""

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from caredesk.mail import queries
from caredesk.settings import envaddresses

from .mails import SUPPORT

DELIVERIES = "deliveries@caredesk.example"


@pytest.fixture
def addresses(settings):
    settings.CAREDESK_EMAIL_ADDRESSES = {SUPPORT: "Billing", "Deliveries@Caredesk.example": "deliveries"}


def test_the_first_recipient_that_is_a_desk_address_decides_the_team(addresses, billing, deliveries):
    team = queries.team_for_recipients(["someone@elsewhere.example", "DELIVERIES@caredesk.example", SUPPORT], billing)
    assert team == deliveries


def test_mail_to_no_desk_address_goes_to_the_default_team(addresses, billing, deliveries):
    assert queries.team_for_recipients(["someone@elsewhere.example"], deliveries) == deliveries


def test_a_mapped_team_that_no_longer_exists_is_passed_over(addresses, billing, deliveries):
    deliveries.delete()
    assert queries.team_for_recipients([DELIVERIES, SUPPORT], None) == billing


def test_the_address_setting_reads_pairs_in_lower_case(monkeypatch):
    monkeypatch.setenv("CAREDESK_EMAIL_ADDRESSES", " Support@Caredesk.example=Billing ,orders@caredesk.example = Deliveries")
    assert envaddresses("CAREDESK_EMAIL_ADDRESSES") == {SUPPORT: "Billing", "orders@caredesk.example": "Deliveries"}


@pytest.mark.parametrize("value", ["support@caredesk.example", "Billing=support", "support@caredesk.example="])
def test_a_malformed_address_setting_fails_loudly(monkeypatch, value):
    monkeypatch.setenv("CAREDESK_EMAIL_ADDRESSES", value)
    with pytest.raises(ImproperlyConfigured) as error:
        envaddresses("CAREDESK_EMAIL_ADDRESSES")
    assert str(error.value) == (
        f"CAREDESK_EMAIL_ADDRESSES must list address=team pairs separated by commas, not {value!r}"
    )


def test_smtpd_refuses_to_start_when_an_address_maps_to_no_team(billing, settings):
    settings.CAREDESK_EMAIL_ADDRESSES = {SUPPORT: "Complaints"}
    with pytest.raises(CommandError) as error:
        call_command("smtpd", stdout=StringIO())
    assert str(error.value) == (
        f'CAREDESK_EMAIL_ADDRESSES maps {SUPPORT} to a team that does not exist. There is no team named "Complaints".'
    )


def test_smtpd_refuses_to_start_for_an_unknown_team(billing):
    with pytest.raises(CommandError) as error:
        call_command("smtpd", "--team", "Complaints", stdout=StringIO())
    assert str(error.value) == 'There is no team named "Complaints".'


def test_an_imap_mailboxs_address_names_its_team_too(billing, deliveries):
    from caredesk.mail.models import Mailbox

    Mailbox.objects.create(name="Deliveries", address="Deliveries@Caredesk.example", team=deliveries,
                           host="imap.example", username="u", password="p")
    assert queries.team_for_recipients(["someone@elsewhere.example", DELIVERIES], billing) == deliveries
    assert queries.team_for_recipients(["someone@elsewhere.example"], billing) == billing
