"""Measure the classifier on a labelled JSON Lines file (docs/quality-labelling.md, inbound messages).

Pure Python, like classify.py: `caredesk kudos evaluate PATH` prints what `evaluate` returns.
Names are compared case-insensitively and without accents ("Lucía" = "lucia"), one per message: a
praised name found is a true positive, one found but not labelled a false positive, one labelled but
not found a false negative.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from .classify import KINDS, classify, fold


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    total: int = 0
    correct: int = 0
    kinds: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})
    support: dict[str, int] = field(default_factory=lambda: {kind: 0 for kind in KINDS})
    names: Counts = field(default_factory=Counts)
    mistakes: list[dict] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


class LabelError(ValueError):
    """A line of the labelled file that cannot be read (the message says which line and why)."""


def read(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise LabelError(f"line {number}: not JSON ({error.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("message"), str) or row.get("kind") not in KINDS:
            raise LabelError(f"line {number}: needs a \"message\" string and a \"kind\" among {', '.join(KINDS)}")
        if not isinstance(row.get("praised_names", []), list):
            raise LabelError(f"line {number}: \"praised_names\" must be a list")
        rows.append(row)
    return rows


def _key(name: str) -> str:
    return " ".join(fold(name).split())


def evaluate(rows: list[dict]) -> Report:
    report = Report()
    for row in rows:
        result = classify(row["message"])
        expected = row["kind"]
        report.total += 1
        report.support[expected] += 1
        if result.kind == expected:
            report.correct += 1
            report.kinds[expected].tp += 1
        else:
            report.kinds[result.kind].fp += 1
            report.kinds[expected].fn += 1
        wanted = {_key(n) for n in row.get("praised_names", [])}
        found = {_key(n) for n in result.praised_names}
        report.names.tp += len(wanted & found)
        report.names.fp += len(found - wanted)
        report.names.fn += len(wanted - found)
        if result.kind != expected or wanted != found:
            report.mistakes.append(
                {"id": row.get("id", ""), "message": row["message"], "expected": expected, "got": result.kind,
                 "names_expected": sorted(wanted), "names_got": sorted(found)}
            )
    return report


def table(report: Report) -> str:
    lines = [f"{'kind':<12}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}"]
    for kind in KINDS:
        counts = report.kinds[kind]
        lines.append(f"{kind:<12}{counts.precision:>10.2f}{counts.recall:>8.2f}{counts.f1:>7.2f}{report.support[kind]:>9}")
    lines.append(f"accuracy {report.accuracy:.2f} over {report.total} messages")
    names = report.names
    lines.append(
        f"praised names: precision {names.precision:.2f}, recall {names.recall:.2f} "
        f"({names.tp} found, {names.fp} wrongly, {names.fn} missed)"
    )
    return "\n".join(lines)
