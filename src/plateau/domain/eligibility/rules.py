"""The scheme's rules as data, in dated versions, and the decision they give on a set of facts.

A rule version lists tiers (free, 75 %, 50 %) best first; a tier is granted when one of its alternatives
(a set of facts that must all be true) holds. Facts are three-valued: ``True``, ``False`` or ``None`` when
unknown (the benefits service did not answer, the person was not found, a paper proof is still missing).
A missing fact never counts as "not eligible": if a better tier could still hold once the fact is known,
the decision is "to re-check" (service unavailable) or "incomplete" (proof to ask for), never a refusal.

Each decision carries the version that made it and its reasons in French, so a later rule change never
rewrites a past decision: the application keeps the version string and the reasons it was given.

Source of the scheme: Île-de-France Mobilités, « Tarification Solidarité Transport » (see
/work/shared/docs/domain.md §3): *Solidarité Gratuité* for RSA households under the resource ceiling or ASS +
CSS without participation, 3 months renewable; *Réduction 75 %* for CSS without participation or ASS,
1-12 months; *Réduction 50 %* for AME. The ceiling below is expressed on the CAF quotient familial, the
resource figure API Particulier returns; its amount is illustrative (not published in our sources).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Facts the rules read. Each comes from API Particulier or from a proof the advisor saw.
RSA = "rsa"  # API: dss/revenu_solidarite_active est_beneficiaire
UNDER_CEILING = "under_ceiling"  # API: dss/quotient_familial valeur <= the version's ceiling
CSS_FREE = "css_without_participation"  # API: dss/complementaire_sante_solidaire, avec_participation false
ASS = "ass"  # paper proof (France Travail attestation): not in API Particulier
AME = "ame"  # paper proof (attestation AME): not in API Particulier
FACTS = (RSA, UNDER_CEILING, CSS_FREE, ASS, AME)

# Facts only a proof can establish; the others are consulted through the API.
PROOF_FACTS = frozenset({ASS, AME})

FACT_LABELS: Mapping[str, tuple[str, str]] = {
    # fact: (French when true, French when false)
    RSA: ("bénéficiaire du RSA", "non bénéficiaire du RSA"),
    UNDER_CEILING: (
        "quotient familial sous le plafond de ressources",
        "quotient familial au-dessus du plafond de ressources",
    ),
    CSS_FREE: (
        "bénéficiaire de la complémentaire santé solidaire sans participation",
        "pas de complémentaire santé solidaire sans participation",
    ),
    ASS: ("bénéficiaire de l'ASS (attestation vue)", "pas d'ASS"),
    AME: ("bénéficiaire de l'AME (attestation vue)", "pas d'AME"),
}

FACT_UNKNOWN: Mapping[str, str] = {
    RSA: "droit au RSA non vérifié",
    UNDER_CEILING: "quotient familial non vérifié",
    CSS_FREE: "complémentaire santé solidaire non vérifiée",
    ASS: "attestation ASS non fournie",
    AME: "attestation AME non fournie",
}

# Outcomes of a decision.
GRANTED = "granted"
REFUSED = "refused"
INCOMPLETE = "incomplete"  # a proof is missing (person not found by the API, ASS/AME attestation)
TO_RECHECK = "to_recheck"  # the benefits service did not answer: check again later


@dataclass(frozen=True)
class Tier:
    code: str  # stable: "free", "reduction_75", "reduction_50"
    label: str  # French, for the letter
    percent: int  # reduction on the fare
    duration_months: int  # validity of a right granted at this tier
    alternatives: tuple[frozenset[str], ...]  # any one of these sets of facts, all true


@dataclass(frozen=True)
class RuleVersion:
    version: str  # stable identifier stored on every decision
    effective_from: dt.date
    qf_ceiling: int  # quotient familial ceiling in euros (UNDER_CEILING)
    tiers: tuple[Tier, ...]  # best first
    source: str = ""


@dataclass(frozen=True)
class Decision:
    outcome: str
    rule_version: str
    tier: str = ""
    percent: int = 0
    duration_months: int = 0
    reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = field(default=())  # facts that would change the outcome once known


class NoRuleInForce(ValueError):
    pass


def _tiers(qf_free_months: int = 3) -> tuple[Tier, ...]:
    return (
        Tier(
            "free",
            "Solidarité Gratuité",
            100,
            qf_free_months,
            (frozenset({RSA, UNDER_CEILING}), frozenset({ASS, CSS_FREE})),
        ),
        Tier("reduction_75", "Réduction 75 %", 75, 12, (frozenset({CSS_FREE}), frozenset({ASS}))),
        Tier("reduction_50", "Réduction 50 %", 50, 12, (frozenset({AME}),)),
    )


# The versions in force, oldest first. Add a version (never edit a published one): past decisions keep theirs.
RULES: tuple[RuleVersion, ...] = (
    RuleVersion(
        version="idfm-2025-01",
        effective_from=dt.date(2025, 1, 1),
        qf_ceiling=800,
        tiers=_tiers(),
        source="Île-de-France Mobilités, Tarification Solidarité Transport (2025); plafond indicatif",
    ),
)


def rule_in_force(day: dt.date, versions: Sequence[RuleVersion] = RULES) -> RuleVersion:
    """The latest version effective on ``day``."""
    candidates = [v for v in versions if v.effective_from <= day]
    if not candidates:
        raise NoRuleInForce(f"Aucune règle d'éligibilité en vigueur le {day:%d/%m/%Y}.")
    return max(candidates, key=lambda v: v.effective_from)


def rule_version(version: str, versions: Sequence[RuleVersion] = RULES) -> RuleVersion:
    for v in versions:
        if v.version == version:
            return v
    raise NoRuleInForce(f"Version de règle inconnue : {version}.")


def _fact_reason(fact: str, value: bool | None) -> str:
    if value is None:
        return FACT_UNKNOWN[fact]
    return FACT_LABELS[fact][0 if value else 1]


def _ordered(facts: frozenset[str] | set[str]) -> list[str]:
    return sorted(facts, key=FACTS.index)


def _undetermined(tiers: Sequence[Tier], value: Mapping[str, bool | None]) -> list[str]:
    """The unknown facts on which one of ``tiers`` still depends (no fact of that alternative is false)."""
    return _ordered(
        {
            f
            for tier in tiers
            for alternative in tier.alternatives
            if not any(value[g] is False for g in alternative)
            for f in alternative
            if value[f] is None
        }
    )


def decide(facts: Mapping[str, bool | None], rules: RuleVersion, *, unavailable: bool = False) -> Decision:
    """Apply one rule version to the facts.

    ``unavailable`` says that some unknown facts are unknown because the benefits service did not answer
    (then a decision that depends on them is "to re-check" rather than "incomplete").
    """
    value = {f: facts.get(f) for f in FACTS}
    for rank, tier in enumerate(rules.tiers):
        for alternative in tier.alternatives:
            if all(value[f] is True for f in alternative):
                reasons = [f"{tier.label} : " + ", ".join(_fact_reason(f, True) for f in _ordered(alternative)) + "."]
                if better := _undetermined(rules.tiers[:rank], value):
                    reasons.append(
                        "Un tarif plus favorable reste possible une fois vérifiés : "
                        + ", ".join(FACT_UNKNOWN[f] for f in better)
                        + "."
                    )
                return Decision(
                    GRANTED,
                    rules.version,
                    tier=tier.code,
                    percent=tier.percent,
                    duration_months=tier.duration_months,
                    reasons=tuple(reasons),
                    missing=tuple(better),
                )
    # No tier holds. Could one still hold once the unknown facts are known?
    missing = _undetermined(rules.tiers, value)
    known = [f for f in FACTS if value[f] is not None]
    facts_said = tuple(_fact_reason(f, value[f]) for f in known)
    if missing:
        api_missing = [f for f in missing if f not in PROOF_FACTS]
        outcome = TO_RECHECK if unavailable and api_missing else INCOMPLETE
        head = (
            "Service de vérification indisponible : dossier à revérifier"
            if outcome == TO_RECHECK
            else "Dossier incomplet : justificatif à demander"
        )
        detail = ", ".join(FACT_UNKNOWN[f] for f in missing)
        return Decision(outcome, rules.version, reasons=(f"{head} ({detail}).", *facts_said), missing=tuple(missing))
    return Decision(
        REFUSED,
        rules.version,
        reasons=("Aucune des conditions de la tarification Solidarité Transport n'est remplie.", *facts_said),
    )


# A renewal reminder goes out this many days before a right ends (the caller renews without a gap).
REMINDER_DAYS_BEFORE_END = 15


def reminder_day(right_end: dt.date) -> dt.date:
    return right_end - dt.timedelta(days=REMINDER_DAYS_BEFORE_END)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def right_period(start: dt.date, decision: Decision) -> tuple[dt.date, dt.date]:
    """Start and last day of a right granted by ``decision`` from ``start`` (3 months for the free tier)."""
    if decision.outcome != GRANTED:
        raise ValueError("only a granted decision opens a right")
    return start, add_months(start, decision.duration_months) - dt.timedelta(days=1)
