"""A provider's own systems: webhook endpoints it registers (we call them) and API tokens (they call us).

Both are managed by the provider's users in the portal. Secrets and tokens are shown once, at creation:
a webhook secret is kept (it signs every delivery), an API token only as its SHA-256. A token acts as the
provider's *service account* — a user without password, member of the programme as a provider user and
linked to this provider only — so its calls go through the same services, checks and audit as the portal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plateau.directory.models import Provider, ProviderUser
from plateau.errors import InvalidInput
from plateau.tenants.models import Membership, Role, User
from plateau.tenants.services import record_audit

from .errors import NotYourLead
from .models import ProviderApiToken, WebhookEndpoint
from .outbound import UnsafeWebhookUrl, check_url

# What a provider may subscribe to (``lead.<outcome>`` follow the portal's outcomes).
WEBHOOK_EVENTS = (
    "lead.sent",
    "lead.acknowledged",
    "lead.reminder",
    "lead.called_back",
    "lead.agreed",
    "lead.refused",
    "lead.no_capacity",
)
TOKEN_PREFIX = "plt_"  # noqa: S105 (a marker, not a secret)


def _check_own(provider: Provider, actor: User) -> None:
    if not actor.provider_links.filter(provider=provider).exists():
        raise NotYourLead()


@dataclass(frozen=True)
class Created:
    """A new endpoint or token with its secret(s), to show once."""

    id: int
    secret: str
    inbound_secret: str = ""  # a webhook's second secret: it signs the provider's calls to us


@transaction.atomic
def register_webhook(provider: Provider, *, actor: User, url: str, events: list[str]) -> Created:
    """Add an endpoint for ``provider``'s system; returns both signing secrets (shown once). The address must
    be a public https one (:func:`plateau.leads.outbound.check_url`, checked again at every delivery)."""
    _check_own(provider, actor)
    url = url.strip()
    try:
        check_url(url)
    except UnsafeWebhookUrl as exc:
        raise UnsafeWebhookUrl(exc.message, field="url") from None
    unknown = sorted(set(events) - set(WEBHOOK_EVENTS))
    if unknown:
        raise InvalidInput(_("Événement inconnu : %(e)s.") % {"e": ", ".join(unknown)}, field="events")
    secret, inbound_secret = secrets.token_hex(32), secrets.token_hex(32)
    endpoint = WebhookEndpoint.objects.create(
        programme=provider.programme,
        provider=provider,
        url=url,
        secret=secret,
        inbound_secret=inbound_secret,
        events=sorted(events),
        created_at=timezone.now(),
        created_by=actor,
    )
    record_audit(
        action="provider.webhook_registered",
        actor=actor,
        programme=provider.programme,
        obj=endpoint,
        url=url,
        events=sorted(events),
    )
    return Created(endpoint.pk, secret, inbound_secret)


@transaction.atomic
def remove_webhook(endpoint: WebhookEndpoint, *, actor: User) -> None:
    """Deactivate an endpoint (its past deliveries stay for the record)."""
    endpoint = WebhookEndpoint.objects.select_for_update().select_related("provider").get(pk=endpoint.pk)
    _check_own(endpoint.provider, actor)
    endpoint.is_active = False
    endpoint.save(update_fields=["is_active"])
    record_audit(action="provider.webhook_removed", actor=actor, programme=endpoint.programme, obj=endpoint)


def service_account(provider: Provider) -> User:
    """The provider's service account (created on first use): no password, this provider only."""
    username = f"api-prestataire-{provider.pk}"
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": "API", "last_name": provider.display_name[:150]}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, programme=provider.programme, role=Role.PROVIDER_USER)
    ProviderUser.objects.get_or_create(user=user, provider=provider)
    return user


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_api_token(provider: Provider, *, actor: User, name: str, now: dt.datetime | None = None) -> Created:
    """A new bearer token for ``provider``'s system; returns it (shown once, only its hash is kept)."""
    _check_own(provider, actor)
    name = name.strip()[:100]
    if not name:
        raise InvalidInput(_("Donnez un nom au jeton (par exemple le nom de votre logiciel)."), field="name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ProviderApiToken.objects.create(
        programme=provider.programme,
        provider=provider,
        service_user=service_account(provider),
        name=name,
        prefix=token[:12],
        token_hash=_hash(token),
        created_at=now or timezone.now(),
        created_by=actor,
    )
    record_audit(action="provider.token_created", actor=actor, programme=provider.programme, obj=row, name=name)
    return Created(row.pk, token)


@transaction.atomic
def revoke_api_token(token: ProviderApiToken, *, actor: User, now: dt.datetime | None = None) -> None:
    row = ProviderApiToken.objects.select_for_update().select_related("provider").get(pk=token.pk)
    _check_own(row.provider, actor)
    if row.revoked_at is None:
        row.revoked_at = now or timezone.now()
        row.save(update_fields=["revoked_at"])
        record_audit(action="provider.token_revoked", actor=actor, programme=row.programme, obj=row)


def authenticate_token(token: str) -> ProviderApiToken | None:
    """The live token row for a bearer token, or ``None`` (unknown or revoked)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row: ProviderApiToken | None = (
        ProviderApiToken.objects.select_related("provider", "service_user", "programme")
        .filter(token_hash=_hash(token), revoked_at__isnull=True)
        .first()
    )
    if row is not None:
        ProviderApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row
