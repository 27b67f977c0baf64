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
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import HttpBearer

from plateau.directory.models import Provider
from plateau.errors import InvalidInput
from plateau.tenants.access import access_programme_by_slug, has_role
from plateau.tenants.models import STAFF_ROLES, Role, User

from . import services
from .access import leads_for_provider_user, leads_for_staff
from .errors import InvalidWebhookSignature, LeadNotFound
from .integrations import authenticate_token
from .models import InboundWebhookKey, Lead, ProviderApiToken, WebhookEndpoint
from .notify import lead_payload
from .webhooks import remember_inbound, verify

router = Router(tags=["leads"])


class OutcomeIn(Schema):
    outcome: str
    service_date: dt.date | None = None
    note: str = ""


class HookIn(Schema):
    lead: int
    action: str  # acknowledge | called_back | agreed | refused | no_capacity
    service_date: dt.date | None = None
    note: str = ""


def _act(lead: Lead, user: User, action: str, service_date: dt.date | None, note: str) -> dict[str, Any]:
    if action == "acknowledge":
        lead = services.acknowledge(lead, actor=user)
    else:
        lead = services.record_outcome(lead, actor=user, outcome=action, service_date=service_date, note=note)
    return lead_payload(lead)


def _idempotent(request: HttpRequest, lead: Lead, user: User, action: str, data: OutcomeIn | None) -> dict[str, Any]:
    key = request.headers.get("Idempotency-Key", "")
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
def list_leads(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = access_programme_by_slug(request.user, slug)
    if has_role(request.user, programme, STAFF_ROLES):
        qs = leads_for_staff(request.user, programme)
    else:
        qs = leads_for_provider_user(request.user, programme)
    return [lead_payload(lead) for lead in qs.order_by("-created_at")[:500]]


@router.post("/programmes/{slug}/{lead_id}/acknowledge")
def acknowledge(request: HttpRequest, slug: str, lead_id: int) -> dict[str, Any]:
    programme = access_programme_by_slug(request.user, slug, [Role.PROVIDER_USER])
    lead = services.access_lead_to_act(request.user, programme, lead_id, via="api")  # type: ignore[arg-type]
    return _idempotent(request, lead, request.user, "acknowledge", None)  # type: ignore[arg-type]


@router.post("/programmes/{slug}/{lead_id}/outcome")
def outcome(request: HttpRequest, slug: str, lead_id: int, data: OutcomeIn) -> dict[str, Any]:
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
def provider_acknowledge(request: HttpRequest, lead_id: int) -> dict[str, Any]:
    row = _token(request)
    lead = services.access_lead_to_act(row.service_user, row.programme, lead_id, via="api_token")
    return _idempotent(request, lead, row.service_user, "acknowledge", None)


@router.post("/provider/leads/{lead_id}/outcome", auth=ProviderToken())
def provider_outcome(request: HttpRequest, lead_id: int, data: OutcomeIn) -> dict[str, Any]:
    row = _token(request)
    lead = services.access_lead_to_act(row.service_user, row.programme, lead_id, via="api_token")
    return _idempotent(request, lead, row.service_user, data.outcome, data)


@router.post("/hooks/{provider_id}", auth=None)
def provider_hook(request: HttpRequest, provider_id: int) -> dict[str, Any]:
    """A provider's system reports an action; signed, and a replayed ``Idempotency-Key`` is ignored."""
    provider = Provider.objects.filter(pk=provider_id).first()
    endpoint = WebhookEndpoint.objects.filter(provider_id=provider_id, is_active=True).first()
    if provider is None or endpoint is None:
        raise InvalidWebhookSignature()
    verify(endpoint.secret, request.body, request.headers.get("X-Plateau-Signature", ""))
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        raise InvalidInput("En-tête Idempotency-Key obligatoire.", field="Idempotency-Key")
    seen = remember_inbound(provider.programme_id, provider.pk, key, {})
    if seen is not None:
        return {**seen, "replay": True}
    data = HookIn(**json.loads(request.body))
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
