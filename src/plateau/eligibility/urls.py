from django.urls import path

from . import views

app_name = "eligibility"

urlpatterns = [
    path(
        "p/<slug:slug>/contacts/<int:contact_id>/solidarite-transport/",
        views.guarded(views.new_application),
        name="new_application",
    ),
    path("p/<slug:slug>/solidarite-transport/echeances/", views.guarded(views.deadlines), name="deadlines"),
    path("p/<slug:slug>/solidarite-transport/<str:number>/renouveler/", views.guarded(views.renew), name="renew"),
    path("p/<slug:slug>/solidarite-transport/<str:number>/derogation/", views.guarded(views.override), name="override"),
    path("p/<slug:slug>/solidarite-transport/<str:number>/", views.guarded(views.application_page), name="application"),
    path("p/<slug:slug>/solidarite-transport/<str:number>/verifier/", views.guarded(views.check), name="check"),
    path("p/<slug:slug>/solidarite-transport/<str:number>/accorder/", views.guarded(views.grant), name="grant"),
]
