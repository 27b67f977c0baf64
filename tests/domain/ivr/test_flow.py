import pytest

from plateau.domain.ivr import FlowInvalid, parse_flow
from plateau.domain.ivr.flow import Hours, Menu, is_known_timezone

from .builders import national_line


def test_given_the_national_line_when_parsed_then_nodes_are_typed_and_prompts_listed():
    flow = parse_flow("national", national_line())
    assert isinstance(flow.nodes["menu"], Menu)
    assert isinstance(flow.nodes["hours"], Hours)
    assert {"welcome", "transfer", "closed", "callback_ok", "music"} <= flow.prompts()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda f: f.update(start="nowhere"), "l'étape de départ « nowhere » n'existe pas"),
        (lambda f: f["nodes"]["menu"]["options"].update({"9": "ghost"}), "menu: mène à « ghost » qui n'existe pas"),
        (lambda f: f["nodes"]["menu"]["options"].update({"x": "queue"}), "menu: touche « x » invalide (0-9, * ou #)"),
        (lambda f: f["nodes"]["menu"].update(timeout_s=0), "menu: « timeout_s » doit être un nombre entre 1 et 60"),
        (lambda f: f["nodes"]["hours"].update(calendar="mars"), "hours: calendrier « mars » inconnu"),
        (lambda f: f["nodes"]["hours"]["weekly"].update(mon=[["18:00", "08:00"]]), "une plage de « mon » finit"),
        (lambda f: f["nodes"]["hours"]["weekly"].update(dim=[]), "hours: jour inconnu « dim »"),
        (lambda f: f["nodes"].update(orphan={"type": "hangup"}), "orphan: étape jamais atteinte"),
        (lambda f: f["nodes"].update(odd={"type": "dance"}), "odd: type d'étape « dance » inconnu"),
        (lambda f: f["nodes"]["urssaf"].update(method="fax"), "« method » doit valoir « refer » ou « bridge »"),
        (lambda f: f["nodes"]["hours"].update(timezone="Invalid/Zone"), "fuseau horaire « Invalid/Zone » inconnu"),
        (lambda f: f["nodes"]["hours"].update(timezone="../../etc/passwd"), "fuseau horaire « ../../etc/passwd »"),
        (lambda f: f["nodes"]["hours"].update(timezone="/etc/localtime"), "fuseau horaire « /etc/localtime »"),
        (lambda f: f["nodes"]["hours"].update(closed_dates=5), "« closed_dates » doit être une liste"),
        (lambda f: f["nodes"]["menu"]["options"].update({"3": []}), "la touche « 3 » doit mener à une étape"),
    ],
)
def test_given_a_broken_flow_when_parsed_then_the_reason_is_given(change, reason):
    data = national_line()
    change(data)
    with pytest.raises(FlowInvalid) as err:
        parse_flow("national", data)
    assert any(reason in r for r in err.value.reasons), err.value.reasons
    assert err.value.error_id == "ivr_flow_invalid"


def test_given_several_problems_then_all_are_reported_at_once():
    data = national_line()
    data["nodes"]["menu"]["options"]["x"] = "ghost"
    with pytest.raises(FlowInvalid) as err:
        parse_flow("national", data)
    assert len(err.value.reasons) == 2


def test_given_a_zone_name_then_only_names_of_the_zone_database_are_known_and_no_path_is_opened(tmp_path):
    # A file named like a zone next to the database must not count: names are looked up, never opened as paths.
    (tmp_path / "Zone").write_bytes(b"TZif")
    assert is_known_timezone("Europe/Paris") and is_known_timezone("America/Cayenne") and is_known_timezone("UTC")
    for name in ("Invalid/Zone", "../../etc/passwd", str(tmp_path / "Zone"), "", "Europe/Paris\x00", 3, None):
        assert not is_known_timezone(name)
    flow = national_line()
    flow["nodes"]["hours"]["timezone"] = "America/Cayenne"
    hours = parse_flow("national", flow).nodes["hours"]
    assert isinstance(hours, Hours) and hours.timezone == "America/Cayenne"
