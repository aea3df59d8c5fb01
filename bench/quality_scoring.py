"""Reply quality scoring time: p50/p95/p99 per reply over the training set, and over long replies.

    python bench/quality_scoring.py [--rounds 5]

The scorer is pure Python and needs no database or Django. Each reply is scored `rounds` times (after
one warm-up pass that loads the weights); the target is p95 under 50 ms per reply.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caredesk.quality.scoring import MAX_REPLY, score, training  # noqa: E402


def timed(pairs: list[tuple[str, str]], rounds: int) -> dict[str, float]:
    times = []
    for _ in range(rounds):
        for reply, message in pairs:
            started = time.perf_counter()
            score(reply, message)
            times.append((time.perf_counter() - started) * 1000)
    return training.percentiles(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    examples = [example for path in training.TRAIN_FILES for example in training.load(path)]
    pairs = [(example["reply"], example["customer_message"]) for example in examples]
    timed(pairs[:20], 1)  # warm-up: weights loaded, regexes compiled
    lengths = sorted(len(reply) for reply, _ in pairs)
    print(f"training set: {len(pairs)} replies, median {lengths[len(lengths) // 2]} characters, {rounds} rounds")
    figures = timed(pairs, rounds)
    print("  per reply: " + ", ".join(f"{name} {value:.2f} ms" for name, value in figures.items()))

    # A long reply: many replies of the set run together up to the scorer's limit (what the API accepts).
    long_reply = "\n\n".join(reply for reply, _ in pairs)[:MAX_REPLY]
    long_pairs = [(long_reply, pairs[0][1])]
    print(f"long reply: {len(long_reply):,} characters, {rounds * 10} runs")
    figures = timed(long_pairs, rounds * 10)
    print("  per reply: " + ", ".join(f"{name} {value:.2f} ms" for name, value in figures.items()))


if __name__ == "__main__":
    main()
