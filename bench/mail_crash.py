"""Crash safety of inbound email: store 5,000 emails while workers are killed with SIGKILL at random.

    .venv/bin/python bench/mail_crash.py --messages 5000 --database pg [--workers 2] [--seed 7]

Emails are stored as IMAP and `caredesk smtpd` store them, runs of each in turn (bench/mail_arrivals.py:
a fetch's run in one transaction with one task; one email at a time with a task each) while W `caredesk
worker` processes work through the queue. Every 0.5-3 s (random, seeded) one worker is killed with
SIGKILL, mid-task or not, and a new one is started. When all is stored, killing goes on until the queue
is empty. A killed worker's claimed task is given back once its heartbeat is stale (system/recovery.py,
run by the worker's scheduler). At the end it checks that every email is exactly one ticket or one reply
(or one recorded auto-reply): none missing, none doubled. Prints the verdict and writes
bench/results/mail-crash-<time>.json; exits 1 when a check fails.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from mail_pipeline import PYTHON, django_setup, fresh_database  # noqa: E402


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "manage.py", "worker", "--interval", "0.2", "-v", "0"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--database", choices=["pg", "sqlite"], default="pg")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=int, default=1800, help="give up after this many seconds")
    args = parser.parse_args()
    import mail_arrivals
    import mail_corpus

    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="caredesk-mailcrash-"))
    url = fresh_database(args.database, workdir, name="caredesk_mailcrash")
    env = {**os.environ, "DATABASE_URL": url, "CAREDESK_SECURE": "false", "CAREDESK_DATA_DIR": str(workdir),
           # Acknowledgements are queued and "sent" (the outbox runs), to a backend that accepts everything:
           # this measures email in; bench/mail_pipeline.py --outbox measures sending to a real SMTP server.
           "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    django_setup(url)
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from caredesk.accounts.models import Team
    from caredesk.conversations.models import Message, Ticket
    from caredesk.mail.models import InboundEmail, OutboundEmail

    team = Team.objects.create(name="Support")
    messages = list(mail_corpus.stream(args.messages, seed=args.seed))
    pool = [start_worker(env) for _ in range(args.workers)]
    kills, next_kill = 0, time.monotonic() + rng.uniform(0.5, 3)
    started = time.monotonic()

    def maybe_kill() -> None:
        nonlocal kills, next_kill
        if time.monotonic() < next_kill:
            return
        victim = rng.randrange(len(pool))
        pool[victim].send_signal(signal.SIGKILL)
        pool[victim].wait()
        pool[victim] = start_worker(env)
        kills += 1
        next_kill = time.monotonic() + rng.uniform(0.5, 3)

    reported = 0
    for number in mail_arrivals.arrive(messages, team, way="both"):
        maybe_kill()
        if number - reported >= 500:
            reported = number
            done = InboundEmail.objects.exclude(status=InboundEmail.Status.STORED).count()
            print(f"stored {number}/{len(messages)}, processed {done}, workers killed {kills}", flush=True)

    def busy() -> bool:
        return (
            InboundEmail.objects.filter(status=InboundEmail.Status.STORED).exists()
            or DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
        )

    last_report = 0.0
    while busy() and time.monotonic() - started < args.timeout:
        if InboundEmail.objects.filter(status=InboundEmail.Status.STORED).exists():
            maybe_kill()  # keep killing while there is work in flight; let the tail drain in peace
        if time.monotonic() - last_report > 10:
            done = InboundEmail.objects.exclude(status=InboundEmail.Status.STORED).count()
            print(f"draining: processed {done}/{len(messages)}, workers killed {kills}", flush=True)
            last_report = time.monotonic()
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    for worker in pool:
        worker.terminate()
        worker.wait(30)

    statuses = dict(InboundEmail.objects.values_list("status").annotate(n=Count("pk")))
    processed = InboundEmail.objects.filter(status=InboundEmail.Status.PROCESSED)
    customer_messages = Message.objects.filter(kind=Message.Kind.CUSTOMER).count()
    doubled_links = processed.values("desk_message").annotate(n=Count("pk")).filter(n__gt=1).count()
    stored_ids = list(InboundEmail.objects.values_list("message_id", flat=True))
    expected_ids = {f"bench-{n}@customers.example" for n in range(len(messages))}
    checks = {
        "every email stored once": len(stored_ids) == len(set(stored_ids)) and set(stored_ids) == expected_ids,
        "none left unprocessed or failed": set(statuses) <= {"processed", "auto_reply"},
        "each processed email is one desk message": customer_messages == processed.count() and doubled_links == 0,
        "each new ticket started by exactly one email": Ticket.objects.count() == processed.filter(started_ticket=True).count(),
        "no task failed": not DBTaskResult.objects.filter(status="FAILED").exists(),
        "no ticket acknowledged twice": not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT)
        .values("ticket").annotate(n=Count("pk")).filter(n__gt=1).exists(),
    }
    result = {
        "messages": len(messages), "database": args.database, "workers": args.workers, "kills": kills,
        "seconds": round(elapsed, 1), "statuses": statuses, "tickets": Ticket.objects.count(),
        "customer_messages": customer_messages, "checks": checks, "passed": all(checks.values()),
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    out = ROOT / "bench" / "results" / f"mail-crash-{result['at'][:19].replace(':', '')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
