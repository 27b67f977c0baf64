"""The scheme's rules as dated data: which facts open which tier, unknown facts never refuse, versions."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from plateau.domain.eligibility import identity, rules
from plateau.domain.eligibility.rules import AME, ASS, CSS_FREE, RSA, UNDER_CEILING

V = rules.RULES[0]
NONE_OF_THEM = {RSA: False, UNDER_CEILING: False, CSS_FREE: False, ASS: False, AME: False}


@pytest.mark.parametrize(
    ("facts", "tier", "percent", "months"),
    [
        ({RSA: True, UNDER_CEILING: True}, "free", 100, 3),
        ({ASS: True, CSS_FREE: True}, "free", 100, 3),
        ({CSS_FREE: True}, "reduction_75", 75, 12),
        ({ASS: True}, "reduction_75", 75, 12),
        ({RSA: True, UNDER_CEILING: False, CSS_FREE: True}, "reduction_75", 75, 12),
        ({AME: True}, "reduction_50", 50, 12),
    ],
)
def test_given_benefits_when_deciding_then_the_best_tier_with_french_reasons(
    facts: dict[str, bool], tier: str, percent: int, months: int
) -> None:
    decision = rules.decide({**NONE_OF_THEM, **facts}, V)
    assert (decision.outcome, decision.tier, decision.percent, decision.duration_months) == (
        rules.GRANTED,
        tier,
        percent,
        months,
    )
    assert decision.rule_version == V.version
    assert decision.reasons[0].startswith(("Solidarité Gratuité :", "Réduction 75 % :", "Réduction 50 % :"))


def test_given_no_benefit_when_deciding_then_refused_with_each_fact_said() -> None:
    decision = rules.decide(NONE_OF_THEM, V)
    assert decision.outcome == rules.REFUSED
    assert "non bénéficiaire du RSA" in decision.reasons


def test_given_a_person_not_found_when_deciding_then_incomplete_never_refused() -> None:
    decision = rules.decide({**NONE_OF_THEM, RSA: None, UNDER_CEILING: None, CSS_FREE: None}, V)
    assert decision.outcome == rules.INCOMPLETE
    assert decision.missing == (RSA, UNDER_CEILING, CSS_FREE)
    assert decision.reasons[0].startswith("Dossier incomplet : justificatif à demander")


def test_given_the_service_unavailable_when_deciding_then_to_recheck() -> None:
    decision = rules.decide({**NONE_OF_THEM, RSA: None, UNDER_CEILING: None, CSS_FREE: None}, V, unavailable=True)
    assert decision.outcome == rules.TO_RECHECK
    assert "dossier à revérifier" in decision.reasons[0]


def test_given_75_percent_while_rsa_unknown_when_deciding_then_granted_and_says_better_may_follow() -> None:
    decision = rules.decide({**NONE_OF_THEM, RSA: None, UNDER_CEILING: None, CSS_FREE: True}, V, unavailable=True)
    assert (decision.outcome, decision.tier) == (rules.GRANTED, "reduction_75")
    assert decision.missing == (RSA, UNDER_CEILING)
    assert "plus favorable" in decision.reasons[1]


def test_given_two_versions_when_picking_then_the_one_in_force_that_day() -> None:
    later = dataclasses.replace(V, version="test-2027", effective_from=dt.date(2027, 1, 1), qf_ceiling=300)
    versions = (V, later)
    assert rules.rule_in_force(dt.date(2026, 12, 31), versions) is V
    assert rules.rule_in_force(dt.date(2027, 1, 1), versions) is later
    with pytest.raises(rules.NoRuleInForce):
        rules.rule_in_force(dt.date(2000, 1, 1), versions)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 12, 1), dt.date(2027, 2, 28)),
        (dt.date(2026, 11, 30), dt.date(2027, 2, 27)),
        (dt.date(2027, 1, 15), dt.date(2027, 4, 14)),
    ],
)
def test_given_a_free_decision_when_opening_the_right_then_three_months(start: dt.date, end: dt.date) -> None:
    decision = rules.decide({**NONE_OF_THEM, RSA: True, UNDER_CEILING: True}, V)
    assert rules.right_period(start, decision) == (start, end)


def test_given_an_identity_when_building_the_pivot_then_the_api_parameters() -> None:
    pivot = identity.make_identity(
        birth_name="Martin",
        first_names="Samuel, Jean-Marc",
        birth_date=dt.date(1982, 3, 9),
        sex="M",
        birth_commune_insee="75107",
        today=dt.date(2026, 12, 4),
    )
    assert pivot.query_params() == [
        ("nomNaissance", "MARTIN"),
        ("prenoms[]", "SAMUEL"),
        ("prenoms[]", "JEAN-MARC"),
        ("anneeDateNaissance", "1982"),
        ("moisDateNaissance", "3"),
        ("jourDateNaissance", "9"),
        ("sexeEtatCivil", "M"),
        ("codeCogInseeCommuneNaissance", "75107"),
        ("codeCogInseePaysNaissance", "99100"),
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"birth_name": ""}, "birth_name"),
        ({"sex": "X"}, "sex"),
        ({"birth_commune_insee": "123"}, "birth_commune"),
        ({"birth_country_code": "12345"}, "birth_country_code"),
        ({"birth_date": dt.date(2030, 1, 1)}, "birth_date"),
        ({"birth_country_code": "99109", "birth_commune_insee": "75107"}, "birth_commune"),
    ],
)
def test_given_a_wrong_identity_when_validating_then_the_field_is_named(kwargs: dict[str, object], field: str) -> None:
    base: dict[str, object] = {
        "birth_name": "MARTIN",
        "first_names": "Samuel",
        "birth_date": dt.date(1982, 3, 9),
        "sex": "M",
        "birth_commune_insee": "75107",
        "today": dt.date(2026, 12, 4),
    }
    with pytest.raises(identity.InvalidIdentity) as caught:
        identity.make_identity(**{**base, **kwargs})  # type: ignore[arg-type]
    assert caught.value.details["field"] == field


def test_given_communes_when_checking_the_territory_then_only_ile_de_france() -> None:
    assert identity.check_territory("92051") == "92"  # Neuilly-sur-Seine
    assert identity.check_territory("93049") == "93"  # Neuilly-Plaisance
    with pytest.raises(identity.OutsideTerritory):
        identity.check_territory("69123")  # Lyon


def test_given_application_numbers_when_parsing_then_a_mistyped_digit_is_caught() -> None:
    number = identity.application_number(2026, 123)
    assert identity.parse_application_number(number.replace("-", "")) == number
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(identity.InvalidApplicationNumber):
        identity.parse_application_number(wrong)
