from django.urls import path

from . import views

app_name = "eligibility"

urlpatterns = [
    path(
        "p/<slug:slug>/contacts/<int:contact_id>/solidarite-transport/",
        views.guarded(views.new_application),
        name="new_application",
    ),
    path("p/<slug:slug>/solidarite-transport/suivi/", views.guarded(views.find_application), name="find"),
    path("p/<slug:slug>/solidarite-transport/echeances/", views.guarded(views.deadlines), name="deadlines"),
    path("p/<slug:slug>/solidarite-transport/cartes/", views.guarded(views.issue_cards), name="issue_cards"),
    path(
        "p/<slug:slug>/solidarite-transport/cartes/<int:batch_id>.csv",
        views.guarded(views.batch_file),
        name="batch_file",
    ),
    path(
        "p/<slug:slug>/solidarite-transport/cartes/<int:batch_id>/envoyees/",
        views.guarded(views.batch_mailed),
        name="batch_mailed",
    ),
    path("p/<slug:slug>/solidarite-transport/<str:number>/renouveler/", views.guarded(views.renew), name="renew"),
    path("p/<slug:slug>/solidarite-transport/<str:number>/derogation/", views.guarded(views.override), name="override"),
    path(
        "p/<slug:slug>/solidarite-transport/<str:number>/pieces/",
        views.guarded(views.upload_document),
        name="upload_document",
    ),
    path(
        "p/<slug:slug>/solidarite-transport/<str:number>/pieces/<int:document_id>/",
        views.guarded(views.document_file),
        name="document",
    ),
    path("p/<slug:slug>/solidarite-transport/<str:number>/", views.guarded(views.application_page), name="application"),
    path("p/<slug:slug>/solidarite-transport/<str:number>/verifier/", views.guarded(views.check), name="check"),
    path("p/<slug:slug>/solidarite-transport/<str:number>/accorder/", views.guarded(views.grant), name="grant"),
]
