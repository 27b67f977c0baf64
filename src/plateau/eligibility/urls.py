from django.urls import path

from plateau.ui.errors import guarded

from . import views

app_name = "eligibility"

urlpatterns = [
    path(
        "p/<slug:slug>/contacts/<int:contact_id>/solidarite-transport/",
        guarded(views.new_application),
        name="new_application",
    ),
    path("p/<slug:slug>/solidarite-transport/suivi/", guarded(views.find_application), name="find"),
    path("p/<slug:slug>/solidarite-transport/echeances/", guarded(views.deadlines), name="deadlines"),
    path("p/<slug:slug>/solidarite-transport/cartes/", guarded(views.issue_cards), name="issue_cards"),
    path(
        "p/<slug:slug>/solidarite-transport/cartes/<int:batch_id>.csv",
        guarded(views.batch_file),
        name="batch_file",
    ),
    path(
        "p/<slug:slug>/solidarite-transport/cartes/<int:batch_id>/envoyees/",
        guarded(views.batch_mailed),
        name="batch_mailed",
    ),
    path("p/<slug:slug>/solidarite-transport/<str:number>/renouveler/", guarded(views.renew), name="renew"),
    path("p/<slug:slug>/solidarite-transport/<str:number>/derogation/", guarded(views.override), name="override"),
    path(
        "p/<slug:slug>/solidarite-transport/<str:number>/pieces/",
        guarded(views.upload_document),
        name="upload_document",
    ),
    path(
        "p/<slug:slug>/solidarite-transport/<str:number>/pieces/<int:document_id>/",
        guarded(views.document_file),
        name="document",
    ),
    path("p/<slug:slug>/solidarite-transport/<str:number>/", guarded(views.application_page), name="application"),
    path("p/<slug:slug>/solidarite-transport/<str:number>/verifier/", guarded(views.check), name="check"),
    path("p/<slug:slug>/solidarite-transport/<str:number>/accorder/", guarded(views.grant), name="grant"),
]
