from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from plateau.api import api

urlpatterns = [
    # One login form for the site and the admin: throttled, and asking for the second factor (web/two_factor.py).
    path("admin/login/", RedirectView.as_view(pattern_name="web:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("plateau.web.leads_urls")),
    path("", include("plateau.wfm.urls")),
    path("", include("plateau.web.ivr_urls")),
    path("", include("plateau.web.urls")),
]
