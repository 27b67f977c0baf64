"""The contact page says why a call ended in words, never with the gateway's cause code."""

from __future__ import annotations

import pytest

from plateau.web.labels import call_end_label


@pytest.mark.parametrize(
    ("cause", "ended_by", "words"),
    [
        ("hangup", "caller", "raccroché par l'appelant"),
        ("hangup", "advisor", "raccroché par le conseiller"),
        ("cancelled", "caller", "abandon avant réponse par l'appelant"),
        ("transferred", "gateway", "transféré par la plateforme"),
        ("caller_blocked", "gateway", "appelant bloqué (message court) par la plateforme"),
        ("ivr_timeout", "gateway", "fin dans le menu vocal par la plateforme"),
        ("some_new_cause", "", "fin d'appel"),
    ],
)
def test_given_a_call_record_cause_when_shown_then_french_words_not_the_code(cause, ended_by, words):
    with_words = call_end_label(cause, ended_by)
    assert with_words == words
    assert cause not in with_words
