"""Entry point of the demo data: each part is idempotent and reports what it holds."""

from __future__ import annotations

from .programmes import load_programmes


def load_all() -> dict[str, object]:
    programmes = load_programmes()
    return {"programmes": len(programmes)}
