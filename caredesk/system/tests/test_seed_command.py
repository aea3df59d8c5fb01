"""`caredesk seed` into an SQLite file, as benchmarks run it: outside any transaction, so the seed may
leave WAL for a rollback journal while it writes (the tests in test_seed.py run inside one)."""

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # migrates and seeds in subprocesses


def caredesk(data_dir, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CAREDESK_", "DATABASE_URL"))}
    env.update(CAREDESK_DATA_DIR=str(data_dir))
    done = subprocess.run(
        [sys.executable, "-m", "caredesk.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A data folder with a migrated, empty desk, copied by each test."""
    data_dir = tmp_path_factory.mktemp("migrated")
    caredesk(data_dir, "migrate", "-v0")
    return data_dir


@pytest.fixture
def data_dir(migrated, tmp_path):
    shutil.copytree(migrated, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_a_seed_alone_with_the_database_writes_through_a_rollback_journal_and_leaves_it_in_wal(data_dir):
    output = caredesk(data_dir, "seed", "--tickets", "300", "--batch", "100", "--seed", "1")
    assert "writing through a rollback journal" in output
    with sqlite3.connect(data_dir / "caredesk.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT count(*) FROM conversations_ticket").fetchone() == (300,)
        # The FTS5 index agrees with the documents (rank 1: compared with the content table), and the
        # insert trigger is back.
        fts = "conversations_search_fts"
        db.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
        assert db.execute(f"SELECT count(*) FROM {fts}_docsize").fetchone() == (300,)
        assert db.execute(f"SELECT count(*) FROM sqlite_master WHERE name = '{fts}_ai'").fetchone() == (1,)
    assert not (data_dir / "caredesk.sqlite3-journal").exists()


def test_a_seed_beside_another_open_connection_stays_in_wal(data_dir):
    with sqlite3.connect(data_dir / "caredesk.sqlite3") as other:
        other.execute("SELECT count(*) FROM django_migrations").fetchone()
        output = caredesk(data_dir, "seed", "--tickets", "300", "--batch", "100", "--seed", "1")
        assert "writing through the WAL (another connection has the database open)" in output
        assert other.execute("SELECT count(*) FROM conversations_ticket").fetchone() == (300,)
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
