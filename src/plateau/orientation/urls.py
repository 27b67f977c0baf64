from django.urls import path

from plateau.ui.errors import guarded

from . import views

app_name = "orientation"

urlpatterns = [
    path("p/<slug:slug>/orientation/", guarded(views.destinations_page), name="destinations"),
    path("p/<slug:slug>/orientation/<int:destination_id>/", guarded(views.destination_page), name="destination"),
    path("p/<slug:slug>/contacts/<int:contact_id>/orienter/", guarded(views.orient), name="orient"),
]
