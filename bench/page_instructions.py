"""Instructions a page costs caredesk's Python process, counted by valgrind: the same figure run after run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caredesk_bench_1000000 \
        .venv/bin/python bench/page_instructions.py [--pages ticket,queue] [--before /path/to/old/checkout]

On a shared machine two runs of bench/profile_pages.py differ by 10-30% (other guests take the CPU), which
hides a change worth 5%. valgrind's callgrind counts the instructions the process executes instead; two
counts of the same code differ by under 1% (seen here: 78.8 and 79.2 million for the ticket page). Each page
is requested `--few` and then `--many` times in one process under callgrind; the difference divided by the
difference of requests is the cost of one request, without the start-up. The database server is another
process and is not counted: this measures the Python side (Django, the templates, building and reading the
queries), which is most of a page's CPU. With --before, the other checkout is counted too, both at once on
the machine's two cores. A run takes 1-2 minutes per page and checkout (valgrind runs Python ~50x slower).
"""

import argparse
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent


def count(checkout: Path, page: str, requests: int) -> int:
    """Instructions of one process that serves `page` `requests` times after a few unmeasured requests."""
    python = checkout / ".venv" / "bin" / "python"
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", python if python.exists() else sys.executable,
             str(HERE / "page_instructions.py"), "--serve", page, "--requests", str(requests)],
            cwd=checkout, env={**os.environ, "PYTHONPATH": str(checkout)}, check=True, capture_output=True,
        )
        for line in out.read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise SystemExit(f"callgrind wrote no total for {page} in {checkout}")


def per_request(checkout: Path, page: str, few: int, many: int) -> float:
    return (count(checkout, page, many) - count(checkout, page, few)) / (many - few)


def serve(page: str, requests: int) -> None:
    """Inside valgrind: request the page (as bench/profile_pages.py's agent) a few times, then `requests` times.
    The checkout being counted is the working directory: its own bench/profile_pages.py puts its code first."""
    sys.path.insert(0, str(Path.cwd() / "bench"))
    os.environ.setdefault("CAREDESK_SECURE", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import profile_pages  # sets Django up

    from django.test import Client

    client = Client()
    client.force_login(profile_pages.bench_agent())
    url = profile_pages.pages()[page]
    for _ in range(3):  # caches, prepared statements, lazily built objects
        assert client.get(url).status_code == 200, url
    for _ in range(requests):
        client.get(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="ticket,queue", help="of queue, filtered, ticket, search")
    parser.add_argument("--before", type=Path, help="another checkout to count alongside this one")
    parser.add_argument("--few", type=int, default=5)
    parser.add_argument("--many", type=int, default=15)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.requests)
        return
    sides = {"this checkout": HERE.parent} | ({"before": args.before.resolve()} if args.before else {})
    for page in args.pages.split(","):
        with ThreadPoolExecutor(len(sides)) as pool:
            counted = {name: pool.submit(per_request, path, page, args.few, args.many) for name, path in sides.items()}
        figures = {name: future.result() for name, future in counted.items()}
        line = "  ".join(f"{name}: {value / 1e6:.1f} M" for name, value in figures.items())
        if args.before:
            change = figures["this checkout"] / figures["before"] - 1
            line += f"  ({change:+.1%})"
        print(f"{page:9} instructions per request  {line}")


if __name__ == "__main__":
    main()
