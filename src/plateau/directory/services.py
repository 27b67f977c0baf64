"""Writes of the directory app (lock, check, change, audit, notify).

* :func:`search_providers` — search with fair rotation, records the search, its proposals, unmet needs;
* :func:`import_providers` — CSV import with a per-row report.
"""

from __future__ import annotations

from .importing import ImportReport, RejectedRow, import_providers
from .search import ProviderMatch, SearchOutcome, search_providers

__all__ = [
    "ImportReport",
    "ProviderMatch",
    "RejectedRow",
    "SearchOutcome",
    "import_providers",
    "search_providers",
]
