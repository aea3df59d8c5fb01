"""`caredesk serve`: the gunicorn command line it hands over to."""

import os

import pytest
from django.core.management import call_command


@pytest.fixture
def handed_over(monkeypatch):
    """The argv `serve` would exec gunicorn with (not executed)."""
    calls = []
    monkeypatch.setattr(os, "execv", lambda path, argv: calls.append(argv))
    return calls


def _option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_serve_runs_one_thread_a_worker_by_default(handed_over, monkeypatch):
    """Pages are Python-bound: threads of one process would wait for its GIL (docs/deploy.md)."""
    monkeypatch.delenv("WEB_THREADS", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    call_command("serve", port="8123")
    (argv,) = handed_over
    assert argv[2:4] == ["gunicorn", "caredesk.wsgi:application"]
    assert (_option(argv, "--workers"), _option(argv, "--threads"), _option(argv, "--bind")) == (
        "2", "1", "127.0.0.1:8123"
    )


def test_serve_takes_workers_and_threads_from_the_environment(handed_over, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    monkeypatch.setenv("WEB_THREADS", "3")
    call_command("serve")
    (argv,) = handed_over
    assert (_option(argv, "--workers"), _option(argv, "--threads")) == ("4", "3")
