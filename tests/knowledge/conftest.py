from __future__ import annotations

import pytest

from plateau.knowledge.demo import FIXTURE
from plateau.knowledge.importing import import_sheets
from tests.contacts.conftest import reference_data

__all__ = ["reference_data"]


@pytest.fixture
def sheets(db: None) -> None:
    """The shipped fixture of 55 real service-public.fr sheets, imported and indexed."""
    import_sheets(FIXTURE)
