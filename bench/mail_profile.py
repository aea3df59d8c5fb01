"""Where the time of inbound email goes, in one process without workers: store N emails, then process them.

    .venv/bin/python bench/mail_profile.py --messages 1000 --database pg [--batch 50] [--top 40]

On a fresh database (bench/mail_pipeline.py's), it stores the stream with services.store (no tasks), then
processes one batch to warm up (not measured) and the rest: one email at a time with services.process (--batch 1), or in batches with
services.process_batch. Prints the time and queries per email for each step and the top functions of a
cProfile of the processing step, sorted by cumulative and by own time.
"""

import argparse
import cProfile
import io
import os
import pickle
import pstats
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from mail_pipeline import PYTHON, fresh_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--database", choices=["pg", "sqlite"], default="pg")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--top", type=int, default=40, help="Functions to list; 0: no cProfile.")
    parser.add_argument("--queries", action="store_true", help="Also print the commonest SQL statements.")
    parser.add_argument("--dump", type=Path, help="Also save the cProfile statistics here (for pstats).")
    args = parser.parse_args()
    import mail_corpus

    workdir = Path(tempfile.mkdtemp(prefix="caredesk-mailprofile-"))
    url = fresh_database(args.database, workdir)
    env = {**os.environ, "DATABASE_URL": url, "CAREDESK_SECURE": "false", "CAREDESK_DATA_DIR": str(workdir),
           "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend", "PYTHONPATH": str(ROOT)}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    corpus = workdir / "corpus.pickle"
    corpus.write_bytes(pickle.dumps(list(mail_corpus.stream(args.messages))))
    os.environ.update(env)
    profile(corpus, args.batch, args.top, args.queries, args.dump)


def profile(corpus: Path, batch: int, top: int, show_queries: bool, dump: Path | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from caredesk.accounts.models import Team
    from caredesk.mail import services
    from caredesk.mail.models import InboundEmail

    messages = pickle.loads(corpus.read_bytes())
    team = Team.objects.create(name="Support")
    statements: list[str] = []

    def counted(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    count = len(messages)
    with connection.execute_wrapper(counted):
        started, cpu = time.perf_counter(), time.process_time()
        for raw in messages:
            with transaction.atomic():
                services.store(raw, source=InboundEmail.Source.IMAP, team=team)
        store_seconds, store_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"store: {count / store_seconds:.1f}/s, {1000 * store_seconds / count:.2f} ms "
          f"({1000 * store_cpu / count:.2f} ms of this process's CPU) and {len(statements) / count:.1f} "
          "queries an email (BEGIN and COMMIT not counted)")
    statements.clear()

    ids = list(InboundEmail.objects.order_by("pk").values_list("pk", flat=True))
    # One batch first, unmeasured: what a worker does once (the URL map built at the first reverse(), the
    # API's schemas imported with it, templates compiled) is not the per-email cost.
    warm_up = services.process_batch(limit=batch)
    ids = ids[len(warm_up):]
    count = len(ids)
    profiler = cProfile.Profile() if top else None
    with connection.execute_wrapper(counted):
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        if batch == 1:
            for pk in ids:
                services.process(InboundEmail.objects.only("pk").get(pk=pk))
        else:
            while services.process_batch(limit=batch):
                pass
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"process (batch {batch}{', profiled' if profiler else ''}): {count / seconds:.1f}/s, "
          f"{1000 * seconds / count:.2f} ms ({1000 * cpu / count:.2f} ms of this process's CPU) and "
          f"{len(statements) / count:.1f} queries an email")
    statuses = Counter(InboundEmail.objects.values_list("status", flat=True))
    print(f"statuses: {dict(statuses)}")
    if profiler and dump:
        profiler.dump_stats(dump)
    if profiler:
        by_area = Counter()
        for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in pstats.Stats(profiler).stats.items():
            by_area[_area(filename)] += tottime
        total = sum(by_area.values())
        print("own time by area:")
        for area, seconds in by_area.most_common(25):
            print(f"  {100 * seconds / total:5.1f}%  {1000 * seconds / count:6.2f} ms an email  {area}")
    for sort in ("cumulative", "tottime") if profiler else ():
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
        print(out.getvalue())
    if show_queries:
        shapes = Counter(sql.split(" WHERE ")[0].split(" VALUES ")[0][:160] for sql in statements)
        for sql, n in shapes.most_common(40):
            print(f"{n / count:6.2f}  {sql}")


def _area(filename: str) -> str:
    """A profiler entry's file as a short area: a package (two levels deep) or a caredesk module."""
    if "site-packages/" in filename:
        parts = filename.split("site-packages/")[1].split("/")
        return "/".join(parts[:3] if parts[0] == "django" else parts[:1])
    if "/caredesk/" in filename:
        return "caredesk/" + filename.split("/caredesk/")[-1]
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return "stdlib/" + filename.rsplit("/", 1)[-1]


if __name__ == "__main__":
    main()
