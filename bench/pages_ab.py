"""Two versions of caredesk on the same database, through HTTP with wrk, taking turns: which one is faster.

    .venv/bin/python bench/pages_ab.py --before /path/to/old/checkout [--size 1000000] [--rounds 2]

Needs the database bench/run.py built for that size (`bench/run.sh --sizes N --pg --systems caredesk`).
"after" is this checkout. Each round serves each version in turn with gunicorn (2 workers x 1 thread,
as bench/run.py) and measures the benchmark's four pages with wrk, so that a change of machine load
during the run touches both versions alike. Extra environment for one side: --after-env KEY=VALUE;
another gunicorn thread count: --after-threads N (--before may then be this checkout itself).
Prints one line per page, version and round, and the median of the rounds.
"""

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402


def serve(checkout: Path, size: int, extra: dict, threads: str = run.THREADS) -> run.Server:
    python = checkout / ".venv" / "bin" / "python"
    argv = [python if python.exists() else run.CAREDESK_PYTHON, "-m", "gunicorn", "caredesk.wsgi:application",
            "--bind", f"127.0.0.1:{run.CAREDESK_PORT}", "--workers", run.WORKERS, "--threads", str(threads),
            "--access-logfile", "/dev/null"]
    env = {**run.caredesk_env("postgresql", size), "PYTHONPATH": str(checkout), **extra}
    return run.Server(argv, env=env, cwd=checkout, port=run.CAREDESK_PORT, name="caredesk-ab")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="checkout of the version to compare with")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--after-env", action="append", default=[], help="KEY=VALUE for the after side only")
    parser.add_argument("--after-threads", type=int, default=None, help="gunicorn threads a worker, after side only")
    args = parser.parse_args()
    data = run.build_caredesk("postgresql", args.size, reuse=True)
    pages = run.caredesk_pages(data)
    after_env = dict(kv.split("=", 1) for kv in args.after_env)
    sides = {
        "before": (args.before.resolve(), {}, run.THREADS),
        "after": (run.REPO, after_env, args.after_threads or run.THREADS),
    }
    results: dict[tuple[str, str], list[dict]] = {}
    for round_ in range(1, args.rounds + 1):
        for side, (checkout, extra, threads) in sides.items():
            server = serve(checkout, args.size, extra, threads)
            try:
                for page in pages:
                    path, expect = page["requests"][0]
                    run.check(server.port, path, data["cookie"], expect)
                    load = {"connections": args.connections, "threads": args.threads}
                    run.wrk(server.port, path, data["cookie"], seconds=args.warmup, **load)
                    stats = run.wrk(server.port, path, data["cookie"], seconds=args.duration, **load)
                    results.setdefault((page["page"], side), []).append(stats)
                    ms = {k: stats["latency_us"][k] / 1000 for k in ("p50", "p95", "p99")}
                    print(f"round {round_} {side:6} {page['page']:15} {stats['rps']:7.1f} req/s  p50 {ms['p50']:6.1f}  "
                          f"p95 {ms['p95']:6.1f}  p99 {ms['p99']:6.1f} ms", flush=True)
            finally:
                server.stop()
    print(f"\nmedian of {args.rounds} rounds ({args.connections} connections, {args.duration} s each):")
    for page in pages:
        for side in sides:
            runs = results[(page["page"], side)]
            rps = statistics.median(r["rps"] for r in runs)
            p95 = statistics.median(r["latency_us"]["p95"] for r in runs) / 1000
            p50 = statistics.median(r["latency_us"]["p50"] for r in runs) / 1000
            print(f"  {page['page']:15} {side:6} {rps:7.1f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
