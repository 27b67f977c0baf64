"""System checks of the deployment (``manage.py check``, and ``check --deploy`` before going live)."""

from __future__ import annotations

from typing import Any

from django.core import checks

from plateau.startup import production_problems


def _production(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(p, id="plateau.E001") for p in production_problems()]


def register() -> None:
    checks.register(_production, checks.Tags.security)
