"""Voice-menu editor of a programme (platform admins and the programme's managers): the flow as JSON with
live validation (htmx), its tree and opening hours, save as draft, publish, and recorded prompts."""

from __future__ import annotations

import json
import logging
import struct
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from plateau.domain.ivr import FlowInvalid
from plateau.domain.ivr.flow import Hours
from plateau.domain.ivr.interpreter import is_open
from plateau.ivr import access, services
from plateau.ivr.errors import DraftChanged, NoDraft, PromptRefused
from plateau.ivr.preview import DAYS, TYPES, flow_tree, hours_views, unlinked, week_ranges
from plateau.ivr.steps import KINDS, StepRefused, add_step
from plateau.ivr.validation import BUILTIN_PROMPTS, call_queues, check_flow, parse_flow_json
from plateau.tenants.models import Programme, User
from plateau.ui.forms import DsfrBaseForm

log = logging.getLogger(__name__)
STARTER = {"start": "menu", "nodes": {
    "menu": {"type": "menu", "prompt": "welcome", "options": {"1": "file"}, "timeout_s": 6, "retries": 2,
             "invalid_prompt": "invalid", "no_input_prompt": "no_input", "fallback": "fin"},
    "file": {"type": "queue", "queue": "appels"},
    "fin": {"type": "hangup", "prompt": "goodbye"}}}  # fmt: skip


class PromptForm(DsfrBaseForm):
    name = forms.SlugField(label=_l("Nom du message"), max_length=64, help_text=_l("Par exemple « welcome »."))
    audio = forms.FileField(label=_l("Enregistrement WAV"), help_text=_l("De 0,3 à 120 s (musique : 600 s)."))


def _check(programme: Programme, text: str) -> dict[str, Any]:
    data, reasons = parse_flow_json(text)
    hours = hours_views(data, timezone.localdate())
    if not reasons:
        try:
            flow = check_flow(programme, data)
            now = timezone.now()
            for view in hours:
                node = flow.nodes[view.name]
                view.open_now = is_open(node, now) if isinstance(node, Hours) else None
        except FlowInvalid as exc:
            reasons = exc.reasons
        except Exception:  # a stored flow broken in a way check_flow does not foresee must still open, with a reason
            log.exception("voice menu of %s could not be checked", programme.slug)
            reasons = [_("Ce parcours n'a pas pu être vérifié : corrigez-le ou repartez d'un modèle.")]
    tree = flow_tree(data)
    return {"reasons": reasons, "tree": tree, "unlinked": unlinked(data, tree), "hours": hours}


def _context(programme: Programme, text: str | None = None, **extra: Any) -> dict[str, Any]:
    draft, published = access.draft_of(programme), access.published_of(programme)
    current, hours = draft or published, programme.opening_hours or {}
    extra.setdefault("based_on", access.draft_token(draft))
    if text is None:
        text = json.dumps(current.data if current else STARTER, ensure_ascii=False, indent=2)
    return {
        "programme": programme, "title": _("Menu vocal"), "text": text, "draft": draft, "published": published,
        "history": access.history_of(programme), "prompts": access.prompts_of(programme),
        "builtin_prompts": sorted(BUILTIN_PROMPTS), "queues": call_queues(programme), "prompt_form": PromptForm(),
        "opening_hours": [(label, week_ranges(hours.get(day))) for day, label in DAYS.items()],
        "step_kinds": [(kind, TYPES[kind]) for kind in KINDS],
        **_check(programme, text), **extra,
    }  # fmt: skip


def _page(request: HttpRequest, programme: Programme, text: str | None = None, **extra: Any) -> HttpResponse:
    context = _context(programme, text, **extra)
    status = 409 if extra.get("draft_changed") else 400 if extra.get("refused") else 200
    return render(request, "ivr/editor.html", context, status=status)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    rows = [(p, access.published_of(p), access.draft_of(p)) for p in access.editable_programmes(request.user)]
    return render(request, "ivr/index.html", {"rows": rows, "title": _("Menus vocaux")})


@login_required
def editor(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.access_ivr_programme(request.user, slug)
    if request.method != "POST":
        return _page(request, programme)
    text = request.POST.get("flow", "")
    data, reasons = parse_flow_json(text)
    if reasons:
        return _page(request, programme, text, refused=True)
    based_on = request.POST.get("based_on") or None
    try:
        flow = services.save_flow_draft(actor=cast(User, request.user), programme=programme, data=data,
                                        based_on=based_on)  # fmt: skip
    except FlowInvalid:
        return _page(request, programme, text, refused=True, based_on=based_on)
    except DraftChanged as exc:
        return _page(request, programme, text, refused=True, based_on=based_on, draft_changed=str(exc.message))
    messages.success(request, _("Brouillon enregistré (version %(v)s). Publiez-le pour le mettre en ligne.")
                     % {"v": flow.version})  # fmt: skip
    return redirect("ivr:editor", slug=programme.slug)


@login_required
@require_POST
def validate(request: HttpRequest, slug: str) -> HttpResponse:
    """htmx: the reasons, tree and hours of the flow being typed (nothing saved)."""
    programme = access.access_ivr_programme(request.user, slug)
    return render(
        request, "ivr/_check.html", {"programme": programme, **_check(programme, request.POST.get("flow", ""))}
    )


@login_required
@require_POST
def add_step_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Insert a step template into the flow being edited (nothing saved); htmx swaps the editor."""
    programme = access.access_ivr_programme(request.user, slug)
    text, kind, name = request.POST.get("flow", ""), request.POST.get("kind", ""), request.POST.get("step_name", "")
    extra: dict[str, Any] = {"chosen_kind": kind, "based_on": request.POST.get("based_on") or "none"}
    data, reasons = parse_flow_json(text)
    try:
        if reasons:
            raise StepRefused(_("corrigez d'abord le JSON pour y ajouter une étape"))
        data = add_step(data, name.strip(), kind, programme.opening_hours or {}, call_queues(programme))
        text = json.dumps(data, ensure_ascii=False, indent=2)
    except StepRefused as exc:
        extra.update(step_error=str(exc), step_name=name)
    context = _context(programme, text, **extra)
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "ivr/_editor.html" if partial else "ivr/editor.html", context)


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.access_ivr_programme(request.user, slug)
    try:
        flow = services.publish_flow(actor=cast(User, request.user), programme=programme)
    except (NoDraft, FlowInvalid) as exc:
        messages.error(request, str(exc.message))
        return redirect("ivr:editor", slug=programme.slug)
    messages.success(request, _("Version %(v)s publiée : elle répond aux prochains appels.") % {"v": flow.version})
    return redirect("ivr:editor", slug=programme.slug)


@login_required
def listen_prompt(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """A recorded prompt as callers hear it: the stored A-law bytes in a WAV container (format 6, 8 kHz mono)."""
    programme = access.access_ivr_programme(request.user, slug)
    audio = bytes(access.access_recorded_prompt(programme, name).alaw)
    fmt = struct.pack("<HHIIHH", 6, 1, 8000, 8000, 1, 8)
    body = b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(audio)) + b"WAVE"
    body += b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(audio)) + audio
    return HttpResponse(body, content_type="audio/wav")


@login_required
@require_POST
def record_prompt(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.access_ivr_programme(request.user, slug)
    form = PromptForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["audio"]
        try:
            prompt = services.record_prompt(actor=cast(User, request.user), programme=programme,
                                            name=form.cleaned_data["name"], content=upload.read(),
                                            filename=upload.name or "")  # fmt: skip
        except PromptRefused as exc:
            form.add_error("audio" if exc.details.get("field") != "name" else "name", str(exc.message))
        else:
            messages.success(request, _("Message « %(n)s » enregistré (%(s).1f s).")
                             % {"n": prompt.name, "s": prompt.duration_ms / 1000})  # fmt: skip
            return redirect("ivr:editor", slug=programme.slug)
    return _page(request, programme, prompt_form=form, refused=True)
