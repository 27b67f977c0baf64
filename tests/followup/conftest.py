from __future__ import annotations

from tests.contacts.conftest import reference_data

__all__ = ["reference_data"]
