from __future__ import annotations

from tests.contacts.conftest import _fast_password_hashing, reference_data

__all__ = ["_fast_password_hashing", "reference_data"]
