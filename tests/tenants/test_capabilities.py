"""Programme capabilities: the registry the apps fill at start-up, the presets, the admin, the read-only page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from plateau import capabilities
from plateau.tenants.errors import UnknownCapabilityCode
from plateau.tenants.models import AuditEntry, ProgrammeCapability, ProgrammeKind, Role
from plateau.tenants.services import set_capabilities
from tests import factories


def test_given_installed_apps_when_listing_registry_then_directory_and_leads_with_their_panels() -> None:
    codes = [c.code for c in capabilities.all_capabilities()]
    assert {"directory", "eligibility", "followup", "knowledge", "leads", "orientation"} <= set(codes)
    directory = capabilities.get("directory")
    assert [p.template for p in directory.panels] == ["directory/desk/_search_panel.html"]
    assert {s.key for s in directory.shortcuts} == {"B", "R", "D"}
    assert "transferred_urssaf" in {p.code for p in directory.wrap_up_presets}
    assert [p.template for p in capabilities.panels_for(["leads", "directory"])] == [
        "leads/desk/_forwarding_panel.html",
        "directory/desk/_search_panel.html",
    ]
    with pytest.raises(capabilities.UnknownCapability):
        capabilities.get("telecare")


def test_given_same_code_registered_twice_when_registering_then_refused() -> None:
    clone = capabilities.Capability(code="directory", label="copie")
    with pytest.raises(ValueError, match="already registered"):
        capabilities.register(clone)
    assert capabilities.get("directory") is not clone


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (ProgrammeKind.DIRECTORY, ["directory", "followup", "knowledge", "orientation"]),
        (ProgrammeKind.LEAD_DISPATCH, ["directory", "followup", "leads", "orientation"]),
        (ProgrammeKind.PUBLIC_INFORMATION, ["knowledge", "orientation"]),
        (ProgrammeKind.ELIGIBILITY, ["eligibility"]),
        (ProgrammeKind.TELECARE, ["knowledge", "orientation"]),
    ],
)
def test_given_kind_when_programme_created_then_preset_capabilities(kind: str, expected: list[str]) -> None:
    programme = factories.programme(kind=kind)
    assert programme.capability_codes() == expected
    assert programme.has_capability("directory") == ("directory" in expected)


@pytest.mark.django_db
def test_given_admin_when_setting_capabilities_then_order_kept_and_audited() -> None:
    programme = factories.programme(kind=ProgrammeKind.DIRECTORY)
    admin = factories.user(platform_admin=True)
    set_capabilities(programme, ["leads", "directory"], actor=admin)
    programme.refresh_from_db()
    assert programme.capability_codes() == ["leads", "directory"]
    entry = AuditEntry.objects.filter(action="programme.capabilities_set", actor=admin).get()
    assert entry.data == {
        "before": ["directory", "followup", "knowledge", "orientation"],
        "after": ["leads", "directory"],
    }
    with pytest.raises(UnknownCapabilityCode):
        set_capabilities(programme, ["directory", "teleportation"], actor=admin)
    assert list(ProgrammeCapability.objects.filter(programme=programme).values_list("capability", flat=True)) == [
        "leads",
        "directory",
    ]


@pytest.mark.django_db
def test_given_platform_admin_when_editing_in_django_admin_then_capabilities_changed() -> None:
    programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    set_capabilities(programme, [])  # the form below adds the first one
    admin = factories.user(platform_admin=True)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    url = reverse("admin:tenants_programme_change", args=[programme.pk])
    page = client.get(url).content.decode()
    assert "Annuaire de prestataires" in page  # the registry's choices, in French
    data = {
        "organisation": programme.organisation_id,
        "slug": programme.slug,
        "name": programme.name,
        "client": "",
        "kind": programme.kind,
        "opening_hours": "{}",
        "is_active": "on",
        "capabilities-TOTAL_FORMS": 1,
        "capabilities-INITIAL_FORMS": 0,
        "capabilities-0-capability": "directory",
        "capabilities-0-position": 10,
        "numbers-TOTAL_FORMS": 0,
        "numbers-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    programme.refresh_from_db()
    assert programme.capability_codes() == ["directory"]
    bad = client.post(url, {**data, "capabilities-0-capability": "nope"}).content.decode()
    assert "Sélectionnez un choix valide" in bad


@pytest.mark.django_db
def test_given_manager_when_opening_capabilities_page_then_read_only_list_and_advisor_refused() -> None:
    programme = factories.programme(kind=ProgrammeKind.LEAD_DISPATCH)
    manager = factories.user((programme, Role.PROGRAMME_MANAGER))
    client = Client()
    client.force_login(manager)
    page = client.get(reverse("tenants:capabilities", args=[programme.slug])).content.decode()
    assert 'data-capability="directory"' in page and 'data-capability="leads"' in page
    assert page.index('data-capability="directory"') < page.index('data-capability="leads"')
    assert "<form" not in page.split('id="enabled-capabilities"')[1]
    advisor = Client()
    advisor.force_login(factories.advisor(programme))
    assert advisor.get(reverse("tenants:capabilities", args=[programme.slug])).status_code == 404


def test_given_followup_registered_when_reading_it_then_panel_shortcut_and_sections_of_other_pages() -> None:
    followup = capabilities.get("followup")
    assert [p.template for p in followup.panels] == ["followup/desk/_panel.html"]
    assert [s.key for s in followup.shortcuts] == ["S"]
    assert [s.template for s in followup.report_sections] == ["followup/_report_section.html"]
    assert [s.template for s in followup.provider_sections] == ["followup/_provider_section.html"]
    assert capabilities.get("directory").report_sections == ()


@pytest.mark.django_db
def test_given_existing_directory_programmes_when_migrating_then_follow_up_after_the_directory() -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("plateau.followup.migrations.0002_enable_for_directory_programmes")
    national = factories.programme(kind=ProgrammeKind.DIRECTORY)
    networks = factories.programme(kind=ProgrammeKind.LEAD_DISPATCH)
    no_directory = factories.programme(kind=ProgrammeKind.DIRECTORY)
    telecare = factories.programme(kind=ProgrammeKind.TELECARE)
    admin = factories.user(platform_admin=True)
    set_capabilities(national, ["directory"], actor=admin)  # as before this capability existed
    set_capabilities(networks, ["directory", "leads"], actor=admin)
    set_capabilities(no_directory, ["leads"], actor=admin)  # an admin removed the directory: left alone
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # twice: nothing added again
    for programme in (national, networks, no_directory, telecare):
        programme.refresh_from_db()
    assert national.capability_codes() == ["directory", "followup"]
    assert networks.capability_codes() == ["directory", "followup", "leads"]
    assert no_directory.capability_codes() == ["leads"]
    assert telecare.capability_codes() == ["knowledge", "orientation"]  # its preset; no follow-up without a directory


@pytest.mark.django_db
def test_given_existing_programmes_when_migrating_then_knowledge_base_last_for_its_kinds_only() -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("plateau.tenants.migrations.0006_knowledge_capability")
    admin = factories.user(platform_admin=True)
    national = factories.programme(kind=ProgrammeKind.DIRECTORY)
    info = factories.programme(kind=ProgrammeKind.PUBLIC_INFORMATION)
    transport = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    networks = factories.programme(kind=ProgrammeKind.LEAD_DISPATCH)
    set_capabilities(national, ["directory", "followup"], actor=admin)  # as before this capability existed
    set_capabilities(info, [], actor=admin)
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # twice: nothing added again
    for programme in (national, info, transport, networks):
        programme.refresh_from_db()
    assert national.capability_codes() == ["directory", "followup", "knowledge"]
    assert info.capability_codes() == ["knowledge"]
    assert "knowledge" not in transport.capability_codes()
    assert networks.capability_codes() == ["directory", "followup", "leads", "orientation"]
