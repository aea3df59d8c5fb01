"""`caredesk ingest` of an mbox file: emails per second, on a fresh database, as a person importing old mail runs it.

    .venv/bin/python bench/mail_ingest.py --messages 3000 --database sqlite [--history]

Writes the stream of bench/mail_corpus.py to an mbox file, migrates a fresh database (bench/mail_pipeline.py's),
creates a team, and times `caredesk ingest FILE` (with --history: as old mail, nothing acknowledged) in its own
process, start-up included. Prints the command's summary line and the rate.
"""

import argparse
import mailbox
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from mail_pipeline import PYTHON, fresh_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--database", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--history", action="store_true")
    args = parser.parse_args()
    import mail_corpus

    workdir = Path(tempfile.mkdtemp(prefix="caredesk-mailingest-"))
    box = mailbox.mbox(workdir / "import.mbox")
    for raw in mail_corpus.stream(args.messages):
        box.add(raw)
    box.close()
    url = fresh_database(args.database, workdir, name="caredesk_mailingest")
    env = {**os.environ, "DATABASE_URL": url, "CAREDESK_SECURE": "false", "CAREDESK_DATA_DIR": str(workdir),
           "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    make_team = "from caredesk.accounts.models import Team; Team.objects.create(name='Support')"
    subprocess.run([PYTHON, "manage.py", "shell", "-c", make_team], cwd=ROOT, env=env, check=True)
    command = [PYTHON, "manage.py", "ingest", str(workdir / "import.mbox"), *(["--history"] if args.history else [])]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    print(done.stdout.strip())
    print(f"{args.messages} emails in {seconds:.1f} s: {args.messages / seconds:.1f} emails/s "
          f"({args.database}{', history' if args.history else ''}; start-up included)")


if __name__ == "__main__":
    main()
