from __future__ import annotations

from typing import Any

import pytest

from plateau.directory.activities import sync_activities
from plateau.directory.models import Activity


@pytest.fixture(autouse=True)
def _activities(db: None) -> None:
    """The data migration's table (the test run skips migrations)."""
    sync_activities(Activity)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    # factories.user() hashes a password: PBKDF2's many rounds cost ~0.5 s a user on this shared machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
