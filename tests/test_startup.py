"""Fail closed in production: no process starts with the public demo key, the TLS settings come from the
environment and pass ``manage.py check --deploy``, and ``plateau run`` keeps the demo password on loopback."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from plateau.startup import accounts_with_demo_password, is_loopback, refuse_exposed_demo
from tests import factories

ROOT = Path(__file__).resolve().parents[1]
BEHIND_TLS_BALANCER = {
    "DATABASE_URL": "postgres://plateau@db.invalid:5432/plateau",  # production; check --deploy does not connect
    "PLATEAU_ALLOWED_HOSTS": "plateau.example",
    "PLATEAU_PROXY_SSL_HEADER": "1",
    "PLATEAU_PROXY_COUNT": "1",
    "PLATEAU_CSRF_TRUSTED_ORIGINS": "https://plateau.example",
}


def _env(**extra: str) -> dict[str, str]:
    """This machine's environment without the test suite's own settings (plain HTTP, its key, its prefix)."""
    own = ("PLATEAU_", "DATABASE_URL", "REDIS_URL", "DJANGO_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    return env | {"PLATEAU_VAR_DIR": extra.pop("PLATEAU_VAR_DIR", ""), **extra}


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_given_the_documented_production_environment_then_check_deploy_reports_no_issue(tmp_path: Path) -> None:
    env = _env(PLATEAU_SECRET_KEY=secrets.token_urlsafe(50), PLATEAU_VAR_DIR=str(tmp_path), **BEHIND_TLS_BALANCER)
    done = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


@pytest.mark.parametrize(
    ("command", "production"),
    [
        (("manage.py", "check"), {"DATABASE_URL": "postgres://plateau@db.invalid:5432/plateau"}),
        (("-m", "plateau.cli", "router"), {"DATABASE_URL": "postgres://plateau@db.invalid:5432/plateau"}),
        (("-m", "plateau.cli", "manage", "check"), {"PLATEAU_PRODUCTION": "1"}),
        (("-c", "import plateau.wsgi"), {"PLATEAU_PRODUCTION": "1"}),
    ],
)
def test_given_production_without_a_secret_key_then_the_process_refuses_to_start(
    command: tuple[str, ...], production: dict[str, str], tmp_path: Path
) -> None:
    env = _env(PLATEAU_VAR_DIR=str(tmp_path), **production)
    if command[0] == "-c":
        env["DJANGO_SETTINGS_MODULE"] = "plateau.settings"
    done = _run(*command, env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "refusing to start" in done.stderr and "PLATEAU_SECRET_KEY is not set" in done.stderr


def test_given_the_embedded_demo_then_the_demo_key_is_fine(tmp_path: Path) -> None:
    done = _run("manage.py", "check", env=_env(PLATEAU_VAR_DIR=str(tmp_path)))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.django_db
def test_given_demo_accounts_then_plateau_run_refuses_a_non_loopback_host_unless_told_to(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from plateau.demo.programmes import DEMO_PASSWORD

    user = factories.user(username="conseiller1.sap")
    user.set_password(DEMO_PASSWORD)
    user.save()
    factories.user(username="autre")  # its own password: not exposed
    assert accounts_with_demo_password() == ["conseiller1.sap"]
    for host in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"):
        assert is_loopback(host)
        refuse_exposed_demo(host, allow=False)
    refuse_exposed_demo("0.0.0.0", allow=True)  # noqa: S104 - the operator's explicit choice
    with pytest.raises(SystemExit) as exc:
        refuse_exposed_demo("0.0.0.0", allow=False)  # noqa: S104
    assert exc.value.code == 2
    said = capsys.readouterr().err
    assert "refusing to serve on 0.0.0.0" in said and "conseiller1.sap" in said and "--expose-demo" in said
    user.set_password("Une-phrase-de-passe-longue")
    user.save()
    refuse_exposed_demo("0.0.0.0", allow=False)  # noqa: S104 - no account left with the demo password
