from __future__ import annotations

import pytest

from plateau.directory.activities import sync_activities
from plateau.directory.models import Activity


@pytest.fixture(autouse=True)
def _activities(db: None) -> None:
    """The data migration's table (the test run skips migrations)."""
    sync_activities(Activity)
