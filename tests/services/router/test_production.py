"""Production mode: PostgreSQL + Redis, one `plateau router` process and two `plateau web` processes.

A command sent through web process A reaches the router over Redis; the offer the router makes reaches the
advisor's event stream served by web process B over Redis pub/sub; both report the same journal position.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from plateau.demo.programmes import DEMO_PASSWORD
from plateau.services.router import bus as bus_module
from plateau.services.router import runtime
from plateau.services.router.client import RouterClient
from plateau.tenants.models import User
from tests.routing.builders import demo_programmes
from tests.web.server import free_port, wait_for_status

REDIS_URL = "redis://127.0.0.1:6379/0"
ADVISOR = "conseiller2.sap"


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def fresh_journal() -> None:
    """The journal tables live outside Django's models: the test database's flush does not empty them."""
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS routing_events, routing_snapshots")


@pytest.fixture
def processes(tmp_path: Path, transactional_db: Any) -> Iterator[list[str]]:
    if connection.vendor != "postgresql":
        pytest.skip("production mode runs on PostgreSQL")
    fresh_journal()
    demo_programmes()  # committed before the router starts: it reads the configuration at start
    # The test settings hash with MD5, which the web processes' settings do not accept.
    User.objects.filter(username=ADVISOR).update(password=PBKDF2PasswordHasher().encode(DEMO_PASSWORD, "saltsalt"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"DATABASE_URL": _database_url(), "REDIS_URL": REDIS_URL, "PLATEAU_VAR_DIR": str(tmp_path)}
    r = redis.Redis.from_url(REDIS_URL)
    r.delete(runtime.inbox_key(), bus_module.status_key())
    ports = [free_port(), free_port()]
    cmd = [sys.executable, "-m", "plateau.cli"]
    procs = [subprocess.Popen([*cmd, "router"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    procs += [
        subprocess.Popen([*cmd, "web", "--port", str(p)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for p in ports
    ]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        for base in bases:
            wait_for_status(base)
        yield bases
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)


def _session(base: str, username: str) -> tuple[Any, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/connexion/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode({"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{base}/connexion/", data.encode(), headers={"Referer": base})  # noqa: S310
    opener.open(request).read()
    return opener, next(c.value for c in jar if c.name == "csrftoken")


def _status(base: str) -> dict[str, Any]:
    import json

    with urllib.request.urlopen(f"{base}/status", timeout=5) as r:  # noqa: S310 - local test server
        return dict(json.loads(r.read()))


def _read_until(stream: Any, text: str, timeout: float = 10) -> str:
    received = ""
    deadline = time.monotonic() + timeout
    while text not in received and time.monotonic() < deadline:
        received += stream.readline().decode()
    return received


@pytest.mark.postgres_only
def test_given_two_web_processes_and_a_router_when_an_advisor_logs_in_on_one_then_the_offer_streams_on_the_other(
    processes: list[str],
) -> None:
    web_a, web_b = processes
    a, token_a = _session(web_a, ADVISOR)
    login = urllib.parse.urlencode({"action": "login", "csrfmiddlewaretoken": token_a}).encode()
    url = f"{web_a}/p/sap-national/poste/routage/"
    page = a.open(urllib.request.Request(url, login, headers={"Referer": web_a}))  # noqa: S310
    assert page.geturl() == f"{web_a}/p/sap-national/poste/"  # logged in, then back to the desk

    b, _ = _session(web_b, ADVISOR)
    stream = b.open(f"{web_b}/p/sap-national/poste/flux/", timeout=10)
    assert '"state":"available"' in _read_until(stream, '"state":"available"')  # web A's command, seen on B

    decisions = RouterClient(REDIS_URL).enqueue("sap-national.appels", caller="+33611223344")
    offer = next(d for d in decisions if d["type"] == "OfferMade")
    received = _read_until(stream, offer["offer_id"])
    assert re.search(r"event: OfferMade\ndata: .*" + offer["offer_id"], received)
    assert "+33611223344" in received
    stream.close()

    # Both web processes report the router's journal position (its status is published every second).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        seq = [_status(web)["journal_seq"] for web in (web_a, web_b)]
        if seq[0] == seq[1] >= 3:  # configuration, login, arrival
            break
        time.sleep(0.3)
    assert seq[0] == seq[1] >= 3
