from django.contrib import admin
from django.urls import include, path

from plateau.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("plateau.web.leads_urls")),
    path("", include("plateau.wfm.urls")),
    path("", include("plateau.web.ivr_urls")),
    path("", include("plateau.web.urls")),
]

handler400 = "plateau.web.error_views.bad_request"
handler403 = "plateau.web.error_views.permission_denied"
handler404 = "plateau.web.error_views.page_not_found"
handler500 = "plateau.web.error_views.server_error"
