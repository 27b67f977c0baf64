"""The test suite's settings (pyproject: ``DJANGO_SETTINGS_MODULE = "tests.settings"``): the environment below, then
Plateau's own settings unchanged. Every process a test starts (``plateau router``, ``plateau web``) inherits the
same environment.

- A unique Redis prefix per test session: concurrent suites on one Redis server never read each other's routing
  commands, decisions or status.
- A secret key: with ``DATABASE_URL`` set (the PostgreSQL suite) Plateau runs as production, which refuses the
  public demo key.
- Plain HTTP: production defaults to HTTPS only (secure cookies, redirect, HSTS); the test servers speak HTTP on
  loopback. The tests of those settings set them explicitly.
"""

from __future__ import annotations

import os
import uuid

os.environ.setdefault("PLATEAU_REDIS_PREFIX", f"plateau-test-{uuid.uuid4().hex[:12]}")
os.environ.setdefault("PLATEAU_SECRET_KEY", f"tests-only-{uuid.uuid4().hex}")
os.environ.setdefault("PLATEAU_HTTPS", "0")
os.environ.setdefault("PLATEAU_REQUIRE_2FA", "0")

from plateau.settings import *  # noqa: F403 - the real settings, read with the environment above
