"""Inbound email, end to end: messages per second from raw bytes to tickets, beside a parse-only ceiling.

    .venv/bin/python bench/mail_pipeline.py --messages 5000 --databases sqlite,pg --workers 1,2

For each database and worker count it starts from an empty database, stores the whole stream
(bench/mail_corpus.py) the way IMAP and `caredesk smtpd` do (services.store, then the process_inbound
task), with W `caredesk worker` processes running meanwhile, and stops the clock when every email is
finished and no task is left: store, parse, thread, save and the search index, all counted. In the same
run it measures the ceiling: the standard library's parse of the same bytes (email.message_from_bytes
with policy.default and get_body), and caredesk's own parsing (parsing.parse), both without a database.
Prints a table and writes bench/results/mail-pipeline-<time>.json.
"""

import argparse
import email
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from email import policy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = "postgres://postgres@127.0.0.1:5432/"
BENCH_DB = "caredesk_mailbench"


def django_setup(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    os.environ.setdefault("CAREDESK_SECURE", "false")
    import django

    django.setup()


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1)


def parse_ceiling(messages: list[bytes]) -> dict:
    """Messages per second for the stdlib parse alone and for caredesk's parsing, no database."""
    started = time.perf_counter()
    for raw in messages:
        parsed = email.message_from_bytes(raw, policy=policy.default)
        body = parsed.get_body(preferencelist=("plain", "html"))
        if body is not None:
            body.get_content()
    stdlib = time.perf_counter() - started
    from caredesk.mail import parsing

    started = time.perf_counter()
    for raw in messages:
        parsing.parse(raw)
    ours = time.perf_counter() - started
    return {"stdlib_parse": rate(len(messages), stdlib), "caredesk_parse": rate(len(messages), ours)}


def fresh_database(kind: str, workdir: Path, *, name: str = BENCH_DB) -> str:
    if kind == "sqlite":
        path = workdir / "mailbench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", sql], check=True)
    return PG + name


def end_to_end(kind: str, workers: int, corpus: Path, workdir: Path) -> dict:
    url = fresh_database(kind, workdir)
    env = {**os.environ, "DATABASE_URL": url, "CAREDESK_SECURE": "false", "CAREDESK_DATA_DIR": str(workdir),
           # Acknowledgements are queued and "sent" (the outbox runs), to a backend that accepts everything:
           # this measures email in; bench/mail_pipeline.py --outbox measures sending to a real SMTP server.
           "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [PYTHON, __file__, "_run", "--corpus", str(corpus), "--workers", str(workers)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout
    return {"database": kind, "workers": workers, **json.loads(out.strip().splitlines()[-1])}


def run_child(corpus: Path, workers: int) -> None:
    """In a process whose DATABASE_URL is the fresh database: store everything while W workers process."""
    django_setup(os.environ["DATABASE_URL"])
    from django_tasks_db.models import DBTaskResult

    from caredesk.accounts.models import Team
    from caredesk.conversations.models import Message, Ticket
    from caredesk.mail import services, tasks
    from caredesk.mail.models import InboundEmail
    from caredesk.system.queue import later
    from django.db import transaction
    from django.db.models import Count

    messages = pickle.loads(corpus.read_bytes())
    team = Team.objects.create(name="Support")
    pool = [
        subprocess.Popen([PYTHON, "manage.py", "worker", "--interval", "0.1", "-v", "0"], cwd=ROOT)
        for _ in range(workers)
    ]
    started = time.perf_counter()
    for raw in messages:
        with transaction.atomic():
            inbound, created = services.store(raw, source=InboundEmail.Source.IMAP, team=team)
            if created:
                later(tasks.process_inbound, inbound_id=inbound.pk)
    stored = time.perf_counter() - started
    unfinished = InboundEmail.objects.filter(status=InboundEmail.Status.STORED)
    while unfinished.exists() or DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
        time.sleep(0.05)
    total = time.perf_counter() - started
    for worker in pool:
        worker.terminate()
    for worker in pool:
        worker.wait(30)
    statuses = dict(InboundEmail.objects.values_list("status").annotate(n=Count("pk")))
    print(json.dumps({
        "messages": len(messages),
        "store_per_s": rate(len(messages), stored),
        "end_to_end_per_s": rate(len(messages), total),
        "seconds": round(total, 2),
        "statuses": statuses,
        "tickets": Ticket.objects.count(),
        "desk_messages": Message.objects.count(),
        "failed_tasks": DBTaskResult.objects.filter(status="FAILED").count(),
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--databases", default="sqlite,pg")
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    import mail_corpus

    messages = list(mail_corpus.stream(args.messages))
    workdir = Path(tempfile.mkdtemp(prefix="caredesk-mailbench-"))
    corpus = workdir / "corpus.pickle"
    corpus.write_bytes(pickle.dumps(messages))
    django_setup(f"sqlite:///{workdir / 'parse-only.sqlite3'}")  # parsing needs settings, not a database
    results = {"parse_only": parse_ceiling(messages), "end_to_end": []}
    print(f"parse only, no database: {results['parse_only']}", flush=True)
    for kind in args.databases.split(","):
        for workers in map(int, args.workers.split(",")):
            result = end_to_end(kind, workers, corpus, workdir)
            results["end_to_end"].append(result)
            print(json.dumps(result), flush=True)
    results["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    results["at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    out = ROOT / "bench" / "results" / f"mail-pipeline-{results['at'][:19].replace(':', '')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_run":
        child = argparse.ArgumentParser()
        child.add_argument("_run")
        child.add_argument("--corpus", type=Path)
        child.add_argument("--workers", type=int)
        options = child.parse_args()
        run_child(options.corpus, options.workers)
    else:
        main()
