"""Writes of the eligibility app: lock, check, change, audit.

The benefits check calls API Particulier *outside* any database transaction (a slow answer must not hold a
lock), then records the consultation and the decision in one transaction. A service that does not answer
never loses the caller: the application is kept, with status "to re-check".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from plateau.domain.eligibility import rules
from plateau.domain.eligibility.identity import (
    IdentityPivot,
    application_number,
    check_territory,
    make_identity,
)
from plateau.geo.models import Commune
from plateau.tenants.access import has_role
from plateau.tenants.errors import require_capability
from plateau.tenants.models import SUPERVISING_ROLES, Programme, User
from plateau.tenants.services import record_audit

from . import connector as api
from .capability import ELIGIBILITY
from .errors import OverrideNeedsReason, OverrideNeedsSupervisor, WrongStatus
from .models import (
    RIGHT_OPEN,
    Applicant,
    Application,
    ApplicationCounter,
    ApplicationEvent,
    Channel,
    Consultation,
    Purpose,
    Status,
)


@dataclass(frozen=True)
class ApplicantInput:
    birth_name: str
    first_names: str
    birth_date: dt.date
    sex: str
    birth_commune_insee: str
    birth_country_code: str
    address_line: str
    postal_code: str
    commune: Commune
    usage_name: str = ""
    phone: str = ""
    email: str = ""
    navigo_number: str = ""


def identity_of(applicant: Applicant) -> IdentityPivot:
    return IdentityPivot(
        birth_name=applicant.birth_name,
        first_names=tuple(applicant.first_names.split()),
        birth_date=applicant.birth_date,
        sex=applicant.sex,
        birth_commune_insee=applicant.birth_commune_insee,
        birth_country_code=applicant.birth_country_code,
    )


def _next_number(today: dt.date) -> str:
    counter, _created = ApplicationCounter.objects.select_for_update().get_or_create(year=today.year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return application_number(today.year, counter.last)


def _move(application: Application, to: str, actor: User | None, note: str = "") -> None:
    ApplicationEvent.objects.create(
        programme_id=application.programme_id,
        application=application,
        actor=actor,
        from_status=application.status,
        to_status=to,
        note=note[:300],
    )
    application.status = to


def file_application(
    programme: Programme,
    actor: User,
    data: ApplicantInput,
    *,
    channel: str = Channel.PHONE,
    contact: Any = None,
    ass: bool | None = False,
    ame: bool | None = False,
) -> Application:
    """Find or create the applicant (same identity pivot in this programme) and open an application.

    The identity is validated as the API wants it, the residence must be in Île-de-France (by COG code: the
    commune was chosen, never guessed from its name); refusals raise a DomainError naming the field.
    """
    require_capability(programme, ELIGIBILITY)
    today = timezone.localdate()
    identity = make_identity(
        birth_name=data.birth_name,
        first_names=data.first_names,
        birth_date=data.birth_date,
        sex=data.sex,
        birth_commune_insee=data.birth_commune_insee,
        birth_country_code=data.birth_country_code,
        today=today,
    )
    check_territory(data.commune.insee_code)
    first_names = " ".join(identity.first_names)
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()  # one applicant per pivot
        applicant = (
            Applicant.objects.for_programme(programme)
            .filter(
                birth_name=identity.birth_name,
                first_names=first_names,
                birth_date=identity.birth_date,
                sex=identity.sex,
                birth_commune_insee=identity.birth_commune_insee,
                birth_country_code=identity.birth_country_code,
            )
            .first()
        )
        contact_fields = {
            "usage_name": data.usage_name.strip().upper(),
            "address_line": data.address_line.strip(),
            "postal_code": data.postal_code.strip(),
            "commune": data.commune,
            "commune_insee": data.commune.insee_code,
            "phone": data.phone.strip(),
            "email": data.email.strip(),
            "navigo_number": data.navigo_number.strip(),
        }
        if applicant is None:
            applicant = Applicant.objects.create(
                programme=programme,
                birth_name=identity.birth_name,
                first_names=first_names,
                birth_date=identity.birth_date,
                sex=identity.sex,
                birth_commune_insee=identity.birth_commune_insee,
                birth_country_code=identity.birth_country_code,
                created_by=actor,
                **contact_fields,
            )
            record_audit(action="eligibility.applicant_created", actor=actor, programme=programme, obj=applicant)
        else:  # the same person calling again: their address and details are brought up to date
            for field, value in contact_fields.items():
                setattr(applicant, field, value)
            applicant.save()
        application = Application.objects.create(
            programme=programme,
            number=_next_number(today),
            applicant=applicant,
            contact=contact,
            channel=channel,
            created_by=actor,
            ass_declared=ass,
            ame_declared=ame,
        )
        ApplicationEvent.objects.create(
            programme=programme, application=application, actor=actor, to_status=Status.RECEIVED
        )
        record_audit(
            action="eligibility.application_filed",
            actor=actor,
            programme=programme,
            obj=application,
            number=application.number,
            channel=channel,
        )
    return application


def _consult(
    client: api.ApiParticulierClient, identity: IdentityPivot, ceiling: int
) -> tuple[dict[str, Any], dict[str, bool | None], bool]:
    """Ask the three resources; returns the minimised results, the facts for the rules, and whether the
    service was unavailable for one of them."""
    results: dict[str, Any] = {}
    facts: dict[str, bool | None] = {rules.RSA: None, rules.UNDER_CEILING: None, rules.CSS_FREE: None}
    unavailable = False

    def attempt(resource: str, call: Any) -> Any:
        nonlocal unavailable
        try:
            return call()
        except api.ServiceUnavailable as exc:
            unavailable = True
            results[resource] = {"status": exc.kind, "reason": exc.reason, "code": exc.code}
        except api.ApiParticulierError as exc:
            results[resource] = {"status": exc.kind, "code": exc.code}
        return None

    if (rsa := attempt(api.RSA, lambda: client.rsa(identity))) is not None:
        facts[rules.RSA] = rsa.est_beneficiaire
        results[api.RSA] = {
            "status": "ok",
            "facts": {
                "est_beneficiaire": rsa.est_beneficiaire,
                "date_debut_droit": rsa.date_debut_droit.isoformat() if rsa.date_debut_droit else None,
            },
        }
    if (css := attempt(api.CSS, lambda: client.css(identity))) is not None:
        facts[rules.CSS_FREE] = css.est_beneficiaire and css.avec_participation is False
        results[api.CSS] = {
            "status": "ok",
            "facts": {
                "est_beneficiaire": css.est_beneficiaire,
                "avec_participation": css.avec_participation,
                "date_debut_droit": css.date_debut_droit.isoformat() if css.date_debut_droit else None,
            },
        }
    if (qf := attempt(api.QF, lambda: client.quotient_familial(identity))) is not None:
        facts[rules.UNDER_CEILING] = qf.valeur <= ceiling
        # The figure itself is not kept: only whether it is under the ceiling, and its reference month.
        results[api.QF] = {
            "status": "ok",
            "facts": {"sous_plafond": qf.valeur <= ceiling, "annee": qf.annee, "mois": qf.mois},
        }
    return results, facts, unavailable


def check_eligibility(
    application: Application,
    actor: User,
    *,
    client: api.ApiParticulierClient | None = None,
    versions: tuple[rules.RuleVersion, ...] = rules.RULES,
) -> Consultation:
    """Consult API Particulier for the application's applicant, decide with the rule version in force today,
    record the consultation (audited) and move the application to its new status."""
    programme = application.programme
    require_capability(programme, ELIGIBILITY)
    if application.status in (*RIGHT_OPEN, Status.EXPIRED):
        raise WrongStatus(status=application.status)
    today = timezone.localdate()
    version = rules.rule_in_force(today, versions)
    owned = client is None
    client = client or api.client_from_settings()
    client.start_budget()
    try:
        results, facts, unavailable = _consult(client, identity_of(application.applicant), version.qf_ceiling)
    finally:
        if owned:
            client.close()
    facts[rules.ASS] = application.ass_declared
    facts[rules.AME] = application.ame_declared
    # A person the providers do not find stays an unknown fact, never "not eligible": the rules then ask for the
    # paper proof (incomplete), or for a new check when the service did not answer (to re-check).
    decision = rules.decide(facts, version, unavailable=unavailable)
    status = {
        rules.GRANTED: Status.CHECKED,
        rules.REFUSED: Status.REFUSED,
        rules.INCOMPLETE: Status.INCOMPLETE,
        rules.TO_RECHECK: Status.TO_RECHECK,
    }[decision.outcome]
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status in (*RIGHT_OPEN, Status.EXPIRED):
            raise WrongStatus(status=locked.status)
        consultation = Consultation.objects.create(
            programme=programme,
            application=locked,
            actor=actor,
            purpose=Purpose.RECHECK if locked.consultations.exists() else Purpose.APPLICATION,
            results=results,
            rule_version=decision.rule_version,
            outcome=decision.outcome,
            tier=decision.tier,
            reasons=list(decision.reasons),
        )
        _move(locked, status, actor, note=decision.reasons[0] if decision.reasons else "")
        locked.rule_version = decision.rule_version
        locked.tier = decision.tier
        locked.percent = decision.percent
        locked.duration_months = decision.duration_months
        locked.reasons = list(decision.reasons)
        locked.decided_at = timezone.now()
        locked.save()
        record_audit(
            action="eligibility.consulted",
            actor=actor,
            programme=programme,
            obj=locked,
            number=locked.number,
            purpose=consultation.purpose,
            resources=sorted(results),
            statuses={k: v.get("status") for k, v in results.items()},
            outcome=decision.outcome,
            rule_version=decision.rule_version,
        )
    application.refresh_from_db()
    return consultation


def grant_right(application: Application, actor: User, *, start: dt.date | None = None, note: str = "") -> Application:
    """Open the right the last decision allows: from ``start`` (today) for the tier's duration (3 months free),
    with its renewal reminder due 15 days before the end."""
    require_capability(application.programme, ELIGIBILITY)
    start = start or timezone.localdate()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.CHECKED or not locked.tier:
            raise WrongStatus(status=locked.status)
        decision = rules.Decision(
            rules.GRANTED, locked.rule_version, tier=locked.tier, duration_months=locked.duration_months
        )
        locked.right_start, locked.right_end = rules.right_period(start, decision)
        locked.reminder_due_on = rules.reminder_day(locked.right_end)
        period = f"{locked.right_start:%d/%m/%Y} → {locked.right_end:%d/%m/%Y}"
        _move(locked, Status.GRANTED, actor, note=f"{note} {period}".strip())
        locked.save()
        record_audit(
            action="eligibility.right_granted",
            actor=actor,
            programme=locked.programme,
            obj=locked,
            number=locked.number,
            tier=locked.tier,
            start=locked.right_start.isoformat(),
            end=locked.right_end.isoformat(),
        )
    application.refresh_from_db()
    return application


RENEWED_UNCHANGED = "Renouvellement simplifié : situation inchangée, sans nouveau justificatif."


def renew(
    previous: Application,
    actor: User,
    *,
    channel: str = Channel.PHONE,
    contact: Any = None,
    client: api.ApiParticulierClient | None = None,
) -> Application:
    """Simplified renewal: a new application for the same applicant, checked again through the API; when the
    situation is unchanged (same tier) the new right follows the previous one without new documents.
    Otherwise the new application stays at its decision for the advisor (proofs, refusal, re-check)."""
    require_capability(previous.programme, ELIGIBILITY)
    if previous.status not in (*RIGHT_OPEN, Status.EXPIRED) or previous.right_end is None:
        raise WrongStatus(status=previous.status)
    if previous.renewals.exclude(status=Status.REFUSED).exists():
        raise WrongStatus(status="already_renewed")
    today = timezone.localdate()
    with transaction.atomic():
        application = Application.objects.create(
            programme=previous.programme,
            number=_next_number(today),
            applicant=previous.applicant,
            contact=contact,
            channel=channel,
            created_by=actor,
            ass_declared=previous.ass_declared,
            ame_declared=previous.ame_declared,
            renewal_of=previous,
        )
        ApplicationEvent.objects.create(
            programme=previous.programme,
            application=application,
            actor=actor,
            to_status=Status.RECEIVED,
            note=f"Renouvellement de la demande n° {previous.number}",
        )
        record_audit(
            action="eligibility.renewal_filed",
            actor=actor,
            programme=previous.programme,
            obj=application,
            number=application.number,
            renews=previous.number,
        )
    check_eligibility(application, actor, client=client)
    if application.status == Status.CHECKED and application.tier == previous.tier:
        start = max(previous.right_end + dt.timedelta(days=1), today)
        grant_right(application, actor, start=start, note=RENEWED_UNCHANGED)
    return application


def override_refusal(application: Application, actor: User, *, tier: str, reason: str) -> Application:
    """A supervisor grants a tier against an unfavourable decision (refused, incomplete, to re-check), with a
    reason; the override is kept in the reasons and the history, and audited. Advisors are refused."""
    programme = application.programme
    require_capability(programme, ELIGIBILITY)
    if not has_role(actor, programme, SUPERVISING_ROLES):
        raise OverrideNeedsSupervisor()
    reason = " ".join(reason.split())
    if len(reason) < 10:
        raise OverrideNeedsReason(field="reason")
    version = (
        rules.rule_version(application.rule_version)
        if application.rule_version
        else rules.rule_in_force(timezone.localdate())
    )
    chosen = next((t for t in version.tiers if t.code == tier), None)
    if chosen is None:
        raise OverrideNeedsReason("Choisissez un tarif de la tarification Solidarité Transport.", field="tier")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in (Status.REFUSED, Status.INCOMPLETE, Status.TO_RECHECK):
            raise WrongStatus(status=locked.status)
        before = locked.status
        note = f"Dérogation accordée par un superviseur ({chosen.label}) : {reason}"
        _move(locked, Status.CHECKED, actor, note=note)
        locked.rule_version = version.version
        locked.tier, locked.percent, locked.duration_months = chosen.code, chosen.percent, chosen.duration_months
        locked.reasons = [*locked.reasons, note]
        locked.decided_at = timezone.now()
        locked.save()
        record_audit(
            action="eligibility.override",
            actor=actor,
            programme=programme,
            obj=locked,
            number=locked.number,
            from_status=before,
            tier=chosen.code,
            reason=reason,
        )
    application.refresh_from_db()
    return application
