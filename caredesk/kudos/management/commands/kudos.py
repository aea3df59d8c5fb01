"""caredesk kudos evaluate PATH [--mistakes]: measure the inbound-message classifier on a labelled file.

    caredesk kudos evaluate caredesk/kudos/data/messages_train.jsonl

Prints precision, recall and F1 per kind, and precision and recall of the praised names (kudos.evaluation).
A file that cannot be read exits with status 2 and says which line is wrong.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from caredesk.kudos import evaluation


class Command(BaseCommand):
    help = "Measure the compliment/complaint/question classifier on a labelled JSON Lines file."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{evaluate}")
        evaluate = actions.add_parser("evaluate", help="Print precision/recall/F1 per kind and for praised names.")
        evaluate.add_argument("path", type=Path, help="JSON Lines: {\"message\", \"kind\", \"praised_names\"}.")
        evaluate.add_argument("--mistakes", action="store_true", help="Also list the messages it got wrong.")

    def handle(self, *, action: str, path: Path, mistakes: bool = False, **options):
        try:
            rows = evaluation.read(path)
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}", returncode=2) from None
        except evaluation.LabelError as error:
            raise CommandError(f"{path}: {error}", returncode=2) from None
        if not rows:
            raise CommandError(f"{path} has no labelled messages.", returncode=2)
        report = evaluation.evaluate(rows)
        self.stdout.write(evaluation.table(report))
        if mistakes:
            for wrong in report.mistakes:
                self.stdout.write(
                    f"{wrong['id']}: {wrong['expected']} -> {wrong['got']}, names {wrong['names_expected']} -> "
                    f"{wrong['names_got']}: {wrong['message']}"
                )
