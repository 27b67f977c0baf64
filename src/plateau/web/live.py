"""The live ACD pages: the advisor's routing panel (SSE), the supervisor wallboard (SSE), the day report.

Server-Sent Events views are async (ASGI): they never touch the ORM once streaming, they only relay the
router's bus (in-process or Redis pub/sub). Actions are plain form posts answered by a redirect.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plateau import capabilities
from plateau.calls import services as call_services
from plateau.contacts.models import Channel
from plateau.domain.errors import DomainError
from plateau.domain.routing import events as ev
from plateau.errors import NotFound, PermissionDenied, PlateauError
from plateau.leads import escalation
from plateau.routing import services as routing_services
from plateau.routing.configuration import queue_id
from plateau.routing.models import PauseReason, Queue
from plateau.routing.report import day_report, to_csv
from plateau.routing.wallboard import wallboard
from plateau.services.router.bus import RoutingMessage
from plateau.services.router.client import RouterClient, RouterUnavailableError, new_id
from plateau.services.router.runtime import bus
from plateau.services.sip.events import HOLD_REQUESTED, RECORDING_REQUESTED
from plateau.tenants.access import access_programme_by_slug, programmes_for
from plateau.tenants.models import STAFF_ROLES, SUPERVISING_ROLES, Programme, Role

CHANNELS = {"call": "call", "callback": "callback", "letter": "letter", "email": "email", "webform": "web"}
STALE_AFTER_S = 10.0


def routing_context(programme: Programme, username: str) -> dict[str, Any]:
    """What the desk's routing panel needs when the page is rendered."""
    status = bus().latest_status()
    me = (status or {}).get("advisors", {}).get(username)
    return {
        "routing_state": me,
        "routing_up": status is not None and time.time() - status["at"] < STALE_AFTER_S,
        "pause_reasons": PauseReason.objects.for_programme(programme).order_by("label"),
        "work_queues": Queue.objects.for_programme(programme).exclude(channel="call").order_by("label"),
    }


def _send(request: HttpRequest, event: ev.RoutingEvent) -> list[dict[str, Any]] | None:
    try:
        decisions = RouterClient().submit(event)
    except RouterUnavailableError:
        messages.error(request, _("Le service de distribution ne répond pas. Réessayez dans un instant."))
        return None
    for d in decisions:
        if d["type"] == "Rejected":
            messages.error(request, d["message"])
            return None
    return decisions


@login_required
@require_POST
def desk_action(request: HttpRequest, slug: str) -> HttpResponse:
    """Log in/out of routing, pause with a reason, resume, accept/decline an offer, end wrap-up.

    A routed contact is finished by its wrap-up form (:func:`plateau.web.desk.wrap_up`), nowhere else.
    """
    programme = access_programme_by_slug(request.user, slug, [Role.ADVISOR])
    me = request.user.get_username()
    action = request.POST.get("action", "")
    p = request.POST
    desk_url = reverse("web:desk", args=[slug])
    if action == "record":
        return _request_recording(request, programme, p.get("contact_id", ""), desk_url)
    if action in ("hold", "resume"):
        return _request_hold(request, programme, p.get("contact_id", ""), action == "hold", desk_url)
    events: dict[str, ev.RoutingEvent] = {
        "login": ev.AdvisorLoggedIn(new_id(), 0, me),
        "logout": ev.AdvisorLoggedOut(new_id(), 0, me),
        "pause": ev.AdvisorPaused(new_id(), 0, me, p.get("reason", "")),
        "resume": ev.AdvisorResumed(new_id(), 0, me),
        "accept": ev.OfferAccepted(new_id(), 0, p.get("offer_id", ""), me),
        "decline": ev.OfferDeclined(new_id(), 0, p.get("offer_id", ""), me),
        "end_wrap_up": ev.WrapUpEnded(new_id(), 0, me),
    }
    if action not in events:
        messages.error(request, _("Action inconnue."))
        return redirect(desk_url)
    decisions = _send(request, events[action])
    if decisions is None or action != "accept":
        return redirect(desk_url)
    answered = next((d for d in decisions if d["type"] == "ContactAnswered"), None)
    if answered is None:
        return redirect(desk_url)
    # The work opens in the programme that owns its queue, whatever desk the advisor accepted it on (a shared
    # team serves several programmes from any of their desks).
    return open_accepted(request, answered, p, desk_url)


def open_accepted(request: HttpRequest, answered: dict[str, Any], p: Any, desk_url: str) -> HttpResponse:
    """Open what the advisor just accepted: an escalated lead's page, or a new desk contact, in its owner."""
    me = request.user.get_username()
    routing_id = answered["contact_id"]
    try:
        owner_slug, _dot, code = answered["queue_id"].partition(".")
        # Any staff role: the router only offered what the person's routing profile in that programme serves.
        owner = access_programme_by_slug(request.user, owner_slug, STAFF_ROLES)
        queue = Queue.objects.for_programme(owner).filter(code=code).first()
        if queue is not None and queue.channel == "lead":
            return _open_lead(request, owner, routing_id, desk_url)
        channel = CHANNELS.get(p.get("channel", "call"), "call")
        if queue is not None and queue.channel in ("letter", "email", "webform"):
            channel = CHANNELS[queue.channel]
        contact = routing_services.open_routed_contact(
            programme=owner,
            advisor=request.user,  # type: ignore[arg-type]
            routing_id=routing_id,
            channel=channel,
            phone=p.get("caller", ""),
            correspondent=p.get("correspondent", ""),
        )
    except (PlateauError, DomainError) as exc:
        # No desk contact to wrap up: release the work item, or the advisor would stay busy in the router.
        with contextlib.suppress(PlateauError):  # router down: it keeps the contact; the desk lists it to finish
            routing_services.finish_routed_work(routing_id, me)
        messages.error(
            request,
            _("Le contact n'a pas pu être ouvert (%(reason)s). Saisissez-le depuis « Nouveau contact ».")
            % {"reason": exc.message},
        )
        return redirect(desk_url)
    if contact.channel == "call":  # the call's detail record (stored by the SIP gateway) points at this contact
        call_services.link_contact(contact, routing_id)
    return redirect(reverse("web:contact", args=[owner.slug, contact.pk]))


def _open_lead(request: HttpRequest, owner: Programme, routing_id: str, desk_url: str) -> HttpResponse:
    """An escalated lead: open it (call the client, re-dispatch); no new contact is started. A lead closed since
    it was routed is finished in the router at once: there is nothing left to do."""
    lead = escalation.lead_for_work_item(owner, routing_id)
    if lead is not None and escalation.needs_follow_up(lead):
        return redirect(reverse("leads:work_item", args=[owner.slug, lead.pk]))
    with contextlib.suppress(PlateauError):
        routing_services.finish_routed_work(routing_id, request.user.get_username())
    messages.info(request, _("Cette demande est déjà traitée ou close : rien à faire, vous êtes libéré."))
    return redirect(desk_url)


def _request_recording(request: HttpRequest, programme: Programme, contact_id: str, desk_url: str) -> HttpResponse:
    """Recording on demand: the SIP gateway announces it to the caller, then records both directions."""
    me = request.user.get_username()
    call_services.request_recording(programme, request.user, contact_id)  # type: ignore[arg-type]
    message = RoutingMessage(RECORDING_REQUESTED, {"contact_id": contact_id}, (programme.slug,), me)
    try:
        bus().publish([message])
    except Exception:  # Redis down: nothing was started
        messages.error(request, _("L'enregistrement n'a pas pu être demandé. Réessayez dans un instant."))
    else:
        messages.success(request, _("Enregistrement demandé : l'appelant en est informé avant qu'il commence."))
    return redirect(desk_url)


def _request_hold(
    request: HttpRequest, programme: Programme, contact_id: str, hold: bool, desk_url: str
) -> HttpResponse:  # fmt: skip
    """Hold or resume the advisor's call: the SIP gateway re-INVITEs the phone, the caller hears the music."""
    me = request.user.get_username()
    call_services.request_hold(programme, request.user, contact_id, hold=hold)  # type: ignore[arg-type]
    message = RoutingMessage(HOLD_REQUESTED, {"contact_id": contact_id, "hold": hold}, (programme.slug,), me)
    try:
        bus().publish([message])
    except Exception:  # Redis down: the call goes on as it was
        messages.error(request, _("La mise en garde n'a pas pu être demandée. Réessayez dans un instant."))
    else:
        messages.success(request, _("Appel mis en garde.") if hold else _("Appel repris."))
    return redirect(desk_url)


@login_required
@require_POST
def new_work_item(request: HttpRequest, slug: str) -> HttpResponse:
    """A letter or an e-mail received: it becomes a routed contact of the chosen (non-call) queue."""
    programme = access_programme_by_slug(request.user, slug, [Role.ADVISOR, *SUPERVISING_ROLES])
    queue = Queue.objects.for_programme(programme).filter(pk=request.POST.get("queue") or 0).first()
    if queue is None:
        messages.error(request, _("Choisissez une file."))
        return redirect(reverse("web:desk", args=[slug]))
    correspondent = request.POST.get("correspondent", "").strip()
    try:
        RouterClient().enqueue(f"{programme.slug}.{queue.code}", attributes={"correspondent": correspondent})
    except RouterUnavailableError:
        messages.error(request, _("Le service de distribution ne répond pas. Réessayez dans un instant."))
    else:
        messages.success(
            request,
            _("Contact mis dans la file « %(label)s » : il sera proposé à un conseiller.") % {"label": queue.label},
        )
    return redirect(reverse("web:desk", args=[slug]))


def _sse(kind: str, data: Any) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def _authorised(request: HttpRequest, slug: str, roles: Any) -> tuple[Any, list[str]] | None:
    user = await request.auser()
    if not user.is_authenticated:
        return None
    try:
        if slug:
            programme = await sync_to_async(access_programme_by_slug)(user, slug, roles)
            return user, [programme.slug]
        slugs = await sync_to_async(lambda: sorted(programmes_for(user, roles).values_list("slug", flat=True)))()
        return (user, slugs) if slugs else None
    except (NotFound, PermissionDenied):
        return None


async def _bounded(gen: AsyncIterator[str], seconds: float) -> AsyncIterator[str]:
    """End the stream after ``seconds``: the browser's EventSource reconnects (``retry:``) and the server never
    keeps a stream whose client vanished without a failed write (a quiet bus, a WSGI test server) forever."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    it = gen.__aiter__()
    try:
        while (remaining := deadline - loop.time()) > 0:
            try:
                item = await asyncio.wait_for(it.__anext__(), remaining)
            except (StopAsyncIteration, TimeoutError):
                return
            yield item
    finally:
        aclose = getattr(it, "aclose", None)
        if aclose is not None:
            await aclose()


def _stream(gen: AsyncIterator[str]) -> StreamingHttpResponse:
    seconds = float(getattr(settings, "PLATEAU_SSE_MAX_SECONDS", 300))
    response = StreamingHttpResponse(_bounded(gen, seconds), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def desk_stream(request: HttpRequest, slug: str) -> HttpResponseBase:
    """SSE for one advisor: offers (with caller information), withdrawals, their state, wrap-up timer."""
    auth = await _authorised(request, slug, [Role.ADVISOR])
    if auth is None:
        return HttpResponse(status=403)
    me = auth[0].get_username()
    source = bus()

    async def events() -> AsyncIterator[str]:
        yield "retry: 2000\n\n"
        status = await asyncio.to_thread(source.latest_status)
        if status is not None:
            yield _sse("state", status["advisors"].get(me))
        async for m in source.subscribe():
            if m.kind == "status":
                yield _sse("state", m.data["advisors"].get(me))
            elif m.advisor_id == me:
                yield _sse(m.kind, {**m.data, **m.extra})

    return _stream(events())


async def wallboard_stream(request: HttpRequest, slug: str = "") -> HttpResponseBase:
    auth = await _authorised(request, slug, SUPERVISING_ROLES)
    if auth is None:
        return HttpResponse(status=403)
    slugs = auth[1]
    source = bus()

    async def events() -> AsyncIterator[str]:
        yield "retry: 2000\n\n"
        held: dict[str, int] = {}  # programme -> its calls on hold, from the gateway's last hold event
        async for m in source.subscribe():
            if m.kind in ("CallHeld", "CallResumed") and m.data.get("programme") in slugs:
                held[m.data["programme"]] = int(m.data.get("on_hold", 0))
            elif m.kind == "status":
                yield _sse("wallboard", wallboard(m.data, slugs, sum(held.values()) if held else None))

    return _stream(events())


@login_required
def wallboard_page(request: HttpRequest, slug: str = "") -> HttpResponse:
    """Per programme (``slug``) or overall (every programme the user supervises)."""
    if slug:
        programmes = [access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)]
    else:
        programmes = list(programmes_for(request.user, SUPERVISING_ROLES).order_by("name"))
        if not programmes:
            raise NotFound()
    slugs = [p.slug for p in programmes]
    board = wallboard(bus().latest_status(), slugs)
    names = {queue_id(p, q.code): q.label for p in programmes for q in Queue.objects.for_programme(p)}
    for q in board["queues"]:
        q["name"] = names.get(q["queue_id"])  # people read the queue's label, not its routing id
    title = programmes[0].name if slug else _("Tous mes programmes")
    return render(
        request,
        "web/wallboard.html",
        {
            "board": board,
            "queue_names": names,
            "channel_labels": {c.value: str(c.label) for c in Channel},
            "programmes": programmes,
            "slug": slug,
            "stream_url": reverse("web:wallboard_stream", args=[slug]) if slug else reverse("web:wallboard_all_stream"),
            "title": _("Tableau mural — %(name)s") % {"name": title},
        },
    )


@login_required
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """KPIs of one day per 15/30-minute interval, recomputed from the journal; ``?format=csv`` exports."""
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    try:
        day = dt.date.fromisoformat(request.GET.get("jour", ""))
    except ValueError:
        day = timezone.localdate()
    interval = 15 if request.GET.get("intervalle") == "15" else 30
    rows = day_report(programme.slug, day, interval)
    if request.GET.get("format") == "csv":
        response = HttpResponse(to_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{programme.slug}-{day}-{interval}min.csv"'
        return response
    from plateau.calls.costs import blocked_calls, caller_costs
    from plateau.contacts.access import wrap_up_summary
    from plateau.domain.routing.kpis import KPIS

    shown = [{"interval": r["interval"], "values": [_fmt(r[k.key], k.unit) for k in KPIS]} for r in rows]
    return render(
        request,
        "web/report.html",
        {
            "programme": programme,
            "day": day,
            "interval": interval,
            "rows": shown,
            "kpis": KPIS,
            "caller_costs": caller_costs(programme, day),
            # Contacts closed with a code excluded from the service indicators, apart (docs/contacts.md).
            "summary": wrap_up_summary(programme, day),
            "blocked_calls": blocked_calls(programme, day),
            # What the programme's capabilities add (e.g. « Suivi des mises en relation »).
            "sections": capabilities.report_sections_for(request, programme),
            "title": _("Rapport du %(day)s — %(name)s") % {"day": day.strftime("%d/%m/%Y"), "name": programme.name},
        },
    )


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if unit == "%" else f"{value:.0f}"


def status(request: HttpRequest) -> JsonResponse:
    """Health: is the router alive (status published recently), and its journal position."""
    st = bus().latest_status()
    age = None if st is None else round(time.time() - st["at"], 1)
    ok = age is not None and age < STALE_AFTER_S
    body = {"web": "ok", "router": "ok" if ok else "down", "router_status_age_s": age}
    if st is not None:
        body |= {"journal_seq": st["seq"], "events_processed": st["processed"], "queues": len(st["queues"])}
    return JsonResponse(body, status=200 if ok else 503)
