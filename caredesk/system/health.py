"""GET /healthz: is the database answering, and is a worker alive to run background tasks?"""

from datetime import timedelta

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .models import WorkerHeartbeat

WORKER_STALE_AFTER = timedelta(seconds=60)


@never_cache
def healthz(request):
    body = {"database": "ok", "worker": "missing", "workers": 0, "queued_tasks": None}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # the point of the endpoint is to report this, not to crash
        return JsonResponse({"database": "error", "error": str(error)[:200], "worker": "unknown"}, status=503)
    alive = WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - WORKER_STALE_AFTER).count()
    body["workers"] = alive
    if alive:
        body["worker"] = "ok"
    elif WorkerHeartbeat.objects.exists():
        body["worker"] = "stale"
    from django_tasks_db.models import DBTaskResult

    # Bounded: a backlog of a million tasks is reported as 1000+, never counted in full.
    queued = DBTaskResult.objects.filter(status="READY").values("pk")[:1001].count()
    body["queued_tasks"] = "1000+" if queued > 1000 else queued
    # A missing worker is reported, not fatal: the desk still serves pages without one.
    return JsonResponse(body, status=status)
