from django.urls import path

from plateau.ui.errors import guarded

from . import views

app_name = "ivr"

urlpatterns = [
    path("menus-vocaux/", views.index, name="index"),
    path("p/<slug:slug>/menu-vocal/", guarded(views.editor), name="editor"),
    path("p/<slug:slug>/menu-vocal/verifier/", guarded(views.validate), name="validate"),
    path("p/<slug:slug>/menu-vocal/etape/", guarded(views.add_step_view), name="add_step"),
    path("p/<slug:slug>/menu-vocal/publier/", guarded(views.publish), name="publish"),
    path("p/<slug:slug>/menu-vocal/messages/", guarded(views.record_prompt), name="record_prompt"),
    path("p/<slug:slug>/menu-vocal/messages/<slug:name>.wav", guarded(views.listen_prompt), name="listen_prompt"),
]
