"""The editors' article pages (preview, versions, four-eyes through the web) and the article on the desk,
flagged « à revérifier »."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from plateau.contacts import services as contact_services
from plateau.knowledge import articles
from plateau.knowledge.models import Article, ArticleStatus
from plateau.tenants.models import ProgrammeKind
from tests import factories

pytestmark = pytest.mark.usefixtures("sheets")


def test_given_two_supervisors_when_writing_and_publishing_through_the_pages_then_four_eyes_and_desk() -> None:
    programme = factories.programme(kind=ProgrammeKind.PUBLIC_INFORMATION)
    author, reviewer = factories.supervisor(programme), factories.supervisor(programme)
    a_client, r_client = Client(), Client()
    a_client.force_login(author)
    r_client.force_login(reviewer)
    new = reverse("knowledge:article_new", args=[programme.slug])
    data = {"title": "Carte perdue : notre consigne", "body": "Orienter vers la **mairie équipée**.", "sheets": "f1344"}
    preview = a_client.post(new, {**data, "preview": "1"}).content.decode()
    assert "<strong>mairie équipée</strong>" in preview and not Article.objects.exists()
    response = a_client.post(new, data, follow=True)
    article = Article.objects.get()
    assert "Version enregistrée" in response.content.decode()
    action = reverse("knowledge:article_action", args=[programme.slug, article.pk])
    a_client.post(action, {"action": "submit"})
    refused = a_client.post(action, {"action": "publish"}, follow=True).content.decode()
    assert "propre modification" in refused
    r_client.post(action, {"action": "publish"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED

    advisor = factories.advisor(programme)
    desk = Client()
    desk.force_login(advisor)
    contact = contact_services.start_contact(programme=programme, advisor=advisor, channel="call", phone="0612345678")
    url = reverse("web:contact", args=[programme.slug, contact.pk])
    shown = desk.get(url, {"kq": "j'ai perdu ma carte d'identité"}).content.decode()
    assert 'id="knowledge-articles"' in shown and "Carte perdue : notre consigne" in shown
    assert "à revérifier" not in shown.split('id="knowledge-articles"')[1].split("</div>")[0]
    articles.flag_articles_to_recheck(article.review_on.replace(year=article.review_on.year + 1))
    flagged = desk.get(url, {"kq": "j'ai perdu ma carte d'identité"}).content.decode()
    assert "à revérifier" in flagged.split('id="knowledge-articles"')[1]
    listing = r_client.get(reverse("knowledge:articles", args=[programme.slug])).content.decode()
    assert 'data-status="to_recheck"' in listing
    assert desk.get(reverse("knowledge:articles", args=[programme.slug])).status_code == 404  # advisors

    edit = reverse("knowledge:article", args=[programme.slug, article.pk])
    r_client.post(edit, {**data, "body": "Orienter vers la **mairie équipée**.\n\nPrendre rendez-vous."})
    page = r_client.get(edit).content.decode()
    assert "+ Prendre rendez-vous." in page and "Version publiée (v1)" in page
    assert "Carte perdue : notre consigne" in desk.get(url, {"kq": "carte perdue"}).content.decode()  # v1 still read
