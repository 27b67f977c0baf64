from django.urls import path

from plateau.ui.errors import guarded

from . import article_views, views

app_name = "knowledge"

urlpatterns = [
    path(
        "p/<slug:slug>/contacts/<int:contact_id>/connaissances/",
        guarded(views.results),
        name="results",
    ),
    path(
        "p/<slug:slug>/contacts/<int:contact_id>/connaissances/reponse/",
        guarded(views.record_answer),
        name="answer",
    ),
    path(
        "p/<slug:slug>/contacts/<int:contact_id>/connaissances/courriel/",
        guarded(views.email_answer),
        name="email",
    ),
    path(
        "p/<slug:slug>/contacts/<int:contact_id>/connaissances/pas-trouve/",
        guarded(views.report_gap),
        name="gap",
    ),
    path("p/<slug:slug>/connaissances/", guarded(views.editors_page), name="editors"),
    path("p/<slug:slug>/connaissances/rapport/", guarded(views.answer_report), name="report"),
    path("p/<slug:slug>/connaissances/articles/", guarded(article_views.article_list), name="articles"),
    path(
        "p/<slug:slug>/connaissances/articles/nouveau/",
        guarded(article_views.article_edit),
        name="article_new",
    ),
    path(
        "p/<slug:slug>/connaissances/articles/<int:article_id>/",
        guarded(article_views.article_edit),
        name="article",
    ),
    path(
        "p/<slug:slug>/connaissances/articles/<int:article_id>/action/",
        guarded(article_views.article_action),
        name="article_action",
    ),
]
