"""`caredesk demo` as a newcomer runs it: a fresh data folder, one command, a working desk."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow  # migrates and loads a demo desk in a subprocess


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except urllib.error.URLError as error:  # not listening yet
        return 0, str(error)
    except TimeoutError as error:  # listening, but too busy to answer yet (a loaded machine, CI 2026-11-26)
        return 0, str(error)


def test_demo_command_serves_the_desk_with_a_worker_and_prints_the_logins(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CAREDESK_", "DATABASE_URL"))}
    # A small desk: what is tested here is the command (migrate, load, serve, worker, logins); the full
    # demo's content is tested in test_demo.py.
    env.update(CAREDESK_DATA_DIR=str(tmp_path), PORT=str(port), CAREDESK_DEMO_CONVERSATIONS="150")
    process = subprocess.Popen(
        [sys.executable, "-m", "caredesk.cli", "demo"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            output.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        text = "".join(output)
        assert f"caredesk is running on http://127.0.0.1:{port}/" in text, text
        for email in ("admin@example.com", "lead@example.com", "agent@example.com", "customer@example.com"):
            assert email in text
        health = {}
        for _ in range(40):  # the worker writes its first heartbeat as it starts
            status, body = get(f"http://127.0.0.1:{port}/healthz")
            if status == 200 and '"worker": "ok"' in body:
                health = body
                break
            time.sleep(0.5)
        assert '"database": "ok"' in health and '"worker": "ok"' in health, health
        for _ in range(5):
            status, body = get(f"http://127.0.0.1:{port}/accounts/login/")
            if status:
                break
        assert status == 200 and "Log in to caredesk" in body
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
