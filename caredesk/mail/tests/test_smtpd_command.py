"""The real `caredesk smtpd` process: started as an operator starts it, sent a message, stopped by SIGTERM."""

import os
import signal
import smtplib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .mails import SUPPORT, eml
from .test_smtpd import crlf, free_port

WORKTREE = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_the_smtpd_command_stores_a_message_and_queues_its_processing(tmp_path):
    database = tmp_path / "caredesk.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "caredesk.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "CAREDESK_DATA_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "smtpd-test",
        "DEBUG": "false",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    env.pop("CAREDESK_EMAIL_ADDRESSES", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=WORKTREE, env=env, check=True)
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO accounts_team (name, is_private, created_at) VALUES ('Billing', 0, '2026-11-25')")

    port = free_port()
    server = subprocess.Popen(
        [*manage, "smtpd", "--port", str(port)], cwd=WORKTREE, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout.readline() == f"caredesk smtpd listening on 127.0.0.1:{port} (SMTP)\n"
        raw = crlf(eml(subject="Through the real command"))
        with smtplib.SMTP("127.0.0.1", port) as client:
            assert client.sendmail("miggins@example.com", [SUPPORT], raw) == {}
    finally:
        server.send_signal(signal.SIGTERM)
        returncode = server.wait(timeout=60)
    assert returncode == 0

    with sqlite3.connect(database) as db:
        stored = db.execute("SELECT id, raw, source, status, team_id FROM mail_inboundemail").fetchall()
        queued = db.execute("SELECT task_path, args_kwargs FROM django_tasks_database_dbtaskresult").fetchall()
        billing_id = db.execute("SELECT id FROM accounts_team").fetchone()[0]
    [(inbound_id, stored_raw, source, status, team_id)] = stored
    assert (bytes(stored_raw), source, status, team_id) == (raw, "smtp", "stored", billing_id)
    # Processing waits for `caredesk worker`: the task row committed with the email.
    assert queued == [
        ("caredesk.mail.tasks.process_inbound", f'{{"args": [], "kwargs": {{"inbound_id": {inbound_id}}}}}')
    ]
