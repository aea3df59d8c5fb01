"""Training, cross-validation and evaluation of the scorer on labelled JSONL files (one reply a line, as
docs/quality-labelling.md describes). Pure Python, used by `caredesk quality train|evaluate`.

How polite is counted: it has three outcomes, true, false and null (the reply asks nothing). Its headline
precision/recall/F1 are those of "true" among all three (a null predicted true is a false positive, a
true predicted null a false negative); the figures for "false" and "null" as outcomes of their own, and
the share of the three outcomes got exactly right, are reported beside them.
"""

import json
import time
from pathlib import Path

from . import cues, model

DATA = Path(__file__).resolve().parent.parent / "data"
# Every author's training file (replies_train.jsonl, replies_author_b_train.jsonl...); never the validation set.
TRAIN_FILES = sorted(DATA.glob("replies*_train.jsonl"))

# L2 strength chosen by 5-fold cross-validation on the training set; 100 epochs, the second half averaged
# (model.fit), give the same figures whatever the random seed (measured across authors, docs/quality.md).
SETTINGS = {"l2": 0.02, "epochs": 100}


class BadFile(ValueError):
    """A labelled file that cannot be read; the message names the file and the line."""


def load(path: Path | str) -> list[dict]:
    examples = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                labels = row["labels"]
                if not isinstance(row["reply"], str):
                    raise TypeError("reply is not text")
                for behaviour in cues.BEHAVIOURS:
                    value = labels[behaviour]
                    if value not in (True, False) and not (value is None and behaviour == "polite"):
                        raise ValueError(f"{behaviour} must be true or false" + (" or null" if behaviour == "polite" else ""))
            except (ValueError, KeyError, TypeError) as error:
                raise BadFile(f"{path}, line {number}: {error}") from error
            examples.append({"reply": row["reply"], "customer_message": row.get("customer_message") or "", "labels": labels})
    return examples


def _rows(examples: list[dict], behaviour: str) -> tuple[list[dict], list[int]]:
    rows, labels = [], []
    for example in examples:
        label = example["labels"][behaviour]
        if label is None:
            continue  # polite is learnt on replies that ask something; whether they do is a rule
        reply, message = example["reply"], example["customer_message"]
        rows.append(cues.features(reply, message, behaviour, cues.matches(reply, behaviour)))
        labels.append(1 if label else 0)
    return rows, labels


def train(examples: list[dict], **settings) -> dict[str, dict[str, float]]:
    """Weights per behaviour. The examples are taken in the order of their text, so the same replies give
    the same weights whichever files they came from and in whatever order the files were read."""
    options = {**SETTINGS, **settings}
    examples = sorted(examples, key=lambda example: (example["reply"], example["customer_message"]))
    return {behaviour: model.fit(*_rows(examples, behaviour), **options) for behaviour in cues.BEHAVIOURS}


def _predict(weights: dict, example: dict) -> dict[str, bool | None]:
    from . import score  # the package's own entry point, so evaluation runs exactly what users run

    original = model.load
    try:
        model.load = lambda *args: weights  # type: ignore[assignment]
        result = score(example["reply"], example["customer_message"])
    finally:
        model.load = original  # type: ignore[assignment]
    return {behaviour: item.present for behaviour, item in result.items()}


def _prf(pairs: list[tuple], positive) -> dict:
    tp = sum(1 for gold, got in pairs if gold == positive and got == positive)
    fp = sum(1 for gold, got in pairs if gold != positive and got == positive)
    fn = sum(1 for gold, got in pairs if gold == positive and got != positive)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}


def metrics(pairs_by_behaviour: dict[str, list[tuple]]) -> dict[str, dict]:
    report = {}
    for behaviour, pairs in pairs_by_behaviour.items():
        report[behaviour] = _prf(pairs, True)
        if behaviour == "polite":
            report[behaviour]["as_false"] = _prf(pairs, False)
            report[behaviour]["as_null"] = _prf(pairs, None)
            report[behaviour]["exact"] = sum(1 for gold, got in pairs if gold == got) / len(pairs) if pairs else 0.0
    return report


def cross_validate(examples: list[dict], k: int = 5, **settings) -> dict[str, dict]:
    pairs: dict[str, list[tuple]] = {behaviour: [] for behaviour in cues.BEHAVIOURS}
    for fold in model.folds(len(examples), k):
        held = set(fold)
        weights = train([e for i, e in enumerate(examples) if i not in held], **settings)
        for index in fold:
            got = _predict(weights, examples[index])
            for behaviour in cues.BEHAVIOURS:
                pairs[behaviour].append((examples[index]["labels"][behaviour], got[behaviour]))
    return metrics(pairs)


def author(path: Path | str) -> str:
    """Who wrote a training file, from its name: replies_train.jsonl is A, replies_author_b_train.jsonl B."""
    stem = Path(path).name.removesuffix(".jsonl").removesuffix("_train").removeprefix("replies")
    return stem.removeprefix("_author_").upper() or "A"


def across_authors(examples_by_author: dict[str, list[dict]], **settings) -> dict[str, dict[str, dict]]:
    """For each author, the figures of a scorer trained on every other author's replies and scored on
    theirs: what replies nobody tuned on look like. Needs at least two authors."""
    if len(examples_by_author) < 2:
        raise ValueError("Cross-author figures need training files from at least two authors.")
    report = {}
    for held_out, examples in examples_by_author.items():
        others = [row for name, rows in examples_by_author.items() if name != held_out for row in rows]
        report[held_out] = evaluate(examples, train(others, **settings))[0]
    return report


def authors_table(report: dict[str, dict[str, dict]]) -> str:
    """F1 per behaviour for each held-out author, their mean, and P/R beside each F1."""
    held = list(report)
    header = " ".join(f"{'others → ' + name:>20}" for name in held)
    lines = [f"{'behaviour':<11} {header} {'mean F1':>8}"]
    for behaviour in cues.BEHAVIOURS:
        cells, f1s = [], []
        for name in held:
            row = report[name][behaviour]
            f1s.append(row["f1"])
            cells.append(f"{row['precision']:.2f}/{row['recall']:.2f}/{row['f1']:.3f}".rjust(20))
        lines.append(f"{behaviour:<11} " + " ".join(cells) + f" {sum(f1s) / len(f1s):>8.3f}")
    lines.append("(each cell: precision/recall/F1 of a scorer trained on the other authors' files)")
    return "\n".join(lines)


def evaluate(examples: list[dict], weights: dict | None = None) -> tuple[dict[str, dict], dict[str, float]]:
    """Figures for the committed weights (or `weights`) on `examples`, and scoring times in ms."""
    from . import score

    pairs: dict[str, list[tuple]] = {behaviour: [] for behaviour in cues.BEHAVIOURS}
    times = []
    for example in examples:
        started = time.perf_counter()
        if weights is None:
            result = score(example["reply"], example["customer_message"])
            got = {behaviour: item.present for behaviour, item in result.items()}
        else:
            got = _predict(weights, example)
        times.append((time.perf_counter() - started) * 1000)
        for behaviour in cues.BEHAVIOURS:
            pairs[behaviour].append((example["labels"][behaviour], got[behaviour]))
    return metrics(pairs), percentiles(times)


def percentiles(times: list[float]) -> dict[str, float]:
    if not times:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0}
    ordered = sorted(times)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

    return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99)}


def table(report: dict[str, dict]) -> str:
    lines = [f"{'behaviour':<11} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}"]
    for behaviour, row in report.items():
        lines.append(
            f"{behaviour:<11} {row['precision']:>9.2f} {row['recall']:>7.2f} {row['f1']:>6.2f} {row['support']:>8}"
        )
        if behaviour == "polite":
            for outcome in ("as_false", "as_null"):
                sub = row[outcome]
                name = "  " + outcome.replace("as_", "= ")
                lines.append(f"{name:<11} {sub['precision']:>9.2f} {sub['recall']:>7.2f} {sub['f1']:>6.2f} {sub['support']:>8}")
            lines.append(f"  polite outcome exactly right (true/false/null): {row['exact']:.2f}")
    return "\n".join(lines)
