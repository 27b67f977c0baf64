"""WFM pages: shrinkage between required and scheduled advisors, multi-skill teams, bad input answered clearly."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from plateau.domain.wfm.shrinkage import Shrinkage
from plateau.domain.wfm.staffing import Target, staff_erlang_a
from tests import factories

pytestmark = pytest.mark.django_db
TEXTBOOK = {"volumes": "180 0 90", "opening": "08:00", "interval_minutes": "30", "aht": "240"}
TEXTBOOK |= {"service_level": "80", "answer_time": "20", "patience": "120"}
MULTISKILL = {
    "queues": "fr 60 300 120\nen 20 300 120",
    "groups": "fr = fr\nen = en\nbi = fr en",
    "interval_minutes": "30",
}
MULTISKILL |= {"service_level": "80", "answer_time": "20", "replications": "3"}


@pytest.fixture
def supervisor():
    programme = factories.programme()
    client = Client()
    client.force_login(factories.supervisor(programme))
    return client, programme


def _get(supervisor, name: str, params: dict[str, str]):
    client, programme = supervisor
    return client.get(reverse(f"wfm:{name}", args=[programme.slug]), params)


def test_given_shrinkage_when_staffing_then_heads_to_schedule_cover_breaks_absence_and_training(supervisor):
    params = TEXTBOOK | {"shrink_breaks": "10", "shrink_absence": "8", "shrink_training": "2", "format": "csv"}
    rows = list(csv.DictReader(io.StringIO(_get(supervisor, "staffing", params).content.decode())))
    need = [int(r["agents_a"]) for r in rows]
    expected = [int(x) for x in Shrinkage(0.10, 0.08, 0.02).heads(need)]
    assert [int(r["heads_a"]) for r in rows] == expected and expected[0] > need[0] and expected[1] == 0
    page = _get(supervisor, "staffing", {k: v for k, v in params.items() if k != "format"}).content.decode()
    assert "Pertes : pauses 10 %, absences 8 %, formation 2 %" in page


def test_given_absence_when_scheduling_then_the_need_grows_but_breaks_stay_in_the_shift_patterns(supervisor):
    params = TEXTBOOK | {
        "volumes": " ".join(["120"] * 20),
        "shrink_breaks": "50",
        "shrink_absence": "20",
        "format": "csv",
    }
    rows = list(csv.DictReader(io.StringIO(_get(supervisor, "schedule", params).content.decode())))
    need = int(staff_erlang_a(120 / 1800, 240, 120, Target(service_level=0.8, answer_time=20)))
    assert int(rows[0]["required"]) == int(Shrinkage(absence=0.2).heads([need])[0])  # not / (1 - 0.7)


def test_given_two_languages_and_bilingual_advisors_when_multiskill_page_then_pooled_team_and_chart(supervisor):
    response = _get(supervisor, "multiskill", MULTISKILL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Plus petite équipe trouvée" in page and "<svg" in page and "<td>fr</td>" in page
    rows = list(
        csv.DictReader(io.StringIO(_get(supervisor, "multiskill", MULTISKILL | {"format": "csv"}).content.decode()))
    )
    assert [r["queue"] for r in rows] == ["fr", "en"] and all(float(r["sl_best"]) >= 0.8 for r in rows)


@pytest.mark.parametrize(
    ("page", "params", "message"),
    [
        ("staffing", TEXTBOOK | {"volumes": "-3 10"}, "Les volumes doivent être positifs ou nuls."),
        ("staffing", TEXTBOOK | {"aht": "0"}, "supérieure ou égale à 1"),
        ("staffing", TEXTBOOK | {"service_level": "100"}, "inférieure ou égale à"),
        ("staffing", TEXTBOOK | {"shrink_breaks": "60", "shrink_absence": "40"}, "doivent rester sous 100 %"),
        ("multiskill", MULTISKILL | {"groups": "fr = fr"}, "Aucun groupe ne sert la file"),
        ("multiskill", MULTISKILL | {"queues": "fr -5 300 120"}, "le volume doit être positif ou nul"),
        ("multiskill", MULTISKILL | {"groups": "bi = fr en max x"}, "« max » suivi d&#x27;un nombre"),
        (
            "forecast",
            {
                "day": "2026-03-02",
                "source": "contacts",
                "interval_minutes": "30",
                "weeks": "6",
                "backtest_weeks": "1",
                "calendar": "france",
            },
            "Historique vide",
        ),
    ],
)
def test_given_bad_input_when_submitting_a_wfm_page_then_a_french_error_and_no_table(supervisor, page, params, message):
    response = _get(supervisor, page, params)
    body = response.content.decode()
    assert response.status_code == 200 and message in body and "<table" not in body


def test_given_a_voice_menu_and_a_blocking_target_when_staffing_then_sip_lines_cover_menu_queue_and_talk(supervisor):
    from plateau.domain.wfm.erlang_a import erlang_a
    from plateau.domain.wfm.trunks import lines_for_blocking

    params = TEXTBOOK | {"ivr_s": "45", "blocking": "0.5"}
    rows = list(csv.DictReader(io.StringIO(_get(supervisor, "staffing", params | {"format": "csv"}).content.decode())))
    rate = 180 / 1800
    agents = int(rows[0]["agents_a"])
    wait = float(erlang_a(agents, rate, 240.0, 120.0, 20.0).mean_wait)
    load = rate * (45 + wait + 240)
    assert float(rows[0]["trunk_load"]) == pytest.approx(load, rel=1e-3)
    assert int(rows[0]["lines"]) == lines_for_blocking(load, 0.005) > agents  # callers waiting hold lines too
    assert rows[1]["lines"] == "0"  # no call, no line
    page = _get(supervisor, "staffing", params).content.decode()
    assert f"Lignes SIP à prévoir : {rows[0]['lines']}" in page and "Erlang B" in page


def test_given_a_zero_blocking_target_when_staffing_then_french_error_and_no_table(supervisor):
    page = _get(supervisor, "staffing", TEXTBOOK | {"blocking": "0"}).content.decode()
    assert "<table" not in page and "supérieure ou égale à 0.001" in page
