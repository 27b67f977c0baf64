"""In headless Debian chromium: a programme manager types a flow with an unknown queue and sees the reason
live, fixes it, sees the tree, saves the draft and publishes it, then adds a step from a template."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.ivr.models import FlowStatus, IvrFlow
from tests import factories

from . import builders
from .builders import flow


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_a_manager_when_a_bad_flow_is_typed_then_the_reason_shows_and_the_fixed_flow_is_published(
    live_server: Any, page: Any, page_checks: Any
) -> None:
    page_checks.allow(r"status of 400|HTTP 400 for POST .*/menu-vocal/")  # the refused draft answers 400 Bad Request
    line = builders.line()
    base = live_server.url
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill(line.manager.username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    page.locator("#ivr-link").click()
    page.get_by_role("link", name=line.programme.name).click()
    expect(page.get_by_role("heading", name=f"Menu vocal — {line.programme.name}")).to_be_visible()

    editor = page.locator("#flow-json")
    editor.fill(json.dumps(flow({"file": {"type": "queue", "queue": "urgences"}}), ensure_ascii=False, indent=2))
    expect(page.locator("#flow-errors")).to_contain_text("file « urgences » absente de la configuration de routage")
    page.locator("#save-draft").click()
    expect(page.locator("#flow-errors")).to_contain_text("urgences")
    assert not IvrFlow.objects.exists()

    editor.fill(json.dumps(flow(), ensure_ascii=False, indent=2))
    expect(page.locator("#flow-ok")).to_be_visible()
    expect(page.locator('#flow-tree [data-node="urssaf"]')).to_contain_text("touche 1")
    expect(page.locator(".ivr-holidays")).to_contain_text("Saint-Étienne", use_inner_text=False)
    page.locator("#save-draft").click()
    expect(page.locator(".fr-alert--success").first).to_contain_text("Brouillon enregistré (version 1)")
    page.locator("#publish").click()
    expect(page.locator(".fr-alert--success").first).to_contain_text("Version 1 publiée")
    expect(page.locator("#flow-history")).to_contain_text("Publié")
    assert IvrFlow.objects.get().status == FlowStatus.PUBLISHED

    page.locator("#step-kind").select_option("queue")  # « Ajouter une étape »: a template, checked, not saved
    page.locator("#step-name").fill("attente")
    page.locator("#add-step").click()
    expect(page.locator("#flow-json")).to_have_value(re.compile(r'"attente": \{\s+"type": "queue"'))
    expect(page.locator("#flow-errors")).to_contain_text("attente: étape jamais atteinte")
    expect(page.locator("#flow-unlinked")).to_contain_text("attente")
    assert IvrFlow.objects.count() == 1
