"""The demo loader (what `make run` loads) through its real entry points."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from plateau.contacts.models import Contact, ContactStatus
from plateau.demo.loader import load_all
from plateau.directory.models import Provider
from plateau.followup.models import FollowUp
from plateau.tenants.models import Membership, Programme, Role
from tests.web.server import free_port


@pytest.mark.django_db
def test_given_empty_database_when_demo_loads_twice_then_six_programmes_with_data_and_nothing_duplicated(
    reference_data: None,
) -> None:
    load_all(scale=0.05)
    counts = (Programme.objects.count(), Provider.objects.count(), Contact.objects.count())
    assert counts[0] == 6
    national = Programme.objects.get(slug="sap-national")
    assert Provider.objects.for_programme(national).count() >= 5
    assert Contact.objects.for_programme(national).filter(status=ContactStatus.CLOSED).exists()
    for programme in Programme.objects.all():
        assert Contact.objects.for_programme(programme).exists(), programme.slug
    # The shared team of programmes 1 and 2 (programmes.md, "Cross-cutting").
    assert Membership.objects.filter(
        user__username="conseiller1.sap", programme__slug="reseaux-prestataires", role=Role.ADVISOR
    ).exists()
    # Some callers of the national line agreed to a follow-up of the details given; a few answered.
    followups = FollowUp.objects.for_programme(national)
    assert followups.exists() and followups.filter(status="answered").exists()
    assert not followups.filter(status="answered").exclude(address="").exists()  # answered: address erased
    followup_count = FollowUp.objects.count()
    load_all(scale=0.05)
    assert (Programme.objects.count(), Provider.objects.count(), Contact.objects.count()) == counts
    assert FollowUp.objects.count() == followup_count


def test_given_fresh_checkout_when_plateau_run_then_migrates_loads_demo_and_serves(tmp_path: Path) -> None:
    """`plateau run` on an empty var dir: real migrations (incl. data migrations), demo, HTTP."""
    port = free_port()
    env = {**os.environ, "PLATEAU_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # the embedded default is SQLite
    proc = subprocess.Popen(
        [sys.executable, "-m", "plateau.cli", "run", "--port", str(port), "--demo-scale", "0.02"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        body = ""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/connexion/", timeout=5) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(1)
        assert "Connexion" in body or "connexion" in body, proc.stdout.read() if proc.poll() is not None else ""
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5) as response:
            assert response.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert (tmp_path / "plateau.sqlite3").exists()
