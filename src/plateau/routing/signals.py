"""A saved routing configuration reaches the running router: one ``ConfigurationApplied`` per transaction."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from . import models as m

log = logging.getLogger(__name__)


def _apply() -> None:
    from plateau.domain.routing import events as ev
    from plateau.services.router.client import RouterClient, RouterUnavailableError, new_id

    from .configuration import build_config

    try:
        decisions = RouterClient(timeout=2.0).submit(ev.ConfigurationApplied(new_id("cfg"), 0, build_config()))
    except RouterUnavailableError:
        return  # no router running: it reads the configuration when it starts
    except Exception:
        log.exception("routing configuration not applied")
        return
    for d in decisions:
        if d["type"] == "Rejected":  # e.g. a queue removed while it still holds contacts
            log.warning("router refused the new configuration: %s", d["message"])


def configuration_changed(**_: Any) -> None:
    connection = transaction.get_connection()
    here = set(connection.savepoint_ids)
    if any(func is _apply and sids == here for sids, func, _ in connection.run_on_commit):
        return  # already scheduled at this level of this transaction: one reload however many rows changed
    transaction.on_commit(_apply)


def connect() -> None:
    for model in (m.Skill, m.Queue, m.QueueTarget, m.PauseReason, m.AdvisorProfile):
        post_save.connect(configuration_changed, sender=model, dispatch_uid=f"routing-config-{model.__name__}")
        post_delete.connect(configuration_changed, sender=model, dispatch_uid=f"routing-config-del-{model.__name__}")
