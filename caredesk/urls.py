from django.contrib import admin
from django.urls import include, path

from caredesk.api import api
from caredesk.system import views as system_views
from caredesk.system.health import healthz

urlpatterns = [
    path("", system_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("tickets/", include("caredesk.conversations.urls")),
    path("mail/", include("caredesk.mail.urls")),
    path("calendars/", include("caredesk.calendars.urls")),
    path("service-levels/", include("caredesk.service_levels.urls")),
    path("promises/", include("caredesk.promises.urls")),
    path("escalations/", include("caredesk.escalations.urls")),
    path("assignment/", include("caredesk.assignment.urls")),
    path("automations/", include("caredesk.automations.urls")),
    path("quality/", include("caredesk.quality.urls")),
    path("surveys/", include("caredesk.surveys.urls")),
    path("reports/", include("caredesk.reports.urls")),
    path("kudos/", include("caredesk.kudos.urls")),
    path("coaching/", include("caredesk.coaching.urls")),
    path("", include("caredesk.portal.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
