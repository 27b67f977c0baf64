"""Django set-up for the commands that need the database (shared by the command groups, imported by none of
them at start-up: ``plateau wfm erlang-c`` must not pay for Django)."""

from __future__ import annotations

import os


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plateau.settings")
    import django

    django.setup()
    from plateau.startup import refuse_unsafe_start

    refuse_unsafe_start()
