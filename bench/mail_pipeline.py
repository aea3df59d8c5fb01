"""Inbound email, end to end: messages per second from raw bytes to tickets, beside a parse-only ceiling.

    .venv/bin/python bench/mail_pipeline.py --messages 5000 --databases sqlite,pg --workers 1,2 --outbox 2000

For each database and worker count it starts from an empty database, stores the whole stream
(bench/mail_corpus.py) the way IMAP does (bench/mail_arrivals.py: a fetch's run of emails in one
transaction with one task; --way smtp: one at a time with a task each, as `caredesk smtpd` does), with W `caredesk worker` processes running meanwhile, and stops the clock when every email is
finished and no task is left: store, parse, thread, save and the search index, all counted, and the
acknowledgements sent (to a backend that accepts everything). The clock starts when the workers are up.
In the same run it measures the ceiling: the standard library's parse of the same bytes (email.message_from_bytes
with policy.default and get_body), and caredesk's own parsing (parsing.parse), both without a database.
Prints a table and writes bench/results/mail-pipeline-<time>.json.
"""

import argparse
import contextlib
import email
import json
import os
import pickle
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = "postgres://postgres@127.0.0.1:5432/"
BENCH_DB = "caredesk_mailbench"
# Messages parsed just before and just after each run, for the ceiling of its own minutes (ceiling_around).
AROUND = 1000


def django_setup(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    os.environ.setdefault("CAREDESK_SECURE", "false")
    import django

    django.setup()


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1)


class CpuMeter:
    """CPU seconds spent between start() and stop() by the workers, this process (which stores the email)
    and PostgreSQL's processes, read from /proc (Linux): steadier than the wall clock on a machine whose
    speed swings, and it says which process a change saved work in."""

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, workers: list[int]) -> None:
        self.workers = workers

    @classmethod
    def _of(cls, pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # gone, or not Linux
            return 0.0
        return (int(fields[11]) + int(fields[12])) / cls.TICK  # utime + stime

    @staticmethod
    def _postgres() -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):  # a process that ended while the list was read
                    if (entry / "comm").read_text().strip() == "postgres":
                        pids.append(int(entry.name))
        return pids

    def _read(self) -> dict:
        # PostgreSQL's processes by pid: a backend that starts in between counts from zero.
        return {
            "workers": sum(self._of(pid) for pid in self.workers),
            "storer": time.process_time(),
            "postgres": {pid: self._of(pid) for pid in self._postgres()},
        }

    def start(self) -> None:
        self.before = self._read()

    def stop(self, emails: int) -> dict:
        """CPU milliseconds an email, by process kind."""
        after = self._read()
        postgres = sum(cpu - self.before["postgres"].get(pid, 0.0) for pid, cpu in after["postgres"].items())
        spent = {
            "workers": after["workers"] - self.before["workers"],
            "storer": after["storer"] - self.before["storer"],
            "postgres": postgres,
        }
        spent["total"] = sum(spent.values())
        return {kind: round(seconds * 1000 / emails, 2) for kind, seconds in spent.items()}


def stdlib_seconds(messages: list[bytes]) -> float:
    """Seconds the standard library takes to parse `messages` and read each one's body."""
    started = time.perf_counter()
    for raw in messages:
        parsed = email.message_from_bytes(raw, policy=policy.default)
        body = parsed.get_body(preferencelist=("plain", "html"))
        if body is not None:
            body.get_content()
    return time.perf_counter() - started


def ceiling_around(messages: list[bytes], run):
    """`run()`'s result with the stdlib parse rate measured just before and just after it (on the first
    AROUND messages): the host's speed swings by a third within minutes here, so each run is set against
    the ceiling of its own minutes as well as the one measured at the start."""
    sample = messages[:AROUND]
    before = rate(len(sample), stdlib_seconds(sample))
    result = run()
    after = rate(len(sample), stdlib_seconds(sample))
    result["stdlib_parse_around"] = round((before + after) / 2, 1)
    result["ceiling_over_end_to_end"] = round(result["stdlib_parse_around"] / result["end_to_end_per_s"], 2)
    return result


def parse_ceiling(messages: list[bytes]) -> dict:
    """Messages per second for the stdlib parse alone and for caredesk's parsing, no database."""
    stdlib = stdlib_seconds(messages)
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


def end_to_end(kind: str, workers: int, corpus: Path, workdir: Path, way: str) -> dict:
    # Acknowledgements are queued and "sent" (the outbox runs), to a backend that accepts everything: this
    # measures email in; --outbox measures sending to a real SMTP server.
    dummy = {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    args = ["_run", "--corpus", str(corpus), "--workers", str(workers), "--way", way]
    result = in_fresh_database(kind, workdir, args, dummy)
    return {"database": kind, "workers": workers, "way": way, **result}


def in_fresh_database(kind: str, workdir: Path, args: list[str], extra_env: dict | None = None) -> dict:
    """Run this script with `args` in a child process on a fresh, migrated database; its last line of
    output is JSON."""
    url = fresh_database(kind, workdir)
    env = {**os.environ, "DATABASE_URL": url, "CAREDESK_SECURE": "false", "CAREDESK_DATA_DIR": str(workdir)}
    env.update(extra_env or {})
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    child = subprocess.run([PYTHON, __file__, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if child.returncode:
        sys.stderr.write(child.stderr)
        raise SystemExit(f"the run {args} failed (exit status {child.returncode}); its output is above")
    out = child.stdout
    return json.loads(out.strip().splitlines()[-1])


def run_child(corpus: Path, workers: int, way: str) -> None:
    """In a process whose DATABASE_URL is the fresh database: store everything while W workers process."""
    django_setup(os.environ["DATABASE_URL"])
    from django_tasks_db.models import DBTaskResult

    from caredesk.accounts.models import Team
    from caredesk.conversations.models import Message, Ticket
    from caredesk.mail.models import InboundEmail
    from caredesk.system.models import WorkerHeartbeat
    from django.db.models import Count

    sys.path.insert(0, str(ROOT / "bench"))
    import mail_arrivals

    messages = pickle.loads(corpus.read_bytes())
    team = Team.objects.create(name="Support")
    # The workers' output (warnings: a batch that failed as a whole, a lock wait) is kept and counted.
    log = (Path(os.environ["CAREDESK_DATA_DIR"]) / "workers.log").open("w")
    pool = [
        subprocess.Popen(
            [PYTHON, *_profiled(number), "manage.py", "worker", "--interval", "0.1", "-v", "0"], cwd=ROOT,
            stdout=log, stderr=subprocess.STDOUT,
        )
        for number in range(workers)
    ]
    # The clock starts once every worker is up (its first heartbeat written): a desk's workers are running
    # when mail arrives, and their start-up (2-3 s of CPU each here) is none of store, parse, thread, save.
    deadline = time.monotonic() + 120
    while WorkerHeartbeat.objects.count() < workers:
        if any(worker.poll() is not None for worker in pool) or time.monotonic() > deadline:
            _stop(pool)
            raise SystemExit("a worker did not start (no heartbeat)")
        time.sleep(0.05)
    cpu = CpuMeter([worker.pid for worker in pool])
    cpu.start()
    commits_before = _commits()
    started = time.perf_counter()
    stored_count = sum(1 for _ in mail_arrivals.arrive(messages, team, way=way))  # every transaction run
    assert stored_count, "nothing was stored"
    stored = time.perf_counter() - started
    unfinished = InboundEmail.objects.filter(status=InboundEmail.Status.STORED)
    pending = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
    last, still, looked = None, time.monotonic(), time.monotonic()
    while unfinished.exists() or pending.exists():
        # Stalled (nothing moved for two minutes): say where, rather than wait for ever. Looked at every 5 s
        # only: counting is not free, and this process shares the machine with the workers.
        if time.monotonic() - looked < 5:
            time.sleep(0.05)
            continue
        looked = time.monotonic()
        state = (unfinished.count(), pending.count(), DBTaskResult.objects.count())
        if state != last:
            last, still = state, time.monotonic()
        elif time.monotonic() - still > 120:
            tasks_by_status = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("pk")))
            alive = [worker.poll() is None for worker in pool]
            _stop(pool)
            raise SystemExit(f"stalled: {state[0]} emails stored, tasks {tasks_by_status}, workers alive {alive}")
        time.sleep(0.05)
    total = time.perf_counter() - started
    cpu_ms = cpu.stop(len(messages))
    commits_after = _commits()
    commits = commits_after - commits_before if commits_after is not None else None
    _stop(pool)
    log.close()
    worker_log = (Path(os.environ["CAREDESK_DATA_DIR"]) / "workers.log").read_text()
    statuses = dict(InboundEmail.objects.values_list("status").annotate(n=Count("pk")))
    print(json.dumps({
        "messages": len(messages),
        "store_per_s": rate(len(messages), stored),
        "end_to_end_per_s": rate(len(messages), total),
        "seconds": round(total, 2),
        "cpu_ms_per_email": cpu_ms,
        "commits_per_email": round(commits / len(messages), 2) if commits is not None else None,
        "statuses": statuses,
        "tickets": Ticket.objects.count(),
        "desk_messages": Message.objects.count(),
        "failed_tasks": DBTaskResult.objects.filter(status="FAILED").count(),
        "failed_task_errors": _failures(),
        "batches_failed_as_a_whole": worker_log.count("a batch of inbound email failed as a whole"),
        "worker_log_lines": len(worker_log.splitlines()),
    }))


def _failures() -> list[str]:
    """What each failed task raised (its task, and the traceback's last lines: where, and the exception): a
    failure in a run is a finding to look at, not only a count."""
    from django_tasks_db.models import DBTaskResult

    return [
        f"{path}: {exception}: " + " | ".join(line.strip() for line in trace.strip().splitlines()[-4:])
        for path, exception, trace in DBTaskResult.objects.filter(status="FAILED").values_list(
            "task_path", "exception_class_path", "traceback"
        )
    ]


def _commits() -> int | None:
    """Transactions committed in this database so far (PostgreSQL; None on SQLite): each is a round trip
    and a WAL flush, so a count of them says what a change saved whatever the machine's speed. The
    statistics reach pg_stat_database within a second or so; a short wait lets the last ones in."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    time.sleep(1.5)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def _profiled(number: int) -> list[str]:
    """With CAREDESK_PROFILE_WORKERS=DIR, the worker runs under cProfile and writes DIR/worker-N.prof when it
    is stopped (SIGTERM ends its loop normally)."""
    folder = os.environ.get("CAREDESK_PROFILE_WORKERS")
    return ["-m", "cProfile", "-o", str(Path(folder) / f"worker-{number}.prof")] if folder else []


def _stop(pool: list[subprocess.Popen]) -> None:
    for worker in pool:
        worker.terminate()
    for worker in pool:
        worker.wait(30)


class Sink:
    """An SMTP server (aiosmtpd) on 127.0.0.1 that accepts every email and keeps its Message-ID."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.message_ids: list[str] = []
        self._lock = threading.Lock()
        with socket.socket() as probe:  # a free port
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(envelope.original_content or envelope.content)
        with self._lock:
            self.message_ids.append((headers["Message-ID"] or "").strip())
        return "250 OK"

    def __enter__(self) -> "Sink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def smtp_ceiling(count: int) -> dict:
    """Emails per second to the sink with the smtplib alone: a connection per email, and one for all."""
    import smtplib
    from email.message import EmailMessage

    def message(number: int) -> EmailMessage:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = "support@caredesk.example", "c@customers.example", "Re: x"
        mail["Message-ID"] = f"<ceiling-{number}@caredesk.example>"
        mail.set_content("Thanks, the parcel is on its way.\n" * 10)
        return mail

    results = {}
    with Sink() as sink:
        started = time.perf_counter()
        for number in range(count):
            with smtplib.SMTP("127.0.0.1", sink.port) as connection:
                connection.send_message(message(number))
        results["smtp_connection_per_email"] = rate(count, time.perf_counter() - started)
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", sink.port) as connection:
            for number in range(count, 2 * count):
                connection.send_message(message(number))
        results["smtp_one_connection"] = rate(count, time.perf_counter() - started)
        assert len(set(sink.message_ids)) == 2 * count, "the sink lost or doubled an email"
    return results


def outbox_rate(kind: str, workers: int, count: int, workdir: Path) -> dict:
    result = in_fresh_database(kind, workdir, ["_outbox", "--count", str(count), "--workers", str(workers)])
    return {"database": kind, "workers": workers, **result}


def run_outbox_child(count: int, workers: int) -> None:
    """In a process whose DATABASE_URL is the fresh database: queue `count` replies, then send them with
    W workers to a sink started here."""
    django_setup(os.environ["DATABASE_URL"])
    from django.db import transaction
    from django.db.models import Count, Max, Min
    from django_tasks_db.models import DBTaskResult

    from caredesk.accounts.models import Team
    from caredesk.conversations import services as conversations
    from caredesk.customers.services import customer_for_email
    from caredesk.mail import outbox
    from caredesk.mail.models import OutboundEmail

    team = Team.objects.create(name="Support")
    customer = customer_for_email("c1@customers.example", name="Customer c1")
    ticket = conversations.open_ticket(customer=customer, subject="Where is my parcel", body="Hello?", team=team)
    started = time.perf_counter()
    for number in range(count):
        with transaction.atomic():
            outbox.queue(
                kind=OutboundEmail.Kind.REPLY,
                to=customer.email,
                subject=f"Re: Where is my parcel [{ticket.reference}]",
                body_text=f"Hello,\n\nYour parcel left our warehouse this morning ({number}).\n\nSupport\n" * 3,
                ticket=ticket,
                reply_to="support@caredesk.example",
            )
    queued = time.perf_counter() - started
    with Sink() as sink:
        env = {**os.environ, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port)}
        started = time.perf_counter()
        pool = [
            subprocess.Popen([PYTHON, "manage.py", "worker", "--interval", "0.1", "-v", "0"], cwd=ROOT, env=env)
            for _ in range(workers)
        ]
        unsent = OutboundEmail.objects.filter(status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING])
        pending = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"], task_path__endswith="send_email")
        while unsent.exists() or pending.exists():
            time.sleep(0.05)
        total = time.perf_counter() - started
        for worker in pool:
            worker.terminate()
        for worker in pool:
            worker.wait(30)
        received = list(sink.message_ids)
    expected = {f"<{message_id}>" for message_id in OutboundEmail.objects.values_list("message_id", flat=True)}
    window = OutboundEmail.objects.aggregate(first=Min("claimed_at"), last=Max("sent_at"))
    print(json.dumps({
        "emails": count,
        "queue_per_s": rate(count, queued),
        "sent_per_s": rate(count, total),
        # From the first claim to the last send: without the workers' start-up.
        "sent_per_s_steady": rate(count, (window["last"] - window["first"]).total_seconds()),
        "seconds": round(total, 2),
        "statuses": dict(OutboundEmail.objects.values_list("status").annotate(n=Count("pk"))),
        "received": len(received),
        "exactly_once": len(received) == count and set(received) == expected,
        "failed_tasks": DBTaskResult.objects.filter(status="FAILED").count(),
        "failed_task_errors": _failures(),
    }))


def table(results: dict) -> str:
    """The results as a Markdown table, for docs/benchmarks.md."""
    ceiling = results["parse_only"]
    lines = [
        f"Parse only, no database: stdlib {ceiling['stdlib_parse']}/s, caredesk {ceiling['caredesk_parse']}/s; "
        f"end-to-end target >= stdlib / 4 = {round(ceiling['stdlib_parse'] / 4, 1)}/s.",
        "",
        "| database | workers | messages | store/s | end to end/s | stdlib parse/s around it | ceiling / end to end "
        "(target <= 4) | seconds | tickets | failed tasks |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results["end_to_end"]:
        lines.append(
            f"| {row['database']} | {row['workers']} | {row['messages']} | {row['store_per_s']} | "
            f"{row['end_to_end_per_s']} | {row.get('stdlib_parse_around', '')} | "
            f"{row.get('ceiling_over_end_to_end', '')} | {row['seconds']} | {row['tickets']} | {row['failed_tasks']} |"
        )
    if results.get("outbox"):
        smtp = results["smtp_only"]
        lines += [
            "",
            f"SMTP only, no database: {smtp['smtp_connection_per_email']}/s with a connection per email, "
            f"{smtp['smtp_one_connection']}/s over one connection.",
            "",
            "| database | workers | emails | queue/s | sent/s | sent/s after start-up | seconds | exactly once | failed tasks |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for row in results["outbox"]:
            lines.append(
                f"| {row['database']} | {row['workers']} | {row['emails']} | {row['queue_per_s']} | "
                f"{row['sent_per_s']} | {row['sent_per_s_steady']} | {row['seconds']} | {row['exactly_once']} | "
                f"{row['failed_tasks']} |"
            )
    failures = [
        f"- {row['database']}, {row['workers']} worker(s): {error}"
        for row in [*results["end_to_end"], *results.get("outbox", [])]
        for error in row.get("failed_task_errors", [])
    ]
    if failures:
        lines += ["", "Failed tasks:", *failures]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--databases", default="sqlite,pg")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--outbox", type=int, default=0, help="Also send this many emails through the outbox.")
    parser.add_argument(
        "--way", choices=["imap", "smtp", "smtpd", "both"], default="imap",
        help="How the emails are stored (bench/mail_arrivals.py): as IMAP does, a fetch's run together; one at "
             "a time, as `caredesk smtpd` stores a message delivered alone; delivered to `caredesk smtpd`'s "
             "receiver over 10 connections at once; or runs of imap and smtp in turn.",
    )
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
            result = ceiling_around(messages, lambda: end_to_end(kind, workers, corpus, workdir, args.way))
            results["end_to_end"].append(result)
            print(json.dumps(result), flush=True)
    if args.outbox:
        results["smtp_only"] = smtp_ceiling(min(args.outbox, 500))
        print(f"SMTP only, no database: {results['smtp_only']}", flush=True)
        results["outbox"] = []
        for kind in args.databases.split(","):
            for workers in map(int, args.workers.split(",")):
                result = outbox_rate(kind, workers, args.outbox, workdir)
                results["outbox"].append(result)
                print(json.dumps(result), flush=True)
    results["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    results["at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    out = ROOT / "bench" / "results" / f"mail-pipeline-{results['at'][:19].replace(':', '')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}\n\n{table(results)}")


if __name__ == "__main__":
    # The children main() starts, one per measurement, each on its own fresh database.
    children = ("_run", "_outbox")
    if len(sys.argv) > 1 and sys.argv[1] in children:
        child = argparse.ArgumentParser()
        child.add_argument("child")
        child.add_argument("--corpus", type=Path)
        child.add_argument("--count", type=int)
        child.add_argument("--workers", type=int)
        child.add_argument("--way", default="imap")
        options = child.parse_args()
        if options.child == "_run":
            run_child(options.corpus, options.workers, options.way)
        else:
            run_outbox_child(options.count, options.workers)
    else:
        main()
