"""Write docs/benchmarks.md from raw results (bench/results/*.json): run by bench/run.py after measuring.

    python bench/report.py bench/results/20250101T120000-postgresql-10000.json [...]

With no arguments it uses the newest result for each database and size in bench/results/.
"""

import json
import sys
from pathlib import Path

from chart import throughput_svg

BENCH = Path(__file__).resolve().parent
DOC = BENCH.parent / "docs" / "benchmarks.md"
CHART = DOC.with_name("benchmarks-throughput.svg")

PAGES = {
    "queue": "Ticket list, default view",
    "queue_filtered": "Ticket list, filtered (open, high priority)",
    "ticket": "Ticket page, 100 messages",
    "search": "Search",
}
TARGET_SIZE = 1_000_000
P95_TARGET_MS = 50
RATIO_TARGETS = {"queue": 25, "ticket": 5}

METHOD = """\
## How these numbers are made

`bench/run.sh` does everything (see `bench/README.md`). For each database and size:

- **caredesk**: `caredesk seed --tickets N` (3 messages per ticket, demo teams and agents), then
  `bench/caredesk_prepare.py` adds one ticket with 100 messages through the services (events included)
  and logs an agent in. The agent is an ordinary agent, not an admin, so every list query carries the
  permission filter a real agent gets.
- **django-helpdesk 2.6.1**: a throwaway venv and project under `/tmp/dh` (its code is never in this
  repository) set up as its installation docs say, with teams mode off (no pinax-teams).
  `bench/helpdesk_load.py` copies caredesk's database into it: the same tickets with the same subjects,
  words, dates, statuses, priorities, owners and queues (one per team); each message becomes a follow-up
  (the first titled "Ticket Opened", as helpdesk writes it); the same agent logs in as a staff user.
- Both databases get `VACUUM ANALYZE` (SQLite: `ANALYZE`) before measuring. Both run under gunicorn with
  2 workers x 1 thread (x 4 threads until 2026-11-26), persistent database connections (60 s), `DEBUG` off, access log off, one system at
  a time on the same machine as wrk. caredesk's connections plan without parallel workers (its default
  since 2026-11-27, `DB_PARALLEL_QUERIES`); django-helpdesk's keep the server's setting, as installed.
- Every URL is first fetched once and must answer 200 with real content (ticket links, the long ticket's
  subject and its 100th message, DataTables JSON with rows). Then wrk loads it for a warm-up, then
  measures; a Lua `response()` counts every answer that is not 200, and any such answer fails the run.
- A URL that takes over a second once (or over 1/20 of the measuring time) is measured for longer instead,
  up to 300 s, for a few dozen answers, without a warm-up; the server then gets time to finish the
  requests wrk abandoned before the next URL is measured.

What a person waits for on each page:

| Page | caredesk | django-helpdesk |
| --- | --- | --- |
| Ticket list | `GET /tickets/` (server-rendered, 25 rows) | `GET /helpdesk/tickets/` (an empty table) **plus** `GET /helpdesk/datatables_ticket_list/<query>?draw=1&start=0&length=25` (the rows, as DataTables' first draw asks for them) |
| Filtered list | `GET /tickets/?view=open&status=open&priority=3` | `GET /helpdesk/tickets/?status=1&priority=2` plus its DataTables request |
| Ticket page | `GET /tickets/<id>/` | `GET /helpdesk/tickets/<id>/` |
| Search | `GET /tickets/?q=<word>` (what its search box sends: every visible ticket, any status; full text over subject and every message: FTS5 / PostgreSQL GIN) | `GET /helpdesk/tickets/?q=<word>&status=1&status=2&status=3&search_type=header` (what its header search box sends: open, reopened and resolved tickets) plus its DataTables request (`icontains` over title, description = first message, and other fields) |

For a page made of two requests, **views/s** is 1 / (1/r1 + 1/r2) (the server does both for every view)
and the latency percentiles are the two requests' percentiles added up (an approximation). The raw
numbers of each request are in the JSON under `bench/results/`.
"""


def ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.1f}"


def stats_cells(measured: dict | None) -> list[str]:
    if measured is None:
        return ["–"] * 4
    combined = measured["combined"]
    latency = combined["latency_us"]
    return [f"{combined['rps']:.1f}", ms(latency["p50"]), ms(latency["p95"]), ms(latency["p99"])]


def page_row(name: str, caredesk: dict | None, helpdesk: dict | None) -> str:
    ratio = "–"
    if caredesk and helpdesk:
        ratio = f"**{caredesk['combined']['rps'] / helpdesk['combined']['rps']:.1f}x**"
    return "| " + " | ".join([PAGES[name], *stats_cells(caredesk), *stats_cells(helpdesk), ratio]) + " |"


def section(result: dict) -> str:
    size, database = result["size"], result["database"]
    systems = {name: {p["page"]: p for p in pages} for name, pages in result["systems"].items()}
    caredesk, helpdesk = systems.get("caredesk", {}), systems.get("helpdesk", {})
    data = result["data"]
    settings = result["settings"]
    title = f"## {size:,} tickets on {'PostgreSQL' if database == 'postgresql' else 'SQLite'}"
    lines = [title, ""]
    if result.get("note"):
        lines += [f"> {result['note']}", ""]
    load = result["machine"].get("load_average")
    load_text = f" (load average before: {', '.join(map(str, load))})" if load else ""
    if speed := result["machine"].get("python_loop_ms"):
        load_text += f"; host speed: `sum(range(10**7))` {speed:g} ms"
    lines += [
        f"Measured {result['started'][:16].replace('T', ' ')} UTC{load_text}. wrk: {settings['threads']} threads, "
        f"{settings['connections']} connections, {settings['warmup_s']} s warm-up then {settings['duration_s']} s per URL; "
        f"gunicorn {settings['gunicorn']}.",
        "",
        f"Data: {data['caredesk']['tickets']:,} tickets, {data['caredesk']['messages']:,} messages, "
        f"{data['caredesk']['teams']} teams/queues, {data['caredesk']['staff_users']} staff users, "
        f"{data['caredesk']['customers']:,} customers; long ticket #{data['caredesk']['long_ticket_id']} "
        f"({data['caredesk']['long_ticket_messages']} messages). Search word `{data['caredesk']['search_word']}`: "
        f"{data['caredesk']['search_matches']:,} of the tickets visible to the agent match in caredesk"
        + (
            f", {data['helpdesk']['search_matches']:,} in django-helpdesk (open, reopened and resolved ones)."
            if data["helpdesk"].get("search_matches") is not None
            else "."
        ),
        "",
        "| Page | caredesk req/s | p50 ms | p95 ms | p99 ms | django-helpdesk views/s | p50 ms | p95 ms | p99 ms | caredesk / helpdesk throughput |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in PAGES:
        if name in caredesk or name in helpdesk:
            lines.append(page_row(name, caredesk.get(name), helpdesk.get(name)))
    lines += ["", targets(result, caredesk, helpdesk), ""]
    seed, load = data["caredesk"].get("seed_seconds"), data["helpdesk"].get("load_seconds")
    if seed or load:
        lines += [
            f"Data build: caredesk seed {seed if seed is not None else 'reused'} s, "
            f"django-helpdesk copy {load if load is not None else 'reused'} s.",
            "",
        ]
    return "\n".join(lines)


def targets(result: dict, caredesk: dict, helpdesk: dict) -> str:
    applies = result["database"] == "postgresql" and result["size"] >= TARGET_SIZE
    lines = [
        "Targets"
        + (
            ""
            if applies
            else f" (set for {TARGET_SIZE:,} tickets on PostgreSQL; indicative only at this size)"
        )
        + ":",
        "",
    ]
    for name in ("queue", "ticket"):
        if name in caredesk:
            p95 = caredesk[name]["combined"]["latency_us"]["p95"] / 1000
            verdict = "met" if p95 < P95_TARGET_MS else "**not met**"
            lines.append(
                f"- caredesk p95 < {P95_TARGET_MS} ms, {PAGES[name].lower()}: {p95:.1f} ms, {verdict}"
            )
    for name, factor in RATIO_TARGETS.items():
        if name in caredesk and name in helpdesk:
            ratio = caredesk[name]["combined"]["rps"] / helpdesk[name]["combined"]["rps"]
            verdict = "met" if ratio >= factor else "**not met**"
            lines.append(
                f"- at least {factor}x django-helpdesk's throughput, {PAGES[name].lower()}: {ratio:.1f}x, {verdict}"
            )
    return "\n".join(lines)


def machine_line(result: dict) -> str:
    m = result["machine"]
    pg = m.get("postgresql_settings", {})
    settings = f" ({', '.join(f'{k} {v}' for k, v in pg.items())})" if pg else ""
    return (
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM; PostgreSQL {m['postgresql']}{settings}; "
        f"Python {m['python']}; {m['wrk']}. wrk runs on the same machine as the servers."
    )


def latest_results() -> list[Path]:
    newest = {}
    # run.py names its results STARTED-DATABASE-SIZE.json; the mail benchmarks write theirs here too.
    for path in sorted((BENCH / "results").glob("[0-9]*-*-*.json")):
        result = json.loads(path.read_text())
        newest[(result["database"], result["size"])] = path
    return list(newest.values())


KEEP_MARKER = "<!-- Written by hand below; bench/report.py keeps it. -->"


def main(paths: list[str]) -> None:
    files = [Path(p) for p in paths] or latest_results()
    if not files:
        raise SystemExit("no results: run bench/run.sh first")
    results = sorted(
        (json.loads(p.read_text()) for p in files), key=lambda r: (r["database"] != "postgresql", r["size"])
    )
    parts = [
        "# Benchmarks: caredesk and django-helpdesk",
        "",
        "caredesk against django-helpdesk 2.6.1 on the same data, through real HTTP, measured by `bench/run.sh` "
        "(rerun it to replace this page).",
        "",
        machine_line(results[0]),
        "",
        f"![Throughput of caredesk and django-helpdesk per page, log scale]({CHART.name})",
        "",
        *(section(result) for result in results),
        METHOD,
    ]
    # Findings written by people below the marker survive a rerun.
    kept = DOC.read_text().split(KEEP_MARKER, 1) if DOC.exists() else []
    if len(kept) == 2:
        parts += ["", KEEP_MARKER + kept[1].rstrip("\n"), ""]
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text("\n".join(parts))
    CHART.write_text(throughput_svg(results, PAGES))


if __name__ == "__main__":
    main(sys.argv[1:])
