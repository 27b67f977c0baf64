from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from plateau.contacts.models import WrapUpCode
from plateau.contacts.wrap_up_codes import seed_wrap_up_codes
from tests.contacts.conftest import reference_data
from tests.routing.builders import demo_programmes
from tests.web.server import serving_plateau

__all__ = ["plateau_asgi", "reference_data"]


@pytest.fixture
def plateau_asgi(tmp_path: Path) -> Iterator[str]:
    """The ASGI application served by uvicorn in a thread, with the embedded router, on the test database."""
    demo_programmes()
    seed_wrap_up_codes(WrapUpCode)
    with serving_plateau(tmp_path / "journal.sqlite3") as base:
        yield base
