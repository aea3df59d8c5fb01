"""caredesk quality train|evaluate|rescore: the reply scorer from the shell.

    caredesk quality train [--data PATH...] [--cv] retrain on the training files, write scoring/weights.json
    caredesk quality evaluate PATH                 precision, recall, F1 per behaviour, scoring time per reply
    caredesk quality authors [--data PATH...]      train on all authors but one, score that one, for each
    caredesk quality rescore                       score every agent reply that has no stored score

evaluate counts polite with three outcomes (true, false, null): its headline figures are those of
"true" among all three; "false" and "null" get their own lines (scoring.training explains).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from caredesk.quality import services
from caredesk.quality.scoring import model, training


class Command(BaseCommand):
    help = "Train, evaluate and run the reply quality scorer."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{train,evaluate,authors,rescore}"
        )
        train = actions.add_parser("train", help="Retrain on the labelled training set; writes the weights file.")
        train.add_argument(
            "--data", nargs="+", default=[str(path) for path in training.TRAIN_FILES],
            help="Labelled JSONL files (default: every replies*_train.jsonl in quality/data).",
        )
        train.add_argument("--cv", action="store_true", help="Print 5-fold cross-validation figures first.")
        train.add_argument("--out", default=str(model.WEIGHTS), help="Where to write the weights.")
        evaluate = actions.add_parser("evaluate", help="Measure the committed scorer on a labelled JSONL file.")
        evaluate.add_argument("path")
        authors = actions.add_parser(
            "authors", help="Cross-author figures: train on every author but one, score that one's file."
        )
        authors.add_argument(
            "--data", nargs="+", default=[str(path) for path in training.TRAIN_FILES],
            help="One labelled JSONL file per author (default: every replies*_train.jsonl in quality/data).",
        )
        actions.add_parser("rescore", help="Score every agent reply without a stored score.")

    def handle(self, *, action: str, **options):
        getattr(self, f"_{action}")(**options)

    def _examples(self, path: str) -> list[dict]:
        if not Path(path).is_file():
            raise CommandError(f"No such file: {path}", returncode=2)
        try:
            examples = training.load(path)
        except training.BadFile as error:
            raise CommandError(str(error), returncode=2) from error
        if not examples:
            raise CommandError(f"{path} holds no labelled replies.", returncode=2)
        return examples

    def _train(self, *, data: list[str], cv: bool, out: str, **_):
        examples = [example for path in data for example in self._examples(path)]
        if cv:
            self.stdout.write(f"5-fold cross-validation on {len(examples)} replies:")
            self.stdout.write(training.table(training.cross_validate(examples)))
        weights = training.train(examples)
        model.save(weights, Path(out))
        size = Path(out).stat().st_size
        self.stdout.write(f"Trained on {len(examples)} replies; wrote {out} ({size / 1024:.0f} KB).")

    def _evaluate(self, *, path: str, **_):
        examples = self._examples(path)
        report, times = training.evaluate(examples)
        self.stdout.write(f"{len(examples)} replies in {path}")
        self.stdout.write(training.table(report))
        self.stdout.write(
            f"scoring time per reply: p50 {times['p50']:.2f} ms, p95 {times['p95']:.2f} ms, p99 {times['p99']:.2f} ms"
        )

    def _authors(self, *, data: list[str], **_):
        by_author = dict(sorted((training.author(path), self._examples(path)) for path in data))
        if len(by_author) < 2:
            raise CommandError("Cross-author figures need files from at least two authors.", returncode=2)
        sizes = ", ".join(f"{name} {len(rows)}" for name, rows in by_author.items())
        self.stdout.write(f"Replies per author: {sizes}")
        self.stdout.write(training.authors_table(training.across_authors(by_author)))

    def _rescore(self, **_):
        count = services.score_missing()
        self.stdout.write(f"Scored {count} repl{'y' if count == 1 else 'ies'}.")
