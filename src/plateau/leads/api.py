"""JSON API of leads (thin). Three doors:

* session-authenticated endpoints for provider users and staff (list, acknowledge, record an outcome);
  an ``Idempotency-Key`` header makes a retried POST return the first answer without acting twice;
* ``/api/leads/provider/…`` for a provider's own system with a bearer API token created in the portal
  (:mod:`plateau.leads.integrations`): the same actions, as the provider's service account;
* ``POST /api/leads/hooks/{provider_id}`` for a provider's own system, without a session, signed with the
  provider's webhook secret (``X-Plateau-Signature``, see :mod:`plateau.leads.webhooks`) and idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Literal

import pydantic
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import HttpBearer

from plateau.apitypes import Id, Slug, Text500
from plateau.directory.models import Provider
from plateau.errors import InvalidInput
from plateau.tenants.access import access_programme_by_slug, has_role
from plateau.tenants.models import STAFF_ROLES, Role, User

from . import services
from .access import leads_for_provider_user, leads_for_staff_api, may_read_health_details
from .errors import InvalidWebhookBody, InvalidWebhookSignature, LeadNotFound
from .integrations import authenticate_token
from .models import InboundWebhookKey, Lead, ProviderApiToken, WebhookEndpoint
from .notify import lead_payload
from .webhooks import refuse_seen_signature, remember_inbound, verify

router = Router(tags=["leads"])

Outcome = Literal["called_back", "agreed", "refused", "no_capacity"]
# What we store is "u<user id>:<key>" in 64 characters: the caller's key gets 48 printable ASCII characters.
_KEY = re.compile(r"^[\x21-\x7e]{1,48}$")


class OutcomeIn(Schema):
    outcome: Outcome
    service_date: dt.date | None = None
    note: Text500 = ""


class HookIn(Schema):
    lead: Id
    action: Literal["acknowledge", "called_back", "agreed", "refused", "no_capacity"]
    service_date: dt.date | None = None
    note: Text500 = ""


def _idempotency_key(request: HttpRequest, *, required: bool = False) -> str:
    key = request.headers.get("Idempotency-Key", "")
    if (key or required) and not _KEY.match(key):
        raise InvalidInput(
            _("En-tête Idempotency-Key obligatoire : 1 à 48 caractères ASCII visibles.")
            if required
            else _("En-tête Idempotency-Key invalide : 1 à 48 caractères ASCII visibles."),
            field="Idempotency-Key",
        )
    return key


def _act(lead: Lead, user: User, action: str, service_date: dt.date | None, note: str) -> dict[str, Any]:
    if action == "acknowledge":
        lead = services.acknowledge(lead, actor=user)
    else:
        lead = services.record_outcome(lead, actor=user, outcome=action, service_date=service_date, note=note)
    return lead_payload(lead)


def _idempotent(request: HttpRequest, lead: Lead, user: User, action: str, data: OutcomeIn | None) -> dict[str, Any]:
    key = _idempotency_key(request)
    if key and lead.provider_id is not None:
        seen = remember_inbound(lead.programme_id, lead.provider_id, f"u{user.pk}:{key}", {})
        if seen is not None:
            return seen
    try:
        result = _act(lead, user, action, data.service_date if data else None, data.note if data else "")
    except Exception:
        # A refused call may be retried with the same key: forget it.
        if key and lead.provider_id is not None:
            InboundWebhookKey.objects.filter(provider_id=lead.provider_id, key=f"u{user.pk}:{key}").delete()
        raise
    if key and lead.provider_id is not None:
        InboundWebhookKey.objects.filter(provider_id=lead.provider_id, key=f"u{user.pk}:{key}").update(response=result)
    return result


@router.get("/programmes/{slug}")
def list_leads(request: HttpRequest, slug: Slug) -> list[dict[str, Any]]:
    """Supervisors and managers: the programme's leads; an advisor: the leads they forwarded; a provider user:
    their provider's. Health details only to the provider the lead was sent to (it delivers the service)."""
    programme = access_programme_by_slug(request.user, slug)
    if has_role(request.user, programme, STAFF_ROLES):
        qs = leads_for_staff_api(request.user, programme)
    else:
        qs = leads_for_provider_user(request.user, programme)
    leads = list(qs.order_by("-created_at")[:500])
    readers = may_read_health_details(request.user, programme, leads)
    return [lead_payload(lead, health=lead.pk in readers) for lead in leads]


@router.post("/programmes/{slug}/{lead_id}/acknowledge")
def acknowledge(request: HttpRequest, slug: Slug, lead_id: Id) -> dict[str, Any]:
    programme = access_programme_by_slug(request.user, slug, [Role.PROVIDER_USER])
    lead = services.access_lead_to_act(request.user, programme, lead_id, via="api")  # type: ignore[arg-type]
    return _idempotent(request, lead, request.user, "acknowledge", None)  # type: ignore[arg-type]


@router.post("/programmes/{slug}/{lead_id}/outcome")
def outcome(request: HttpRequest, slug: Slug, lead_id: Id, data: OutcomeIn) -> dict[str, Any]:
    programme = access_programme_by_slug(request.user, slug, [Role.PROVIDER_USER])
    lead = services.access_lead_to_act(request.user, programme, lead_id, via="api")  # type: ignore[arg-type]
    return _idempotent(request, lead, request.user, data.outcome, data)  # type: ignore[arg-type]


class ProviderToken(HttpBearer):
    """``Authorization: Bearer plt_…``: a live token of a provider; the request acts as its service account."""

    def authenticate(self, request: HttpRequest, token: str) -> ProviderApiToken | None:
        row = authenticate_token(token)
        if row is not None:
            request.user = row.service_user
        return row


def _token(request: HttpRequest) -> ProviderApiToken:
    row: ProviderApiToken = request.auth  # type: ignore[attr-defined]
    return row


@router.get("/provider/leads", auth=ProviderToken())
def provider_leads(request: HttpRequest) -> list[dict[str, Any]]:
    """The leads currently sent to the token's provider."""
    row = _token(request)
    qs = leads_for_provider_user(row.service_user, row.programme).filter(provider=row.provider)
    return [lead_payload(lead) for lead in qs[:500]]


@router.post("/provider/leads/{lead_id}/acknowledge", auth=ProviderToken())
def provider_acknowledge(request: HttpRequest, lead_id: Id) -> dict[str, Any]:
    row = _token(request)
    lead = services.access_lead_to_act(row.service_user, row.programme, lead_id, via="api_token")
    return _idempotent(request, lead, row.service_user, "acknowledge", None)


@router.post("/provider/leads/{lead_id}/outcome", auth=ProviderToken())
def provider_outcome(request: HttpRequest, lead_id: Id, data: OutcomeIn) -> dict[str, Any]:
    row = _token(request)
    lead = services.access_lead_to_act(row.service_user, row.programme, lead_id, via="api_token")
    return _idempotent(request, lead, row.service_user, data.outcome, data)


def _hook_body(body: bytes) -> HookIn:
    try:
        return HookIn.model_validate(json.loads(body))
    except (ValueError, pydantic.ValidationError) as exc:  # JSONDecodeError and UnicodeDecodeError too
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'corps'} : {e['msg']}"
            for e in (exc.errors() if isinstance(exc, pydantic.ValidationError) else [])
        )
        expected = _("Corps invalide : un objet JSON {lead, action, service_date, note} est attendu")
        raise InvalidWebhookBody(expected + (f" ({detail})." if detail else ".")) from None


@router.post("/hooks/{provider_id}", auth=None)
def provider_hook(request: HttpRequest, provider_id: Id) -> dict[str, Any]:
    """A provider's system reports an action, signed with one of its endpoints' inbound secrets over
    (provider, Idempotency-Key, time, body). A signature is used once; a replayed key answers the first result.
    The body is validated before the key is stored, so a malformed call can be corrected and sent again."""
    provider = Provider.objects.filter(pk=provider_id).first()
    secrets = list(
        WebhookEndpoint.objects.filter(provider_id=provider_id, is_active=True).values_list("inbound_secret", flat=True)
    )
    if provider is None or not secrets:
        raise InvalidWebhookSignature()
    key = _idempotency_key(request, required=True)
    mac = verify(
        secrets, request.body, request.headers.get("X-Plateau-Signature", ""), provider_id=provider.pk, key=key
    )
    refuse_seen_signature(provider.programme_id, provider.pk, mac)
    data = _hook_body(request.body)
    seen = remember_inbound(provider.programme_id, provider.pk, key, {})
    if seen is not None:
        return {**seen, "replay": True}
    lead = Lead.objects.filter(pk=data.lead, programme_id=provider.programme_id).first()
    link = provider.users.select_related("user").first()
    if lead is None or link is None:
        InboundWebhookKey.objects.filter(provider_id=provider.pk, key=key).delete()
        raise LeadNotFound()
    try:
        result = _act(lead, link.user, data.action, data.service_date, data.note)
    except Exception:
        InboundWebhookKey.objects.filter(provider_id=provider.pk, key=key).delete()
        raise

    InboundWebhookKey.objects.filter(provider_id=provider.pk, key=key).update(response=result)
    return result
