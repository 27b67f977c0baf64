"""Logins resist brute force (django-axes), ask platform admins' and managers' second factor (TOTP, django-otp),
and passwords follow the four Django validators with 12 characters at least."""

from __future__ import annotations

import re
import time

import pytest
from axes.models import AccessFailureLog
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from plateau.tenants.models import AuditEntry, Role
from plateau.web.security import LAST_SEEN
from tests import factories

pytestmark = pytest.mark.django_db
LOGIN = "/connexion/"


def _post_login(client: Client, username: str, password: str, code: str = "") -> object:
    return client.post(LOGIN, {"username": username, "password": password, "otp_token": code})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_given_10_wrong_passwords_when_the_right_one_comes_then_it_is_refused_and_the_lockout_audited() -> None:
    user = factories.advisor(factories.programme())
    client = Client()
    answers = [_post_login(client, user.username, f"faux-{n}").status_code for n in range(10)]
    assert answers[:9] == [200] * 9 and answers[9] == 429  # the form again 9 times, then the lockout page
    refused = _post_login(client, user.username, factories.PASSWORD)
    assert refused.status_code == 429 and not _logged_in(client)
    assert "Connexion bloquée" in refused.content.decode() and "Réessayez dans 15 minutes" in refused.content.decode()
    # The lockout, then the refused right password (each attempt while locked out is recorded too).
    audits = list(AuditEntry.objects.filter(action="auth.locked_out").order_by("id"))
    assert len(audits) == 2
    assert all((a.data["username"], a.data["ip"]) == (user.username, "127.0.0.1") for a in audits)


def test_given_failures_on_many_accounts_from_one_address_then_that_address_is_locked_out() -> None:
    programme = factories.programme()
    victim = factories.advisor(programme)
    client = Client()
    for n in range(10):
        _post_login(client, f"inconnu{n}", "faux")
    assert _post_login(client, victim.username, factories.PASSWORD).status_code == 429
    assert not _logged_in(client)
    other_address = Client(REMOTE_ADDR="127.0.0.2")
    assert _post_login(other_address, victim.username, factories.PASSWORD).status_code == 302


def test_given_the_admin_login_then_it_sends_to_the_throttled_form_and_checks_no_password_itself() -> None:
    admin = factories.user(platform_admin=True)
    client = Client()
    for _ in range(3):
        answer = client.post("/admin/login/?next=/admin/", {"username": admin.username, "password": "faux"})
        assert answer.status_code == 302 and answer["Location"] == "/connexion/?next=/admin/"
    answer = client.post("/admin/login/", {"username": admin.username, "password": factories.PASSWORD})
    assert answer.status_code == 302 and not _logged_in(client)


def test_given_a_manager_with_totp_then_the_password_alone_is_refused_and_a_valid_code_logs_in() -> None:
    manager = factories.user((factories.programme(), Role.PROGRAMME_MANAGER))
    device = TOTPDevice.objects.create(user=manager, name="téléphone", confirmed=True)
    client = Client()
    page = _post_login(client, manager.username, factories.PASSWORD)
    assert page.status_code == 200 and not _logged_in(client)
    assert "Saisissez aussi le code à 6 chiffres" in page.content.decode()

    code = f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=0):06d}"
    done = _post_login(client, manager.username, factories.PASSWORD, code)
    assert done.status_code == 302 and _logged_in(client)
    assert client.session.get("otp_device_id") == device.persistent_id

    wrong = "000000" if code != "000000" else "111111"
    again = Client()
    page = _post_login(again, manager.username, factories.PASSWORD, wrong)
    assert "Code de vérification incorrect ou expiré." in page.content.decode() and not _logged_in(again)
    assert AccessFailureLog.objects.filter(username=manager.username).count() == 1  # counted by the throttling


def test_given_a_manager_when_enabling_totp_then_a_code_from_the_shown_key_confirms_it() -> None:
    manager = factories.user((factories.programme(), Role.PROGRAMME_MANAGER))
    client = Client()
    client.force_login(manager)
    page = client.get("/securite/double-authentification/").content.decode()
    assert 'id="totp-key"' in page and "otpauth://totp/" in page
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    wrong = client.post("/securite/double-authentification/", {"token": "12"})
    assert "Code incorrect" in wrong.content.decode()
    time.sleep(1.1)  # django-otp's back-off after a wrong code: 1 s, then doubling
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=0):06d}"
    done = client.post("/securite/double-authentification/", {"token": code})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed and AuditEntry.objects.filter(action="auth.totp_enabled", actor=manager).exists()
    assert 'id="two-factor-active"' in client.get("/securite/double-authentification/").content.decode()


def test_given_2fa_required_then_managers_and_admins_enrol_first_and_advisors_are_not_asked(settings) -> None:
    settings.PLATEAU_REQUIRE_2FA = True
    programme = factories.programme()
    for user in (factories.user((programme, Role.PROGRAMME_MANAGER)), factories.user(platform_admin=True)):
        client = Client()
        client.force_login(user)
        answer = client.get("/")
        assert answer.status_code == 302 and answer["Location"] == "/securite/double-authentification/?next=/"
        assert client.get("/securite/double-authentification/").status_code == 200
    advisor = Client()
    advisor.force_login(factories.advisor(programme))
    assert advisor.get("/").status_code == 200


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("plateau", "trop court"),
        ("qwerty123456", "trop courant"),
        ("482915736401", "entièrement numérique"),
        ("Prenom-Nom-99", None),
    ],
)
def test_given_a_new_password_then_the_four_validators_apply_with_12_characters(password: str, reason: str | None):
    user = factories.user()
    if reason is None:
        validate_password(password, user)
        return
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    assert any(reason in m for m in exc.value.messages), exc.value.messages


def test_given_a_name_like_password_then_the_similarity_validator_refuses_it() -> None:
    user = factories.user(username="marguerite.dupont")
    with pytest.raises(ValidationError) as exc:
        validate_password("marguerite.dupont1", user)
    assert any("trop semblable" in m for m in exc.value.messages), exc.value.messages


def test_given_an_idle_staff_session_then_the_next_request_asks_to_log_in_again(settings) -> None:
    settings.PLATEAU_IDLE_MINUTES = 30
    client = Client()
    client.force_login(factories.advisor(factories.programme()))
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - 31 * 60
    session.save()
    answer = client.get("/")
    assert answer.status_code == 302 and answer["Location"].startswith("/connexion/?next=/")
    assert not _logged_in(client)


def test_given_a_logged_in_page_then_it_is_never_cached_and_carries_a_strict_content_security_policy() -> None:
    programme = factories.programme()
    client = Client()
    client.force_login(factories.advisor(programme))
    answer = client.get(f"/p/{programme.slug}/poste/")
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"] and "private" in answer["Cache-Control"]
    csp = dict(d.strip().split(" ", 1) for d in answer["Content-Security-Policy"].split(";"))
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'" and "http" not in str(csp)
    nonce = re.fullmatch(r"'self' 'nonce-([^']+)'", csp["script-src"])
    assert nonce is not None  # no 'unsafe-inline' for scripts: the desk's inline script carries this response's nonce
    assert f'<script nonce="{nonce.group(1)}">' in answer.content.decode()
    # Pages reached through hx-boost run their inline scripts under this page's policy: htmx gives them its nonce.
    assert f'"inlineScriptNonce": "{nonce.group(1)}"' in answer.content.decode()


def test_given_an_api_call_with_a_token_then_the_answer_is_not_stored_either() -> None:
    answer = Client().get("/api/health", HTTP_AUTHORIZATION="Bearer something")
    assert "no-store" in answer["Cache-Control"]


def test_given_the_api_docs_then_swagger_ui_comes_from_this_site_not_a_cdn() -> None:
    page = Client().get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn." not in html
    assert Client().get("/static/ninja/swagger-ui-bundle.js").status_code == 200
