"""The benchmark, end to end: caredesk against django-helpdesk 2.6.1 on the same data, through real HTTP.

    bench/run.sh --sizes 10000 --pg                       # smoke run
    bench/run.sh --sizes 100000,1000000 --pg --sqlite 100000

For each database and size: build caredesk's database (`caredesk seed`, then bench/caredesk_prepare.py),
copy the same tickets into django-helpdesk (bench/helpdesk_load.py, in a throwaway venv and project under
/tmp/dh), serve each in turn with gunicorn (2 workers x 1 thread), check every page answers 200 with real
ticket content for a logged-in agent, then measure each page with wrk. Raw results go to bench/results/,
the table to docs/benchmarks.md (bench/report.py). Uses only the standard library.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
CAREDESK_PYTHON = Path(os.environ.get("CAREDESK_PYTHON", REPO / ".venv" / "bin" / "python"))
DH = Path(os.environ.get("BENCH_DH_DIR", "/tmp/dh"))
DH_PYTHON = DH / "venv" / "bin" / "python"
DH_PROJECT = DH / "project"
DH_PACKAGES = ["django-helpdesk==2.6.1", "gunicorn", "psycopg[binary]"]
WORK = Path(os.environ.get("BENCH_WORK_DIR", "/tmp/caredesk_bench"))
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
SEED = 1  # the same data set on every run
SECRET_KEY = "benchmark-only-not-a-secret-0123456789abcdef"
CAREDESK_PORT, HELPDESK_PORT = 8811, 8812
SLOW_SECONDS = 1.0  # a URL slower than this once is measured for longer, and waited out afterwards
WORKERS, THREADS = 2, 1  # as `caredesk serve` runs by default (its --threads says why)


def log(text: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {text}", flush=True)


def run(argv: list, *, env: dict | None = None, cwd: Path | None = None, capture: bool = False) -> str:
    """Run a command, failing loudly with its output; return stdout when capture is set."""
    result = subprocess.run(
        [str(a) for a in argv],
        env={**os.environ, **(env or {})},
        cwd=cwd,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.PIPE if capture else None,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"failed ({result.returncode}): {' '.join(map(str, argv))}\n{result.stdout or ''}{result.stderr or ''}"
        )
    return result.stdout or ""


def bench_json(output: str) -> dict:
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON ") :])
    raise SystemExit(f"no BENCH_JSON line in:\n{output}")


def psql(sql: str, *, db: str = "postgres") -> str:
    return run(
        ["psql", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", db, "-XtAqc", sql], capture=True
    ).strip()


def recreate_pg(db: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{db}"')


def pg_exists(db: str) -> bool:
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"


# caredesk -----------------------------------------------------------------------------------------


def caredesk_env(database: str, size: int) -> dict:
    env = {
        "CAREDESK_SECURE": "false",
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "caredesk.settings",
    }
    if database == "postgresql":
        # The data directory still holds media and the like; the tickets are in PostgreSQL.
        env["CAREDESK_DATA_DIR"] = str(WORK / f"caredesk_postgresql_{size}")
        env["DATABASE_URL"] = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/caredesk_bench_{size}"
    else:
        env["CAREDESK_DATA_DIR"] = f"/tmp/caredesk_bench_sqlite_{size}"
    return env


def caredesk(env: dict, *args) -> str:
    return run([CAREDESK_PYTHON, "-m", "caredesk.cli", *args], env=env, cwd=REPO, capture=True)


def build_caredesk(database: str, size: int, *, reuse: bool) -> dict:
    env = caredesk_env(database, size)
    data_dir = Path(env["CAREDESK_DATA_DIR"])
    exists = (
        pg_exists(f"caredesk_bench_{size}")
        if database == "postgresql"
        else (data_dir / "caredesk.sqlite3").exists()
    )
    seed_seconds = None
    if not (reuse and exists):
        log(f"caredesk: new {database} database, seeding {size:,} tickets")
        if database == "postgresql":
            recreate_pg(f"caredesk_bench_{size}")
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        caredesk(env, "migrate", "--no-input", "-v0")
        caredesk(env, "createcachetable")
        started = time.monotonic()
        run(
            [CAREDESK_PYTHON, "-m", "caredesk.cli", "seed", "--tickets", size, "--seed", SEED],
            env=env,
            cwd=REPO,
        )
        seed_seconds = round(time.monotonic() - started, 1)
        log(f"caredesk: seeded in {seed_seconds} s")
        analyze(database, f"caredesk_bench_{size}", data_dir / "caredesk.sqlite3")
    else:
        caredesk(env, "migrate", "--no-input", "-v0")  # a reused database gets the code's newer migrations
    started = time.monotonic()
    data = bench_json(run([CAREDESK_PYTHON, BENCH / "caredesk_prepare.py"], env=env, cwd=REPO, capture=True))
    data["prepare_seconds"] = round(time.monotonic() - started, 1)
    data["seed_seconds"] = seed_seconds
    if data["tickets"] < size:
        raise SystemExit(f"caredesk has {data['tickets']} tickets, expected at least {size}")
    log(
        f"caredesk: {data['tickets']:,} tickets, {data['messages']:,} messages; long ticket #{data['long_ticket_id']}; "
        f"search word {data['search_word']!r} matches {data['search_matches']:,} tickets"
    )
    return data


def analyze(database: str, pg_db: str, sqlite_file: Path) -> None:
    """Fresh planner statistics and visibility maps for both systems alike, as after autovacuum."""
    if database == "postgresql":
        psql("VACUUM ANALYZE", db=pg_db)
    else:
        import sqlite3

        with sqlite3.connect(sqlite_file) as conn:
            conn.execute("ANALYZE")


# django-helpdesk ----------------------------------------------------------------------------------


def ensure_helpdesk_venv() -> None:
    """A throwaway venv and project outside the repository: django-helpdesk's code is never committed."""
    if not DH_PYTHON.exists():
        log(f"django-helpdesk: creating {DH / 'venv'}")
        run([sys.executable, "-m", "venv", DH / "venv"])
        run([DH_PYTHON, "-m", "pip", "install", "-q", *DH_PACKAGES])
    shutil.copytree(BENCH / "helpdesk_project", DH_PROJECT, dirs_exist_ok=True)


def helpdesk_env(database: str, size: int) -> dict:
    env = {"DJANGO_SETTINGS_MODULE": "dhproject.settings", "PYTHONPATH": str(DH_PROJECT)}
    if database == "postgresql":
        return {**env, "DH_DB_ENGINE": "postgresql", "DH_DB_NAME": f"helpdesk_bench_{size}"}
    return {**env, "DH_DB_ENGINE": "sqlite", "DH_DB_NAME": str(DH / f"helpdesk_bench_{size}.sqlite3")}


def build_helpdesk(database: str, size: int, caredesk_data: dict, *, reuse: bool) -> dict:
    ensure_helpdesk_venv()
    env = helpdesk_env(database, size)
    sqlite_file = Path(env["DH_DB_NAME"])
    if reuse and (pg_exists(env["DH_DB_NAME"]) if database == "postgresql" else sqlite_file.exists()):
        count = helpdesk_ticket_count(database, env)
        if count == caredesk_data["tickets"]:
            log(f"django-helpdesk: reusing {env['DH_DB_NAME']} ({count:,} tickets)")
            data = bench_json(
                run(
                    [
                        DH_PYTHON,
                        BENCH / "helpdesk_load.py",
                        "--session-only",
                        "--user-id",
                        caredesk_data["user_id"],
                    ],
                    env=env,
                    cwd=DH_PROJECT,
                    capture=True,
                )
            )
            return {**data, "tickets": count, "reused": True}
    log(f"django-helpdesk: new {database} database, copying caredesk's tickets")
    if database == "postgresql":
        recreate_pg(env["DH_DB_NAME"])
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
    run([DH_PYTHON, "manage.py", "migrate", "--no-input", "-v0"], env=env, cwd=DH_PROJECT, capture=True)
    source = (
        ["--source-pg", f"caredesk_bench_{size}"]
        if database == "postgresql"
        else ["--source-sqlite", Path(caredesk_env(database, size)["CAREDESK_DATA_DIR"]) / "caredesk.sqlite3"]
    )
    data = bench_json(
        run(
            [DH_PYTHON, BENCH / "helpdesk_load.py", *source, "--user-id", caredesk_data["user_id"]],
            env=env,
            cwd=DH_PROJECT,
            capture=True,
        )
    )
    analyze(database, env["DH_DB_NAME"], sqlite_file)
    log(
        f"django-helpdesk: {data['tickets']:,} tickets, {data['followups']:,} follow-ups in {data['load_seconds']} s"
    )
    return data


def helpdesk_ticket_count(database: str, env: dict) -> int:
    if database == "postgresql":
        return int(psql("SELECT count(*) FROM helpdesk_ticket", db=env["DH_DB_NAME"]) or 0)
    import sqlite3

    with sqlite3.connect(env["DH_DB_NAME"]) as conn:
        return conn.execute("SELECT count(*) FROM helpdesk_ticket").fetchone()[0]


# Serving and checking -----------------------------------------------------------------------------


class Server:
    """One gunicorn (2 workers x 4 threads, access log off) in its own process group."""

    def __init__(self, argv: list, *, env: dict, cwd: Path, port: int, name: str):
        self.port, self.name = port, name
        self.log_path = WORK / f"{name}-gunicorn.log"
        WORK.mkdir(parents=True, exist_ok=True)
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [str(a) for a in argv],
            env={**os.environ, **env},
            cwd=cwd,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{name} exited at start; see {self.log_path}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"{name} did not listen on {port} within 60 s; see {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_file.close()


def serve_caredesk(database: str, size: int) -> Server:
    argv = [CAREDESK_PYTHON, "-m", "caredesk.cli", "serve", "--workers", WORKERS, "--port", CAREDESK_PORT]
    return Server(argv, env=caredesk_env(database, size), cwd=REPO, port=CAREDESK_PORT, name="caredesk")


def serve_helpdesk(database: str, size: int) -> Server:
    argv = [
        DH / "venv" / "bin" / "gunicorn",
        "dhproject.wsgi:application",
        "--bind",
        f"127.0.0.1:{HELPDESK_PORT}",
        "--workers",
        WORKERS,
        "--threads",
        THREADS,
        "--access-logfile",
        "/dev/null",
        "--graceful-timeout",
        "10",
        # Its list and search take seconds each at 10^6 tickets; under load a worker busy that long must
        # not be killed by gunicorn's default 30 s timeout (a killed worker is a socket error to wrk).
        "--timeout",
        "300",
    ]
    return Server(
        argv, env=helpdesk_env(database, size), cwd=DH_PROJECT, port=HELPDESK_PORT, name="django-helpdesk"
    )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(port: int, path: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def check(port: int, path: str, cookie: str, expect) -> str:
    """GET once and insist on 200 and real content: a benchmark of log-in redirects is worthless."""
    status, body = fetch(port, path, cookie)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}, not 200: is the session cookie right?")
    problem = expect(body)
    if problem:
        raise SystemExit(f"GET {path} answered 200 without the expected content: {problem}")
    return body


def ticket_links(prefix: str, minimum: int):
    def expect(body: str) -> str | None:
        found = len(set(re.findall(rf'href="{prefix}(\d+)/"', body)))
        return None if found >= minimum else f"{found} ticket links, expected at least {minimum}"

    return expect


def contains(*texts: str):
    def expect(body: str) -> str | None:
        missing = [t for t in texts if t not in body]
        return f"missing {missing}" if missing else None

    return expect


def datatables_rows(minimum: int):
    def expect(body: str) -> str | None:
        data = json.loads(body)
        rows = len(data.get("data", []))
        return None if rows >= minimum else f"{rows} rows in the JSON, expected at least {minimum}"

    return expect


def caredesk_pages(data: dict) -> list[dict]:
    """Each page is what a person waits for: here one server-rendered request each."""
    word = quote(data["search_word"])
    return [
        {"page": "queue", "requests": [("/tickets/", ticket_links("/tickets/", 10))]},
        {
            "page": "queue_filtered",
            "requests": [("/tickets/?view=open&status=open&priority=3", ticket_links("/tickets/", 1))],
        },
        {
            "page": "ticket",
            "requests": [
                (
                    f"/tickets/{data['long_ticket_id']}/",
                    contains(data["long_ticket_subject"], data["long_ticket_marker"]),
                )
            ],
        },
        {"page": "search", "requests": [(f"/tickets/?q={word}", ticket_links("/tickets/", 1))]},
    ]


def helpdesk_pages(cookie: str, caredesk_data: dict) -> tuple[list[dict], int]:
    """The list pages render an empty table and fetch its rows from datatables_ticket_list/<query> (what
    DataTables' first draw sends: draw, start, length = the user's 25 per page), so both are measured.
    Search sends what the search box in helpdesk's header sends (open, reopened and resolved tickets)."""
    word = quote(caredesk_data["search_word"])
    pages, search_matches = [], 0
    for name, path in (
        ("queue", "/helpdesk/tickets/"),
        ("queue_filtered", "/helpdesk/tickets/?status=1&priority=2"),
        ("search", f"/helpdesk/tickets/?q={word}&status=1&status=2&status=3&search_type=header"),
    ):
        body = check(HELPDESK_PORT, path, cookie, contains('id="ticketTable"'))
        match = re.search(r'"url": "(/helpdesk/datatables_ticket_list/[^"]+)"', body)
        if not match:
            raise SystemExit(f"no datatables URL in {path}")
        data_url = match.group(1) + "?draw=1&start=0&length=25"
        if name == "search":
            search_matches = json.loads(check(HELPDESK_PORT, data_url, cookie, datatables_rows(1)))[
                "recordsFiltered"
            ]
        pages.append(
            {
                "page": name,
                "requests": [
                    (path, contains('id="ticketTable"')),
                    (data_url, datatables_rows(1 if name != "queue" else 25)),
                ],
            }
        )
    pages.insert(
        2,
        {
            "page": "ticket",
            "requests": [
                (
                    f"/helpdesk/tickets/{caredesk_data['long_ticket_id']}/",
                    contains(caredesk_data["long_ticket_subject"], caredesk_data["long_ticket_marker"]),
                )
            ],
        },
    )
    return pages, search_matches


# Measuring ----------------------------------------------------------------------------------------


def wrk(
    port: int,
    path: str,
    cookie: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    timeout: int = 30,
    retry: bool = True,
) -> dict:
    output = run(
        [
            "wrk",
            "-t",
            threads,
            "-c",
            connections,
            "-d",
            f"{seconds}s",
            "--timeout",
            f"{timeout}s",
            "-s",
            BENCH / "measure.lua",
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture=True,
    )
    stats = bench_json(output)
    stats["rps"] = round(stats["requests"] / (stats["duration_us"] / 1e6), 2)
    if stats["socket_errors"] and not stats["not_200"] and retry:
        log(f"{path[:60]}: {stats['socket_errors']} socket errors; measuring once more")
        time.sleep(10)
        return wrk(port, path, cookie, seconds=seconds, connections=connections, threads=threads,
                   timeout=timeout, retry=False)
    if stats["not_200"] or stats["socket_errors"]:
        raise SystemExit(
            f"{path}: {stats['not_200']} answers were not 200 (first {stats['first_bad_status']}), "
            f"{stats['socket_errors']} socket errors; the numbers would be meaningless"
        )
    return stats


def combine(measurements: list[dict]) -> dict:
    """A page that needs several requests: views per second when the server does all of them for each view
    (1 / sum of 1/rps), latency percentiles added up (an approximation: the worst cases rarely coincide)."""
    if len(measurements) == 1:
        return {key: measurements[0][key] for key in ("rps", "latency_us")}
    return {
        "rps": round(1 / sum(1 / m["rps"] for m in measurements), 2),
        "latency_us": {
            k: sum(m["latency_us"][k] for m in measurements) for k in ("p50", "p90", "p95", "p99")
        },
    }


def measure(system: str, server: Server, pages: list[dict], cookie: str, args) -> list[dict]:
    single = {}
    for page in pages:
        for path, expect in page["requests"]:
            started = time.monotonic()
            check(server.port, path, cookie, expect)
            single[path] = time.monotonic() - started
            for _ in range(2 if single[path] < SLOW_SECONDS else 0):  # the first answer of a worker is cold
                started = time.monotonic()
                fetch(server.port, path, cookie)
                single[path] = min(single[path], time.monotonic() - started)
    log(f"{system}: every page answers 200 with ticket content; measuring")
    results = []
    for page in pages:
        measured = []
        for path, _ in page["requests"]:
            load = {"connections": args.connections, "threads": args.threads}
            once = single[path]
            stats = None
            if once < SLOW_SECONDS and once * 20 < args.duration:
                wrk(server.port, path, cookie, seconds=args.warmup, **load)
                stats = wrk(server.port, path, cookie, seconds=args.duration, **load)
            if stats is None or stats["requests"] < 20:
                # Seconds per request: run long enough for a few dozen answers, without a warm-up (the check
                # above was one), then let the requests wrk abandoned finish before the next URL is measured.
                seconds = int(min(max(args.duration, 12 * args.connections * once), args.max_duration))
                stats = wrk(
                    server.port, path, cookie, seconds=seconds, timeout=int(max(30, 10 * once)) + 1, **load
                )
                time.sleep(min(3 * once, 120))
            if not stats["requests"]:
                raise SystemExit(f"{path}: no request finished under load")
            stats["path"] = path
            stats["single_request_s"] = round(once, 3)
            measured.append(stats)
            log(
                f"{system} {page['page']:15} {stats['rps']:8.2f} req/s  p50 {stats['latency_us']['p50'] / 1000:7.1f} ms  "
                f"p95 {stats['latency_us']['p95'] / 1000:7.1f} ms  p99 {stats['latency_us']['p99'] / 1000:7.1f} ms  {path[:60]}"
            )
        results.append({"page": page["page"], "requests": measured, "combined": combine(measured)})
    return results


def machine() -> dict:
    lscpu = run(["lscpu"], capture=True)
    model = re.search(r"Model name:\s*(.+)", lscpu)
    with open("/proc/meminfo") as meminfo:
        kib = int(re.search(r"MemTotal:\s*(\d+)", meminfo.read()).group(1))
    wrk_banner = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    wrk_version = re.search(r"wrk (?:debian/)?([\w.+-]+)", wrk_banner)
    return {
        "cpu": model.group(1).strip() if model else "unknown",
        "cores": os.cpu_count(),
        "ram_gib": round(kib / 1024 / 1024, 1),
        "postgresql": psql("SHOW server_version"),
        "postgresql_settings": {
            name: psql(f"SHOW {name}")
            for name in (
                "shared_buffers",
                "work_mem",
                "effective_cache_size",
                "max_parallel_workers_per_gather",
            )
        },
        "python": sys.version.split()[0],
        "wrk": f"wrk {wrk_version.group(1) if wrk_version else 'unknown'}",
    }


def host_speed_ms() -> float:
    """How fast this host runs Python now: the median of five `sum(range(10**7))`, in ms. Machines of the
    same type have taken 102 to 290 ms on different days, and the pages' figures move with it; figures of
    two runs compare only with this beside them."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10**7))
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def bench_one(database: str, size: int, args, machine_info: dict) -> Path | None:
    started = datetime.now(UTC)
    caredesk_data = build_caredesk(database, size, reuse=args.reuse)
    helpdesk_data = build_helpdesk(database, size, caredesk_data, reuse=args.reuse)
    if args.build_only:
        return None
    result = {
        "started": started.isoformat(timespec="seconds"),
        "database": database,
        "size": size,
        "note": args.note,
        # Read when measuring starts (after the builds), not once for the whole run.
        "machine": {
            **machine_info,
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "python_loop_ms": host_speed_ms(),
        },
        "settings": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "connections": args.connections,
            "threads": args.threads,
            "gunicorn": f"{WORKERS} workers x {THREADS} threads",
        },
        "data": {
            "caredesk": {k: v for k, v in caredesk_data.items() if k != "cookie"},
            "helpdesk": {k: v for k, v in helpdesk_data.items() if k != "cookie"},
        },
        "systems": {},
    }
    if "caredesk" in args.systems:
        server = serve_caredesk(database, size)
        try:
            pages = caredesk_pages(caredesk_data)
            result["systems"]["caredesk"] = measure("caredesk", server, pages, caredesk_data["cookie"], args)
        finally:
            server.stop()
    if "helpdesk" in args.systems:
        server = serve_helpdesk(database, size)
        try:
            pages, result["data"]["helpdesk"]["search_matches"] = helpdesk_pages(
                helpdesk_data["cookie"], caredesk_data
            )
            result["systems"]["helpdesk"] = measure(
                "django-helpdesk", server, pages, helpdesk_data["cookie"], args
            )
        finally:
            server.stop()
    result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{started:%Y%m%dT%H%M%S}-{database}-{size}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    log(f"raw results: {path.relative_to(REPO)}")
    return path


def sizes(text: str) -> list[int]:
    return [int(float(part)) for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description="caredesk vs django-helpdesk 2.6.1, through HTTP with wrk.")
    parser.add_argument(
        "--sizes",
        type=sizes,
        default=[10_000],
        help="ticket counts for --pg, comma-separated (default 10000)",
    )
    parser.add_argument(
        "--pg", action="store_true", help="run --sizes on PostgreSQL (the default when --sqlite is not given)"
    )
    parser.add_argument(
        "--sqlite", type=sizes, default=[], metavar="SIZES", help="ticket counts to run on SQLite"
    )
    parser.add_argument(
        "--duration", type=int, default=15, help="seconds of measurement per URL (default 15)"
    )
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured load first (default 3)")
    parser.add_argument(
        "--max-duration",
        type=int,
        default=300,
        help="seconds of measurement at most for a URL slower than 1 s a request (default 300)",
    )
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--systems",
        type=lambda text: text.split(","),
        default=["caredesk", "helpdesk"],
        help="which to measure (default caredesk,helpdesk); data is built for both",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep databases already built for a size (measure only)"
    )
    parser.add_argument("--note", default="", help="a line shown with these results in docs/benchmarks.md")
    parser.add_argument("--no-report", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument(
        "--build-only", action="store_true", help="build the databases and stop (no measuring)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    runs = [("postgresql", n) for n in (args.sizes if args.pg or not args.sqlite else [])]
    runs += [("sqlite", n) for n in args.sqlite]
    machine_info = machine()
    paths = [bench_one(database, size, args, machine_info) for database, size in runs]
    if not args.no_report and not args.build_only:
        run([sys.executable, BENCH / "report.py", *paths])
        log("table written to docs/benchmarks.md")


if __name__ == "__main__":
    main()
