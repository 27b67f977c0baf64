from __future__ import annotations

import pytest

from plateau.contacts.models import WrapUpCode
from plateau.contacts.wrap_up_codes import seed_wrap_up_codes
from plateau.directory.activities import sync_activities
from plateau.directory.models import Activity
from tests.contacts import builders as contact_builders


@pytest.fixture
def reference_data(db: None) -> None:
    sync_activities(Activity)
    seed_wrap_up_codes(WrapUpCode)
    contact_builders.demo_communes()


@pytest.fixture(autouse=True)
def _locmem_mail(settings: object) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]
