from django.contrib.auth import views as auth_views
from django.urls import path

from plateau.ui.errors import guarded

from . import desk, held_work, live, supervision, two_factor, views

app_name = "web"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("securite/double-authentification/", two_factor.two_factor, name="two_factor"),
    path("", views.home, name="home"),
    path("p/<slug:slug>/poste/", guarded(desk.desk), name="desk"),
    path("p/<slug:slug>/contacts/<int:contact_id>/", guarded(desk.contact_page), name="contact"),
    path("p/<slug:slug>/contacts/<int:contact_id>/cloture/", guarded(desk.wrap_up), name="wrap_up"),
    path("p/<slug:slug>/supervision/", guarded(supervision.supervision), name="supervision"),
    path("p/<slug:slug>/poste/routage/", guarded(live.desk_action), name="desk_action"),
    path("p/<slug:slug>/poste/flux/", live.desk_stream, name="desk_stream"),
    path("p/<slug:slug>/poste/en-cours/", guarded(held_work.held_work_fragment), name="held_work"),
    path("p/<slug:slug>/poste/terminer/", guarded(held_work.finish_own), name="finish_own"),
    path("p/<slug:slug>/conseillers/", guarded(held_work.advisors_page), name="advisors"),
    path("p/<slug:slug>/conseillers/liberer/", guarded(held_work.release), name="release_work"),
    path("p/<slug:slug>/courrier/", guarded(live.new_work_item), name="new_work_item"),
    path("p/<slug:slug>/tableau/", guarded(live.wallboard_page), name="wallboard"),
    path("p/<slug:slug>/tableau/flux/", live.wallboard_stream, name="wallboard_stream"),
    path("p/<slug:slug>/rapport/", guarded(live.report), name="report"),
    path("tableau/", guarded(live.wallboard_page), name="wallboard_all"),
    path("tableau/flux/", live.wallboard_stream, name="wallboard_all_stream"),
    path("status", live.status, name="status"),
]
