import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from caredesk.conversations import services
from caredesk.conversations.models import SearchDocument

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


# The worker closes its database connection when it is done, as a real worker process does.
@pytest.mark.django_db(transaction=True)
def test_tasks_wait_in_the_database_until_the_worker_runs_them(ticket, alice, miggins):
    with override_settings(TASKS=DB_TASKS):  # django-tasks reloads its backends on this signal
        message = services.reply(ticket, by=alice, body="Your refund is on its way.")
        queued = DBTaskResult.objects.filter(status="READY").count()
        assert queued >= 2  # the reply email and the search index
        assert not [m for m in mail.outbox if m.to == [miggins.email]]
        call_command("worker", batch=True, verbosity=0)
        assert DBTaskResult.objects.filter(status="READY").count() == 0
        assert DBTaskResult.objects.filter(status="FAILED").count() == 0
        assert len([m for m in mail.outbox if m.to == [miggins.email]]) == 1
        assert "refund is on its way" in SearchDocument.objects.get(ticket=ticket).text
        assert message.pk
