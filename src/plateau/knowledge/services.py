"""Writes of the knowledge base: lock, check, change, audit, notify."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plateau.contacts.models import Contact
from plateau.domain.knowledge.text import token_text, words
from plateau.errors import Conflict, InvalidInput
from plateau.events import publish_on_commit
from plateau.tenants.errors import require_capability
from plateau.tenants.models import Programme, User
from plateau.tenants.services import record_audit

from .capability import KNOWLEDGE
from .errors import EmptyQuestion, InvalidSynonym, SheetNotFound
from .events import AnswerRecorded, KnowledgeGapReported
from .models import AnswerGiven, KnowledgeGap, OfficialSheet, Synonym

MAX_QUESTION = 300


def record_answer(
    contact: Contact, *, actor: User, sheet_id: str, query: str = "", rank: int | None = None
) -> AnswerGiven:
    """Record that ``sheet_id`` answered this contact (once per contact and sheet; audited)."""
    require_capability(contact.programme, KNOWLEDGE)
    with transaction.atomic():
        Contact.objects.select_for_update().filter(pk=contact.pk).first()
        sheet = OfficialSheet.objects.filter(sheet_id=sheet_id).first()
        if sheet is None:
            raise SheetNotFound(field="sheet")
        existing = AnswerGiven.objects.filter(contact=contact, sheet=sheet).first()
        if existing is not None:
            return existing  # type: ignore[no-any-return]
        answer = AnswerGiven.objects.create(
            programme=contact.programme,
            contact=contact,
            sheet=sheet,
            advisor=actor,
            query=query.strip()[:MAX_QUESTION],
            rank=rank if rank is not None and 0 < rank < 1000 else None,
        )
        record_audit(
            action="knowledge.answer_recorded",
            actor=actor,
            programme=contact.programme,
            obj=contact,
            sheet=sheet.sheet_id,
            sheet_modified_on=sheet.modified_on.isoformat() if sheet.modified_on else None,
            query=answer.query,
        )
        publish_on_commit(AnswerRecorded(contact.programme_id, contact.pk, sheet.sheet_id))
    return answer


def report_gap(
    programme: Programme, *, actor: User, query: str, contact: Contact | None = None, subject: str = ""
) -> KnowledgeGap:
    """« Pas trouvé »: the question goes to the editors' gap list."""
    require_capability(programme, KNOWLEDGE)
    text = " ".join(query.split())[:MAX_QUESTION]
    if not words(text):
        raise EmptyQuestion(field="q")
    with transaction.atomic():
        gap = KnowledgeGap.objects.create(
            programme=programme,
            contact=contact,
            advisor=actor,
            query=text,
            normalised=token_text(text)[:MAX_QUESTION],
            subject=subject[:200],
        )
        record_audit(action="knowledge.gap_reported", actor=actor, programme=programme, obj=gap, query=text)
        publish_on_commit(KnowledgeGapReported(programme.pk, contact.pk if contact else None, text))
    return gap


def set_synonym(programme: Programme, *, actor: User, term: str, expansion: str) -> Synonym:
    """Add or change the programme's synonym of ``term`` (an empty expansion switches a default off)."""
    require_capability(programme, KNOWLEDGE)
    term = " ".join(term.split()).lower()[:120]
    expansion = " ".join(expansion.split())[:300]
    if not words(term):
        raise InvalidSynonym("Saisissez le mot ou l'expression de l'appelant.", field="term")
    with transaction.atomic():
        try:
            synonym, created = Synonym.objects.update_or_create(
                programme=programme, term=term, defaults={"expansion": expansion, "updated_by": actor}
            )
        except IntegrityError as exc:  # two supervisors saving the same new term at once
            raise InvalidSynonym("Ce synonyme vient d'être enregistré par quelqu'un d'autre.", field="term") from exc
        record_audit(
            action="knowledge.synonym_set",
            actor=actor,
            programme=programme,
            obj=synonym,
            term=term,
            expansion=expansion,
            created=created,
        )
    return synonym


def delete_synonym(programme: Programme, *, actor: User, term: str) -> bool:
    """Remove the programme's own synonym of ``term`` (a default comes back)."""
    require_capability(programme, KNOWLEDGE)
    with transaction.atomic():
        deleted, _ = Synonym.objects.for_programme(programme).filter(term=term).delete()
        if deleted:
            record_audit(action="knowledge.synonym_deleted", actor=actor, programme=programme, term=term)
    return bool(deleted)


def _masked(address: str) -> str:
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def email_answer(answer: AnswerGiven, *, actor: User, address: str, consent: bool) -> AnswerGiven:
    """Send the sheet's title, summary and link to the caller, with their consent (recorded, audited; the
    address is used for this message only and kept masked in the audit)."""
    require_capability(answer.programme, KNOWLEDGE)
    if not consent:
        raise InvalidInput(_("Cochez le consentement de l'appelant avant l'envoi."), field="consent")
    address = address.strip()
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidInput(_("Adresse électronique invalide."), field="address") from None
    sheet = answer.sheet
    body = "\n\n".join(
        [
            sheet.title,
            sheet.description,
            _("La fiche officielle : %(url)s") % {"url": sheet.url},
            _("Information donnée par %(programme)s le %(date)s.")
            % {"programme": answer.programme.name, "date": timezone.localdate().strftime("%d/%m/%Y")},
        ]
    )
    sender = getattr(settings, "DEFAULT_FROM_EMAIL", "plateau@localhost")
    try:
        send_mail(_("Votre démarche : %(title)s") % {"title": sheet.title}, body, sender, [address])
    except OSError as exc:
        raise Conflict(_("Le courriel n'a pas pu partir : réessayez plus tard.")) from exc
    with transaction.atomic():
        answer.emailed_at = timezone.now()
        answer.save(update_fields=["emailed_at"])
        record_audit(
            action="knowledge.answer_emailed",
            actor=actor,
            programme=answer.programme,
            obj=answer.contact,
            sheet=sheet.sheet_id,
            address=_masked(address),
            consent=True,
        )
    return answer
