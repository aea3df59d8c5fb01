import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from caredesk import settings as caredesk_settings


def test_envbool_refuses_a_value_that_is_not_a_boolean(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false, not 'maybe'"):
        caredesk_settings.envbool("DEBUG", "false")


def test_envint_refuses_a_value_that_is_not_a_number(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        caredesk_settings.envint("EMAIL_PORT", 25)


def _caredesk(*args, env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CAREDESK_", "DATABASE_URL", "SECRET_KEY"))}
    env.update({"CAREDESK_DATA_DIR": str(tmp_path)}, **env_extra)
    return subprocess.run([sys.executable, "-m", "caredesk.cli", *args], env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _caredesk(
        "check", "--deploy", "--fail-level", "WARNING",
        env_extra={"SECRET_KEY": "k" * 20 + "production-secret-key-with-enough-entropy-0123456789"}, tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_defaults_are_safe(tmp_path):
    result = _caredesk(
        "shell", "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)",
        env_extra={}, tmp_path=tmp_path,
    )
    assert result.stdout.strip().splitlines()[-1].split() == ["False", "True", "True", "True", "True"], result.stderr


def test_a_bad_database_url_fails_loudly(tmp_path):
    result = _caredesk("check", env_extra={"DATABASE_URL": "nonsense://x"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def _postgresql_options(monkeypatch, variable: str, setting: str | None) -> dict:
    """The OPTIONS caredesk gives a PostgreSQL database with `variable` set to `setting` (None: unset)."""
    monkeypatch.setenv("DATABASE_URL", "postgres://caredesk@db.example.com:5432/caredesk")
    if setting is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, setting)
    return caredesk_settings._databases()["default"].get("OPTIONS", {})


@pytest.mark.parametrize(("setting", "prepared"), [(None, True), ("true", True), ("false", False)])
def test_postgresql_prepares_repeated_statements_unless_switched_off(monkeypatch, setting, prepared):
    """On by default (planning was most of the database's time on a ticket page); off for old poolers."""
    options = _postgresql_options(monkeypatch, "DB_PREPARED_STATEMENTS", setting)
    assert options.get("server_side_binding", False) is prepared
    assert ("prepare_threshold" in options) is prepared


PARALLEL_OFF = "-c max_parallel_workers_per_gather=0"


@pytest.mark.parametrize(
    ("setting", "options"), [(None, PARALLEL_OFF), ("false", PARALLEL_OFF), ("true", None)]
)
def test_postgresql_plans_without_parallel_workers_unless_switched_on(monkeypatch, setting, options):
    """Off by default: a page's query run in parallel cost three processes' time for a page of rows."""
    assert _postgresql_options(monkeypatch, "DB_PARALLEL_QUERIES", setting).get("options") == options


def test_postgresql_options_from_the_database_url_are_kept(monkeypatch):
    url = "postgres://caredesk@db.example.com:5432/caredesk?options=-c%20work_mem%3D8MB"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("DB_PARALLEL_QUERIES", raising=False)
    options = caredesk_settings._databases()["default"]["OPTIONS"]["options"]
    assert options == f"-c work_mem=8MB {PARALLEL_OFF}"


@pytest.mark.django_db
def test_the_connection_plans_without_parallel_workers():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
