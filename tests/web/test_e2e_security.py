"""In headless Debian chromium: a manager enables the second factor and logs in with a code, and the pages on the
way run under the Content-Security-Policy without a violation or a script error."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from plateau.tenants.models import Role
from tests import factories


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_a_manager_in_the_browser_when_enabling_totp_then_the_next_login_asks_the_code_and_no_page_errs(
    live_server: Any, page: Any
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    manager = factories.user((factories.programme(), Role.PROGRAMME_MANAGER))

    def log_in(code: str = "") -> None:
        page.goto(f"{live_server.url}/connexion/")
        page.locator("#id_username").fill(manager.username)
        page.locator("#id_password").fill(factories.PASSWORD)
        page.locator("#id_otp_token").fill(code)
        page.locator("#id_password").press("Enter")

    def code() -> str:
        device = TOTPDevice.objects.get(user=manager)
        return f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=0):06d}"

    log_in()
    page.get_by_role("link", name="Double authentification (code à usage unique)").click()
    expect(page.locator("#totp-key")).to_be_visible()
    page.get_by_label("Code affiché par l'application").fill(code())
    page.get_by_role("button", name="Activer la double authentification").click()
    expect(page.get_by_text("Double authentification activée")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    log_in()  # the password alone
    expect(page.get_by_text("Saisissez aussi le code à 6 chiffres")).to_be_visible()
    TOTPDevice.objects.filter(user=manager).update(last_t=-1)  # the enrolment used this period's code
    log_in(code())
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()
    assert errors == []
