"""Issue 10: a programme kind is only the preset a new programme starts from; nothing else reads it."""

from __future__ import annotations

import re
from pathlib import Path

import plateau

# The preset tables and where a new programme takes them, and the demo programmes that name their kind.
ALLOWED = {"tenants/models.py", "tenants/services.py", "contacts/wrap_up_codes.py", "demo/programmes.py"}


def test_no_view_template_or_service_branches_on_the_programme_kind() -> None:
    root = Path(plateau.__file__).parent
    offenders = []
    for path in [*root.rglob("*.py"), *root.rglob("*.html")]:
        rel = path.relative_to(root).as_posix()
        if rel in ALLOWED or "/migrations/" in rel:
            continue
        if re.search(r"ProgrammeKind|programme\.kind\b|\.kind\s*==\s*[\"']lead_dispatch", path.read_text("utf-8")):
            offenders.append(rel)
    assert offenders == []
