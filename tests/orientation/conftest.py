from __future__ import annotations

import pytest

from plateau.contacts.models import WrapUpCode
from plateau.contacts.wrap_up_codes import seed_wrap_up_codes
from plateau.directory.activities import sync_activities
from plateau.directory.models import Activity


@pytest.fixture
def reference_data(db: None) -> None:
    """Tests run without migrations: load what the data migrations load (activities, wrap-up codes)."""
    sync_activities(Activity)
    seed_wrap_up_codes(WrapUpCode)
