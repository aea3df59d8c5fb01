from datetime import timedelta

from django.utils import timezone

from caredesk.system.models import WorkerHeartbeat


def test_healthz_reports_database_ok_and_no_worker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "worker": "missing", "workers": 0, "queued_tasks": 0}


def test_healthz_reports_a_live_worker(client, db):
    WorkerHeartbeat.objects.create(worker_id="w1", hostname="here")
    assert response_json(client)["worker"] == "ok"


def test_healthz_reports_a_stale_worker(client, db):
    WorkerHeartbeat.objects.create(worker_id="w1", hostname="here", seen_at=timezone.now() - timedelta(minutes=5))
    body = response_json(client)
    assert (body["worker"], body["workers"]) == ("stale", 0)


def response_json(client):
    return client.get("/healthz").json()
