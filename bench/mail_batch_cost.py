"""What one email costs a worker in a batch, by kind: queries and this process's CPU per email.

    .venv/bin/python bench/mail_batch_cost.py --messages 1000 --database pg [--batch 50] [--rounds 3]

On a fresh database it stores N new requests (N senders, none known yet: each makes a customer), processes
them with services.process_batch, then stores a reply to each of those tickets (In-Reply-To, a quoted
history) and processes those. CPU time rather than wall time is the figure to compare on a shared machine;
the best of --rounds runs (each on a fresh database) is printed. On a busy machine even CPU time swings
(caches and cores are shared), so one more run under cProfile counts the Python function calls per email:
the same for the same code whatever the load, a proxy for the Python work.
"""

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from mail_pipeline import PYTHON, fresh_database  # noqa: E402

DATABASE = "caredesk_mailcost"


def request(number: int) -> bytes:
    message = EmailMessage()
    message["From"] = f"Customer {number} <c{number}@customers.example>"
    message["To"] = "support@caredesk.example"
    message["Subject"] = f"Parcel missing, order {number}"
    message["Message-ID"] = f"<cost-{number}@customers.example>"
    message.set_content(f"Hello,\n\nMy parcel for order {number} has not arrived.\n\nThanks,\nCustomer {number}\n")
    return message.as_bytes()


def reply(number: int) -> bytes:
    message = EmailMessage()
    message["From"] = f"Customer {number} <c{number}@customers.example>"
    message["To"] = "support@caredesk.example"
    message["Subject"] = f"Re: Parcel missing, order {number}"
    message["Message-ID"] = f"<cost-reply-{number}@customers.example>"
    message["In-Reply-To"] = message["References"] = f"<cost-{number}@customers.example>"
    quoted = "> My parcel has not arrived.\n" * 4
    message.set_content(f"Any news about the parcel? It is still missing.\n\nOn Monday, support wrote:\n{quoted}")
    return message.as_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--database", choices=["pg", "sqlite"], default="pg")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profiled", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure(args.messages, args.batch, profiled=args.profiled)
        return
    best: dict[str, tuple[float, float]] = {}
    calls: dict[str, float] = {}
    for round_number in range(args.rounds + 1):
        profiled = round_number == args.rounds
        workdir = Path(tempfile.mkdtemp(prefix="caredesk-mailcost-"))
        url = fresh_database(args.database, workdir, name=DATABASE)
        env = {**os.environ, "DATABASE_URL": url, "CAREDESK_SECURE": "false", "CAREDESK_DATA_DIR": str(workdir),
               "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend", "PYTHONPATH": str(ROOT)}
        subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        out = subprocess.run(
            [PYTHON, __file__, "--child", "--messages", str(args.messages), "--batch", str(args.batch)]
            + (["--profiled"] if profiled else []),
            env=env, check=True, capture_output=True, text=True,
        ).stdout
        for line in out.splitlines():
            kind, cpu, queries, function_calls = line.split()
            if profiled:
                calls[kind] = float(function_calls)
            elif kind not in best or float(cpu) < best[kind][0]:
                best[kind] = (float(cpu), float(queries))
    for kind, (cpu, queries) in best.items():
        print(f"{kind:12} {cpu:6.2f} ms CPU an email (best of {args.rounds}), {queries:5.2f} queries an email"
              f" (savepoints included), {calls[kind]:8.0f} Python function calls an email")


def measure(count: int, batch: int, *, profiled: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    import django

    django.setup()
    from django.db import connection

    from caredesk.accounts.models import Team
    from caredesk.mail import services
    from caredesk.mail.models import InboundEmail

    team = Team.objects.create(name="Support")
    statements = 0

    def counted(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    for kind, make in (("new_request", request), ("reply", reply)):
        for number in range(count):
            services.store(make(number), source=InboundEmail.Source.IMAP, team=team)
        statements = 0
        profiler = cProfile.Profile() if profiled else None
        with connection.execute_wrapper(counted):
            cpu = time.process_time()
            if profiler:
                profiler.enable()
            while services.process_batch(limit=batch):
                pass
            if profiler:
                profiler.disable()
            cpu = time.process_time() - cpu
        calls = pstats.Stats(profiler).total_calls if profiler else 0
        expected = {"new_request": True, "reply": False}[kind]
        done = InboundEmail.objects.filter(status=InboundEmail.Status.PROCESSED, started_ticket=expected).count()
        assert done == count, f"{kind}: {done} of {count} processed as expected"
        print(f"{kind} {1000 * cpu / count:.3f} {statements / count:.3f} {calls / count:.1f}")


if __name__ == "__main__":
    main()
